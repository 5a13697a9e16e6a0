"""Copies: clone, dtype conversion, the copy that starts a leaf's .grad under create_graph, and the
in-place overwrites (copy_, fill_, zero_) whose old values get no gradient."""
import numpy as np

from .. import _messages as msg
from ..autograd.function import ACCUMULATE_PRIORITY, Function, auto_linear, is_tensor, wrap


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


class NotDifferentiable(Function):
    """An op PyTorch has no derivative for: its node is NotImplemented, whose backward raises, and forward mode
    refuses it. A subclass names the ATen op for PyTorch's texts (aten_op = "floor_divide") and writes forward."""
    node_name = "torch::autograd::NotImplemented"  # class NotImplemented, name() with the C++ namespace
    aten_op = None

    @classmethod
    def apply(cls, *args):
        out = super().apply(*args)
        node = out.grad_fn
        if node is not None:  # PyTorch runs its error nodes with the leaves' priority: the error comes before any
            node._created, node._seq = node._seq, ACCUMULATE_PRIORITY  # leaf that became ready after it
        return out

    @classmethod
    def backward(cls, ctx, *grads):
        raise RuntimeError(msg.no_derivative(f"aten::{cls.aten_op}"))

    @classmethod
    def jvp(cls, ctx, *tangents):
        raise NotImplementedError(msg.no_forward_ad(f"aten::{cls.aten_op}"))


class Bincount(NotDifferentiable):
    """how often each value of a 1-D tensor of non-negative integers occurs, each occurrence weighted when weights
    are given: PyTorch has no derivative for it"""
    aten_op = "bincount"

    @staticmethod
    def forward(ctx, weights, values, minlength):
        if values.size == 0:  # PyTorch: integer zeros, whatever the weights
            return np.zeros(minlength, dtype=np.int64)
        counts = np.bincount(values, weights=weights._data, minlength=minlength)
        return counts.astype(weights._data.dtype if weights._data.dtype.kind == "f" and
                             weights._data.dtype != np.float16 else np.float64, copy=False)


def bincount(values, weights=None, minlength=0):
    """torch.bincount with PyTorch's checks and texts: counts (int64), or sums of weights (float32 for float32
    weights, else float64), of length max(values) + 1, at least minlength."""
    for name, value, where in (("input", values, " (position 1)"), ("weights", weights, "")):
        if value is not None and not is_tensor(value):
            raise TypeError(f"bincount(): argument '{name}'{where} must be Tensor, not {type(value).__name__}")
    if type(minlength) is not int:
        raise TypeError(f"bincount(): argument 'minlength' must be int, not {type(minlength).__name__}")
    array = values._data
    if array.dtype.kind not in "iu":
        raise NotImplementedError(f'"bincount_cpu" not implemented for \'{values.dtype._short}\'')
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if array.ndim != 1 or (array.size and array.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return wrap(np.bincount(array, minlength=minlength).astype(np.int64, copy=False))
    if weights.ndim != 1 or weights.shape[0] != array.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    return Bincount.apply(weights, array, minlength)
