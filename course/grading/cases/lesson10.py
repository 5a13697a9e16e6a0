"""Hidden cases for practice 10 · Pitfalls and debugging."""
from functools import partial

import numpy as np

import minigrad as torch
from course.grading.checker import Case, exercise
from minigrad import nn

VERSION_ERROR = "modified by an inplace operation"


# ------------------------------------------------------------------------------------------ 10.1 predict errors

def _run_option(build):
    """True when backward() fails with the version-counter error after `build(h, w)` made y (h = x * 1.0)."""
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    try:
        build(x * 1.0, w).sum().backward()
    except RuntimeError as error:
        if VERSION_ERROR in str(error):
            return True
        raise
    return False


def _sin_then_edit_input(h, w):
    y = h.sin()
    h.mul_(2)
    return y


def _tanh_then_edit_input(h, w):
    y = h.tanh()
    h.mul_(2)
    return y


def _tanh_then_edit_output(h, w):
    y = h.tanh()
    y.mul_(2)
    return y


def _scale_then_edit_output(h, w):
    y = h * 3
    y.add_(1)
    return y


def _log_then_edit_input(h, w):
    y = h.log()
    h.add_(1)
    return y


def _sigmoid_plus_w_then_zero_input(h, w):
    y = h.sigmoid() + w
    h.zero_()
    return y


PREDICT_OPTIONS = {
    "a": (_sin_then_edit_input, "sin saves its input (its derivative is cos h), so changing h breaks backward."),
    "b": (_tanh_then_edit_input, "tanh saves its output (tanh' = 1 - y**2), not its input: changing h is harmless."),
    "c": (_tanh_then_edit_output, "tanh saved its output y, and y was changed in place: backward refuses."),
    "d": (_scale_then_edit_output, "multiplying by a number saves nothing about h or y, so editing y is allowed."),
    "e": (_log_then_edit_input, "log saves its input (log' = 1/h), so changing h breaks backward."),
    "f": (_sigmoid_plus_w_then_zero_input, "sigmoid saves its output and + saves nothing: h itself was not saved."),
}


def _letters(answer):
    if not isinstance(answer, (set, frozenset, list, tuple)) or not all(isinstance(v, str) for v in answer):
        raise TypeError("not a set of letters")
    return {v.strip().lower().strip("()") for v in answer}


@exercise("10.1", returns='a set of letters such as {"a", "b"}',
          hint="an in-place edit breaks backward only when an op that already ran saved the tensor being edited.")
def predict_errors():
    yield Case("the letters", (), True, "every letter one of a-f", lambda r: _letters(r) <= set(PREDICT_OPTIONS),
               hint='answer with the option letters only, e.g. {"a", "b"}.')
    for letter, (build, why) in PREDICT_OPTIONS.items():
        yield Case(f"option ({letter})", (), _run_option(build), f"({letter}) in your set",
                   lambda r, letter=letter: letter in _letters(r), hint=why)


# ------------------------------------------------------------------------------------------ 10.2 safe update

def _descend(values, lr, steps, zero=True):
    """Gradient descent on f(w) = ((w - 2)**2).sum(), updating the leaf in place under no_grad."""
    w = torch.tensor(values, requires_grad=True)
    for _ in range(steps):
        ((w - 2) ** 2).sum().backward()
        with torch.no_grad():
            w -= lr * w.grad
        if zero:
            w.grad = None
    return w


@exercise("10.2", returns="a tensor",
          hint="each step: compute f, backward(), then `with torch.no_grad(): w -= lr * w.grad`, then w.grad = None.",
          error_hints=(
              ("unsupported operand type(s) for *: 'float' and 'NoneType'",
               "`w = w - lr * w.grad` makes w a new, non-leaf tensor whose .grad stays None: change the leaf in place "
               "under torch.no_grad() instead (w -= ...)."),
              ("does not require grad and does not have a grad_fn",
               "under no_grad, `w = w - ...` builds a new tensor that is not watched: write `w -= ...` so the same "
               "leaf changes in place."),
          ))
def safe_update():
    for values, lr, steps in (([0.0], 0.1, 1), ([1.0, 2.0, 3.0], 0.1, 2), ([5.0, -1.0], 0.25, 5),
                              ([0.5, 0.5, 0.5, 0.5], 0.05, 10)):
        expected = _descend(values, lr, steps)
        label = f"values = {values}, lr = {lr}, steps = {steps}"
        args = partial(lambda v, lr, s: (list(v), lr, s), values, lr, steps)
        yield Case(label, args, "Tensor", "type(w)", lambda w: type(w).__name__,
                   hint="return the tensor w itself (not a number or a list).")
        mistakes = ()
        if steps > 1:
            mistakes = ((_descend(values, lr, steps, zero=False).detach(),
                         "without clearing w.grad every step uses the sum of all gradients so far: set w.grad = None "
                         "(or zero it) after each update."),)
        yield Case(label, args, expected.detach(), "w", lambda w: w.detach(), mistakes=mistakes,
                   hint="the gradient of ((w - 2)**2).sum() is 2 * (w - 2); each step subtracts lr times it.")
        yield Case(label, args, True, "w.requires_grad", lambda w: w.requires_grad,
                   hint="the weights must stay watched: `w = w - ...` (even under no_grad) makes a new tensor; "
                        "change the original leaf in place with `w -= ...` inside torch.no_grad().")
        yield Case(label, args, True, "w.is_leaf", lambda w: w.is_leaf,
                   hint="`w = w - lr * w.grad` outside no_grad records a subtraction, so w is no longer a leaf: "
                        "update in place under torch.no_grad().")


# ------------------------------------------------------------------------------------------ 10.3 safe root

class _Watched:
    """Makes the case's input tensor (requires_grad) and remembers it, so a key can read its .grad afterwards."""

    def __init__(self, values):
        self.values, self.x = values, None

    def __call__(self):
        self.x = torch.tensor(self.values, requires_grad=True)
        return (self.x,)

    def grad_of_sum(self, y):
        if not (type(y).__name__ == "Tensor" and y.requires_grad):
            return None
        y.sum().backward()
        return self.x.grad


def _root_reference(values, naive=False):
    x = torch.tensor(values, requires_grad=True)
    if naive:
        y = torch.where(x > 0, x.sqrt(), x)
    else:
        y = torch.where(x > 0, torch.where(x > 0, x, torch.ones_like(x)).sqrt(), x)
    y.sum().backward()
    return y.detach(), x.grad


@exercise("10.3", returns="a tensor",
          hint="make the square root safe on its own input (it must never see x <= 0), then choose with "
               "torch.where.")
def safe_root():
    for values in ([0.0, 4.0], [-1.0, 0.0, 1.0, 9.0], [0.25], [[0.0, 2.0], [-3.0, 16.0]], [-2.0, -0.5]):
        y, grad = _root_reference(values)
        _, naive_grad = _root_reference(values, naive=True)
        watched = _Watched(values)
        label = f"x = {values}"
        yield Case(label, watched, y, "y", lambda r: r.detach() if type(r).__name__ == "Tensor" else r,
                   hint="y is sqrt(x) where x > 0 and x itself elsewhere (same shape as x).")
        mistakes = ((None, "y must be computed from x with tensor ops (no .item(), .tolist() or NumPy), so that "
                           "backward() reaches x."),)
        if not np.array_equal(np.isnan(naive_grad.numpy()), np.isnan(grad.numpy())):
            mistakes += ((naive_grad, "the branch torch.where did not pick is still differentiated: sqrt'(0) = inf, "
                                      "and 0 * inf = nan. Feed the square root a safe input where x <= 0."),)
        yield Case(label, watched, grad, "x.grad after y.sum().backward()", watched.grad_of_sum, mistakes=mistakes,
                   hint="the gradient is 1 / (2 sqrt(x)) where x > 0 and 1 elsewhere, never nan.")


# ------------------------------------------------------------------------------------------ 10.4 the buggy loop

def _regression_data(seed, n, features):
    generator = np.random.default_rng(seed)
    inputs = generator.uniform(-2, 2, size=(n, features))
    weights = generator.uniform(-3, 3, size=(features, 1))
    targets = inputs @ weights - 1 + generator.normal(0, 0.3, size=(n, 1))
    return torch.tensor(inputs, dtype=torch.float32), torch.tensor(targets, dtype=torch.float32)


class _Problem:
    """A fresh seeded model and its data for every call; keeps the model so a key can read it after training."""

    def __init__(self, seed, n, features, epochs, lr):
        self.seed, self.n, self.features, self.epochs, self.lr = seed, n, features, epochs, lr
        self.model = None

    def __call__(self):
        inputs, targets = _regression_data(self.seed, self.n, self.features)
        torch.manual_seed(self.seed)
        self.model = nn.Linear(self.features, 1)
        return self.model, inputs, targets, self.epochs, self.lr

    def weight(self, history):
        return self.model.weight.detach()


def _train(model, inputs, targets, epochs, lr, zero="top", reduce="mean"):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        if zero == "top":
            optimizer.zero_grad()
        squared = (model(inputs) - targets) ** 2
        loss = squared.mean() if reduce == "mean" else squared.sum()
        loss.backward()
        if zero == "between":
            optimizer.zero_grad()
        optimizer.step()
        history.append(loss.item())
    return history, model.weight.detach()


def _numbers_only(history):
    if not isinstance(history, list):
        raise TypeError("not a list")
    return all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in history)


@exercise("10.4", returns="a list of numbers",
          hint="the order of a step: zero_grad, forward, loss (a mean), backward, step; log loss.item().")
def fixed_training_loop():
    for seed, (n, features, epochs, lr) in enumerate(((64, 1, 6, 0.1), (20, 3, 10, 0.05), (50, 2, 1, 0.1),
                                                       (32, 1, 15, 0.2))):
        problem = _Problem(seed, n, features, epochs, lr)
        reference, weight = _train(*problem())
        summed, summed_weight = _train(*problem(), reduce="sum")
        stale, stale_weight = _train(*problem(), zero="never")
        dropped, dropped_weight = _train(*problem(), zero="between")
        label = f"{n} examples, {features} feature(s), epochs = {epochs}, lr = {lr}"
        sum_hint = ("the loss is a sum over the examples, so its gradient is n times too large: use .mean() (as "
                    "nn.MSELoss() does).")
        stale_hint = ("without optimizer.zero_grad() each step uses the sum of all gradients so far: call it at the "
                      "top of every epoch.")
        dropped_hint = "zero_grad() between backward() and step() throws the gradient away before step() uses it."
        yield Case(label, problem, True, "every entry a Python number", _numbers_only,
                   hint="history holds tensors (each keeps its whole graph alive): append loss.item() instead.")
        yield Case(label, problem, epochs, "len(history)", len, hint="append one loss per epoch.")
        yield Case(label, problem, reference[0], "history[0]", lambda h: h[0],
                   mistakes=((summed[0], sum_hint),),
                   hint="history[0] is the mean squared error of the untrained model.")
        history_mistakes = ((summed, sum_hint), (dropped, dropped_hint))
        if epochs > 1:
            history_mistakes += ((stale, stale_hint),)
        yield Case(label, problem, reference, "history", mistakes=history_mistakes,
                   hint="record the loss of every epoch, computed before that epoch's step.")
        weight_mistakes = ((summed_weight, sum_hint), (dropped_weight, dropped_hint))
        if epochs > 1:
            weight_mistakes += ((stale_weight, stale_hint),)
        yield Case(label, problem, weight, "model.weight after training", problem.weight, mistakes=weight_mistakes,
                   hint="train the model you are given, in place, with optimizer.step() once per epoch.")


# ------------------------------------------------------------------------------------------ 10.5 numpy copy

class _Source:
    """The case's tensor, kept so a key can check that writing into the answer's array leaves it alone."""

    def __init__(self, values, requires_grad):
        self.values, self.requires_grad, self.tensor = values, requires_grad, None

    def __call__(self):
        self.tensor = torch.tensor(self.values, requires_grad=self.requires_grad)
        return (self.tensor,)

    def independent(self, array):
        before = self.tensor.detach().clone()
        array[...] = -12345.0
        return bool(torch.equal(self.tensor.detach(), before))


@exercise("10.5", returns="a NumPy array",
          hint="leave the graph with .detach(), make an independent copy, then convert with .numpy().",
          error_hints=(("Can't call numpy() on Tensor that requires grad",
                        "a tensor that requires grad must leave the graph first: .detach() before .numpy()."),))
def numpy_copy():
    for values, requires_grad in (([1.0, 2.0, 3.0], True), ([[0.5, -1.0], [2.0, 4.0]], True), ([7.0], False),
                                  ([0.0, 1.5], False)):
        source = _Source(values, requires_grad)
        label = f"values = {values}, requires_grad = {requires_grad}"
        yield Case(label, source, "ndarray", "type(result)", lambda r: type(r).__name__,
                   hint="return a NumPy array: tensor.detach().numpy() gives one.")
        yield Case(label, source, np.array(values, dtype=np.float32), "result", hint="the same values as the tensor.")
        yield Case(label, source, True, "the tensor unchanged after writing into your array", source.independent,
                   hint=".detach().numpy() shares memory with the tensor: add .clone() before .numpy() (or .copy() "
                        "after) for an independent array.")
