"""Every differentiable op carries its forward-mode rule (`jvp`) next to its backward. This test finds every built-in
Function in minigrad and checks, on random float64 inputs, that the op's jvp gives J·t for the Jacobian J that reverse
mode computes (one vector-Jacobian product per output element). An op added without a case here, or without a jvp,
fails the first test."""
import numpy as np
import pytest

import minigrad as torch
import minigrad.autograd.forward_ad as fwAD
from minigrad.autograd.function import Function
from minigrad.ops import activation as act
from minigrad.ops import linalg as la
from minigrad.ops import loss, misc
from minigrad.ops import pointwise as pw
from minigrad.ops import reduce as rd
from minigrad.ops import shape as sh


class Inputs:
    """Random float64 tensors for one case (seeded per op, so every run checks the same numbers)."""

    def __init__(self, rng):
        self.rng = rng

    def t(self, *shape, low=-1.5, high=1.5):
        return torch.tensor(self.rng.uniform(low, high, shape))

    def away_from_zero(self, *shape):
        return torch.tensor(self.rng.uniform(0.5, 1.5, shape) * self.rng.choice([-1.0, 1.0], shape))

    def positive(self, *shape):
        return self.t(*shape, low=0.3, high=2.0)


UNIQUE_ROWS = np.array([[0, 2], [1, 3], [3, 0]])  # per row distinct columns: scatter writes each place once
MASK = np.array([[True, False, True, False], [False, False, True, True], [True, True, False, False]])

# op -> a list of argument makers: each returns the arguments of op.apply (tensors float64)
CASES = {
    # element-wise
    pw.Add: [lambda r: (r.t(2, 3), r.t(3)), lambda r: (r.t(2, 3), 2.0)],
    pw.Sub: [lambda r: (r.t(2, 1), r.t(2, 3)), lambda r: (r.t(3), 2.0)],
    pw.AddScaled: [lambda r: (r.t(2, 3), r.t(3), 2.5)],
    pw.SubScaled: [lambda r: (r.t(2, 3), r.t(2, 3), 0.5)],
    pw.Rsub: [lambda r: (r.t(2, 3), 2.0)],
    pw.Mul: [lambda r: (r.t(2, 3), r.t(3)), lambda r: (r.t(4), 3.0)],
    pw.Div: [lambda r: (r.t(2, 3), r.away_from_zero(3)), lambda r: (r.t(4), 3.0)],
    pw.MulScalar: [lambda r: (r.t(2, 3), 2.5)],
    pw.DivScalar: [lambda r: (r.t(2, 3), 2.5)],
    pw.Neg: [lambda r: (r.t(2, 3),)],
    pw.Pow: [lambda r: (r.positive(2, 3), 3), lambda r: (r.positive(4), 2.5), lambda r: (r.t(3), 0)],
    pw.PowTensor: [lambda r: (r.positive(2, 3), r.t(3))],
    pw.PowScalar: [lambda r: (r.t(2, 3), 2.0)],
    pw.Exp: [lambda r: (r.t(2, 3),)],
    pw.Log: [lambda r: (r.positive(2, 3),)],
    pw.Log1p: [lambda r: (r.positive(2, 3),)],
    pw.Sin: [lambda r: (r.t(2, 3),)],
    pw.Cos: [lambda r: (r.t(2, 3),)],
    pw.Tan: [lambda r: (r.t(2, 3, low=-1, high=1),)],
    pw.Tanh: [lambda r: (r.t(2, 3),)],
    pw.TanhBackward: [lambda r: (r.t(2, 3), r.t(2, 3, low=-0.9, high=0.9))],
    pw.Sigmoid: [lambda r: (r.t(2, 3),)],
    pw.SigmoidBackward: [lambda r: (r.t(2, 3), r.t(2, 3, low=0.1, high=0.9))],
    pw.Relu: [lambda r: (r.away_from_zero(2, 3),)],
    pw.ThresholdBackward: [lambda r: (r.t(2, 3), r.away_from_zero(2, 3))],
    pw.Abs: [lambda r: (r.away_from_zero(2, 3),)],
    pw.Sqrt: [lambda r: (r.positive(2, 3),)],
    pw.Reciprocal: [lambda r: (r.away_from_zero(2, 3),)],
    pw.Rsqrt: [lambda r: (r.positive(2, 3),)],
    pw.Clamp: [lambda r: (r.t(2, 3), -0.5, 0.6), lambda r: (r.t(4), None, 0.3)],
    pw.ClampTensor: [lambda r: (r.t(2, 3), r.t(3, low=-2, high=-0.2), r.t(2, 3, low=0.2, high=2)),
                     lambda r: (r.t(2, 3), None, r.t(3))],
    pw.Maximum: [lambda r: (r.t(2, 3), r.t(3))],
    pw.Minimum: [lambda r: (r.t(2, 3), r.t(2, 3))],
    pw.Where: [lambda r: (np.array([[True, False, True], [False, False, True]]), r.t(2, 3), r.t(3))],
    pw.Lerp: [lambda r: (r.t(2, 3), r.t(2, 3), 0.3), lambda r: (r.t(3), r.t(3), 0.8)],
    pw.LerpTensor: [lambda r: (r.t(2, 3), r.t(3), r.t(2, 3))],
    pw.Remainder: [lambda r: (r.t(2, 3, low=0.1, high=0.9), r.positive(3) + 1)],
    pw.RemainderNumber: [lambda r: (r.t(2, 3, low=0.1, high=1.4), 1.5)],
    pw.DivRounding: [lambda r: (r.t(2, 3, low=0.1, high=0.9), r.positive(3) + 1, "floor"),
                     lambda r: (r.t(3), 2.0, "trunc")],
    pw.Sign: [lambda r: (r.t(2, 3),)],
    pw.Sgn: [lambda r: (r.t(2, 3),)],
    pw.Floor: [lambda r: (r.t(2, 3, low=0.1, high=0.9),)],
    pw.Round: [lambda r: (r.t(2, 3, low=0.1, high=0.4),)],
    act.LeakyRelu: [lambda r: (r.away_from_zero(2, 3), 0.1)],
    act.LeakyReluBackward: [lambda r: (r.t(2, 3), r.away_from_zero(2, 3), 0.1)],
    # reductions
    rd.Sum: [lambda r: (r.t(2, 3),)],
    rd.SumDim: [lambda r: (r.t(2, 3), (1,), False), lambda r: (r.t(2, 3, 2), (0, 2), True)],
    rd.Prod: [lambda r: (r.t(2, 3), None, False)],
    rd.ProdDim: [lambda r: (r.t(2, 3), 1, False), lambda r: (r.t(2, 3), 0, True)],
    rd.Cumsum: [lambda r: (r.t(2, 3), 1)],
    rd.ReverseCumsum: [lambda r: (r.t(2, 3), 0)],
    rd.Mean: [lambda r: (r.t(2, 3),)],
    rd.MeanDim: [lambda r: (r.t(2, 3), 1, True), lambda r: (r.t(2, 3), (0,), False)],
    rd.Max: [lambda r: (r.t(2, 3),)],
    rd.Min: [lambda r: (r.t(2, 3),)],
    rd.Amax: [lambda r: (r.t(2, 3), (1,), False)],
    rd.Amin: [lambda r: (r.t(2, 3), 0, True)],
    rd.MaxDim: [lambda r: (r.t(2, 3), 1, False), lambda r: (r.t(2, 3), 0, True)],
    rd.MinDim: [lambda r: (r.t(2, 3), 0, False)],
    rd.Norm: [lambda r: (r.t(2, 3), 2.0, None, False), lambda r: (r.away_from_zero(2, 3), 1.0, (1,), True),
              lambda r: (r.t(2, 3), 3.0, (0,), False), lambda r: (r.t(2, 3), float("inf"), None, False)],
    rd.Var: [lambda r: (r.t(2, 3), None, 1, False), lambda r: (r.t(2, 3), (1,), 0, True)],
    rd.Std: [lambda r: (r.t(2, 3), None, 1, False), lambda r: (r.t(2, 4), (1,), 1, False)],
    rd.Softmax: [lambda r: (r.t(2, 3), 1)],
    rd.SoftmaxBackwardData: [lambda r: (r.t(2, 3), r.t(2, 3, low=0.1, high=0.9), 1)],
    rd.LogSoftmax: [lambda r: (r.t(2, 3), 0)],
    rd.LogSoftmaxBackwardData: [lambda r: (r.t(2, 3), r.t(2, 3, low=-2, high=-0.1), 1)],
    rd.Logsumexp: [lambda r: (r.t(2, 3), (1,), False), lambda r: (r.t(2, 3), None, True)],
    # products
    la.Dot: [lambda r: (r.t(3), r.t(3))],
    la.Mv: [lambda r: (r.t(2, 3), r.t(3))],
    la.Mm: [lambda r: (r.t(2, 3), r.t(3, 4))],
    la.SqueezeRow: [lambda r: (r.t(1, 4),)],
    la.Bmm: [lambda r: (r.t(2, 2, 3), r.t(2, 3, 4))],
    la.Addmm: [lambda r: (r.t(4), r.t(2, 3), r.t(3, 4))],
    # shape ops
    sh.View: [lambda r: (r.t(3, 4), (4, 3))],
    sh.ReshapeAlias: [lambda r: (r.t(3, 4), (2, 6))],
    sh.UnsafeView: [lambda r: (r.t(3, 4), (12,))],
    sh.Transpose: [lambda r: (r.t(2, 3, 4), 0, 2)],
    sh.T: [lambda r: (r.t(3, 4),)],
    sh.Permute: [lambda r: (r.t(2, 3, 4), (2, 0, 1))],
    sh.Squeeze: [lambda r: (r.t(3, 1, 4),)],
    sh.SqueezeDim: [lambda r: (r.t(3, 1, 4), 1)],
    sh.Unsqueeze: [lambda r: (r.t(3, 4), 1)],
    sh.Expand: [lambda r: (r.t(3, 1), (2, 3, 4))],
    sh.Repeat: [lambda r: (r.t(2, 3), (2, 1, 2))],
    sh.Cat: [lambda r: (1, r.t(2, 3), r.t(2, 1))],
    sh.Stack: [lambda r: (0, r.t(2, 3), r.t(2, 3))],
    sh.Split: [lambda r: (r.t(3, 4), (1, 2), 0)],
    sh.SplitWithSizes: [lambda r: (r.t(3, 4), (3, 1), 1)],
    sh.Unbind: [lambda r: (r.t(3, 4), 1)],
    sh.MaskedFill: [lambda r: (r.t(3, 4), MASK, 2.0)],
    sh.MaskedFillTensor: [lambda r: (r.t(3, 4), MASK, r.t())],
    sh.Scatter: [lambda r: (r.t(3, 4), 1, UNIQUE_ROWS, r.t(3, 2))],
    sh.Gather: [lambda r: (r.t(3, 4), 1, UNIQUE_ROWS)],  # (its backward scatters: indices never repeat here)
    sh.Index: [lambda r: (r.t(3, 4), (np.array([2, 0, 2]),)), lambda r: (r.t(3, 4), MASK)],
    sh.Select: [lambda r: (r.t(3, 4), (1, Ellipsis))],
    sh.Slice: [lambda r: (r.t(3, 4), (slice(None), slice(1, 3), Ellipsis))],
    sh.UnsqueezeIndex: [lambda r: (r.t(3, 4), (None, Ellipsis))],
    sh.Alias: [lambda r: (r.t(3, 4), (Ellipsis,))],
    sh.SelectBackward: [lambda r: (r.t(4), (1, Ellipsis), (3, 4))],
    sh.SliceBackward: [lambda r: (r.t(2, 4), (slice(0, 2), Ellipsis), (3, 4))],
    sh.UnsqueezeBackward: [lambda r: (r.t(1, 3, 4), (None, Ellipsis), (3, 4))],
    sh.AsStrided: [lambda r: (r.t(3, 4), np.array([[0, 5], [6, 11]]))],
    sh.IndexPutImpl: [lambda r: (r.t(3, 2), (np.array([0, 2, 0]),), (3, 2))],
    sh.IndexPut: [lambda r: (r.t(3, 2), r.t(2, 2), (np.array([0, 2]),))],
    # copies
    misc.Clone: [lambda r: (r.t(2, 3),)],
    misc.ToCopy: [lambda r: (r.t(2, 3), np.dtype(np.float32))],
    misc.CopyBackwards: [lambda r: (r.t(2, 3),)],
    misc.CopyInto: [lambda r: (r.t(2, 3), r.t(3))],
    misc.Fill: [lambda r: (r.t(2, 3), 2.0)],
    misc.Zero: [lambda r: (r.t(2, 3), 0)],
    misc.FillTensor: [lambda r: (r.t(2, 3), r.t())],
    # losses
    loss.MseLoss: [lambda r: (r.t(2, 3), r.t(2, 3), "mean"), lambda r: (r.t(4), r.t(4), "none"),
                   lambda r: (r.t(4), r.t(4), "sum")],
    loss.MseLossBackward: [lambda r: (r.t(2, 3), r.t(2, 3), r.t(2, 3), 0.5)],
    loss.BinaryCrossEntropy: [lambda r: (r.t(2, 3, low=0.1, high=0.9), r.t(2, 3, low=0, high=1), None, "mean"),
                              lambda r: (r.t(4, low=0.1, high=0.9), r.t(4, low=0, high=1), None, "none")],
    loss.BinaryCrossEntropyWithLogits: [
        lambda r: (r.t(2, 3), r.t(2, 3, low=0, high=1), None, None, "mean"),
        lambda r: (r.t(4), r.t(4, low=0, high=1), None, 2.0, "sum")],
    loss.NllLoss: [lambda r: (r.t(4, 3), np.array([0, 2, 1, 2]), None, -100, "mean"),
                   lambda r: (r.t(4, 3), np.array([0, 2, 1, 2]), None, 1, "none")],
    loss.NllLossBackward: [lambda r: (r.t(), r.t(4, 3), np.array([0, 2, 1, 2]), None, -100, "mean"),
                           lambda r: (r.t(4), r.t(4, 3), np.array([0, 2, 1, 2]), np.array([1.0, 2.0, 0.5]), 1,
                                      "none")],
    # asked for by lesson authors
    pw.ClampMin: [lambda r: (r.t(2, 3), -0.5, None)],
    pw.ClampMax: [lambda r: (r.t(2, 3), None, 0.6)],
    pw.ClampMinTensor: [lambda r: (r.t(2, 3), r.t(3), None)],
    pw.ClampMaxTensor: [lambda r: (r.t(2, 3), None, r.t(3))],
    pw.LogAddExp: [lambda r: (r.t(2, 3), r.t(3))],
    act.Softplus: [lambda r: (r.t(2, 3), 1.0, 20.0), lambda r: (r.t(4), 2.0, 1.0)],
    act.SoftplusBackward: [lambda r: (r.t(2, 3), r.t(2, 3), 1.5, 20.0)],
    sh.DiagEmbed: [lambda r: (r.t(3), 1)],
    sh.Diagonal: [lambda r: (r.t(3, 4), -1)],
    sh.DiagonalCopy: [lambda r: (r.t(3, 3), 0)],
    sh.DiagonalBackward: [lambda r: (r.t(2), (3, 3), 1)],
    sh.SqueezeDims: [lambda r: (r.t(1, 3, 1), (0, 2))],
}

# ops PyTorch has no derivative for: forward AD refuses them with PyTorch's text
NOT_DIFFERENTIABLE = {pw.FloorDivide: "aten::floor_divide", pw.RFloorDivide: "aten::floor_divide",
                      pw.RRemainder: "aten::remainder", misc.Bincount: "aten::bincount"}
NOT_DIFFERENTIABLE_ARGUMENTS = {misc.Bincount: lambda dual: (dual, np.array([0, 1]), 0)}  # others: (dual, 2.0)

TOLERANCE = {misc.ToCopy: 1e-6}  # the tangent is rounded to float32 with the values


def builtin_ops():
    """Every Function subclass defined in minigrad that is an op: it has a node name and a forward (a base such as
    NotDifferentiable has no forward of its own)."""
    found, stack = set(), [Function]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            is_op = sub.node_name is not None and sub.forward is not Function.forward
            if sub.__module__.startswith("minigrad.") and is_op:
                found.add(sub)
    return found


def _name(op):
    return f"{op.__module__.rsplit('.', 1)[-1]}.{op.__name__}"


def test_every_op_has_a_jvp_and_a_case_here():
    ops = builtin_ops()
    assert len(ops) > 100
    without_jvp = sorted(_name(op) for op in ops if op.jvp is Function.jvp)
    assert without_jvp == []
    untested = sorted(_name(op) for op in ops - set(CASES) - set(NOT_DIFFERENTIABLE))
    assert untested == []
    assert set(CASES) | set(NOT_DIFFERENTIABLE) <= ops


def _is_float_tensor(value):
    return isinstance(value, torch.Tensor) and value.dtype.is_floating_point


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def _reverse_mode_jvp(op, args, tangents):
    """J·t from reverse mode: row k of J (one vector-Jacobian product per output element) dotted with t."""
    inputs = [a.detach().requires_grad_() if _is_float_tensor(a) else a for a in args]
    float_inputs = [a for a in inputs if _is_float_tensor(a)]
    results = []
    for out in _as_tuple(op.apply(*inputs)):
        if not out.requires_grad:
            results.append(None)
            continue
        column = np.zeros(out.numel())
        for k in range(out.numel()):
            one_hot = np.zeros(out.numel())
            one_hot[k] = 1
            grads = torch.autograd.grad(out, float_inputs, torch.tensor(one_hot.reshape(out.shape), dtype=out.dtype),
                                        retain_graph=True, allow_unused=True)
            column[k] = sum(float((g.double() * t).sum()) for g, t in zip(grads, tangents) if g is not None)
        results.append(column.reshape(out.shape))
    return results


def _forward_mode_jvp(op, args, tangents):
    with fwAD.dual_level():
        it = iter(tangents)
        duals = [fwAD.make_dual(a, next(it)) if _is_float_tensor(a) else a for a in args]
        outs = _as_tuple(op.apply(*duals))
        return [fwAD.unpack_dual(out).tangent for out in outs]


CASE_IDS = [(op, i) for op in CASES for i in range(len(CASES[op]))]


@pytest.mark.parametrize("op,case", CASE_IDS, ids=[f"{_name(op)}-{i}" for op, i in CASE_IDS])
def test_jvp_equals_the_reverse_mode_jacobian_times_the_tangent(op, case):
    rng = np.random.default_rng(sum(map(ord, _name(op))) + case)
    args = CASES[op][case](Inputs(rng))
    tangents = [torch.tensor(rng.uniform(-1, 1, a.shape)) for a in args if _is_float_tensor(a)]
    expected = _reverse_mode_jvp(op, args, tangents)
    got = _forward_mode_jvp(op, args, tangents)
    assert len(got) == len(expected)
    tolerance = TOLERANCE.get(op, 1e-9)
    for want, tangent in zip(expected, got):
        if want is None:  # an output without derivative (indices) gets no tangent
            assert tangent is None
            continue
        assert tangent is not None and tangent.shape == want.shape
        np.testing.assert_allclose(tangent.numpy(), want, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("op", list(NOT_DIFFERENTIABLE), ids=_name)
def test_ops_without_derivative_refuse_forward_mode_as_pytorch(op):
    with fwAD.dual_level():
        dual = fwAD.make_dual(torch.tensor([1.5, 2.5]), torch.tensor([1.0, 1.0]))
        with pytest.raises(NotImplementedError) as error:
            op.apply(*NOT_DIFFERENTIABLE_ARGUMENTS.get(op, lambda d: (d, 2.0))(dual))
    assert str(error.value) == f"Trying to use forward AD with {NOT_DIFFERENTIABLE[op]} that does not support it."
