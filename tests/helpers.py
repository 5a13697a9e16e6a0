"""Shared test helpers."""
import os

import numpy as np
import pytest


def require_torch():
    """torch, or skip with a reason; under CI a missing torch is a failure, so parity never silently vanishes."""
    try:
        import torch
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("torch is not installed but CI is set: `make test` installs torch==2.13.0 in CI")
        pytest.skip("torch is not installed (optional): parity with PyTorch not checked")
    return torch


def numerical_grad(f, arrays, index, eps=1e-6):
    """Central finite differences of a scalar function f(*arrays) w.r.t. arrays[index], in float64."""
    x = arrays[index]
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = f(*arrays)
        x[i] = old - eps
        minus = f(*arrays)
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad
