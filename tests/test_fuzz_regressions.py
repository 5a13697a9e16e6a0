"""Differences the differential fuzzer found in its 20,000-program runs, each pinned down with what torch 2.13 prints
(the programs are the fuzzer's minimal reproductions)."""
import re

import pytest

import minigrad as torch

HINT = ("Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).")
OVERLAP = ("unsupported operation: some elements of the input tensor and the written-to tensor refer to a single "
           "memory location. Please clone() the tensor before performing the operation.")


def raises(kind, text):
    return pytest.raises(kind, match=f"^{re.escape(text)}$")


def leaf(values, dtype=None):
    return torch.tensor(values, dtype=dtype, requires_grad=True)


def node_chain(t, length=3):
    names, node = [], t.grad_fn
    while node is not None and len(names) < length:
        names.append(node.name())
        node = node.next_functions[0][0] if node.next_functions else None
    return names


@pytest.mark.parametrize("shape, squeeze, expected", [
    ((1, 2), lambda t: t.squeeze(-2), ["UnsqueezeBackward0", "MulBackward0"]),
    ((1, 2, 1), lambda t: t.squeeze(), ["UnsqueezeBackward0", "UnsqueezeBackward0", "MulBackward0"]),
    ((), lambda t: t.squeeze(-1), ["MulBackward0"]),  # nothing squeezed: the gradient itself
    ((2, 3), lambda t: t.squeeze(0), ["MulBackward0"]),
])
def test_squeeze_backward_unsqueezes_what_it_squeezed(shape, squeeze, expected):
    x = torch.ones(shape, requires_grad=True)
    (g,) = torch.autograd.grad((squeeze(x) ** 2).sum(), x, create_graph=True)
    assert node_chain(g) == expected and g.shape == x.shape


def test_squeeze_of_a_tuple_of_dims_is_its_own_node():
    assert torch.ones(1, 3, 1, requires_grad=True).squeeze((0, 2)).grad_fn.name() == "SqueezeBackward2"


def test_softmax_of_an_empty_integer_tensor_is_itself():
    assert repr(torch.tensor([], dtype=torch.int32).log_softmax(-1)) == "tensor([], dtype=torch.int32)"
    assert repr(torch.tensor([], dtype=torch.int64).softmax(0)) == "tensor([], dtype=torch.int64)"
    with raises(NotImplementedError, "\"softmax_lastdim_kernel_impl\" not implemented for 'Long'"):
        torch.tensor([1, 2]).softmax(0)


def test_masked_fill_returns_a_contiguous_tensor():
    x = torch.arange(12.0).reshape(3, 2, 2).permute(2, 1, 0).requires_grad_()
    y = x.masked_fill(x > 3, 2.83)
    assert y.is_contiguous()
    assert y.reshape((2, 2, 3, 1)).grad_fn.name() == "ViewBackward0"


def test_logaddexp_with_a_bool_operand():
    assert repr(torch.logaddexp(torch.tensor(False), torch.tensor(-0.25).double())) == \
        "tensor(0.5759, dtype=torch.float64)"
    with raises(NotImplementedError, "\"logaddexp_cpu\" not implemented for 'Long'"):
        torch.logaddexp(torch.tensor([True]), torch.tensor([1]))


def test_index_tensors_and_values_in_the_written_memory_are_refused():
    x = torch.tensor([[True], [False], [True]])
    with raises(RuntimeError, OVERLAP):
        x[x] = torch.tensor([False, True])
    y = torch.tensor([1.0, 2.0, 3.0])
    with raises(RuntimeError, OVERLAP):
        y[torch.tensor([0, 1, 2])] = y
    y[torch.tensor([True, False, True])] = y[0]  # one value filled through a mask is read first
    assert y.tolist() == [1.0, 2.0, 1.0]


def test_a_float_index_into_a_leaf_that_requires_grad_names_the_leaf_first():
    with raises(RuntimeError, "a leaf Variable that requires grad is being used in an in-place operation."):
        torch.tensor([], requires_grad=True)[torch.tensor([])] = torch.tensor(1.11)
    with raises(IndexError, "tensors used as indices must be long, int, byte or bool tensors"):
        torch.tensor([1.0])[torch.tensor([0.0])] = 2.0


def test_nll_loss_saves_its_target():
    x = leaf([[-1.5, -2.0], [0.75, -0.5], [2.0, 3.0]])
    target = torch.tensor([1, 1, 1])
    loss = torch.nn.functional.nll_loss(torch.nn.functional.log_softmax(x, 1), target)
    target[-2:3:2] = torch.tensor(-1)
    with raises(RuntimeError, "one of the variables needed for gradient computation has been modified by an inplace "
                              f"operation: [torch.LongTensor [3]] is at version 1; expected version 0 instead. {HINT}"):
        loss.backward()


def test_a_node_that_saved_nothing_it_needs_can_run_backward_twice():
    bias = leaf(1.0)
    out = torch.nn.functional.linear(torch.tensor([[-0.5]]), torch.tensor([[0.21], [-1.0]]), bias)  # addmm
    out.backward(torch.tensor([[0.25, -0.0]]))
    out.sum().backward()  # only the bias needs a gradient: addmm saved nothing
    assert bias.grad.item() == 2.25


def test_a_leafs_grad_is_no_view():
    x = leaf(0.65)
    stacked = torch.stack([x], 0)
    stacked.mean().backward()  # x's gradient reaches it as a view (the select of unbind)
    g = x.grad
    assert g._base is None
    g[None] = stacked
    assert repr(g) == "tensor(0.6500, grad_fn=<CopySlices>)"


def test_saved_condition_mask_and_target_get_no_edge():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    condition = torch.tensor([True, False])

    def edges(t):
        return [(node.name() if node is not None else None, nr) for node, nr in t.grad_fn.next_functions]
    accumulate = ("torch::autograd::AccumulateGrad", 0)
    assert edges(torch.where(condition, a, b)) == [accumulate, accumulate]
    assert edges(a.masked_fill(condition, 0.0)) == [accumulate]
    assert edges(torch.nn.functional.nll_loss(a.view(1, 2), torch.tensor([1]))) == [("ViewBackward0", 0)]
    assert edges(a * condition) == [accumulate, (None, 0)]  # a bool operand of arithmetic keeps its edge


def test_a_single_value_filled_through_a_mask_may_write_into_the_masks_memory():
    flags = torch.tensor([True, False])
    flags[flags] = False  # masked_fill_ reads the mask first
    assert repr(flags) == "tensor([False, False])"
    with raises(RuntimeError, OVERLAP):
        flags[flags] = torch.tensor([True, False])


def test_the_remainders_gradient_for_its_divisor_is_recorded_under_create_graph():
    divisor = leaf(3.0)
    (g,) = torch.autograd.grad((torch.tensor(1.03) % divisor).sum(), [divisor], create_graph=True)
    assert repr(g) == "tensor(-0., grad_fn=<MulBackward0>)"
    assert [n.name() if n else None for n, _ in g.grad_fn.next_functions] == [None, "DivBackward2"]


@pytest.mark.parametrize("mode, expected", [("floor", "tensor([-2.,  1.], grad_fn=<DivBackward2>)"),
                                            ("trunc", "tensor([-1.,  1.], grad_fn=<DivBackward2>)")])
def test_div_with_a_rounding_mode_is_a_step_function(mode, expected):
    x = leaf([-3.5, 2.5])
    y = torch.div(x, 2, rounding_mode=mode)
    assert repr(y) == expected
    y.sum().backward()
    assert repr(x.grad) == "tensor([0., 0.])"
    assert repr(torch.tensor([-7, 7]).div(2, rounding_mode="trunc")) == "tensor([-3,  3])"
    with raises(RuntimeError, "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'up'"):
        x.div(2, rounding_mode="up")


@pytest.mark.parametrize("softmax", ["softmax", "log_softmax"])
def test_softmax_backward_keeps_the_sign_of_a_sum_of_negative_zeros_as_pytorch(softmax):
    x = torch.zeros(1, 3, requires_grad=True)
    getattr(torch, softmax)(x, dim=-1).backward(torch.full((1, 3), -0.0))
    assert repr(x.grad) == "tensor([[0., 0., 0.]])"  # -0. - (-0.): PyTorch's kernel sums from the first element


def test_a_number_to_a_tensor_power_saves_the_exponent():
    t = leaf([1.0, 2.0])
    x = t * 1
    y = 2 ** x
    x.add_(1)
    with raises(RuntimeError, "one of the variables needed for gradient computation has been modified by an "
                "inplace operation: [torch.FloatTensor [2]], which is output 0 of Add, is at version 1; expected "
                "version 0 instead. " + HINT):
        y.sum().backward()


def test_a_retained_gradient_is_recorded_under_create_graph():
    x = leaf([[-1.87, 1.0]])
    h = x.squeeze(-2)
    h.retain_grad()
    torch.autograd.grad(h.norm(1), [x], create_graph=True)
    assert repr(h.grad) == "tensor([-1.,  1.], grad_fn=<CloneBackward0>)"
    torch.autograd.grad(h.norm(1), [x], create_graph=True)
    assert repr(h.grad) == "tensor([-2.,  2.], grad_fn=<AddBackward0>)"


@pytest.mark.parametrize("write", [
    lambda x: x.add_(x.t()),  # the same memory, laid out differently
    lambda x: x.view(1, 4).add_(x.view(4)),
    lambda x: x.copy_(x.t()),
])
def test_an_operand_over_the_same_memory_with_other_strides_is_a_partial_overlap(write):
    with raises(RuntimeError, OVERLAP):
        write(torch.rand(2, 2))


def test_a_size_one_view_with_another_stride_is_a_partial_overlap():
    flags = torch.tensor([False])
    with raises(RuntimeError, OVERLAP):
        flags[-2:, None][-2:2:2, 0] = flags
    x = torch.rand(4)
    x[None].copy_(x.view(1, 4))  # numpy's stride 0 for an inserted axis: the same layout as PyTorch's view


def test_cumsum_over_a_dim_of_one_passes_the_gradient_on_as_it_is():
    x = leaf(-3.0)
    (g,) = torch.autograd.grad(torch.nn.functional.l1_loss(x.cumsum(0), torch.tensor(2.42)), x, create_graph=True)
    assert g.grad_fn.name() == "MulBackward0"  # no FlipBackward0: nothing to add up
    column = torch.ones(3, 1, requires_grad=True)
    (g,) = torch.autograd.grad(column.cumsum(1).sum(), column, create_graph=True)
    assert repr(g) == "tensor([[1.],\n        [1.],\n        [1.]])"


def test_an_index_tensor_changed_after_indexing_makes_backward_fail():
    x = leaf([1.0, 2.0])
    index = torch.tensor([1, 0])
    y = x[index]
    index.zero_()
    with raises(RuntimeError, "one of the variables needed for gradient computation has been modified by an "
                "inplace operation: [torch.LongTensor [2]] is at version 1; expected version 0 instead. " + HINT):
        y.sum().backward()


def test_bce_with_logits_backward_follows_pytorchs_order_of_operations():
    z = leaf([[-0.5, 0.94, -1.5]])
    y = torch.tensor([[0.2, 0.7, 1.0]])
    (g,) = torch.autograd.grad(torch.nn.functional.binary_cross_entropy_with_logits(
        z, y, pos_weight=torch.tensor([2.0, 1.0, 0.5])), z, create_graph=True)
    assert g.grad_fn.name() == "DivBackward1"  # divided by the number of elements last
    assert g.tolist() == [[0.017682930454611778, 0.006366550922393799, -0.1362624168395996]]  # bit for bit


def test_abs_backward_multiplies_by_sgn():
    x = leaf([2.0, -1.0, 0.0])
    (g,) = torch.autograd.grad(x.abs().sum(), x, create_graph=True)
    assert [n.name() if n else None for n, _ in g.grad_fn.next_functions] == [None, "SgnBackward0"]
    assert repr(torch.sgn(x)) == "tensor([ 1., -1.,  0.], grad_fn=<SgnBackward0>)"


def test_add_and_sub_with_alpha_multiply_the_gradient_by_a_number():
    x, y = leaf(0.25), leaf(2.0)
    (g,) = torch.autograd.grad(y.sub(x, alpha=2).reciprocal(), x, create_graph=True)
    assert g.grad_fn.name() == "MulBackward1"
    assert [n.name() for n, _ in g.grad_fn.next_functions] == ["NegBackward0"]


def test_an_integer_output_changed_in_place_is_not_named_as_the_nodes_output():
    values = torch.tensor([0.05], requires_grad=True).max(dim=0, keepdim=True)
    values[1][-1:3, None] = 2
    with raises(RuntimeError, "one of the variables needed for gradient computation has been modified by an "
                "inplace operation: [torch.LongTensor [1]] is at version 1; expected version 0 instead. " + HINT):
        values[0].backward()


def test_writing_into_a_0d_tensor_through_a_tuple_index_is_too_many_indices():
    x = torch.tensor(3)
    with raises(IndexError, "too many indices for tensor of dimension 0"):
        x[:,] = torch.tensor(0)
    x[...] = 1
    assert repr(x) == "tensor(1)"


def test_an_empty_write_through_a_view_backpropagates():
    x0 = torch.tensor([[], []])
    x1 = torch.tensor([], requires_grad=True)
    x0[-2:3, 1::2] = x1
    x0.backward(gradient=torch.tensor([[], []]))
    assert repr(x1.grad) == "tensor([])"


def test_linear_checks_dtypes_first_for_addmm_and_shapes_first_for_matmul():
    layer = torch.nn.Linear(2, 3)
    with raises(RuntimeError, "mat1 and mat2 must have the same dtype, but got Double and Float"):
        layer(torch.zeros(4, 5, dtype=torch.float64))
    with raises(RuntimeError, "mat1 and mat2 shapes cannot be multiplied (6x1 and 2x3)"):
        layer(torch.zeros(1, 2, 3, dtype=torch.float64).swapaxes(0, 2))


def test_a_float16_std_is_rounded_after_the_square_root():
    x = torch.tensor([3.0, -10000.0, 2.0, -3.0], dtype=torch.float16)
    assert repr(x.std()) == "tensor(5000., dtype=torch.float16)"
    assert repr(x.var()) == "tensor(inf, dtype=torch.float16)"


def test_a_lone_slice_that_keeps_its_dim_still_slices_backward():
    x = leaf([2.0])
    (g,) = torch.autograd.grad(x[:3].rsqrt().sum(), x, create_graph=True)
    assert g.grad_fn.name() == "SliceBackwardBackward0"
    y = leaf([-3.0, 0.75, -0.5])
    (g,) = torch.autograd.grad(y.narrow(0, 0, 3).sum(), y)
    g[:] *= 2  # a gradient of its own, not an expanded view of the seed
    assert repr(g) == "tensor([2., 2., 2.])"


def test_bitwise_ops_promote_as_pytorch():
    assert repr(torch.tensor(1.5).argmax() | torch.tensor([-3], dtype=torch.int32)) == \
        "tensor([-3], dtype=torch.int32)"


def test_a_single_roots_hooks_run_even_when_it_leads_to_no_input():
    x, unrelated = leaf(2.0), leaf(1.0)
    y = 1.5 + torch.nn.functional.softplus(x)
    y.retain_grad()
    torch.autograd.grad(y, [unrelated], allow_unused=True)
    assert repr(y.grad) == "tensor(1.)"


def test_a_node_without_derivative_fails_before_any_leaf_gets_a_gradient():
    a, c = leaf([1.0, 2.0]), leaf(0.5)
    with raises(RuntimeError, "derivative for aten::floor_divide is not implemented"):
        (a // a + c).sum().backward()
    assert c.grad is None


def test_expand_names_the_last_mismatching_dim_first():
    with raises(RuntimeError, "The expanded size of the tensor (1) must match the existing size (0) at "
                "non-singleton dimension 1.  Target sizes: [0, 1].  Tensor sizes: [3, 0]"):
        torch.zeros(3, 0).expand(0, 1)


def test_nll_loss_backward_is_an_op_of_its_own_under_create_graph():
    x = leaf([[-2.0, -0.25, 1.5], [0.5, -1.65, -0.25]])
    (g,) = torch.autograd.grad(torch.nn.functional.nll_loss(x, torch.tensor([2, 0])), x, create_graph=True)
    assert repr(g) == ("tensor([[ 0.0000,  0.0000, -0.5000],\n        [-0.5000,  0.0000,  0.0000]], "
                       "grad_fn=<NllLossBackwardBackward0>)")


def test_a_remainder_by_a_constant_saves_nothing_and_can_backward_twice():
    x = leaf(-1.0)
    y = (x % torch.tensor([[0.5], [-2.0]])).sum()
    y.backward()
    y.backward()
    assert repr(x.grad) == "tensor(4.)"


def test_leaves_accumulate_in_the_order_they_became_ready_as_pytorch():
    a, b, c = leaf(1.0), leaf(2.0), leaf(3.0)
    order = []
    for t, name in ((a, "a"), (b, "b"), (c, "c")):
        t.register_hook(lambda g, name=name: order.append(name))
    (a * b).backward()
    (a * b * c).backward()
    torch.stack([a, b, c, a]).sum().backward()
    assert "".join(order) == "ab" + "cab" + "bca"


def test_a_node_without_derivative_and_a_leaf_run_in_the_order_they_became_ready():
    exponent_source, base = leaf(0.25), leaf(2.0)
    with raises(RuntimeError, "derivative for aten::floor_divide is not implemented"):
        (base ** (exponent_source // -0.25)).backward()
    assert repr(base.grad) == "tensor(-0.2500)"  # the base's edge comes first: its leaf accumulated first


@pytest.mark.parametrize("index, text", [(0, "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"),
                                         (1, "index 1 is out of bounds for dimension 0 with size 0")])
def test_an_integer_index_into_a_0d_tensor(index, text):
    with raises(IndexError, text):
        torch.tensor(-1.5)[index]


def test_small_errors_with_pytorchs_types_and_texts():
    with raises(NotImplementedError, "\"remainder_cpu\" not implemented for 'Bool'"):
        torch.tensor(False) % torch.tensor(False)
    with raises(RuntimeError, "The size of tensor a (4) must match the size of tensor b (2) at non-singleton "
                "dimension 0"):
        torch.rand(4).allclose(torch.tensor([-0.5, 1.39]))
    flags = torch.tensor([False])
    with raises(RuntimeError, OVERLAP):  # the memory is checked before the dtypes
        flags.index_put_((flags,), torch.tensor([]))


def test_writes_into_an_expanded_gradient():
    x = leaf([0.75, 1.5])
    (g,) = torch.autograd.grad(x.sum(), [x])  # an expanded view of the seed, as in PyTorch
    assert repr(g.copy_(g)) == "tensor([1., 1.])"  # onto itself: nothing to do
    with raises(RuntimeError, "unsupported operation: more than one element of the written-to tensor refers to a "
                "single memory location. Please clone() the tensor before performing the operation."):
        g[None,] = -2.04


def test_a_float16_norm_is_accumulated_in_float32():
    x = torch.tensor([[-1.89, -0.58], [-10000.0, 10000.0]], dtype=torch.float16)
    assert repr(x.norm()) == "tensor(14144., dtype=torch.float16)"
