"""requires_grad propagation and the grad-mode switches (PYTORCH_BEHAVIOR.md §6.1, §6.2, §5.13)."""
import re

import pytest

import minigrad
from minigrad import autograd


def flags(t):
    return t.requires_grad, t.is_leaf, None if t.grad_fn is None else t.grad_fn.name()


@pytest.fixture(autouse=True)
def grad_mode_restored():
    yield
    minigrad.set_grad_enabled(True)
    assert minigrad.is_grad_enabled() and not minigrad.is_inference_mode_enabled()


# ---- §6.1 ----
def test_propagation_table():
    x, w = minigrad.tensor([1.0, 2.0]), minigrad.tensor([1.0, 2.0], requires_grad=True)
    assert flags(x) == (False, True, None)
    assert flags(w) == (True, True, None)
    assert flags(minigrad.randn(2, requires_grad=True)) == (True, True, None)
    assert flags(x * 2) == (False, True, None)
    assert flags(x + w) == (True, False, "AddBackward0")
    assert flags(w.detach()) == (False, True, None)
    assert flags(w.data) == (False, True, None)
    assert flags(w.clone()) == (True, False, "CloneBackward0")
    assert flags(w.double()) == (True, False, "ToCopyBackward0")
    assert flags(w.clone().detach().requires_grad_()) == (True, True, None)
    assert flags((w * 2).detach().requires_grad_(True)) == (True, True, None)
    assert flags(minigrad.zeros_like(w)) == (False, True, None)
    assert flags(minigrad.ones_like(w)) == (False, True, None)
    assert w.float() is w and w.contiguous() is w


def test_factory_with_requires_grad_inside_no_grad():
    with minigrad.no_grad():
        assert flags(minigrad.ones(2, requires_grad=True)) == (True, True, None)
        assert flags(minigrad.tensor([1.0], requires_grad=True)) == (True, True, None)


# ---- §6.2 ----
def test_no_grad_block():
    w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    assert minigrad.is_grad_enabled()
    with minigrad.no_grad() as ctx:
        assert ctx is None
        assert not minigrad.is_grad_enabled()
        assert flags(w * 2) == (False, True, None)
        with minigrad.enable_grad():
            assert minigrad.is_grad_enabled()
            assert flags(w * 3) == (True, False, "MulBackward0")
    assert minigrad.is_grad_enabled()


def test_no_grad_restores_the_mode_after_an_exception():
    with pytest.raises(ValueError), minigrad.no_grad():
        raise ValueError("boom")
    assert minigrad.is_grad_enabled()


def test_decorators_with_and_without_parentheses():
    w = minigrad.tensor([1.0], requires_grad=True)

    @minigrad.no_grad()
    def f(t):
        return t * 2, minigrad.is_grad_enabled()

    @minigrad.no_grad
    def f2(t):
        return t * 2

    @minigrad.enable_grad()
    def g(t):
        return t * 2

    assert f(w)[0].requires_grad is False and f(w)[1] is False
    assert f2(w).requires_grad is False
    with minigrad.no_grad():
        assert g(w).requires_grad is True
    assert f.__name__ == "f"


def test_set_grad_enabled_as_call_context_and_decorator():
    w = minigrad.tensor([1.0], requires_grad=True)
    with minigrad.set_grad_enabled(False):
        assert not minigrad.is_grad_enabled() and not (w * 2).requires_grad
    assert minigrad.is_grad_enabled()
    result = minigrad.set_grad_enabled(False)
    assert type(result).__name__ == "set_grad_enabled" and not minigrad.is_grad_enabled()
    minigrad.set_grad_enabled(True)
    assert minigrad.is_grad_enabled()

    @minigrad.set_grad_enabled(False)
    def doubled(t):
        return t * 2
    assert minigrad.is_grad_enabled(), "building the decorator must not switch the mode"
    assert not doubled(w).requires_grad and minigrad.is_grad_enabled()

    @minigrad.set_grad_enabled(True)
    def tripled(t):
        return t * 3
    with minigrad.no_grad():
        assert tripled(w).requires_grad
        assert not minigrad.is_grad_enabled(), "the call must restore the caller's mode"


def test_backward_inside_no_grad_still_computes_gradients():
    x = minigrad.tensor(2.0, requires_grad=True)
    y = x ** 2
    with minigrad.no_grad():
        y.backward()
    assert repr(x.grad) == "tensor(4.)"


def test_update_under_no_grad_keeps_a_leaf():
    w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    with minigrad.no_grad():
        w -= 0.1 * w.grad
    assert flags(w) == (True, True, None)
    assert w._version == 1
    assert repr(w) == "tensor([0.8000, 1.6000], requires_grad=True)"


def test_inference_mode():
    w = minigrad.tensor([1.0], requires_grad=True)
    with minigrad.inference_mode():
        assert not minigrad.is_grad_enabled() and minigrad.is_inference_mode_enabled()
        t = w * 2
        assert not t.requires_grad and t.is_inference()
    assert t.is_inference() and not w.is_inference() and not minigrad.is_inference_mode_enabled()
    with minigrad.inference_mode(False):
        assert not minigrad.is_inference_mode_enabled() and (w * 2).requires_grad

    @minigrad.inference_mode()
    def h(t):
        return t * 2
    assert not h(w).requires_grad and h(w).is_inference()


def test_inference_tensor_errors():
    w = minigrad.tensor([1.0], requires_grad=True)
    with minigrad.inference_mode():
        t = minigrad.ones(1)
    with pytest.raises(RuntimeError) as info:
        (t * w).sum().backward()
    assert str(info.value) == (
        "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in "
        "computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use it "
        "in autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`.")
    with pytest.raises(RuntimeError) as info:
        t.add_(1)
    assert str(info.value) == (
        "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal "
        "tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.")
    with pytest.raises(RuntimeError, match=re.escape(
            "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.")):
        t.requires_grad_(True)


def test_autograd_namespace_exports_the_switches():
    assert autograd.no_grad is minigrad.no_grad and autograd.enable_grad is minigrad.enable_grad
    assert autograd.set_grad_enabled is minigrad.set_grad_enabled
    assert autograd.inference_mode is minigrad.inference_mode
    assert autograd.is_grad_enabled() is True
