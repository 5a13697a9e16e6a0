"""Shape ops: view/reshape, transpose, permute, squeeze, unsqueeze, expand, cat, stack, indexing.

Ops marked `is_view` return a numpy view of their input: the result shares memory (and the version
counter) with it, as PyTorch's views do. Their backward moves the gradient back into the input's layout.
"""
import numpy as np

from ..autograd.function import Function


class View(Function):
    """reshape without copying:  da = g reshaped back"""
    node_name = "ViewBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return _reshape(a._data, shape, must_view=True)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape), None


class Reshape(View):
    """like view, but copies when the memory layout does not allow a view"""
    node_name = "ViewBackward0"  # declared again: a subclass without node_name would be named like a custom Function

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return _reshape(a._data, shape, must_view=False)


def _reshape(array, shape, must_view):
    shape = tuple(shape)
    if -1 not in shape and array.flags.c_contiguous:  # the common case: nothing to infer, no copy can be needed
        try:
            return array.reshape(shape)
        except ValueError:
            pass  # a wrong size: the checks below give PyTorch's message
    known = int(np.prod([s for s in shape if s != -1])) if shape else 1
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if (-1 in shape and (known == 0 or array.size % known)) or (-1 not in shape and known != array.size):
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {array.size}")
    try:
        return np.reshape(array, shape, copy=False)
    except ValueError:
        if must_view:
            raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                               "dimension spans across two contiguous subspaces). Use .reshape(...) instead.") from None
        return np.reshape(array, shape)


class Transpose(Function):
    """swap two dims:  da = g with the same two dims swapped back"""
    node_name = "TransposeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dim0, dim1):
        ctx.dims = dim0, dim1
        return np.swapaxes(a._data, dim0, dim1)

    @staticmethod
    def backward(ctx, g):
        return g.transpose(*ctx.dims), None, None


class T(Function):
    """matrix transpose of a 2-D (or smaller) tensor:  da = g.t()"""
    node_name = "TBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a):
        if a.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {a.ndim}D")
        return a._data.T

    @staticmethod
    def backward(ctx, g):
        return g.t()


class Permute(Function):
    """reorder dims:  da = g permuted by the inverse order"""
    node_name = "PermuteBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dims):
        dims = tuple(d % max(a.ndim, 1) for d in dims)
        if sorted(dims) != list(range(a.ndim)):
            raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                               f"length of the desired ordering of dimensions i.e. input.dim() = {a.ndim} is not "
                               f"equal to len(dims) = {len(dims)}")
        ctx.inverse = tuple(np.argsort(dims))
        return np.transpose(a._data, dims)

    @staticmethod
    def backward(ctx, g):
        return g.permute(*ctx.inverse), None


class Squeeze(Function):
    """drop dims of size 1 (all, or the given ones):  da = g reshaped back"""
    node_name = "SqueezeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dim=None):
        ctx.shape = a.shape
        if dim is None:
            return np.squeeze(a._data)
        dims = tuple(d % max(a.ndim, 1) for d in ((dim,) if isinstance(dim, int) else dim))
        return np.squeeze(a._data, axis=tuple(d for d in dims if a.ndim and a.shape[d] == 1))

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape), None


class SqueezeDim(Squeeze):
    node_name = "SqueezeBackward1"


class Unsqueeze(Function):
    """insert a dim of size 1:  da = g with that dim removed"""
    node_name = "UnsqueezeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim % (a.ndim + 1)
        return np.expand_dims(a._data, ctx.dim)

    @staticmethod
    def backward(ctx, g):
        return g.squeeze(ctx.dim), None


class Expand(Function):
    """broadcast to a bigger shape without copying:  da = g (the engine sums it back to a's shape)"""
    node_name = "ExpandBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        shape = tuple(a.shape[i - len(shape) + a.ndim] if s == -1 else s for i, s in enumerate(shape))
        try:
            return np.broadcast_to(a._data, shape)
        except ValueError:
            raise RuntimeError(f"The expanded size of the tensor ({shape[-1]}) must match the existing size "
                               f"({a.shape[-1] if a.ndim else 1}) at non-singleton dimension {len(shape) - 1}.  "
                               f"Target sizes: {list(shape)}.  Tensor sizes: {list(a.shape)}") from None

    @staticmethod
    def backward(ctx, g):
        return g, None


class Repeat(Function):
    """tile a along each dim (new leading dims too):  da = g summed over the copies"""
    node_name = "RepeatBackward0"

    @staticmethod
    def forward(ctx, a, repeats):
        if len(repeats) < a.ndim:
            raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions "
                               "of tensor")
        ctx.shape, ctx.repeats = a._data.shape, repeats
        return np.tile(a._data, repeats)

    @staticmethod
    def backward(ctx, g):
        sizes = (1,) * (len(ctx.repeats) - len(ctx.shape)) + ctx.shape
        pairs = [n for r, s in zip(ctx.repeats, sizes) for n in (r, s)]  # (copies, size) per dim
        summed = g.reshape(pairs).sum(dim=tuple(range(0, len(pairs), 2)))
        return summed.reshape(ctx.shape), None


class Cat(Function):
    """join along a dim:  each input gets its slice of g"""
    node_name = "CatBackward0"

    @staticmethod
    def forward(ctx, dim, *tensors):
        ctx.dim = dim
        ctx.sizes = [t.shape[dim] if t.ndim else 1 for t in tensors]
        return np.concatenate([t._data for t in tensors], axis=dim)

    @staticmethod
    def backward(ctx, g):
        pieces, start = [], 0
        for size in ctx.sizes:
            pieces.append(g.narrow(ctx.dim, start, size))
            start += size
        return (None, *pieces)


class Stack(Function):
    """join along a new dim:  each input gets g selected at its index"""
    node_name = "StackBackward0"

    @staticmethod
    def forward(ctx, dim, *tensors):
        ctx.dim = dim
        return np.stack([t._data for t in tensors], axis=dim)

    @staticmethod
    def backward(ctx, g):
        return (None, *(g.select(ctx.dim, i) for i in range(g.shape[ctx.dim])))


class Split(Function):
    """consecutive pieces of the given sizes along a dim, each a view:  da = the pieces' gradients joined back
    (one node for all the pieces; a piece nobody used contributes zeros)"""
    node_name = "SplitBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, sizes, dim):
        if sum(sizes) != a._data.shape[dim]:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {a._data.shape[dim]} (input "
                               f"tensor's size at dimension {dim}), but got split_sizes={list(sizes)}")
        ctx.dim = dim
        return tuple(np.split(a._data, np.cumsum(sizes)[:-1], axis=dim))

    @staticmethod
    def backward(ctx, *grads):
        return Cat.apply(ctx.dim, *grads), None, None


class SplitWithSizes(Split):
    node_name = "SplitWithSizesBackward0"


class Unbind(Function):
    """every slice along a dim, each a view:  da = the slices' gradients stacked back (zeros for unused ones)"""
    node_name = "UnbindBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        return tuple(np.moveaxis(a._data, dim, 0))

    @staticmethod
    def backward(ctx, *grads):
        return Stack.apply(ctx.dim, *grads), None


class MaskedFill(Function):
    """a with `value` where the mask holds:  da = g where it does not"""
    node_name = "MaskedFillBackward0"

    @staticmethod
    def forward(ctx, a, mask, value):
        ctx.keep = ~mask
        return np.where(mask, np.asarray(value, dtype=a._data.dtype), a._data)

    @staticmethod
    def backward(ctx, g):
        return g * g._make_like(ctx.keep), None, None


class Index(Function):
    """a[key] for any key (ints, slices, None, Ellipsis, integer arrays, boolean masks):
    da = g scattered back into zeros of a's shape, repeated indices adding up"""
    node_name = "IndexBackward0"

    @staticmethod
    def forward(ctx, a, key):
        ctx.shape, ctx.dtype, ctx.key = a._data.shape, a._data.dtype, key
        out = a._data[key]
        if _is_advanced(key):  # a new array, which numpy may lay out transposed (x[:, [2, 0, 1]]); PyTorch's
            out = np.ascontiguousarray(out)  # is always contiguous, and a later .view() relies on that
        return out

    @staticmethod
    def backward(ctx, g):
        return IndexAddInto.apply(g, ctx.key, ctx.shape), None


class Select(Index):
    node_name = "SelectBackward0"
    is_view = True


class Slice(Index):
    node_name = "SliceBackward0"
    is_view = True


class UnsqueezeIndex(Index):
    node_name = "UnsqueezeBackward0"
    is_view = True


class IndexAddInto(Function):
    """zeros(shape) with g added at [key] (the backward of indexing):  dg = grad[key]"""
    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, g, key, shape):
        ctx.key = key
        out = np.zeros(shape, dtype=g._data.dtype)
        np.add.at(out, key, g._data)
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.key], None, None


class IndexPut(Function):
    """a with a[key] = v, out of place (the in-place `a[key] = v` builds on it):
    da = g with zeros at key,  dv = g[key]"""
    node_name = "torch::autograd::CopySlices"

    @staticmethod
    def forward(ctx, a, v, key):
        ctx.key = key
        out = a._data.copy()
        out[key] = v._data
        return out

    @staticmethod
    def backward(ctx, g):
        keep = np.ones(g.shape, dtype=bool)
        keep[ctx.key] = False
        return g * g._make_like(keep), g[ctx.key], None


def _is_advanced(key):
    """Integer arrays or masks in the index: numpy copies instead of giving a view."""
    return any(isinstance(p, (np.ndarray, list)) for p in (key if isinstance(key, tuple) else (key,)))


def index_op(key):
    """The node PyTorch would show for a[key]: Select for ints, Slice for slices, Index for arrays."""
    parts = key if isinstance(key, tuple) else (key,)
    if _is_advanced(key):
        return Index
    if any(isinstance(p, (int, np.integer)) for p in parts):
        return Select
    if any(p is None for p in parts):
        return UnsqueezeIndex
    return Slice
