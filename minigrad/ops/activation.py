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


class Softplus(Function):
    """log(1 + exp(beta x)) / beta, a smooth relu; x itself where beta x > threshold (there the two agree to
    float precision):  dx = g sigmoid(beta x), g where beta x > threshold"""
    node_name = "SoftplusBackward0"

    @staticmethod
    def forward(ctx, a, beta, threshold):
        x = a._data
        if x.dtype.kind != "f":
            raise NotImplementedError(f'"softplus_cpu" not implemented for \'{a.dtype._short}\'')
        ctx.save_for_backward(a)
        ctx.beta, ctx.threshold = beta, threshold
        wide = x.astype(np.float32) if x.dtype == np.float16 else x  # half is computed in float32, as PyTorch
        scaled = wide * np.asarray(beta, dtype=wide.dtype)
        with np.errstate(over="ignore"):  # exp of a large beta x: that element takes x instead
            smooth = np.log1p(np.exp(scaled)) / np.asarray(beta, dtype=wide.dtype)
        return np.where(scaled > threshold, wide, smooth).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return SoftplusBackward.apply(g, a, ctx.beta, ctx.threshold), None, None

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class SoftplusBackward(Function):
    """softplus's backward as PyTorch runs it, an op of its own: g z / (z + 1) with z = exp(beta a), g where
    beta a > threshold:  dg = the same of gg,  da = gg g beta s (1 - s) with s = sigmoid(beta a) where
    beta a < threshold"""
    node_name = "SoftplusBackwardBackward0"

    @staticmethod
    def forward(ctx, g, a, beta, threshold):
        ctx.save_for_backward(g, a)
        ctx.beta, ctx.threshold = beta, threshold
        x = a._data
        scaled = x * np.asarray(beta, dtype=x.dtype)
        with np.errstate(over="ignore", invalid="ignore"):  # inf / inf where beta a is large: g is taken there
            z = np.exp(scaled)
            smooth = g._data * z / (z + 1)
        return np.where(scaled > threshold, g._data, smooth)

    @staticmethod
    def backward(ctx, gg):
        g, a = ctx.saved_tensors
        beta, threshold = ctx.beta, ctx.threshold
        dg = SoftplusBackward.apply(gg, a, beta, threshold) if ctx.needs_input_grad[0] else None
        da = None
        if ctx.needs_input_grad[1]:
            scaled = a * beta
            s = scaled.sigmoid()
            da = gg * g * s * (1 - s) * (scaled < threshold) * beta
        return dg, da, None, None

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent
