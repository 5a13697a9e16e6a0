"""PyTorch's exception type and text for bad input, never numpy's (issue 10, "Errors PyTorch raises"). Each case
is the literal torch 2.13 raises; with torch installed the same call is also checked against it live."""
import warnings

import pytest
from helpers import require_torch

import minigrad


def _x(lib):
    return lib.ones(2, 3)


# name: (call taking the library, exception type name, message)
CASES = {
    # creation
    "zeros(-1)": (lambda t: t.zeros(-1), "RuntimeError", "zeros: Dimension size must be non-negative."),
    "ones(-2)": (lambda t: t.ones(-2), "RuntimeError", "Trying to create tensor with negative dimension -2: [-2]"),
    "randn(3, -2)": (lambda t: t.randn(3, -2), "RuntimeError",
                     "Trying to create tensor with negative dimension -2: [3, -2]"),
    "eye(-1)": (lambda t: t.eye(-1), "RuntimeError", "n must be greater or equal to 0, got -1"),
    "tensor(10**30)": (lambda t: t.tensor(10 ** 30), "ValueError", "Overflow when unpacking long long"),
    "tensor of strings": (lambda t: t.tensor(["a", "b"]), "ValueError", "too many dimensions 'str'"),
    "tensor with a string": (lambda t: t.tensor([1, "a"]), "TypeError", "new(): invalid data type 'str'"),
    "tensor(1e10, int32)": (lambda t: t.tensor(10 ** 10, dtype=t.int32), "RuntimeError",
                            "value cannot be converted to type int32 without overflow"),
    "tensor(nan, int64)": (lambda t: t.tensor([float("nan")], dtype=t.int64), "RuntimeError",
                           "value cannot be converted to type int64 without overflow"),
    "tensor(dtype='int')": (lambda t: t.tensor([1, 2], dtype="int"), "TypeError",
                            "tensor(): argument 'dtype' must be torch.dtype, not str"),
    "tensor(requires_grad=1)": (lambda t: t.tensor([1.5], requires_grad=1), "TypeError",
                                "tensor(): argument 'requires_grad' must be bool, not int"),
    "cat([])": (lambda t: t.cat([]), "ValueError", "torch.cat(): expected a non-empty list of Tensors"),
    "stack([])": (lambda t: t.stack([]), "RuntimeError", "stack expects a non-empty TensorList"),
    "cat shapes": (lambda t: t.cat([t.ones(2, 3), t.ones(3, 2)]), "RuntimeError",
                   "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 2 for tensor "
                   "number 1 in the list."),
    "cat ranks": (lambda t: t.cat([t.ones(2, 3), t.ones(3)]), "RuntimeError",
                  "Tensors must have same number of dimensions: got 2 and 1"),
    "cat 0-d": (lambda t: t.cat([t.tensor(1.0), t.tensor(2.0)]), "RuntimeError",
                "zero-dimensional tensor (at position 0) cannot be concatenated"),
    "stack shapes": (lambda t: t.stack([t.ones(2, 3), t.ones(3, 2)]), "RuntimeError",
                     "stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [3, 2] at entry 1"),
    "integer pow(-1)": (lambda t: t.tensor([1, 2]).pow(-1), "RuntimeError",
                        "Integers to negative integer powers are not allowed."),
    "arange(0, 1, 0)": (lambda t: t.arange(0, 1, 0), "RuntimeError", "step must be nonzero"),
    "arange(0, -1)": (lambda t: t.arange(0, -1), "RuntimeError",
                      "upper bound and lower bound inconsistent with step sign"),
    "linspace(0, 1, -1)": (lambda t: t.linspace(0, 1, -1), "RuntimeError", "number of steps must be non-negative"),
    "full(..., 'a')": (lambda t: t.full((2,), "a"), "TypeError",
                       "full(): argument 'fill_value' (position 2) must be Number, not str"),
    "ones(2.5)": (lambda t: t.ones(2.5), "TypeError",
                  "ones(): argument 'size' (position 1) must be tuple of ints, not float"),
    "zeros((2.5,))": (lambda t: t.zeros((2.5,)), "TypeError",
                      "zeros(): argument 'size' (position 1) must be tuple of ints, but found element of type float "
                      "at pos 0"),
    "ones(dtype='float32')": (lambda t: t.ones(2, dtype="float32"), "TypeError",
                              "ones(): argument 'dtype' must be torch.dtype, not str"),
    "ones(requires_grad='yes')": (lambda t: t.ones(2, requires_grad="yes"), "TypeError",
                                  "ones(): argument 'requires_grad' must be bool, not str"),
    "rand_like of int64": (lambda t: t.rand_like(t.ones(2, dtype=t.int64)), "NotImplementedError",
                           "\"check_uniform_bounds\" not implemented for 'Long'"),
    # dimension out of range, for every dim-taking op
    "sum(dim=2)": (lambda t: _x(t).sum(dim=2), "IndexError",
                   "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    "mean(dim=-3)": (lambda t: _x(t).mean(dim=-3), "IndexError",
                     "Dimension out of range (expected to be in range of [-2, 1], but got -3)"),
    "sum dims twice": (lambda t: _x(t).sum(dim=(1, -1)), "RuntimeError",
                       "dim 1 appears multiple times in the list of dims"),
    "norm(dim=2)": (lambda t: _x(t).norm(dim=2), "IndexError",
                    "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    "logsumexp(2)": (lambda t: _x(t).logsumexp(2), "IndexError",
                     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    "max(2)": (lambda t: _x(t).max(2), "IndexError",
               "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    "argmax(2)": (lambda t: _x(t).argmax(2), "IndexError",
                  "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    "squeeze(2)": (lambda t: _x(t).squeeze(2), "IndexError",
                   "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    "unsqueeze(3)": (lambda t: _x(t).unsqueeze(3), "IndexError",
                     "Dimension out of range (expected to be in range of [-3, 2], but got 3)"),
    "softmax(2)": (lambda t: _x(t).softmax(2), "IndexError",
                   "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    "transpose(0, 2)": (lambda t: _x(t).transpose(0, 2), "IndexError",
                        "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    "std(dim=2)": (lambda t: _x(t).std(dim=2), "IndexError",
                   "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    "cumsum(2)": (lambda t: _x(t).cumsum(2), "IndexError",
                  "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    "select 0-d": (lambda t: t.tensor(1.0).select(0, 0), "IndexError", "select() cannot be applied to a 0-dim tensor."),
    "select(0, 5)": (lambda t: _x(t).select(0, 5), "IndexError",
                     "select(): index 5 out of range for tensor of size [2, 3] at dimension 0"),
    "narrow(0, 1, 5)": (lambda t: _x(t).narrow(0, 1, 5), "RuntimeError",
                        "start (1) + length (5) exceeds dimension size (2)."),
    "flatten(1, 0)": (lambda t: _x(t).flatten(1, 0), "RuntimeError",
                      "flatten() has invalid args: start_dim cannot come after end_dim"),
    "chunk(0)": (lambda t: _x(t).chunk(0), "RuntimeError", "chunk expects `chunks` to be greater than 0, got: 0"),
    "unbind(2)": (lambda t: _x(t).unbind(2), "IndexError",
                  "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    "cat(dim=2)": (lambda t: t.cat([_x(t), _x(t)], dim=2), "IndexError",
                   "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    # shapes and wrong words
    "expand(4, 3)": (lambda t: _x(t).expand(4, 3), "RuntimeError",
                     "The expanded size of the tensor (4) must match the existing size (2) at non-singleton dimension "
                     "0.  Target sizes: [4, 3].  Tensor sizes: [2, 3]"),
    "expand(2)": (lambda t: _x(t).expand(2), "RuntimeError",
                  "expand(torch.FloatTensor{[2, 3]}, size=[2]): the number of sizes provided (1) must be greater or "
                  "equal to the number of dimensions in the tensor (2)"),
    "permute(0, 0)": (lambda t: _x(t).permute(0, 0), "RuntimeError", "permute(): duplicate dims are not allowed."),
    "permute()": (lambda t: _x(t).permute(), "TypeError", 'permute() missing 1 required positional arguments: "dims"'),
    "permute(0, 2)": (lambda t: _x(t).permute(0, 2), "IndexError",
                      "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    "repeat()": (lambda t: _x(t).repeat(), "TypeError", 'repeat() missing 1 required positional arguments: "repeats"'),
    # products: ranks and dtypes
    "mm of a vector": (lambda t: t.ones(3).mm(t.ones(3, 2)), "RuntimeError", "self must be a matrix"),
    "mm with a vector": (lambda t: t.ones(2, 3).mm(t.ones(3)), "RuntimeError", "mat2 must be a matrix"),
    "bmm of matrices": (lambda t: t.ones(2, 3).bmm(t.ones(3, 2)), "RuntimeError", "batch1 must be a 3D tensor"),
    "bmm with a matrix": (lambda t: t.ones(2, 2, 3).bmm(t.ones(3, 2)), "RuntimeError", "batch2 must be a 3D tensor"),
    "bmm batch sizes": (lambda t: t.ones(2, 2, 3).bmm(t.ones(3, 3, 2)), "RuntimeError",
                        "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [3, 3]."),
    "mv of a vector": (lambda t: t.ones(3).mv(t.ones(3)), "RuntimeError",
                       "vector + matrix @ vector expected, got 1, 1, 1"),
    "dot of a matrix": (lambda t: t.ones(2, 3).dot(t.ones(3)), "RuntimeError",
                        "1D tensors expected, but got 2D and 1D tensors"),
    "float64 @ float32": (lambda t: t.ones(2, 3, dtype=t.float64) @ t.ones(3, 2), "RuntimeError",
                          "expected m1 and m2 to have the same dtype, but got: double != float"),
    "int64 @ float32": (lambda t: t.ones(2, 3, dtype=t.int64) @ t.ones(3, 2), "RuntimeError",
                        "expected m1 and m2 to have the same dtype, but got: long int != float"),
    "matrix @ vector dtypes": (lambda t: t.ones(2, 3, dtype=t.float64) @ t.ones(3), "RuntimeError",
                               "addmv input tensors must have the same dtype, but got Float, Double, and Float"),
    "vector @ vector dtypes": (lambda t: t.ones(3, dtype=t.float64) @ t.ones(3), "RuntimeError",
                               "dot : expected both vectors to have same dtype, but found Double and Float"),
    "batched dtypes": (lambda t: t.ones(4, 2, 3, dtype=t.float64) @ t.ones(4, 3, 2), "RuntimeError",
                       "expected scalar type Double but found Float"),
    "Linear on float64": (lambda t: t.nn.Linear(3, 2)(t.ones(2, 3, dtype=t.float64)), "RuntimeError",
                          "mat1 and mat2 must have the same dtype, but got Double and Float"),
    "Linear on int64": (lambda t: t.nn.Linear(3, 2)(t.ones(2, 3, dtype=t.int64)), "RuntimeError",
                        "mat1 and mat2 must have the same dtype, but got Long and Float"),
    "Linear without bias on float64": (lambda t: t.nn.Linear(3, 2, bias=False)(t.ones(2, 3, dtype=t.float64)),
                                       "RuntimeError", "expected m1 and m2 to have the same dtype, but got: double != "
                                       "float"),
    "linear of a 0-d tensor": (lambda t: t.nn.Linear(3, 2)(t.tensor(1.0)), "RuntimeError",
                               "both arguments to linear need to be at least 1D, but they are 0D and 2D"),
    # operators
    "float ^ bool": (lambda t: t.tensor(1.0) ^ True, "NotImplementedError",
                     "\"bitwise_xor_cpu\" not implemented for 'Float'"),
    "~ float": (lambda t: ~t.tensor(1.0), "TypeError",
                "~ (operator.invert) is only implemented on integer and Boolean-type tensors"),
    "int // 0": (lambda t: t.tensor([1, 2]) // 0, "RuntimeError", "ZeroDivisionError"),
    "- bool": (lambda t: -t.tensor([True]), "RuntimeError",
               "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use "
               "the `~` or `logical_not()` operator instead."),
    "float - bool": (lambda t: t.tensor([1.0]) - t.tensor([True]), "RuntimeError",
                     "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert "
                     "a mask, use the `~` or `logical_not()` operator instead."),
    "maximum(x, 2)": (lambda t: t.maximum(t.ones(2), 2), "TypeError",
                      "maximum(): argument 'other' (position 2) must be Tensor, not int"),
    "x.minimum(2.0)": (lambda t: t.ones(2).minimum(2.0), "TypeError",
                       "minimum(): argument 'other' (position 1) must be Tensor, not float"),
    "lerp dtypes": (lambda t: t.lerp(t.ones(2), t.ones(2, dtype=t.float64), 0.5), "RuntimeError",
                    "expected dtype float for `end` but got dtype double"),
    "copy_ shapes": (lambda t: t.tensor(-0.5).copy_(t.tensor([0.25])), "RuntimeError",
                     "output with shape [] doesn't match the broadcast shape [1]"),
    "int tensor cos_()": (lambda t: t.tensor([3]).cos_(), "RuntimeError",
                          "result type Float can't be cast to the desired output type Long"),
    "max of empty": (lambda t: t.zeros(0).max(), "RuntimeError",
                     "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim "
                     "with the 'dim' argument."),
    "argmax of empty": (lambda t: t.zeros(0).argmax(), "IndexError",
                        "argmax(): Expected reduction dim to be specified for input.numel() == 0."),
    "softmax of ints": (lambda t: t.tensor([1, 2]).softmax(-1), "NotImplementedError",
                        "\"softmax_lastdim_kernel_impl\" not implemented for 'Long'"),
    "log_softmax of bools over dim 0": (lambda t: t.tensor([[True, False]]).log_softmax(0), "NotImplementedError",
                                        "\"log_softmax_kernel_impl\" not implemented for 'Bool'"),
    "norm of ints": (lambda t: t.tensor([1, 2]).norm(), "RuntimeError",
                     "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long"),
    "argmax of bools": (lambda t: t.tensor([True, False]).argmax(), "RuntimeError",
                        "argmax(): does not support bool input"),
    "mv of 0-d tensors": (lambda t: t.mv(t.tensor(1.0), t.tensor(2.0)), "IndexError",
                          "Dimension specified as 0 but tensor has no dimensions"),
    "bool ** bool tensors": (lambda t: t.tensor(False) ** t.tensor(True), "NotImplementedError",
                             "\"pow\" not implemented for 'Bool'"),
    "amax over an empty dim": (lambda t: t.zeros(0, 2).amax(dim=-2), "IndexError",
                               "amax(): Expected reduction dim -2 to have non-zero size."),
    "bool // bool": (lambda t: t.tensor([True]) // t.tensor([False]), "NotImplementedError",
                     "\"div_floor_cpu\" not implemented for 'Bool'"),
    "randint into bool": (lambda t: t.randint(4, (4,), dtype=t.bool), "RuntimeError",
                          "to - 1 is out of bounds for bool"),
    "copy_ from a transposed self": (lambda t: (lambda x: x.copy_(x.t()))(t.ones(2, 2)), "RuntimeError",
                                     "unsupported operation: some elements of the input tensor and the written-to "
                                     "tensor refer to a single memory location. Please clone() the tensor before "
                                     "performing the operation."),
    "view of an empty tensor with -1": (lambda t: t.zeros(0, 2).view(1, 0, -1), "RuntimeError",
                                        "cannot reshape tensor of 0 elements into shape [1, 0, -1] because the "
                                        "unspecified dimension size -1 can be any value and is ambiguous"),
    "a float tensor as index": (lambda t: t.zeros(0, 3)[:, t.tensor([])], "IndexError",
                                "tensors used as indices must be long, int, byte or bool tensors"),
    "float & float of other shapes": (lambda t: t.ones(3, 2) & t.ones(2, 2), "RuntimeError",
                                      "The size of tensor a (3) must match the size of tensor b (2) at non-singleton "
                                      "dimension 0"),
    "bool of an empty tensor": (lambda t: bool(t.zeros(0)), "RuntimeError",
                                "Boolean value of Tensor with no values is ambiguous"),
    "int64 arange down with a step truncated to 0": (lambda t: t.arange(3, 2.5, 0.5, dtype=t.int64), "RuntimeError",
                                                     "upper bound and lower bound inconsistent with step sign"),
    "expand of a bool tensor": (lambda t: t.ones(2, dtype=t.bool).expand(()), "RuntimeError",
                                "expand(CPUBoolType{[2]}, size=[]): the number of sizes provided (0) must be greater "
                                "or equal to the number of dimensions in the tensor (1)"),
    "index tensor into an empty dim": (lambda t: t.tensor([[]])[:, t.tensor([0])], "IndexError",
                                       "index is out of bounds for dimension with size 0"),
    # indexing and data
    "0-d tensor [0]": (lambda t: t.tensor(1.0)[0], "IndexError",
                       "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to "
                       "convert a 0-dim tensor to a number"),
    "0-d tensor [-1]": (lambda t: t.tensor(1.0)[-1], "IndexError",
                        "index -1 is out of bounds for dimension 0 with size 0"),
    "0-d tensor [:1]": (lambda t: t.tensor(1.0)[:1], "IndexError", "slice() cannot be applied to a 0-dim tensor."),
    "too many indices": (lambda t: t.ones(2)[0, 1], "IndexError", "too many indices for tensor of dimension 1"),
    "index out of bounds": (lambda t: t.ones(2)[5], "IndexError",
                            "index 5 is out of bounds for dimension 0 with size 2"),
    "0-d tensor [-1] = v": (lambda t: t.tensor(1.0).__setitem__(-1, 2.0), "IndexError",
                            "index -1 is out of bounds for dimension 0 with size 0"),
    "index tensor out of bounds": (lambda t: t.ones(2, 3)[:, [0, 7]], "IndexError",
                                   "index 7 is out of bounds for dimension 0 with size 3"),
    "0-d tensor [:1,]": (lambda t: t.tensor(1.0)[(slice(None, 1),)], "IndexError",
                         "too many indices for tensor of dimension 0"),
    "in place over a partly shared operand": (lambda t: (lambda x: x[1::2].div_(x))(t.ones(2)), "RuntimeError",
                                              "unsupported operation: some elements of the input tensor and the "
                                              "written-to tensor refer to a single memory location. Please clone() "
                                              "the tensor before performing the operation."),
    "in place: shape before dtype": (lambda t: t.tensor(False).add_(t.tensor([1.0])), "RuntimeError",
                                     "output with shape [] doesn't match the broadcast shape [1]"),
    "clamp_ names the C++ type": (lambda t: t.tensor(True).clamp_(0), "RuntimeError",
                                  "result type Long can't be cast to the desired output type bool"),
    "index after an Ellipsis": (lambda t: t.ones(1, 4, 2)[..., 1, 2, -2], "IndexError",
                                "index 1 is out of bounds for dimension 1 with size 1"),
    "x.data = [1, 2]": (lambda t: setattr(t.ones(2), "data", [1, 2]), "TypeError",
                        "Variable data has to be a tensor, but got list"),
    # backward
    "backward([1., 1.])": (lambda t: t.ones(2, requires_grad=True).mul(2).backward([1.0, 1.0]), "TypeError",
                           "gradients can be either Tensors or None, but got float"),
    "backward(1.0)": (lambda t: t.ones(1, requires_grad=True).mul(2).backward(1.0), "TypeError",
                      "'float' object is not iterable"),
    "backward after pow's result was overwritten": (
        lambda t: (lambda x, y: (y.__setitem__(Ellipsis, x), y.sum().backward()))(
            *(lambda x: (x, x ** t.tensor(-1.93)))(t.tensor(0.28, requires_grad=True))), "RuntimeError",
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        "[torch.FloatTensor []], which is output 0 of Pow1, is at version 1; expected version 0 instead. Hint: enable "
        "anomaly detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False)."),
    "backward of floor_divide": (lambda t: (t.ones(2, requires_grad=True) // 2).sum().backward(), "RuntimeError",
                                 "derivative for aten::floor_divide is not implemented"),
}


def raised(call, lib):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call(lib)
    except Exception as error:  # noqa: BLE001 - the type and text are what is compared
        return type(error).__name__, str(error)
    return None


@pytest.mark.parametrize("name", sorted(CASES))
def test_error_as_torch(name):
    call, kind, message = CASES[name]
    assert raised(call, minigrad) == (kind, message)


@pytest.mark.parametrize("name", sorted(CASES))
def test_error_matches_live_torch(name):
    torch = require_torch()
    call, _, _ = CASES[name]
    assert raised(call, minigrad) == raised(call, torch)


def test_no_numpy_warning_for_empty_or_single_element_statistics():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert repr(minigrad.zeros(0).mean()) == "tensor(nan)"
        assert repr(minigrad.zeros(0, 3).mean(0)) == "tensor([nan, nan, nan])"
        assert repr(minigrad.zeros(0).logsumexp(0)) == "tensor(-inf)"
        assert repr(minigrad.zeros(0).softmax(-1)) == "tensor([])"
        one = minigrad.ones(1).std()
    assert repr(one) == "tensor(nan)"
    assert [(w.category.__name__, str(w.message)) for w in caught] == [
        ("UserWarning", "std(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
                        "factor (input numel divided by output numel).")]
    assert caught[0].filename == __file__  # attributed to the caller's line, as PyTorch's warning is


def test_no_numpy_warning_escapes_through_inf_and_nan():
    """minigrad silences numpy's warnings raised in its own modules (as PyTorch is silent); numpy functions that
    warn from numpy's own frames (array.sum, cumprod, ...) must not be used where they could warn."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"minigrad(\.|$)")  # minigrad's own filter
        x = minigrad.tensor([-2.17, -float("inf"), -0.0, -2.0], requires_grad=True)
        x.prod().backward()
        y = minigrad.tensor([[float("inf"), -2.0], [-float("inf"), 1.0]], requires_grad=True)
        (y ** 3.0 * -0.5).sum().backward()
        z = minigrad.tensor([[0.0], [3.0]], requires_grad=True)
        (z ** minigrad.tensor([0.3, -0.5])).backward(minigrad.ones(2, 2))
        minigrad.tensor([1.0, float("nan")]).var()
    assert [str(w.message) for w in caught] == []


def test_version_error_names_a_cpp_node_whole():
    a = minigrad.tensor(1.0, requires_grad=True)
    b = a * 2
    b.copy_(minigrad.tensor(3.0, requires_grad=True))
    c = b * b
    b.copy_(minigrad.tensor(4.0))
    with pytest.raises(RuntimeError, match=r"which is output 0 of torch::autograd::CopyBackwards, is at version 2; "):
        c.backward()


def test_index_errors_on_a_0d_tensor_with_an_ellipsis():
    with pytest.raises(IndexError, match=r"^too many indices for tensor of dimension 0$"):
        minigrad.tensor(-1.5)[..., 0:2]


def test_index_put_shape_mismatch_names_the_value_without_its_leading_ones():
    x = minigrad.rand(2)
    with pytest.raises(RuntimeError, match=r"^shape mismatch: value tensor of shape \[3\] cannot be broadcast to "
                                           r"indexing result of shape \[1\]$"):
        x[[-1]] = minigrad.tensor([[2.0, 1.26, -float("inf")]])


@pytest.mark.parametrize("input_shape, target_shape, error, text", [
    ((4, 3), (4, 1), RuntimeError, "0D or 1D target tensor expected, multi-target not supported"),
    ((4, 3), (4, 1, 1), RuntimeError, "0D or 1D target tensor expected, multi-target not supported"),
    ((4, 3), (), ValueError, "Expected input batch_size (4) to match target batch_size (0)."),
    ((4, 3), (3, 1), ValueError, "Expected input batch_size (4) to match target batch_size (3)."),
    ((4, 3, 2), (4, 2, 1), RuntimeError, "Expected target size [4, 2], got [4, 2, 1]"),
])
def test_class_index_targets_of_the_wrong_shape(input_shape, target_shape, error, text):
    for loss in (minigrad.nn.functional.cross_entropy, minigrad.nn.functional.nll_loss):
        with pytest.raises(error) as raised:
            loss(minigrad.zeros(*input_shape), minigrad.zeros(target_shape, dtype=minigrad.int64))
        assert str(raised.value) == text


def test_subtraction_with_alpha_refuses_bools_too():
    for subtract in (lambda: minigrad.tensor(False).sub(-1.0, alpha=2),
                     lambda: minigrad.tensor(False).sub_(1.0, alpha=2)):
        with pytest.raises(RuntimeError) as raised:
            subtract()
        assert str(raised.value) == ("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                                     "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
