"""The backward engine on regression graphs (PYTORCH_BEHAVIOR.md §5.1-5.3, §6.7-6.10).

Small graphs whose gradients are known by hand (a+a, a chain of doublings, a diamond), a chain of
100,000 ops, freeing of saved tensors, repeated backward, create_graph, autograd.grad and
backward(inputs=...), broadcast reduction, gradients at special points and the engine's node order.
"""
import gc
import re
import weakref

import numpy as np
import pytest

import minigrad
from minigrad import autograd

FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they have "
         "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
         "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if "
         "you need to access saved tensors after calling backward.")


def leaf(values, dtype=None):
    return minigrad.tensor(values, dtype=dtype, requires_grad=True)


def assert_grad(t, expected):
    assert t.grad is not None
    np.testing.assert_allclose(t.grad.numpy(), np.asarray(expected, dtype=np.float64), rtol=1e-6)
    assert t.grad.shape == t.shape and t.grad.dtype == t.dtype


# ---- regression graphs ----
def test_a_plus_a():
    a = leaf(3.0)
    (a + a).backward()
    assert_grad(a, 2.0)


def test_doubling_twice():
    a = leaf([1.0, -2.0])
    b = a + a
    c = b + b
    c.sum().backward()
    assert_grad(a, [4.0, 4.0])


def test_diamond():
    x = leaf(2.0)
    y = 3 * x
    z = y * y + y
    assert z.item() == 42.0
    z.backward()
    assert_grad(x, 39.0)  # dz/dx = (2y + 1) * 3 = 39


def test_shared_subexpression_used_three_times():
    x = leaf(1.5)
    s = x.sin()
    (s * s * s).backward()
    assert_grad(x, 3 * np.sin(1.5) ** 2 * np.cos(1.5))


def test_sum_without_dim_reduces_everything():
    x = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    s = x.sum()
    assert s.shape == () and s.item() == 21.0
    s.backward()
    assert_grad(x, np.ones((2, 3)))


def test_long_chain_without_recursion_and_saved_tensors_freed():
    x = leaf(1.0, dtype=minigrad.float64)
    y, watched = x, []
    for i in range(100_000):
        y = y.sin()  # sin saves its input: 100,000 saved arrays
        if i % 20_000 == 0:
            watched.append(weakref.ref(y._data))
    gc.collect()
    assert all(ref() is not None for ref in watched), "the graph must keep saved inputs alive until backward"
    y.backward()
    gc.collect()
    assert all(ref() is None for ref in watched), "backward must free what the nodes saved"
    value, expected = 1.0, 1.0
    for _ in range(100_000):
        expected *= np.cos(value)
        value = np.sin(value)
    assert y.item() == pytest.approx(value, rel=1e-12)
    assert x.grad.item() == pytest.approx(expected, rel=1e-9)
    del y  # dropping a 100,000-node graph must not recurse either
    gc.collect()


# ---- repeated backward and retain_graph (§5.1) ----
def test_second_backward_raises_once_the_graph_is_freed():
    x = leaf([1.0, 2.0])
    z = (x ** 2).sum()
    z.backward()
    with pytest.raises(RuntimeError) as info:
        z.backward()
    assert str(info.value) == FREED
    assert_grad(x, [2.0, 4.0])


def test_multiplying_by_a_number_also_frees_state():
    x = leaf([1.0, 2.0])
    z = (x * 2).sum()
    z.backward()
    with pytest.raises(RuntimeError, match=re.escape(FREED)):
        z.backward()


def test_graph_with_nothing_saved_can_run_twice():
    x = leaf([1.0, 2.0])
    z = (x + 1).sum()
    z.backward()
    z.backward()
    assert_grad(x, [2.0, 2.0])


def test_retain_graph_allows_repeats_and_grads_accumulate():
    x = leaf(2.0)
    y = x ** 2
    for expected in (4.0, 8.0, 12.0):
        y.backward(retain_graph=True)
        assert_grad(x, expected)
    y.backward()  # the last one frees
    with pytest.raises(RuntimeError, match=re.escape(FREED)):
        y.backward()


def test_autograd_grad_twice_and_saved_attribute_after_free():
    x = leaf(3.0)
    y = x * x
    autograd.grad(y, x)
    with pytest.raises(RuntimeError, match=re.escape(FREED)):
        autograd.grad(y, x)
    with pytest.raises(RuntimeError, match=re.escape(FREED)):
        y.grad_fn.saved_tensors  # noqa: B018


# ---- seeds: scalar outputs, gradient=, shape checks (§5.2, §5.3) ----
def test_non_scalar_backward_needs_a_gradient():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="^grad can be implicitly created only for scalar outputs$"):
        (x * 2).backward()
    with pytest.raises(RuntimeError, match="^grad can be implicitly created only for scalar outputs$"):
        autograd.grad(x * 2, x)


def test_one_element_output_needs_no_gradient():
    x = leaf([3.0])
    (x * 2).backward()
    assert_grad(x, [2.0])


def test_vector_jacobian_product():
    x = leaf([1.0, 2.0, 3.0])
    (x * 2).backward(minigrad.tensor([0.1, 1.0, 0.0001]))
    assert_grad(x, [0.2, 2.0, 0.0002])
    assert repr(x.grad) == "tensor([2.0000e-01, 2.0000e+00, 2.0000e-04])"


def test_gradient_argument_is_never_changed_by_accumulation():
    x = leaf([1.0, 2.0])
    v = minigrad.tensor([1.0, 1.0])
    (x + 1).backward(v)  # AddBackward0 hands v on unchanged: .grad must not become v itself
    (x + 1).backward(v)
    assert v.tolist() == [1.0, 1.0] and x.grad.tolist() == [2.0, 2.0]
    assert x.grad is not v


@pytest.mark.parametrize("out_shape, grad_shape", [((3,), (2,)), ((2, 2), (4,)), ((2, 2), (2,))])
def test_gradient_shape_must_match_exactly(out_shape, grad_shape):
    y = minigrad.ones(*out_shape, requires_grad=True) * 2
    text = (f"Mismatch in shape: grad_output[0] has a shape of torch.Size({list(grad_shape)}) and output[0] has a "
            f"shape of torch.Size({list(out_shape)}).")
    with pytest.raises(RuntimeError) as info:
        y.backward(minigrad.ones(*grad_shape))
    assert str(info.value) == text


def test_scalar_gradient_scales_and_float64_gradient_is_cast():
    x = leaf(1.0)
    (x * 2).backward(minigrad.tensor(3.0, dtype=minigrad.float64))
    assert_grad(x, 6.0)


def test_backward_on_tensor_without_grad():
    text = "element 0 of tensors does not require grad and does not have a grad_fn"
    x = leaf([1.0, 2.0])
    for t in (minigrad.tensor([1.0, 2.0]).sum(), x.detach().sum(), x.detach()):
        with pytest.raises(RuntimeError) as info:
            t.backward()
        assert str(info.value) == text
    with minigrad.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError, match=f"^{text}$"):
        y.backward()


# ---- create_graph: higher derivatives (§6.7) ----
def test_third_derivative_with_autograd_grad():
    x = leaf(2.0)
    y = x ** 3
    g1, = autograd.grad(y, x, create_graph=True)
    assert repr(g1) == "tensor(12., grad_fn=<MulBackward0>)" and g1.requires_grad
    g2, = autograd.grad(g1, x, create_graph=True)
    assert g2.item() == 12.0 and g2.grad_fn is not None
    g3, = autograd.grad(g2, x)
    assert repr(g3) == "tensor(6.)"


def test_backward_with_create_graph_gives_a_differentiable_grad():
    x = leaf(2.0)
    (x ** 3).backward(create_graph=True)
    assert repr(x.grad) == "tensor(12., grad_fn=<CopyBackwards>)"
    gx = x.grad
    x.grad = None
    gx.backward()
    assert repr(x.grad) == "tensor(12.)"


def test_without_create_graph_the_gradient_has_no_graph():
    x = leaf(2.0)
    g, = autograd.grad(x ** 3, x)
    assert not g.requires_grad and g.grad_fn is None
    with pytest.raises(RuntimeError, match="^element 0 of tensors does not require grad"):
        autograd.grad(g, x)


def test_create_graph_implies_retain_graph():
    x = leaf(2.0)
    y = x ** 3
    autograd.grad(y, x, create_graph=True)
    g, = autograd.grad(y, x)
    assert g.item() == 12.0


def test_hessian_vector_product_through_a_matrix_graph():
    w = leaf([[1.0, 2.0], [3.0, 4.0]])
    v = minigrad.tensor([1.0, -1.0])
    loss = ((w @ v).tanh() ** 2).sum()
    g, = autograd.grad(loss, w, create_graph=True)
    hv, = autograd.grad((g * w).sum(), w)
    eps, base = 1e-3, w.detach().numpy().astype(np.float64)

    def grad_at(m):
        t = minigrad.tensor(m, dtype=minigrad.float64, requires_grad=True)
        out, = autograd.grad(((t @ v.double()).tanh() ** 2).sum(), t)
        return out.numpy()
    # d/dw sum(g * w) = g + H w: check H w by central differences along w
    expected = grad_at(base) + (grad_at(base + eps * base) - grad_at(base - eps * base)) / (2 * eps)
    np.testing.assert_allclose(hv.numpy(), expected, rtol=1e-3, atol=1e-4)


# ---- autograd.grad and backward(inputs=...) (§6.8, §5.8) ----
def test_grad_returns_a_tuple_and_leaves_grad_alone():
    x = leaf([1.0, 2.0])
    result = autograd.grad((x ** 2).sum(), x)
    assert isinstance(result, tuple) and len(result) == 1
    assert repr(result[0]) == "tensor([2., 4.])"
    assert x.grad is None


def test_grad_with_dict_inputs_returns_a_dict():
    xa, xb = leaf(1.0), leaf(2.0)
    result = autograd.grad(xa * xb, {"a": xa, "b": xb})
    assert isinstance(result, dict) and list(result) == ["a", "b"]
    assert repr(result) == "{'a': tensor(2.), 'b': tensor(1.)}"


def test_grad_outputs_weight_the_outputs():
    x = leaf(3.0)
    g, = autograd.grad([x ** 2], [x], grad_outputs=[minigrad.tensor(2.0)])
    assert g.item() == 12.0


def test_grad_of_several_outputs_adds_up():
    x = leaf(2.0)
    g, = autograd.grad([x * 2, x ** 2], x)
    assert g.item() == 6.0


def test_grad_unused_input():
    x, y = leaf(1.0), leaf(1.0)
    with pytest.raises(RuntimeError) as info:
        autograd.grad(x * 2, [x, y])
    assert str(info.value) == ("The differentiated Tensor at index 1 appears to not have been used in the graph. "
                               "Set allow_unused=True if this is the desired behavior.")
    assert repr(autograd.grad(x * 2, [x, y], allow_unused=True)) == "(tensor(2.), None)"
    assert repr(autograd.grad(x * 2, [x, y], materialize_grads=True)) == "(tensor(2.), tensor(0.))"


def test_grad_input_that_does_not_require_grad():
    x = leaf(1.0)
    with pytest.raises(RuntimeError, match="^One of the differentiated Tensors does not require grad$"):
        autograd.grad(x * 2, minigrad.tensor(1.0))


def test_grad_of_a_number_is_a_type_error():
    with pytest.raises(TypeError, match="^'float' object is not iterable$"):
        autograd.grad(3.0, leaf(1.0))


def test_grad_with_respect_to_an_intermediate_tensor():
    x = leaf(2.0)
    y = x * 3
    z = y ** 2
    g, = autograd.grad(z, y)
    assert g.item() == 12.0 and x.grad is None


def test_autograd_backward_sums_several_roots():
    x = leaf([1.0, 2.0])
    autograd.backward([(x * 2).sum(), (x * 3).sum()])
    assert_grad(x, [5.0, 5.0])


def test_backward_returns_none():
    x = leaf(1.0)
    assert (x * 2).backward() is None


def test_backward_inputs_accumulates_only_there():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (x * w).sum().backward(inputs=[x])
    assert_grad(x, [3.0, 4.0])
    assert w.grad is None
    (x * w).sum().backward(inputs=w)
    assert_grad(w, [1.0, 2.0])
    assert_grad(x, [3.0, 4.0])


# ---- broadcasting: gradients reduced to each input's shape (§6.9) ----
def test_broadcast_column_plus_row():
    a, b = leaf([[1.0], [2.0], [3.0]]), leaf([1.0, 2.0, 3.0, 4.0])
    (a + b).sum().backward()
    assert repr(a.grad) == "tensor([[4.],\n        [4.],\n        [4.]])" and a.grad.shape == (3, 1)
    assert repr(b.grad) == "tensor([3., 3., 3., 3.])"


def test_broadcast_scalar_tensor():
    s = leaf(2.0)
    (minigrad.ones(2, 3) * s).sum().backward()
    assert repr(s.grad) == "tensor(6.)" and s.grad.shape == minigrad.Size([])


@pytest.mark.parametrize("shape, expected", [((3,), "tensor([2., 2., 2.])"), ((1, 3), "tensor([[2., 2., 2.]])")])
def test_broadcast_row_against_matrix(shape, expected):
    b = minigrad.ones(*shape, requires_grad=True)
    (minigrad.ones(2, 3) * b).sum().backward()
    assert repr(b.grad) == expected


def test_broadcasting_error_text():
    text = "The size of tensor a ({}) must match the size of tensor b ({}) at non-singleton dimension {}"
    with pytest.raises(RuntimeError) as info:
        minigrad.ones(3) + minigrad.ones(4)
    assert str(info.value) == text.format(3, 4, 0)
    with pytest.raises(RuntimeError) as info:
        minigrad.ones(2, 3) * minigrad.ones(2)
    assert str(info.value) == text.format(3, 2, 1)


# ---- gradients at special points (§6.10) ----
def grad_of(fn, values):
    x = leaf(values)
    fn(x).sum().backward()
    return x.grad


@pytest.mark.parametrize("fn, values, expected", [
    (lambda x: x.relu(), [0.0], "tensor([0.])"),
    (lambda x: x.abs(), [0.0], "tensor([0.])"),
    (lambda x: x.clamp(0, 1), [0.0, 1.0, 2.0], "tensor([1., 1., 0.])"),
    (lambda x: x.sqrt(), [0.0], "tensor([inf])"),
    (lambda x: x ** 0.5, [0.0], "tensor([inf])"),
    (lambda x: x ** 2.0, [0.0], "tensor([0.])"),
    (lambda x: x ** 0, [0.0, 3.0], "tensor([0., 0.])"),
    (lambda x: x ** 1.5, [-2.0], "tensor([nan])"),
    (lambda x: x.max(), [1.0, 3.0, 3.0], "tensor([0.0000, 0.5000, 0.5000])"),
    (lambda x: x.amax(), [1.0, 3.0, 3.0], "tensor([0.0000, 0.5000, 0.5000])"),
    (lambda x: x.max(dim=1).values, [[1.0, 3.0, 3.0]], "tensor([[0., 1., 0.]])"),
    (lambda x: x.norm(), [0.0, 0.0], "tensor([0., 0.])"),
    (lambda x: x[[0, 0, 2]], [1.0, 2.0, 3.0], "tensor([2., 0., 1.])"),
    (lambda x: x.softmax(0)[0], [1.0, 2.0, 3.0], "tensor([ 0.0819, -0.0220, -0.0599])"),
    (lambda x: x.mean(), [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], "tensor([[0.1667, 0.1667, 0.1667],\n"
                                                            "        [0.1667, 0.1667, 0.1667]])"),
], ids=["relu0", "abs0", "clamp_bounds", "sqrt0", "pow_half0", "pow2_0", "pow0", "pow_nan", "max_ties",
        "amax_ties", "max_dim_ties", "norm0", "repeated_index", "softmax", "mean"])
def test_gradient_at_special_points(fn, values, expected):
    assert repr(grad_of(fn, values)) == expected


def test_maximum_tie_splits_evenly():
    x, y = leaf([2.0]), leaf([2.0])
    minigrad.maximum(x, y).sum().backward()
    assert_grad(x, [0.5])
    assert_grad(y, [0.5])


def test_pow_with_zero_base_and_tensor_exponent():
    b, e = leaf(0.0), leaf(2.0)
    (b ** e).backward()
    assert b.grad.item() == 0.0 and e.grad.item() == 0.0


def test_negative_base_fractional_power_is_nan():
    x = leaf(-2.0)
    y = x ** 1.5
    y.backward()
    assert np.isnan(y.item()) and np.isnan(x.grad.item())


# ---- deterministic order ----
def backward_order(build):
    order = []
    x = leaf([1.0, 2.0])
    out = build(x)
    nodes, stack = [], [out.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in nodes:
            continue
        nodes.append(node)
        node.register_prehook(lambda grads, node=node: order.append(node.name()))
        stack.extend(child for child, _ in node.next_functions)
    out.sum().backward()
    return order


def two_branches(x):
    a = x * 2
    b = x.exp()
    c = x.sin()
    return (a + b) * c


def test_nodes_run_latest_created_first_and_the_order_repeats():
    first = backward_order(two_branches)
    # PyTorch's engine order for this graph (measured with torch 2.13 node pre-hooks)
    assert first == ["MulBackward0", "AddBackward0", "SinBackward0", "ExpBackward0", "MulBackward0",
                     "torch::autograd::AccumulateGrad"]
    assert all(backward_order(two_branches) == first for _ in range(5))


def test_next_functions_in_argument_order():
    x, w = leaf([1.0]), leaf([2.0])
    y = x ** 2 + 3 * w
    add = y.grad_fn
    assert [n.name() for n, _ in add.next_functions] == ["PowBackward0", "MulBackward0"]
    mul = add.next_functions[1][0]
    assert mul.next_functions[0][0].variable is w and mul.next_functions[1] == (None, 0)  # `3 * w` is w.mul(3)


def test_an_integer_array_index_gives_a_contiguous_tensor_that_can_be_viewed():
    # numpy lays x[:, [2, 0, 1]] out transposed; PyTorch's result is contiguous, and found by a random
    # forward-mode test: view() after such an index must work
    h = minigrad.arange(6.0).reshape(2, 3).requires_grad_()
    picked = h[:, [2, 0, 1]]
    assert picked.is_contiguous()
    flat = picked.view(3, 2)
    assert flat.tolist() == [[2.0, 0.0], [1.0, 5.0], [3.0, 4.0]]
    (flat * minigrad.arange(6.0).view(3, 2)).sum().backward()
    assert h.grad.tolist() == [[1.0, 2.0, 0.0], [4.0, 5.0, 3.0]]
    assert not h[:, 1:].is_contiguous()  # basic slicing stays a view, as in PyTorch
