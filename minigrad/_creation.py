"""Making tensors: tensor(), zeros/ones/full/arange/linspace/eye, the *_like family, random tensors and the
legacy constructors (FloatTensor, ...). Arguments are checked as PyTorch checks them, with its messages."""
import builtins
import math
import warnings

import numpy as np

from . import _dtype, _random
from ._data import array_from_data
from ._numerics import fma
from .tensor import Tensor

INT64_RANGE = (-2**63, 2**63 - 1)


# ---- argument checks, with PyTorch's messages ----
def _check_options(name, dtype, requires_grad, device):
    """dtype must be a minigrad dtype (or a Python type), requires_grad a bool, device the CPU."""
    if dtype is not None and not isinstance(dtype, _dtype.dtype) and dtype not in (builtins.float, builtins.int,
                                                                                    builtins.bool):
        raise TypeError(f"{name}(): argument 'dtype' must be torch.dtype, not {type(dtype).__name__}")
    if not isinstance(requires_grad, bool):
        raise TypeError(f"{name}(): argument 'requires_grad' must be bool, not {type(requires_grad).__name__}")
    _dtype.require_cpu(device)


def _as_size(name, size):
    """The `*size` of zeros(2, 3) / zeros((2, 3)) / zeros(torch.Size([2, 3])) as a tuple of ints."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        values = tuple(size[0])
        for pos, s in enumerate(values):
            if not _is_int(s):
                raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, but found element "
                                f"of type {type(s).__name__} at pos {pos}")
        return tuple(builtins.int(s) for s in values)
    for pos, s in enumerate(size):
        if not _is_int(s):
            if len(size) == 1:
                raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not "
                                f"{type(s).__name__}")
            raise TypeError(f"{name}(): argument 'size' failed to unpack the object at pos {pos + 1} with error "
                            f"\"type must be tuple of ints,but got {type(s).__name__}\"")
    return tuple(builtins.int(s) for s in size)


def _is_int(value):
    if isinstance(value, Tensor):
        return value.ndim == 0 and value._data.dtype.kind in "iu"
    return isinstance(value, (builtins.int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _check_nonnegative(name, shape):
    if any(s < 0 for s in shape):
        if name == "zeros":
            raise RuntimeError("zeros: Dimension size must be non-negative.")
        negative = next(s for s in shape if s < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {negative}: {list(shape)}")


def _finish(array, dtype=None, requires_grad=False):
    if dtype is not None:
        array = array.astype(_dtype.to_numpy_dtype(dtype), copy=False)
    t = Tensor._make(array)
    if requires_grad:
        if array.dtype.kind != "f":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t._requires_grad = True
    return t


def _default(dtype, fallback=np.float32):
    return _dtype.to_numpy_dtype(dtype) if dtype is not None else np.dtype(fallback)


# ---- from data ----
def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new leaf tensor holding a copy of `data` (numbers, nested lists, numpy arrays)."""
    _check_options("tensor", dtype, requires_grad, device)
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    array = np.array(array_from_data(data, _dtype.to_numpy_dtype(dtype) if dtype is not None else None), copy=True)
    if array.dtype.kind in "iu" and array.dtype not in (np.int64, np.int32):
        array = array.astype(np.int64)
    return _finish(array, dtype, requires_grad)


def as_tensor(data, dtype=None, device=None):
    _dtype.require_cpu(device)
    if isinstance(data, Tensor) and dtype is None:
        return data
    return _finish(np.asarray(array_from_data(data)), dtype)


def from_numpy(array):
    """A tensor sharing memory with a numpy array (dtype kept)."""
    return Tensor._make(array)


class _LegacyTensorType(type):
    """torch.FloatTensor and friends: calling one makes a tensor of its dtype (from data, or of a size,
    zero-filled here where PyTorch leaves the memory uninitialized); isinstance checks the dtype."""

    def __call__(cls, *args, device=None):
        _dtype.require_cpu(device)
        if not args:
            return _finish(np.zeros(0, cls.dtype.numpy))
        if all(_is_int(a) for a in args):
            return _finish(np.zeros(tuple(builtins.int(a) for a in args), cls.dtype.numpy))
        data = args[0]
        if len(args) == 1 and isinstance(data, Tensor):
            if data.dtype is not cls.dtype:
                raise TypeError(f"expected {_options(cls.dtype)} (got {_options(data.dtype)})")
            return data
        if len(args) == 1 and isinstance(data, (list, tuple, np.ndarray)):
            return _finish(np.array(array_from_data(data, cls.dtype.numpy), copy=True).astype(cls.dtype.numpy))
        raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


def _options(d):
    c_name = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
              "bool": "bool"}[d.name]
    return (f"TensorOptions(dtype={c_name}, device=cpu, layout=Strided, requires_grad=false (default), "
            "pinned_memory=false (default), memory_format=(nullopt))")


def _legacy(d):
    name = d._type_name.rsplit(".", 1)[1]
    return _LegacyTensorType(name, (), {"dtype": d, "__doc__": f"torch.{name}(data) or (*size): a {d!r} tensor"})


FloatTensor = _legacy(_dtype.float32)
DoubleTensor = _legacy(_dtype.float64)
HalfTensor = _legacy(_dtype.float16)
LongTensor = _legacy(_dtype.int64)
IntTensor = _legacy(_dtype.int32)
BoolTensor = _legacy(_dtype.bool)


# ---- filled with a value ----
def _filled(name, size, value, dtype, requires_grad, device):
    _check_options(name, dtype, requires_grad, device)
    shape = _as_size(name, size)
    _check_nonnegative(name, shape)
    return _finish(np.full(shape, value, _default(dtype)), None, requires_grad)


def zeros(*size, dtype=None, requires_grad=False, device=None):
    return _filled("zeros", size, 0, dtype, requires_grad, device)


def ones(*size, dtype=None, requires_grad=False, device=None):
    return _filled("ones", size, 1, dtype, requires_grad, device)


def empty(*size, dtype=None, requires_grad=False, device=None):
    """Uninitialized in PyTorch; zeros here (the values of an empty tensor mean nothing)."""
    return _filled("empty", size, 0, dtype, requires_grad, device)


def full(size, fill_value, dtype=None, requires_grad=False, device=None):
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    if isinstance(fill_value, Tensor) and fill_value.ndim == 0:
        fill_value = fill_value.item()
    if not isinstance(fill_value, (builtins.int, builtins.float, np.number, np.bool_)):
        raise TypeError(f"full(): argument 'fill_value' (position 2) must be Number, not {type(fill_value).__name__}")
    if dtype is None:
        dtype = _dtype.bool if isinstance(fill_value, (bool, np.bool_)) else \
            _dtype.int64 if isinstance(fill_value, (builtins.int, np.integer)) else _dtype.float32
    target = _default(dtype)
    if target.kind in "iu" and isinstance(fill_value, (builtins.float, np.floating)) and not math.isfinite(fill_value):
        raise RuntimeError(f"value cannot be converted to type {target.name}_t without overflow")
    if target.kind in "iu":
        fill_value = builtins.int(fill_value)  # 1.5 -> 1, as a C++ cast
    return _filled("full", (tuple(size),), fill_value, dtype, requires_grad, device)


def _like(t, dtype):
    return t.dtype if dtype is None else dtype


def zeros_like(t, dtype=None, requires_grad=False, device=None):
    return zeros(t.shape, dtype=_like(t, dtype), requires_grad=requires_grad, device=device)


def ones_like(t, dtype=None, requires_grad=False, device=None):
    return ones(t.shape, dtype=_like(t, dtype), requires_grad=requires_grad, device=device)


def empty_like(t, dtype=None, requires_grad=False, device=None):
    return zeros_like(t, dtype, requires_grad, device)


def full_like(t, fill_value, dtype=None, requires_grad=False, device=None):
    return full(t.shape, fill_value, dtype=_like(t, dtype), requires_grad=requires_grad, device=device)


# ---- ranges ----
def arange(start, end=None, step=1, dtype=None, requires_grad=False, device=None):
    """start, start + step, ... up to end (excluded), computed as PyTorch does: in float64 (int64 for integer
    dtypes, whose start and step are truncated first), eight float32 (four float64) elements at a time from
    the first of each group, fused multiply-add."""
    _check_options("arange", dtype, requires_grad, device)
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if any(isinstance(v, builtins.int) and not INT64_RANGE[0] <= v <= INT64_RANGE[1] for v in values):
        raise OverflowError("int too big to convert")
    integral = all(isinstance(v, (builtins.int, np.integer)) for v in values)
    np_dtype = _default(dtype, np.int64 if integral else np.float32)
    if np_dtype.kind == "b":
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    first, last, delta = (builtins.float(v) for v in values)
    if delta == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(first) and math.isfinite(last)):
        raise RuntimeError(f"unsupported range: {_c_number(values[0])} -> {_c_number(values[1])}")
    if np_dtype.kind in "iu":
        first, last, delta = (builtins.int(v) for v in values)  # C++ casts truncate toward zero
        if delta == 0 and np_dtype == np.int64 and last >= first:  # (int32 sizes itself with the untruncated step)
            raise ValueError("step must be nonzero")
    if (delta > 0 and last < first) or (delta < 0 and last > first) or (delta == 0 and last < first):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if np_dtype == np.int64:
        sign = 1 if delta > 0 else -1
        count = max(0, (last - first + delta - sign) // delta)
        return _finish(first + delta * np.arange(count, dtype=np.int64), None, requires_grad)
    count = max(0, math.ceil((builtins.float(values[1]) - builtins.float(values[0])) / builtins.float(values[2])))
    if np_dtype.kind in "iu":
        return _finish((first + delta * np.arange(count, dtype=np.int64)).astype(np_dtype), None, requires_grad)
    return _finish(_float_arange(first, delta, count, np_dtype), None, requires_grad)


def _c_number(value):
    return repr(value) if not isinstance(value, builtins.float) or not math.isnan(value) else "nan"


def _float_arange(start, step, count, np_dtype):
    lanes = 8 if np_dtype.itemsize <= 4 else 4  # PyTorch's vector width: eight floats or four doubles
    index = np.arange(count)
    grouped = count - count % (2 * lanes)  # the kernel does two vectors per round, the rest one by one
    out = np.empty(count, dtype=np.float64)
    first = (index[:grouped] - index[:grouped] % lanes).astype(np.float64)
    bases = fma(step, first, start, np.float64).astype(np_dtype).astype(np.float64)  # each vector's first value
    out[:grouped] = fma((index[:grouped] % lanes).astype(np.float64), step, bases, np.float64)
    out[grouped:] = fma(step, index[grouped:].astype(np.float64), start, np.float64)
    return out.astype(np_dtype)


def linspace(start, end, steps, dtype=None, requires_grad=False, device=None):
    """`steps` evenly spaced values from start to end, filled as PyTorch fills them: the first half forward from
    start, the second half back from end (so the middle may show a rounding residue such as 2.9802e-08)."""
    _check_options("linspace", dtype, requires_grad, device)
    if not _is_int(steps):
        raise TypeError(f"linspace(): argument 'steps' (position 3) must be int, not {type(steps).__name__}")
    steps = builtins.int(steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    start, end = (v.item() if isinstance(v, Tensor) else v for v in (start, end))
    np_dtype = _default(dtype)
    if steps <= 1:
        return _finish(np.full(steps, start).astype(np_dtype), None, requires_grad)
    if np_dtype.kind == "b":
        raise NotImplementedError("\"linspace_cpu\" not implemented for 'Bool'")
    index = np.arange(steps)
    half = steps // 2
    if np_dtype.kind in "iu":  # integer dtypes: start and end truncated, the step in float64
        first, last = builtins.int(start), builtins.int(end)
        step = (last - first) / (steps - 1)
        values = np.where(index < half, fma(step, index, first, np.float64),
                          fma(-step, steps - index - 1, last, np.float64))
        return _finish(np.trunc(values).astype(np_dtype), None, requires_grad)
    compute = np.float64 if np_dtype == np.float64 else np.float32
    first, last = compute(start), compute(end)
    step = compute((last - first) / compute(steps - 1))
    forward = fma(step, index[:half].astype(compute), first, compute)
    backward = fma(-step, (steps - 1 - index[half:]).astype(compute), last, compute)
    return _finish(np.concatenate([forward, backward]).astype(np_dtype), None, requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False, device=None):
    _check_options("eye", dtype, requires_grad, device)
    for name, value in (("n", n), ("m", m)):
        if value is not None and not _is_int(value):
            raise TypeError(f"eye(): argument '{name}' (position {1 if name == 'n' else 2}) must be int, not "
                            f"{type(value).__name__}")
        if value is not None and value < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {value}")
    return _finish(np.eye(n, m, dtype=_default(dtype)), None, requires_grad)


# ---- random ----
def _random_dtype(name, dtype):
    np_dtype = _default(dtype)
    if np_dtype.kind != "f":
        kernel = "check_uniform_bounds" if name == "rand" else "normal_kernel_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dtype.from_numpy_dtype(np_dtype)._short}'")
    return np_dtype


def rand(*size, dtype=None, requires_grad=False, generator=None, device=None):
    """Uniform on [0, 1), the same numbers as torch.rand after the same manual_seed."""
    _check_options("rand", dtype, requires_grad, device)
    shape = _as_size("rand", size)
    _check_nonnegative("rand", shape)
    return _finish(_random.rand(shape, _random_dtype("rand", dtype), generator=generator), None, requires_grad)


def randn(*size, dtype=None, requires_grad=False, generator=None, device=None):
    """Standard normal, the same numbers as torch.randn after the same manual_seed."""
    _check_options("randn", dtype, requires_grad, device)
    shape = _as_size("randn", size)
    _check_nonnegative("randn", shape)
    return _finish(_random.randn(shape, _random_dtype("randn", dtype), generator=generator), None, requires_grad)


def randint(low, high=None, size=None, dtype=None, generator=None, requires_grad=False, device=None):
    _check_options("randint", dtype, requires_grad, device)
    if size is None:
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    shape = _as_size("randint", (tuple(size),))
    _check_nonnegative("randint", shape)
    if dtype is not None and _default(dtype).kind == "b" and high - 1 > 1:
        raise RuntimeError("to - 1 is out of bounds for bool")
    return _finish(_random.randint(low, high, shape, generator=generator), dtype, requires_grad)


def randperm(n, dtype=None, generator=None, requires_grad=False, device=None):
    _check_options("randperm", dtype, requires_grad, device)
    return _finish(_random.randperm(n, generator=generator), dtype, requires_grad)


def rand_like(t, dtype=None, requires_grad=False, device=None):
    """Uniform on [0, 1) in t's layout: PyTorch fills the memory in order, so a transposed t gets its numbers
    transposed."""
    _check_options("rand_like", dtype, requires_grad, device)
    array = np.empty_like(t._data, dtype=_random_dtype("rand", _like(t, dtype)), order="K")
    return _finish(_random.uniform_(array), None, requires_grad)


def randn_like(t, dtype=None, requires_grad=False, device=None):
    """Standard normal in t's layout (see rand_like)."""
    _check_options("randn_like", dtype, requires_grad, device)
    array = np.empty_like(t._data, dtype=_random_dtype("randn", _like(t, dtype)), order="K")
    return _finish(_random.normal_(array), None, requires_grad)
