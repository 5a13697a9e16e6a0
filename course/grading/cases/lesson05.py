"""Hidden cases for practice 05 · Gradient accumulation."""
from functools import partial

import numpy as np

import minigrad as torch
from course.grading.checker import Case, exercise, tuple_part
from minigrad import nn


def _grad_after(values, calls, zero_between=False):
    x = torch.tensor(values, requires_grad=True)
    for _ in range(calls):
        if zero_between:
            x.grad = None
        (x**2).sum().backward()
    return x.grad


@exercise("05.1", returns="a tensor, or None",
          hint="build the graph afresh and call backward() `calls` times in a row, without clearing x.grad.")
def accumulated_grad():
    for values, calls in (([2.0], 1), ([2.0], 2), ([2.0], 3), ([1.0, 2.0, 3.0], 2), ([0.5, -1.0], 4),
                          ([1.0, 2.0], 0)):
        expected = _grad_after(values, calls)
        label = f"values = {values}, calls = {calls}"
        args = partial(_fresh_list, values, calls)
        if calls == 0:
            yield Case(label, args, None, "x.grad",
                       mistakes=((torch.zeros(len(values)), "no backward ran, so there is no gradient at all: .grad "
                                                            "is None, not zeros."),),
                       hint="before the first backward(), x.grad is None: return it as it is.")
            continue
        yield Case(label, args, expected, "x.grad",
                   mistakes=((_grad_after(values, 1), "that is the gradient of one call: the calls add up, so do not "
                                                      "clear .grad between them."),),
                   hint="each backward() adds 2x to x.grad: after k calls it holds k * 2x.")


def _fresh_list(values, *rest):
    return (list(values), *rest)


def _line_data(seed, n):
    generator = np.random.default_rng(seed)
    xs = torch.tensor(np.linspace(-1.0, 1.0, n), dtype=torch.float32)
    ys = 2 * xs + 1 + 0.1 * torch.tensor(generator.standard_normal(n), dtype=torch.float32)
    return xs, ys


def _train_line(xs, ys, steps, lr, placement):
    w = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=lr)
    for _ in range(steps):
        if placement == "top":
            optimizer.zero_grad()
        loss = ((w * xs + b - ys) ** 2).mean()
        loss.backward()
        if placement == "between":
            optimizer.zero_grad()
        optimizer.step()
    return w.item(), b.item()


@exercise("05.2", returns="a pair (w, b) of numbers",
          hint="the order of a step: zero_grad, forward, loss, backward, step.")
def fixed_loop():
    pair = tuple_part(2, "pair")
    for seed, (n, steps, lr) in enumerate(((24, 100, 0.05), (10, 30, 0.1), (16, 1, 0.2), (30, 60, 0.02))):
        xs, ys = _line_data(seed, n)
        w, b = _train_line(xs, ys, steps, lr, "top")
        w_never, b_never = _train_line(xs, ys, steps, lr, "never")
        w_between, b_between = _train_line(xs, ys, steps, lr, "between")
        label = f"{n} points, steps = {steps}, lr = {lr}"
        args = partial(_clones, xs, ys, steps, lr)
        between = "zero_grad() between backward() and step() throws each gradient away before step() uses it."
        never = ("without zero_grad() every step uses the sum of all gradients so far: clear them once per step, "
                 "before backward().")
        yield Case(label, args, w, "w", pair(0), mistakes=((w_between, between),) + (
            ((w_never, never),) if steps > 1 else ()), hint="zero the gradients once per step, before backward().")
        yield Case(label, args, b, "b", pair(1), mistakes=((b_between, between),) + (
            ((b_never, never),) if steps > 1 else ()), hint="zero the gradients once per step, before backward().")


def _clones(*items):
    return tuple(item.clone() if hasattr(item, "clone") else item for item in items)


MICRO_CASES = ((8, 3, 2, False), (8, 3, 8, False), (10, 2, 4, False), (7, 1, 3, False), (12, 2, 5, False),
               (8, 3, 4, True))


class _Setup:
    """A fresh model (seeded), its data, and, on request, stale gradients from an earlier backward."""

    def __init__(self, seed, n, d, size, stale):
        self.seed, self.n, self.d, self.size, self.stale = seed, n, d, size, stale

    def __call__(self):
        generator = np.random.default_rng(100 + self.seed)
        torch.manual_seed(self.seed)
        model = nn.Linear(self.d, 1)
        inputs = torch.tensor(generator.standard_normal((self.n, self.d)), dtype=torch.float32)
        targets = torch.tensor(generator.standard_normal((self.n, 1)), dtype=torch.float32)
        if self.stale:  # a previous step's gradients, never cleared
            nn.functional.mse_loss(model(inputs * 3), targets).backward()
        return model, inputs, targets, self.size


def _micro_grads(model, inputs, targets, size, scale, zero_each=False):
    """(weight.grad, bias.grad) after micro-batches of `size`, each loss scaled as `scale` says ("share": n_i / N,
    "count": 1 / number of micro-batches, "none"), optionally clearing the gradients before every micro-batch."""
    chunks = list(zip(inputs.split(size), targets.split(size)))
    for x_micro, y_micro in chunks:
        if zero_each:
            model.zero_grad()
        loss = nn.functional.mse_loss(model(x_micro), y_micro)
        if scale == "share":
            loss = loss * len(x_micro) / len(inputs)
        elif scale == "count":
            loss = loss / len(chunks)
        loss.backward()
    return model.weight.grad.clone(), model.bias.grad.clone()


def _big_batch(model, inputs, targets):
    model.zero_grad()
    nn.functional.mse_loss(model(inputs), targets).backward()
    return model.weight.grad.clone(), model.bias.grad.clone()


@exercise("05.3", returns="a pair (weight_grad, bias_grad) of tensors",
          hint="clear the model's gradients once, then for each micro-batch: loss * n_i / N, backward(), no "
               "clearing in between.")
def micro_batches():
    pair = tuple_part(2, "pair")
    for seed, (n, d, size, stale) in enumerate(MICRO_CASES):
        setup = _Setup(seed, n, d, size, stale)
        model, inputs, targets, _ = setup()
        expected = _big_batch(model, inputs, targets)
        wrong = {}
        for name, scale, zero_each in (("none", "none", False), ("count", "count", False),
                                       ("last only", "share", True), ("last only, unscaled", "none", True)):
            fresh_model, *_ = _Setup(seed, n, d, size, False)()
            wrong[name] = _micro_grads(fresh_model, inputs, targets, size, scale, zero_each)
        stale_model, *_ = setup()
        wrong["stale"] = _micro_grads(stale_model, inputs, targets, size, "share")
        sizes = [len(chunk) for chunk in inputs.split(size)]
        label = f"N = {n}, micro-batches of {size} ({sizes})" + (", the model has old gradients" if stale else "")
        for i, name in ((0, "weight_grad"), (1, "bias_grad")):
            mistakes = [(wrong["none"][i], "each micro-batch mean counts fully, so the sum is too large: scale "
                                           "each loss by its share n_i / N of the samples.")]
            if len(set(sizes)) > 1:
                mistakes.append((wrong["count"][i], "dividing by the number of micro-batches over-weights the "
                                                    "smaller last one: scale each loss by n_i / N instead."))
            if len(sizes) > 1:
                for name in ("last only", "last only, unscaled"):
                    mistakes.append((wrong[name][i], "only the last micro-batch counted: do not clear the "
                                                     "gradients between micro-batches, only once before."))
            if stale:
                mistakes.append((wrong["stale"][i], "the model already held gradients from an earlier step, and "
                                                    "yours were added to them: clear them first "
                                                    "(model.zero_grad())."))
            yield Case(label, setup, expected[i], name, pair(i), mistakes=tuple(mistakes))


@exercise("05.4", returns='a set of letters, for example {"a", "c"}')
def when_accumulation():
    hints = {
        frozenset("a"): "b too: two backward() calls before one step add both tasks' gradients, which is what "
                        "the summed loss wants.",
        frozenset("b"): "a too: micro-batches rely on accumulation to rebuild the big batch's gradient.",
        frozenset("abc"): "c: with one batch per step, last step's gradient must be cleared, not added to.",
        frozenset("abd"): "d: validation calls no backward() at all (and runs under no_grad()).",
        frozenset("abcd"): "not everywhere: an ordinary step wants only its own gradient, validation none.",
        frozenset("c"): "in an ordinary loop accumulation is the bug (forgotten zero_grad); look for the cases "
                        "where several backward() calls should add up.",
    }
    yield Case("your letters", (), {"a", "b"}, "the set of letters", _letters,
               mistakes=tuple((set(letters), hint) for letters, hint in hints.items()),
               hint="accumulation is wanted where several backward() calls should add up before one step.")


def _letters(answer):
    if isinstance(answer, str):
        answer = {answer}
    if not isinstance(answer, (set, frozenset, list, tuple)) or not all(isinstance(a, str) for a in answer):
        raise TypeError("not a set of letters")
    return {a.strip().lower().strip("()") for a in answer}
