"""Parameter: a tensor that a Module registers as learnable when it is assigned as an attribute."""
import numpy as np

from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor (requires_grad=True by default) that shares memory with the tensor it wraps."""

    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            data = Tensor._make(np.empty(0, dtype=np.float32))
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(data): expected a Tensor, got {type(data).__name__}")
        self._init(data._data)
        self._version_counter = data._shared_version_counter()  # like data.detach(): same memory, same version
        self.requires_grad = requires_grad

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol):  # copy.deepcopy(model) and pickling keep the Parameter type
        return _rebuild_parameter, (self._data, self._requires_grad)


def _rebuild_parameter(array, requires_grad):
    return Parameter(Tensor._make(np.array(array)), requires_grad)
