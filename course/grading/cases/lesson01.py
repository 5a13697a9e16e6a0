"""Hidden cases for practice 01 · Tensors and requires_grad."""
from functools import partial

import minigrad as torch
from course.grading.checker import Case, exercise


def _pair(result):
    """The (x, s) pair an answer returns; anything else is reported with the exercise's `returns` text."""
    if not (isinstance(result, tuple) and len(result) == 2):
        raise TypeError("not a pair")
    return result


def _type_name(value):
    return type(value).__name__


@exercise("01.1", returns="a pair (x, s)", hint="make the numbers, shape them, mark them; then s = x.sum().")
def square_grid():
    for n in (5, 1, 3):
        reference = torch.arange(float(n * n)).reshape(n, n)
        label = f"n = {n}"
        yield Case(label, (n,), "Tensor", "type(x)", lambda r: _type_name(_pair(r)[0]),
                   hint="build x with torch functions (torch.arange, torch.tensor), not a list or a numpy array.")
        yield Case(label, (n,), (n, n), "x.shape", lambda r: tuple(_pair(r)[0].shape),
                   hint="reshape the n*n numbers into n rows: .reshape(n, n).")
        yield Case(label, (n,), reference, "x", lambda r: _pair(r)[0].detach(),
                   hint="x holds 0, 1, ..., n*n - 1 row by row: torch.arange(float(n * n)).reshape(n, n).")
        yield Case(label, (n,), str(reference.dtype), "x.dtype", lambda r: str(_pair(r)[0].dtype),
                   hint="make float32 numbers: torch.arange(float(n * n)) or dtype=torch.float32.")
        yield Case(label, (n,), True, "x.requires_grad", lambda r: _pair(r)[0].requires_grad,
                   hint="mark x as watched: requires_grad=True when you create it, or x.requires_grad_().")
        yield Case(label, (n,), True, "x.is_leaf", lambda r: _pair(r)[0].is_leaf,
                   hint="an op applied after requires_grad=True (like .reshape) is recorded, so its result is not "
                        "a leaf: shape the data first, then call .requires_grad_() last.")
        yield Case(label, (n,), "Tensor", "type(s)", lambda r: _type_name(_pair(r)[1]),
                   mistakes=(("float", "s.item() and float(s) give a plain number with no graph: return the "
                                       "tensor x.sum() itself."),),
                   hint="s is the tensor x.sum().")
        yield Case(label, (n,), reference.sum().item(), "s", lambda r: _pair(r)[1],
                   hint="s is the sum of every entry of x: x.sum().")
        yield Case(label, (n,), True, "s.requires_grad", lambda r: _pair(r)[1].requires_grad,
                   hint="compute s from the watched x (s = x.sum()), so s is recorded and requires grad too.")


@exercise("01.2", returns="a tensor", hint="torch.tensor takes dtype= and requires_grad= in one call.",
          error_hints=(("Only Tensors of floating point",
                        "values holds integers, so torch.tensor(values) is int64, and an integer tensor cannot "
                        "require grad: pass dtype=torch.float32 as well."),))
def watched_floats():
    for values in ([1, 2, 3], [[1, 2], [3, 4]], [0.5, -2.0], 7, [[-3], [0]]):
        reference = torch.tensor(values, dtype=torch.float32)
        label = f"values = {values!r}"
        # a fresh list for every call, so an answer that changes its argument cannot spoil the next case
        args = partial(_fresh_args, values)
        yield Case(label, args, "Tensor", "type(result)", _type_name)
        yield Case(label, args, str(reference.dtype), "result.dtype", lambda t: str(t.dtype),
                   mistakes=(("torch.float64", "float32 is PyTorch's default float type: dtype=torch.float32, "
                                               "not float64."),))
        yield Case(label, args, reference, "result", lambda t: t.detach(),
                   hint="keep the values and their nesting: torch.tensor(values, ...).")
        yield Case(label, args, True, "result.requires_grad", lambda t: t.requires_grad,
                   hint="add requires_grad=True (or call .requires_grad_() at the end).")
        yield Case(label, args, True, "result.is_leaf", lambda t: t.is_leaf,
                   hint="a cast applied after requires_grad=True (like .float()) is recorded, so the result is "
                        "not a leaf: cast first, then mark, or do both in one torch.tensor(...) call.")


def _copy(values):
    return [_copy(v) for v in values] if isinstance(values, list) else values


def _fresh_args(values):
    return (_copy(values),)


# Options of the "which are leaves?" question, built exactly as the notebook shows them.
def _under_no_grad():
    w = torch.randn(3, requires_grad=True)
    with torch.no_grad():
        return w * 2


LEAF_OPTIONS = {
    "a": (lambda: torch.randn(3, requires_grad=True),
          "a tensor created with requires_grad=True is a leaf: its .grad is filled by backward()."),
    "b": (lambda: torch.randn(3, requires_grad=True) * 0.01,
          "multiplying a watched tensor is recorded (grad_fn=<MulBackward0>): the result is not a leaf. Scale "
          "first, then mark: (torch.randn(3) * 0.01).requires_grad_()."),
    "c": (lambda: torch.randn(3, requires_grad=True).double(),
          ".double() on a watched tensor is a recorded op (grad_fn=<ToCopyBackward0>): the result is not a leaf."),
    "d": (lambda: torch.randn(3, requires_grad=True).detach(),
          ".detach() returns a tensor with no history, so it is a leaf (one that does not require grad)."),
    "e": (lambda: torch.randn(3) * 0.01,
          "nothing here requires grad, so nothing is recorded: every such tensor is a leaf."),
    "f": (_under_no_grad, "under torch.no_grad() nothing is recorded: the result has no grad_fn, so it is a leaf."),
}


def _letters(answer):
    if not isinstance(answer, (set, frozenset, list, tuple)) or not all(isinstance(v, str) for v in answer):
        raise TypeError("not a set of letters")
    return {v.strip().lower().strip("()") for v in answer}


@exercise("01.3", returns='a set of letters such as {"a", "d"}')
def which_are_leaves():
    yield Case("the letters", (), True, "every letter one of a-f", lambda r: _letters(r) <= set(LEAF_OPTIONS),
               hint="answer with the option letters only, e.g. {\"a\", \"d\"}.")
    for letter, (build, why) in LEAF_OPTIONS.items():
        yield Case(f"option ({letter})", (), build().is_leaf, f"({letter}) in your set",
                   lambda r, letter=letter: letter in _letters(r), hint=why)


@exercise("01.4", returns="a tensor", hint="draw, scale, and only then mark the tensor as watched.")
def small_init():
    for seed, rows, cols, scale in ((0, 4, 3, 0.01), (1, 2, 5, 0.1), (7, 1, 1, 2.0)):
        torch.manual_seed(seed)
        reference = torch.randn(rows, cols) * scale
        label = f"seed {seed}, rows = {rows}, cols = {cols}, scale = {scale}"
        before = partial(torch.manual_seed, seed)
        args = (rows, cols, scale)
        yield Case(label, args, "Tensor", "type(w)", _type_name, before=before)
        yield Case(label, args, (rows, cols), "w.shape", lambda w: tuple(w.shape), before=before)
        yield Case(label, args, reference, "w", lambda w: w.detach(), before=before,
                   hint="draw exactly one torch.randn(rows, cols) (the seed is set before your function runs) and "
                        "multiply it by scale.")
        yield Case(label, args, True, "w.requires_grad", lambda w: w.requires_grad, before=before,
                   hint="the weights must be watched: call .requires_grad_() on the scaled tensor.")
        yield Case(label, args, True, "w.is_leaf", lambda w: w.is_leaf, before=before,
                   hint="torch.randn(..., requires_grad=True) * scale records the multiply, so w is a non-leaf "
                        "(grad_fn=<MulBackward0>): its .grad stays None and an optimizer refuses it. Scale first, "
                        "then call .requires_grad_().")
        yield Case(label, args, torch.ones(rows, cols), "w.grad after w.sum().backward()", _grad_of_sum,
                   before=before, hint="w must be a leaf that requires grad, so backward() fills w.grad.")


def _grad_of_sum(w):
    w.sum().backward()
    return w.grad
