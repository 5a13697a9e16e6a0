"""Hidden cases for practice 09 · Custom autograd Functions."""
import warnings
from functools import partial

import minigrad as torch
from course.grading.checker import Case, exercise, same


def _one_letter(answer):
    if not isinstance(answer, str):
        raise TypeError("not a letter")
    return answer.strip().lower().strip("()")


COUNT_HINTS = {
    "a": "forward took three inputs after ctx (x, scale, clip): backward owes one answer for each, None for the "
         "two that are not tensors.",
    "b": "count again: x, scale and clip are three inputs, so three values, None for scale and clip.",
    "d": "ctx is not an input: backward returns one value per argument after ctx, in the same order.",
}


@exercise("09.1", returns='one letter, "a" to "d"')
def how_many_gradients():
    yield Case("your letter", (), "c", "the letter", _one_letter,
               mistakes=tuple((letter, hint) for letter, hint in COUNT_HINTS.items()))


def _tensor(result):
    if type(result).__name__ != "Tensor":
        raise TypeError("not a tensor")
    return result


class _Raised:
    """What a gradient check got when the answer's backward raised (shown in the feedback line)."""

    def __init__(self, error):
        self.text = f"{type(error).__name__}: {error}"

    def __repr__(self):
        return f"an error from your backward ({self.text})"


def _grad_or_error(output, x):
    """d output / dx, or _Raised when the answer's backward raises (so the feedback can name the cause)."""
    try:
        return torch.autograd.grad(output, x, retain_graph=True)[0]
    except (RuntimeError, TypeError) as error:
        return _Raised(error)


def _same_or_named_error(got, expected):
    """`same`, except that a str as `expected` matches an error from the answer's backward containing it."""
    if isinstance(got, _Raised):
        return isinstance(expected, str) and expected in got.text
    return same(got, expected)


BACKWARD_ERRORS = (
    ("returned an incorrect number of gradients", "backward returns one value per input of forward after ctx: "
                                                  "the gradient for x, and None for the number at_zero."),
)


def _weights(values, seed):
    torch.manual_seed(seed)
    return torch.randn(*torch.tensor(values).shape)


@exercise("09.2", returns="a tensor",
          hint="a Function whose forward returns x.round() and whose backward returns grad_output unchanged; or "
               "x + (x.round() - x).detach().")
def round_straight_through():
    for seed, values in enumerate(([0.3, 1.7], [-1.2, 0.5, 2.5, 3.49], [[0.6, -0.4], [1.1, 2.9]])):
        x = torch.tensor(values, requires_grad=True)
        weights = _weights(values, seed)
        label = f"x = {values}"
        args = (x,)  # one tensor for the cases of this label: they differentiate the result with respect to it

        def weighted_grad(result, x=x, weights=weights):
            return _grad_or_error((_tensor(result) * weights).sum(), x)

        yield Case(label, args, x.detach().round(), "result", lambda r: _tensor(r).detach(),
                   mistakes=((x.detach(), "the forward pass must round: the result holds x.round()'s values."),),
                   hint="forward: x.round().")
        yield Case(label, args, True, "result.requires_grad", lambda r: _tensor(r).requires_grad,
                   hint="compute the result with YourFunction.apply(x) so that it is recorded.")
        yield Case(label, args, weights, "d sum(result * w) / dx", weighted_grad, compare=_same_or_named_error,
                   mistakes=((torch.zeros_like(weights), "that is round's own gradient, 0 almost everywhere: the "
                                                         "straight-through backward returns grad_output as it "
                                                         "is."),),
                   hint="backward passes the gradient straight through: return grad_output.")


def _abs_reference(values, at_zero, weights):
    x = torch.tensor(values)
    slope = x.sign() + (x == 0) * at_zero
    return x.abs(), weights * slope


def _custom_node(result):
    node = _tensor(result).grad_fn
    return node is not None and not node.name()[-1].isdigit()


@exercise("09.3", returns="a tensor",
          hint="inside custom_abs define a Function: forward saves x (and at_zero on ctx) and returns x.abs(); "
               "backward returns grad_output * (sign(x), with at_zero where x == 0), None.",
          error_hints=(("returned an incorrect number of gradients",
                        "forward took two inputs after ctx (x and at_zero), so backward returns two values: the "
                        "gradient for x, and None for the number at_zero."),
                       ("save_for_backward can only save variables",
                        "save_for_backward takes tensors only: keep the number as an attribute, ctx.at_zero = "
                        "at_zero.")))
def custom_abs():
    cases = (([-2.0, 0.0, 3.0], 0.5), ([-2.0, 0.0, 3.0], 1.0), ([0.0, 0.0, -1.5], -1.0),
             ([[1.0, 0.0], [-0.5, 0.0]], 0.25), ([4.0, -4.0], 0.5))
    for seed, (values, at_zero) in enumerate(cases):
        x = torch.tensor(values, requires_grad=True)
        weights = _weights(values, 10 + seed)
        value, weighted = _abs_reference(values, at_zero, weights)
        _, plain = _abs_reference(values, at_zero, torch.ones_like(weights))
        _, builtin = _abs_reference(values, 0.0, weights)
        label = f"x = {values}, at_zero = {at_zero}"
        args = (x, at_zero)

        def weighted_grad(result, x=x, weights=weights):
            return _grad_or_error((_tensor(result) * weights).sum(), x)

        yield Case(label, args, value, "result", lambda r: _tensor(r).detach(),
                   hint="forward returns x.abs().")
        yield Case(label, args, True, "result comes from your own Function", _custom_node,
                   hint="compute the result with YourFunction.apply(x, at_zero): x.abs() uses the built-in "
                        "AbsBackward0 node and its fixed choice of 0 at 0.")
        yield Case(label, args, weighted, "d sum(result * w) / dx", weighted_grad, compare=_same_or_named_error,
                   mistakes=BACKWARD_ERRORS + (
                       (plain, "multiply your slope by grad_output: the chain rule needs the gradient arriving from "
                               "above."),
                       (builtin, "at x == 0 the gradient must be at_zero (times grad_output), not 0.")),
                   hint="backward: grad_output * slope, where slope is sign(x) away from 0 and at_zero at 0.")


class _Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**2

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * 2 * x


class _SquareThreeX(_Square):
    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * 3 * x


class _Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = torch.sigmoid(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        out, = ctx.saved_tensors
        return grad_output * out * (1 - out)


class _SigmoidMissingFactor(_Sigmoid):
    @staticmethod
    def backward(ctx, grad_output):
        out, = ctx.saved_tensors
        return grad_output * out


class _Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * 3 * x**2


class _CubeIgnoresUpstream(_Cube):
    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return 3 * x**2


GRADCHECK_CASES = (
    ("x**2 with backward 2x", _Square, [1.0, 2.0]),
    ("x**2 with backward 3x", _SquareThreeX, [1.0, 2.0]),
    ("sigmoid with backward s(1 - s)", _Sigmoid, [-1.0, 0.5, 2.0]),
    ("sigmoid with backward s", _SigmoidMissingFactor, [-1.0, 0.5, 2.0]),
    ("x**3 with backward 3x**2", _Cube, [0.5, -1.5, 1.2]),
    ("x**3 whose backward ignores grad_output", _CubeIgnoresUpstream, [0.5, -1.5, 1.2]),
)


def _gradcheck(function, values, dtype):
    x = torch.tensor(values, dtype=dtype, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # float32 makes gradcheck warn
        return torch.autograd.gradcheck(function.apply, (x,), raise_exception=False)


@exercise("09.4", returns="True or False",
          hint="x = torch.tensor(point, dtype=torch.float64, requires_grad=True), then "
               "torch.autograd.gradcheck(function.apply, (x,), raise_exception=False).",
          error_hints=(("Jacobian mismatch", "gradcheck raises when the backward is wrong: pass "
                                             "raise_exception=False to get False instead."),
                       ("expects at least one input tensor to require gradient",
                        "gradcheck needs an input that requires grad: requires_grad=True.")))
def backward_is_correct():
    for text, function, values in GRADCHECK_CASES:
        expected = _gradcheck(function, values, torch.float64)
        in_float32 = _gradcheck(function, values, torch.float32)
        mistakes = ((in_float32, "in float32 the finite differences are too coarse for gradcheck: make the point "
                                 "a float64 tensor."),) if in_float32 != expected else ()
        yield Case(f"{text}, point = {values}", partial(_fresh_args, function, values), expected,
                   "the verdict", mistakes=mistakes)


def _fresh_args(function, values):
    return function, list(values)
