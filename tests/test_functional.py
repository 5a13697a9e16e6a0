"""autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp (PYTORCH_BEHAVIOR.md §8.2)."""
import numpy as np
import pytest
from helpers import require_torch

import minigrad as torch
from minigrad.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp


def test_table_rows():
    assert repr(jacobian(lambda x: x ** 2, torch.tensor([1., 2., 3.]))) == (
        "tensor([[2., 0., 0.],\n        [0., 4., 0.],\n        [0., 0., 6.]])")
    pair = jacobian(lambda x, y: x * y, (torch.tensor([1., 2.]), torch.tensor([3., 4.])))
    assert isinstance(pair, tuple)
    assert repr(pair) == ("(tensor([[3., 0.],\n        [0., 4.]]), tensor([[1., 0.],\n        [0., 2.]]))")
    assert repr(jacobian(lambda x: x ** 3, torch.tensor(2.))) == "tensor(12.)"
    assert repr(jacobian(lambda x: (x ** 2).sum(), torch.tensor([1., 2.]))) == "tensor([2., 4.])"
    assert jacobian(lambda x: x * 2, torch.ones(2, 2)).shape == (2, 2, 2, 2)
    assert repr(hessian(lambda x: (x ** 3).sum(), torch.tensor([1., 2.]))) == (
        "tensor([[ 6.,  0.],\n        [ 0., 12.]])")
    assert repr(hessian(lambda x: x ** 4, torch.tensor(2.))) == "tensor(48.)"
    assert repr(vjp(lambda x: x ** 2, torch.tensor([1., 2.]), torch.tensor([1., 0.]))) == (
        "(tensor([1., 4.]), tensor([2., 0.]))")
    assert repr(jvp(lambda x: x ** 2, torch.tensor([1., 2.]), torch.tensor([1., 0.]))) == (
        "(tensor([1., 4.]), tensor([2., 0.]))")
    assert repr(hvp(lambda x: (x ** 3).sum(), torch.tensor([1., 2.]), torch.tensor([1., 0.]))) == (
        "(tensor(9.), tensor([6., 0.]))")
    assert repr(vhp(lambda x: (x ** 3).sum(), torch.tensor([1., 2.]), torch.tensor([1., 0.]))) == (
        "(tensor(9.), tensor([6., 0.]))")


def test_create_graph_and_the_inputs_own_requires_grad():
    x = torch.tensor([1., 2.], requires_grad=True)
    plain = jacobian(lambda t: t ** 2, x)
    assert not plain.requires_grad and x.grad is None
    graph = jacobian(lambda t: t ** 3, x, create_graph=True)
    assert graph.requires_grad
    graph.sum().backward()  # d/dx of sum(diag(3x^2)) = 6x
    assert x.grad.tolist() == [6.0, 12.0]


def test_vectorize_and_forward_mode_give_the_same_values():
    x = torch.tensor([[0.5, -1.0], [2.0, 0.25]])
    f = lambda t: (t @ t).tanh()  # noqa: E731
    reverse = jacobian(f, x)
    assert torch.equal(jacobian(f, x, vectorize=True), reverse)
    np.testing.assert_allclose(jacobian(f, x, vectorize=True, strategy="forward-mode").numpy(), reverse.numpy(),
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(NotImplementedError, match="only implemented for `vectorize=True`"):
        jacobian(f, x, strategy="forward-mode")


def test_tuple_inputs_and_outputs_nest_per_output_then_per_input():
    x, y = torch.tensor([1., 2.]), torch.tensor([3., 4., 5.])
    result = jacobian(lambda a, b: (a.sum() * b, a * 2), (x, y))
    assert [[j.shape for j in per_input] for per_input in result] == [[(3, 2), (3, 3)], [(2, 2), (2, 3)]]
    assert result[0][0].tolist() == [[3., 3.], [4., 4.], [5., 5.]]
    assert result[1][1].tolist() == [[0., 0., 0.], [0., 0., 0.]]  # independent of b: zeros
    h = hessian(lambda a, b: (a * a).sum() * b.sum(), (x, y))
    assert h[0][0].tolist() == [[24., 0.], [0., 24.]]
    assert h[0][1].tolist() == [[2., 2., 2.], [4., 4., 4.]]
    assert h[1][1].tolist() == [[0.] * 3] * 3


def test_errors():
    with pytest.raises(RuntimeError, match="^The vector v can only be None if the user-provided function returns a "
                                           "single Tensor with a single element.$"):
        vjp(lambda x: x * 2, torch.ones(2))
    with pytest.raises(RuntimeError, match="^The vector v can only be None if the input to the user-provided "
                                           "function is a single Tensor with a single element.$"):
        jvp(lambda x: x * 2, torch.ones(2))
    with pytest.raises(RuntimeError, match=r"^v has invalid size: should be torch.Size\(\[2\]\) but got "
                                           r"torch.Size\(\[3\]\).$"):
        vjp(lambda x: x * 2, torch.ones(2), torch.ones(3))
    with pytest.raises(TypeError, match="^The inputs given to jacobian must be either a Tensor or a tuple of Tensors "
                                        "but the given inputs has type <class 'list'>.$"):
        jacobian(lambda x: x, [1.0, 2.0])
    with pytest.raises(RuntimeError, match="^The Tensor returned by the function given to hessian should contain a "
                                           "single element$"):
        hessian(lambda x: x * 2, torch.ones(2))
    with pytest.raises(RuntimeError, match="^Output 0 of the user-provided function is independent of input 0. This "
                                           "is not allowed in strict mode.$"):
        jacobian(lambda x: x.detach() * 0 + torch.ones(2, requires_grad=True), torch.ones(2), strict=True)


CASES = [
    (lambda x: (x.sin() * x).sum(), [0.3, -1.2, 2.0]),
    (lambda x: x.softmax(dim=0) * x.exp(), [0.3, -1.2, 2.0]),
    (lambda x: x.reshape(2, 2) @ x.reshape(2, 2).t(), [0.3, -1.2, 2.0, 0.7]),
]


@pytest.mark.parametrize("func, values", CASES)
def test_equal_to_torch(func, values):
    real = require_torch()
    import torch.autograd.functional as real_functional
    ours = torch.from_numpy(np.array(values))  # float64 as given
    theirs = real.tensor(values, dtype=real.float64)
    np.testing.assert_allclose(jacobian(func, ours).numpy(), real_functional.jacobian(func, theirs).numpy(),
                               rtol=1e-12, atol=1e-12)
    v = [1.0] + [0.5] * (len(values) - 1)
    out, theirs_jvp = real_functional.jvp(func, theirs, real.tensor(v, dtype=real.float64))
    np.testing.assert_allclose(jvp(func, ours, torch.from_numpy(np.array(v)))[1].numpy(),
                               theirs_jvp.numpy(), rtol=1e-12, atol=1e-12)
    u = real.ones_like(out)
    np.testing.assert_allclose(vjp(func, ours, torch.tensor(u.numpy()))[1].numpy(),
                               real_functional.vjp(func, theirs, u)[1].numpy(), rtol=1e-12, atol=1e-12)
    if out.numel() == 1:
        np.testing.assert_allclose(hessian(func, ours).numpy(), real_functional.hessian(func, theirs).numpy(),
                                   rtol=1e-12, atol=1e-12)
        vv = real.tensor(v, dtype=real.float64)
        np.testing.assert_allclose(hvp(func, ours, torch.from_numpy(np.array(v)))[1].numpy(),
                                   real_functional.hvp(func, theirs, vv)[1].numpy(), rtol=1e-12, atol=1e-12)
