"""Matrix products. matmul picks the product as PyTorch does, so its nodes are PyTorch's: dot (1-D·1-D),
mv (2-D·1-D), mm (2-D·2-D), a 1-D·2-D product (an unsqueezed mm, hence SqueezeBackward4), a stack of matrices
times a vector or matrix folded into one mv/mm, else bmm over the broadcast batch dims.
"""
import numpy as np

from .. import _messages as msg
from ..autograd.function import Function, auto_linear
from .shape import UnsafeView


def bilinear_jvp(ctx, ta, tb):
    """The jvp of a product, linear in each factor: d(a b) = da b + a db."""
    a, b = ctx.inputs
    return ctx.op.apply(ta, b) + ctx.op.apply(a, tb)


class Dot(Function):
    """a·b for vectors:  da = g b,  db = g a"""
    node_name = "DotBackward0"

    @staticmethod
    def forward(ctx, a, b):
        check_operands("dot", a, b)
        if a.shape != b.shape:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to "
                               f"have the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements "
                               "respectively")
        ctx.save_for_backward(a, b)
        return np.asarray(a._data @ b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g * b, g * a

    jvp = bilinear_jvp


class Mv(Function):
    """M v:  dM = outer(g, v),  dv = M^T g"""
    node_name = "MvBackward0"

    @staticmethod
    def forward(ctx, m, v):
        check_operands("mv", m, v)
        if m.shape[1] != v.shape[0]:
            raise RuntimeError(f"size mismatch, got input ({m.shape[0]}), mat ({m.shape[0]}x{m.shape[1]}), "
                               f"vec ({v.shape[0]})")
        ctx.save_for_backward(m, v)
        return m._data @ v._data

    @staticmethod
    def backward(ctx, g):
        m, v = ctx.saved_tensors
        return g.unsqueeze(1) * v, m.t() @ g

    jvp = bilinear_jvp


class Mm(Function):
    """A B:  dA = g B^T,  dB = A^T g"""
    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        check_operands("mm", a, b)
        if a.shape[1] != b.shape[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
                               f"{b.shape[0]}x{b.shape[1]})")
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        if ctx.needs_input_grad[0] or ctx.needs_input_grad[1]:  # how backward lays out the gradients (see there)
            ctx.column_major = _column_major(a), _column_major(b)
        return a._data @ b._data

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        # PyTorch computes the gradient of a matrix laid out column by column (a transpose, or a 1x1) as the
        # transpose of a product, so that it is laid out the same way (TBackward0 under create_graph)
        a_by_columns, b_by_columns = ctx.column_major
        da = db = None
        if b is not None:
            da = (b @ g.t()).t() if a_by_columns else g @ b.t()
        if a is not None:
            db = (g.t() @ a).t() if b_by_columns else a.t() @ g
        return da, db

    jvp = bilinear_jvp


def _column_major(t):
    """PyTorch's test for a matrix stored column by column: strides (1, rows), in elements."""
    strides, size = t._data.strides, t._data.itemsize
    return strides[0] == size and strides[1] == t._data.shape[0] * size


class SqueezeRow(Function):
    """v M for a vector v is computed as PyTorch does, (v as a 1-row matrix) @ M: this turns the 1-row result
    back into a vector (PyTorch squeezes it in place, hence the name):  da = g as a row"""
    node_name = "SqueezeBackward4"

    @staticmethod
    def forward(ctx, a):
        return a._data.reshape(a._data.shape[1:])

    @staticmethod
    def backward(ctx, g):
        return g.unsqueeze(0)

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class Bmm(Function):
    """A B for 3-D tensors, one product per batch index:  dA = g B^T,  dB = A^T g (per batch index)"""
    node_name = "BmmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        check_operands("bmm", a, b)
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        return np.matmul(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return (Bmm.apply(g, b.transpose(1, 2)) if b is not None else None,
                Bmm.apply(a.transpose(1, 2), g) if a is not None else None)

    jvp = bilinear_jvp


class Addmm(Function):
    """bias + x W^T for nn.Linear (W^T arrives as an input):  dbias = g,  dx = g W,  d(W^T) = x^T g"""
    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, bias, x, wt):
        if x.shape[1] != wt.shape[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({x.shape[0]}x{x.shape[1]} and "
                               f"{wt.shape[0]}x{wt.shape[1]})")
        if ctx.needs_input_grad[1] or ctx.needs_input_grad[2]:  # (for the bias alone nothing is saved, as in
            # PyTorch: backward can then run twice)
            ctx.save_for_backward(x if ctx.needs_input_grad[2] else None, wt if ctx.needs_input_grad[1] else None)
        out = x._data @ wt._data
        out += bias._data
        return out

    @staticmethod
    def backward(ctx, g):
        x, wt = ctx.saved_tensors or (None, None)
        # x^T g computed as (g^T x)^T: once TBackward0 transposes it back, W's gradient is laid out like W
        # itself, so W.grad can take it without a copy
        return g, (g @ wt.t() if wt is not None else None), ((g.t() @ x).t() if x is not None else None)

    @staticmethod
    def jvp(ctx, t_bias, tx, twt):
        _, x, wt = ctx.inputs
        return Addmm.apply(t_bias, tx, wt) + Mm.apply(x, twt)


def matmul(a, b):
    """a @ b with PyTorch's choice of product (and node name) for the operands' dims."""
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D")
    if a.ndim == 1 and b.ndim == 1:  # each product checks its operands: errors name the product PyTorch ran
        return Dot.apply(a, b)
    if a.ndim == 2 and b.ndim == 1:
        return Mv.apply(a, b)
    if a.ndim == 1 and b.ndim == 2:
        return SqueezeRow.apply(Mm.apply(a.unsqueeze(0), b))
    if a.ndim == 2 and b.ndim == 2:
        return Mm.apply(a, b)
    if _should_fold(a, b):
        return _folded_matmul(a, b)
    return _batched_matmul(a, b)


def _should_fold(a, b):
    """PyTorch's rule: a stack of matrices times a vector or a matrix is folded into one mv or mm when that
    needs no copy of the stack (or when the smaller operand requires grad: its gradient is then one mm)."""
    a_larger = a.ndim >= b.ndim
    stack, smaller = (a._data, b) if a_larger else (np.swapaxes(b._data, -1, -2), a)
    if stack.ndim < 3 or smaller.ndim > 2:
        return False
    if smaller.requires_grad:
        return True
    if a.ndim == 2:  # a 2-D @ N-D fold would need the result transposed and copied
        return False
    # the leading dims must merge into one without a copy (a size-1 dim numpy broadcast has stride 0, PyTorch's
    # the merged stride)
    strides, shape = stack.strides, stack.shape
    return stack.size == 0 or all(strides[i] == strides[i + 1] * shape[i + 1] or (shape[i] == 1 and strides[i] == 0)
                                  for i in range(stack.ndim - 2))


def _folded_matmul(a, b):
    """The stack's leading dims folded into rows: one mm (or mv), viewed back; for a 2-D @ N-D product the
    roles swap (b.mT is the stack) and the result is transposed back."""
    swap = b.ndim > a.ndim
    stack = b.mT if swap else a
    other = (a.t() if a.ndim == 2 else a) if swap else b
    rows = stack.shape[:-1]
    folded = stack.reshape(int(np.prod(rows)), stack.shape[-1])
    if other.ndim == 1:
        return UnsafeView.apply(Mv.apply(folded, other), rows)
    out = UnsafeView.apply(Mm.apply(folded, other), rows + (other.shape[1],))
    return out.mT.contiguous() if swap else out


def _batched_matmul(a, b):
    """Both operands expanded to the broadcast batch dims, flattened to 3-D, multiplied with bmm, viewed back
    (a 1-D operand is a matrix of one row or one column, removed from the result)."""
    if a.ndim == 3 and b.ndim == 3 and a.shape[0] != b.shape[0]:  # a batch of one that requires grad: folded
        if a.shape[0] == 1 and a.requires_grad:
            return matmul(a.squeeze(0), b)
        if b.shape[0] == 1 and b.requires_grad:
            return matmul(a, b.squeeze(0))
    n, m1 = (a.shape[-2] if a.ndim > 1 else 1), a.shape[-1]
    m2, p = (b.shape[-2], b.shape[-1]) if b.ndim > 1 else (b.shape[0], 1)
    try:
        batch = tuple(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    except ValueError:
        raise RuntimeError(msg.broadcast_mismatch(a.shape[:-2], b.shape[:-2])) from None
    count = int(np.prod(batch))
    left = a.expand(batch + (n, m1)).reshape(count, n, m1)
    if b.ndim == 1:
        right = b.expand(batch + (m2,)).reshape(count, m2).unsqueeze(2)
        out = Bmm.apply(left, right).squeeze(-1)
    else:
        right = b.expand(batch + (m2, p)).reshape(count, m2, p)
        out = Bmm.apply(left, right)
    return UnsafeView.apply(out, batch + ((n,) if a.ndim > 1 else ()) + ((p,) if b.ndim > 1 else ()))


_C_TYPES = {"float64": "double", "float32": "float", "float16": "c10::Half", "int64": "long int", "int32": "int",
            "bool": "bool"}


def check_operands(kind, a, b):
    """PyTorch's rank, shape and dtype errors for the products (dot, mv, mm, bmm), in PyTorch's order: a dot checks
    dtypes first, the others ranks, then sizes, then dtypes."""
    x, y = a._data, b._data
    if kind == "mm" and x.ndim == 2 and y.ndim == 2 and x.shape[1] == y.shape[0] and x.dtype == y.dtype:
        return  # speed: the common case (every product inside a backward formula) needs no names
    x, y = a.dtype._short, b.dtype._short
    if kind == "dot":
        if a.ndim != 1 or b.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
        if x != y:
            raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {x} and {y}")
        return
    if kind == "mv":
        if a.ndim == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        if a.ndim != 2 or b.ndim != 1:
            raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {b.ndim}")
        if a.shape[1] != b.shape[0]:
            raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), vec "
                               f"({b.shape[0]})")
        if x != y:
            raise RuntimeError(f"addmv input tensors must have the same dtype, but got {y}, {x}, and {y}")
        return
    if kind == "mm":
        if a.ndim != 2 or b.ndim != 2:
            raise RuntimeError("self must be a matrix" if a.ndim != 2 else "mat2 must be a matrix")
        if a.shape[1] != b.shape[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
                               f"{b.shape[0]}x{b.shape[1]})")
        if x != y:
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_C_TYPES[a.dtype.name]} != "
                               f"{_C_TYPES[b.dtype.name]}")
        return
    for name, t in (("batch1", a), ("batch2", b)):
        if t.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    if b.shape[0] != a.shape[0] or b.shape[1] != a.shape[2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{a.shape[0]}, "
                           f"{a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    if x != y:
        raise RuntimeError(f"expected scalar type {x} but found {y}")
