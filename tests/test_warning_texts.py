"""Warnings as a learner sees them with `warnings.catch_warnings(record=True)`: PyTorch's texts word for word,
including the "(Triggered internally at ...)" tail of a warning raised in its C++ code, and how often each comes
(once per process for TORCH_WARN_ONCE). numpy's inf/nan RuntimeWarnings never show, as PyTorch has none. The
once-per-process warnings are checked in fresh interpreters, side by side with a live torch when it is installed."""
import subprocess
import sys
import textwrap
import warnings

import pytest
from helpers import require_torch

import minigrad as torch
from minigrad import _messages as msg

SCALAR = ("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\nConsider using "
          "tensor.detach() first. (Triggered internally at "
          "/__w/pytorch/pytorch/torch/csrc/autograd/generated/python_variable_methods.cpp:822.)")
CREATE_GRAPH = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter and its gradient "
    "which can cause a memory leak. We recommend using autograd.grad when creating the graph to avoid this. If you "
    "have to use this function, make sure to reset the .grad fields of your parameters to None after use to break "
    "the cycle and avoid the leak. (Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)")
NON_LEAF = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be "
    "populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, "
    "use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the "
    "leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information. (Triggered internally at "
    "/__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)")

# each line runs in a fresh interpreter: what it warns, as "<line>: <number of warnings> <first text>"
ONCE_PER_PROCESS = """
    import sys, warnings
    torch = __import__(sys.argv[1])
    x = torch.tensor(1.5, requires_grad=True)
    y = torch.tensor([1.0, 2.0], requires_grad=True)
    steps = [("float", lambda: float(x)), ("float again", lambda: float(x)), ("list", lambda: torch.tensor([x, x])),
             ("complex", lambda: complex(x)), ("int", lambda: int(x)), ("bool", lambda: bool(x)),
             ("item", lambda: x.item()), ("backward", lambda: (y * y).sum().backward(create_graph=True)),
             ("backward again", lambda: (y * y).sum().backward(create_graph=True)),
             ("grad", lambda: torch.autograd.grad((y * y).sum(), y, create_graph=True))]
    for name, step in steps:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            step()
        print(name, [(w.category.__name__, str(w.message)) for w in caught])
"""


def once_per_process(library):
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(ONCE_PER_PROCESS), library], capture_output=True,
                            text=True, check=True)
    return result.stdout


def test_scalar_conversion_and_create_graph_warn_once_per_process():
    lines = once_per_process("minigrad").splitlines()
    assert lines == [
        f"float [('UserWarning', {SCALAR!r})]", "float again []", "list []", "complex []", "int []", "bool []",
        "item []", f"backward [('UserWarning', {CREATE_GRAPH!r})]", "backward again []", "grad []"]


def test_once_per_process_warnings_match_torch():
    require_torch()
    assert once_per_process("minigrad") == once_per_process("torch")


def test_a_list_of_tensors_warns_first_of_all():
    script = ("import sys, warnings; torch = __import__(sys.argv[1]); x = torch.tensor([2.0], requires_grad=True)\n"
              "with warnings.catch_warnings(record=True) as caught:\n"
              "    warnings.simplefilter('always'); print(torch.tensor([x, x]), float(x))\n"
              "print([str(w.message) for w in caught])")
    run = subprocess.run([sys.executable, "-c", script, "minigrad"], capture_output=True, text=True, check=True)
    assert run.stdout == f"tensor([2., 2.]) 2.0\n[{SCALAR!r}]\n"


def test_non_leaf_grad_warning_has_pytorchs_whole_text():
    y = torch.tensor([1.0], requires_grad=True) * 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert y.grad is None
    assert [str(w.message) for w in caught] == [NON_LEAF]
    assert msg.NON_LEAF_GRAD == NON_LEAF


def test_anomaly_trace_ends_with_pytorchs_tail():
    a = torch.tensor([0.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with torch.autograd.detect_anomaly():
            y = a.sqrt() * 0
            with pytest.raises(RuntimeError, match="^Function 'SqrtBackward0' returned nan values in its 0th output"):
                y.sum().backward()
    texts = [str(w.message) for w in caught]
    assert texts[0].startswith("Anomaly Detection has been enabled.")
    assert len(texts) == 2, "no numpy RuntimeWarning in between"
    assert texts[1].startswith("Error detected in SqrtBackward0. Traceback of forward call that caused the error:\n")
    assert texts[1].endswith("    y = a.sqrt() * 0\n (Triggered internally at "
                             "/__w/pytorch/pytorch/torch/csrc/autograd/python_anomaly_mode.cpp:122.)")


def test_no_numpy_warning_from_backward_even_when_every_warning_is_shown():
    x = torch.tensor([0.0, 4.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a numpy RuntimeWarning would raise here
        torch.where(x > 0, x.sqrt(), x).sum().backward()  # 0 * inf inside sqrt's backward
        zero = torch.tensor([0.0], requires_grad=True)
        (g,) = torch.autograd.grad(zero.sqrt().sum(), zero)  # 1 / 0
    assert repr(x.grad) == "tensor([   nan, 0.2500])"
    assert repr(g) == "tensor([inf])"
