"""What a learner reads: reprs, grad_fn names, graph structure and error texts, exactly as PyTorch 2.13
prints them (PYTORCH_BEHAVIOR.md §1, §2, §3, §4, §5)."""
import re
import warnings

import pytest

import minigrad as torch

ADDRESS = r"0x[0-9a-f]+"


def raises_exactly(kind, text):
    return pytest.raises(kind, match=f"^{re.escape(text)}$")


# ---- §1.1 reprs with suffixes, §1.3 layout ----
@pytest.mark.parametrize("make, expected", [
    (lambda: torch.tensor(3.0, requires_grad=True), "tensor(3., requires_grad=True)"),
    (lambda: torch.tensor(3.0, requires_grad=True) ** 2, "tensor(9., grad_fn=<PowBackward0>)"),
    (lambda: torch.tensor([1.0, 2.0], requires_grad=True), "tensor([1., 2.], requires_grad=True)"),
    (lambda: torch.tensor([2.0], requires_grad=True) * 2, "tensor([4.], grad_fn=<MulBackward0>)"),
    (lambda: torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True),
     "tensor([1., 2.], dtype=torch.float64, requires_grad=True)"),
    (lambda: torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True) * 2,
     "tensor([2., 4.], dtype=torch.float64, grad_fn=<MulBackward0>)"),
    (lambda: torch.tensor(2.5, dtype=torch.float64), "tensor(2.5000, dtype=torch.float64)"),
    (lambda: torch.tensor([1, 2, 3]), "tensor([1, 2, 3])"),
    (lambda: torch.tensor(5), "tensor(5)"),
    (lambda: torch.tensor([-1, 100]), "tensor([ -1, 100])"),
    (lambda: torch.tensor([True, False]), "tensor([ True, False])"),
    (lambda: torch.tensor([1.0, 2.0]) > 1, "tensor([False,  True])"),
    (lambda: torch.tensor([]), "tensor([])"),
    (lambda: torch.zeros(0, 3), "tensor([], size=(0, 3))"),
    (lambda: torch.tensor([2 / 3, 4 / 3, 2.0]), "tensor([0.6667, 1.3333, 2.0000])"),
    (lambda: torch.tensor(123456.7), "tensor(123456.7031)"),
    (lambda: torch.arange(12.0).requires_grad_(),
     "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11.],\n       requires_grad=True)"),
    (lambda: torch.arange(20.0).requires_grad_() * 1.5,
     "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
     "        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n"
     "        24.0000, 25.5000, 27.0000, 28.5000], grad_fn=<MulBackward0>)"),
    (lambda: torch.ones(2, 2, requires_grad=True) + 2, "tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)"),
    (lambda: torch.arange(12).reshape(3, 4),
     "tensor([[ 0,  1,  2,  3],\n        [ 4,  5,  6,  7],\n        [ 8,  9, 10, 11]])"),
    (lambda: torch.ones(2, 1, 2), "tensor([[[1., 1.]],\n\n        [[1., 1.]]])"),
    (lambda: torch.tensor([[1.0, 5.0], [3.0, 2.0]]).max(dim=1),
     "torch.return_types.max(\nvalues=tensor([5., 3.]),\nindices=tensor([1, 0]))"),
    (lambda: torch.tensor([[1.0, 5.0], [3.0, 2.0]]).min(dim=1),
     "torch.return_types.min(\nvalues=tensor([1., 2.]),\nindices=tensor([0, 1]))"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None)
def test_tensor_repr(make, expected):
    t = make()
    assert repr(t) == expected and str(t) == expected


def test_grad_repr_has_no_suffix():
    x = torch.tensor(3.0, requires_grad=True)
    (x ** 2).backward()
    assert repr(x.grad) == "tensor(6.)"


def test_size_dtype_device_and_type():
    assert repr(torch.zeros(2, 3).shape) == str(torch.zeros(2, 3).shape) == "torch.Size([2, 3])"
    assert repr(torch.tensor(1.0).shape) == "torch.Size([])"
    assert repr(torch.float32) == str(torch.float32) == "torch.float32"
    assert repr(torch.int64) == "torch.int64" and repr(torch.bool) == "torch.bool"
    x = torch.tensor([1.0])
    assert str(x.device) == "cpu" and repr(x.device) == "device(type='cpu')"
    assert x.type() == "torch.FloatTensor" and x.double().type() == "torch.DoubleTensor"
    shape = torch.zeros(2, 3).shape
    assert shape == (2, 3) and shape != [2, 3] and isinstance(shape, tuple)
    assert repr(shape[1:]) == "torch.Size([3])" and type(shape[0]) is int and shape.numel() == 6


def test_node_reprs():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x + 1
    assert re.fullmatch(rf"<AddBackward0 object at {ADDRESS}>", repr(y.grad_fn))
    assert str(y.grad_fn) == repr(y.grad_fn)
    assert repr(type(y.grad_fn)) == "<class 'AddBackward0'>" and type(y.grad_fn).__module__ == "builtins"
    assert y.grad_fn.name() == "AddBackward0"
    acc = y.grad_fn.next_functions[0][0]
    assert re.fullmatch(rf"<AccumulateGrad object at {ADDRESS}>", repr(acc))
    assert acc.name() == "torch::autograd::AccumulateGrad" and type(acc).__name__ == "AccumulateGrad"
    assert re.fullmatch(rf"<torch\.autograd\.grad_mode\.no_grad object at {ADDRESS}>", repr(torch.no_grad()))


# ---- §1.7 __format__ ----
@pytest.mark.parametrize("text, expected", [
    (lambda: f"{torch.tensor(2.5)}", "2.5"),
    (lambda: f"{torch.tensor(0.1)}", "0.10000000149011612"),
    (lambda: "{}".format(torch.tensor(0.1)), "0.10000000149011612"),  # noqa: UP032 - str.format is the case
    (lambda: f"{torch.tensor(3)}", "3"),
    (lambda: f"{torch.tensor(2.5, requires_grad=True)}", "2.5"),
    (lambda: f"{torch.tensor(1 / 3):.3f}", "0.333"),
    (lambda: f"{(torch.tensor(2.0, requires_grad=True) * 1.5):.4f}", "3.0000"),
    (lambda: f"{torch.tensor([2.5])}", "tensor([2.5000])"),
    (lambda: str(torch.tensor(0.1)), "tensor(0.1000)"),
    (lambda: str([torch.tensor(0.1)]), "[tensor(0.1000)]"),
    (lambda: "%.2f" % torch.tensor(1.5), "1.50"),  # noqa: UP031 - %-formatting is the case
    (lambda: "%s" % torch.tensor(1.5), "tensor(1.5000)"),  # noqa: UP031
])
def test_format(text, expected):
    assert text() == expected


def test_format_spec_on_a_vector():
    with raises_exactly(TypeError, "unsupported format string passed to Tensor.__format__"):
        f"{torch.tensor([2.5, 1.0]):.3f}"  # noqa: B018


# ---- §3 grad_fn names ----
x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
y = torch.tensor([2.0, 1.0, 4.0], requires_grad=True)
M, N = torch.ones(2, 3, requires_grad=True), torch.ones(3, 4, requires_grad=True)
B, C = torch.ones(5, 2, 3, requires_grad=True), torch.ones(5, 3, 4, requires_grad=True)
c, row = torch.tensor([1.0, 1.0, 1.0]), torch.ones(1, 3, requires_grad=True)
EXPRESSIONS = [  # (node name, the expression as PYTORCH_BEHAVIOR.md §3 writes it, the expression)
    ("AddBackward0", "x + y", lambda: x + y),
    ("AddBackward0", "x + 2", lambda: x + 2),
    ("AddBackward0", "2 + x", lambda: 2 + x),
    ("AddBackward0", "x + c", lambda: x + c),
    ("AddBackward0", "torch.add(x, y)", lambda: torch.add(x, y)),
    ("SubBackward0", "x - y", lambda: x - y),
    ("SubBackward0", "x - 2", lambda: x - 2),
    ("RsubBackward1", "2 - x", lambda: 2 - x),
    ("MulBackward0", "x * y", lambda: x * y),
    ("MulBackward0", "x * 2", lambda: x * 2),
    ("MulBackward0", "2 * x", lambda: 2 * x),
    ("MulBackward0", "2 / x", lambda: 2 / x),
    ("MulBackward0", "torch.outer(x, y)", lambda: torch.outer(x, y)),
    ("DivBackward0", "x / y", lambda: x / y),
    ("DivBackward0", "x / 2", lambda: x / 2),
    ("PowBackward0", "x ** 2", lambda: x ** 2),
    ("PowBackward0", "x ** 2.5", lambda: x ** 2.5),
    ("PowBackward0", "x ** 0.5", lambda: x ** 0.5),
    ("PowBackward0", "x ** 1", lambda: x ** 1),
    ("PowBackward0", "x ** 0", lambda: x ** 0),
    ("PowBackward0", "x.pow(2)", lambda: x.pow(2)),
    ("PowBackward0", "torch.pow(x, 2)", lambda: torch.pow(x, 2)),
    ("PowBackward0", "x.square()", lambda: x.square()),
    ("PowBackward1", "x ** y", lambda: x ** y),
    ("PowBackward2", "2 ** x", lambda: 2 ** x),
    ("NegBackward0", "-x", lambda: -x),
    ("NegBackward0", "x.neg()", lambda: x.neg()),
    ("SumBackward0", "x.sum()", lambda: x.sum()),
    ("SumBackward1", "M.sum(0)", lambda: M.sum(0)),
    ("SumBackward1", "M.sum(dim=1, keepdim=True)", lambda: M.sum(dim=1, keepdim=True)),
    ("MeanBackward0", "x.mean()", lambda: x.mean()),
    ("MeanBackward1", "M.mean(0)", lambda: M.mean(0)),
    ("ExpBackward0", "x.exp()", lambda: x.exp()),
    ("LogBackward0", "y.log()", lambda: y.log()),
    ("SinBackward0", "x.sin()", lambda: x.sin()),
    ("CosBackward0", "x.cos()", lambda: x.cos()),
    ("TanhBackward0", "x.tanh()", lambda: x.tanh()),
    ("TanBackward0", "torch.tan(x)", lambda: torch.tan(x)),
    ("Log1PBackward0", "torch.log1p(y)", lambda: torch.log1p(y)),
    ("ProdBackward0", "x.prod()", lambda: x.prod()),
    ("CumsumBackward0", "x.cumsum(0)", lambda: x.cumsum(0)),
    ("FloorBackward0", "x.floor()", lambda: x.floor()),
    ("RoundBackward0", "x.round()", lambda: x.round()),
    ("RepeatBackward0", "x.repeat(2)", lambda: x.repeat(2)),
    ("SplitBackward0", "x.split(1)[0]", lambda: x.split(1)[0]),
    ("SplitBackward0", "x.chunk(3)[1]", lambda: x.chunk(3)[1]),
    ("SplitWithSizesBackward0", "x.split([1, 2])[1]", lambda: x.split([1, 2])[1]),
    ("UnbindBackward0", "x.unbind()[0]", lambda: x.unbind()[0]),
    ("MaskedFillBackward0", "x.masked_fill(mask, 0.)", lambda: x.masked_fill(x > 0, 0.0)),
    ("SigmoidBackward0", "x.sigmoid()", lambda: x.sigmoid()),
    ("SigmoidBackward0", "torch.sigmoid(x)", lambda: torch.sigmoid(x)),
    ("ReluBackward0", "x.relu()", lambda: x.relu()),
    ("ReluBackward0", "torch.relu(x)", lambda: torch.relu(x)),
    ("ReluBackward0", "(x * 1).relu_()", lambda: (x * 1).relu_()),
    ("MmBackward0", "M @ N", lambda: M @ N),
    ("MmBackward0", "torch.matmul(M, N)", lambda: torch.matmul(M, N)),
    ("MmBackward0", "torch.mm(M, N)", lambda: torch.mm(M, N)),
    ("DotBackward0", "x @ y", lambda: x @ y),
    ("DotBackward0", "torch.dot(x, y)", lambda: torch.dot(x, y)),
    ("MvBackward0", "M @ x", lambda: M @ x),
    ("MvBackward0", "torch.mv(M, x)", lambda: torch.mv(M, x)),
    ("SqueezeBackward4", "x @ N", lambda: x @ N),
    ("UnsafeViewBackward0", "B @ C", lambda: B @ C),
    ("UnsafeViewBackward0", "B @ N", lambda: B @ N),
    ("BmmBackward0", "torch.bmm(B, C)", lambda: torch.bmm(B, C)),
    ("ViewBackward0", "M.reshape(3, 2)", lambda: M.reshape(3, 2)),
    ("ViewBackward0", "M.view(3, 2)", lambda: M.view(3, 2)),
    ("ViewBackward0", "M.view(-1)", lambda: M.view(-1)),
    ("ViewBackward0", "M.flatten()", lambda: M.flatten()),
    ("ViewBackward0", "M.reshape(2, 3)", lambda: M.reshape(2, 3)),
    ("UnsqueezeBackward0", "x.unsqueeze(0)", lambda: x.unsqueeze(0)),
    ("UnsqueezeBackward0", "M[..., None]", lambda: M[..., None]),
    ("SqueezeBackward1", "row.squeeze(0)", lambda: row.squeeze(0)),
    ("SqueezeBackward0", "row.squeeze()", lambda: row.squeeze()),
    ("PermuteBackward0", "M.T", lambda: M.T),
    ("PermuteBackward0", "B.permute(2, 0, 1)", lambda: B.permute(2, 0, 1)),
    ("TBackward0", "M.t()", lambda: M.t()),
    ("TransposeBackward0", "M.transpose(0, 1)", lambda: M.transpose(0, 1)),
    ("TransposeBackward0", "B.mT", lambda: B.mT),
    ("SelectBackward0", "x[0]", lambda: x[0]),
    ("SelectBackward0", "M[0]", lambda: M[0]),
    ("SelectBackward0", "M[:, 1]", lambda: M[:, 1]),
    ("SelectBackward0", "M[0, 1]", lambda: M[0, 1]),
    ("SliceBackward0", "x[1:]", lambda: x[1:]),
    ("IndexBackward0", "x[[0, 2]]", lambda: x[[0, 2]]),
    ("IndexBackward0", "x[x > 0]", lambda: x[x > 0]),
    ("ExpandBackward0", "x.expand(2, 3)", lambda: x.expand(2, 3)),
    ("ClampBackward1", "x.clamp(0, 1)", lambda: x.clamp(0, 1)),
    ("ClampBackward1", "x.clamp(min=0)", lambda: x.clamp(min=0)),
    ("ClampBackward1", "x.clamp(max=1)", lambda: x.clamp(max=1)),
    ("ClampBackward1", "torch.clamp(x, 0, 1)", lambda: torch.clamp(x, 0, 1)),
    ("ClampBackward1", "x.clip(0, 1)", lambda: x.clip(0, 1)),
    ("AbsBackward0", "x.abs()", lambda: x.abs()),
    ("SqrtBackward0", "y.sqrt()", lambda: y.sqrt()),
    ("RsqrtBackward0", "y.rsqrt()", lambda: y.rsqrt()),
    ("ReciprocalBackward0", "x.reciprocal()", lambda: x.reciprocal()),
    ("MaxBackward1", "x.max()", lambda: x.max()),
    ("MinBackward1", "x.min()", lambda: x.min()),
    ("MaxBackward0", "M.max(dim=1).values", lambda: M.max(dim=1).values),
    ("MaximumBackward0", "torch.max(x, y)", lambda: torch.max(x, y)),
    ("MaximumBackward0", "torch.maximum(x, y)", lambda: torch.maximum(x, y)),
    ("MinimumBackward0", "torch.minimum(x, y)", lambda: torch.minimum(x, y)),
    ("AmaxBackward0", "x.amax()", lambda: x.amax()),
    ("SoftmaxBackward0", "x.softmax(0)", lambda: x.softmax(0)),
    ("SoftmaxBackward0", "torch.softmax(x, 0)", lambda: torch.softmax(x, 0)),
    ("LogSoftmaxBackward0", "x.log_softmax(0)", lambda: x.log_softmax(0)),
    ("LogsumexpBackward0", "x.logsumexp(0)", lambda: x.logsumexp(0)),
    ("CatBackward0", "torch.cat([x, y])", lambda: torch.cat([x, y])),
    ("CatBackward0", "torch.cat([x, c])", lambda: torch.cat([x, c])),
    ("StackBackward0", "torch.stack([x, y])", lambda: torch.stack([x, y])),
    ("LinalgVectorNormBackward0", "x.norm()", lambda: x.norm()),
    ("LinalgVectorNormBackward0", "x.norm(2)", lambda: x.norm(2)),
    ("LinalgVectorNormBackward0", "x.norm(1)", lambda: x.norm(1)),
    ("LinalgVectorNormBackward0", "torch.norm(x)", lambda: torch.norm(x)),
    ("LinalgVectorNormBackward0", "M.norm(dim=1)", lambda: M.norm(dim=1)),
    ("WhereBackward0", "torch.where(x > 0, x, y)", lambda: torch.where(x > 0, x, y)),
    ("WhereBackward0", "torch.where(x > 0, x, 0.)", lambda: torch.where(x > 0, x, 0.)),
    ("CloneBackward0", "x.clone()", lambda: x.clone()),
    ("CloneBackward0", "M.T.contiguous()", lambda: M.T.contiguous()),
    ("ToCopyBackward0", "x.double()", lambda: x.double()),
    ("ToCopyBackward0", "x.to(torch.float64)", lambda: x.to(torch.float64)),
    ("VarBackward0", "x.var()", lambda: x.var()),
    ("StdBackward0", "x.std()", lambda: x.std()),
    ("SignBackward0", "x.sign()", lambda: x.sign()),
]


@pytest.mark.parametrize("name, text, make", EXPRESSIONS, ids=[text for _, text, _ in EXPRESSIONS])
def test_grad_fn_name(name, text, make):
    out = make()
    assert type(out.grad_fn).__name__ == out.grad_fn.name() == name
    assert f"grad_fn=<{name}>" in repr(out)


@pytest.mark.parametrize("make", [lambda: x.argmax(), lambda: x > 0, lambda: x.detach(), lambda: (x > 0).float()],
                         ids=["argmax", "comparison", "detach", "float_of_mask"])
def test_no_grad_fn(make):
    out = make()
    assert out.grad_fn is None and not out.requires_grad


def test_max_dim_indices_have_no_grad():
    values, indices = M.max(dim=1)
    assert indices.dtype == torch.int64 and indices.grad_fn is None and not indices.requires_grad


def test_returns_itself_when_nothing_changes():
    assert x.float() is x and x.contiguous() is x and x.to(torch.float32) is x


# ---- §4 next_functions ----
def names(node):
    return [None if n is None else n.name() for n, _ in node.next_functions]


def test_next_functions_structure():
    a = torch.tensor(2.0, requires_grad=True)
    w = torch.tensor(3.0, requires_grad=True)
    assert names((a ** 2).grad_fn) == ["torch::autograd::AccumulateGrad"]
    assert names((a * 2).grad_fn) == names((2 * a).grad_fn) == ["torch::autograd::AccumulateGrad", None]
    assert (a * 2).grad_fn.next_functions[1] == (None, 0)
    assert names((torch.tensor(5.0) * a).grad_fn) == [None, "torch::autograd::AccumulateGrad"]
    assert (a * w).grad_fn.next_functions[0][0] is (a + 1).grad_fn.next_functions[0][0]
    acc = (a * w).grad_fn.next_functions[0][0]
    assert acc.variable is a and acc.next_functions == ()
    twice = (a + a).grad_fn.next_functions
    assert twice[0][0] is twice[1][0]
    assert names(torch.cat([x, c]).grad_fn) == ["torch::autograd::AccumulateGrad", None]
    assert names(torch.stack([x, y]).grad_fn) == ["torch::autograd::AccumulateGrad"] * 2
    assert (a * w).grad_fn.metadata == {}


def tree(node, depth=0):
    lines = ["  " * depth + (node.name() if node is not None else "None")]
    for child, _ in (node.next_functions if node is not None else ()):
        lines += tree(child, depth + 1)
    return lines


def test_printed_trees():
    x0 = torch.tensor(2.0, requires_grad=True)
    assert tree((x0 ** 2 + 3 * x0).grad_fn) == [
        "AddBackward0", "  PowBackward0", "    torch::autograd::AccumulateGrad", "  MulBackward0",
        "    torch::autograd::AccumulateGrad", "    None"]
    a, b = torch.tensor([2.0, 3.0], requires_grad=True), torch.tensor([6.0, 4.0], requires_grad=True)
    assert tree((3 * a ** 3 - b ** 2).grad_fn) == [
        "SubBackward0", "  MulBackward0", "    PowBackward0", "      torch::autograd::AccumulateGrad", "    None",
        "  PowBackward0", "    torch::autograd::AccumulateGrad"]


def test_calling_a_node_runs_its_backward():
    a, w = torch.tensor([1.0, 2.0], requires_grad=True), torch.tensor([3.0, 4.0], requires_grad=True)
    ga, gw = (a * w).grad_fn(torch.ones(2))
    assert ga.tolist() == [3.0, 4.0] and gw.tolist() == [1.0, 2.0]


# ---- §2 and §5.14 errors ----
def test_scalar_conversion_errors():
    with raises_exactly(RuntimeError, "a Tensor with 2 elements cannot be converted to Scalar"):
        torch.tensor([1.0, 2.0]).item()
    with raises_exactly(ValueError, "only one element tensors can be converted to Python scalars"):
        float(torch.tensor([1.0, 2.0]))
    with raises_exactly(RuntimeError, "Boolean value of Tensor with more than one value is ambiguous"):
        bool(torch.tensor([1.0, 2.0]))
    with raises_exactly(TypeError, "len() of a 0-d tensor"):
        len(torch.tensor(1.0))
    with raises_exactly(RuntimeError, "mean(): could not infer output dtype. Input dtype must be either a floating "
                                      "point or complex dtype. Got: Long"):
        torch.tensor([1, 2]).mean()


def test_shape_errors():
    with raises_exactly(RuntimeError, "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"):
        torch.ones(2, 3) @ torch.ones(2, 3)
    with raises_exactly(RuntimeError, "The size of tensor a (3) must match the size of tensor b (2) at non-singleton "
                                      "dimension 1"):
        torch.ones(2, 3) + torch.ones(2)
    with raises_exactly(RuntimeError, "shape '[4]' is invalid for input of size 6"):
        torch.ones(2, 3).view(4)
    with raises_exactly(RuntimeError, "view size is not compatible with input tensor's size and stride (at least one "
                                      "dimension spans across two contiguous subspaces). Use .reshape(...) instead."):
        torch.ones(2, 3).T.view(6)
    with raises_exactly(IndexError, "index 5 is out of bounds for dimension 0 with size 3"):
        torch.ones(3)[5]


def test_copy_constructing_from_a_tensor_warns():
    source = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning) as record:
        copy = torch.tensor(source)
    assert str(record[0].message) == (
        "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
        "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).")
    assert not copy.requires_grad and copy.data_ptr() != source.data_ptr()


def test_non_leaf_grad_warning_text():
    leaf = torch.tensor([1.0], requires_grad=True)
    out = leaf * 2
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        out.grad  # noqa: B018
    assert len(record) == 1 and record[0].category is UserWarning
    assert str(record[0].message).startswith(
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be "
        "populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf "
        "Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure "
        "you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information.")
    assert record[0].filename == __file__, "the warning must point at the learner's line"
    for quiet in (torch.tensor([1.0]), leaf.detach()):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert quiet.grad is None


def test_inf_and_nan_arithmetic_is_silent_in_minigrad_but_not_in_your_numpy_code():
    # in a fresh interpreter, as a learner's kernel is (pytest resets warning filters after collection)
    import subprocess
    import sys
    program = """
import warnings
import numpy as np
import minigrad as torch
warnings.simplefilter("always", append=True)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", append=True)
    zero = torch.tensor([0.0, 1.0], requires_grad=True)
    out = (zero * float("inf")) + zero.log() + 1 / zero + (zero - zero).sqrt()
    out.sum().backward()  # inf - inf and 0 * inf inside the backward formulas
    print(len(caught), np.isnan(out[0].item()))
    np.zeros(1) * np.inf  # the learner's own numpy code keeps numpy's warning
    print(len(caught), caught[-1].category.__name__)
"""
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["0", "True", "1", "RuntimeWarning"], result.stderr
