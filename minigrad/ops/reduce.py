"""Reductions (sum, mean, max, norm, var, ...) and the softmax family.

A reduction's backward spreads the gradient back over the reduced dimensions: `_unsqueeze_to`
puts back the dimensions that keepdim=False removed, and broadcasting (summed away by the engine
where needed) does the rest.
"""
import numpy as np

from ..autograd.function import Function


def _dims(dim, ndim):
    """dim argument (None, int or tuple) as a sorted tuple of non-negative dims."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if ndim == 0:
        ndim = 1  # PyTorch accepts dim 0 / -1 on a 0-d tensor
    return tuple(sorted(d % ndim for d in dims))


def _unsqueeze_to(g, dims, keepdim, ndim):
    """Give a reduced gradient back the dims that keepdim=False dropped, so it broadcasts over the input."""
    if keepdim or g.ndim == ndim:
        return g
    for d in dims:
        g = g.unsqueeze(d)
    return g


class Sum(Function):
    """sum of all elements:  da = g broadcast to a's shape"""
    node_name = "SumBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.shape = a.shape
        return np.asarray(a._data.sum(dtype=_sum_dtype(a._data)))

    @staticmethod
    def backward(ctx, g):
        return g.expand(ctx.shape)


class SumDim(Function):
    """sum over `dim`:  da = g broadcast back over the summed dims"""
    node_name = "SumBackward1"

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, _dims(dim, a.ndim), keepdim
        return np.asarray(a._data.sum(axis=ctx.dims if a.ndim else None, keepdims=keepdim,
                                      dtype=_sum_dtype(a._data)))

    @staticmethod
    def backward(ctx, g):
        return _unsqueeze_to(g, ctx.dims, ctx.keepdim, len(ctx.shape)).expand(ctx.shape), None, None


def _sum_dtype(array):
    return np.int64 if array.dtype.kind in "bi" else None  # PyTorch sums bools and ints as int64


class Prod(Function):
    """product over `dim` (all elements when None):  da = g * (the product of the other elements)"""
    node_name = "ProdBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        ctx.dims, ctx.keepdim, ctx.axis = _dims(dim, a.ndim), keepdim, dim if a.ndim else None
        out = a._make_like(np.asarray(a._data.prod(axis=dim if a.ndim else None, keepdims=keepdim)))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        g = _unsqueeze_to(g, ctx.dims, ctx.keepdim, a.ndim)
        if not (a._data == 0).any():  # the usual case, written with tensor ops so that it differentiates again
            return g * _unsqueeze_to(out, ctx.dims, ctx.keepdim, a.ndim) / a, None, None
        # a zero: the products of the others, computed directly (first derivatives only)
        return g * g._make_like(_product_of_others(a._data, ctx.axis)), None, None


class ProdDim(Prod):
    node_name = "ProdBackward1"


def _product_of_others(x, axis):
    """For each element, the product of the other elements along `axis` (all of them for None), without
    dividing, so that zeros are handled: exclusive running products from the left times from the right."""
    if axis is None:
        return _product_of_others(x.reshape(-1), 0).reshape(x.shape)
    x = np.moveaxis(x, axis, 0)
    ones = np.ones_like(x[:1])
    left = np.cumprod(np.concatenate([ones, x[:-1]]), axis=0)
    right = np.cumprod(np.concatenate([ones, x[:0:-1]]), axis=0)[::-1]
    return np.moveaxis(left * right, 0, axis)


class Cumsum(Function):
    """running sum along `dim`:  da_i = sum of g_j for j >= i (the running sum from the other end)"""
    node_name = "CumsumBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        return np.cumsum(a._data, axis=dim if a.ndim else None).reshape(a._data.shape)

    @staticmethod
    def backward(ctx, g):
        return g.sum(dim=ctx.dim, keepdim=True) - g.cumsum(ctx.dim) + g, None


class Mean(Function):
    """mean of all elements:  da = g / n everywhere"""
    node_name = "MeanBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.shape = a.shape
        return np.asarray(a._data.mean(dtype=a._data.dtype))

    @staticmethod
    def backward(ctx, g):
        return g.expand(ctx.shape) / max(int(np.prod(ctx.shape)), 1)


class MeanDim(Function):
    """mean over `dim`:  da = g / (number of averaged elements)"""
    node_name = "MeanBackward1"

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, _dims(dim, a.ndim), keepdim
        return np.asarray(a._data.mean(axis=ctx.dims if a.ndim else None, keepdims=keepdim, dtype=a._data.dtype))

    @staticmethod
    def backward(ctx, g):
        count = int(np.prod([ctx.shape[d] for d in ctx.dims])) if ctx.shape else 1
        return _unsqueeze_to(g, ctx.dims, ctx.keepdim, len(ctx.shape)).expand(ctx.shape) / count, None, None


class _ExtremumAll(Function):
    """max/min over everything (and amax/amin): ties share the gradient evenly"""
    reducer = None

    @classmethod
    def forward(cls, ctx, a, dim=None, keepdim=False):
        if a._data.size == 0:
            raise RuntimeError(f"{cls.op_name}(): Expected reduction dim to be specified for input.numel() == 0. "
                               "Specify the reduction dim with the 'dim' argument.")
        ctx.dims, ctx.keepdim, ctx.ndim = _dims(dim, a.ndim), keepdim, a.ndim
        out = a._make_like(np.asarray(cls.reducer(a._data, axis=ctx.dims if a.ndim else None, keepdims=keepdim)))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        hit = a == _unsqueeze_to(out, ctx.dims, ctx.keepdim, ctx.ndim)
        count = hit.sum(dim=ctx.dims, keepdim=True) if a.ndim else 1
        return _unsqueeze_to(g, ctx.dims, ctx.keepdim, ctx.ndim) * hit / count, None, None


class Max(_ExtremumAll):
    node_name, op_name, reducer = "MaxBackward1", "max", np.max


class Min(_ExtremumAll):
    node_name, op_name, reducer = "MinBackward1", "min", np.min


class Amax(_ExtremumAll):
    node_name, op_name, reducer = "AmaxBackward0", "amax", np.max


class Amin(_ExtremumAll):
    node_name, op_name, reducer = "AminBackward0", "amin", np.min


class _ExtremumDim(Function):
    """max/min along one dim, returning (values, indices): only the chosen index gets the gradient"""
    arg = None

    @classmethod
    def forward(cls, ctx, a, dim, keepdim):
        d = dim % max(a.ndim, 1)
        idx = np.expand_dims(cls.arg(a._data, axis=d), d) if a.ndim else np.asarray(0)
        values = np.take_along_axis(a._data, idx, axis=d) if a.ndim else a._data.copy()
        ctx.dim, ctx.shape, ctx.keepdim, ctx.index = d, a.shape, keepdim, idx
        if not keepdim and a.ndim:
            values, idx = values.squeeze(d), idx.squeeze(d)
        indices = a._make_like(idx.astype(np.int64))
        ctx.mark_non_differentiable(indices)
        return a._make_like(values), indices

    @staticmethod
    def backward(ctx, g, _):
        if not ctx.shape:
            return g, None, None
        onehot = np.arange(ctx.shape[ctx.dim]).reshape([-1 if i == ctx.dim else 1 for i in range(len(ctx.shape))])
        mask = g._make_like(onehot == ctx.index)
        return _unsqueeze_to(g, (ctx.dim,), ctx.keepdim, len(ctx.shape)) * mask, None, None


class MaxDim(_ExtremumDim):
    node_name, arg = "MaxBackward0", np.argmax


class MinDim(_ExtremumDim):
    node_name, arg = "MinBackward0", np.argmin


class Norm(Function):
    """p-norm:  da = g * a |a|^(p-2) / norm^(p-1)  (2-norm: g * a / norm, 0 at the zero vector)"""
    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, a, p, dim, keepdim):
        x = np.abs(a._data)
        axis = _dims(dim, a.ndim) if a.ndim else None
        if p == float("inf"):
            out = x.max(axis=axis, keepdims=keepdim)
        elif p == 1:
            out = x.sum(axis=axis, keepdims=keepdim)
        else:
            out = (x ** p).sum(axis=axis, keepdims=keepdim) ** (1.0 / p)
        out = a._make_like(np.asarray(out, dtype=a._data.dtype))
        ctx.save_for_backward(a, out)
        ctx.p, ctx.dims, ctx.keepdim = p, _dims(dim, a.ndim), keepdim
        return out

    @staticmethod
    def backward(ctx, g):
        from .. import where
        a, out = ctx.saved_tensors
        p = ctx.p
        g = _unsqueeze_to(g, ctx.dims, ctx.keepdim, a.ndim)
        norm = _unsqueeze_to(out, ctx.dims, ctx.keepdim, a.ndim)
        if p == 1:
            return g * a.sign(), None, None, None
        if p == float("inf"):
            hit = a.abs() == norm
            return g * a.sign() * hit / hit.sum(dim=ctx.dims, keepdim=True), None, None, None
        scale = a * a.abs() ** (p - 2) / norm ** (p - 1)
        return g * where(norm == 0, 0.0, scale), None, None, None


class Var(Function):
    """variance with `correction`:  da = g * 2 (a - mean) / (n - correction)"""
    node_name = "VarBackward0"

    @staticmethod
    def forward(ctx, a, dim, correction, keepdim):
        ctx.save_for_backward(a)
        ctx.dims, ctx.correction, ctx.keepdim = _dims(dim, a.ndim), correction, keepdim
        return np.asarray(a._data.var(axis=ctx.dims if a.ndim else None, ddof=correction, keepdims=keepdim))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        n = int(np.prod([a.shape[d] for d in ctx.dims])) if a.ndim else 1
        centered = a - a.mean(dim=ctx.dims, keepdim=True)
        return _unsqueeze_to(g, ctx.dims, ctx.keepdim, a.ndim) * 2 * centered / (n - ctx.correction), None, None, None


class Std(Function):
    """standard deviation:  da = g * (a - mean) / ((n - correction) * std)"""
    node_name = "StdBackward0"

    @staticmethod
    def forward(ctx, a, dim, correction, keepdim):
        out = a._make_like(np.asarray(a._data.std(axis=_dims(dim, a.ndim) if a.ndim else None, ddof=correction,
                                                  keepdims=keepdim)))
        ctx.save_for_backward(a, out)
        ctx.dims, ctx.correction, ctx.keepdim = _dims(dim, a.ndim), correction, keepdim
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        n = int(np.prod([a.shape[d] for d in ctx.dims])) if a.ndim else 1
        centered = a - a.mean(dim=ctx.dims, keepdim=True)
        std = _unsqueeze_to(out, ctx.dims, ctx.keepdim, a.ndim)
        grad = _unsqueeze_to(g, ctx.dims, ctx.keepdim, a.ndim) * centered / ((n - ctx.correction) * std)
        return grad, None, None, None


def _stable_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)  # exp never overflows
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


class Softmax(Function):
    """s = exp(a) / sum exp(a):  da = s * (g - sum(g * s))"""
    node_name = "SoftmaxBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        out = a._make_like(_stable_softmax(a._data, dim) if a.ndim else np.ones_like(a._data))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        s, = ctx.saved_tensors
        return s * (g - (g * s).sum(dim=ctx.dim, keepdim=True)), None


class LogSoftmax(Function):
    """a - logsumexp(a):  da = g - softmax(a) * sum(g)"""
    node_name = "LogSoftmaxBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        x = a._data
        if a.ndim:
            shifted = x - x.max(axis=dim, keepdims=True)
            out = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        else:
            out = np.zeros_like(x)
        out = a._make_like(out)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g - out.exp() * g.sum(dim=ctx.dim, keepdim=True), None


class Logsumexp(Function):
    """log sum exp(a) over dim:  da = g * softmax(a)"""
    node_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        dims = _dims(dim, a.ndim)
        axis = dims if a.ndim else None
        x = a._data
        peak = np.max(x, axis=axis, keepdims=True) if x.size else np.zeros([1] * x.ndim, x.dtype)
        peak = np.where(np.isfinite(peak), peak, 0)
        out = np.log(np.exp(x - peak).sum(axis=axis, keepdims=True)) + peak
        if not keepdim and a.ndim:
            out = out.squeeze(dims)
        out = a._make_like(np.asarray(out, dtype=x.dtype))
        ctx.save_for_backward(a, out)
        ctx.dims, ctx.keepdim = dims, keepdim
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        out = _unsqueeze_to(out, ctx.dims, ctx.keepdim, a.ndim)
        return _unsqueeze_to(g, ctx.dims, ctx.keepdim, a.ndim) * (a - out).exp(), None, None
