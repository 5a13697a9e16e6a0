"""Copies: clone, dtype conversion, the copy that starts a leaf's .grad under create_graph, and the
in-place overwrites (copy_, fill_, zero_) whose old values get no gradient."""
import numpy as np

from .. import _messages as msg
from ..autograd.function import Function, auto_linear, wrap


class Clone(Function):
    """a copy in new memory:  da = g"""
    node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, a):
        return a._data.copy()

    @staticmethod
    def backward(ctx, g):
        return g

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class ToCopy(Function):
    """a converted to another dtype:  da = g (the engine converts it back to a's dtype)"""
    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a, np_dtype):
        return a._data.astype(np_dtype)

    @staticmethod
    def backward(ctx, g):
        return g, None

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class CopyBackwards(Function):
    """the first gradient stored in a leaf's .grad when create_graph=True:  da = g"""
    node_name = "torch::autograd::CopyBackwards"

    @staticmethod
    def forward(ctx, a):
        return a._data.copy()

    @staticmethod
    def backward(ctx, g):
        return g

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class CopyInto(Function):
    """dst.copy_(src): src broadcast and cast into dst's place:  ddst = 0,  dsrc = g"""
    node_name = "torch::autograd::CopyBackwards"

    @staticmethod
    def forward(ctx, dst, src):
        try:
            return np.broadcast_to(src._data, dst.shape).astype(dst._data.dtype)
        except ValueError:
            try:
                shape = list(np.broadcast_shapes(dst.shape, src.shape))
            except ValueError:
                raise RuntimeError(msg.broadcast_mismatch(dst.shape, src.shape)) from None
            message = f"output with shape {list(dst.shape)} doesn't match the broadcast shape {shape}"
            raise RuntimeError(message) from None

    @staticmethod
    def backward(ctx, g):
        return (_zeros(g) if ctx.needs_input_grad[0] else None), (g if ctx.needs_input_grad[1] else None)

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


class Fill(Function):
    """every element set to a number:  da = 0"""
    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, a, value):
        return np.full_like(a._data, value)

    @staticmethod
    def backward(ctx, g):
        return _zeros(g), None

    @staticmethod
    def jvp(ctx, t, _):
        return _zeros(t)  # a constant


class FillTensor(Function):
    """every element set to the value of a 0-d tensor (x.fill_(t), x[1:] = t):  da = 0,  dt = sum of g"""
    node_name = "FillBackward3"

    @staticmethod
    def forward(ctx, a, value):
        if value.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
                               "dimensions.")
        return np.full_like(a._data, value._data)

    @staticmethod
    def backward(ctx, g):
        return (_zeros(g) if ctx.needs_input_grad[0] else None), (g.sum() if ctx.needs_input_grad[1] else None)

    jvp = auto_linear  # forward mode: a linear op, so the op itself on the tangent


def _zeros(g):
    """The gradient of overwritten values: +0 everywhere, with no graph (PyTorch's zeros_like; g * 0 would give
    -0. for a negative g)."""
    return wrap(np.zeros(g._data.shape, g._data.dtype))


class Zero(Fill):
    node_name = "ZeroBackward0"
