"""Anomaly detection: the op whose backward made nan is named; without it, nan flows silently."""
import warnings

import pytest

import minigrad as torch
from minigrad.autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled


def quietly(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [str(w.message) for w in caught]


def test_nan_from_a_backward_is_reported_with_the_ops_name():
    x = torch.tensor([0., 2.], requires_grad=True)
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        anomaly = torch.autograd.detect_anomaly()
    with anomaly:
        y = x.sqrt() * 0  # d sqrt at 0 is inf, times the incoming 0: nan
        with pytest.warns(UserWarning) as caught:
            with pytest.raises(RuntimeError) as error:
                y.sum().backward()
    assert str(error.value) == "Function 'SqrtBackward0' returned nan values in its 0th output."
    # like PyTorch, a warning shows the forward line that made the failing node
    message = str(caught[-1].message)
    assert message.startswith("Error detected in SqrtBackward0. Traceback of forward call that caused the error:\n")
    assert "y = x.sqrt() * 0" in message and "test_anomaly.py" in message
    sqrt_node = y.grad_fn.next_functions[0][0]
    assert sqrt_node.metadata["traceback_"][-1].split("\n")[1].strip().startswith("y = x.sqrt() * 0")


def test_zero_over_zero_names_the_output_index():
    z = torch.tensor([0., 1.], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.autograd.detect_anomaly():
            with pytest.raises(RuntimeError, match=r"^Function 'DivBackward0' returned nan values in its 1th output"):
                (z / z).sum().backward()
            b = torch.tensor([0., 1.], requires_grad=True)
            with pytest.raises(RuntimeError, match=r"^Function 'DivBackward0' returned nan values in its 0th output"):
                (z / b * 0).sum().backward()


def test_without_anomaly_mode_nan_gradients_arrive_silently():
    x = torch.tensor([0., 2.], requires_grad=True)
    (x.sqrt() * 0).sum().backward()
    assert x.grad.tolist()[0] != x.grad.tolist()[0]  # nan
    assert x.grad.tolist()[1] == 0.0


def test_sqrt_of_x_minus_x_is_not_caught_as_in_pytorch():
    # SqrtBackward0 returns inf (not nan) and SubBackward0 returns inf and -inf: the nan only appears when
    # the two reach x and are added, which no node's backward returns, so PyTorch raises nothing either
    x = torch.tensor([1., 2.], requires_grad=True)
    messages = quietly(lambda: _run_in_anomaly_mode(lambda: (x - x).sqrt().sum().backward()))
    assert not any(m.startswith("Error detected") for m in messages)
    assert all(g != g for g in x.grad.tolist())  # nan


def _run_in_anomaly_mode(fn):
    with torch.autograd.detect_anomaly():
        fn()


def test_check_nan_false_and_set_detect_anomaly():
    x = torch.tensor([0., 2.], requires_grad=True)
    quietly(lambda: _run_check_nan_false(x))
    assert x.grad.tolist()[1] == 0.0
    assert not is_anomaly_enabled()
    torch.autograd.set_detect_anomaly(True)
    assert is_anomaly_enabled() and is_anomaly_check_nan_enabled()
    torch.autograd.set_detect_anomaly(False)
    assert not is_anomaly_enabled()
    with torch.autograd.set_detect_anomaly(True, check_nan=False):
        assert is_anomaly_enabled() and not is_anomaly_check_nan_enabled()
    assert not is_anomaly_enabled() and is_anomaly_check_nan_enabled()
    assert torch.autograd.function.forward_observers == []  # no tracing left behind


def _run_check_nan_false(x):
    with torch.autograd.detect_anomaly(check_nan=False):
        (x.sqrt() * 0).sum().backward()  # no error: only nan checks are off


def test_inplace_error_hint_changes_in_anomaly_mode_as_in_pytorch():
    a = torch.tensor([1.], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.autograd.detect_anomaly():
            q = a * 2
            r = q.sin()
            q.mul_(2)
            with pytest.raises(RuntimeError) as error:
                r.backward()
    assert str(error.value).endswith("is at version 1; expected version 0 instead. Hint: the backtrace further above "
                                     "shows the operation that failed to compute its gradient. The variable in "
                                     "question was changed in there or anywhere later. Good luck!")


def test_detect_anomaly_is_not_a_decorator_in_pytorch_2_13():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TypeError, match="'detect_anomaly' object is not callable"):
            torch.autograd.detect_anomaly()(lambda: None)
