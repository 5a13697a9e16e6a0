"""torch.nn.utils: gradient clipping."""
import math

import numpy as np

from ..tensor import Tensor
from ..tensor_math import cat


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _norm(array, norm_type):
    if norm_type == math.inf:
        return np.abs(array).max(initial=0.0)
    if norm_type == -math.inf:
        return np.abs(array).min()
    if norm_type == 0:
        return float(np.count_nonzero(array))
    return float((np.abs(array.astype(np.float64)) ** norm_type).sum() ** (1.0 / norm_type))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale all gradients by max_norm / (total_norm + 1e-6) when that is < 1; return the norm before clipping.

    The total norm is the norm of the vector of per-parameter norms, i.e. of all gradients joined together.
    """
    grads = _grads(parameters)
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not grads:
        return Tensor._make(np.asarray(0.0, dtype=np.float32))
    dtype = grads[0]._data.dtype
    norms = np.array([_norm(g._data, norm_type) for g in grads], dtype=dtype)
    total = np.asarray(_norm(norms, norm_type), dtype=dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it "
                           "cannot be clipped. To disable this error and scale the gradients by the non-finite norm "
                           "anyway, set `error_if_nonfinite=False`")
    coef = np.minimum(dtype.type(max_norm) / (total + dtype.type(1e-6)), dtype.type(1.0))
    for g in grads:
        g._data *= coef.astype(g._data.dtype)
        g._bump_version()
    return Tensor._make(total)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element into [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    for g in _grads(parameters):
        np.clip(g._data, -clip_value, clip_value, out=g._data)
        g._bump_version()


def parameters_to_vector(parameters):
    """All parameters flattened and joined into one vector (differentiable)."""
    return cat([p.view(-1) for p in parameters])
