"""Element-wise ops. Each forward works on the numpy arrays; each backward is written with tensor ops,
so it records a graph under create_graph=True (higher derivatives for free). Backward returns
gradients of the broadcast shape; the engine sums them back to each input's shape (`unbroadcast`).
"""
import numpy as np

from .. import _messages as msg
from .._numerics import fma
from ..autograd.function import Function, auto_element_wise, is_tensor, wrap
from .misc import NotDifferentiable
from .shape import MaskedFill


def _zero(g):
    return wrap(np.zeros((), g._data.dtype))


def masked(mask, g):
    """g where `mask` (a boolean array) holds and +0 elsewhere, as PyTorch's where(mask, grad, 0): never -0
    (which g * mask gives for a negative g) and never nan (which 0 * inf gives)."""
    return Where.apply(mask, g, _zero(g))


_SAME_SIZE_INT = {2: np.int16, 4: np.int32, 8: np.int64}


def keep_where(mask, x):
    """x where the boolean array `mask` holds, +0. elsewhere: PyTorch's where(mask, x, 0), computed with a bitwise
    and (numpy's where is ten times slower than one arithmetic op on large arrays)."""
    x, mask = np.asarray(x), np.asarray(mask)
    if x.dtype.kind != "f":
        return x * mask
    ints = _SAME_SIZE_INT[x.dtype.itemsize]
    return (x.view(ints) & -mask.view(np.int8).astype(ints)).view(x.dtype)


def _is_plus_zero(t):
    d = t._data
    return d.ndim == 0 and d == 0 and not np.signbit(d)


def _zeros_like(g):
    """A zero gradient with no graph, as PyTorch's zeros_like for piecewise-constant ops."""
    return wrap(np.zeros(g._data.shape, g._data.dtype))


def _is_number(value):
    return isinstance(value, (int, float))


def integer_power(base, exponent):
    """base ** exponent for integer arrays as PyTorch computes it: a negative exponent gives 0 (1 and -1 keep
    their magnitude) instead of numpy's error."""
    base, exponent = np.asarray(base), np.asarray(exponent)
    if not (exponent < 0).any():
        return base ** exponent
    positive = np.where(exponent < 0, 0, exponent)
    result = base ** positive
    odd = (exponent % 2) != 0
    negative_result = np.where(base == 1, 1, np.where(base == -1, np.where(odd, -1, 1), 0)).astype(result.dtype)
    return np.where(exponent < 0, negative_result, result)


def c_pow(x, y):
    """x ** y for float arrays with C's pow at -0. and -inf (numpy takes a square root for y = 0.5, PyTorch calls
    pow): a non-odd exponent gives +0. or +inf there."""
    out = np.power(x, y)
    negative_special = np.signbit(x) & ((x == 0) | np.isinf(x))
    if not negative_special.any():
        return out
    odd = np.mod(y, 2) == 1
    zero = x == 0
    positive = np.where(y > 0, np.where(zero, 0.0, np.inf), np.where(zero, np.inf, 0.0)).astype(out.dtype)
    return np.where(negative_special & ~odd & (y != 0) & ~np.isnan(y), positive, out)


def power(x, e):
    """x ** e for an array x and a number e, with PyTorch's kernels: 2, 3 and -2 by multiplication, 0.5, -0.5
    and -1 as sqrt, rsqrt and reciprocal, other exponents through pow (the last bit may differ there)."""
    if x.dtype.kind in "iub":
        if isinstance(e, int) and e < 0 and not isinstance(e, bool):
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if x.dtype.kind == "b":  # bool ** bool stays bool (x ** False is all True)
            return x.copy() if e else np.ones_like(x)
        return x ** e
    if x.dtype == np.float16:  # PyTorch's half pow has no shortcuts: C's pow in float32, rounded to half
        return c_pow(x.astype(np.float32), np.float32(e)).astype(np.float16)
    if e == 2:
        return x * x
    if e == 3:
        return x * x * x
    if e == 0.5:
        return np.sqrt(x)
    if e == -0.5:
        return 1 / np.sqrt(x)
    if e == -1:
        return 1 / x
    if e == -2:
        return 1 / (x * x)
    return x ** np.asarray(e, dtype=x.dtype)


class Add(Function):
    """a + b:  da = g,  db = g"""
    node_name = "AddBackward0"
    number_inputs = True  # `x + 2` lists the 2 as a (None, 0) input, as PyTorch does

    @staticmethod
    def forward(ctx, a, b):
        return a._data + (b if isinstance(b, (int, float)) else b._data)

    @staticmethod
    def backward(ctx, g):
        return g, g

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Sub(Function):
    """a - b:  da = g,  db = -g"""
    node_name = "SubBackward0"
    number_inputs = True

    @staticmethod
    def forward(ctx, a, b):
        no_bool_subtraction(a, b)
        return a._data - (b if isinstance(b, (int, float)) else b._data)

    @staticmethod
    def backward(ctx, g):
        return g, -g

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class AddScaled(Add):
    """a + alpha * b (x.add(y, alpha=2), x.add_(y, alpha=2)), rounded once as by PyTorch's fused kernel:
    da = g,  db = g * alpha"""
    node_name = "AddBackward0"
    number_inputs = 2  # alpha is part of the op, not one of its inputs

    @staticmethod
    def forward(ctx, a, b, alpha):
        ctx.alpha = alpha
        return _plus_scaled(a, b, alpha)

    @staticmethod
    def backward(ctx, g):
        return g, _times_alpha(g, ctx.alpha), None

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class SubScaled(Sub):
    """a - alpha * b (x.sub(y, alpha=2), x.sub_(y, alpha=2)), rounded once:  da = g,  db = -g * alpha"""
    node_name = "SubBackward0"
    number_inputs = 2

    @staticmethod
    def forward(ctx, a, b, alpha):
        no_bool_subtraction(a, b)
        ctx.alpha = alpha
        return _plus_scaled(a, b, -alpha)

    @staticmethod
    def backward(ctx, g):
        return g, _times_alpha(-g, ctx.alpha), None

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


def _times_alpha(g, alpha):
    """PyTorch's maybe_multiply: g itself for alpha 1, else g times the number (MulBackward1)."""
    return g if alpha == 1 else MulScalar.apply(g, alpha)


def _plus_scaled(a, b, alpha):
    """a + alpha * b; for floats a fused multiply-add (one rounding), as PyTorch computes it."""
    x, y = a._data, (b if _is_number(b) else b._data)
    if x.dtype.kind == "f":
        return fma(y, alpha, x, x.dtype)
    if x.dtype.kind == "b" and np.asarray(y).dtype.kind == "b":  # for bools alpha is a bool too: a or b
        return x | (np.asarray(y) & bool(alpha))
    return x + alpha * y


class Rsub(Function):
    """s - a for a number s:  da = -g"""
    node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, s):
        no_bool_subtraction(a, s)
        return s - a._data

    @staticmethod
    def backward(ctx, g):
        return -g, None

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


def no_bool_subtraction(a, b):
    """PyTorch refuses a - b when either side is a bool tensor (or a Python bool)."""
    bools = [isinstance(v, bool) or hasattr(v, "_data") and v._data.dtype.kind == "b" for v in (a, b)]
    if all(bools):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if any(bools):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")


class Mul(Function):
    """a * b:  da = g * b,  db = g * a"""
    node_name = "MulBackward0"
    number_inputs = True

    @staticmethod
    def forward(ctx, a, b):
        if isinstance(b, (int, float)):  # x * 2: the 2 is all backward needs (PyTorch still frees this node)
            ctx.number = b
            ctx.save_for_backward(None, None)
            return a._data * b
        ctx.number = None
        ctx.save_for_backward(b if ctx.needs_input_grad[0] else None, a if ctx.needs_input_grad[1] else None)
        return a._data * b._data

    @staticmethod
    def backward(ctx, g):
        b, a = ctx.saved_tensors
        if ctx.number is not None:
            return g * ctx.number, None
        return (g * b if b is not None else None), (g * a if a is not None else None)

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Div(Function):
    """a / b:  da = g / b,  db = -g * a / b**2"""
    node_name = "DivBackward0"
    number_inputs = True

    @staticmethod
    def forward(ctx, a, b):
        if isinstance(b, (int, float)):
            ctx.number = b
            ctx.save_for_backward(None, None)
            return a._data / b
        ctx.number = None
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)
        return a._data / b._data

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        if ctx.number is not None:
            return g / ctx.number, None
        da = g / b if ctx.needs_input_grad[0] else None
        db = -g * (a / b / b) if ctx.needs_input_grad[1] else None  # PyTorch's order: -g * ((a / b) / b)
        return da, db

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class MulScalar(Mul):
    """a * s for a number s, as PyTorch's own formulas multiply (mul by a Scalar: MulBackward1; `x * 2` written
    in Python multiplies by a tensor, MulBackward0):  da = g * s"""
    node_name = "MulBackward1"
    number_inputs = False

    @staticmethod
    def backward(ctx, g):
        return MulScalar.apply(g, ctx.number), None

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class DivScalar(Div):
    """a / s for a number s, as PyTorch's own formulas divide (div by a Scalar: DivBackward1; `x / 2` written in
    Python divides by a tensor, DivBackward0):  da = g / s"""
    node_name = "DivBackward1"
    number_inputs = False

    @staticmethod
    def backward(ctx, g):
        return DivScalar.apply(g, ctx.number), None

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Neg(Function):
    """-a:  da = -g"""
    node_name = "NegBackward0"

    @staticmethod
    def forward(ctx, a):
        if a._data.dtype.kind == "b":
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                               "invert a mask, use the `~` or `logical_not()` operator instead.")
        return -a._data

    @staticmethod
    def backward(ctx, g):
        return -g

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Pow(Function):
    """a ** e for a number e:  da = g * (e * a**(e-1))  (0 for e = 0, also at a = 0)"""
    node_name = "PowBackward0"

    @staticmethod
    def forward(ctx, a, e):
        ctx.save_for_backward(a)
        ctx.exponent = e
        return power(a._data, e)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        e = ctx.exponent
        if e == 0 and not isinstance(e, bool):  # d/da a**0 is 0, also at a = 0 (PyTorch: a bool False is not 0.)
            return _zeros_like(g), None
        return g * (e * a ** (e - 1)), None

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class PowTensor(Function):
    """a ** b for tensors:  da = g * (b * a**(b-1)) (0 where b = 0),  db = g * a**b log(a) (0 where a = 0, b >= 0)"""
    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        if a._data.dtype.kind == "b" and b._data.dtype.kind == "b":
            raise NotImplementedError('"pow" not implemented for \'Bool\'')
        if a._data.dtype.kind in "iub" and b._data.dtype.kind in "iub":
            out = integer_power(a._data, b._data)
        else:  # a bool base meets a float exponent uncast (a mask takes the other's dtype): cast it here
            base = a._data if a._data.dtype.kind == "f" else a._data.astype(b._data.dtype)
            out = c_pow(base, b._data)
        ctx.save_for_backward(a, b, out)  # the result too, as PyTorch (its version is checked)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        da = db = None
        if ctx.needs_input_grad[0]:
            da = masked(b._data != 0, g * (b * a ** (b - 1)))
        if ctx.needs_input_grad[1]:
            db = g * masked(~((a._data == 0) & (b._data >= 0)), out * a.log())
        return da, db

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class PowScalar(Function):
    """s ** a for a number s (PyTorch's pow.Scalar):  da = g * (s**a log(s))  (0 where s = 0 and a >= 0)"""
    node_name = "PowBackward2"

    @staticmethod
    def forward(ctx, a, s):
        ctx.base = s
        if a._data.dtype.kind in "iub":
            out = integer_power(np.asarray(s, dtype=a._data.dtype), a._data)
        else:
            out = np.asarray(s, dtype=a._data.dtype) ** a._data
        ctx.save_for_backward(a, out)  # the exponent too, as PyTorch (its version is checked)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        scaled = out * float(np.log(ctx.base)) if ctx.base != 0 else out * float("-inf")
        if ctx.base == 0:
            scaled = masked(a._data < 0, scaled)
        return g * scaled, None

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Exp(Function):
    """exp(a):  da = g * exp(a)"""
    node_name = "ExpBackward0"

    @staticmethod
    def forward(ctx, a):
        out = np.exp(a._data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * out

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Log(Function):
    """log(a):  da = g / a"""
    node_name = "LogBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log(a._data)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / a

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Log1p(Function):
    """log(1 + a), accurate for small a:  da = g / (1 + a)"""
    node_name = "Log1PBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log1p(a._data)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (1 + a)

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Sin(Function):
    """sin(a):  da = g * cos(a)"""
    node_name = "SinBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sin(a._data)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a.cos()

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Cos(Function):
    """cos(a):  da = -g * sin(a)"""
    node_name = "CosBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cos(a._data)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * -a.sin()

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Tanh(Function):
    """tanh(a):  da = g * (1 - tanh(a)**2)"""
    node_name = "TanhBackward0"

    @staticmethod
    def forward(ctx, a):
        out = np.tanh(a._data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return TanhBackward.apply(g, out)

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class TanhBackward(Function):
    """tanh's backward as PyTorch runs it, an op of its own (so create_graph records it): g * (1 - out**2):
    dg = gg * (1 - out**2),  dout = gg * (-2 out g)"""
    node_name = "TanhBackwardBackward0"

    @staticmethod
    def forward(ctx, g, out):
        ctx.save_for_backward(g, out)
        return g._data * (1 - out._data * out._data)

    @staticmethod
    def backward(ctx, gg):
        g, out = ctx.saved_tensors
        return (TanhBackward.apply(gg, out) if ctx.needs_input_grad[0] else None,
                gg * (-2 * out * g) if ctx.needs_input_grad[1] else None)

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Tan(Function):
    """tan(a):  da = g * (1 + tan(a)**2)"""
    node_name = "TanBackward0"

    @staticmethod
    def forward(ctx, a):
        out = np.tan(a._data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * (1 + out * out)

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Sigmoid(Function):
    """sigmoid(a) = 1 / (1 + exp(-a)):  da = g * s * (1 - s)"""
    node_name = "SigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        x = a._data
        wide = x.astype(np.float32) if x.dtype == np.float16 else x  # half in float32, rounded once, as PyTorch
        # PyTorch's formula as it is: for a very negative a, exp(-a) overflows to inf and sigmoid(a) is 0
        out = (1 / (1 + np.exp(-wide))).astype(x.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        s, = ctx.saved_tensors
        return SigmoidBackward.apply(g, s)

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class SigmoidBackward(Function):
    """sigmoid's backward as PyTorch runs it, an op of its own: g * (1 - s) * s (PyTorch's order of rounding):
    dg = gg * (1 - s) * s,  ds = gg * g * (1 - 2 s)"""
    node_name = "SigmoidBackwardBackward0"

    @staticmethod
    def forward(ctx, g, s):
        ctx.save_for_backward(g, s)
        return g._data * (1 - s._data) * s._data

    @staticmethod
    def backward(ctx, gg):
        g, s = ctx.saved_tensors
        return (SigmoidBackward.apply(gg, s) if ctx.needs_input_grad[0] else None,
                gg * g * (-2 * s + 1) if ctx.needs_input_grad[1] else None)

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Relu(Function):
    """max(a, 0):  da = g where a > 0 (+0 elsewhere, also at a = 0)"""
    node_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, a):
        x = a._data
        if x.dtype.kind == "b":
            raise RuntimeError("Boolean inputs not supported for relu")
        out = _maximum(np.zeros((), x.dtype), x)  # ties give x: -0. and nan stay, as in PyTorch
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return ThresholdBackward.apply(g, out)

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class ThresholdBackward(Function):
    """relu's backward as PyTorch runs it, an op of its own (so create_graph records it): g where out > 0,
    +0 elsewhere:  dg = gg where out > 0"""
    node_name = "ThresholdBackwardBackward0"

    @staticmethod
    def forward(ctx, g, out):
        ctx.keep = ~(out._data <= 0)  # PyTorch's threshold_backward: out <= 0 ? 0 : g (a nan passes g on)
        return keep_where(ctx.keep, g._data)

    @staticmethod
    def backward(ctx, gg):
        return masked(ctx.keep, gg), (_zeros_like(gg) if ctx.needs_input_grad[1] else None)

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Abs(Function):
    """|a|:  da = g * sgn(a), the sign (0 at a = 0)"""
    node_name = "AbsBackward0"

    @staticmethod
    def forward(ctx, a):
        if a._data.dtype.kind == "b":
            raise NotImplementedError('"abs_cpu" not implemented for \'Bool\'')
        ctx.save_for_backward(a)
        return np.abs(a._data)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a.sgn()

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Sqrt(Function):
    """sqrt(a):  da = g / (2 sqrt(a))  (inf at 0)"""
    node_name = "SqrtBackward0"

    @staticmethod
    def forward(ctx, a):
        out = np.sqrt(a._data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g / (2 * out)

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Reciprocal(Function):
    """1 / a:  da = -g / a**2"""
    node_name = "ReciprocalBackward0"

    @staticmethod
    def forward(ctx, a):
        out = 1 / a._data
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return -g * (out * out)

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Rsqrt(Function):
    """1 / sqrt(a):  da = -g / (2 a sqrt(a)) = -g * out**3 / 2"""
    node_name = "RsqrtBackward0"

    @staticmethod
    def forward(ctx, a):
        x = a._data
        wide = x.astype(np.float32) if x.dtype == np.float16 else x  # half in float32, rounded once, as PyTorch
        out = (1 / np.sqrt(wide)).astype(x.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return -0.5 * g * (out * out * out)

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Clamp(Function):
    """clamp(a, lo, hi) for numbers lo, hi:  da = g inside [lo, hi] (bounds included), +0 outside and at nan"""
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, a, lo, hi):
        ctx.save_for_backward(a)
        ctx.bounds = lo, hi
        return clamp_values(a._data, lo, hi)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        lo, hi = ctx.bounds
        x = a._data
        inside = (x >= lo) if lo is not None else None
        if hi is not None:
            inside = (x <= hi) if inside is None else inside & (x <= hi)
        return masked(inside, g), None, None

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


def clamp_values(x, lo, hi):
    """PyTorch's clamp: min(max(x, lo), hi) where an element equal to a bound stays itself (-0. stays -0.), a nan
    stays nan and a nan bound gives nan."""
    out = x  # maximum(bound, x) returns x on a tie and propagates a nan from either side
    if lo is not None:
        out = _maximum(np.asarray(lo, dtype=x.dtype), out)
    if hi is not None:
        out = _minimum(np.asarray(hi, dtype=x.dtype), out)
    return out


def _maximum(a, b):
    """numpy's maximum, which returns its second operand on a tie (-0. vs 0.); half goes through float32, whose
    loop has that rule (numpy's half loop does not)."""
    if b.dtype == np.float16:
        return np.maximum(np.asarray(a, np.float32), b.astype(np.float32)).astype(np.float16)
    return np.maximum(a, b)


def _minimum(a, b):
    if b.dtype == np.float16:
        return np.minimum(np.asarray(a, np.float32), b.astype(np.float32)).astype(np.float16)
    return np.minimum(a, b)


class ClampTensor(Function):
    """clamp(a, lo, hi) with tensor bounds:  da = g where lo <= a <= hi,  dlo = g where a < lo (and lo < hi),
    dhi = g where a > hi (or hi < lo)"""
    node_name = "ClampBackward0"

    @staticmethod
    def forward(ctx, a, lo, hi):
        ctx.save_for_backward(a, lo, hi)
        return clamp_values(a._data, lo._data if lo is not None else None, hi._data if hi is not None else None)

    @staticmethod
    def backward(ctx, g):
        a, lo, hi = ctx.saved_tensors
        x = a._data
        low = lo._data if lo is not None else None
        high = hi._data if hi is not None else None
        da = dlo = dhi = None
        if ctx.needs_input_grad[0]:
            inside = (x >= low) if low is not None else None
            if high is not None:
                inside = (x <= high) if inside is None else inside & (x <= high)
            da = masked(inside, g)
        if ctx.needs_input_grad[1]:
            dlo = masked((x < low) & (low < high) if high is not None else x < low, g)
        if ctx.needs_input_grad[2]:
            dhi = masked((x > high) | (high < low) if low is not None else x > high, g)
        return da, dlo, dhi

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Maximum(Function):
    """max(a, b) element-wise:  the larger input gets g, ties give each g / 2, a nan sends g to both"""
    node_name = "MaximumBackward0"
    smaller = staticmethod(np.less)

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _extreme(a._data, b._data, np.less)

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors
        x, y = a._data, b._data
        shared = Where.apply(x == y, g / 2, g)  # PyTorch: where(a == b, g / 2, g), then zero the loser
        da = MaskedFill.apply(shared, np.broadcast_to(cls.smaller(x, y), g.shape), 0) if ctx.needs_input_grad[0] \
            else None
        db = MaskedFill.apply(shared, np.broadcast_to(cls.smaller(y, x), g.shape), 0) if ctx.needs_input_grad[1] \
            else None
        return da, db

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Minimum(Maximum):
    """min(a, b) element-wise:  the smaller input gets g, ties give each g / 2, a nan sends g to both"""
    node_name = "MinimumBackward0"
    smaller = staticmethod(np.greater)

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _extreme(a._data, b._data, np.greater)


def _extreme(x, y, loses):
    """maximum (loses = less) / minimum (loses = greater) as PyTorch's kernel: y where x loses, else x (so a tie
    between -0. and 0. keeps x), and nan where either is nan."""
    return (_maximum if loses is np.less else _minimum)(y, x)  # the second operand wins a tie


class Where(Function):
    """where(cond, a, b):  da = g where cond, db = g elsewhere, +0 in the other places (cond is a boolean array,
    not an input)"""
    node_name = "WhereBackward0"
    constant_inputs = (0,)  # the condition: saved, but no edge (as PyTorch)

    @staticmethod
    def forward(ctx, cond, a, b):
        # cond: the learner's bool tensor, saved as PyTorch saves it (changing it in place makes backward fail;
        # backward frees it), or an array from a backward formula
        if ctx.needs_input_grad[1] or ctx.needs_input_grad[2]:
            ctx.save_for_backward(cond if is_tensor(cond) else wrap(cond))
        cond = cond._data if is_tensor(cond) else cond
        if _is_plus_zero(b) and a._data.dtype == b._data.dtype:  # where(mask, g, 0): a masked gradient, fast
            return keep_where(cond, a._data)
        if _is_plus_zero(a) and a._data.dtype == b._data.dtype:
            return keep_where(~np.asarray(cond), b._data)
        return np.where(cond, a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        cond = ctx.saved_tensors[0]._data
        zero = _zero(g)
        da = Where.apply(cond, g, zero) if ctx.needs_input_grad[1] else None
        db = Where.apply(cond, zero, g) if ctx.needs_input_grad[2] else None
        return None, da, db

    @staticmethod
    def jvp(ctx, _, ta, tb):
        return Where.apply(ctx.inputs[0], ta, tb)  # forward mode: the op itself on the tangents (cond is constant)


class Lerp(Function):
    """start + w (end - start) for a number w (computed from the nearer end, fused, as PyTorch):
    dstart = g (1 - w),  dend = g w"""
    node_name = "LerpBackward0"

    @staticmethod
    def forward(ctx, start, end, weight):
        ctx.weight = weight
        return lerp_values(start._data, end._data, weight)

    @staticmethod
    def backward(ctx, g):
        w = ctx.weight  # PyTorch: grad * (1 - weight) and grad * weight, products with a Scalar (MulBackward1)
        return ((MulScalar.apply(g, 1 - w) if ctx.needs_input_grad[0] else None),
                (MulScalar.apply(g, w) if ctx.needs_input_grad[1] else None), None)

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class LerpTensor(Function):
    """lerp with a tensor weight:  dstart = g (1 - w),  dend = g w,  dw = g (end - start)"""
    node_name = "LerpBackward1"

    @staticmethod
    def forward(ctx, start, end, weight):
        ctx.save_for_backward(start, end, weight)
        return lerp_values(start._data, end._data, weight._data)

    @staticmethod
    def backward(ctx, g):
        start, end, w = ctx.saved_tensors
        return ((g * (1 - w) if ctx.needs_input_grad[0] else None), (g * w if ctx.needs_input_grad[1] else None),
                (g * (end - start) if ctx.needs_input_grad[2] else None))

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
            "bool": "bool"}


def lerp(start, end, weight):
    """torch.lerp with PyTorch's checks: end (and a tensor weight) of start's dtype, floating point only."""
    expected = _C_NAMES[start._data.dtype.name]
    for other in (end, weight):
        if hasattr(other, "_data"):
            try:
                np.broadcast_shapes(start.shape, other.shape)
            except ValueError:
                raise RuntimeError(msg.broadcast_mismatch(start.shape, other.shape)) from None
    for name, t in (("end", end), ("weight", weight)):
        if hasattr(t, "_data") and t._data.dtype != start._data.dtype:
            raise RuntimeError(f"expected dtype {expected} for `{name}` but got dtype {_C_NAMES[t._data.dtype.name]}")
    if start._data.dtype.kind != "f":
        kernel = "lerp_kernel_tensor" if hasattr(weight, "_data") else "lerp_kernel_scalar"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{start.dtype._short}\'')
    if hasattr(weight, "_data"):
        return LerpTensor.apply(start, end, weight)
    return Lerp.apply(start, end, float(weight))


def lerp_values(start, end, weight):
    dtype = np.result_type(start, end)
    start, end = np.asarray(start, dtype), np.asarray(end, dtype)
    weight = np.asarray(weight, dtype)
    diff = end - start
    small = np.abs(weight) < 0.5
    coefficient = np.where(small, weight, weight - np.asarray(1, dtype))
    return np.asarray(fma(coefficient, diff, np.where(small, start, end), dtype))


class Remainder(Function):
    """a % b for a tensor b, with the sign of b (Python's rule):  da = g,  db = -g * floor(a / b)"""
    node_name = "RemainderBackward1"

    @staticmethod
    def forward(ctx, a, b):
        if ctx.needs_input_grad[1]:  # only b's gradient needs them (as PyTorch: otherwise backward can run twice)
            ctx.save_for_backward(a, b)
        return remainder_values(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors or (None, None)
        db = -g * DivRounding.apply(a, b, "floor") if ctx.needs_input_grad[1] else None  # (recorded: create_graph)
        return g if ctx.needs_input_grad[0] else None, db

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class RemainderNumber(Function):
    """a % s for a number s:  da = g"""
    node_name = "RemainderBackward0"

    @staticmethod
    def forward(ctx, a, s):
        return remainder_values(a._data, s)

    @staticmethod
    def backward(ctx, g):
        return g, None

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


def remainder(a, b):
    """a % b, named as PyTorch names it: RemainderBackward0 for a number b, RemainderBackward1 for a tensor."""
    return (RemainderNumber if _is_number(b) else Remainder).apply(a, b)


class RemainderOp:
    """What the % operator applies: Remainder or RemainderNumber, picked by the type of b."""
    apply = staticmethod(remainder)


def remainder_values(x, y):
    y = y if isinstance(y, np.ndarray) else np.asarray(y, dtype=x.dtype)
    if x.dtype.kind == "b" and y.dtype.kind == "b":
        raise NotImplementedError('"remainder_cpu" not implemented for \'Bool\'')
    if x.dtype.kind in "iub" and y.dtype.kind in "iub":
        if (y == 0).any():
            raise RuntimeError("ZeroDivisionError")
        return np.mod(x, y)
    with np.errstate(all="ignore"):  # PyTorch's kernel: fmod, then moved to the sign of y
        mod = np.fmod(x, y)
        return np.where((mod != 0) & ((y < 0) != (mod < 0)), mod + y, mod)


def floor_divide_values(x, y):
    y = y if isinstance(y, np.ndarray) else np.asarray(y, dtype=x.dtype)  # a number takes the tensor's dtype
    if x.dtype.kind == "b" and y.dtype.kind == "b":
        raise NotImplementedError('"div_floor_cpu" not implemented for \'Bool\'')
    if x.dtype.kind in "iub" and y.dtype.kind in "iub" and (y == 0).any():
        raise RuntimeError("ZeroDivisionError")
    with np.errstate(all="ignore"):  # x // 0 is inf or nan for floats, as in PyTorch
        return np.floor_divide(x, y)


class FloorDivide(NotDifferentiable):
    """a // b: PyTorch has no derivative for it"""
    aten_op = "floor_divide"

    @staticmethod
    def forward(ctx, a, b):
        return floor_divide_values(a._data, b if _is_number(b) else b._data)


class RFloorDivide(FloorDivide):
    """s // a for a number s"""

    @staticmethod
    def forward(ctx, a, s):
        return floor_divide_values(np.asarray(s, dtype=a._data.dtype), a._data)


class DivRounding(Function):
    """a / b rounded towards zero ("trunc") or down ("floor"): a step function, so da = db = 0"""
    node_name = "DivBackward2"
    number_inputs = True  # a number b is an input without gradient, as PyTorch lists it

    @staticmethod
    def forward(ctx, a, b, rounding_mode):
        ctx.number_divisor = _is_number(b)
        y = b if ctx.number_divisor else b._data
        if rounding_mode == "floor":
            return floor_divide_values(a._data, y)
        return truncated_division_values(a._data, y)

    @staticmethod
    def backward(ctx, g):
        zeros = _zeros_like(g)  # (PyTorch: grad.zeros_like() for both)
        return zeros, (None if ctx.number_divisor else zeros), None

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


def truncated_division_values(x, y):
    y = y if isinstance(y, np.ndarray) else np.asarray(y, dtype=x.dtype)
    if x.dtype.kind in "iub" and y.dtype.kind in "iub":
        if (y == 0).any():
            raise RuntimeError("ZeroDivisionError")
        quotient = np.floor_divide(x, y)
        return quotient + ((quotient < 0) & (quotient * y != x))  # towards zero, as C's integer division
    with np.errstate(all="ignore"):
        return np.trunc(x / y)


class RRemainder(NotDifferentiable):
    """s % a for a number s: no derivative in PyTorch either"""
    aten_op = "remainder"

    @staticmethod
    def forward(ctx, a, s):
        return remainder_values(np.asarray(s, dtype=a._data.dtype), a._data)


class Sign(Function):
    """sign(a): piecewise constant, so its gradient is 0 (zeros with no graph)"""
    node_name = "SignBackward0"

    @staticmethod
    def forward(ctx, a):
        x = a._data
        if x.dtype.kind == "b":
            return x.copy()
        return (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)  # (0 < x) - (x < 0): sign(nan) is 0 in PyTorch

    @staticmethod
    def backward(ctx, g):
        return _zeros_like(g)

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class Sgn(Sign):
    """sgn(a), the sign of a real number (PyTorch's backward formulas for abs and norm use it): gradient 0"""
    node_name = "SgnBackward0"


class Floor(Sign):
    """floor(a): piecewise constant, so its gradient is 0"""
    node_name = "FloorBackward0"

    @staticmethod
    def forward(ctx, a):
        return _rounding(np.floor, "floor", a._data)


class Round(Sign):
    """round(a), halves to even as PyTorch: piecewise constant, so its gradient is 0"""
    node_name = "RoundBackward0"

    @staticmethod
    def forward(ctx, a):
        return _rounding(np.round, "round", a._data)


def _rounding(fn, name, x):
    """floor/round: integers stay as they are, bools are PyTorch's error."""
    if x.dtype.kind == "b":
        raise NotImplementedError(f'"{name}_vml_cpu" not implemented for \'Bool\'')
    return fn(x) if x.dtype.kind == "f" else x.copy()


class ClampMin(Clamp):
    """clamp_min(a, lo) for a number lo:  da = g where a >= lo, +0 elsewhere"""
    node_name = "ClampMinBackward0"


class ClampMax(Clamp):
    """clamp_max(a, hi) for a number hi:  da = g where a <= hi, +0 elsewhere"""
    node_name = "ClampMaxBackward0"


class ClampMinTensor(ClampTensor):
    """clamp_min(a, lo) for a tensor lo:  da = g where a >= lo,  dlo = g where a < lo"""
    node_name = "ClampMinBackward1"


class ClampMaxTensor(ClampTensor):
    """clamp_max(a, hi) for a tensor hi:  da = g where a <= hi,  dhi = g where a > hi"""
    node_name = "ClampMaxBackward1"


class LogAddExp(Function):
    """log(exp(a) + exp(b)), computed from the larger of the two as PyTorch does, so that it never overflows:
    da = g / (1 + exp(b - a)),  db = g / (1 + exp(a - b))"""
    node_name = "LogaddexpBackward0"

    @staticmethod
    def forward(ctx, a, b):
        x, y = a._data, b._data
        floating = x.dtype if x.dtype.kind == "f" else y.dtype  # (a bool operand is not promoted beforehand)
        if floating.kind != "f":
            integer = a if x.dtype.kind != "b" else b
            raise NotImplementedError(f'"logaddexp_cpu" not implemented for \'{integer.dtype._short}\'')
        ctx.save_for_backward(a, b)
        wide = np.float32 if floating == np.float16 else floating  # half is computed in float32, as PyTorch
        x, y = x.astype(wide, copy=False), y.astype(wide, copy=False)
        with np.errstate(invalid="ignore"):  # inf - inf: the case handled below
            out = np.maximum(x, y) + np.log1p(np.exp(-np.abs(x - y)))
        both_infinite = np.isinf(x) & (x == y)  # inf with inf (or -inf with -inf) is that infinity
        return np.where(both_infinite, x, out).astype(floating, copy=False)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da = g / (1 + (b - a).exp()) if ctx.needs_input_grad[0] else None
        db = g / (1 + (a - b).exp()) if ctx.needs_input_grad[1] else None
        return da, db

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent
