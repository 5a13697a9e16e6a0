"""Optimizer: the base class. It keeps parameter groups (a list of dicts: params + hyper-parameters) and
per-parameter state; subclasses implement step(). Updates write into each parameter's memory in place
(its version counter moves, as with PyTorch's in-place ops under no_grad).
"""
import copy
import warnings
from collections import defaultdict

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..nn.module import _zero_grad
from ..tensor import Tensor


class _Required:
    def __repr__(self):
        return "<required parameter>"


required = _Required()


class Optimizer:
    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {params.type()}")
        self.state = defaultdict(dict)
        self.param_groups = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add a dict with "params" (and optional hyper-parameters; the others come from the defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(param).__name__}")
            if not param.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len({id(p) for p in params}):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will cause "
                          "an error; see github.com/pytorch/pytorch/issues/40967 for more information", stacklevel=3)
        existing = {id(p) for group in self.param_groups for p in group["params"]}
        if existing & {id(p) for p in params}:
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        """Forget the gradients (set_to_none=True, the default) or zero them in place before the next backward."""
        for group in self.param_groups:
            for param in group["params"]:
                _zero_grad(param, set_to_none)

    def step(self, closure=None):
        """Update every parameter that has a gradient (closure: re-evaluates and returns the loss first)."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            for p in self._with_grad(group):
                self._update(p, group)
        return loss

    def _update(self, p, group):
        """The update rule for one parameter: each optimizer writes its own."""
        raise NotImplementedError

    def _closure_loss(self, closure):
        if closure is None:
            return None
        with enable_grad():
            return closure()

    @staticmethod
    def _with_grad(group):
        """The group's parameters that have a gradient: the others are left alone."""
        return [p for p in group["params"] if p.grad is not None]

    # ---- saving and loading ----
    def state_dict(self):
        """{"state": {index: state}, "param_groups": [hyper-parameters + "params": [indices]]}; parameters by index."""
        index_of, groups = {}, []
        for group in self.param_groups:
            packed = {key: value for key, value in group.items() if key != "params"}
            for p in group["params"]:
                index_of.setdefault(id(p), len(index_of))
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index_of[id(p)]: value for p, value in self.state.items() if id(p) in index_of}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        state_dict = copy.deepcopy(state_dict)
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for group, saved in zip(self.param_groups, saved_groups):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                                 "optimizer's group")
        param_of = {index: p for group, saved in zip(self.param_groups, saved_groups)
                    for index, p in zip(saved["params"], group["params"])}
        self.state = defaultdict(dict)
        for index, value in state_dict["state"].items():
            if index in param_of:
                param = param_of[index]
                self.state[param] = {key: _cast_state(param, key, v) for key, v in value.items()}
        for group, saved in zip(self.param_groups, saved_groups):
            saved["params"] = group["params"]
        self.param_groups = saved_groups

    def __repr__(self):
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def _cast_state(param, key, value):
    """Floating state takes the parameter's dtype, except the step counter (PyTorch keeps it float32)."""
    if key != "step" and isinstance(value, Tensor) and value.is_floating_point():
        return Tensor._make(value._data.astype(param._data.dtype))
    return value


def zeros_state(param):
    return Tensor._make(np.zeros_like(param._data))


def step_counter():
    """The per-parameter step count: a float32 0-d tensor, as PyTorch stores it."""
    return Tensor._make(np.zeros((), dtype=np.float32))


def write_(param, new_values):
    """The parameter's memory takes new values in place (an in-place update under no_grad)."""
    param._data[...] = new_values
    param._bump_version()


# ---- PyTorch's update arithmetic on numpy arrays, in the parameter's own dtype ----
# PyTorch's CPU kernels fuse `add(alpha=)`, `addcmul` and `lerp` into one multiply-add (one rounding). We stay
# in float32 (no float64 round trip on every step): results may differ from PyTorch's in the last bit.
def add(a, b, alpha=1.0):
    """a + alpha * b (torch.add(a, b, alpha=alpha))."""
    return a + b * a.dtype.type(alpha)


def add_(param, b, alpha):
    """param += alpha * b in the parameter's memory (param.add_(b, alpha=alpha) under no_grad)."""
    param._data += b * param._data.dtype.type(alpha)
    param._bump_version()


def addcmul(a, t1, t2, value=1.0):
    """a + value * t1 * t2."""
    return a + a.dtype.type(value) * t1 * t2


def addcdiv(a, t1, t2, value=1.0):
    """a + value * t1 / t2."""
    return a + a.dtype.type(value) * t1 / t2


def lerp(a, end, weight):
    """a + weight * (end - a), computed from the nearer end as PyTorch does."""
    w = a.dtype.type(weight)
    if abs(weight) < 0.5:
        return a + w * (end - a)
    return end - (end - a) * (1 - w)
