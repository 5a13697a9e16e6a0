"""dtypes, Size and device: the small value types that tensors report about themselves."""
import builtins

import numpy as np


class dtype:
    """A tensor element type; prints like torch (`torch.float32`) so lesson output matches PyTorch."""

    __slots__ = ("name", "numpy", "is_floating_point", "itemsize", "_type_name", "_short", "_legacy_name")

    def __init__(self, name, np_dtype, type_name, short):
        self.name = name
        self.numpy = np.dtype(np_dtype)
        self.is_floating_point = self.numpy.kind == "f"
        self.itemsize = self.numpy.itemsize
        self._type_name = type_name  # as in `t.type()`
        self._short = short  # as in "could not infer output dtype ... Got: Long"
        self._legacy_name = type_name  # as in version-counter and expand errors

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


float32 = dtype("float32", np.float32, "torch.FloatTensor", "Float")
float64 = dtype("float64", np.float64, "torch.DoubleTensor", "Double")
float16 = dtype("float16", np.float16, "torch.HalfTensor", "Half")
int64 = dtype("int64", np.int64, "torch.LongTensor", "Long")
int32 = dtype("int32", np.int32, "torch.IntTensor", "Int")
bool = dtype("bool", np.bool_, "torch.BoolTensor", "Bool")  # noqa: A001 - torch's name
bool._legacy_name = "CPUBoolType"  # how PyTorch's messages name a bool tensor's type (.type() says BoolTensor)
float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001

_ALL = (float32, float64, float16, int64, int32, bool)
_FROM_NUMPY = {d.numpy: d for d in _ALL}


def _by_name(name):
    return globals()[name]


def from_numpy_dtype(np_dtype):
    """The minigrad dtype of a numpy dtype (other integer widths map to int64, like torch.tensor)."""
    np_dtype = np.dtype(np_dtype)
    found = _FROM_NUMPY.get(np_dtype)
    if found is not None:
        return found
    if np_dtype.kind in "iu":
        return int64
    raise TypeError(f"can't convert np.ndarray of type numpy.{np_dtype.name}. The only supported types are: "
                    "float64, float32, float16, int64, int32, int16, int8, uint8, and bool.")


def to_numpy_dtype(d):
    """Accept a minigrad dtype, a numpy dtype or a Python type and give the numpy dtype."""
    if isinstance(d, dtype):
        return d.numpy
    python_types = {builtins.float: float32, builtins.int: int64, builtins.bool: bool}
    if d in python_types:
        return python_types[d].numpy
    return np.dtype(d)


class Size(tuple):
    """A tensor shape: a tuple that prints as `torch.Size([2, 3])`."""

    __slots__ = ()

    def __repr__(self):
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n


DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")
NO_CUDA = "Torch not compiled with CUDA enabled"


class device:
    """A device name, as torch.device: "cpu", "cuda", "cuda:1", ("cuda", 1). Any device PyTorch knows can be
    named; only the CPU can hold tensors (asking for another is PyTorch's error on a CPU-only build)."""

    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):  # noqa: A002 - torch's argument name
        if isinstance(type, device):
            type, index = type.type, type.index  # noqa: A001
        text = str(type)
        name, _, number = text.partition(":")
        if name not in DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of device string: "
                               f"{text}")
        self.type = name
        self.index = builtins.int(number) if number else index

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))


cpu = device("cpu")


def require_cpu(where):
    """Check that `where` (a device, a device string or None) is the CPU; PyTorch's CPU-only errors otherwise."""
    if where is None:
        return
    target = where if isinstance(where, device) else device(where)
    if target.type == "cuda":
        raise AssertionError(NO_CUDA)
    if target.type != "cpu":
        raise RuntimeError(f"PyTorch is not linked with support for {target.type} devices")
