"""Typical wrong answers to practice 01; check() must reject each one with the hint fragment named here."""
import minigrad as torch


def square_grid_marked_before_reshape(n):
    x = torch.arange(float(n * n), requires_grad=True).reshape(n, n)
    return x, x.sum()


def square_grid_of_integers(n):
    x = torch.arange(n * n, requires_grad=True).reshape(n, n)
    return x, x.sum()


def square_grid_sum_as_number(n):
    x = torch.arange(float(n * n)).reshape(n, n).requires_grad_()
    return x, x.sum().item()


def square_grid_not_watched(n):
    x = torch.arange(float(n * n)).reshape(n, n)
    return x, x.sum()


def watched_floats_keeps_integers(values):
    return torch.tensor(values, requires_grad=True)


def watched_floats_float64(values):
    return torch.tensor(values, dtype=torch.float64, requires_grad=True)


def watched_floats_cast_after_marking(values):
    return torch.tensor(values, dtype=torch.float64, requires_grad=True).float()


def leaves_everything_from_a_watched_tensor():
    return {"a", "b", "c", "d"}


def leaves_only_watched():
    return {"a"}


def small_init_scaled_after_marking(rows, cols, scale):
    return torch.randn(rows, cols, requires_grad=True) * scale


def small_init_draws_twice(rows, cols, scale):
    torch.randn(rows, cols)
    return (torch.randn(rows, cols) * scale).requires_grad_()


WRONG_ANSWERS = [
    ("01.1", square_grid_marked_before_reshape, "shape the data first"),
    ("01.1", square_grid_of_integers, "make floats first"),
    ("01.1", square_grid_sum_as_number, "plain number with no graph"),
    ("01.1", square_grid_not_watched, "mark x as watched"),
    ("01.2", watched_floats_keeps_integers, "pass dtype=torch.float32"),
    ("01.2", watched_floats_float64, "not float64"),
    ("01.2", watched_floats_cast_after_marking, "cast first, then mark"),
    ("01.3", leaves_everything_from_a_watched_tensor, "MulBackward0"),
    ("01.3", leaves_only_watched, ".detach() returns a tensor with no history"),
    ("01.4", small_init_scaled_after_marking, "records the multiply"),
    ("01.4", small_init_draws_twice, "draw exactly one"),
]
