"""Hidden cases for practice 04 · Vector outputs, Jacobians and broadcasting."""
from functools import partial

import numpy as np

import minigrad as torch
from course.grading.checker import Case, exercise, tuple_part


def _mixer(x):
    """f(x) = x * sum(x): every output depends on every input, and the Jacobian is not symmetric."""
    return x * x.sum()


def _jacobian(values):
    return torch.autograd.functional.jacobian(_mixer, torch.tensor(values))


@exercise("04.1", returns="a tensor of shape (n,)",
          hint="one backward pass with a one-hot seed: y.backward(gradient=seed), seed[i] = 1 and zeros elsewhere.",
          error_hints=(("Mismatch in shape", "the seed must have y's exact shape (n,): torch.zeros(n) with a 1 at "
                                             "position i."),))
def jacobian_row():
    for values, i in (([1.0, 2.0, 3.0], 0), ([1.0, 2.0, 3.0], 2), ([0.5, -1.0], 1), ([2.0, 0.0, -3.0, 1.0], 1),
                      ([4.0], 0)):
        jac = _jacobian(values)
        row, column = jac[i], jac[:, i]
        label = f"values = {values}, i = {i}"
        mistakes = [(jac.sum(dim=0), "that is the sum of all rows (a seed of all ones, or y.sum().backward()): "
                                     "use a one-hot seed, 1 at position i and 0 elsewhere.")]
        if not torch.allclose(row, column):
            mistakes.append((column, "that is column i of the Jacobian (how every output moves with x_i); a row is "
                                     "the gradient of the single output y_i."))
        yield Case(label, partial(_fresh, values, i), row, f"row {i} of J", mistakes=tuple(mistakes),
                   hint="row i of J is the gradient of y_i = x_i * sum(x): seed backward with a one-hot vector "
                        "and read x.grad.")


def _fresh(values, *rest):
    return (list(values), *rest)


def _linear_case(seed, n, d, h):
    generator = np.random.default_rng(seed)
    X = torch.tensor(generator.standard_normal((n, d)), dtype=torch.float32)  # noqa: N806 - matrix names
    W = torch.tensor(generator.standard_normal((d, h)), dtype=torch.float32)  # noqa: N806
    G = torch.tensor(generator.standard_normal((n, h)), dtype=torch.float32)  # noqa: N806
    return X, W, G


def _linear_reference(X, W, G):  # noqa: N803 - matrix names, as in the task
    """dL/dW, dL/dX, dL/db of L = sum(G * (X @ W + b)), by minigrad's backward()."""
    X, W = X.clone().requires_grad_(), W.clone().requires_grad_()  # noqa: N806
    b = torch.zeros(W.shape[1], requires_grad=True)
    (G * (X @ W + b)).sum().backward()
    return W.grad, X.grad, b.grad


@exercise("04.2", returns="a triple (dW, dX, db) of tensors",
          hint="dW = X^T G, dX = G W^T, db = G summed over the batch; check each shape against the parameter's.",
          error_hints=(("shapes cannot be multiplied", "match the shapes: dW has W's shape (d, h), so it is "
                                                       "X.T @ G; dX has X's shape (n, d), so it is G @ W.T."),))
def linear_backward():
    triple = tuple_part(3, "triple")
    for seed, (n, d, h) in enumerate(((4, 3, 2), (1, 2, 5), (6, 1, 1), (3, 4, 3))):
        X, W, G = _linear_case(seed, n, d, h)  # noqa: N806
        dW, dX, db = _linear_reference(X, W, G)  # noqa: N806
        label = f"X {n}×{d}, W {d}×{h}, G {n}×{h} (seed {seed})"
        args = partial(_clones, X, W, G)
        yield Case(label, args, tuple(dW.shape), "dW.shape", lambda r: tuple(triple(0)(r).shape),
                   hint="dW has W's shape (d, h): X.T @ G.")
        yield Case(label, args, dW, "dW", triple(0),
                   mistakes=((G.sum(dim=0) * X.sum(dim=0).unsqueeze(1), "sum over the batch of the outer products "
                                                                        "X[n] G[n], not product of the sums: "
                                                                        "X.T @ G."),),
                   hint="dL/dW = X^T G: each weight adds up input × upstream gradient over the batch.")
        yield Case(label, args, tuple(dX.shape), "dX.shape", lambda r: tuple(triple(1)(r).shape),
                   hint="dX has X's shape (n, d): G @ W.T.")
        yield Case(label, args, dX, "dX", triple(1), hint="dL/dX = G W^T.")
        yield Case(label, args, tuple(db.shape), "db.shape", lambda r: tuple(triple(2)(r).shape),
                   mistakes=(((n, h), "b was broadcast to every row, so its gradient is summed over the rows: "
                                      "G.sum(dim=0), shape (h,)."),),
                   hint="db has b's shape (h,): sum G over the batch dimension.")
        yield Case(label, args, db, "db", triple(2),
                   mistakes=((G.mean(dim=0), "broadcasting copies b to every row, and copies add up: sum over the "
                                             "rows (G.sum(dim=0)), do not average."),),
                   hint="db = G.sum(dim=0): the column sums of the upstream gradient.")


def _clones(*tensors):
    return tuple(t.clone() for t in tensors)


UNBROADCAST_CASES = (((4, 3), (3,)), ((3, 4), (3, 1)), ((2, 3, 4), (3, 1)), ((2, 3), ()), ((2, 3), (2, 3)),
                     ((5, 1, 4), (1, 4)), ((2, 3, 4), (1, 3, 1)), ((6,), (1,)))


def _reference_unbroadcast(grad, shape):
    """What autograd gives an input of `shape` whose broadcast result received `grad`."""
    leaf = torch.zeros(shape, requires_grad=True)
    ((leaf + torch.zeros(grad.shape)) * grad).sum().backward()
    return leaf.grad


@exercise("04.3", returns="a tensor with the given shape",
          hint="first sum over the leading dimensions the input did not have, then sum with keepdim=True over "
               "every dimension where the input has size 1 and the gradient does not.")
def unbroadcast():
    for k, (grad_shape, shape) in enumerate(UNBROADCAST_CASES):
        generator = np.random.default_rng(10 + k)
        grad = torch.tensor(generator.integers(-5, 6, size=grad_shape), dtype=torch.float32)
        expected = _reference_unbroadcast(grad, shape)
        label = f"grad of shape {grad_shape}, input shape {shape}"
        args = partial(_grad_and_shape, grad, shape)
        mistakes = []
        only_leading = tuple(grad_shape[len(grad_shape) - len(shape):])  # the leading dims summed away, no more
        if only_leading != tuple(shape):
            mistakes.append((only_leading, "summing away the extra leading dimensions is not enough: also sum "
                                           "(keepdim=True) where the input has size 1."))
        yield Case(label, args, tuple(shape), "result.shape", lambda r: tuple(r.shape), mistakes=tuple(mistakes),
                   hint="the result must have exactly the input's shape: leading dims summed away, size-1 dims "
                        "summed with keepdim=True.")
        yield Case(label, args, expected, "result",
                   mistakes=((expected / np.prod(grad_shape) * np.prod(shape),
                              "sum, do not average: every copy made by broadcasting adds its gradient."),),
                   hint="each input element gets the sum of the gradients of all its broadcast copies.")


def _grad_and_shape(grad, shape):
    return grad.clone(), tuple(shape)


MUL_CASES = (((2, 3), (3,)), ((3, 1), (4,)), ((2, 2), ()), ((4, 1, 3), (2, 1)), ((3,), (3,)))


def _mul_reference(a, b, grad):
    a, b = a.clone().requires_grad_(), b.clone().requires_grad_()
    ((a * b) * grad).sum().backward()
    return a.grad, b.grad


@exercise("04.4", returns="a pair (grad_a, grad_b) of tensors",
          hint="local derivatives: d(a*b)/da = b, d(a*b)/db = a; multiply by grad_out in the broadcast shape, then "
               "un-broadcast each to its input's shape.")
def broadcast_mul_backward():
    pair = tuple_part(2, "pair")
    for k, (shape_a, shape_b) in enumerate(MUL_CASES):
        generator = np.random.default_rng(20 + k)
        a = torch.tensor(generator.integers(-3, 4, size=shape_a), dtype=torch.float32)
        b = torch.tensor(generator.integers(-3, 4, size=shape_b), dtype=torch.float32)
        out_shape = np.broadcast_shapes(shape_a, shape_b)
        grad_out = torch.tensor(generator.integers(-3, 4, size=out_shape), dtype=torch.float32)
        grad_a, grad_b = _mul_reference(a, b, grad_out)
        label = f"a {shape_a}, b {shape_b}"
        args = partial(_clones, a, b, grad_out)
        yield Case(label, args, tuple(grad_a.shape), "grad_a.shape", lambda r: tuple(pair(0)(r).shape),
                   hint="grad_a must have a's shape: un-broadcast grad_out * b to a.shape.")
        yield Case(label, args, grad_a, "grad_a", pair(0),
                   mistakes=((_sum_to(grad_out * a, tuple(shape_a)), "the local derivative of a*b with respect to a "
                                                                      "is b, not a."),),
                   hint="grad_a = unbroadcast(grad_out * b, a.shape).")
        yield Case(label, args, tuple(grad_b.shape), "grad_b.shape", lambda r: tuple(pair(1)(r).shape),
                   hint="grad_b must have b's shape: un-broadcast grad_out * a to b.shape.")
        yield Case(label, args, grad_b, "grad_b", pair(1), hint="grad_b = unbroadcast(grad_out * a, b.shape).")


def _sum_to(grad, shape):
    """A plain numpy un-broadcast, only to build the wrong answer of a swapped local derivative."""
    array = np.asarray(grad.numpy())
    array = array.sum(axis=tuple(range(array.ndim - len(shape)))) if array.ndim > len(shape) else array
    for axis, size in enumerate(shape):
        if size == 1 and array.shape[axis] != 1:
            array = array.sum(axis=axis, keepdims=True)
    return torch.tensor(array.reshape(shape), dtype=torch.float32)


MODE_HINTS = {
    "a": "reverse mode gives one row per backward pass, and this Jacobian has 1000 rows: 1000 passes.",
    "b": "",
    "c": "backward() with gradient=ones gives v^T J, the sum of the rows (3 numbers), not the 1000×3 Jacobian.",
    "d": "each pass of either mode gives a whole row (reverse) or a whole column (forward), not one entry.",
}


def _cheapest_letter():
    """Count passes for f: R^3 -> R^1000 the way the lesson does: n forward passes vs m backward passes."""
    n, m = 3, 1000
    costs = {"a": m, "b": n, "d": n * m}
    return min(costs, key=costs.get)


@exercise("04.5", returns='one letter, "a" to "d"')
def forward_or_reverse():
    right = _cheapest_letter()
    yield Case("your letter", (), right, "the letter", _one_letter,
               mistakes=tuple((letter, hint) for letter, hint in MODE_HINTS.items() if letter != right))


def _one_letter(answer):
    if not isinstance(answer, str):
        raise TypeError("not a letter")
    return answer.strip().lower().strip("()")
