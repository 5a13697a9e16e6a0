"""Forward-mode AD (minigrad.autograd.forward_ad): dual tensors, jvp rules, errors, PyTorch's texts."""
import numpy as np
import pytest
from helpers import require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as torch
import minigrad.autograd.forward_ad as fwAD
from minigrad.autograd.functional import jacobian


def test_pytorch_example_values_and_reprs():
    with fwAD.dual_level():
        dual = fwAD.make_dual(torch.tensor([1., 2.]), torch.tensor([1., 0.]))
        assert repr(dual) == "tensor([1., 2.], tangent=tensor([1., 0.]))"
        out = dual ** 2 + torch.sin(dual)
        p, t = fwAD.unpack_dual(out)
        assert repr(p) == "tensor([1.8415, 4.9093])"
        assert repr(t) == "tensor([2.5403, 0.0000])"
        unpacked = fwAD.unpack_dual(out)
        assert type(unpacked).__name__ == "UnpackedDualTensor"
        assert unpacked.primal is not out and unpacked.tangent is t
        assert repr(unpacked).startswith("UnpackedDualTensor(primal=tensor([1.8415, 4.9093]), tangent=")
        # a 0-d tangent prints as a number (PyTorch formats it with format())
        assert repr(dual.sum()) == "tensor(3., tangent=1.0)"
    # the tangent is d/dx (x**2 + sin x) = 2x + cos x along [1, 0]
    np.testing.assert_allclose(t.numpy(), [2 * 1 + np.cos(1.0), 0.0], rtol=1e-6)


def test_tangents_vanish_when_the_level_exits():
    with fwAD.dual_level() as level:
        assert level == 0
        dual = fwAD.make_dual(torch.tensor([1., 2.]), torch.tensor([1., 0.]))
        out = dual * 3
        assert fwAD.unpack_dual(out).tangent is not None
    assert repr(out) == "tensor([3., 6.])"
    assert fwAD.unpack_dual(out).tangent is None
    assert fwAD.unpack_dual(dual).tangent is None
    assert (dual * 2)._tangent is None  # no level: ops compute no tangent
    with fwAD.dual_level():  # a new level starts clean
        assert fwAD.unpack_dual(out).tangent is None


def test_plain_tensor_unpacks_to_itself_with_no_tangent():
    plain = torch.tensor([1., 2.])
    with fwAD.dual_level():
        primal, tangent = fwAD.unpack_dual(plain)
    assert primal is plain and tangent is None


def test_error_texts():
    with pytest.raises(RuntimeError) as error:
        fwAD.make_dual(torch.tensor([1., 2.]), torch.tensor([1., 0.]))
    assert str(error.value) == ("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                                "enter_dual_level() first.")
    with fwAD.dual_level():
        with pytest.raises(RuntimeError) as error:
            fwAD.make_dual(torch.tensor([1., 2.]), torch.ones(3))
        assert str(error.value) == (
            "Trying to set a forward gradient that has a different size than that of the original Tensor, this is "
            "not supported. Tensor is of size [2] while the given forward gradient is of size [3].")
        with pytest.raises(ValueError, match=r"^Expected primal to be floating point or complex, but got: "
                                             r"torch\.int64$"):
            fwAD.make_dual(torch.tensor([1, 2]), torch.tensor([1., 0.]))
        with pytest.raises(ValueError, match=r"^Expected tangent to be floating point or complex, but got: "
                                             r"torch\.int64$"):
            fwAD.make_dual(torch.tensor([1., 2.]), torch.tensor([1, 0]))
        dual = fwAD.make_dual(torch.tensor([1., 2.]), torch.tensor([1., 0.]))
        with pytest.raises(RuntimeError, match="^Making a dual Tensor based on a Tensor that already has a forward "
                                               "gradient at the same level 0 is not supported.$"):
            fwAD.make_dual(dual, torch.tensor([1., 0.]))
        with pytest.raises(RuntimeError, match="^Nested forward mode AD is not supported at the moment$"):
            fwAD.enter_dual_level()
        with pytest.raises(RuntimeError, match="^Trying to exit a forward AD level that was not the last one"):
            fwAD.exit_dual_level(level=3)
    with pytest.raises(RuntimeError, match=r"^Dual level must be a positive number\.$"):
        fwAD.exit_dual_level()


def test_enter_and_exit_by_hand_and_as_decorator():
    assert fwAD.enter_dual_level() == 0
    dual = fwAD.make_dual(torch.tensor(3.), torch.tensor(1.))
    assert (dual ** 3)._tangent.item() == 27.0
    fwAD.exit_dual_level()
    assert dual._tangent is None

    @fwAD.dual_level()
    def derivative_of_cube(x):
        return fwAD.unpack_dual(fwAD.make_dual(x, torch.ones_like(x)) ** 3).tangent

    assert derivative_of_cube(torch.tensor(2.)).item() == 12.0


def test_dual_of_tensor_requiring_grad_keeps_reverse_mode_working():
    x = torch.tensor([1., 2.], requires_grad=True)
    with fwAD.dual_level():
        dual = fwAD.make_dual(x, torch.tensor([1., 0.]))
        assert repr(dual) == "tensor([1., 2.], grad_fn=<ViewBackward0>, tangent=tensor([1., 0.]))"
        out = (dual * dual).sum()
        assert fwAD.unpack_dual(out).tangent.item() == 2.0  # 2x . [1, 0]
        out.backward()
    assert x.grad.tolist() == [2.0, 4.0]


def test_inplace_ops_carry_the_tangent():
    with fwAD.dual_level():
        dual = fwAD.make_dual(torch.tensor([1., 2.]), torch.tensor([1., 0.]))
        scaled = dual.clone()
        scaled.mul_(3)
        assert repr(scaled) == "tensor([3., 6.], tangent=tensor([3., 0.]))"
        plain = torch.zeros(2)
        plain.add_(dual)
        assert repr(plain) == "tensor([1., 2.], tangent=tensor([1., 0.]))"


def test_outputs_without_derivative_get_no_tangent():
    with fwAD.dual_level():
        dual = fwAD.make_dual(torch.tensor([1., 3.]), torch.tensor([1., 1.]))
        assert (dual > 1)._tangent is None
        assert dual.argmax()._tangent is None
        values, indices = torch.max(dual, 0)
        assert values._tangent.item() == 1.0 and indices._tangent is None
        assert dual.detach()._tangent is None


class CubeWithJvp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_forward(x)
        ctx.scale = scale
        return x ** 3 * scale

    @staticmethod
    def jvp(ctx, x_t, scale_t):
        x, = ctx.saved_tensors
        assert scale_t is None  # non-tensor arguments have no tangent
        return 3 * x ** 2 * x_t * ctx.scale


class CubeWithoutJvp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        return g


def test_custom_function_jvp():
    with fwAD.dual_level():
        dual = fwAD.make_dual(torch.tensor(2.), torch.tensor(1.))
        assert repr(CubeWithJvp.apply(dual, 2.0)) == "tensor(16., tangent=24.0)"
        with pytest.raises(NotImplementedError) as error:
            CubeWithoutJvp.apply(dual)
        assert str(error.value) == ("You must implement the jvp function for custom autograd.Function to use it with "
                                    "forward mode AD.")
        assert CubeWithoutJvp.apply(torch.tensor(2.)).item() == 8.0  # no tangent in: no jvp needed


# ---- forward-mode Jacobians equal reverse-mode Jacobians over random compositions of the ops ----

_W = np.array([[0.5, -1.0, 0.3], [0.2, 0.4, -0.7], [1.1, 0.1, 0.6]])
# each step maps a (2, 3) tensor h to a (2, 3) tensor, using the inputs x (2, 3) and y (3,)
STEPS = [
    lambda h, x, y: h + y,
    lambda h, x, y: h - x,
    lambda h, x, y: 2.0 - h,
    lambda h, x, y: h * y,
    lambda h, x, y: h / (1 + x * x),
    lambda h, x, y: 1.5 / (2 + h * h),
    lambda h, x, y: h ** 2,
    lambda h, x, y: (h * h + 0.5) ** y.sigmoid(),
    lambda h, x, y: 1.3 ** h.tanh(),
    lambda h, x, y: -h,
    lambda h, x, y: h.tanh().exp(),
    lambda h, x, y: (h * h + 1).log(),
    lambda h, x, y: h.sin() + h.cos(),
    lambda h, x, y: h.sigmoid() * h.tanh(),
    lambda h, x, y: h.relu() + h.abs() * 0.5,
    lambda h, x, y: (h * h + 1).sqrt(),
    lambda h, x, y: h.clamp(-0.6, 0.6),
    lambda h, x, y: torch.maximum(h, x) + torch.minimum(h, y),
    lambda h, x, y: torch.where(x > 0, h, h * y),
    lambda h, x, y: h @ (x.t() @ x + torch.tensor(_W)),
    lambda h, x, y: (h @ y).unsqueeze(1) * h,
    lambda h, x, y: h * (y @ y) + x.mm(torch.tensor(_W)).mv(y).unsqueeze(1) + y @ torch.tensor(_W),
    lambda h, x, y: h - h.mean(dim=1, keepdim=True) + h.sum() * 0.1,
    lambda h, x, y: h / (h.norm() + 1) + h.sum(dim=0) * h.mean(),
    lambda h, x, y: h + h.max(dim=1, keepdim=True).values + h.min() + h.amax(dim=0),
    lambda h, x, y: h * h.var(dim=1, keepdim=True) + h.std(),
    lambda h, x, y: torch.softmax(h, dim=1) + torch.log_softmax(h, dim=0),
    lambda h, x, y: h - h.logsumexp(dim=1, keepdim=True),
    lambda h, x, y: h.view(3, 2).t() * h.transpose(0, 1).reshape(2, 3),
    lambda h, x, y: h.permute(1, 0).t() + h.unsqueeze(0).squeeze(0),
    lambda h, x, y: h[:, [2, 0, 1]] + h[0:1].expand(2, 3) + h[1, 2],
    lambda h, x, y: torch.cat([h[:, :1] * 2, h[:, 1:]], dim=1) + torch.stack([h[1], h[0]]),
]


def _composite(steps):
    def f(x, y):
        h = x * y
        for i in steps:
            h = STEPS[i](h, x, y)
        return h
    return f


def _forward_jacobians(f, x, y):
    """d f / d x and d f / d y, one forward pass (one jvp) per basis vector of each input."""
    result = []
    for which, inp in enumerate((x, y)):
        columns = []
        for k in range(inp.numel()):
            direction = np.zeros(inp.numel())
            direction[k] = 1
            with fwAD.dual_level():
                dual = fwAD.make_dual(inp, torch.tensor(direction.reshape(inp.shape)))
                out = f(dual, y) if which == 0 else f(x, dual)
                columns.append(fwAD.unpack_dual(out).tangent.numpy().copy())
        stacked = np.stack(columns)  # input element first: move the output dims to the front
        result.append(np.moveaxis(stacked.reshape(*inp.shape, *out.shape), range(inp.ndim), range(-inp.ndim, 0)))
    return result


@settings(max_examples=40, deadline=None)
@given(steps=st.lists(st.integers(0, len(STEPS) - 1), min_size=1, max_size=3), seed=st.integers(0, 2 ** 31 - 1))
def test_forward_mode_jacobian_equals_reverse_mode(steps, seed):
    rng = np.random.default_rng(seed)
    x = torch.tensor(rng.uniform(-1.5, 1.5, (2, 3)))
    y = torch.tensor(rng.uniform(-1.5, 1.5, 3))
    f = _composite(steps)
    reverse = jacobian(f, (x, y))
    forward = _forward_jacobians(f, x, y)
    for rev, fwd in zip(reverse, forward):
        assert rev.shape == (2, 3, *fwd.shape[2:])
        np.testing.assert_allclose(fwd, rev.numpy(), rtol=1e-9, atol=1e-9)


def test_every_step_is_exercised_once():
    rng = np.random.default_rng(0)
    x, y = torch.tensor(rng.uniform(-1.5, 1.5, (2, 3))), torch.tensor(rng.uniform(-1.5, 1.5, 3))
    for i in range(len(STEPS)):
        f = _composite([i])
        for rev, fwd in zip(jacobian(f, (x, y)), _forward_jacobians(f, x, y)):
            np.testing.assert_allclose(fwd, rev.numpy(), rtol=1e-9, atol=1e-9, err_msg=f"step {i}")


def test_forward_mode_strategy_of_functional_jacobian():
    x = torch.tensor([[0.3, -1.2], [2.0, 0.5]], dtype=torch.float64)
    f = lambda t: (t.sin() @ t).softmax(dim=0)  # noqa: E731
    forward = jacobian(f, x, vectorize=True, strategy="forward-mode")
    np.testing.assert_allclose(forward.numpy(), jacobian(f, x).numpy(), rtol=1e-12, atol=1e-12)


def test_matches_torch_on_a_composite():
    real = require_torch()
    import torch.autograd.forward_ad as real_fwAD
    values, direction = [0.3, -1.2, 2.0], [1.0, 0.5, -2.0]

    def f(lib, d):
        return (d.tanh() * d.exp()).softmax(dim=0) + lib.maximum(d, d * 0.5).sum() / d.norm()

    with real_fwAD.dual_level():
        expected = real_fwAD.unpack_dual(f(real, real_fwAD.make_dual(real.tensor(values), real.tensor(direction))))
    with fwAD.dual_level():
        got = fwAD.unpack_dual(f(torch, fwAD.make_dual(torch.tensor(values), torch.tensor(direction))))
    assert repr(got.primal) == repr(expected.primal)
    np.testing.assert_allclose(got.tangent.numpy(), expected.tangent.numpy(), rtol=1e-5, atol=1e-6)
