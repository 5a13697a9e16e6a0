"""In-place ops, version counters, detach/data/clone and .grad housekeeping
(PYTORCH_BEHAVIOR.md §5.6, §5.9, §5.10, §6.3, §6.4)."""
import re

import numpy as np
import pytest

import minigrad

LEAF = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF = "a view of a leaf Variable that requires grad is being used in an in-place operation."
HINT = ("Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).")


def leaf(values):
    return minigrad.tensor(values, requires_grad=True)


def raises_exactly(text):
    return pytest.raises(RuntimeError, match=f"^{re.escape(text)}$")


# ---- in-place on a leaf that requires grad ----
@pytest.mark.parametrize("change", [
    lambda x: x.add_(1), lambda x: x.sub_(1), lambda x: x.mul_(2), lambda x: x.div_(2), lambda x: x.zero_(),
    lambda x: x.fill_(3.0), lambda x: x.clamp_(0, 1), lambda x: x.copy_(minigrad.ones(2)),
    lambda x: x.uniform_(), lambda x: x.normal_(), lambda x: x.__iadd__(1), lambda x: x.__isub__(1),
    lambda x: x.__imul__(2), lambda x: x.__itruediv__(2)],
    ids=["add_", "sub_", "mul_", "div_", "zero_", "fill_", "clamp_", "copy_", "uniform_", "normal_", "+=", "-=",
         "*=", "/="])
def test_in_place_on_a_leaf_that_requires_grad(change):
    x = leaf([1.0, 2.0])
    with raises_exactly(LEAF):
        change(x)
    assert x.tolist() == [1.0, 2.0] and x._version == 0
    with minigrad.no_grad():
        change(x)
    assert x.is_leaf and x.requires_grad and x.grad_fn is None and x._version == 1


def test_leaf_error_comes_before_the_version_error():
    x = leaf([1.0, 2.0])
    x ** 2
    with raises_exactly(LEAF):
        x.add_(1)


@pytest.mark.parametrize("change", [lambda x: x.__setitem__(0, 5.0), lambda x: x[0:1].mul_(2)],
                         ids=["setitem", "view.mul_"])
def test_in_place_through_a_view_of_such_a_leaf(change):
    x = leaf([1.0, 2.0])
    with raises_exactly(VIEW_OF_LEAF):
        change(x)


# ---- in-place on non-leaves: the tensor takes the op's node ----
@pytest.mark.parametrize("change, name, grad", [
    (lambda y, x: y.add_(1), "AddBackward0", [2.0, 2.0]),
    (lambda y, x: y.mul_(3), "MulBackward0", [6.0, 6.0]),
    (lambda y, x: y.div_(2), "DivBackward0", [1.0, 1.0]),
    (lambda y, x: y.sub_(x), "SubBackward0", [1.0, 1.0]),
    (lambda y, x: y.__itruediv__(2), "DivBackward0", [1.0, 1.0]),
    (lambda y, x: y.clamp_(0, 1), "ClampBackward1", [0.0, 0.0]),
    (lambda y, x: y.zero_(), "ZeroBackward0", [0.0, 0.0]),
    (lambda y, x: y.fill_(1.0), "FillBackward2", [0.0, 0.0]),
    (lambda y, x: y.copy_(minigrad.ones(2)), "torch::autograd::CopyBackwards", [0.0, 0.0]),
    (lambda y, x: y.copy_(x * 3), "torch::autograd::CopyBackwards", [3.0, 3.0]),
    (lambda y, x: y.__setitem__(0, 5.0), "torch::autograd::CopySlices", [0.0, 2.0]),
    (lambda y, x: y.__setitem__(0, x[1] * 5), "torch::autograd::CopySlices", [0.0, 7.0]),
], ids=["add_", "mul_", "div_", "sub_", "/=", "clamp_", "zero_", "fill_", "copy_", "copy_graph", "setitem",
        "setitem_graph"])
def test_in_place_on_a_non_leaf(change, name, grad):
    x = leaf([1.0, 2.0])
    y = x * 2
    change(y, x)
    assert y._version == 1 and y.requires_grad and not y.is_leaf
    assert y.grad_fn.name() == name
    y.sum().backward()
    assert x.grad.tolist() == grad


def test_chained_augmented_assignment_keeps_values_for_backward():
    x = leaf(0.5)
    y = x * 1
    y += 1
    y *= x  # mul_ needs the old y: it is kept, as PyTorch keeps `original_self`
    y /= 2
    y -= x
    y.backward()
    assert y.item() == -0.125 and x.grad.item() == 0.0


def test_integer_tensor_cannot_take_a_float_result():
    t = minigrad.tensor([1, 2])
    with raises_exactly("result type Float can't be cast to the desired output type Long"):
        t *= 1.5


# ---- version counter and the saved-tensor check ----
def test_modified_saved_input_names_the_in_place_op():
    x = leaf([1.0, 2.0])
    y = x * 2
    z = y ** 2
    y.add_(1)
    with raises_exactly("one of the variables needed for gradient computation has been modified by an inplace "
                        "operation: [torch.FloatTensor [2]], which is output 0 of Add, is at version 1; expected "
                        "version 0 instead. " + HINT):
        z.sum().backward()


@pytest.mark.parametrize("op, name", [("exp", "Exp"), ("sigmoid", "Sigmoid")])
def test_modified_saved_output_names_the_op_that_made_it(op, name):
    x = leaf([1.0, 2.0])
    y = getattr(x, op)()
    y.add_(1)
    with raises_exactly("one of the variables needed for gradient computation has been modified by an inplace "
                        f"operation: [torch.FloatTensor [2]], which is output 0 of {name}, is at version 1; expected "
                        "version 0 instead. " + HINT):
        y.sum().backward()


def test_modified_leaf_through_detach():
    x = leaf([1.0, 2.0])
    y = x ** 2
    x.detach().zero_()
    with raises_exactly("one of the variables needed for gradient computation has been modified by an inplace "
                        "operation: [torch.FloatTensor [2]] is at version 1; expected version 0 instead. " + HINT):
        y.sum().backward()


def test_data_bypasses_the_version_counter():
    x = leaf([1.0, 2.0])
    y = x ** 2
    x.data.zero_()
    assert x._version == 0
    y.sum().backward()
    assert repr(x.grad) == "tensor([0., 0.])"


def test_detach_shares_memory_and_version():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 2
    d = y.detach()
    assert (d.requires_grad, d.grad_fn, d.is_leaf) == (False, None, True)
    assert d.data_ptr() == y.data_ptr()
    d[0] = 100.0
    assert repr(y) == "tensor([100.,   4.,   6.], grad_fn=<MulBackward0>)"
    assert y._version == d._version == 1
    y.sum().backward()  # MulBackward0 saved x, not y
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_views_share_the_version_counter():
    x = minigrad.zeros(2, 3)
    v = x[0]
    r = x.reshape(6)
    v.add_(1)
    assert x._version == v._version == r._version == 1
    assert x.tolist() == [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]


def test_detach_in_place():
    x = leaf([1.0, 2.0])
    y = x * 2
    assert y.detach_() is y
    assert (y.requires_grad, y.grad_fn, y.is_leaf) == (False, None, True)
    x.detach_()
    assert not x.requires_grad
    with raises_exactly(
            "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for "
            "training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence "
            "detach_() cannot be called on these gradients. To fix this error, please refer to the "
            "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."):
        minigrad.ones(3)[:1].detach_()


def test_clone_copies_and_passes_the_gradient():
    x = leaf([1.0, 2.0])
    c = x.clone()
    assert repr(c) == "tensor([1., 2.], grad_fn=<CloneBackward0>)" and c.data_ptr() != x.data_ptr()
    (c * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    plain = minigrad.tensor([1.0]).clone()
    assert plain.is_leaf and plain.grad_fn is None


def test_data_is_settable():
    x = leaf([1.0, 2.0])
    x.data = minigrad.tensor([5.0, 6.0])
    assert repr(x) == "tensor([5., 6.], requires_grad=True)"
    assert x.data.requires_grad is False and x.data.is_leaf


# ---- .grad housekeeping (§6.4, §5.10) ----
def test_requires_grad_underscore_returns_self():
    t = minigrad.tensor([1.0, 2.0])
    assert t.requires_grad_() is t
    assert repr(t) == "tensor([1., 2.], requires_grad=True)"
    assert repr(t.requires_grad_(False)) == "tensor([1., 2.])"


def test_gradients_accumulate_and_zero_in_place():
    x = leaf(2.0)
    assert x.grad is None
    for expected in (4.0, 8.0, 12.0):
        (x ** 2).backward()
        assert x.grad.item() == expected
    grad = x.grad
    assert x.grad.zero_() is grad and repr(grad) == "tensor(0.)"
    (x ** 2).backward()
    assert x.grad is grad and grad.item() == 4.0
    x.grad = None
    (x ** 2).backward()
    assert x.grad is not grad and x.grad.item() == 4.0


def test_assigned_grad_keeps_accumulating():
    x = leaf([1.0, 2.0])
    x.grad = minigrad.tensor([10.0, 10.0])
    (x * 2).sum().backward()
    assert x.grad.tolist() == [12.0, 12.0]
    assert not x.grad.requires_grad and x.grad.is_leaf


def test_grad_assignment_errors():
    x = leaf([1.0, 2.0])
    with raises_exactly("attempting to assign a gradient of size '[3]' to a tensor of size '[2]'. Please ensure that "
                        "the gradient and the tensor are the same size"):
        x.grad = minigrad.ones(3)
    with pytest.raises(TypeError, match="^assigned grad expected to be a Tensor or None but got grad of type list$"):
        x.grad = [1.0, 2.0]
    with raises_exactly(
            "attempting to assign a gradient with dtype 'double' to a tensor with grad_dtype 'Float'. The gradient "
            "must match the tensor's grad_dtype (defaults to the tensor's dtype). You can set the tensor's grad_dtype "
            "attribute with a specific dtype, or None to allow any dtype. Set grad_dtype with caution. Diverging the "
            "dtypes of a tensor and its gradient may break downstream systems that assume they match."):
        x.grad = minigrad.ones(2, dtype=minigrad.float64)


def test_requires_grad_flags_of_non_leaves():
    x = leaf([1.0])
    y = x * 2
    with raises_exactly("you can only change requires_grad flags of leaf variables. If you want to use a computed "
                        "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."):
        y.requires_grad = False
    with raises_exactly("you can only change requires_grad flags of leaf variables. If you want to use a computed "
                        "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."):
        y.requires_grad_(False)
    with raises_exactly("you can only change requires_grad flags of leaf variables."):
        y.requires_grad = True
    x.requires_grad = False
    assert not x.requires_grad


def test_integer_tensors_cannot_require_grad():
    for make in (lambda: minigrad.tensor([1, 2], requires_grad=True), lambda: minigrad.arange(3, requires_grad=True),
                 lambda: minigrad.ones(2, dtype=minigrad.long, requires_grad=True),
                 lambda: minigrad.tensor([True], requires_grad=True)):
        with raises_exactly("Only Tensors of floating point and complex dtype can require gradients"):
            make()
    with raises_exactly("only Tensors of floating point dtype can require gradients"):
        minigrad.tensor([1, 2]).requires_grad_()
    t = minigrad.tensor([1, 2])
    with raises_exactly("only Tensors of floating point and complex dtype can require gradients"):
        t.requires_grad = True


def test_numpy_of_a_tensor_that_requires_grad():
    x = leaf([1.0, 2.0, 3.0])
    text = "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
    for call in (x.numpy, (x ** 2).numpy, lambda: np.array(x)):
        with raises_exactly(text):
            call()
    assert x.numpy(force=True).tolist() == [1.0, 2.0, 3.0]
    shared = x.detach().numpy()
    shared[0] = 7.0
    assert x.tolist()[0] == 7.0
