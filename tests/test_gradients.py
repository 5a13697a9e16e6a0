"""Every differentiable op: minigrad's gradient vs central finite differences, in float64.

One table (`OPS`) drives the tests, minitorch MathTest style: an entry names the op, the function
of minigrad tensors to differentiate, the shapes to try (hypothesis, broadcastable where the op
broadcasts, 0-d and size-1 dims included) and the values that keep it inside its domain (log of
positives, no inputs near the kinks of relu/abs/clamp, no ties for max/min).

The loss is sum(W * op(x)) with fixed uneven weights W (a vector-Jacobian product, not just a sum).
For second derivatives the loss is sum(W * op(x)**2), so the incoming gradient depends on x too:
grad-of-grad with create_graph=True is compared with finite differences of the first gradient.
"""
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from helpers import numerical_grad
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays, mutually_broadcastable_shapes

import minigrad
from minigrad import autograd

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---- values inside each op's domain ----


def floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


ANY = floats(-2, 2)
POSITIVE = floats(0.5, 2)
AWAY_FROM_ZERO = st.one_of(floats(-2, -0.1), floats(0.1, 2))  # kinks of relu/abs/sign at 0, poles of 1/x
AWAY_FROM_HALF = st.one_of(floats(-2, -0.6), floats(-0.4, 0.4), floats(0.6, 2))  # kinks of clamp(-0.5, 0.5)
DISTINCT = "distinct"  # no ties: max/min/maximum/minimum/std pick one element, finite differences must not flip it


def draw_array(data, shape, values, offset=0.0):
    if values is DISTINCT:  # a shuffled grid with spacing 0.25; `offset` keeps two inputs apart
        n = int(np.prod(shape, dtype=int))
        order = data.draw(st.permutations(range(n)))
        return np.array((np.reshape(order, shape) - n // 2) * 0.25 + offset, dtype=np.float64)
    return data.draw(arrays(np.float64, shape, elements=values))


# ---- shapes ----
ONE = array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3).map(lambda s: (s,))
ONE_ND = array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3).map(lambda s: (s,))
ONE_2D = array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=3).map(lambda s: (s,))
ONE_MATRIX = array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3).map(lambda s: (s,))
ONE_WIDE = array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=3).map(lambda s: (s,))  # var/std need n > 1
TWO = mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=3).map(
    lambda b: b.input_shapes)
SIDE = st.integers(1, 3)


@st.composite
def matmul_shapes(draw):
    """Every case of matmul: dot, mv, 1-D @ 2-D, mm, and batched with broadcast batch dims."""
    n, m, k = draw(SIDE), draw(SIDE), draw(SIDE)
    batch_a, batch_b = draw(mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=3)
                            ).input_shapes
    return draw(st.sampled_from([
        ((m,), (m,)), ((n, m), (m,)), ((m,), (m, k)), ((n, m), (m, k)),
        ((*batch_a, n, m), (*batch_b, m, k)), ((2, n, m), (m,)), ((m,), (2, m, k))]))


@st.composite
def cat_shapes(draw):
    """Two shapes equal except along dim 1 (or dim 0 for 1-D)."""
    shape = draw(array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3))
    dim = min(1, len(shape) - 1)
    other = list(shape)
    other[dim] = draw(SIDE)
    return shape, tuple(other)


SAME_TWO = array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3).map(lambda s: (s, s))
ROW_AND_VALUE = array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3).map(lambda s: (s, s[1:]))


# ---- helpers the table uses ----
def pattern(shape):
    """A fixed boolean pattern (where's condition, boolean masks): constant, so not an input."""
    return minigrad.tensor((np.arange(int(np.prod(shape, dtype=int))) % 3 != 1).reshape(shape))


def where(a, b):
    return minigrad.where(pattern(np.broadcast_shapes(a.shape, b.shape)), a, b)


def grow(x):
    """expand: a new leading dim, and every size-1 dim widened to 3."""
    return x.expand(2, *[3 if s == 1 else s for s in x.shape])


def set_first_row(x, v):
    y = x.clone()
    y[0] = v * 2
    return y


def set_masked(x):
    y = x * 1
    y[pattern(x.shape)] = 0.0
    return y


def augmented(x):
    y = x * 1
    y += 1
    y *= x
    y /= 2
    y -= x
    return y


@dataclass
class Op:
    name: str
    fn: Callable
    shapes: st.SearchStrategy = ONE
    values: object = ANY
    second: bool = True  # also check second derivatives


OPS = [
    # arithmetic, tensor with tensor (broadcasting) and with numbers (reflected too)
    Op("add", lambda a, b: a + b, TWO),
    Op("sub", lambda a, b: a - b, TWO),
    Op("mul", lambda a, b: a * b, TWO),
    Op("div", lambda a, b: a / b, TWO, AWAY_FROM_ZERO),
    Op("pow_tensor", lambda a, b: a ** b, TWO, POSITIVE),
    Op("add_number", lambda x: x + 1.5),
    Op("radd_number", lambda x: 1.5 + x),
    Op("sub_number", lambda x: x - 1.5),
    Op("rsub_number", lambda x: 2 - x),
    Op("mul_number", lambda x: x * 3),
    Op("rmul_number", lambda x: 3 * x),
    Op("div_number", lambda x: x / 4),
    Op("rdiv_number", lambda x: 2 / x, values=AWAY_FROM_ZERO),
    Op("pow_2", lambda x: x ** 2),
    Op("pow_3", lambda x: x ** 3),
    Op("pow_half", lambda x: x ** 0.5, values=POSITIVE),
    Op("pow_negative", lambda x: x ** -1.5, values=POSITIVE),
    Op("rpow_number", lambda x: 2 ** x),
    Op("neg", lambda x: -x),
    Op("square", lambda x: x.square()),
    # element-wise functions
    Op("exp", lambda x: x.exp()),
    Op("log", lambda x: x.log(), values=POSITIVE),
    Op("sin", lambda x: x.sin()),
    Op("cos", lambda x: x.cos()),
    Op("tanh", lambda x: x.tanh()),
    Op("sigmoid", lambda x: x.sigmoid()),
    Op("relu", lambda x: x.relu(), values=AWAY_FROM_ZERO),
    Op("abs", lambda x: x.abs(), values=AWAY_FROM_ZERO),
    Op("sqrt", lambda x: x.sqrt(), values=POSITIVE),
    Op("tan", lambda x: x.tan(), values=floats(-1, 1)),
    Op("log1p", lambda x: x.log1p(), values=POSITIVE),
    Op("rsqrt", lambda x: x.rsqrt(), values=POSITIVE),
    Op("reciprocal", lambda x: x.reciprocal(), values=AWAY_FROM_ZERO),
    Op("clamp", lambda x: x.clamp(-0.5, 0.5), values=AWAY_FROM_HALF),
    Op("clamp_min", lambda x: x.clamp(min=-0.5), values=AWAY_FROM_HALF),
    Op("clip_max", lambda x: x.clip(max=0.5), values=AWAY_FROM_HALF),
    Op("maximum", lambda a, b: minigrad.maximum(a, b), TWO, DISTINCT),
    Op("minimum", lambda a, b: minigrad.minimum(a, b), TWO, DISTINCT),
    Op("where", where, TWO),
    # reductions
    Op("sum", lambda x: x.sum()),
    Op("sum_dim", lambda x: x.sum(dim=-1)),
    Op("sum_dims_keepdim", lambda x: x.sum(dim=(0, -1), keepdim=True), ONE_2D),
    Op("prod", lambda x: x.prod(), values=AWAY_FROM_ZERO),
    Op("prod_dim", lambda x: x.prod(dim=-1), ONE_ND, AWAY_FROM_ZERO),
    Op("prod_keepdim", lambda x: x.prod(dim=0, keepdim=True), ONE_ND, AWAY_FROM_ZERO),
    Op("cumsum", lambda x: x.cumsum(-1), ONE_ND),
    Op("mean", lambda x: x.mean()),
    Op("mean_dim", lambda x: x.mean(dim=0)),
    Op("mean_keepdim", lambda x: x.mean(dim=-1, keepdim=True), ONE_ND),
    Op("max", lambda x: x.max(), values=DISTINCT),
    Op("min", lambda x: x.min(), values=DISTINCT),
    Op("max_dim", lambda x: x.max(dim=-1).values, ONE_ND, DISTINCT),
    Op("min_dim_keepdim", lambda x: x.min(dim=0, keepdim=True)[0], ONE_ND, DISTINCT),
    Op("norm", lambda x: x.norm(), values=AWAY_FROM_ZERO),
    Op("norm_dim", lambda x: x.norm(dim=-1), ONE_ND, AWAY_FROM_ZERO),
    Op("norm_1", lambda x: x.norm(1), values=AWAY_FROM_ZERO),
    Op("var", lambda x: x.var(), ONE_WIDE),
    Op("var_dim_biased", lambda x: x.var(dim=0, unbiased=False), ONE_ND),
    Op("std", lambda x: x.std(), ONE_WIDE, DISTINCT),
    Op("std_dim_keepdim", lambda x: x.std(dim=-1, keepdim=True), ONE_WIDE, DISTINCT),
    Op("softmax", lambda x: x.softmax(dim=-1)),
    Op("log_softmax", lambda x: x.log_softmax(dim=0)),
    Op("logsumexp", lambda x: x.logsumexp(dim=-1)),
    # matrix products
    Op("matmul", lambda a, b: a @ b, matmul_shapes()),
    Op("mm", lambda a, b: a.mm(b), st.tuples(SIDE, SIDE, SIDE).map(lambda s: ((s[0], s[1]), (s[1], s[2])))),
    # shapes
    Op("reshape", lambda x: x.reshape(-1)),
    Op("view", lambda x: x.view(1, -1)),
    Op("flatten", lambda x: x.flatten()),
    Op("transpose", lambda x: x.transpose(0, -1), ONE_ND),
    Op("t", lambda x: x.t(), ONE_MATRIX),
    Op("T", lambda x: x.T),
    Op("permute", lambda x: x.permute(tuple(reversed(range(x.ndim))))),  # a tuple: torch wants dims for 0-d too
    Op("squeeze", lambda x: x.squeeze()),
    Op("squeeze_dim", lambda x: x.squeeze(0), ONE_ND),
    Op("unsqueeze", lambda x: x.unsqueeze(0)),
    Op("unsqueeze_last", lambda x: x.unsqueeze(-1)),
    Op("expand", grow),
    Op("repeat", lambda x: x.repeat(2, *(3,) * x.ndim)),
    Op("cat", lambda a, b: minigrad.cat([a, b], dim=min(1, a.ndim - 1)), cat_shapes()),
    Op("stack", lambda a, b: minigrad.stack([a, b], dim=0), SAME_TWO),
    Op("split", lambda x: x.split(1, dim=-1)[-1] * 2 + x.split(2, dim=-1)[0].sum(), ONE_ND),
    Op("unbind", lambda x: x.unbind(-1)[0] * 3, ONE_ND),
    Op("masked_fill", lambda x: x.masked_fill(x > 0.5, 2.0), values=AWAY_FROM_HALF),
    Op("stack_last", lambda a, b: minigrad.stack([a, b], dim=-1), SAME_TWO),
    # indexing, read and write
    Op("index_int", lambda x: x[0], ONE_ND),
    Op("index_slice", lambda x: x[..., 1:], ONE_ND),
    Op("index_step", lambda x: x[::2], ONE_ND),
    Op("index_none", lambda x: x[None]),
    Op("index_array_repeated", lambda x: x[[0, 0, -1]], ONE_ND),
    Op("index_tensor", lambda x: x[minigrad.tensor([-1, 0])], ONE_ND),
    Op("index_mask", lambda x: x[pattern(x.shape)]),
    Op("setitem_row", set_first_row, ROW_AND_VALUE),
    Op("setitem_mask", set_masked),
    Op("augmented_assignment", augmented),
]
OPS_BY_NAME = {op.name: op for op in OPS}
assert len(OPS_BY_NAME) == len(OPS), "op names must be unique"


def weights(shape, phase=0.0):
    """Fixed, uneven output weights: a vector-Jacobian product that tells elements apart."""
    n = int(np.prod(shape, dtype=int))
    return np.reshape(0.3 + np.cos(1.7 * np.arange(n) + phase), shape)


def draw_inputs(op, data):
    shapes = data.draw(op.shapes, label="shapes")
    return [draw_array(data, shape, op.values, offset=0.125 * i) for i, shape in enumerate(shapes)]


def leaves(arrays):
    return [minigrad.tensor(a.copy(), requires_grad=True) for a in arrays]


def loss(op, tensors, power=1):
    out = op.fn(*tensors)
    assert out.dtype == minigrad.float64, f"{op.name} changed the dtype to {out.dtype}"
    return (minigrad.tensor(weights(out.shape)) * out ** power).sum()


def value_of(op, power=1):
    """The loss as a plain function of numpy arrays (what finite differences perturb)."""
    def f(*arrays):
        with minigrad.no_grad():
            return loss(op, [minigrad.tensor(a) for a in arrays], power).item()
    return f


def first_gradient(op, arrays, index, power=2):
    tensors = leaves(arrays)
    g, = autograd.grad(loss(op, tensors, power), tensors[index])
    return g.numpy()


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
@SETTINGS
@given(data=st.data())
def test_gradient_matches_finite_differences(op, data):
    arrays = draw_inputs(op, data)
    tensors = leaves(arrays)
    loss(op, tensors).backward()
    for i, t in enumerate(tensors):
        assert t.grad is not None, f"input {i} got no gradient"
        assert t.grad.shape == t.shape and t.grad.dtype == minigrad.float64
        expected = numerical_grad(value_of(op), arrays, i)
        np.testing.assert_allclose(t.grad.numpy(), expected, rtol=1e-5, atol=1e-6, err_msg=f"input {i}")


@pytest.mark.parametrize("op", [op for op in OPS if op.second], ids=lambda op: op.name)
@SETTINGS
@given(data=st.data())
def test_second_derivative_matches_finite_differences(op, data):
    arrays = draw_inputs(op, data)
    for i in range(len(arrays)):
        tensors = leaves(arrays)
        g, = autograd.grad(loss(op, tensors, power=2), tensors[i], create_graph=True)
        probe = weights(g.shape, phase=1.0)  # d/dx of sum(probe * g): one row of the Hessian, mixed
        if g.requires_grad:
            second = autograd.grad((minigrad.tensor(probe) * g).sum(), tensors, allow_unused=True)
        else:  # a gradient that does not depend on any input: every second derivative is 0
            second = [None] * len(tensors)
        for j, h in enumerate(second):
            def probe_of_gradient(*arrs, i=i, probe=probe):
                return float((probe * first_gradient(op, list(arrs), i)).sum())
            expected = numerical_grad(probe_of_gradient, [a.copy() for a in arrays], j)
            actual = np.zeros_like(arrays[j]) if h is None else h.numpy()
            np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-5, err_msg=f"d/d input {j} of grad {i}")


def test_table_covers_every_differentiable_tensor_method():
    """A new op in the table's vocabulary should get a row: this lists the names the table must mention."""
    required = ["add", "sub", "mul", "div", "pow", "neg", "matmul", "mm", "exp", "log", "sin", "cos", "tanh",
                "sigmoid", "relu", "abs", "sqrt", "clamp", "clip", "maximum", "minimum", "where", "sum", "mean",
                "max", "min", "norm", "var", "std", "softmax", "log_softmax", "logsumexp", "reshape", "view",
                "flatten", "transpose", "t", "T", "permute", "squeeze", "unsqueeze", "expand", "cat", "stack",
                "index", "setitem"]
    names = " ".join(OPS_BY_NAME)
    missing = [r for r in required if r not in names]
    assert not missing


@pytest.mark.parametrize("dim", [None, 0, 1])
def test_prod_with_zeros_has_the_product_of_the_others_as_gradient(dim):
    x_np = np.array([[1.5, 0.0, 2.0], [0.0, 0.0, 3.0], [2.0, -1.0, 0.5]])
    x = minigrad.tensor(x_np, requires_grad=True)
    (x.prod() if dim is None else x.prod(dim=dim)).sum().backward()
    expected = numerical_grad(lambda a: float(a.prod() if dim is None else a.prod(axis=dim).sum()), [x_np.copy()], 0)
    np.testing.assert_allclose(x.grad.numpy(), expected, atol=1e-6)


def test_floor_and_round_pass_no_gradient():
    x = minigrad.tensor([0.4, 1.5, 2.5, -0.6], requires_grad=True)
    (x.floor() * 3 + x.round() * 5).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 0.0]
    assert x.round().tolist() == [0.0, 2.0, 2.0, -1.0]  # halves to even, as PyTorch
