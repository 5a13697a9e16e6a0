"""Typical wrong answers to practice 09; check() must reject each one with the hint fragment named here."""
import warnings

import minigrad as torch


def round_without_straight_through(x):
    return x.round()


def round_forgets_to_round(x):
    return x * 1


def abs_builtin(x, at_zero):
    return x.abs()


def abs_one_gradient(x, at_zero):
    class Abs(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, at_zero):
            ctx.save_for_backward(x)
            ctx.at_zero = at_zero
            return x.abs()

        @staticmethod
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            return grad_output * (x.sign() + (x == 0) * ctx.at_zero)

    return Abs.apply(x, at_zero)


def abs_ignores_grad_output(x, at_zero):
    class Abs(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, at_zero):
            ctx.save_for_backward(x)
            ctx.at_zero = at_zero
            return x.abs()

        @staticmethod
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            return x.sign() + (x == 0) * ctx.at_zero, None

    return Abs.apply(x, at_zero)


def abs_saves_the_number(x, at_zero):
    class Abs(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, at_zero):
            ctx.save_for_backward(x, at_zero)
            return x.abs()

        @staticmethod
        def backward(ctx, grad_output):
            x, at_zero = ctx.saved_tensors
            return grad_output * (x.sign() + (x == 0) * at_zero), None

    return Abs.apply(x, at_zero)


def gradcheck_in_float32(function, point):
    x = torch.tensor(point, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # gradcheck warns about float32 inputs (a learner sees it)
        return torch.autograd.gradcheck(function.apply, (x,), raise_exception=False)


def gradcheck_that_raises(function, point):
    x = torch.tensor(point, dtype=torch.float64, requires_grad=True)
    return torch.autograd.gradcheck(function.apply, (x,))


WRONG_ANSWERS = [
    ("09.1", lambda: "b", "three inputs"),
    ("09.1", lambda: "d", "ctx is not an input"),
    ("09.2", round_without_straight_through, "round's own gradient"),
    ("09.2", round_forgets_to_round, "the forward pass must round"),
    ("09.3", abs_builtin, "your own Function"),
    ("09.3", abs_one_gradient, "None for the number at_zero"),
    ("09.3", abs_ignores_grad_output, "multiply your slope by grad_output"),
    ("09.3", abs_saves_the_number, "ctx.at_zero = at_zero"),
    ("09.4", gradcheck_in_float32, "float64"),
    ("09.4", gradcheck_that_raises, "raise_exception=False"),
]
