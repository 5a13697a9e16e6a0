"""Activations that PyTorch computes as one op of their own (and that minigrad/ops/pointwise.py lacks)."""
import numpy as np

from ..autograd.function import Function


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
        positive = type(g)._make((a._data > 0).astype(g._data.dtype))
        return g * (positive + (1 - positive) * ctx.slope), None
