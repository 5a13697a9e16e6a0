"""Views and in-place ops with PyTorch's semantics: a view taken before an in-place change is remade from its base
(AsStridedBackward0), an in-place op through a view changes the base's history (CopySlices), and PyTorch's refusals.
Every expected text and number below is what torch 2.13 prints for the same code (tests/test_parity_views.py
compares with a live torch)."""
import re
import warnings

import pytest

import minigrad
from minigrad import nn

NO_GRAD_ADVICE = ("Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code "
                  "by moving both the view and the inplace either both inside the no_grad block (if you don't want the "
                  "inplace to be tracked) or both outside (if you want the inplace to be tracked).")
SEVERAL_ADVICE = ("This view is the output of a function that returns multiple views. Such functions do not allow the "
                  "output views to be modified inplace. You should replace the inplace operation by an out-of-place "
                  "one.")
HINT = ("Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).")


def leaf(values):
    return minigrad.tensor(values, requires_grad=True)


def raises_exactly(text):
    return pytest.raises(RuntimeError, match=f"^{re.escape(text)}$")


def edges(node):
    return [(child.name() if child is not None else None, nr) for child, nr in node.next_functions]


# ---- a view taken before an in-place change shows the new values, and so does its gradient ----
def test_view_taken_before_an_in_place_change_of_its_base():
    x = leaf([1.0, 2.0])
    y = x * 2
    v = y[0]
    assert v.grad_fn.name() == "SelectBackward0"
    y.mul_(3)
    assert repr(v) == "tensor(6., grad_fn=<AsStridedBackward0>)"
    assert edges(v.grad_fn) == [("MulBackward0", 0)] and v.grad_fn.next_functions[0][0] is y.grad_fn
    v.backward()
    assert repr(x.grad) == "tensor([6., 0.])"  # was tensor([2., 0.]): the old SelectBackward0 missed the * 3


def test_relu_inplace_after_a_slice():
    x = leaf([1.0, -2.0, 3.0])
    h = x * 2
    s = h[:2]
    nn.functional.relu(h, inplace=True)
    assert repr(s) == "tensor([2., 0.], grad_fn=<AsStridedBackward0>)"
    s.sum().backward()
    assert repr(x.grad) == "tensor([2., 0., 0.])"


def test_base_changed_under_no_grad():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 2
    v = y[1:]
    with minigrad.no_grad():
        y.mul_(10)
    assert repr(v) == "tensor([40., 60.], grad_fn=<AsStridedBackward0>)"
    v.sum().backward()
    assert repr(x.grad) == "tensor([0., 2., 2.])"


def test_view_of_a_parameter_after_an_optimizer_like_step():
    w = leaf([1.0, 2.0, 3.0])
    v = w[:2]
    with minigrad.no_grad():
        w -= 0.5
    assert repr(v) == "tensor([0.5000, 1.5000], grad_fn=<AsStridedBackward0>)"
    assert edges(v.grad_fn) == [("torch::autograd::AccumulateGrad", 0)]
    (v * v).sum().backward()
    assert repr(w.grad) == "tensor([1., 3., 0.])"


def test_views_of_every_kind_follow_their_base():
    x = leaf([1.0, 2.0])
    y = x * 1
    u, e, t = y.unsqueeze(0), y.expand(2, 2), y[None]
    s = u.squeeze(0)
    y.mul_(3)
    assert [v.grad_fn.name() for v in (u, s, e, t)] == ["AsStridedBackward0"] * 4
    (u.sum() + s.sum() + e.sum() + t.sum()).backward()
    assert repr(x.grad) == "tensor([15., 15.])"


# ---- in place through a view: the base's node becomes CopySlices ----
def test_slice_mul_():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 1
    v = y[:2]
    assert v.mul_(10) is v
    assert repr(v) == "tensor([10., 20.], grad_fn=<AsStridedBackward0>)"
    assert repr(y) == "tensor([10., 20.,  3.], grad_fn=<CopySlices>)"
    assert y.grad_fn.name() == "torch::autograd::CopySlices"
    assert edges(y.grad_fn) == [("MulBackward0", 0), (None, 0)]
    assert v.grad_fn.next_functions[0][0] is y.grad_fn
    y.sum().backward()
    assert repr(x.grad) == "tensor([10., 10.,  1.])"


def test_view_add_():
    x = leaf([1.0, 2.0, 3.0, 4.0])
    y = x * 1
    w = y.view(2, 2)
    w.add_(1)
    assert repr(w) == "tensor([[2., 3.],\n        [4., 5.]], grad_fn=<AsStridedBackward0>)"
    assert repr(y) == "tensor([2., 3., 4., 5.], grad_fn=<CopySlices>)"
    (y * minigrad.arange(4.0)).sum().backward()
    assert repr(x.grad) == "tensor([0., 1., 2., 3.])"


def test_column_div_():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    y = x * 1
    v = y[:, 0]
    v.div_(3)
    assert repr(v) == "tensor([0.3333, 1.0000], grad_fn=<AsStridedBackward0>)"
    (y * minigrad.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    assert repr(x.grad) == "tensor([[0.3333, 2.0000],\n        [1.0000, 4.0000]])"


def test_several_views_and_a_view_of_a_view():
    x = leaf([1.0, 2.0, 3.0, 4.0])
    y = x * 1
    a, b, c = y[:2], y[2:], y[1:3]
    a.mul_(2)
    b.mul_(3)
    assert [t.grad_fn.name() for t in (a, b, c, y)] == ["AsStridedBackward0"] * 3 + ["torch::autograd::CopySlices"]
    (c * minigrad.tensor([1.0, 10.0])).sum().backward()
    assert repr(x.grad) == "tensor([ 0.,  2., 30.,  0.])"

    x = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    y = x * 1
    row = y[1]
    end = row[1:]
    end.mul_(10)
    assert end._base is y and row._base is y
    assert repr(y) == "tensor([[ 1.,  2.,  3.],\n        [ 4., 50., 60.]], grad_fn=<CopySlices>)"
    assert repr(row) == "tensor([ 4., 50., 60.], grad_fn=<AsStridedBackward0>)"
    (y * minigrad.arange(6.0).view(2, 3)).sum().backward()
    assert repr(x.grad) == "tensor([[ 0.,  1.,  2.],\n        [ 3., 40., 50.]])"


def test_base_changed_after_a_view_was_changed():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 1
    v = y[:2]
    v.mul_(2)
    y.mul_(3)
    assert repr(v) == "tensor([ 6., 12.], grad_fn=<AsStridedBackward0>)"
    assert y.grad_fn.name() == "MulBackward0"
    v.sum().backward()
    assert repr(x.grad) == "tensor([6., 6., 0.])"


def test_transpose_and_permute_views():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    y = x * 1
    y.t()[0].mul_(10)
    assert repr(y) == "tensor([[10.,  2.],\n        [30.,  4.]], grad_fn=<CopySlices>)"
    (y * minigrad.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    assert repr(x.grad) == "tensor([[10.,  2.],\n        [30.,  4.]])"

    x = minigrad.arange(6.0).view(1, 2, 3).requires_grad_()
    y = x * 1
    y.permute(2, 0, 1)[1:].mul_(-1)
    (y * minigrad.arange(6.0).view(1, 2, 3)).sum().backward()
    assert x.grad.tolist() == [[[0.0, -1.0, -2.0], [3.0, -4.0, -5.0]]]


@pytest.mark.parametrize("change, values, grad", [
    (lambda y, x: y[1:].relu_(), "tensor([1., 0., 3.], grad_fn=<CopySlices>)", "tensor([1., 0., 1.])"),
    (lambda y, x: y[1:].clamp_(-1, 1), "tensor([ 1., -1.,  1.], grad_fn=<CopySlices>)", "tensor([1., 0., 0.])"),
    (lambda y, x: y[1:].copy_(x[:2] * 5), "tensor([  1.,   5., -10.], grad_fn=<CopySlices>)", "tensor([6., 5., 0.])"),
], ids=["relu_", "clamp_", "copy_"])
def test_other_in_place_ops_through_a_view(change, values, grad):
    x = leaf([1.0, -2.0, 3.0])
    y = x * 1
    change(y, x)
    assert repr(y) == values
    y.sum().backward()
    assert repr(x.grad) == grad


def test_in_place_through_a_view_of_a_tensor_that_does_not_require_grad():
    x = leaf([1.0, 2.0])
    y = minigrad.zeros(4)
    w, v = y[2:], y[:2]
    v.add_(x)
    assert repr(y) == "tensor([1., 2., 0., 0.], grad_fn=<CopySlices>)"
    assert edges(y.grad_fn) == [(None, 0), ("torch::autograd::AccumulateGrad", 0)]
    assert w.requires_grad and v.grad_fn.name() == "AsStridedBackward0"
    ((w + 1).sum() + (y * 2).sum()).backward()
    assert repr(x.grad) == "tensor([2., 2.])"
    plain = minigrad.zeros(4)
    plain[:2].add_(1)
    assert plain.grad_fn is None and not plain.requires_grad and plain.tolist() == [1.0, 1.0, 0.0, 0.0]


def test_double_backward_through_copy_slices():
    x = leaf([1.0, 2.0, 3.0])
    y = x * x
    y[:2].mul_(x[1:])
    (g,) = minigrad.autograd.grad(y.sum(), x, create_graph=True)
    assert repr(g) == "tensor([ 4., 13., 10.], grad_fn=<AddBackward0>)"
    g.sum().backward()
    assert repr(x.grad) == "tensor([ 6., 12.,  6.])"


def test_retain_grad_follows_the_tensor_through_in_place_changes():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 1
    y.retain_grad()
    y[:2].mul_(2)
    (y * minigrad.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert repr(y.grad) == "tensor([1., 2., 3.])" and repr(x.grad) == "tensor([2., 4., 3.])"
    x = leaf([1.0, 2.0, 3.0])
    y = x * 1
    y.retain_grad()
    y.mul_(2)
    (y * minigrad.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert repr(y.grad) == "tensor([1., 2., 3.])" and repr(x.grad) == "tensor([2., 4., 6.])"


# ---- setitem: a basic index copies into a view (CopySlices), an advanced one is index_put_ ----
def test_setitem_nodes():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 1
    y[0] = x[1] * 5
    assert repr(y) == "tensor([10.,  2.,  3.], grad_fn=<CopySlices>)"
    assert edges(y.grad_fn) == [("MulBackward0", 0), ("MulBackward0", 0)]
    y.sum().backward()
    assert repr(x.grad) == "tensor([0., 6., 1.])"

    x = leaf([1.0, 2.0, 3.0])
    y = x * 1
    y[minigrad.tensor([0, 2])] = x[1] * 5
    assert repr(y) == "tensor([10.,  2., 10.], grad_fn=<IndexPutBackward0>)"
    y.sum().backward()
    assert repr(x.grad) == "tensor([ 0., 11.,  0.])"

    x = leaf([1.0, 2.0, 3.0])
    y = x * 1
    y[1:] = 7.0
    assert repr(y) == "tensor([1., 7., 7.], grad_fn=<CopySlices>)" and edges(y.grad_fn) == [("MulBackward0", 0),
                                                                                             (None, 0)]


def test_setitem_whose_key_selects_everything_writes_the_tensor_itself():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 1
    y[...] = 7.0  # a 0-d value: fill_
    assert repr(y) == "tensor([7., 7., 7.], grad_fn=<FillBackward3>)" and edges(y.grad_fn) == [("MulBackward0", 0),
                                                                                                (None, 0)]
    y = x * 1
    y[:] = x * 2  # the same shape: copy_
    assert repr(y) == "tensor([2., 4., 6.], grad_fn=<CopyBackwards>)"
    m = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    y = m * 1
    y[:, :] = m[0] * 2  # broadcast: the value is expanded, then copied
    assert edges(y.grad_fn) == [("MulBackward0", 0), ("ExpandBackward0", 0)]
    y.sum().backward()
    assert repr(m.grad) == "tensor([[4., 4., 4.],\n        [0., 0., 0.]])"
    with raises_exactly("a leaf Variable that requires grad is being used in an in-place operation."):
        x[...] = 5.0


def test_setitem_into_a_0d_tensor_and_with_leading_ones():
    y = leaf(2.0) * 1
    y[..., None] = minigrad.tensor([5.0])
    assert repr(y) == "tensor(5., grad_fn=<CopySlices>)"
    x = leaf([1.0, 2.0, 3.0])
    y = x * 1
    y[1:] = (x[:2] * 3).view(1, 2)
    assert repr(y) == "tensor([1., 3., 6.], grad_fn=<CopySlices>)"
    y.sum().backward()
    assert repr(x.grad) == "tensor([4., 3., 0.])"


def test_augmented_assignment_on_a_slice():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 1
    y[:2] += x[1:]
    assert repr(y) == "tensor([3., 5., 3.], grad_fn=<CopySlices>)"
    y.backward(minigrad.tensor([1.0, 10.0, 100.0]))
    assert repr(x.grad) == "tensor([  1.,  11., 110.])"


def test_writes_through_an_expanded_tensor():
    y = minigrad.zeros(2)
    e = y.expand(3, 2)
    e[1].add_(1)  # one row: no element written twice
    assert y.tolist() == [1.0, 1.0]
    e.zero_()  # the same value everywhere: allowed
    assert y.tolist() == [0.0, 0.0]
    with raises_exactly("unsupported operation: more than one element of the written-to tensor refers to a single "
                        "memory location. Please clone() the tensor before performing the operation."):
        e.mul_(2)


# ---- what PyTorch refuses ----
def test_in_place_on_a_view_of_a_leaf():
    x = leaf([1.0, 2.0])
    for change in (lambda: x.view(2).mul_(2), lambda: x[0].zero_(), lambda: x.__setitem__(0, 5.0)):
        with raises_exactly("a view of a leaf Variable that requires grad is being used in an in-place operation."):
            change()
    x.detach()[:1].mul_(2)  # no autograd involved: allowed
    assert x.tolist() == [2.0, 2.0]


def test_views_made_under_no_grad():
    x = leaf([1.0, 2.0])
    with minigrad.no_grad():
        view = x[:1]
    assert repr(view) == "tensor([1.], requires_grad=True)" and view.is_leaf and view.grad_fn is None
    z = view * 2  # its gradient goes nowhere, as in PyTorch
    assert edges(z.grad_fn) == [(None, 0), (None, 0)]
    z.sum().backward()
    assert x.grad is None
    with raises_exactly(f"A view was created in no_grad mode and is being modified inplace with grad mode enabled. "
                        f"{NO_GRAD_ADVICE}"):
        view.mul_(2)

    y = x * 2
    with minigrad.no_grad():
        view = y[:1]
        view.mul_(2)  # both under no_grad: allowed, and not tracked
    assert repr(view) == "tensor([4.], grad_fn=<Invalid>)"
    y.sum().backward()
    assert repr(x.grad) == "tensor([2., 2.])"

    y = x * 2
    with minigrad.no_grad():
        view = y[:1]
    y.mul_(2)
    assert repr(view) == "tensor([4.], grad_fn=<Invalid>)"
    with raises_exactly(f"A view was created in no_grad mode and its base or another view of its base has been "
                        f"modified inplace with grad mode enabled. {NO_GRAD_ADVICE}"):
        _ = view.grad_fn


def test_views_made_in_inference_mode_are_normal_tensors():
    x = leaf([1.0, 2.0])
    with minigrad.inference_mode():
        view = x[:1]
    assert view.requires_grad and not view.is_inference()
    with raises_exactly(
            "A view was created in inference mode and is being modified inplace in normal mode. Given that this use "
            "case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view "
            "and the inplace either both inside the inference_mode block (if you don't want the inplace to be "
            "tracked) or both outside (if you want the inplace to be tracked)."):
        view.mul_(2)


@pytest.mark.parametrize("pieces, name", [
    (lambda y: y.split(2), "Split"), (lambda y: y.split([1, 3]), "SplitWithSizes"), (lambda y: y.chunk(2), "Split"),
    (lambda y: y.view(2, 2).unbind(), "Unbind")])
def test_views_from_an_op_with_several_outputs(pieces, name):
    y = leaf([1.0, 2.0, 3.0, 4.0]) * 1
    first = pieces(y)[0]
    with raises_exactly(f"Output 0 of {name} is a view and is being modified inplace. {SEVERAL_ADVICE}"):
        first.mul_(2)
    y.mul_(2)
    assert repr(first).endswith("grad_fn=<Invalid>)")
    with raises_exactly(f"Output 0 of {name} is a view and its base or another view of its base has been modified "
                        f"inplace. {SEVERAL_ADVICE}"):
        first * 2


def test_detach_view_changes_nothing_autograd_sees():
    x = leaf([1.0, 2.0])
    y = x * 2
    d = y.detach()
    piece = d[:1]
    piece.mul_(5)
    assert repr(y) == "tensor([10.,  4.], grad_fn=<MulBackward0>)"
    assert piece.grad_fn is None and not piece.requires_grad
    y.sum().backward()  # MulBackward0 saved only the number 2
    assert repr(x.grad) == "tensor([2., 2.])"


# ---- the version counter names the node as PyTorch does ----
@pytest.mark.parametrize("program, described", [
    (lambda x: (x * 1, lambda y: (y ** 2, y[0:1].mul_(2))), "[torch.FloatTensor [2]], which is output 0 of "
     "torch::autograd::CopySlices"),
    (lambda x: (x * 1, lambda y: (y[:1] ** 2, y.mul_(2))), "[torch.FloatTensor [1]], which is output 0 of AsStrided"),
], ids=["base-through-view", "view-through-base"])
def test_version_error_after_a_change_through_a_view(program, described):
    y, change = program(leaf([1.0, 2.0]))
    z, _ = change(y)
    with raises_exactly("one of the variables needed for gradient computation has been modified by an inplace "
                        f"operation: {described}, is at version 1; expected version 0 instead. {HINT}"):
        z.sum().backward()


def test_version_counter_is_shared_by_views_of_views():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 1
    v = y[:2]
    w = v[1:]
    w.mul_(2)
    assert (x._version, y._version, v._version, w._version) == (0, 1, 1, 1)
    y[0] = 3.0
    assert (y._version, v._version, w._version) == (2, 2, 2)


# ---- reshape and indexing: the nodes PyTorch shows ----
@pytest.mark.parametrize("make, name, before, is_view", [
    (lambda m: m.reshape(12), "ViewBackward0", "torch::autograd::AccumulateGrad", True),
    (lambda m: m.t().reshape(4, 3), "ReshapeAliasBackward0", "TBackward0", True),
    (lambda m: m[:, :2].reshape(3, 1, 2), "ReshapeAliasBackward0", "SliceBackward0", True),
    (lambda m: m.t().reshape(12), "UnsafeViewBackward0", "CloneBackward0", False),
    (lambda m: m.t().flatten(), "UnsafeViewBackward0", "CloneBackward0", False),
    (lambda m: m[:, :2].flatten(), "UnsafeViewBackward0", "CloneBackward0", False),
    (lambda m: m[0].expand(2, 4).reshape(8), "UnsafeViewBackward0", "CloneBackward0", False),
    (lambda m: m[0].expand(2, 4).reshape(2, 2, 2), "ReshapeAliasBackward0", "ExpandBackward0", True),
    (lambda m: m.t().view(4, 3), "ViewBackward0", "TBackward0", True),
])
def test_reshape_nodes(make, name, before, is_view):
    m = minigrad.arange(12.0).view(3, 4).detach().requires_grad_()
    r = make(m)
    assert (r.grad_fn.name(), edges(r.grad_fn)[0][0], r._base is not None) == (name, before, is_view)
    r.sum().backward()
    assert m.grad.sum().item() == r.numel()  # each element of r counted once


@pytest.mark.parametrize("key, name", [
    ((Ellipsis,), "AliasBackward0"), ((slice(None), slice(None)), "AliasBackward0"), (slice(None), "SliceBackward0"),
    ((slice(1, None), None, slice(None, 2)), "SliceBackward0"), ((None, 0), "SelectBackward0"),
    ((0, None), "UnsqueezeBackward0"), ((slice(None), 0), "SelectBackward0"), ((0, slice(None)), "SelectBackward0"),
    ((0, slice(None, 2)), "SliceBackward0"), ((slice(None, 2), 0), "SelectBackward0"), ((None, Ellipsis),
                                                                                        "UnsqueezeBackward0"),
    ((slice(0, 5), slice(0, 1)), "SliceBackward0"), ((slice(0, 5), slice(0, 3)), "AliasBackward0"),
    ((slice(-2, None), slice(None)), "SliceBackward0"), ((slice(None), slice(0, 3, 1)), "AliasBackward0"),
    ((slice(0, 2, 2), slice(None)), "SliceBackward0"), ((None, slice(0, 2)), "UnsqueezeBackward0"),
])
def test_index_nodes(key, name):
    m = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert m[key].grad_fn.name() == name


def test_narrow_always_slices():
    m = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert m.narrow(0, 0, 2).grad_fn.name() == "SliceBackward0" == m[None, 1].narrow(-1, 0, 3).grad_fn.name()


def test_a_0d_integer_tensor_index_selects():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    assert repr(x[minigrad.tensor(1), 0]) == "tensor(3., grad_fn=<SelectBackward0>)"
    y = x[minigrad.tensor(1)][minigrad.tensor(0)]
    assert y.shape == () and y.grad_fn.name() == "SelectBackward0"


def test_second_derivative_through_setitem_of_one_element():
    x = leaf([0.5]).double()
    v = minigrad.tensor(0.3, dtype=minigrad.float64, requires_grad=True)
    y = x * 1
    y[0] = v * v
    gx, gv = minigrad.autograd.grad((y * y).sum(), [x, v], create_graph=True)
    (gx.sum() + gv).backward()
    assert round(v.grad.item(), 6) == 1.08  # d/dv of 4 v**3 at 0.3 (gx is 0: x was overwritten)


def test_unbind_gives_views_even_of_single_elements():
    x = minigrad.tensor([1, 0])
    first, _ = x.unbind()
    x[-2] = -2
    assert repr(first) == "tensor(-2)" and first._base is x


def test_index_put_broadcasts_as_torch():
    x = minigrad.tensor([2.0, 3.0, 4.0])
    x[[0, 2]] = minigrad.tensor([[5.0, 6.0]])  # leading 1s dropped
    assert x.tolist() == [5.0, 3.0, 6.0]
    s = minigrad.tensor(-1.5)
    s[s >= 0] = minigrad.tensor([[1.5]])  # a 0-d mask that selects nothing
    assert s.item() == -1.5
    with raises_exactly("shape mismatch: value tensor of shape [2, 2] cannot be broadcast to indexing result of "
                        "shape [2]"):
        x[[1, 1]] = minigrad.tensor([[0.79, -1.69], [-0.25, -1.5]])


def test_copy_slices_is_released_by_backward():
    x = leaf([1.0, 2.0])
    y = x * 1
    y[0] = x[1] * 3
    y.sum().backward()
    with pytest.raises(RuntimeError, match="^Trying to backward through the graph a second time"):
        y.sum().backward()


def test_a_view_whose_base_began_to_require_grad_is_a_root_of_backward():
    base = minigrad.tensor([[-3.0], [1.5]])
    flat = base.flatten()
    s = leaf(-1.5)
    base += s
    assert repr(flat) == "tensor([-4.5000,  0.0000], grad_fn=<AsStridedBackward0>)"
    flat.backward(minigrad.tensor([0.25, 0.75]))
    assert s.grad.item() == 1.0


def test_autograd_grad_returns_the_engines_gradient_itself():
    v = minigrad.ones(2)
    x = leaf([1.0, 1.0])
    (g,) = minigrad.autograd.grad(x, x, v)
    assert g is v  # as PyTorch: no copy
    (g,) = minigrad.autograd.grad(x.transpose(0, -1).mean(), x)
    with raises_exactly(f"A view was created in no_grad mode and is being modified inplace with grad mode enabled. "
                        f"{NO_GRAD_ADVICE}"):
        g[1, None] = leaf(0.05)


def test_negative_step_is_refused():
    with pytest.raises(ValueError, match="^step must be greater than zero$"):
        minigrad.ones(3)[::-1]


# ---- a stale view's AsStridedBackward0 copies the gradient (a -0. stays), index_put_ into expanded tensors ----
def test_stale_view_passes_a_negative_zero_gradient_on():
    x = leaf([[-1.0], [1.5]])
    v = x.unsqueeze(-1)
    with minigrad.no_grad():
        v -= -2.0
    assert v.grad_fn.name() == "AsStridedBackward0"
    v.backward(gradient=minigrad.tensor([[[2.5]], [[-0.0]]]))
    assert repr(x.grad) == "tensor([[2.5000],\n        [-0.0000]])"  # (PyTorch's printer leaves no room for -0.'s sign)


def test_stale_expanded_view_adds_the_gradients_of_shared_elements():
    x = leaf([1.0, -2.0, 3.0])
    y = x * 1
    e = y.expand(2, 3)
    with minigrad.no_grad():
        y.add_(1)
    (g,) = minigrad.autograd.grad(e, x, minigrad.tensor([[-0.0, -0.0, 1.0], [-0.0, -0.0, 2.0]]))
    assert repr(g) == "tensor([0., 0., 3.])"  # 0. + -0. + -0. is 0., as PyTorch's index_add_


def test_double_backward_through_a_stale_view_is_as_strided():
    x = leaf([1.0, -2.0, 3.0])
    y = x.clone()
    v = y[:2]
    with minigrad.no_grad():
        y.add_(1)
    (g,) = minigrad.autograd.grad((v * v).sum(), x, create_graph=True)
    assert repr(g) == "tensor([ 4., -2.,  0.], grad_fn=<AsStridedBackward0>)"


INDEX_PUT_EXPANDED = ("Use of index_put_ on expanded tensors is deprecated. Please clone() the tensor before "
                      "performing this operation. This also applies to advanced indexing e.g. tensor[indices] = tensor "
                      "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp"
                      ":976.)")


def test_index_writes_into_an_expanded_tensor_reach_the_shared_memory():
    x = minigrad.zeros(2)
    e = x.expand(3, 2)
    with pytest.warns(UserWarning) as caught:
        e[[0, 1]] = 3.0
    assert [str(w.message) for w in caught] == [INDEX_PUT_EXPANDED]
    assert x.tolist() == [3.0, 3.0]
    one = minigrad.zeros(1).expand(3)
    with pytest.warns(UserWarning, match="^Use of index_put_ on expanded tensors"):
        one[minigrad.tensor([0, 1])] = minigrad.tensor([1.0, 2.0])
    assert one.tolist() == [2.0, 2.0, 2.0]  # the last write to the shared place wins


def test_index_write_into_a_row_of_an_expanded_tensor_does_not_warn():
    e = minigrad.zeros(2).expand(3, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        e[1, minigrad.tensor([0])] = 5.0  # the row e[1] has no shared elements
    assert e.tolist() == [[5.0, 0.0]] * 3


def test_index_write_into_the_expanded_gradient_of_a_sum():
    x = leaf([-1.0, 1.5])
    (g,) = minigrad.autograd.grad(x.sum(), [x])
    with pytest.warns(UserWarning, match="^Use of index_put_ on expanded tensors"):
        g[minigrad.tensor([-1])] = minigrad.tensor(-0.03)
    assert repr(g) == "tensor([-0.0300, -0.0300])"


def test_backward_through_an_index_write_into_an_expanded_view_fails_as_in_pytorch():
    y = leaf([1.0, 2.0]) * 1
    e = y.expand(3, 2)
    with pytest.warns(UserWarning, match="^Use of index_put_ on expanded tensors"):
        e[minigrad.tensor([0])] = leaf(7.0)
    assert y.grad_fn.name() == "torch::autograd::CopySlices"
    with raises_exactly("unsupported operation: more than one element of the written-to tensor refers to a single "
                        "memory location. Please clone() the tensor before performing the operation."):
        e.sum().backward()


def test_a_value_with_leading_ones_written_through_an_index_tensor_is_viewed_first():
    x = minigrad.zeros(2, 4, dtype=minigrad.float64)
    v = minigrad.ones(1, 2, 3, dtype=minigrad.float64, requires_grad=True)
    x[:, minigrad.tensor([-1, -2, -3])] = v
    assert x.grad_fn.next_functions[1][0].name() == "ViewBackward0"
    x.sum().backward()
    assert v.grad.shape == (1, 2, 3) and v.grad.tolist() == [[[1.0] * 3] * 2]
    base = minigrad.zeros(4, 2, dtype=minigrad.float64)
    y = base.reshape(2, 4)  # a view: the write goes through CopySlices
    w = minigrad.ones(1, 2, 3, dtype=minigrad.float64, requires_grad=True)
    y[:, minigrad.tensor([-1, -2, -2])] = w
    y.mean().backward()
    assert w.grad.tolist() == [[[0.125] * 3] * 2]  # -2 written twice: PyTorch gives both values the gradient


# ---- index_put_ / index_put ----
def test_index_put_writes_and_accumulates():
    m = minigrad.zeros(2, 3)
    m.index_put_((minigrad.tensor([0, 1]), minigrad.tensor([2, 0])), minigrad.tensor([7.0, 8.0]))
    m.index_put_((minigrad.tensor([0, 0]), minigrad.tensor([2, 2])), minigrad.tensor([1.0, 1.0]), accumulate=True)
    assert m.tolist() == [[0.0, 0.0, 9.0], [8.0, 0.0, 0.0]]
    assert minigrad.index_put_(m, (minigrad.tensor([1]),), minigrad.tensor(4.0)) is m
    assert m.tolist() == [[0.0, 0.0, 9.0], [4.0, 4.0, 4.0]]


def test_index_put_gradients():
    y = leaf([1.0, 2.0, 3.0]) * 1
    v = leaf([10.0, 20.0])
    z = y.index_put_((minigrad.tensor([0, 0]),), v, accumulate=True)
    assert repr(z) == "tensor([31.,  2.,  3.], grad_fn=<IndexPutBackward0>)"
    z.sum().backward()
    assert v.grad.tolist() == [1.0, 1.0]
    x = leaf([1.0, 2.0, 3.0])
    w = leaf([10.0, 20.0])
    out = minigrad.index_put(x, (minigrad.tensor([0, 2]),), w)
    assert repr(out) == "tensor([10.,  2., 20.], grad_fn=<IndexPutBackward0>)"
    (out * out).sum().backward()
    assert x.grad.tolist() == [0.0, 4.0, 0.0] and w.grad.tolist() == [20.0, 40.0]


@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_gradcheck(accumulate):
    x = minigrad.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=minigrad.float64, requires_grad=True)
    v = minigrad.tensor([0.3, -0.2], dtype=minigrad.float64, requires_grad=True)
    # a place named twice: accumulate adds both values; a plain write keeps one (no gradient check for that)
    index = (minigrad.tensor([1, 1]), minigrad.tensor([0, 0] if accumulate else [0, 2]))
    assert minigrad.autograd.gradcheck(lambda a, b: a.index_put(index, b, accumulate=accumulate) ** 2, (x, v))
    assert minigrad.autograd.gradgradcheck(lambda a, b: a.index_put(index, b, accumulate=accumulate) ** 2, (x, v))


@pytest.mark.parametrize("indices, values, error, text", [
    (minigrad.tensor([0]), minigrad.tensor(1.0), TypeError,
     "index_put_(): argument 'indices' (position 1) must be tuple of Tensors, not Tensor"),
    ((minigrad.tensor([0]),), 1.0, TypeError, "index_put_(): argument 'values' (position 2) must be Tensor, not float"),
    ((None,), minigrad.tensor(1.0), TypeError, "expected Tensor as element 0 in argument 0, but got NoneType"),
    ((minigrad.tensor([0]),), minigrad.tensor(1, dtype=minigrad.int64), RuntimeError,
     "Index put requires the source and destination dtypes match, got Float for the destination and Long for the "
     "source."),
    ((minigrad.tensor([5]),), minigrad.tensor(1.0), IndexError, "index 5 is out of bounds for dimension 0 with size 3"),
    ((minigrad.tensor([0, 1]),), minigrad.tensor([1.0, 2.0, 3.0]), RuntimeError,
     "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2]"),
])
def test_index_put_errors(indices, values, error, text):
    with pytest.raises(error, match=f"^{re.escape(text)}$"):
        minigrad.zeros(3).index_put_(indices, values)


# ---- x[index tensor] = v: v must have x's dtype, unless one element fills through a single mask ----
@pytest.mark.parametrize("target, key, value, expected", [
    ([0, 0, 0], [0], minigrad.tensor(5.5), "Index put requires the source and destination dtypes match, got Long for "
                                            "the destination and Float for the source."),
    ([0, 0, 0], [False, False, False], minigrad.tensor([]), "Index put requires the source and destination dtypes "
                                                            "match, got Long for the destination and Float for the "
                                                            "source."),
    ([0.0, 0.0, 0.0], [0, 1], minigrad.tensor([5.5, 6.5], dtype=minigrad.float64),
     "Index put requires the source and destination dtypes match, got Float for the destination and Double for the "
     "source."),
    ([0, 0, 0], [True, False, True], minigrad.tensor([5.5]), [5, 0, 5]),
    ([0.0, 0.0, 0.0], [True, False, True], minigrad.tensor(5.5, dtype=minigrad.float64), [5.5, 0.0, 5.5]),
    ([0.0, 0.0, 0.0], [0, 1], 5, [5.0, 5.0, 0.0]),
])
def test_index_write_dtypes(target, key, value, expected):
    x = minigrad.tensor(target)
    key = minigrad.tensor(key, dtype=minigrad.bool if isinstance(key[0], bool) else minigrad.int64)
    if isinstance(expected, str):
        with raises_exactly(expected):
            x[key] = value
    else:
        x[key] = value
        assert x.tolist() == expected


# ---- a write through an index tensor stops at the first index out of bounds, keeping what it wrote before ----
def test_index_write_keeps_what_it_wrote_before_an_index_out_of_bounds():
    x = minigrad.zeros(5)
    with pytest.raises(IndexError, match="^index 7 is out of bounds for dimension 0 with size 5$"):
        x[minigrad.tensor([0, 1, 7, 2])] = minigrad.tensor([1.0, 2.0, 3.0, 4.0])
    assert x.tolist() == [1.0, 2.0, 0.0, 0.0, 0.0]
    m = minigrad.zeros(3, 4)
    with pytest.raises(IndexError, match="^index 9 is out of bounds for dimension 0 with size 4$"):
        m[1:, minigrad.tensor([[3, 0], [9, 1]])] = minigrad.arange(8.0).reshape(2, 2, 2)
    assert m.tolist() == [[0.0] * 4, [1.0, 0.0, 0.0, 0.0], [0.0] * 4]  # row by row: row 1 stops at the 9
    m = minigrad.zeros(2, 3)
    with pytest.raises(IndexError, match="^index 5 is out of bounds for dimension 0 with size 3$"):
        m[..., minigrad.tensor([1, 5])] = minigrad.tensor([[1.0], [2.0]])
    assert m.tolist() == [[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]


def test_index_put_accumulates_into_shared_memory_once_per_index():
    x = minigrad.tensor([[-1.0, 1.5]], dtype=minigrad.float64, requires_grad=True)
    (g,) = minigrad.autograd.grad(x.sum(), [x])  # expanded from one number: both elements are one place
    with pytest.warns(UserWarning, match="^Use of index_put_ on expanded tensors"):
        g.index_put_((minigrad.tensor(-1),), minigrad.tensor(-0.03, dtype=minigrad.float64), accumulate=True)
    assert repr(g) == "tensor([[0.9400, 0.9400]], dtype=torch.float64)"


def test_copying_a_tensor_onto_itself_through_a_view_with_a_size_one_dim():
    x = minigrad.tensor([0.5])
    one = x.unbind(0)[0]
    one[..., None] = x  # the same memory, laid out the same way (a size-1 dim's stride does not matter)
    assert x.tolist() == [0.5]
