"""Forward-mode AD, named and behaving as torch.autograd.forward_ad.

A dual tensor carries a tangent `t` next to its value `x`. Every op applied to dual tensors also
computes its output's tangent J·t (a Jacobian-vector product) right away, in the forward pass, from
the op's own `jvp` rule, written next to its backward (Function.apply calls it): no graph, no backward.
One forward pass gives one column of the Jacobian.

    with dual_level():
        x = make_dual(tensor([1., 2.]), tensor([1., 0.]))   # direction of the derivative
        y = x ** 2 + x.sin()
        value, tangent = unpack_dual(y)                       # tangent = dy/dx · [1, 0]
"""
import contextlib
import functools
import weakref
from collections import namedtuple

from .grad_mode import state

__all__ = ["UnpackedDualTensor", "enter_dual_level", "exit_dual_level", "make_dual", "unpack_dual", "dual_level"]

UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])
UnpackedDualTensor.__module__ = "torch.autograd.forward_ad"  # repr and type name as in PyTorch

current_level = -1  # PyTorch supports a single level at a time: 0 while inside dual_level(), -1 outside
_duals = {}  # id -> weakref of every tensor given a tangent at the current level (cleared on exit)


def enter_dual_level():
    """Start forward AD: from now on, ops on dual tensors compute tangents. Returns the level (0)."""
    global current_level
    if current_level >= 0:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    current_level = 0
    return current_level


def exit_dual_level(*, level=None):
    """End forward AD: every tangent made at this level disappears."""
    global current_level
    if level is None:
        level = current_level
    if level != current_level:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that was created. This is "
                           "not supported.")
    if level < 0:
        raise RuntimeError("Dual level must be a positive number.")
    for ref in list(_duals.values()):
        tensor = ref()
        if tensor is not None:
            tensor.__dict__.pop("_tangent", None)
    _duals.clear()
    current_level = level - 1


class dual_level:
    """Context manager (and decorator) for forward AD: enters a level, and exits it (tangents vanish)."""

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, *exc):
        exit_dual_level()
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with dual_level():
                return fn(*args, **kwargs)
        return wrapper


def make_dual(tensor, tangent, *, level=None):
    """A view of `tensor` that carries `tangent` (the direction in which derivatives are taken)."""
    if level is None:
        level = current_level
    if level < 0:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                           "enter_dual_level() first.")
    if tensor._data.dtype.kind != "f":
        raise ValueError(f"Expected primal to be floating point or complex, but got: {tensor.dtype}")
    if tangent._data.dtype.kind != "f":
        raise ValueError(f"Expected tangent to be floating point or complex, but got: {tangent.dtype}")
    if level != current_level:
        raise RuntimeError("Invalid level given to _make_dual")
    if tensor._tangent is not None:
        raise RuntimeError(f"Making a dual Tensor based on a Tensor that already has a forward gradient at the same "
                           f"level {level} is not supported.")
    if tangent.shape != tensor.shape:
        raise RuntimeError("Trying to set a forward gradient that has a different size than that of the original "
                           f"Tensor, this is not supported. Tensor is of size {_size(tensor)} while the given forward "
                           f"gradient is of size {_size(tangent)}.")
    dual = tensor.view(tensor.shape)  # a view, as in PyTorch (grad_fn ViewBackward0 if tensor requires grad)
    set_tangent(dual, tangent.detach())
    return dual


def unpack_dual(tensor, *, level=None):
    """(primal, tangent): the values without the tangent, and the tangent (None if there is none)."""
    if level is None:
        level = current_level
    if level < 0 or tensor._tangent is None:
        return UnpackedDualTensor(tensor, None)
    primal = tensor._alias()
    primal.__dict__.pop("_tangent", None)
    return UnpackedDualTensor(primal, tensor._tangent)


def _size(t):
    return "[" + ", ".join(map(str, t.shape)) + "]"


def set_tangent(tensor, tangent):
    """Give `tensor` its tangent at the current level (it disappears when the level exits)."""
    tensor._tangent = tangent
    key = id(tensor)
    _duals[key] = weakref.ref(tensor, lambda ref, key=key: _duals.get(key) is ref and _duals.pop(key))


@contextlib.contextmanager
def paused():
    """While a jvp rule runs: its own ops compute no tangents of tangents, and record no graph (tangents have none)."""
    global current_level
    saved_level, grad_mode = current_level, state.grad_enabled
    current_level, state.grad_enabled = -1, False
    try:
        yield
    finally:
        current_level, state.grad_enabled = saved_level, grad_mode
