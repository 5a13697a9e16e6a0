"""Making tensors: tensor() and its dtype inference, the factories, dtype conversion, bad input, and seeded
random numbers identical to PyTorch's (PYTORCH_BEHAVIOR.md §2, §10)."""
import re

import numpy as np
import pytest

import minigrad as torch


def raises_exactly(kind, text):
    return pytest.raises(kind, match=f"^{re.escape(text)}$")


# ---- tensor() ----
@pytest.mark.parametrize("data, dtype, shape", [
    (3.0, torch.float32, ()), (3, torch.int64, ()), (True, torch.bool, ()),
    ([1.0, 2.0], torch.float32, (2,)), ([1, 2], torch.int64, (2,)), ([1, 2.5], torch.float32, (2,)),
    ([True], torch.bool, (1,)), ([[1, 2], [3, 4]], torch.int64, (2, 2)), ([], torch.float32, (0,)),
    ([[]], torch.float32, (1, 0)), ((1.0, 2.0), torch.float32, (2,)),
    (np.array([1.0, 2.0]), torch.float64, (2,)), (np.array([1, 2], dtype=np.int32), torch.int32, (2,)),
    (np.array([1.0], dtype=np.float32), torch.float32, (1,)),
    ([torch.tensor(1.0), torch.tensor(2.0)], torch.float32, (2,)),
], ids=repr)
def test_dtype_inference(data, dtype, shape):
    t = torch.tensor(data)
    assert t.dtype is dtype and t.shape == shape
    assert t.is_leaf and not t.requires_grad and t.grad is None and t.grad_fn is None


def test_tensor_copies_its_data():
    source = np.array([1.0, 2.0])
    t = torch.tensor(source)
    source[0] = 9.0
    assert t.tolist() == [1.0, 2.0]
    shared = torch.from_numpy(source)
    source[1] = 7.0
    assert shared.tolist() == [9.0, 7.0] and shared.dtype is torch.float64


def test_dtype_and_requires_grad_arguments():
    t = torch.tensor([1, 2], dtype=torch.float32, requires_grad=True)
    assert t.dtype is torch.float32 and t.requires_grad and t.is_leaf
    assert torch.tensor([1.5], dtype=torch.float64).dtype is torch.float64
    assert torch.tensor([1.7, -1.7], dtype=torch.int64).tolist() == [1, -1]


@pytest.mark.parametrize("data, kind, text", [
    ([[1, 2], [3]], ValueError, "expected sequence of length 2 at dim 1 (got 1)"),
    ([[1], [2, 3]], ValueError, "expected sequence of length 1 at dim 1 (got 2)"),
    ([1, "a"], TypeError, "new(): invalid data type 'str'"),
    ("abc", TypeError, "new(): invalid data type 'str'"),
])
def test_bad_data(data, kind, text):
    with raises_exactly(kind, text):
        torch.tensor(data)


@pytest.mark.parametrize("data, kind, text", [
    ([None], RuntimeError, "Could not infer dtype of NoneType"),
    ({1: 2}, RuntimeError, "Could not infer dtype of dict"),
    (object(), RuntimeError, "Could not infer dtype of object"),
    ([[1, 2], 3], TypeError, "not a sequence"),
    ([[[1]], [2]], TypeError, "not a sequence"),
], ids=["None", "dict", "object", "number_among_lists", "shallow_item"])
def test_unsupported_element_types(data, kind, text):
    with raises_exactly(kind, text):
        torch.tensor(data)


def test_numpy_strings_are_refused():
    with pytest.raises(TypeError, match=r"^can't convert np.ndarray of type numpy.str"):
        torch.tensor(np.array(["a"]))


# ---- factories ----
def test_zeros_ones_full_and_like():
    assert repr(torch.zeros(2, 3)) == "tensor([[0., 0., 0.],\n        [0., 0., 0.]])"
    assert torch.zeros((2, 3)).shape == (2, 3) and torch.ones([4]).tolist() == [1.0] * 4
    assert torch.ones(2, dtype=torch.int64).dtype is torch.int64
    assert repr(torch.full((2,), 7)) == "tensor([7, 7])" and torch.full((2,), 7.0).dtype is torch.float32
    assert torch.full((1,), True).dtype is torch.bool
    w = torch.tensor([[1.0, 2.0]], dtype=torch.float64, requires_grad=True)
    for like in (torch.zeros_like(w), torch.ones_like(w), torch.full_like(w, 3.0), torch.rand_like(w),
                 torch.randn_like(w), torch.empty_like(w)):
        assert like.shape == (1, 2) and like.dtype is torch.float64 and not like.requires_grad
    assert torch.zeros_like(w).tolist() == [[0.0, 0.0]] and torch.full_like(w, 3.0).tolist() == [[3.0, 3.0]]
    assert torch.ones(2, requires_grad=True).requires_grad


def test_arange_linspace_eye():
    assert repr(torch.arange(5)) == "tensor([0, 1, 2, 3, 4])" and torch.arange(5).dtype is torch.int64
    assert repr(torch.arange(3.0)) == "tensor([0., 1., 2.])"
    assert repr(torch.arange(0, 1, 0.25)) == "tensor([0.0000, 0.2500, 0.5000, 0.7500])"
    assert torch.arange(1, 10, 3).tolist() == [1, 4, 7]
    assert repr(torch.linspace(0, 1, 5)) == "tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])"
    assert repr(torch.eye(2, 3)) == "tensor([[1., 0., 0.],\n        [0., 1., 0.]])"
    assert torch.eye(3).dtype is torch.float32


# ---- dtypes ----
def test_conversions():
    t = torch.tensor([1.5, -2.5])
    assert t.double().dtype is torch.float64 and t.to(torch.float64).dtype is torch.float64
    assert t.long().tolist() == [1, -2] and t.long().dtype is torch.int64
    assert t.float() is t and t.to(torch.float32) is t
    assert torch.tensor([1, 0]).bool().tolist() == [True, False]
    assert torch.tensor([1, 2]).float().dtype is torch.float32


@pytest.mark.parametrize("make, dtype", [
    (lambda: torch.tensor([1, 2]) * 1.5, torch.float32),
    (lambda: torch.tensor([1, 2]) / torch.tensor([2, 2]), torch.float32),
    (lambda: torch.tensor([5, 2]) // 2, torch.int64),
    (lambda: torch.tensor([1.0]) + torch.tensor([1.0], dtype=torch.float64), torch.float64),
    (lambda: torch.tensor([1.0, 2.0]) + np.float64(1), torch.float32),
    (lambda: torch.tensor([1.0, 2.0]) + torch.tensor(1.0, dtype=torch.float64), torch.float32),
    (lambda: torch.tensor([1, 2]) + torch.tensor(1.0, dtype=torch.float64), torch.float64),
    (lambda: torch.tensor(1.0) + torch.tensor(1.0, dtype=torch.float64), torch.float64),
])
def test_type_promotion(make, dtype):
    assert make().dtype is dtype


def test_attributes():
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert (a.ndim, a.dim(), a.numel(), a.size(), a.size(1), a.size(-1)) == (2, 2, 4, (2, 2), 2, 2)
    assert torch.tensor(1.0).numel() == 1 and torch.tensor(1.0).dim() == 0
    assert a.tolist() == [[1.0, 2.0], [3.0, 4.0]] and torch.tensor(2.5).tolist() == 2.5
    assert torch.tensor([0.1]).tolist() == [0.10000000149011612]
    assert torch.tensor(2.5).item() == 2.5 and type(torch.tensor(3).item()) is int and torch.tensor([7.0]).item() == 7.0
    assert (float(torch.tensor(2.5)), int(torch.tensor(2.7)), bool(torch.tensor(0.0))) == (2.5, 2, False)
    assert len(a) == 2 and str(a.device) == "cpu" and a.numpy().dtype == np.float32
    x = torch.tensor([1.0], requires_grad=True)
    assert x.item() == 1.0 and x.tolist() == [1.0]


# ---- seeded random numbers, identical to torch's ----
def test_manual_seed_numbers():
    torch.manual_seed(0)
    assert repr(torch.rand(3)) == "tensor([0.4963, 0.7682, 0.0885])"
    torch.manual_seed(0)
    assert repr(torch.randn(3)) == "tensor([ 1.5410, -0.2934, -2.1788])"
    torch.manual_seed(0)
    assert repr(torch.randn(5, 5)[0]) == "tensor([-1.1258, -1.1524, -0.2506, -0.4339,  0.8487])"
    torch.manual_seed(0)
    assert repr(torch.randint(0, 10, (5,))) == "tensor([4, 9, 3, 0, 3])"


def test_same_seed_same_numbers():
    torch.manual_seed(123)
    first = torch.randn(4, 3).tolist(), torch.rand(2).tolist()
    torch.manual_seed(123)
    assert (torch.randn(4, 3).tolist(), torch.rand(2).tolist()) == first


def test_random_factories_take_requires_grad_and_dtype():
    t = torch.randn(2, 2, dtype=torch.float64, requires_grad=True)
    assert t.dtype is torch.float64 and t.requires_grad and t.is_leaf
    assert torch.rand(3).dtype is torch.float32 and torch.randint(0, 5, (3,)).dtype is torch.int64
    values = torch.rand(1000).numpy()
    assert values.min() >= 0 and values.max() < 1


# ---- tensors inside a list are numbers, read as PyTorch reads them (item()), their dtypes promoting ----
@pytest.mark.parametrize("make, expected", [
    (lambda: torch.tensor([torch.ones(1), torch.ones(1, 1)]), "tensor([1., 1.])"),
    (lambda: torch.tensor([torch.tensor(1), torch.tensor(2.5)]), "tensor([1.0000, 2.5000])"),
    (lambda: torch.tensor([torch.tensor(1.0, dtype=torch.float64), 2.5]),
     "tensor([1.0000, 2.5000], dtype=torch.float64)"),
    (lambda: torch.tensor([torch.tensor(1, dtype=torch.int32), 2]), "tensor([1, 2])"),
    (lambda: torch.tensor([torch.tensor(1, dtype=torch.int32)]), "tensor([1], dtype=torch.int32)"),
    (lambda: torch.tensor([torch.tensor(1.0, dtype=torch.float16), 2]), "tensor([1., 2.], dtype=torch.float16)"),
    (lambda: torch.tensor([torch.tensor(1.0, dtype=torch.float16), 2.5]), "tensor([1.0000, 2.5000])"),
    (lambda: torch.tensor([torch.tensor(True), 2]), "tensor([1, 2])"),
])
def test_tensors_inside_a_list(make, expected):
    assert repr(make()) == expected


def test_a_tensor_of_several_elements_inside_a_list_is_refused():
    with pytest.raises(ValueError, match="^only one element tensors can be converted to Python scalars$"):
        torch.tensor([torch.ones(2), torch.ones(2)])
