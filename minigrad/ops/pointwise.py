"""Element-wise ops. Each forward works on the numpy arrays; each backward is written with tensor ops,
so it records a graph under create_graph=True (higher derivatives for free). Backward returns
gradients of the broadcast shape; the engine sums them back to each input's shape (`unbroadcast`).
"""
import numpy as np

from ..autograd.function import Function


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


class Sub(Function):
    """a - b:  da = g,  db = -g"""
    node_name = "SubBackward0"
    number_inputs = True

    @staticmethod
    def forward(ctx, a, b):
        return a._data - (b if isinstance(b, (int, float)) else b._data)

    @staticmethod
    def backward(ctx, g):
        return g, -g


class Rsub(Function):
    """s - a for a number s:  da = -g"""
    node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, s):
        return s - a._data

    @staticmethod
    def backward(ctx, g):
        return -g, None


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
        db = -g * a / (b * b) if ctx.needs_input_grad[1] else None
        return da, db


class Neg(Function):
    """-a:  da = -g"""
    node_name = "NegBackward0"

    @staticmethod
    def forward(ctx, a):
        return -a._data

    @staticmethod
    def backward(ctx, g):
        return -g


class Pow(Function):
    """a ** e for a number e:  da = g * e * a**(e-1)"""
    node_name = "PowBackward0"

    @staticmethod
    def forward(ctx, a, e):
        ctx.save_for_backward(a)
        ctx.exponent = e
        return a._data ** e

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        e = ctx.exponent
        if e == 0:  # d/da a**0 is 0 everywhere, also at a = 0 where e * a**-1 would be nan
            return g * 0, None
        return g * e * a ** (e - 1), None


class PowTensor(Function):
    """a ** b for tensors:  da = g * b * a**(b-1),  db = g * a**b * log(a)  (0 where a = 0 and b >= 0)"""
    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        out = a._data ** b._data
        ctx.save_for_backward(a, b)
        ctx.out = out
        return out

    @staticmethod
    def backward(ctx, g):
        from .. import where
        a, b = ctx.saved_tensors
        da = g * b * a ** (b - 1) if ctx.needs_input_grad[0] else None
        db = None
        if ctx.needs_input_grad[1]:
            db = g * where((a == 0) & (b >= 0), 0.0, a ** b * a.log())
        return da, db


class RPow(Function):
    """s ** a for a number s:  da = g * s**a * log(s)"""
    node_name = "PowBackward2"

    @staticmethod
    def forward(ctx, a, s):
        ctx.base = s
        out = a._make_like(np.asarray(s, dtype=a._data.dtype) ** a._data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * out * float(np.log(ctx.base)), None


class Exp(Function):
    """exp(a):  da = g * exp(a)"""
    node_name = "ExpBackward0"

    @staticmethod
    def forward(ctx, a):
        out = a._make_like(np.exp(a._data))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * out


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


class Tanh(Function):
    """tanh(a):  da = g * (1 - tanh(a)**2)"""
    node_name = "TanhBackward0"

    @staticmethod
    def forward(ctx, a):
        out = a._make_like(np.tanh(a._data))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * (1 - out * out)


class Tan(Function):
    """tan(a):  da = g * (1 + tan(a)**2)"""
    node_name = "TanBackward0"

    @staticmethod
    def forward(ctx, a):
        out = a._make_like(np.tan(a._data))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * (1 + out * out)


class Sigmoid(Function):
    """sigmoid(a) = 1 / (1 + exp(-a)):  da = g * s * (1 - s)"""
    node_name = "SigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        x = a._data
        e = np.exp(-np.abs(x))
        out = a._make_like(np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        s, = ctx.saved_tensors
        return g * s * (1 - s)


class Relu(Function):
    """max(a, 0):  da = g where a > 0 (0 at a = 0)"""
    node_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, a):
        out = a._make_like(np.maximum(a._data, 0))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * (out > 0)


class Abs(Function):
    """|a|:  da = g * sign(a)  (0 at a = 0)"""
    node_name = "AbsBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a._data)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a.sign()


class Sqrt(Function):
    """sqrt(a):  da = g / (2 sqrt(a))  (inf at 0)"""
    node_name = "SqrtBackward0"

    @staticmethod
    def forward(ctx, a):
        out = a._make_like(np.sqrt(a._data))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g / (2 * out)


class Reciprocal(Function):
    """1 / a:  da = -g / a**2"""
    node_name = "ReciprocalBackward0"

    @staticmethod
    def forward(ctx, a):
        out = a._make_like(1 / a._data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return -g * out * out


class Rsqrt(Function):
    """1 / sqrt(a):  da = -g / (2 a sqrt(a)) = -g * out**3 / 2"""
    node_name = "RsqrtBackward0"

    @staticmethod
    def forward(ctx, a):
        out = a._make_like(1 / np.sqrt(a._data))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return -0.5 * g * out * out * out


class Clamp(Function):
    """clamp(a, lo, hi):  da = g inside [lo, hi] (bounds included), 0 outside"""
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, a, lo, hi):
        ctx.save_for_backward(a)
        ctx.bounds = lo, hi
        return np.clip(a._data, lo, hi).astype(a._data.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        lo, hi = ctx.bounds
        inside = a == a
        if lo is not None:
            inside = inside & (a >= lo)
        if hi is not None:
            inside = inside & (a <= hi)
        return g * inside, None, None


class Maximum(Function):
    """max(a, b) element-wise:  the larger input gets g; ties split it evenly"""
    node_name = "MaximumBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        share = (a > b) + (a == b) * 0.5
        return g * share, g * (1 - share)


class Minimum(Function):
    """min(a, b) element-wise:  the smaller input gets g; ties split it evenly"""
    node_name = "MinimumBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        share = (a < b) + (a == b) * 0.5
        return g * share, g * (1 - share)


class Where(Function):
    """where(cond, a, b):  da = g where cond, db = g elsewhere (cond is a boolean array, not an input)"""
    node_name = "WhereBackward0"

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.cond = cond
        return np.where(cond, a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        keep = g._make_like(ctx.cond)
        return None, g * keep, g * ~keep


class Sign(Function):
    """sign(a): piecewise constant, so its gradient is 0"""
    node_name = "SignBackward0"

    @staticmethod
    def forward(ctx, a):
        return np.sign(a._data)

    @staticmethod
    def backward(ctx, g):
        return g * 0


class Floor(Sign):
    """floor(a): piecewise constant, so its gradient is 0"""
    node_name = "FloorBackward0"

    @staticmethod
    def forward(ctx, a):
        return np.floor(a._data)


class Round(Sign):
    """round(a), halves to even as PyTorch: piecewise constant, so its gradient is 0"""
    node_name = "RoundBackward0"

    @staticmethod
    def forward(ctx, a):
        return np.round(a._data)
