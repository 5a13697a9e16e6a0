"""Typical wrong answers to practice 04; check() must reject each one with the hint fragment named here."""
import minigrad as torch


def row_with_ones_seed(values, i):
    x = torch.tensor(values, requires_grad=True)
    (x * x.sum()).backward(gradient=torch.ones(len(values)))
    return x.grad


def column_instead_of_row(values, i):
    x = torch.tensor(values)
    return torch.autograd.functional.jacobian(lambda t: t * t.sum(), x)[:, i]


def seed_with_wrong_shape(values, i):
    x = torch.tensor(values, requires_grad=True)
    (x * x.sum()).backward(gradient=torch.tensor([1.0]))
    return x.grad


def linear_backward_bias_not_summed(X, W, G):  # noqa: N803 - matrix names, as in the task
    return X.T @ G, G @ W.T, G


def linear_backward_bias_averaged(X, W, G):  # noqa: N803
    return X.T @ G, G @ W.T, G.mean(dim=0)


def linear_backward_swapped_product(X, W, G):  # noqa: N803
    return G.T @ X, G @ W.T, G.sum(dim=0)


def unbroadcast_leading_only(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(dim=0)
    return grad


def unbroadcast_with_mean(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.mean(dim=0)
    for dim, size in enumerate(shape):
        if size == 1 and grad.shape[dim] != 1:
            grad = grad.mean(dim=dim, keepdim=True)
    return grad


def _unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(dim=0)
    for dim, size in enumerate(shape):
        if size == 1 and grad.shape[dim] != 1:
            grad = grad.sum(dim=dim, keepdim=True)
    return grad


def mul_backward_local_derivatives_swapped(a, b, grad_out):
    return _unbroadcast(grad_out * a, tuple(a.shape)), _unbroadcast(grad_out * b, tuple(b.shape))


def mul_backward_not_unbroadcast(a, b, grad_out):
    return grad_out * b, grad_out * a


WRONG_ANSWERS = [
    ("04.1", row_with_ones_seed, "sum of all rows"),
    ("04.1", column_instead_of_row, "column i of the Jacobian"),
    ("04.1", seed_with_wrong_shape, "the seed must have y's exact shape"),
    ("04.2", linear_backward_bias_not_summed, "summed over the rows"),
    ("04.2", linear_backward_bias_averaged, "do not average"),
    ("04.2", linear_backward_swapped_product, "X.T @ G"),
    ("04.3", unbroadcast_leading_only, "also sum (keepdim=True) where the input has size 1"),
    ("04.3", unbroadcast_with_mean, "sum, do not average"),
    ("04.4", mul_backward_local_derivatives_swapped, "is b, not a"),
    ("04.4", mul_backward_not_unbroadcast, "un-broadcast grad_out * a to b.shape"),
    ("04.5", lambda: "a", "1000 passes"),
    ("04.5", lambda: "c", "sum of the rows"),
]
