"""Activations that PyTorch computes as one op of their own (and that minigrad/ops/pointwise.py lacks)."""
import numpy as np

from ..autograd.function import Function, auto_element_wise, wrap


class LeakyRelu(Function):
    """x if x > 0 else slope x:  dx = g where x > 0, slope g elsewhere"""
    node_name = "LeakyReluBackward0"

    @staticmethod
    def forward(ctx, a, slope):
        ctx.save_for_backward(a)
        ctx.slope = slope
        x = a._data
        return np.where(x > 0, x, x * np.asarray(slope, dtype=x.dtype))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return LeakyReluBackward.apply(g, a, ctx.slope), None

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class LeakyReluBackward(Function):
    """leaky_relu's backward as PyTorch runs it, an op of its own: g where a > 0, slope g elsewhere:
    dg = gg where a > 0, slope gg elsewhere,  da = 0"""
    node_name = "LeakyReluBackwardBackward0"

    @staticmethod
    def forward(ctx, g, a, slope):
        ctx.save_for_backward(a)
        ctx.slope = slope
        return np.where(a._data > 0, g._data, g._data * np.asarray(slope, dtype=g._data.dtype))

    @staticmethod
    def backward(ctx, gg):
        a, = ctx.saved_tensors
        return LeakyReluBackward.apply(gg, a, ctx.slope), wrap(np.zeros_like(a._data)), None

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent
