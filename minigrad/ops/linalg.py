"""Matrix products. PyTorch names the node after the case: dot (1-D·1-D), mv (2-D·1-D), mm (2-D·2-D),
a 1-D·2-D product (which it computes as an unsqueezed mm, hence SqueezeBackward4) and batched
matmul. Batch dims broadcast; the engine sums the gradient back over them.
"""
import numpy as np

from ..autograd.function import Function
from .shape import UnsafeView


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
        return a._data @ b._data

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return (g @ b.t() if b is not None else None), (a.t() @ g if a is not None else None)


class VecMat(Function):
    """v M for a vector v:  dv = M g,  dM = outer(v, g)"""
    node_name = "SqueezeBackward4"

    @staticmethod
    def forward(ctx, v, m):
        if v.shape[0] != m.shape[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied (1x{v.shape[0]} and "
                               f"{m.shape[0]}x{m.shape[1]})")
        ctx.save_for_backward(v, m)
        return v._data @ m._data

    @staticmethod
    def backward(ctx, g):
        v, m = ctx.saved_tensors
        return m @ g, v.unsqueeze(1) * g


class BatchedMatmul(Function):
    """A B over broadcast batch dims:  dA = g B^T,  dB = A^T g (batch dims summed back by the engine)"""
    node_name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, a, b):
        if a.shape[-1] != b.shape[-2]:
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{b.shape[0]}, {a.shape[-1]}] but got: [{b.shape[0]}, {b.shape[-2]}].")
        ctx.save_for_backward(a, b)
        return np.matmul(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g @ b.mT, a.mT @ g


class Bmm(BatchedMatmul):
    node_name = "BmmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        check_operands("bmm", a, b)
        return BatchedMatmul.forward(ctx, a, b)


class Addmm(Function):
    """bias + x W^T for nn.Linear (W^T arrives as an input):  dbias = g,  dx = g W,  d(W^T) = x^T g"""
    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, bias, x, wt):
        if x.shape[1] != wt.shape[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({x.shape[0]}x{x.shape[1]} and "
                               f"{wt.shape[0]}x{wt.shape[1]})")
        ctx.save_for_backward(x if ctx.needs_input_grad[2] else None, wt if ctx.needs_input_grad[1] else None)
        out = x._data @ wt._data
        out += bias._data
        return out

    @staticmethod
    def backward(ctx, g):
        x, wt = ctx.saved_tensors
        # x^T g computed as (g^T x)^T: once TBackward0 transposes it back, W's gradient is laid out like W
        # itself, so W.grad can take it without a copy
        return g, (g @ wt.t() if wt is not None else None), ((g.t() @ x).t() if x is not None else None)


def matmul(a, b):
    """a @ b with PyTorch's choice of product (and node name) for the operands' dims."""
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D")
    check_operands("matmul", a, b)
    if a.ndim == 1 and b.ndim == 1:
        return Dot.apply(a, b)
    if a.ndim == 2 and b.ndim == 1:
        return Mv.apply(a, b)
    if a.ndim == 1 and b.ndim == 2:
        return VecMat.apply(a, b)
    if a.ndim == 2 and b.ndim == 2:
        return Mm.apply(a, b)
    if b.ndim == 1:
        out = BatchedMatmul.apply(a, b.unsqueeze(-1))
        return UnsafeView.apply(out, out.shape[:-1])
    if a.ndim == 1:
        out = BatchedMatmul.apply(a.unsqueeze(0), b)
        return UnsafeView.apply(out, out.shape[:-2] + out.shape[-1:])
    return BatchedMatmul.apply(a, b)


_C_TYPES = {"float64": "double", "float32": "float", "float16": "c10::Half", "int64": "long int", "int32": "int",
            "bool": "bool"}


def check_operands(kind, a, b):
    """PyTorch's rank and dtype errors for the products: kind is dot, mv, mm, bmm, or matmul (which picks the
    dtype message by the operands' dims, and has no rank limits of its own)."""
    ranks = kind != "matmul"
    if not ranks:
        kind = "dot" if a.ndim == 1 and b.ndim == 1 else "mv" if b.ndim == 1 else "mm" if b.ndim == 2 else "bmm"
    x, y = a.dtype._short, b.dtype._short
    if kind == "dot":
        if a.ndim != 1 or b.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
        if x != y:
            raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {x} and {y}")
    elif kind == "mv":
        if ranks and (a.ndim != 2 or b.ndim != 1):
            raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {b.ndim}")
        if x != y:
            raise RuntimeError(f"addmv input tensors must have the same dtype, but got {y}, {x}, and {y}")
    elif kind == "mm":
        if ranks and (a.ndim != 2 or b.ndim != 2):
            raise RuntimeError("self must be a matrix" if a.ndim != 2 else "mat2 must be a matrix")
        if x != y:
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_C_TYPES[a.dtype.name]} != "
                               f"{_C_TYPES[b.dtype.name]}")
    else:
        if ranks:
            for name, t in (("batch1", a), ("batch2", b)):
                if t.ndim != 3:
                    raise RuntimeError(f"{name} must be a 3D tensor")
        if x != y:
            raise RuntimeError(f"expected scalar type {x} but found {y}")
        if ranks and (b.shape[0] != a.shape[0] or b.shape[1] != a.shape[2]):
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{a.shape[0]}, "
                               f"{a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
