"""Ops lesson authors asked for: softplus, clamp_min / clamp_max, logaddexp, diag, bincount (and index_put_, in
test_views.py). Values, node names and error texts are torch 2.13's, written out; gradients are checked against finite
differences in float64 (first and second order); a live comparison with torch runs when it is installed."""
import contextlib
import io
import re

import pytest
from helpers import require_torch

import minigrad as torch

F = torch.nn.functional


def leaf(values, dtype=None):
    return torch.tensor(values, dtype=dtype, requires_grad=True)


def raises(kind, text):
    return pytest.raises(kind, match=f"^{re.escape(text)}$")


# ---- values and node names, as torch prints them ----
def test_softplus():
    x = leaf([-1.0, 0.0, 2.0, 30.0, -100.0])
    y = F.softplus(x)
    assert repr(y) == ("tensor([3.1326e-01, 6.9315e-01, 2.1269e+00, 3.0000e+01, 3.7835e-44],\n"
                       "       grad_fn=<SoftplusBackward0>)")
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    assert repr(g) == ("tensor([2.6894e-01, 5.0000e-01, 8.8080e-01, 1.0000e+00, 3.7835e-44],\n"
                       "       grad_fn=<SoftplusBackwardBackward0>)")
    (gg,) = torch.autograd.grad(g.sum(), x)
    assert repr(gg) == "tensor([0.1966, 0.2500, 0.1050, 0.0000, 0.0000])"
    assert repr(F.softplus(torch.tensor([25.0, 20.0, 19.9]), threshold=20)) == "tensor([25.0000, 20.0000, 19.9000])"
    assert repr(torch.nn.Softplus(beta=2)) == "Softplus(beta=2, threshold=20.0)"
    assert repr(torch.nn.Softplus(beta=2)(torch.tensor([1.0]))) == "tensor([1.0635])"
    with raises(NotImplementedError, "\"softplus_cpu\" not implemented for 'Long'"):
        F.softplus(torch.tensor([1, 2]))


def test_clamp_min_and_clamp_max():
    x = leaf([1.0, -2.0, 0.5, float("nan")])
    cases = [(x.clamp_min(0.5), "tensor([1.0000, 0.5000, 0.5000,    nan], grad_fn=<ClampMinBackward0>)",
              [1.0, 0.0, 1.0, 0.0]),
             (x.clamp_max(0.5), "tensor([ 0.5000, -2.0000,  0.5000,     nan], grad_fn=<ClampMaxBackward0>)",
              [0.0, 1.0, 1.0, 0.0]),
             (torch.clamp_min(x, torch.tensor(0.0)), "tensor([1.0000, 0.0000, 0.5000,    nan], "
                                                     "grad_fn=<ClampMinBackward1>)", [1.0, 0.0, 1.0, 0.0]),
             (torch.clamp_max(x, torch.tensor([0.0, 1.0, 0.5, 2.0])), "tensor([ 0.0000, -2.0000,  0.5000,     nan], "
                                                                      "grad_fn=<ClampMaxBackward1>)",
              [0.0, 1.0, 1.0, 0.0])]
    for y, text, grad in cases:
        assert repr(y) == text
        (g,) = torch.autograd.grad(y.sum(), x)
        assert g.tolist() == grad
    ints = torch.tensor([1, 2, 3])
    assert repr(ints.clamp_min(1.5)) == "tensor([1.5000, 2.0000, 3.0000])"
    h = leaf([1.0, -5.0]).clone()
    assert repr(h.clamp_min_(0)) == "tensor([1., 0.], grad_fn=<ClampMinBackward0>)"
    assert repr(torch.clamp_max_(h, 0.5)) == "tensor([0.5000, 0.0000], grad_fn=<ClampMaxBackward0>)"
    with raises(RuntimeError, "result type Float can't be cast to the desired output type long int"):
        torch.tensor([1, 2]).clamp_min_(0.5)
    none = "      didn't match because some of the arguments have invalid types: (!NoneType!)\n"
    with raises(TypeError, f"clamp_min() received an invalid combination of arguments - got (NoneType), but "
                           f"expected one of:\n * (Tensor min)\n{none} * (Number min)\n{none}"):
        x.clamp_min(None)


def test_logaddexp():
    a = leaf([1.0, 2.0, -3.0, float("inf"), -float("inf"), 0.0])
    b = leaf([3.0, -1.0, -3.0, float("inf"), -float("inf"), 1e30])
    z = torch.logaddexp(a, b)
    assert repr(z) == ("tensor([ 3.1269e+00,  2.0486e+00, -2.3069e+00,         inf,        -inf,\n"
                       "         1.0000e+30], grad_fn=<LogaddexpBackward0>)")
    ga, gb = torch.autograd.grad(z.sum(), [a, b], create_graph=True)
    assert repr(ga) == "tensor([0.1192, 0.9526, 0.5000,    nan,    nan, 0.0000],\n       grad_fn=<DivBackward0>)"
    assert repr(gb) == "tensor([0.8808, 0.0474, 0.5000,    nan,    nan, 1.0000],\n       grad_fn=<DivBackward0>)"
    half = torch.tensor([1.0], dtype=torch.float16)
    assert repr(half.logaddexp(half * 2)) == "tensor([2.3125], dtype=torch.float16)"
    with raises(NotImplementedError, "\"logaddexp_cpu\" not implemented for 'Long'"):
        torch.logaddexp(torch.tensor([1, 2]), torch.tensor([3, 4]))
    with raises(TypeError, "logaddexp(): argument 'other' (position 2) must be Tensor, not float"):
        torch.logaddexp(torch.tensor([1.0]), 2.0)


def test_diag():
    m = torch.arange(9.0).reshape(3, 3).requires_grad_()
    assert repr(torch.diag(m, 1)) == "tensor([1., 5.], grad_fn=<DiagonalBackward0_copy>)"
    assert repr(m.diag(-2)) == "tensor([6.], grad_fn=<DiagonalBackward0_copy>)"
    (g,) = torch.autograd.grad((torch.diag(m, 1) ** 2).sum(), m, create_graph=True)
    assert repr(g) == ("tensor([[ 0.,  2.,  0.],\n        [ 0.,  0., 10.],\n        [ 0.,  0.,  0.]], "
                       "grad_fn=<DiagonalBackwardBackward0>)")
    v = leaf([1.0, 2.0])
    d = torch.diag(v, -1)
    assert repr(d) == ("tensor([[0., 0., 0.],\n        [1., 0., 0.],\n        [0., 2., 0.]], "
                       "grad_fn=<DiagEmbedBackward0>)")
    (g,) = torch.autograd.grad((d ** 2).sum(), v, create_graph=True)
    assert repr(g) == "tensor([2., 4.], grad_fn=<DiagonalBackward0>)"
    assert repr(torch.diag(torch.tensor([1, 2]))) == "tensor([[1, 0],\n        [0, 2]])"
    assert repr(torch.diag(torch.tensor([]))) == "tensor([], size=(0, 0))"
    with raises(RuntimeError, "diag(): Supports 1D or 2D tensors. Got 3D"):
        torch.diag(torch.ones(2, 2, 2))


def test_bincount():
    values = torch.tensor([0, 1, 1, 3])
    assert repr(torch.bincount(values, minlength=6)) == "tensor([1, 2, 0, 1, 0, 0])"
    assert repr(values.bincount(torch.tensor([0.5, 1.0, 2.0, 1.0]))) == "tensor([0.5000, 3.0000, 0.0000, 1.0000])"
    assert repr(torch.bincount(values, torch.tensor([1, 2, 3, 4]))) == "tensor([1., 5., 0., 4.], dtype=torch.float64)"
    assert repr(torch.bincount(torch.tensor([], dtype=torch.int64), minlength=3)) == "tensor([0, 0, 0])"
    counted = torch.bincount(values, weights=leaf([1.0, 2.0, 3.0, 4.0]))
    assert repr(counted) == "tensor([1., 5., 0., 4.], grad_fn=<NotImplemented>)"
    with raises(RuntimeError, "derivative for aten::bincount is not implemented"):
        counted.sum().backward()
    with raises(RuntimeError, "bincount only supports 1-d non-negative integral inputs."):
        torch.bincount(torch.tensor([0, -1]))
    with raises(NotImplementedError, "\"bincount_cpu\" not implemented for 'Float'"):
        torch.bincount(torch.tensor([0.0, 1.0]))
    with raises(RuntimeError, "weights should be 1-d and have the same length as input"):
        torch.bincount(values, weights=torch.tensor([1.0]))
    with raises(RuntimeError, "minlength should be >= 0"):
        torch.bincount(values, minlength=-1)


# ---- gradients against finite differences (float64) ----
@pytest.mark.parametrize("name, function, inputs", [
    ("softplus", lambda x: F.softplus(x), [[-1.5, 0.3, 2.0, 25.0]]),
    ("softplus beta", lambda x: F.softplus(x, beta=2.0, threshold=3.0), [[-1.5, 0.3, 2.0, 1.2]]),
    ("clamp_min", lambda x: x.clamp_min(0.25), [[-1.5, 0.3, 2.0]]),
    ("clamp_max tensor", lambda x, hi: x.clamp_max(hi), [[-1.5, 0.3, 2.0], [0.1, 0.6, 1.0]]),
    ("logaddexp", lambda a, b: torch.logaddexp(a, b), [[-1.5, 0.3, 2.0], [0.5, -2.0, 2.5]]),
    ("diag vector", lambda v: torch.diag(v, 1) * 1.5, [[-1.5, 0.3, 2.0]]),
    ("diag matrix", lambda m: torch.diag(m, -1) ** 2, [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]),
])
def test_gradients_against_finite_differences(name, function, inputs):
    tensors = tuple(leaf(values, dtype=torch.float64) for values in inputs)
    assert torch.autograd.gradcheck(function, tensors)
    assert torch.autograd.gradgradcheck(function, tensors)


# ---- the same programs under a live torch ----
PROGRAMS = ["""
x = torch.tensor([-3.0, -0.5, 0.0, 0.7, 19.0, 25.0], requires_grad=True)
y = torch.nn.functional.softplus(x, beta=1.5, threshold=10)
g, = torch.autograd.grad(y.sum(), x, create_graph=True)
print(y, g, torch.autograd.grad((g * g).sum(), x))
""", """
a = torch.tensor([[0.5, -2.0], [3.0, 1e4]], requires_grad=True)
b = torch.tensor([1.0, -1e4], requires_grad=True)
z = a.logaddexp(b)
print(z, torch.autograd.grad((z * z).sum(), [a, b], create_graph=True))
""", """
x = torch.tensor([[0.5, -2.0, 1.0], [3.0, 0.0, -1.0]], requires_grad=True)
y = x.clamp_min(torch.tensor([0.0, 0.5, -1.0])) + x.clamp_max(0.0)
print(y, torch.autograd.grad(y.sum(), x, create_graph=True))
""", """
m = torch.arange(12.0).reshape(3, 4).requires_grad_()
v = torch.tensor([1.0, -2.0], requires_grad=True)
out = torch.diag(m, 1).sum() * torch.diag(v, 2)
print(out, torch.autograd.grad(out.sum(), [m, v], create_graph=True))
print(torch.bincount(torch.tensor([4, 1, 1]), torch.tensor([0.5, 1.0, 2.0], dtype=torch.float64), minlength=2))
"""]


def run(library, program):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(program, {"torch": library})  # noqa: S102 - fixed text above
    return re.sub(r"0x[0-9a-f]+", "0x...", out.getvalue())


@pytest.mark.parametrize("program", PROGRAMS)
def test_same_output_as_torch(program):
    real = require_torch()
    assert run(torch, program) == run(real, program)
