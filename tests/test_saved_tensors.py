"""What backward checks about saved tensors, as PyTorch: a saved tensor changed in place since (the version
counter, naming the op as PyTorch's message does), and a second backward once the saved tensors are freed.
Expected texts are torch 2.13's."""
import re

import pytest

import minigrad

HINT = ("Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).")
FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they have "
         "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
         "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if "
         "you need to access saved tensors after calling backward.")


def leaf(values, dtype=None):
    return minigrad.tensor(values, dtype=dtype, requires_grad=True)


def raises_exactly(text):
    return pytest.raises(RuntimeError, match=f"^{re.escape(text)}$")


def modified(described, current=1, expected=0):
    return raises_exactly("one of the variables needed for gradient computation has been modified by an inplace "
                          f"operation: [{described} is at version {current}; expected version {expected} instead. "
                          f"{HINT}")


def edges(node):
    return [(child.name() if child is not None else None, nr) for child, nr in node.next_functions]


def test_saved_output_of_pow_changed_in_place():
    x = leaf([1.0, 2.0])
    y = x ** x  # PowBackward1 saves its result
    y.div_(3)
    with modified("torch.FloatTensor [2]], which is output 0 of Pow1,"):
        y.backward(minigrad.ones(2))


def test_saved_output_of_max_changed_in_place():
    x = leaf([1.0, 2.0])
    y = x.max()
    y.mul_(2)
    with modified("torch.FloatTensor []], which is output 0 of Max1,"):
        y.backward()


def test_saved_input_of_mixed_dtype_op_changed_in_place():
    x = leaf([1.0, 2.0])
    w = leaf([1.0, 2.0], dtype=minigrad.float64)
    y = x * 1
    z = y * w  # float32 * float64: the op sees y itself, promoted, not a converted copy
    assert edges(z.grad_fn) == [("MulBackward0", 0), ("torch::autograd::AccumulateGrad", 0)]
    y.add_(1)
    with modified("torch.FloatTensor [2]], which is output 0 of Add,"):
        z.sum().backward()
    y = x * 1
    z = y * w
    w.detach().add_(1)
    with modified("torch.DoubleTensor [2]]"):
        z.sum().backward()


def test_mixed_dtype_gradients_keep_each_input_dtype():
    x = leaf([1.0, 2.0])
    s = leaf(3.0, dtype=minigrad.float64)
    z = x * s  # a 0-d float64 tensor does not widen float32
    assert repr(z) == "tensor([3., 6.], grad_fn=<MulBackward0>)"
    assert edges(z.grad_fn) == [("torch::autograd::AccumulateGrad", 0)] * 2
    z.sum().backward()
    assert repr(x.grad) == "tensor([3., 3.])" and repr(s.grad) == "tensor(3., dtype=torch.float64)"
    w = leaf([1.0, 2.0], dtype=minigrad.float64)
    (x * w).sum().backward()
    assert repr(w.grad) == "tensor([1., 2.], dtype=torch.float64)" and repr(x.grad) == "tensor([4., 5.])"


@pytest.mark.parametrize("op", [
    lambda x: x[x > 0], lambda x: x[[0, 1]], lambda x: minigrad.where(x > 0, x, 0.0),
    lambda x: x.masked_fill(x > 0, 1.0), lambda x: x.max(0)[0]],
    ids=["mask", "int-list", "where", "masked_fill", "max(dim)"])
def test_second_backward_after_the_saved_tensors_are_freed(op):
    x = leaf([[0.5, -1.0], [1.5, 0.25]])
    y = op(x).sum()
    y.backward()
    first = x.grad.clone()
    with raises_exactly(FREED):
        y.backward()
    assert x.grad.equal(first)  # nothing accumulated a second time


@pytest.mark.parametrize("op", [lambda x: x[0], lambda x: x[:, 1:], lambda x: x[...], lambda x: x.t()],
                         ids=["select", "slice", "alias", "t"])
def test_views_save_nothing_so_a_second_backward_works(op):
    x = leaf([[0.5, -1.0], [1.5, 0.25]])
    y = op(x).sum()
    y.backward()
    y.backward()
    assert x.grad.sum().item() == 2 * op(x).numel()


@pytest.mark.parametrize("op, text, edges_", [
    (lambda x, y: x.add(y, alpha=0.7), "tensor([1.2100, 0.8100], grad_fn=<AddBackward0>)", ["AccumulateGrad"] * 2),
    (lambda x, y: x.sub(2, alpha=3), "tensor([-5., -4.], grad_fn=<SubBackward0>)", ["AccumulateGrad", None]),
    (lambda x, y: x.clone().sub_(y, alpha=2), "tensor([0.4000, 5.4000], grad_fn=<SubBackward0>)",
     ["CloneBackward0", "AccumulateGrad"]),
], ids=["add", "sub-number", "sub_"])
def test_alpha_is_part_of_add_and_sub(op, text, edges_):
    x, y = leaf([1.0, 2.0]), leaf([0.3, -1.7])
    out = op(x, y)
    assert repr(out) == text
    assert [child.name().replace("torch::autograd::", "") if child else None
            for child, _ in out.grad_fn.next_functions] == edges_
    out.sum().backward()
    out.sum().backward()  # nothing saved (no `y * alpha` node in between), so a second backward works


def test_add_with_alpha_rounds_once_as_torch():
    a = minigrad.tensor([0.1], dtype=minigrad.float32)
    b = minigrad.tensor([0.3], dtype=minigrad.float32)
    assert a.add(b, alpha=0.7).item() == 0.3100000023841858  # fused a + 0.7 * b, as PyTorch's kernel


# ---- tensors PyTorch saves that backward itself does not need, and outputs of in-place ops ----
def test_nll_loss_saves_its_input():
    x = leaf([[0.5, -0.5], [3.0, 0.5], [0.75, 2.0]])
    logp = minigrad.nn.functional.log_softmax(x, 1)
    loss = minigrad.nn.functional.nll_loss(logp, minigrad.tensor([1, 0, 0]))
    logp[[-1, -2]] = -0.25  # logp is now the output of IndexPut
    with modified("torch.FloatTensor [3, 2]], which is output 0 of IndexPut,"):
        loss.backward()


def test_masked_fill_saves_its_mask():
    x = leaf([[-1.0, -0.25, -0.27, -1.0]])
    mask = x > 0
    y = x.masked_fill(mask, 0.5)
    mask[0:3, -2:] = 3
    with modified("CPUBoolType [1, 4]]"):
        minigrad.autograd.grad(y.sum(), [x])


def test_the_saved_output_of_an_in_place_op_is_the_tensor_it_changed():
    x = leaf(3.0)
    y = minigrad.maximum(x, minigrad.tensor(-1.48))
    z = y.sigmoid_()  # SigmoidBackward0 saves its output: y itself, at version 1
    y.fill_(2)
    with modified("torch.FloatTensor []], which is output 0 of Sigmoid,", current=2, expected=1):
        minigrad.max(z, dim=0)[0].backward()
    w = leaf([0.5, 1.0])
    v = (w * 1)[:1]
    v.exp_()  # through a view: the view is what ExpBackward0 saved
    total = v.sum()
    v.add_(1)
    with modified("torch.FloatTensor [1]], which is output 0 of AsStrided,", current=2, expected=1):
        total.backward()


def test_in_place_into_a_bool_tensor_records_nothing():
    torch_bools = minigrad.tensor([True, False, False]).unbind(0)  # several views of one op: no in-place in autograd
    torch_bools[0].copy_(leaf(0.0))
    assert [b.item() for b in torch_bools] == [False, False, False]
    ints = minigrad.tensor([1, 2])
    with raises_exactly("result type Float can't be cast to the desired output type Long"):
        ints.add_(leaf(1.0))


def test_where_saves_its_condition():
    x = leaf([[0.25], [-1.0]])
    mask = x < 0.5
    y = minigrad.where(mask, x, 1.5)
    mask[:1] = minigrad.tensor(False)
    with modified("CPUBoolType [2, 1]]"):
        y.backward(minigrad.ones(2, 1))


def test_sigmoid_of_a_very_negative_float32_is_zero_as_in_pytorch():
    s = minigrad.tensor([-100.0, -88.0, 0.0], requires_grad=True).sigmoid()
    assert repr(s) == "tensor([0.0000e+00, 6.0546e-39, 5.0000e-01], grad_fn=<SigmoidBackward0>)"


def test_a_saved_transpose_of_a_weight_changed_by_the_optimizer_is_named_as_strided():
    w = leaf([[1.0, 2.0], [3.0, 4.0]])
    x = leaf([[1.0, 1.0]] * 3)
    y = x @ w.t()  # mm saves w.t(), a view of w
    with minigrad.no_grad():
        w.mul_(2)  # what optimizer.step() does
    with modified("torch.FloatTensor [2, 2]], which is output 0 of AsStrided,"):
        y.sum().backward()
