"""Hidden cases for practice 06 · Controlling gradient flow."""
from functools import partial

import numpy as np

import minigrad as torch
from course.grading.checker import Case, exercise
from minigrad import nn


def _target_grad(w0, detach):
    w = torch.tensor(float(w0), requires_grad=True)
    target = w**2
    if detach:
        target = target.detach()
    ((3 * w - target) ** 2).backward()
    return w.grad.item()


@exercise("06.1", returns="a number",
          hint="compute the target from w, detach it, then build the loss and call backward().",
          error_hints=(("does not require grad and does not have a grad_fn",
                        "detach only the target: the prediction 3*w must stay in the graph, or nothing is left to "
                        "differentiate."),))
def detached_target():
    for w0 in (2.0, 0.5, -1.0, 3.0, 1.5):
        label = f"w0 = {w0}"
        yield Case(label, (w0,), _target_grad(w0, detach=True), "dL/dw",
                   mistakes=((_target_grad(w0, detach=False), "the gradient also flowed through the target w**2: "
                                                             "treat it as a constant with .detach()."),),
                   hint="with the target constant, dL/dw = 2 (3w - t) * 3.")


class _Original:
    """Makes the tensor handed to the answer and remembers it, so a case can look at it after the call."""

    def __init__(self, kind):
        self.kind, self.tensor = kind, None

    def __call__(self):
        base = torch.tensor([1.0, -2.0, 3.0], requires_grad=self.kind != "plain")
        self.tensor = base * 2 if self.kind == "result" else base
        self.values = self.tensor.detach().clone()
        return (self.tensor,)

    def untouched_by_writes(self, result):
        """Write into the copy; is the original still as it was?"""
        with torch.no_grad():
            result.fill_(99.0)
        return torch.equal(self.tensor.detach(), self.values)


@exercise("06.2", returns="a tensor", hint="leave the graph, then copy: t.detach().clone().")
def snapshot():
    for kind, description in (("result", "t = x * 2, x watched"), ("leaf", "t a watched leaf"),
                              ("plain", "t a plain tensor")):
        original = _Original(kind)
        label = description
        expected_values = torch.tensor([1.0, -2.0, 3.0]) * (2 if kind == "result" else 1)
        yield Case(label, original, "Tensor", "type(result)", lambda r: type(r).__name__)
        yield Case(label, original, expected_values, "result", lambda r: r.detach(),
                   hint="the copy holds t's values.")
        yield Case(label, original, False, "result.requires_grad", lambda r: r.requires_grad,
                   hint="a snapshot is outside the graph: .clone() alone keeps the history (and requires_grad); "
                        "detach first.")
        yield Case(label, original, True, "result.is_leaf", lambda r: r.is_leaf,
                   hint="a snapshot has no grad_fn: detach first, then clone.")
        yield Case(label, original, True, "t unchanged after writing into the result", original.untouched_by_writes,
                   mistakes=((False, "detach() (and .data) share memory with t: writing into the result changed t. "
                                     "Add .clone() for an independent copy."),))


ARCHITECTURES = (
    ((2, 4, 1), "Linear(2, 4), Tanh, Linear(4, 1)"),
    ((3, 8, 8, 2), "Linear(3, 8), Tanh, Linear(8, 8), Tanh, Linear(8, 2)"),
    ((1, 1), "Linear(1, 1) (the head alone)"),
    ((4, 6, 3, 1), "Linear(4, 6), Tanh, Linear(6, 3), Tanh, Linear(3, 1)"),
)


class _Pretrained:
    """A small MLP after a few steps of "pretraining": its parameters all hold gradients from the last step."""

    def __init__(self, seed, sizes):
        self.seed, self.sizes, self.model = seed, sizes, None

    def __call__(self):
        torch.manual_seed(self.seed)
        layers = []
        for i, (fan_in, fan_out) in enumerate(zip(self.sizes, self.sizes[1:])):
            layers.append(nn.Linear(fan_in, fan_out))
            if i < len(self.sizes) - 2:
                layers.append(nn.Tanh())
        self.model = nn.Sequential(*layers)
        self.inputs, self.targets = self.data()
        optimizer = torch.optim.SGD(self.model.parameters(), lr=0.05)
        for _ in range(3):
            optimizer.zero_grad()
            nn.functional.mse_loss(self.model(self.inputs), self.targets).backward()
            optimizer.step()
        return (self.model,)

    def data(self):
        generator = np.random.default_rng(self.seed)
        inputs = torch.tensor(generator.standard_normal((16, self.sizes[0])), dtype=torch.float32)
        targets = torch.tensor(generator.standard_normal((16, self.sizes[-1])), dtype=torch.float32)
        return inputs, targets

    def head_names(self):
        last = len(self.model) - 1
        return {f"{last}.weight", f"{last}.bias"}

    def names_of(self, params):
        """Names of the returned parameters (identity, not value); a non-parameter makes the form wrong."""
        if not isinstance(params, (list, tuple)):
            params = list(params) if hasattr(params, "__iter__") and not hasattr(params, "shape") else None
        if params is None:
            raise TypeError("not a list of parameters")
        by_id = {id(p): name for name, p in self.model.named_parameters()}
        names = set()
        for p in params:
            if id(p) not in by_id:
                raise TypeError("not a list of the model's parameters")
            names.add(by_id[id(p)])
        return names

    def flags(self, _result):
        return {name: p.requires_grad for name, p in self.model.named_parameters()}

    def stale(self, _result):
        return {name for name, p in self.model.named_parameters() if not p.requires_grad and p.grad is not None}

    def after_training(self, params, careless):
        """Train the head a few steps; return (frozen parameters bit-identical, head changed).

        careless: the optimizer gets every parameter of the model, with momentum and weight decay, and zeroes with
        set_to_none=False, as older code does. Otherwise it gets the returned list."""
        frozen = {name: p.detach().clone() for name, p in self.model.named_parameters() if not p.requires_grad}
        head = {name: p.detach().clone() for name, p in self.model.named_parameters() if name in self.head_names()}
        chosen = list(self.model.parameters()) if careless else list(params)
        optimizer = torch.optim.SGD(chosen, lr=0.1, momentum=0.9, weight_decay=0.01)
        for _ in range(4):
            optimizer.zero_grad(set_to_none=not careless)
            nn.functional.mse_loss(self.model(self.inputs), self.targets).backward()
            optimizer.step()
        parameters = dict(self.model.named_parameters())
        still = all(torch.equal(parameters[name], value) for name, value in frozen.items())
        moved = all(not torch.equal(parameters[name], value) for name, value in head.items())
        return still, moved


@exercise("06.3", returns="a list of the head's parameters",
          hint="for every parameter: requires_grad_(False) and grad = None; then switch the last module's parameters "
               "back on, and return them.")
def freeze_head():
    for seed, (sizes, description) in enumerate(ARCHITECTURES):
        scenario = _Pretrained(seed, sizes)
        scenario()
        head = scenario.head_names()
        everything = {name for name, _ in scenario.model.named_parameters()}
        label = description
        yield Case(label, scenario, head, "the names of the returned parameters", scenario.names_of,
                   mistakes=((everything, "you returned every parameter: return only the head's (the last "
                                          "module's), the ones the optimizer should update."),
                             (set(), "you returned nothing to train: the head's parameters must stay trainable.")),
                   hint="return the last module's parameters, e.g. list(model[-1].parameters()).")
        yield Case(label, scenario, {name: name in head for name in everything}, "requires_grad of each parameter",
                   scenario.flags,
                   mistakes=(({name: False for name in everything}, "the head is frozen too: its parameters must "
                                                                     "keep requires_grad=True."),
                             ({name: True for name in everything}, "nothing is frozen: call requires_grad_(False) on "
                                                                   "every parameter outside the head.")),
                   hint="requires_grad is False for every parameter outside the head, True for the head's.")
        yield Case(label, scenario, set(), "frozen parameters still holding a .grad", scenario.stale,
                   hint="the pretraining left gradients on every parameter: set p.grad = None on the frozen ones, or "
                        "an optimizer with momentum or weight decay keeps moving them.")
        yield Case(label, scenario, (True, True), "(frozen unchanged, head moved) after training your list",
                   partial(scenario.after_training, careless=False),
                   hint="training the returned parameters must change the head and leave the rest bit-identical.")
        yield Case(label, scenario, (True, True),
                   "(frozen unchanged, head moved) under an optimizer over all parameters, zero_grad(set_to_none="
                   "False)", partial(scenario.after_training, careless=True),
                   hint="with momentum and weight decay, a frozen parameter whose .grad is a zero tensor still moves: "
                        "set its .grad to None when you freeze it.")


LETTER_HINTS = {
    "a": "eval() only changes how layers like dropout and batch norm behave; autograd keeps recording.",
    "b": "no_grad() only stops recording; dropout keeps dropping until model.eval().",
    "c": "",
    "d": ".data skips autograd's version check, so a bad in-place edit goes unnoticed; .detach() shares the "
         "version counter and raises.",
}


def _true_letter():
    """Measure the four statements with minigrad; exactly one must hold."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Dropout(p=0.5), nn.Linear(8, 1))
    batch = torch.randn(6, 4)
    model.eval()
    eval_records = model(batch).requires_grad
    model.train()
    with torch.no_grad():
        no_grad_repeatable = torch.equal(model(batch), model(batch))
    model.eval()
    with torch.no_grad():
        both = model(batch)
        both_ok = not both.requires_grad and torch.equal(both, model(batch))
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.sigmoid(x)
    y.detach().zero_()
    try:
        y.sum().backward()
        detach_caught = False
    except RuntimeError:
        detach_caught = True
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.sigmoid(x)
    y.data.zero_()
    try:
        y.sum().backward()
        data_caught = False
    except RuntimeError:
        data_caught = True
    holds = {"a": not eval_records, "b": no_grad_repeatable, "c": both_ok and eval_records,
             "d": detach_caught == data_caught}
    right = [letter for letter, true in holds.items() if true]
    assert len(right) == 1, holds
    return right[0]


@exercise("06.4", returns='one letter, "a" to "d"')
def eval_and_no_grad():
    right = _true_letter()
    yield Case("your letter", (), right, "the letter", _one_letter,
               mistakes=tuple((letter, hint) for letter, hint in LETTER_HINTS.items() if letter != right))


def _one_letter(answer):
    if not isinstance(answer, str):
        raise TypeError("not a letter")
    return answer.strip().lower().strip("()")
