"""Making tensors: tensor(), zeros/ones/full/arange/linspace/eye, the *_like family, and random tensors."""
import builtins
import math
import warnings

import numpy as np

from . import _dtype, _random
from .tensor import Tensor


def array_from_data(data, np_dtype=None):
    """Nested lists of numbers (or arrays, or tensors) as a numpy array, dtype inferred as PyTorch does:
    bool if all bools, float32 if any float, int64 otherwise; numpy arrays keep their dtype."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, np.ndarray):
        _dtype.from_numpy_dtype(data.dtype)  # a clear error for strings, objects, complex
        return data
    if isinstance(data, np.generic):
        return np.asarray(data)
    requested = np_dtype  # convert Python numbers straight to the asked dtype: 0.1 as float64 stays 0.1
    shape, kinds = _inspect(data)
    if "f" in kinds:
        np_dtype = np.float32
    elif "i" in kinds:
        np_dtype = np.int64
    elif "b" in kinds:
        np_dtype = np.bool_
    else:
        np_dtype = np.float32  # an empty list
    if not kinds:
        return np.zeros(shape, dtype=np_dtype)
    flat = _flatten(data)
    return np.array(flat, dtype=requested if requested is not None else np_dtype).reshape(shape)


def _inspect(data):
    """The shape of nested sequences and the kinds of their leaves, with PyTorch's errors for ragged input."""
    kinds = set()
    if _leaf_kind(data):
        return (), {_leaf_kind(data)}
    if isinstance(data, Tensor):
        return data.shape, {data._data.dtype.kind}
    if not isinstance(data, (list, tuple)):
        if isinstance(data, str):
            raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
        raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
    shape = None
    for item in data:
        sub_shape, sub_kinds = _inspect(item)
        if shape is not None and sub_shape != shape:
            dim = _first_difference(shape, sub_shape)
            if dim == len(sub_shape):  # a number where the others are sequences
                raise TypeError("not a sequence")
            expected = shape[dim] if dim < len(shape) else 0
            got = sub_shape[dim] if dim < len(sub_shape) else 0
            raise ValueError(f"expected sequence of length {expected} at dim {dim + 1} (got {got})")
        shape = sub_shape
        kinds |= sub_kinds
    return (len(data),) + (shape or ()), kinds


def _first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def _leaf_kind(value):
    if isinstance(value, (bool, np.bool_)):
        return "b"
    if isinstance(value, (int, np.integer)):
        return "i"
    if isinstance(value, (float, np.floating)):
        return "f"
    if isinstance(value, Tensor) and value.ndim == 0:
        return value._data.dtype.kind
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.dtype.kind
    return None


def _flatten(data):
    out, stack = [], [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        elif isinstance(item, Tensor):
            out.extend(item._data.ravel().tolist())
        else:
            out.append(item)
    return out


def _finish(array, dtype=None, requires_grad=False):
    if dtype is not None:
        array = array.astype(_dtype.to_numpy_dtype(dtype), copy=False)
    t = Tensor._make(array)
    if requires_grad:
        if array.dtype.kind != "f":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t._requires_grad = True
    return t


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new leaf tensor holding a copy of `data` (numbers, nested lists, numpy arrays)."""
    if device is not None:
        _dtype.device(device)
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    array = np.array(array_from_data(data, _dtype.to_numpy_dtype(dtype) if dtype is not None else None), copy=True)
    if array.dtype.kind in "iu" and array.dtype not in (np.int64, np.int32):
        array = array.astype(np.int64)
    return _finish(array, dtype, requires_grad)


def as_tensor(data, dtype=None):
    if isinstance(data, Tensor) and dtype is None:
        return data
    return _finish(np.asarray(array_from_data(data)), dtype)


def from_numpy(array):
    """A tensor sharing memory with a numpy array (dtype kept)."""
    return Tensor._make(array)


def _shape(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    return tuple(builtins.int(s) for s in size)


def _default(dtype, fallback=np.float32):
    return _dtype.to_numpy_dtype(dtype) if dtype is not None else np.dtype(fallback)


def zeros(*size, dtype=None, requires_grad=False, device=None):
    return _finish(np.zeros(_shape(size), _default(dtype)), None, requires_grad)


def ones(*size, dtype=None, requires_grad=False, device=None):
    return _finish(np.ones(_shape(size), _default(dtype)), None, requires_grad)


def empty(*size, dtype=None, requires_grad=False, device=None):
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False, device=None):
    if dtype is None:
        dtype = _dtype.bool if isinstance(fill_value, bool) else \
            _dtype.int64 if isinstance(fill_value, builtins.int) else _dtype.float32
    return _finish(np.full(_shape((size,)), fill_value, _default(dtype)), None, requires_grad)


def zeros_like(t, dtype=None, requires_grad=False):
    return zeros(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    return ones(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def empty_like(t, dtype=None, requires_grad=False):
    return zeros_like(t, dtype, requires_grad)


def full_like(t, fill_value, dtype=None, requires_grad=False):
    return full(t.shape, fill_value, dtype=dtype or t.dtype, requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False, device=None):
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    integral = all(isinstance(v, (builtins.int, np.integer)) for v in values)
    np_dtype = _default(dtype, np.int64 if integral else np.float32)
    count = max(0, math.ceil((values[1] - values[0]) / values[2]))
    array = (values[0] + np.arange(count, dtype=np.float64) * values[2]).astype(np_dtype)
    return _finish(array, None, requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False, device=None):
    return _finish(np.linspace(start, end, steps).astype(_default(dtype)), None, requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False, device=None):
    return _finish(np.eye(n, m, dtype=_default(dtype)), None, requires_grad)


def rand(*size, dtype=None, requires_grad=False, generator=None, device=None):
    """Uniform on [0, 1), the same numbers as torch.rand after the same manual_seed."""
    return _finish(_random.rand(_shape(size), _default(dtype), generator=generator), None, requires_grad)


def randn(*size, dtype=None, requires_grad=False, generator=None, device=None):
    """Standard normal, the same numbers as torch.randn after the same manual_seed."""
    return _finish(_random.randn(_shape(size), _default(dtype), generator=generator), None, requires_grad)


def randint(low, high=None, size=None, dtype=None, generator=None, requires_grad=False, device=None):
    if size is None:
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    return _finish(_random.randint(low, high, tuple(size), generator=generator), dtype, requires_grad)


def randperm(n, dtype=None, generator=None, requires_grad=False, device=None):
    return _finish(_random.randperm(n, generator=generator), dtype, requires_grad)


def rand_like(t, dtype=None, requires_grad=False):
    return rand(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def randn_like(t, dtype=None, requires_grad=False):
    return randn(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)
