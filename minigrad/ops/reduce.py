"""Reductions (sum, mean, max, norm, var, ...) and the softmax family.

A reduction's backward spreads the gradient back over the reduced dimensions: `_unsqueeze_to`
puts back the dimensions that keepdim=False removed, and broadcasting (summed away by the engine
where needed) does the rest.
"""
import numpy as np

from .._warn import warn
from ..autograd.function import Function, auto_linear, wrap
from ..autograd.grad_mode import state
from .dims import wrap_dim, wrap_dims
from .pointwise import DivScalar, Where, masked
from .shape import Gather, MaskedFillTensor, Scatter


def _dims(dim, ndim):
    """dim argument (None, int or tuple) as a sorted tuple of non-negative dims; PyTorch's IndexError when a
    dim is out of range (a 0-d tensor accepts 0 and -1)."""
    if isinstance(dim, (tuple, list)) and not dim:
        dim = None  # sum(dim=()) reduces everything, as in PyTorch
    dims = wrap_dims(dim, ndim)
    return dims if ndim else ()


def _axis(dims, ndim):
    """The numpy axis argument for reduced dims (None for a 0-d tensor, which has no axis to name)."""
    return dims if ndim else None


def _count(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def _unsqueeze_to(g, dims, keepdim, ndim):
    """Give a reduced gradient back the dims that keepdim=False dropped, so it broadcasts over the input."""
    if keepdim or g.ndim == ndim:
        return g
    for d in dims:
        g = g.unsqueeze(d)
    return g


def reduction_jvp(ctx, t, *_):
    """The jvp of a reduction over ctx.dims: its backward spreads g over the reduced elements times a local factor
    (1 for sum, 1/n for mean, the tie share for max, ...), so J·t sums factor * t over the reduced dims. The factor
    is backward applied to a gradient of ones."""
    out = ctx.output
    factor = ctx.backward(wrap(np.ones(out._data.shape, out._data.dtype)))[0]
    return (factor * t).sum(dim=ctx.dims, keepdim=ctx.keepdim) if t.ndim else factor * t


class Sum(Function):
    """sum of all elements:  da = g broadcast to a's shape"""
    node_name = "SumBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.shape = a.shape
        return _narrowed(np.asarray(np.add.reduce(a._data, axis=None, dtype=_sum_dtype(a._data))), a._data)

    @staticmethod
    def backward(ctx, g):
        return g.expand(ctx.shape)

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class SumDim(Function):
    """sum over `dim`:  da = g broadcast back over the summed dims"""
    node_name = "SumBackward1"

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, _dims(dim, a.ndim), keepdim
        return _narrowed(np.asarray(np.add.reduce(a._data, axis=_axis(ctx.dims, a.ndim), keepdims=keepdim,
                                                  dtype=_sum_dtype(a._data))), a._data)

    @staticmethod
    def backward(ctx, g):
        return _unsqueeze_to(g, ctx.dims, ctx.keepdim, len(ctx.shape)).expand(ctx.shape), None, None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


def _sum_dtype(array):
    """PyTorch sums bools and ints as int64, and accumulates half in float32."""
    return np.int64 if array.dtype.kind in "bi" else np.float32 if array.dtype == np.float16 else None


class Prod(Function):
    """product over `dim` (all elements when None):  da = g * (the product of the other elements)"""
    node_name = "ProdBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        ctx.dims, ctx.keepdim = _dims(dim, a.ndim), keepdim
        ctx.axis = ctx.dims[0] if dim is not None and a.ndim else None
        x = a._data
        out = np.multiply.reduce(x, axis=ctx.axis, keepdims=keepdim and a.ndim > 0, dtype=_sum_dtype(x))
        out = _narrowed(np.asarray(out), x)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        g = _unsqueeze_to(g, ctx.dims, ctx.keepdim, a.ndim)
        if a.ndim == 0:
            return g, None, None
        zeros = int((a._data == 0).sum())
        if zeros > 1 and ctx.axis is None and not state.grad_enabled:  # PyTorch: two zeros make every product 0
            return wrap(np.zeros(a._data.shape, g._data.dtype)), None, None
        if not zeros:  # the usual case, written with tensor ops so that it differentiates again
            return g * (_unsqueeze_to(out, ctx.dims, ctx.keepdim, a.ndim) / a), None, None
        if state.grad_enabled:  # create_graph: the products of the others as ops, so they differentiate again
            if ctx.axis is None:
                return (g.reshape(-1) * _others_product(a.reshape(-1), 0)).view(a.shape), None, None
            return g * _others_product(a, ctx.axis), None, None
        # a zero: the products of the others, computed directly
        return g * wrap(_product_of_others(a._data, ctx.axis)), None, None

    jvp = reduction_jvp


class ProdDim(Prod):
    node_name = "ProdBackward1"


def _others_product(a, axis):
    """For each element of tensor a, the product of the others along `axis`, with tensor ops: a repeated along a
    new dim with 1 on the diagonal, then multiplied out (n**2 work: only for gradients that must differentiate)."""
    n = a.shape[axis]
    eye_shape = [1] * (a.ndim + 1)
    eye_shape[axis], eye_shape[axis + 1] = n, n
    diagonal = np.eye(n, dtype=bool).reshape(eye_shape)
    shape = list(a.shape)
    shape.insert(axis, n)
    stacked = a.unsqueeze(axis).expand(*shape)
    return Where.apply(diagonal, wrap(np.ones((), a._data.dtype)), stacked).prod(dim=axis + 1)


def _product_of_others(x, axis):
    """For each element, the product of the other elements along `axis` (all of them for None), without
    dividing, so that zeros are handled: exclusive running products from the left times from the right."""
    if axis is None:
        return _product_of_others(x.reshape(-1), 0).reshape(x.shape)
    x = np.moveaxis(x, axis, 0)
    ones = np.ones_like(x[:1])
    with np.errstate(invalid="ignore", over="ignore"):  # 0 * inf is nan here as in PyTorch, silently
        left = np.cumprod(np.concatenate([ones, x[:-1]]), axis=0)
        right = np.cumprod(np.concatenate([ones, x[:0:-1]]), axis=0)[::-1]
        return np.moveaxis(left * right, 0, axis)


class Cumsum(Function):
    """running sum along `dim`:  da_i = sum of g_j for j >= i (the running sum from the other end)"""
    node_name = "CumsumBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = wrap_dim(dim, a.ndim)
        x = a._data
        if x.ndim == 0:
            return x.astype(np.int64) if x.dtype.kind in "bi" else x.copy()  # the value itself (-0. stays)
        out = _narrowed(np.add.accumulate(x, axis=ctx.dim, dtype=_sum_dtype(x)), x)  # (a ufunc: warnings stay here)
        return out + 0 if out.dtype.kind == "f" else out  # PyTorch's running sum starts at +0: never -0.

    @staticmethod
    def backward(ctx, g):
        if g.numel() <= 1 or g.shape[ctx.dim] == 1:  # nothing to add up: the gradient itself, as PyTorch
            return g, None
        return ReverseCumsum.apply(g, ctx.dim), None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class ReverseCumsum(Function):
    """running sum from the far end (cumsum's backward, PyTorch's g.flip(dim).cumsum(dim).flip(dim)):
    dg = cumsum of gg"""
    node_name = "FlipBackward0"

    @staticmethod
    def forward(ctx, g, dim):
        ctx.dim = dim
        if g.ndim == 0:
            return g._data.copy()
        out = np.flip(np.add.accumulate(np.flip(g._data, dim), axis=dim), dim)  # (a ufunc: warnings stay here)
        return out + 0 if out.dtype.kind == "f" else out

    @staticmethod
    def backward(ctx, gg):
        return gg.cumsum(ctx.dim), None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class Mean(Function):
    """mean of all elements:  da = g / n everywhere"""
    node_name = "MeanBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.shape = a.shape
        return _mean(a._data, None, False, a._data.size)

    @staticmethod
    def backward(ctx, g):
        return DivScalar.apply(g.expand(ctx.shape), max(int(np.prod(ctx.shape)), 1))

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class MeanDim(Function):
    """mean over `dim`:  da = g / (number of averaged elements)"""
    node_name = "MeanBackward1"

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, _dims(dim, a.ndim), keepdim
        return _mean(a._data, _axis(ctx.dims, a.ndim), keepdim, _count(a.shape, ctx.dims))

    @staticmethod
    def backward(ctx, g):
        count = _count(ctx.shape, ctx.dims)
        spread = _unsqueeze_to(g, ctx.dims, ctx.keepdim, len(ctx.shape)).expand(ctx.shape)
        return DivScalar.apply(spread, count), None, None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


def _mean(x, axis, keepdim, count):
    """The sum, then divided by the count, as PyTorch computes a mean (nan for an empty input, silently)."""
    total = np.add.reduce(x, axis=axis, keepdims=keepdim, dtype=_sum_dtype(x))
    with np.errstate(invalid="ignore", divide="ignore"):
        return _narrowed(np.asarray(total / total.dtype.type(count)), x)


def _narrowed(result, x):
    """A half input's result, computed in float32, rounded back to half."""
    return result.astype(np.float16) if x.dtype == np.float16 else result


class _ExtremumAll(Function):
    """max/min over everything: the elements equal to the result share the gradient evenly (+0 elsewhere)"""
    reducer = None

    @classmethod
    def forward(cls, ctx, a, dim=None, keepdim=False):
        ctx.dims, ctx.keepdim, ctx.ndim = _dims(dim, a.ndim), keepdim, a.ndim
        if a._data.size == 0:
            if dim is None:
                raise RuntimeError(f"{cls.op_name}(): Expected reduction dim to be specified for input.numel() == 0. "
                                   "Specify the reduction dim with the 'dim' argument.")
            for d, given in zip(ctx.dims, sorted((dim,) if isinstance(dim, int) else dim, key=lambda d: d % a.ndim)):
                if a.shape[d] == 0:  # named as the caller wrote it (-2 stays -2)
                    raise IndexError(f"{cls.op_name}(): Expected reduction dim {given} to have non-zero size.")
        out = np.asarray(cls.reducer(a._data, axis=_axis(ctx.dims, a.ndim), keepdims=keepdim))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        value = out._data
        hit = np.isnan(a._data) if np.isnan(value).any() else a._data == value  # as PyTorch, nan selects the nans
        zeros = wrap(np.zeros(a._data.shape, g._data.dtype))
        return MaskedFillTensor.apply(zeros, hit, g / int(hit.sum())), None, None  # PyTorch's masked_fill_

    jvp = reduction_jvp


class _ExtremumDims(_ExtremumAll):
    """amax/amin over dims: g / (number of ties) times the mask of ties (PyTorch's scale_grad_by_count)"""

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        hit = a == _unsqueeze_to(out, ctx.dims, ctx.keepdim, ctx.ndim)
        count = hit.sum(dim=ctx.dims, keepdim=True) if a.ndim else hit.to(g.dtype)  # 0 for a nan: g / 0 as torch
        return (_unsqueeze_to(g, ctx.dims, ctx.keepdim, ctx.ndim) / count) * hit, None, None


class Max(_ExtremumAll):
    node_name, op_name, reducer = "MaxBackward1", "max", np.max


class Min(_ExtremumAll):
    node_name, op_name, reducer = "MinBackward1", "min", np.min


class Amax(_ExtremumDims):
    node_name, op_name, reducer = "AmaxBackward0", "amax", np.max


class Amin(_ExtremumDims):
    node_name, op_name, reducer = "AminBackward0", "amin", np.min


class _ExtremumDim(Function):
    """max/min along one dim, returning (values, indices): only the chosen index gets the gradient"""
    arg = None
    op_name = None

    @classmethod
    def forward(cls, ctx, a, dim, keepdim):
        d = wrap_dim(dim, a.ndim)
        if a.ndim and a.shape[d] == 0:
            raise IndexError(f"{cls.op_name}(): Expected reduction dim {d} to have non-zero size.")
        idx = np.expand_dims(cls.arg(a._data, axis=d), d) if a.ndim else np.asarray(0)
        values = np.take_along_axis(a._data, idx, axis=d) if a.ndim else a._data.copy()
        ctx.dim, ctx.shape, ctx.keepdim = d, a.shape, keepdim
        if not keepdim and a.ndim:
            values, idx = values.squeeze(d), idx.squeeze(d)
        indices = idx.astype(np.int64)
        ctx.mark_non_differentiable(indices)
        ctx.save_for_backward(indices)  # as PyTorch, so backward frees it
        return values, indices

    @staticmethod
    def backward(ctx, g, _):
        indices = ctx.saved_tensors[0]._data
        if not ctx.shape:
            return g, None, None
        index = indices if ctx.keepdim else np.expand_dims(indices, ctx.dim)
        zeros = wrap(np.zeros(ctx.shape, g._data.dtype))  # g scattered into zeros, as PyTorch does
        g = _unsqueeze_to(g, (ctx.dim,), ctx.keepdim, len(ctx.shape))
        return Scatter.apply(zeros, ctx.dim, index, g), None, None

    @staticmethod
    def jvp(ctx, t, *_):
        """the tangent at the chosen index; the indices get none"""
        if not ctx.shape:
            return t, None
        indices = ctx.outputs[1]._data
        picked = Gather.apply(t, ctx.dim, indices if ctx.keepdim else np.expand_dims(indices, ctx.dim))
        return (picked if ctx.keepdim else picked.squeeze(ctx.dim)), None


class MaxDim(_ExtremumDim):
    node_name, arg, op_name = "MaxBackward0", np.argmax, "max"


class MinDim(_ExtremumDim):
    node_name, arg, op_name = "MinBackward0", np.argmin, "min"


class Norm(Function):
    """p-norm (sum |a|^p)^(1/p):  da = g * a / norm for p = 2, g * sign(a) for p = 1, g * sign(a) |a|^(p-1) /
    norm^(p-1) otherwise (PyTorch's formulas, 0 where the norm is 0)"""
    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, a, p, dim, keepdim):
        x = np.abs(a._data)
        if x.dtype == np.float16:  # PyTorch accumulates a half norm in float32 and rounds the result
            x = x.astype(np.float32)
        ctx.p, ctx.dims, ctx.keepdim = p, _dims(dim, a.ndim), keepdim
        axis = _axis(ctx.dims, a.ndim)
        if p == float("inf"):
            out = np.maximum.reduce(x, axis=axis, keepdims=keepdim) if x.size else np.zeros(
                np.add.reduce(x, axis=axis, keepdims=keepdim).shape, x.dtype)
        elif p == 1:
            out = np.add.reduce(x, axis=axis, keepdims=keepdim)
        elif p == 0:
            out = np.add.reduce((x != 0).astype(x.dtype), axis=axis, keepdims=keepdim)
        elif p == 2:
            out = np.sqrt(np.add.reduce(x * x, axis=axis, keepdims=keepdim))
        else:
            out = np.add.reduce(x ** p, axis=axis, keepdims=keepdim) ** (1.0 / p)
        out = np.asarray(out, dtype=a._data.dtype)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        p = ctx.p
        g = _unsqueeze_to(g, ctx.dims, ctx.keepdim, a.ndim)
        norm = _unsqueeze_to(out, ctx.dims, ctx.keepdim, a.ndim)
        zero_norm = np.broadcast_to(norm._data == 0, a.shape)
        if p == 0:
            return wrap(np.zeros(a.shape, a._data.dtype)), None, None, None
        if p == 1:
            return a.sgn() * g, None, None, None
        if p == 2:
            return g * masked(~zero_norm, a / norm), None, None, None
        if p == float("inf"):
            hit = (a.abs() == norm)._data | np.isnan(a._data)
            count = wrap(np.add.reduce(hit, axis=_axis(ctx.dims, a.ndim), keepdims=True).astype(g._data.dtype))
            return a.sgn() * ((g / count) * wrap(hit.astype(g._data.dtype))), None, None, None
        if p < 1:
            scaled = a.sgn() * masked(a._data != 0, a.abs() ** (p - 1))
            return scaled * g * norm ** (1 - p), None, None, None
        scaled = a.sgn() * a.abs() ** (p - 1) if p < 2 else a * a.abs() ** (p - 2)
        return scaled * masked(~zero_norm, g / norm ** (p - 1)), None, None, None

    jvp = reduction_jvp


def _degrees_of_freedom(name, n, correction, reduced):
    """n - correction, with PyTorch's warning when it is not positive (the result is then inf or nan)."""
    dof = n - correction
    if dof <= 0 and reduced:
        warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction factor "
             "(input numel divided by output numel).")
    return max(dof, 0)


def _variance(name, x, dims, correction, keepdim, root=False):
    """The variance of x over dims (numpy axis), computed in float64 as PyTorch accumulates it (root: its square
    root, the standard deviation, taken before rounding to x's dtype, so a float16 std does not overflow)."""
    if x.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    axis = dims if x.ndim else None
    n = _count(x.shape, dims) if x.ndim else x.size
    out_size = x.size // n if n else int(np.prod([d for i, d in enumerate(x.shape) if i not in dims]))
    _degrees_of_freedom(name, x.size // max(out_size, 1), correction, True)  # PyTorch counts numel in / numel out
    dof = max(n - correction, 0)
    wide = x.astype(np.float64)
    with np.errstate(all="ignore"):
        mean = np.add.reduce(wide, axis=axis, keepdims=True) / n if n else np.full([1] * x.ndim, np.nan)
        centered = wide - mean
        squares = np.add.reduce(centered * centered, axis=axis, keepdims=keepdim)
        variance = np.asarray(squares / dof)
        return (np.sqrt(variance) if root else variance).astype(x.dtype)


class Var(Function):
    """variance with `correction`:  da = (2 / (n - correction)) * g * (a - mean)"""
    node_name = "VarBackward0"

    @staticmethod
    def forward(ctx, a, dim, correction, keepdim):
        ctx.save_for_backward(a)
        ctx.dims, ctx.correction, ctx.keepdim, ctx.all = _dims(dim, a.ndim), correction, keepdim, dim is None
        return _variance("var", a._data, ctx.dims, correction, keepdim)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return _var_backward(ctx, g, a), None, None, None

    jvp = reduction_jvp


def _var_backward(ctx, g, a):
    """PyTorch's var_backward: (2 / (n - correction)) * g * (a - mean); with all dims and no degrees of freedom
    left, nan where a equals its mean and inf elsewhere."""
    if ctx.all or a.ndim == 0:
        dof = a.numel() - ctx.correction
        if dof <= 0:
            centered = (a._data == a.mean()._data)
            return g * wrap(np.where(centered, np.nan, np.inf).astype(g._data.dtype))
        return (2.0 / dof) * g * (a - a.mean())
    g = _unsqueeze_to(g, ctx.dims, ctx.keepdim, a.ndim)
    dof = _count(a.shape, ctx.dims) - ctx.correction
    factor = 2.0 / dof if dof != 0 else float("inf")
    return factor * g * (a - a.mean(dim=ctx.dims, keepdim=True))


class Std(Function):
    """standard deviation:  da = var's gradient of g / (2 std) (0 where std = 0)"""
    node_name = "StdBackward0"

    @staticmethod
    def forward(ctx, a, dim, correction, keepdim):
        ctx.dims, ctx.correction, ctx.keepdim, ctx.all = _dims(dim, a.ndim), correction, keepdim, dim is None
        out = _variance("std", a._data, ctx.dims, correction, keepdim, root=True)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        grad_var = masked(out._data != 0, g / (out * 2))
        return _var_backward(ctx, grad_var, a), None, None, None

    jvp = reduction_jvp


def _stable_softmax(x, axis):
    if x.size == 0:
        return x.copy()
    shifted = x - np.maximum.reduce(x, axis=axis, keepdims=True)  # exp never overflows
    e = np.exp(shifted)
    return e / np.add.reduce(e, axis=axis, keepdims=True)


def _kernel_sum(x, dim):
    """The sum over dim inside PyTorch's softmax backward kernels, which start from the first element: a sum of
    -0.s stays -0. (an identity of -0. gives exactly that; numpy's +0. would not)"""
    return np.add.reduce(x, axis=dim, keepdims=True, initial=-0.0)


class Softmax(Function):
    """s = exp(a) / sum exp(a):  da = s * (g - sum(g * s))"""
    node_name = "SoftmaxBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim = wrap_dim(dim, a.ndim)
        x = a._data
        with np.errstate(invalid="ignore"):  # a 0-d softmax is exp(x - x) / exp(x - x): 1, or nan for inf and nan
            out = _stable_softmax(x, dim) if a.ndim else np.exp(x - x) / np.exp(x - x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        s, = ctx.saved_tensors
        return SoftmaxBackwardData.apply(g, s, ctx.dim), None

    @staticmethod
    def jvp(ctx, t, _):
        """softmax's Jacobian is symmetric, so J·t is its backward applied to t"""
        return SoftmaxBackwardData.apply(t, ctx.output, ctx.dim)


class SoftmaxBackwardData(Function):
    """softmax's backward as PyTorch runs it, an op of its own: s * (g - sum(g * s)):
    dg = the same op on gg,  ds = gg g - sum(s g) gg - g sum(s gg)"""
    node_name = "SoftmaxBackwardDataBackward0"

    @staticmethod
    def forward(ctx, g, s, dim):
        ctx.save_for_backward(g, s)
        ctx.dim = dim
        gs = g._data * s._data
        return s._data * (g._data - _kernel_sum(gs, dim)) if s.ndim else gs - gs

    @staticmethod
    def backward(ctx, gg):
        g, s = ctx.saved_tensors
        dg = SoftmaxBackwardData.apply(gg, s, ctx.dim) if ctx.needs_input_grad[0] else None
        ds = None
        if ctx.needs_input_grad[1]:
            ds = g * gg - (s * g).sum(dim=ctx.dim, keepdim=True) * gg - g * (s * gg).sum(dim=ctx.dim, keepdim=True)
        return dg, ds, None

    @staticmethod
    def jvp(ctx, tg, ts, _):
        g, s, dim = ctx.inputs
        if not s.ndim:
            return tg * 0
        return (SoftmaxBackwardData.apply(tg, s, dim) + ts * (g - (g * s).sum(dim=dim, keepdim=True))
                - s * (g * ts).sum(dim=dim, keepdim=True))


class LogSoftmax(Function):
    """a - logsumexp(a):  da = g - softmax(a) * sum(g)"""
    node_name = "LogSoftmaxBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim = wrap_dim(dim, a.ndim)
        x = a._data
        if a.ndim and x.size:
            shifted = x - np.maximum.reduce(x, axis=dim, keepdims=True)
            out = shifted - np.log(np.add.reduce(np.exp(shifted), axis=dim, keepdims=True))
        elif a.ndim:
            out = x.copy()
        else:
            with np.errstate(invalid="ignore"):
                out = x - x  # 0, or nan for inf and nan, as in PyTorch
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return LogSoftmaxBackwardData.apply(g, out, ctx.dim), None

    @staticmethod
    def jvp(ctx, t, _):
        if not t.ndim:
            return t * 0
        return t - (ctx.output.exp() * t).sum(dim=ctx.dim, keepdim=True)


class LogSoftmaxBackwardData(Function):
    """log_softmax's backward as PyTorch runs it, an op of its own: g - exp(out) * sum(g):
    dg = gg - sum(gg * exp(out)),  dout = -sum(g) exp(out) gg"""
    node_name = "LogSoftmaxBackwardDataBackward0"

    @staticmethod
    def forward(ctx, g, out, dim):
        ctx.save_for_backward(g, out)
        ctx.dim = dim
        total = _kernel_sum(g._data, dim) if out.ndim else g._data
        return g._data - np.exp(out._data) * total

    @staticmethod
    def backward(ctx, gg):
        g, out = ctx.saved_tensors
        dg = gg - (gg * out.exp()).sum(dim=ctx.dim, keepdim=True) if ctx.needs_input_grad[0] else None
        dout = -g.sum(dim=ctx.dim, keepdim=True) * out.exp() * gg if ctx.needs_input_grad[1] else None
        return dg, dout, None

    @staticmethod
    def jvp(ctx, tg, tout, _):
        g, out, dim = ctx.inputs
        total = g.sum(dim=dim, keepdim=True) if out.ndim else g
        return LogSoftmaxBackwardData.apply(tg, out, dim) - out.exp() * tout * total


class Logsumexp(Function):
    """log sum exp(a) over dim:  da = g * softmax(a)"""
    node_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        dims = _dims(dim, a.ndim)
        axis = _axis(dims, a.ndim)
        x = a._data
        peak = np.maximum.reduce(x, axis=axis, keepdims=True) if x.size else np.zeros([1] * x.ndim, x.dtype)
        peak = np.where(np.isinf(peak), 0, peak)  # PyTorch: max with +-inf set to 0 (nan stays)
        with np.errstate(divide="ignore"):  # the log of an empty sum is -inf, as in PyTorch
            out = np.log(np.add.reduce(np.exp(x - peak), axis=axis, keepdims=True)) + peak
        if not keepdim and a.ndim:
            out = out.squeeze(dims)
        out = np.asarray(out, dtype=x.dtype)
        ctx.save_for_backward(a, out)
        ctx.dims, ctx.keepdim = dims, keepdim
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        out = _unsqueeze_to(out, ctx.dims, ctx.keepdim, a.ndim)
        return _unsqueeze_to(g, ctx.dims, ctx.keepdim, a.ndim) * (a - out).exp(), None, None

    jvp = reduction_jvp
