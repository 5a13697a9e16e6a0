"""Forward-mode AD, named and behaving as torch.autograd.forward_ad.

A dual tensor carries a tangent `t` next to its value `x`. Every op applied to dual tensors also
computes its output's tangent J·t (a Jacobian-vector product) right away, in the forward pass, from
the op's jvp rule below: no graph, no backward. One forward pass gives one column of the Jacobian.

    with dual_level():
        x = make_dual(tensor([1., 2.]), tensor([1., 0.]))   # direction of the derivative
        y = x ** 2 + x.sin()
        value, tangent = unpack_dual(y)                       # tangent = dy/dx · [1, 0]
"""
import contextlib
import functools
import weakref
from collections import namedtuple

import numpy as np

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


def legacy_rule(cls):
    """The jvp of a built-in op whose rule is still in the table below, as a jvp(ctx, *tangents)."""
    rules = jvp_rules()
    for klass in cls.__mro__:
        rule = rules.get(klass)
        if rule is not None:
            return lambda ctx, *t: rule(ctx, ctx.inputs, t, ctx.outputs[0] if len(ctx.outputs) == 1 else ctx.outputs)
    raise RuntimeError(f"Trying to use forward AD with {cls._node_cls.__name__} that does not support it because it "
                       "has not been implemented yet.")


# ---- the jvp rules: rule(ctx, args, tangents, out) -> the output's tangent (a tuple for several outputs) ----
# args are the op's arguments, tangents one per argument (zeros for a tensor without one, None for a
# non-tensor), out the op's result. Each rule is the derivative of the op's forward, like its backward.

_RULES = None


def jvp_rules():
    """The table {Function class: jvp rule}; an op's subclasses (ReshapeAlias of View, ...) use its rule."""
    global _RULES
    if _RULES is None:
        _RULES = _build_rules()
    return _RULES


def _wrap(array):
    from .function import wrap  # cycle: function -> forward_ad (this table is on its way out)
    return wrap(array)


def _build_rules():
    from .. import where
    from ..ops import linalg as la
    from ..ops import misc
    from ..ops import pointwise as pw
    from ..ops import reduce as rd
    from ..ops import shape as sh
    from ..ops.reduce import _dims, _unsqueeze_to

    def linear(cls):  # rule for a linear op: the same op on the tangent
        return lambda ctx, x, t, out: cls.apply(t[0], *x[1:])

    def reduced(x, t, factor, dims, keepdim):
        """sum over the reduced dims of tangent * d(out)/d(a): the jvp of a reduction."""
        a = x[0]
        if a.ndim == 0:
            return t[0] * factor
        return (t[0] * factor).sum(dim=dims, keepdim=keepdim)

    def extremum_all(ctx, x, t, out):  # ties share the derivative evenly, as in the backward
        a = x[0]
        dim, keepdim = (x[1] if len(x) > 1 else None), (x[2] if len(x) > 2 else False)
        dims = _dims(dim, a.ndim)
        hit = a == _unsqueeze_to(out, dims, keepdim, a.ndim)
        count = hit.sum(dim=dims, keepdim=True) if a.ndim else 1
        return reduced(x, t, hit / count, dims, keepdim)

    def extremum_dim(ctx, x, t, out):  # the tangent at the chosen index; indices get none
        a, dim, keepdim = x
        if a.ndim == 0:
            return t[0], None
        d = dim % a.ndim
        index = np.expand_dims(out[1]._data, d) if not keepdim else out[1]._data
        picked = np.take_along_axis(t[0]._data, index, axis=d)
        return _wrap(picked if keepdim else picked.squeeze(d)), None

    def norm(ctx, x, t, out):
        a, p, dim, keepdim = x
        dims = _dims(dim, a.ndim)
        n = _unsqueeze_to(out, dims, keepdim, a.ndim)
        if p == 1:
            factor = a.sign()
        elif p == float("inf"):
            hit = a.abs() == n
            factor = a.sign() * hit / (hit.sum(dim=dims, keepdim=True) if a.ndim else 1)
        else:
            factor = where(n == 0, 0.0, a * a.abs() ** (p - 2) / n ** (p - 1))
        return reduced(x, t, factor, dims, keepdim)

    def count(a, dims):
        return int(np.prod([a.shape[d] for d in dims])) if a.ndim else 1

    def var(ctx, x, t, out):
        a, dim, correction, keepdim = x
        dims = _dims(dim, a.ndim)
        centered = a - a.mean(dim=dims, keepdim=True) if a.ndim else a * 0
        return reduced(x, t, 2 * centered / (count(a, dims) - correction), dims, keepdim)

    def std(ctx, x, t, out):
        a, dim, correction, keepdim = x
        dims = _dims(dim, a.ndim)
        centered = a - a.mean(dim=dims, keepdim=True) if a.ndim else a * 0
        s = _unsqueeze_to(out, dims, keepdim, a.ndim)
        return reduced(x, t, centered / ((count(a, dims) - correction) * s), dims, keepdim)

    def softmax(ctx, x, t, out):
        if x[0].ndim == 0:
            return t[0] * 0
        return out * (t[0] - (t[0] * out).sum(dim=x[1], keepdim=True))

    def log_softmax(ctx, x, t, out):
        if x[0].ndim == 0:
            return t[0] * 0
        return t[0] - (out.exp() * t[0]).sum(dim=x[1], keepdim=True)

    def logsumexp(ctx, x, t, out):
        a, dim, keepdim = x
        dims = _dims(dim, a.ndim)
        return reduced(x, t, (a - _unsqueeze_to(out, dims, keepdim, a.ndim)).exp(), dims, keepdim)

    def maximum(ctx, x, t, out, larger=True):  # ties split the derivative evenly, as in the backward
        a, b = x
        share = ((a > b) if larger else (a < b)) + (a == b) * 0.5
        return t[0] * share + t[1] * (1 - share)

    def clamp(ctx, x, t, out):
        a, lo, hi = x
        inside = a == a
        if lo is not None:
            inside = inside & (a >= lo)
        if hi is not None:
            inside = inside & (a <= hi)
        return t[0] * inside

    def pow_tensor(ctx, x, t, out):
        a, b = x
        return t[0] * b * a ** (b - 1) + t[1] * where((a == 0) & (b >= 0), 0.0, out * a.log())

    def product(ctx, x, t, out):  # bilinear: d(a b) = da b + a db (mul, dot, mv, mm, matmul)
        return t[0] @ x[1] + x[0] @ t[1]

    return {
        # element-wise
        pw.Add: lambda ctx, x, t, out: t[0] + t[1] if t[1] is not None else t[0],
        pw.Sub: lambda ctx, x, t, out: t[0] - t[1] if t[1] is not None else t[0],
        pw.AddScaled: lambda ctx, x, t, out: t[0] + t[1] * x[2] if t[1] is not None else t[0],
        pw.SubScaled: lambda ctx, x, t, out: t[0] - t[1] * x[2] if t[1] is not None else t[0],
        pw.Rsub: lambda ctx, x, t, out: -t[0],
        pw.Mul: lambda ctx, x, t, out: t[0] * x[1] + x[0] * t[1] if t[1] is not None else t[0] * x[1],
        pw.Div: lambda ctx, x, t, out: (t[0] - out * t[1]) / x[1] if t[1] is not None else t[0] / x[1],
        pw.Neg: lambda ctx, x, t, out: -t[0],
        pw.Pow: lambda ctx, x, t, out: t[0] * 0 if x[1] == 0 else t[0] * x[1] * x[0] ** (x[1] - 1),
        pw.PowTensor: pow_tensor,
        pw.RPow: lambda ctx, x, t, out: t[0] * out * float(np.log(x[1])),
        pw.Exp: lambda ctx, x, t, out: t[0] * out,
        pw.Log: lambda ctx, x, t, out: t[0] / x[0],
        pw.Sin: lambda ctx, x, t, out: t[0] * x[0].cos(),
        pw.Cos: lambda ctx, x, t, out: -t[0] * x[0].sin(),
        pw.Tanh: lambda ctx, x, t, out: t[0] * (1 - out * out),
        pw.Sigmoid: lambda ctx, x, t, out: t[0] * out * (1 - out),
        pw.Relu: lambda ctx, x, t, out: t[0] * (out > 0),
        pw.Abs: lambda ctx, x, t, out: t[0] * x[0].sign(),
        pw.Sqrt: lambda ctx, x, t, out: t[0] / (2 * out),
        pw.Reciprocal: lambda ctx, x, t, out: -t[0] * out * out,
        pw.Clamp: clamp,
        pw.Maximum: maximum,
        pw.Minimum: lambda ctx, x, t, out: maximum(ctx, x, t, out, larger=False),
        pw.Where: lambda ctx, x, t, out: where(_wrap(x[0]), t[1], t[2]),
        pw.Sign: lambda ctx, x, t, out: t[0] * 0,
        # reductions
        rd.Sum: linear(rd.Sum),
        rd.SumDim: linear(rd.SumDim),
        rd.Mean: linear(rd.Mean),
        rd.MeanDim: linear(rd.MeanDim),
        rd._ExtremumAll: extremum_all,
        rd._ExtremumDim: extremum_dim,
        rd.Norm: norm,
        rd.Var: var,
        rd.Std: std,
        rd.Softmax: softmax,
        rd.LogSoftmax: log_softmax,
        rd.Logsumexp: logsumexp,
        # products
        la.Dot: product,
        la.Mv: product,
        la.Mm: product,
        la.SqueezeRow: linear(la.SqueezeRow),
        la.Bmm: product,
        la.Addmm: lambda ctx, x, t, out: t[0] + t[1] @ x[2] + x[1] @ t[2],
        # shape ops and copies: linear, so the same op moves the tangent
        sh.View: lambda ctx, x, t, out: t[0].reshape(out.shape),  # a tangent need not be contiguous
        sh.UnsafeView: lambda ctx, x, t, out: t[0].reshape(out.shape),
        sh.AsStrided: lambda ctx, x, t, out: _wrap(t[0]._data.reshape(-1)[x[1]]),
        sh.Transpose: linear(sh.Transpose),
        sh.T: linear(sh.T),
        sh.Permute: linear(sh.Permute),
        sh.Squeeze: lambda ctx, x, t, out: t[0].reshape(out.shape),
        sh.Unsqueeze: linear(sh.Unsqueeze),
        sh.Expand: linear(sh.Expand),
        sh.Index: lambda ctx, x, t, out: _wrap(t[0]._data[x[1]]),
        sh.Select: lambda ctx, x, t, out: _wrap(t[0]._data[x[1]]),
        sh.SelectBackward: linear(sh.SelectBackward),
        sh.IndexAddInto: linear(sh.IndexAddInto),
        sh.IndexPut: lambda ctx, x, t, out: sh.IndexPut.apply(t[0], t[1], x[2]),
        sh.Cat: lambda ctx, x, t, out: sh.Cat.apply(x[0], *t[1:]),
        sh.Stack: lambda ctx, x, t, out: sh.Stack.apply(x[0], *t[1:]),
        misc.Clone: linear(misc.Clone),
        misc.ToCopy: linear(misc.ToCopy),
        misc.CopyBackwards: linear(misc.CopyBackwards),
        misc.FillTensor: lambda ctx, x, t, out: t[1],  # the value's tangent, everywhere
        sh.MaskedFillTensor: lambda ctx, x, t, out: sh.MaskedFillTensor.apply(t[0], x[1], t[2]),
        sh.Scatter: lambda ctx, x, t, out: sh.Scatter.apply(t[0], x[1], x[2], t[3]),
        sh.Gather: linear(sh.Gather),
    }
