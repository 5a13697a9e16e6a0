"""What tutorial code touches besides autograd (issue 10): torch.cuda / torch.accelerator / torch.backends answer
as PyTorch's CPU-only build does, the device idiom picks the CPU, moving to a GPU raises PyTorch's error, and the
legacy constructors and in-place functional forms exist."""
import pytest
from helpers import require_torch

import minigrad as torch_like


def test_device_idiom_picks_the_cpu():
    device = torch_like.device("cuda" if torch_like.cuda.is_available() else "cpu")
    assert repr(device) == "device(type='cpu')"
    x = torch_like.ones(2).to(device)
    assert str(x.device) == "cpu"
    assert torch_like.accelerator.is_available() is False
    assert torch_like.accelerator.current_accelerator() is None
    assert torch_like.cuda.device_count() == 0
    assert torch_like.backends.mps.is_available() is False


def test_backend_flags_can_be_set():
    torch_like.backends.cudnn.deterministic = True
    torch_like.backends.cudnn.benchmark = False
    assert torch_like.backends.cudnn.deterministic is True
    torch_like.backends.cudnn.deterministic = False


def test_devices_are_named_like_torch_device():
    assert repr(torch_like.device("cuda:1")) == "device(type='cuda', index=1)"
    assert str(torch_like.device("cuda", 1)) == "cuda:1"
    assert torch_like.device("cpu") != "cpu"  # as in PyTorch: a device equals devices, not strings
    with pytest.raises(RuntimeError, match="^Expected one of cpu, cuda, .* at start of device string: gpu$"):
        torch_like.device("gpu")


@pytest.mark.parametrize("move", [lambda x: x.to("cuda"), lambda x: x.cuda(), lambda x: x.to("cuda:0"),
                                  lambda x: x.to(torch_like.device("cuda")),
                                  lambda x: torch_like.zeros(2, device="cuda")])
def test_moving_to_a_gpu_raises_torchs_cpu_only_error(move):
    with pytest.raises(AssertionError, match="^Torch not compiled with CUDA enabled$"):
        move(torch_like.ones(2))


def test_mps_is_not_linked():
    with pytest.raises(RuntimeError, match="^PyTorch is not linked with support for mps devices$"):
        torch_like.ones(2).to("mps")


def test_legacy_constructors():
    assert repr(torch_like.FloatTensor([1, 2])) == "tensor([1., 2.])"
    assert repr(torch_like.DoubleTensor([1.81])) == "tensor([1.8100], dtype=torch.float64)"
    assert repr(torch_like.LongTensor([1.7, -2.5])) == "tensor([ 1, -2])"
    assert torch_like.FloatTensor(2, 3).shape == (2, 3)
    assert repr(torch_like.FloatTensor) == "<class 'torch.FloatTensor'>"
    assert isinstance(torch_like.ones(2), torch_like.FloatTensor)
    assert not isinstance(torch_like.ones(2), torch_like.LongTensor)


def test_in_place_functional_forms():
    x = torch_like.tensor([0.5, 4.0])
    assert torch_like.sin_(x) is x
    assert repr(x) == "tensor([ 0.4794, -0.7568])"
    y = torch_like.tensor([4.0, 9.0])
    y.sqrt_()
    assert repr(y) == "tensor([2., 3.])"
    leaf = torch_like.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="^a leaf Variable that requires grad is being used in an in-place"):
        torch_like.exp_(leaf)


def test_same_answers_as_live_torch():
    torch = require_torch()
    for lib_name in ("cuda.is_available", "cuda.device_count", "accelerator.is_available",
                     "accelerator.current_accelerator", "backends.mps.is_available", "backends.cudnn.enabled"):
        values = []
        for lib in (torch_like, torch):
            value = lib
            for part in lib_name.split("."):
                value = getattr(value, part)
            values.append(value() if callable(value) else value)
        assert values[0] == values[1], lib_name
    assert repr(torch_like.FloatTensor([[1.5, 2]])) == repr(torch.FloatTensor([[1.5, 2]]))
    assert repr(torch_like.LongTensor([0.25, -2.19, 0.21])) == repr(torch.LongTensor([0.25, -2.19, 0.21]))


def test_device_as_a_keyword_is_checked_too():
    with pytest.raises(AssertionError, match="^Torch not compiled with CUDA enabled$"):
        torch_like.ones(2).to(device="cuda")
    assert torch_like.ones(2).to(device="cpu").tolist() == [1.0, 1.0]


def test_type_converts_to_a_legacy_tensor_type_or_its_name():
    x = torch_like.ones(2, requires_grad=True)
    assert repr(x.type(torch_like.DoubleTensor)) == "tensor([1., 1.], dtype=torch.float64, grad_fn=<ToCopyBackward0>)"
    assert x.type("torch.LongTensor").dtype is torch_like.int64
    assert x.type(torch_like.FloatTensor) is x
    with pytest.raises(ValueError, match="^invalid type: 'float32'$"):
        x.type("float32")
    with pytest.raises(TypeError, match="^dtype must be a type, str, or dtype object$"):
        x.type(3)
