"""A leaf may keep the gradient the engine computed as its .grad without copying it (as PyTorch does when
nothing else holds it). These tests pin down that it never keeps memory someone else can see."""
import numpy as np

import minigrad as torch


def test_a_gradient_argument_is_never_the_leafs_grad():
    v = torch.tensor([1.0, 2.0])
    x = torch.zeros(2, requires_grad=True)
    x.backward(v)
    x.backward(v)  # accumulates in place into x.grad
    assert v.tolist() == [1.0, 2.0]
    assert x.grad.tolist() == [2.0, 4.0]


def test_one_gradient_sent_to_two_leaves_is_two_grads():
    a, b = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    (a + b).sum().backward()
    a.grad.zero_()
    assert b.grad.tolist() == [1.0, 1.0]


def test_a_hook_that_keeps_the_gradient_keeps_its_own_copy():
    w = torch.ones(2, 3, requires_grad=True)
    kept = []
    w.register_hook(lambda g: kept.append(g))
    x = torch.ones(4, 2)
    (x @ w).sum().backward()
    (x @ w).sum().backward()
    assert kept[0].tolist() == [[4.0] * 3] * 2  # unchanged by the second accumulation into w.grad
    assert w.grad.tolist() == [[8.0] * 3] * 2


def test_retained_intermediate_and_leaf_do_not_share_memory():
    x = torch.ones(3, requires_grad=True)
    y = x * 1.0
    y.retain_grad()
    (y * 2).sum().backward()
    x.grad.zero_()
    assert y.grad.tolist() == [2.0, 2.0, 2.0]


def test_linear_weight_gradient_accumulates_correctly_when_kept_without_copy():
    torch.manual_seed(0)
    layer = torch.nn.Linear(4, 3)
    inputs = torch.randn(5, 4)
    layer(inputs).sum().backward()
    first = layer.weight.grad.clone()
    layer(inputs).sum().backward()
    np.testing.assert_allclose(layer.weight.grad.numpy(), 2 * first.numpy())
    expected = np.tile(inputs.numpy().sum(0), (3, 1))
    np.testing.assert_allclose(first.numpy(), expected, rtol=1e-6)


def test_views_of_a_saved_gradient_are_not_taken_over():
    w = torch.ones(2, 2, requires_grad=True)
    seen = []
    w.register_hook(lambda g: seen.append(g.t()))  # a view of the gradient, held by the test
    (w.t() * 3).sum().backward()
    (w.t() * 3).sum().backward()
    assert seen[0].tolist() == [[3.0, 3.0], [3.0, 3.0]]
    assert w.grad.tolist() == [[6.0, 6.0], [6.0, 6.0]]


def test_a_gradient_nobody_else_holds_becomes_grad_without_a_copy():
    """The other side of the rule: the engine's own fresh gradient is kept, not copied (what PyTorch does too)."""
    w = torch.ones(3, requires_grad=True)
    y = w * 2.0
    seen = []  # the memory address of the gradient MulBackward0 computes for w (an int: the test holds no tensor)
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: seen.append(grad_inputs[0].data_ptr()))
    y.sum().backward()
    assert w.grad.data_ptr() == seen[0]
    torch.manual_seed(0)
    layer = torch.nn.Linear(4, 3)  # the weight's gradient is a transposed view of a product nobody else holds
    layer(torch.randn(5, 4)).sum().backward()
    assert not layer.weight.grad.numpy().flags.owndata
