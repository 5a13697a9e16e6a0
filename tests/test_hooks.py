"""Tensor hooks, node hooks and retain_grad (PYTORCH_BEHAVIOR.md §6.5, §6.6, §4)."""
import numpy as np
import pytest

import minigrad


def leaf(values):
    return minigrad.tensor(values, requires_grad=True)


def test_hooks_run_in_backward_order_and_a_returned_tensor_replaces_the_gradient():
    seen = []
    x = leaf([1.0, 2.0])
    y = x * 2
    z = y * 3
    z.register_hook(lambda g: seen.append(("z", g.tolist())))
    y.register_hook(lambda g: seen.append(("y", g.tolist())))
    x.register_hook(lambda g: seen.append(("x1", g.tolist())))
    x.register_hook(lambda g: g * 10)
    x.register_hook(lambda g: seen.append(("x3", g.tolist())))
    z.sum().backward()
    assert seen == [("z", [1.0, 1.0]), ("y", [3.0, 3.0]), ("x1", [6.0, 6.0]), ("x3", [60.0, 60.0])]
    assert repr(x.grad) == "tensor([60., 60.])"


def test_leaf_hooks_run_before_accumulation():
    x = leaf([1.0, 2.0])
    x.grad = minigrad.tensor([100.0, 100.0])
    seen = []
    x.register_hook(lambda g: seen.append((g.tolist(), x.grad.tolist())))
    (x * 2).sum().backward()
    assert seen == [([2.0, 2.0], [100.0, 100.0])]
    assert repr(x.grad) == "tensor([102., 102.])"


def test_non_leaf_hook_return_value_flows_on():
    x = leaf([1.0, 2.0])
    y = x * 2
    y.register_hook(lambda g: g * 0 + 7)
    y.sum().backward()
    assert repr(x.grad) == "tensor([14., 14.])"


@pytest.mark.parametrize("retain_first", [True, False])
def test_retain_grad_stores_the_gradient_after_the_hooks(retain_first):
    x = leaf([1.0, 2.0])
    y = x * 2
    if retain_first:
        y.retain_grad()
    y.register_hook(lambda g: g * 0 + 7)
    if not retain_first:
        y.retain_grad()
    y.sum().backward()
    assert repr(y.grad) == "tensor([7., 7.])"
    assert repr(x.grad) == "tensor([14., 14.])"


def test_removed_hook_does_not_run():
    seen = []
    x = leaf([1.0])
    handle = x.register_hook(lambda g: seen.append(g))
    handle.remove()
    (x * 2).sum().backward()
    assert seen == [] and x.grad.tolist() == [2.0]


def test_hook_that_changes_the_shape_is_an_error():
    x = leaf([1.0, 2.0])
    y = x * 2
    y.register_hook(lambda g: g.sum())
    with pytest.raises(RuntimeError, match="^hook '<lambda>' has changed the size of value$"):
        y.sum().backward()


def test_hook_needs_requires_grad():
    with pytest.raises(RuntimeError, match="^cannot register a hook on a tensor that doesn't require gradient$"):
        minigrad.tensor([1.0]).register_hook(lambda g: g)


def test_post_accumulate_grad_hook_sees_the_updated_grad():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
    (x * 3).sum().backward()
    assert seen == [[3.0, 3.0]]


def test_hook_sees_shape_and_formats_its_mean():
    lines = []
    x = leaf([float(i) for i in range(10)])
    x.register_hook(lambda g: lines.append(f"{g.shape} {g.mean():.4f}"))
    (x * 2).sum().backward()
    assert lines == ["torch.Size([10]) 2.0000"]


# ---- retain_grad (§6.6, §5.10) ----
def test_retain_grad_on_a_non_leaf():
    x = leaf([1.0, 2.0])
    y = x * 2
    assert not y.retains_grad
    y.retain_grad()
    assert y.retains_grad
    y.sum().backward()
    assert repr(y.grad) == "tensor([1., 1.])"


def test_retained_grad_accumulates():
    x = leaf([1.0, 2.0])
    y = x * 2
    y.retain_grad()
    y.sum().backward(retain_graph=True)
    y.sum().backward()
    assert repr(y.grad) == "tensor([2., 2.])"


def test_retain_grad_on_the_root():
    x = leaf(3.0)
    out = x * 2
    out.retain_grad()
    out.backward()
    assert repr(out.grad) == "tensor(1.)"


def test_retain_grad_on_a_leaf_is_a_no_op():
    x = leaf([1.0])
    x.retain_grad()
    assert not x.retains_grad


def test_retain_grad_without_requires_grad():
    with pytest.raises(RuntimeError, match="^can't retain_grad on Tensor that has requires_grad=False$"):
        minigrad.tensor([1.0, 2.0]).retain_grad()


def test_non_leaf_grad_warns_and_is_none():
    x = leaf([1.0])
    y = x * 2
    y.sum().backward()
    with pytest.warns(UserWarning, match="^The .grad attribute of a Tensor that is not a leaf Tensor is being "):
        assert y.grad is None


# ---- node hooks (torch.autograd.graph.Node.register_hook / register_prehook) ----
def test_node_prehook_and_hook_see_and_replace_gradients():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    y = x * w
    calls = []
    y.grad_fn.register_prehook(lambda grad_outputs: calls.append(("pre", grad_outputs[0].tolist())))
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: (grad_inputs[0] * 0, grad_inputs[1]))
    y.sum().backward()
    assert calls == [("pre", [1.0, 1.0])]
    assert x.grad.tolist() == [0.0, 0.0] and w.grad.tolist() == [1.0, 2.0]


def test_prehook_replaces_the_incoming_gradient():
    x = leaf([1.0, 2.0])
    y = x.exp()
    y.grad_fn.register_prehook(lambda grad_outputs: (grad_outputs[0] * 2,))
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp([1.0, 2.0]), rtol=1e-6)


def test_accumulate_grad_node_hooks():
    x = leaf([1.0, 2.0])
    y = x * 2
    acc = y.grad_fn.next_functions[0][0]
    order = []
    x.register_hook(lambda g: order.append("tensor hook"))
    acc.register_prehook(lambda grads: (grads[0] * 10,))
    acc.register_hook(lambda grad_inputs, grad_outputs: order.append(("post", grad_inputs, x.grad.tolist())))
    y.sum().backward()
    assert order == ["tensor hook", ("post", (), [20.0, 20.0])]


def test_a_gradient_kept_by_a_hook_is_not_changed_by_later_accumulation():
    x = leaf([1.0, 2.0])
    kept = []
    x.register_hook(lambda g: kept.append(g))
    (x * 2).sum().backward()
    (x * 2).sum().backward()
    assert [g.tolist() for g in kept] == [[2.0, 2.0], [2.0, 2.0]]
    assert x.grad.tolist() == [4.0, 4.0]
