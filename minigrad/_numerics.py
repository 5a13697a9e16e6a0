"""Floating-point arithmetic done the way PyTorch's CPU kernels do it, where numpy rounds differently.

PyTorch's kernels are compiled with fused multiply-add: `start + step * i` is rounded once, not twice.
numpy has no fma, so `fma` computes a * b + c exactly enough to round once: float32 through float64
(the product of two float32 numbers is exact in float64), float64 through an error-free product and sum.
"""
import numpy as np

_SPLIT = 134217729.0  # 2**27 + 1: splits a float64 into two halves whose products are exact


def _two_product(a, b):
    """a * b as p + e exactly (Dekker)."""
    p = a * b
    c = _SPLIT * a
    a_hi = c - (c - a)
    a_lo = a - a_hi
    c = _SPLIT * b
    b_hi = c - (c - b)
    b_lo = b - b_hi
    e = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return p, e


def fma(a, b, c, dtype):
    """a * b + c rounded once to `dtype` (float32 or float64), element-wise over arrays or numbers."""
    dtype = np.dtype(dtype)
    if dtype == np.float64:
        a, b, c = (np.asarray(v, dtype=np.float64) for v in (a, b, c))
        with np.errstate(all="ignore"):  # inf and nan pass through as in a hardware fma
            p, e = _two_product(a, b)
            s = p + c
            virtual = s - p
            error = (p - (s - virtual)) + (c - virtual)
            out = s + (error + e)
            return np.where(np.isfinite(out), out, p + c)
    wide = np.float64
    with np.errstate(all="ignore"):
        return (np.asarray(a, dtype=wide) * np.asarray(b, dtype=wide) + np.asarray(c, dtype=wide)).astype(dtype)
