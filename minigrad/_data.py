"""Data to arrays: nested lists of numbers (or arrays, or tensors) as a numpy array, with PyTorch's dtype inference
and PyTorch's errors for ragged or unreadable input. Used by torch.tensor(...) and wherever an op meets a list."""
import builtins

import numpy as np

from . import _dtype, _warn
from . import _messages as msg
from .autograd.function import is_tensor


def array_from_data(data, np_dtype=None):
    """Nested lists of numbers (or arrays, or tensors) as a numpy array, dtype inferred as PyTorch does:
    bool if all bools, float32 if any float, int64 otherwise; numpy arrays keep their dtype."""
    if is_tensor(data):
        return data._data
    if isinstance(data, np.ndarray):
        _dtype.from_numpy_dtype(data.dtype)  # a clear error for strings, objects, complex
        return data
    if isinstance(data, np.generic):
        return np.asarray(data)
    requested = np_dtype  # convert Python numbers straight to the asked dtype: 0.1 as float64 stays 0.1
    shape, kinds = _inspect(data)
    tensor_kinds = {k for k in kinds if isinstance(k, _dtype.dtype)}  # a tensor's kind is its dtype
    numbers = kinds - tensor_kinds
    kinds = numbers | {d.numpy.kind for d in tensor_kinds}
    if "f" in kinds:
        np_dtype = np.float32
    elif "i" in kinds:
        np_dtype = np.int64
    elif "b" in kinds:
        np_dtype = np.bool_
    else:
        np_dtype = np.float32  # an empty list
    if tensor_kinds:  # tensors among the numbers: their dtypes count too
        np_dtype = _promoted(numbers | tensor_kinds)
    if not kinds:
        return np.zeros(shape, dtype=requested if requested is not None else np_dtype)
    flat = _flatten(data)
    target = np.dtype(requested if requested is not None else np_dtype)
    if target.kind in "iu":  # floats truncate toward zero; what does not fit is PyTorch's error
        try:
            wide = np.array(flat, dtype=np.float64 if "f" in kinds else np.int64)
        except OverflowError:
            raise ValueError("Overflow when unpacking long long") from None
        info = np.iinfo(target)
        if not np.isfinite(wide).all() or (wide < info.min).any() or (wide > info.max).any():
            raise RuntimeError(f"value cannot be converted to type {target.name} without overflow")
        return wide.astype(target).reshape(shape)
    if "i" in kinds and target.kind == "f":
        try:
            return np.array(flat, dtype=target).reshape(shape)
        except OverflowError:
            return np.array([builtins.float(v) for v in flat], dtype=target).reshape(shape)
    array = np.array(flat) if target.kind == "b" else np.array(flat, dtype=target)
    return array.astype(target, copy=False).reshape(shape)


def _inspect(data):
    """The shape of nested sequences and the kinds of their leaves, with PyTorch's errors for ragged input."""
    kinds = set()
    kind = _leaf_kind(data)
    if kind:  # a number; a tensor counts as one too, by its kind and its dtype
        return (), {kind}
    if is_tensor(data):
        return data.shape, {data._data.dtype.kind}
    if not isinstance(data, (list, tuple)):
        if isinstance(data, str):
            raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
        raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
    if data and all(isinstance(item, str) for item in data):
        raise ValueError("too many dimensions 'str'")
    shape = None
    for item in data:
        sub_shape, sub_kinds = _inspect(item)
        if shape is not None and sub_shape != shape:
            dim = _first_difference(shape, sub_shape)
            if dim == len(sub_shape):  # a number where the others are sequences
                raise TypeError("not a sequence")
            if dim == len(shape):  # a sequence where the others are numbers
                raise TypeError(f"'{type(item).__name__}' object cannot be interpreted as an integer")
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
    if is_tensor(value):  # a tensor inside a list is a number, as PyTorch reads it (with item())
        if value.requires_grad:
            _warn.warn_once(msg.SCALAR_REQUIRES_GRAD)
        if value._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return value.dtype
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.dtype.kind
    return None


def _promoted(kinds):
    """The dtype of numbers and tensors together, by PyTorch's promotion: the highest category (bool < integer <
    floating point), the widest dtype within it; a Python float counts as float32, an int as int64."""
    python = {"b": np.dtype(np.bool_), "i": np.dtype(np.int64), "f": np.dtype(np.float32)}
    dtypes = [k.numpy if isinstance(k, _dtype.dtype) else python[k] for k in kinds]
    rank = {"b": 0, "i": 1, "u": 1, "f": 2}
    top = builtins.max(rank[d.kind] for d in dtypes)
    return builtins.max((d for d in dtypes if rank[d.kind] == top), key=lambda d: d.itemsize)


def _flatten(data):
    out, stack = [], [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        elif is_tensor(item):
            out.extend(item._data.ravel().tolist())
        elif isinstance(item, np.ndarray):
            out.extend(item.ravel().tolist())
        else:
            out.append(item)
    return out
