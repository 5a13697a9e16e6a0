"""Shape ops: view/reshape, transpose, permute, squeeze, unsqueeze, expand, cat, stack, indexing.

Ops marked `is_view` return a numpy view of their input: the result shares memory (and the version
counter) with it, as PyTorch's views do. Their backward moves the gradient back into the input's layout.
"""
import numpy as np

from .. import _messages as msg
from ..autograd.function import Function, auto_linear, wrap
from .misc import Clone


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

    @staticmethod
    def jvp(ctx, t, _):
        return t.reshape(ctx.output.shape)  # (a tangent need not be contiguous: reshape, not view)


class ReshapeAlias(View):
    """reshape of a non-contiguous tensor whose memory still allows a view:  da = g reshaped back"""
    node_name = "ReshapeAliasBackward0"


class UnsafeView(Function):
    """reshape of a fresh tensor that nobody else sees (a clone, a product), so not tracked as a view:
    da = g reshaped back"""
    node_name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return _reshape(a._data, shape, must_view=False)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape), None

    @staticmethod
    def jvp(ctx, t, _):
        return t.reshape(ctx.output.shape)  # (a tangent need not be contiguous: reshape, not view)


def reshape(a, shape):
    """a.reshape(shape) as PyTorch does it: a view when the memory allows one (ViewBackward0 for a contiguous
    tensor, ReshapeAliasBackward0 otherwise), else a contiguous clone given the new shape (UnsafeViewBackward0)."""
    if a._data.flags.c_contiguous:
        return View.apply(a, shape)
    if _can_view(a._data, shape):
        return ReshapeAlias.apply(a, shape)
    return UnsafeView.apply(Clone.apply(a), shape)


def _can_view(array, shape):
    _check_shape(array.size, shape)
    try:
        np.reshape(array, shape, copy=False)
    except ValueError:  # the memory layout does not allow it
        return False
    return True


def _reshape(array, shape, must_view):
    shape = tuple(shape)
    if -1 not in shape and array.flags.c_contiguous:  # the common case: nothing to infer, no copy can be needed
        try:
            return array.reshape(shape)
        except ValueError:
            pass  # a wrong size: the checks below give PyTorch's message
    _check_shape(array.size, shape)
    try:
        return np.reshape(array, shape, copy=False)
    except ValueError:
        if must_view:
            raise RuntimeError(msg.VIEW_NOT_POSSIBLE) from None
        return np.reshape(array, shape)


def _check_shape(size, shape):
    """PyTorch's errors for a shape that does not fit `size` elements (-1: inferred)."""
    known = int(np.prod([s for s in shape if s != -1])) if shape else 1
    if size == 0 and known == 0 and shape.count(-1) == 1:
        raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} because the unspecified "
                           "dimension size -1 can be any value and is ambiguous")
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if (-1 in shape and (known == 0 or size % known)) or (-1 not in shape and known != size):
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size}")


class Transpose(Function):
    """swap two dims:  da = g with the same two dims swapped back"""
    node_name = "TransposeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dim0, dim1):
        ctx.dims = dim0, dim1
        return np.swapaxes(a._data, dim0, dim1) if a.ndim else a._data[...]  # a 0-d tensor: dims 0 and -1 only

    @staticmethod
    def backward(ctx, g):
        return g.transpose(*ctx.dims), None, None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


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

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class Permute(Function):
    """reorder dims:  da = g permuted by the inverse order"""
    node_name = "PermuteBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dims):
        dims = tuple(d % max(a.ndim, 1) for d in dims)
        if sorted(dims) != list(range(a.ndim)):
            raise RuntimeError(msg.permute_wrong_length(a.ndim, len(dims)))
        ctx.inverse = tuple(np.argsort(dims))
        return np.transpose(a._data, dims)

    @staticmethod
    def backward(ctx, g):
        return Permute.apply(g, ctx.inverse), None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class Squeeze(Function):
    """drop dims of size 1 (all, or the given ones):  da = g with those dims put back (unsqueeze)"""
    node_name = "SqueezeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dim=None):
        ctx.shape = a.shape
        if dim is None:
            ctx.squeezed = [d for d, size in enumerate(a.shape) if size == 1]
            return np.squeeze(a._data)
        dims = tuple(d % max(a.ndim, 1) for d in ((dim,) if isinstance(dim, int) else dim))
        ctx.squeezed = sorted({d for d in dims if a.ndim and a.shape[d] == 1})
        return np.squeeze(a._data, axis=tuple(ctx.squeezed))

    @staticmethod
    def backward(ctx, g):
        for d in ctx.squeezed:  # as PyTorch's unsqueeze_to: g itself when no dim was squeezed
            g = g.unsqueeze(d)
        return g, None

    @staticmethod
    def jvp(ctx, t, *_):
        return t.reshape(ctx.output.shape)  # (a tangent need not be contiguous: reshape, not view)


class SqueezeDim(Squeeze):
    node_name = "SqueezeBackward1"


class SqueezeDims(Squeeze):
    """squeeze with a tuple of dims"""
    node_name = "SqueezeBackward2"


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

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class Expand(Function):
    """broadcast to a bigger shape without copying:  da = g (the engine sums it back to a's shape)"""
    node_name = "ExpandBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        shape = tuple(a.shape[i - len(shape) + a.ndim] if s == -1 else s for i, s in enumerate(shape))
        try:
            stretched = np.broadcast_to(a._data, shape)
        except ValueError:
            raise RuntimeError(f"The expanded size of the tensor ({shape[-1]}) must match the existing size "
                               f"({a.shape[-1] if a.ndim else 1}) at non-singleton dimension {len(shape) - 1}.  "
                               f"Target sizes: {list(shape)}.  Tensor sizes: {list(a.shape)}") from None
        # numpy's broadcast view is read-only; PyTorch's expand is an ordinary view (writes through x[0] work;
        # in-place ops on the whole, where elements share memory, are refused in Tensor._check_inplace)
        return np.lib.stride_tricks.as_strided(a._data, stretched.shape, stretched.strides,
                                               writeable=a._data.flags.writeable)

    @staticmethod
    def backward(ctx, g):
        return g, None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


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
        shape, repeats = ctx.shape, ctx.repeats
        if 0 in repeats:  # nothing was copied
            return wrap(np.zeros(shape, g._data.dtype)), None
        for _ in range(len(repeats) - len(shape)):  # the new leading dims, summed one by one as PyTorch does
            g = g.sum(0)
        sizes, copies = [], []  # each repeated dim split in two, (copies, size), then summed over the copies
        for r, n in zip(repeats[len(repeats) - len(shape):], shape):
            if r != 1:
                copies.append(len(sizes))
                sizes.append(r)
            sizes.append(n)
        if copies:
            g = g.reshape(sizes).sum(dim=tuple(copies))
        return g, None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


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

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


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

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


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

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class SplitWithSizes(Split):
    node_name = "SplitWithSizesBackward0"


class Unbind(Function):
    """every slice along a dim, each a view:  da = the slices' gradients stacked back (zeros for unused ones)"""
    node_name = "UnbindBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        moved = np.moveaxis(a._data, dim, 0)
        return tuple(moved[i, ...] for i in range(len(moved)))  # [i, ...]: a view even of one element

    @staticmethod
    def backward(ctx, *grads):
        return Stack.apply(ctx.dim, *grads), None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class MaskedFill(Function):
    """a with `value` where the mask holds:  da = g with 0 where the mask holds"""
    node_name = "MaskedFillBackward0"
    constant_inputs = (1,)  # the mask: saved, but no edge (as PyTorch)

    @staticmethod
    def forward(ctx, a, mask, value):
        # mask: the learner's bool tensor, saved as PyTorch saves it (changing it in place makes backward fail), or
        # an array from a backward formula
        mask = wrap(mask) if isinstance(mask, np.ndarray) else mask
        ctx.save_for_backward(mask)  # freed after backward, as PyTorch's
        out = np.where(mask._data, np.asarray(value, dtype=a._data.dtype), a._data)
        return out if out.flags.c_contiguous else np.ascontiguousarray(out)  # PyTorch's result is contiguous

    @staticmethod
    def backward(ctx, g):
        mask, = ctx.saved_tensors
        return MaskedFill.apply(g, mask._data, 0), None, None

    @staticmethod
    def jvp(ctx, t, *_):
        return MaskedFill.apply(t, ctx.inputs[1], 0)  # the filled places are constant


class MaskedFillTensor(Function):
    """a with the value of a 0-d tensor v where the mask holds (PyTorch's masked_fill with a tensor value):
    da = g with 0 where the mask holds,  dv = sum of g where it holds"""
    node_name = "MaskedFillBackward1"

    @staticmethod
    def forward(ctx, a, mask, v):
        ctx.save_for_backward(wrap(mask))  # freed after backward, as PyTorch's saved mask
        return np.where(mask, v._data.astype(a._data.dtype), a._data)

    @staticmethod
    def backward(ctx, g):
        mask, = ctx.saved_tensors
        da = MaskedFill.apply(g, mask._data, 0) if ctx.needs_input_grad[0] else None
        return da, None, (g[mask._data].sum() if ctx.needs_input_grad[2] else None)

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class Scatter(Function):
    """a with src written at `index` along `dim` (PyTorch's scatter; the backward of max(dim) scatters):
    da = g with 0 at the written places,  dsrc = g gathered at index"""
    node_name = "ScatterBackward0"

    @staticmethod
    def forward(ctx, a, dim, index, src):
        ctx.dim, ctx.index = dim, index
        out = a._data.copy()
        np.put_along_axis(out, index, src._data, axis=dim)
        return out

    @staticmethod
    def backward(ctx, g):
        da = None
        if ctx.needs_input_grad[0]:
            da = Scatter.apply(g, ctx.dim, ctx.index, wrap(np.zeros(ctx.index.shape, g._data.dtype)))
        dsrc = Gather.apply(g, ctx.dim, ctx.index) if ctx.needs_input_grad[3] else None
        return da, None, None, dsrc

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class Gather(Function):
    """a's values at `index` along `dim` (PyTorch's gather):  da = zeros with g added at index"""
    node_name = "GatherBackward0"

    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.dim, ctx.index, ctx.shape = dim, index, a._data.shape
        return np.take_along_axis(a._data, index, axis=dim)

    @staticmethod
    def backward(ctx, g):
        zeros = wrap(np.zeros(ctx.shape, g._data.dtype))
        return Scatter.apply(zeros, ctx.dim, ctx.index, g), None, None  # (gather's indices never repeat here)

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class Index(Function):
    """a[key] with integer arrays or boolean masks in the key (a copy):
    da = g added into zeros of a's shape at key, repeated indices adding up"""
    node_name = "IndexBackward0"

    @staticmethod
    def forward(ctx, a, key, index_tensors=()):
        ctx.shape, ctx.key = a._data.shape, key
        if ctx.needs_input_grad[0]:  # PyTorch saves the index tensors: a second backward fails, and so does one
            # after an index tensor was changed in place (lists in the key became arrays nobody else holds)
            ctx.save_for_backward(*(index_tensors or [wrap(p) for p in _parts(key) if isinstance(p, np.ndarray)]))
        # numpy may lay the new array out transposed (x[:, [2, 0, 1]]); PyTorch's is always contiguous, and a
        # later .view() relies on that
        out = np.asarray(a._data[key])
        return out if out.flags.c_contiguous else np.ascontiguousarray(out)

    @staticmethod
    def backward(ctx, g):
        _ = ctx.saved_tensors  # fails once backward has freed them, or an index tensor was changed
        return IndexPutImpl.apply(g, ctx.key, ctx.shape), None, None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class Select(Function):
    """a[key] for a key of ints, slices, None and ... (a view), named after the last op PyTorch applies for the
    key (see index_op):  da = zeros of a's shape with g written at key"""
    node_name = "SelectBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, key):
        ctx.shape, ctx.key = a._data.shape, key
        return a._data[key]

    @staticmethod
    def backward(ctx, g):
        applied = applied_ops(ctx.key, ctx.shape)
        if not applied:  # x[...]: the same elements
            return g, None
        return _INDEX_BACKWARD[applied[0]].apply(g, ctx.key, ctx.shape), None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class Slice(Select):
    node_name = "SliceBackward0"

    @staticmethod
    def backward(ctx, g):
        applied = applied_ops(ctx.key, ctx.shape)  # none for a lone slice that keeps its dim (x[:]), which PyTorch
        return _INDEX_BACKWARD[applied[0] if applied else Slice].apply(g, ctx.key, ctx.shape), None  # slices too


class UnsqueezeIndex(Select):
    node_name = "UnsqueezeBackward0"


class Alias(Select):
    """an index that keeps every element (x[...], x[:, :]): the same values, a new view"""
    node_name = "AliasBackward0"


class SelectBackward(Function):
    """zeros(shape) with g written at a basic key (the backward of Select, Slice, ...; no place is written twice):
    dg = grad[key]. Its node is named, as PyTorch's, after the first op PyTorch applies for the key."""
    node_name = "SelectBackwardBackward0"

    @staticmethod
    def forward(ctx, g, key, shape):
        ctx.key = key
        out = np.zeros(shape, dtype=g._data.dtype)
        out[key] = g._data
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.key], None, None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class SliceBackward(SelectBackward):
    node_name = "SliceBackwardBackward0"


class UnsqueezeBackward(SelectBackward):
    node_name = "SqueezeBackward1"  # x[None]'s backward is a squeeze


_INDEX_BACKWARD = {Select: SelectBackward, Slice: SliceBackward, UnsqueezeIndex: UnsqueezeBackward}


class AsStrided(Function):
    """a view's values read out of its base at the given places (positions in the flattened base): the node a
    view gets once its base (or another view of it) has changed in place (see minigrad/autograd/views.py):
    dbase = zeros with g copied to the places (added where two view elements share one, as in an expanded view)"""
    node_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, base, places):
        ctx.places, ctx.shape = places, base._data.shape
        return base._data.reshape(-1)[places]

    @staticmethod
    def backward(ctx, g):
        size = int(np.prod(ctx.shape))
        # PyTorch copies g into the zeros when the places do not overlap (so a -0. of g stays -0.), adds otherwise;
        # the result is again read out as_strided (its node under create_graph is AsStridedBackward0)
        overlap = np.unique(ctx.places).size < ctx.places.size
        storage = (IndexPutImpl if overlap else SelectBackward).apply(g, ctx.places, (size,))
        return AsStrided.apply(storage, np.arange(size).reshape(ctx.shape)), None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class IndexPutImpl(Function):
    """zeros(shape) with g added at [key], the backward of indexing (PyTorch's _index_put_impl_ with accumulate):
    dg = grad[key]"""
    node_name = "IndexPutImplBackward0"

    @staticmethod
    def forward(ctx, g, key, shape):
        ctx.key = key
        out = np.zeros(shape, dtype=g._data.dtype)
        np.add.at(out, key, g._data)
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.key], None, None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class IndexPut(Function):
    """a with a[key] = v, out of place (`a[mask] = v` writes its result into a); with accumulate, a[key] += v (a
    place named twice gets both):  da = g with 0 at key (g with accumulate),  dv = g[key]"""
    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, a, v, key, accumulate=False):
        ctx.key, ctx.accumulate = key, accumulate
        out = a._data.copy()
        value = v._data
        try:
            # the value must broadcast to the indexed part (numpy would also drop extra leading 1s; PyTorch's
            # indexing drops them before, with a view: see Tensor.__setitem__)
            if value.ndim and value.shape[0] == 1 and value.ndim > out[key].ndim:
                raise ValueError
            if accumulate:
                np.add.at(out, key, value)
            else:
                out[key] = value
        except (ValueError, TypeError):
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(value.shape)} cannot be broadcast to "
                               f"indexing result of shape {list(out[key].shape)}") from None
        return out

    @staticmethod
    def backward(ctx, g):
        zero = wrap(np.zeros((), dtype=g._data.dtype))
        da = (g if ctx.accumulate else IndexPut.apply(g, zero, ctx.key)) if ctx.needs_input_grad[0] else None
        return da, (g[ctx.key] if ctx.needs_input_grad[1] else None), None, None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


def is_advanced(key):
    """Integer arrays or masks in the index: numpy copies instead of giving a view."""
    if type(key) is tuple:
        return any(isinstance(p, (np.ndarray, list)) for p in key)
    return isinstance(key, (np.ndarray, list))


def _parts(key):
    return key if isinstance(key, tuple) else (key,)


def index_op(key, shape):
    """The op (and node) PyTorch shows for a[key]: IndexBackward0 for integer arrays or masks (a copy);
    otherwise the last op PyTorch applies for the key (a view), or AliasBackward0 when it applies none."""
    if is_advanced(key):
        return Index
    if isinstance(key, slice):  # a lone slice always slices, even x[:]
        return Slice
    applied = applied_ops(key, shape)
    return applied[-1] if applied else Alias


def _whole(part, size):
    """A slice PyTorch skips: it keeps the whole dim, written as :, 0:, ::1 or with a stop past the end (a
    negative start such as -2: on a dim of 2 still slices)."""
    return part.start in (None, 0) and part.step in (None, 1) and (part.stop is None or part.stop >= size)


def applied_ops(key, shape):
    """The ops PyTorch applies for a basic key, left to right: an int selects, None unsqueezes, a slice slices
    unless it keeps the whole dim."""
    parts, applied, dim = _parts(key), [], 0
    for part in parts:
        if part is Ellipsis:
            dim += len(shape) - sum(p is not None and p is not Ellipsis for p in parts)
        elif part is None:
            applied.append(UnsqueezeIndex)
        elif isinstance(part, slice):
            if not _whole(part, shape[dim] if dim < len(shape) else 0):
                applied.append(Slice)
            dim += 1
        else:
            applied.append(Select)
            dim += 1
    return applied


class DiagEmbed(Function):
    """diag(v, k) of a vector: a square matrix with v on its k-th diagonal, zeros elsewhere (PyTorch's
    diag_embed):  dv = the k-th diagonal of g"""
    node_name = "DiagEmbedBackward0"

    @staticmethod
    def forward(ctx, v, offset):
        ctx.offset = offset
        return np.diag(v._data, offset)

    @staticmethod
    def backward(ctx, g):
        return Diagonal.apply(g, ctx.offset), None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class Diagonal(Function):
    """the k-th diagonal of a matrix:  da = zeros with g on that diagonal"""
    node_name = "DiagonalBackward0"

    @staticmethod
    def forward(ctx, a, offset):
        ctx.shape, ctx.offset = a._data.shape, offset
        return np.diagonal(a._data, offset).copy()

    @staticmethod
    def backward(ctx, g):
        return DiagonalBackward.apply(g, ctx.shape, ctx.offset), None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class DiagonalCopy(Diagonal):
    """diag(m, k) of a matrix: its k-th diagonal as a new tensor (PyTorch runs diagonal_copy, hence the name)"""
    node_name = "DiagonalBackward0_copy"


class DiagonalBackward(Function):
    """zeros(shape) with g on the k-th diagonal (the backward of Diagonal, an op of its own):  dg = that diagonal"""
    node_name = "DiagonalBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, offset):
        ctx.offset = offset
        out = np.zeros(shape, dtype=g._data.dtype)
        rows = np.arange(g._data.shape[0])
        out[rows + max(-offset, 0), rows + max(offset, 0)] = g._data
        return out

    @staticmethod
    def backward(ctx, gg):
        return Diagonal.apply(gg, ctx.offset), None, None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent
