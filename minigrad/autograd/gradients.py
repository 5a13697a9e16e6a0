"""backward() and grad(): the entry points of reverse mode, named and behaving as torch.autograd's. They check the
arguments, make the seeds (ones for a one-element output) and run the engine (engine.run_backward)."""
import numpy as np

from .. import _messages as msg
from .. import _warn
from . import function
from .engine import accumulate_retained, run_backward
from .function import wrap


def _as_tuple(value):
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return tuple(value)
    if not function.is_tensor(value):  # PyTorch calls tuple() on anything that is not a tensor
        raise TypeError(f"'{type(value).__name__}' object is not iterable")
    return (value,)


def _roots_and_seeds(outputs, grad_outputs, name="grad_output"):
    """The start of backward: each output's edge, and its seed gradient (ones for a one-element output)."""
    Tensor = function.tensor_class()  # noqa: N806 - the class, under its own name
    roots, seeds = [], []
    grad_outputs = grad_outputs if grad_outputs is not None else (None,) * len(outputs)
    for g in grad_outputs[:len(outputs)]:
        if g is not None and not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grad_outputs)} gradients")
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(out, Tensor):
            raise TypeError(f"'{type(out).__name__}' object is not iterable")
        if not out.requires_grad:  # (a view requires grad when its base does)
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = wrap(np.ones(out._data.shape, out._data.dtype))
        else:
            if g.shape != out.shape:
                raise RuntimeError(f"Mismatch in shape: {name}[{i}] has a shape of {g.shape} and output[{i}] has "
                                   f"a shape of {out.shape}.")
            if g._data.dtype != out._data.dtype:
                g = g._cast(out._data.dtype)
        roots.append(out._edge())
        seeds.append(g)
    return roots, seeds


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Accumulate d(tensors)/d(leaf) into the .grad of every leaf that requires grad (or only `inputs`)."""
    tensors = _as_tuple(tensors)
    roots, seeds = _roots_and_seeds(tensors, _as_tuple(grad_tensors if grad_tensors is not None else grad_variables))
    if retain_graph is None:
        retain_graph = create_graph
    targets = None
    inputs = _as_tuple(inputs)
    if inputs:
        targets = {t._edge() for t in inputs}
    if create_graph:
        _warn.warn_once(msg.BACKWARD_CREATE_GRAPH)  # .grad is then part of a graph that holds the leaf (a cycle)
    with np.errstate(all="ignore"):  # a backward formula's inf or nan passes silently, as in PyTorch
        captured = run_backward(roots, seeds, retain_graph, create_graph, targets=targets)
    if inputs:  # a non-leaf listed in inputs gets its gradient in .grad, as PyTorch does
        for t in inputs:
            if t.grad_fn is not None and captured.get(t._edge()) is not None:
                accumulate_retained(t, captured[t._edge()], create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of `outputs` w.r.t. `inputs`, returned as a tuple (a dict for a dict of inputs);
    no .grad is touched."""
    names = None
    if isinstance(inputs, dict):
        names, inputs = list(inputs), list(inputs.values())
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    roots, seeds = _roots_and_seeds(outputs, _as_tuple(grad_outputs))
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    edges = [t._edge() for t in inputs]
    with np.errstate(all="ignore"):  # a backward formula's inf or nan passes silently, as in PyTorch
        captured = run_backward(roots, seeds, retain_graph, create_graph, targets=set(edges), capture=True)
    result = []
    for i, (t, edge) in enumerate(zip(inputs, edges)):
        g = captured.get(edge)
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
            if materialize_grads:
                g = wrap(np.zeros(t._data.shape, t._data.dtype))
        result.append(g)  # as the engine left it (without create_graph it has no graph; it may be a view)
    return dict(zip(names, result)) if names is not None else tuple(result)
