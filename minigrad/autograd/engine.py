"""The backward pass.

1. Plan: walk the graph from the roots (an explicit stack, no recursion) and count, for every node,
   how many edges lead into it. With `targets`, keep only the nodes on a path to a target.
2. Run: a node is ready once every edge into it has delivered; ready nodes run latest-created first
   (a heap keyed by creation order, as PyTorch's engine does), so the order is deterministic.
   Each node turns the gradients of its outputs into gradients of its inputs (local derivative x
   incoming gradient); `unbroadcast` sums them back to each input's shape; fan-in adds them up.
3. Gradients live in `buffers`, a dict local to the call. `.grad` is written only by AccumulateGrad
   (leaves that require grad) and for tensors that called retain_grad(). A leaf's first gradient is
   kept without a copy when nobody else can see it (`_owned`), then accumulated in place.
Python's cyclic garbage collector is paused during the pass: it makes many short-lived objects and
no cycles, and on a 100,000-node graph the collector's sweeps would make backward slower than linear.
"""
import gc
import heapq
import sys

import numpy as np

from ..ops import misc
from .function import AccumulateGrad, zeros_for
from .grad_mode import state

observers = []  # callables(node, grad_outputs, grad_inputs): teaching tools watch each step here
leaf_observers = []  # callables(accumulate_node, grad, grad_before, grad_after)
anomaly = {"enabled": False, "check_nan": True}


def unbroadcast(grad, shape, node=None, index=0):
    """Sum a broadcast gradient back to `shape`, as PyTorch's sum_to: over the leading extra dims and the dims
    that were 1 (keeping them), then a view without the leading dims."""
    gshape = grad._data.shape
    if gshape == shape:
        return grad
    extra = len(gshape) - len(shape)
    if extra < 0 or any(n != 1 and n != gshape[extra + i] for i, n in enumerate(shape)):
        raise RuntimeError(f"Function {node.name() if node else 'backward'} returned an invalid gradient at index "
                           f"{index} - got {list(gshape)} but expected shape compatible with {list(shape)}")
    if not shape:
        return grad.sum()
    leading = tuple(range(extra))
    stretched = tuple(extra + i for i, n in enumerate(shape) if n == 1 and gshape[extra + i] != 1)
    if not stretched and not grad._requires_grad:  # the common case (a bias): one sum, already of the right shape
        return grad.sum(dim=leading)
    if leading or stretched:
        grad = grad.sum(dim=leading + stretched, keepdim=True)
    if not extra:
        return grad
    if grad._requires_grad:  # create_graph: the view is recorded (ViewBackward0), as in PyTorch
        return grad.view(shape)
    return type(grad)._make(grad._data.reshape(shape))  # nothing to record: a plain reshape of the new sum


def run_backward(roots, seeds, retain_graph, create_graph, targets=None, capture=False):
    """Backpropagate `seeds` from `roots` ((node, output_nr) pairs).

    targets: None to reach every node; otherwise a set of (node, output_nr) slots. Only nodes on a
    path to a target run. With capture=True the gradients arriving at the targets are returned
    (autograd.grad) and no AccumulateGrad runs; otherwise leaves accumulate as usual.
    """
    target_nodes = None if targets is None else {node for node, _ in targets}
    deps, runs = _plan([node for node, _ in roots], target_nodes, capture)
    buffers = {}
    for (node, nr), seed in zip(roots, seeds):
        _add(buffers, node, nr, seed, create_graph)
    ready = []
    for node in dict.fromkeys(node for node, _ in roots):
        if deps.get(node, 0) == 0:  # (a root that leads to no target is not in deps: it is popped and skipped)
            heapq.heappush(ready, (-node._seq, node))
    captured = {}
    was_enabled = state.grad_enabled
    state.grad_enabled = create_graph  # backward formulas record a graph only for create_graph
    collecting = gc.isenabled()
    gc.disable()  # the pass makes many short-lived objects and no cycles: collecting midway only costs time
    try:
        while ready:
            node = heapq.heappop(ready)[1]
            grads = buffers.pop(node, None)
            if grads is not None and (node._tensor_prehooks or node._retained or type(node) is AccumulateGrad):
                grads = _tensor_prehooks(node, grads)
            if target_nodes is not None:
                if node in target_nodes:
                    for slot_node, nr in targets:
                        if slot_node is node:
                            captured[(node, nr)] = grads[nr] if grads is not None else None
                if node not in runs:
                    continue
            if type(node) is AccumulateGrad:
                if grads is not None and grads[0] is not None:
                    _leaf_step(node, grads, create_graph)
                continue
            grads_in = None
            if grads is not None:
                if (node._prehooks or node._hooks or observers or anomaly["enabled"]
                        or node._outputs_meta is not None):
                    grads_in = _run_node(node, grads)
                else:  # the common case, kept short: no hooks, no observers, one output
                    grads_in = node.apply_backward(grads)
            arg_pos, metas = node._arg_pos, node._input_meta
            for j, (child, nr) in enumerate(node.next_functions):
                if child is None or child not in deps:
                    continue
                grad = grads_in[arg_pos[j]] if grads_in is not None else None
                if grad is not None:
                    shape, dtype = metas[j]
                    if grad._data.shape != shape or grad._data.dtype != dtype:
                        grad = _reduce(node, j, grad)
                    slots = buffers.get(child)
                    if slots is None and child._outputs_meta is None:
                        buffers[child] = [grad]
                    else:
                        _add(buffers, child, nr, grad, create_graph)
                count = deps[child] - 1
                deps[child] = count
                if count == 0:
                    heapq.heappush(ready, (-child._seq, child))
            grads = grads_in = grad = None  # hold no gradient past its node: a leaf may then keep it (_owned)
            if not retain_graph:
                node.release()
    finally:
        state.grad_enabled = was_enabled
        if collecting:
            gc.enable()
    return captured


def _plan(roots, target_nodes, capture):
    """How many edges lead into each node to visit (a node runs when all have delivered), and which nodes'
    backward must run (None: all of them)."""
    if target_nodes is None:  # plain backward: every node reachable from the roots runs
        deps = dict.fromkeys(roots, 0)
        stack = list(deps)
        while stack:
            for child, _ in stack.pop().next_functions:
                if child is None:
                    continue
                if child in deps:
                    deps[child] += 1
                else:
                    deps[child] = 1
                    stack.append(child)
        return deps, None
    children = {}
    order = []  # post-order: children before parents
    stack = [(root, False) for root in dict.fromkeys(roots)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if node in children:
            continue
        kids = [child for child, _ in node.next_functions if child is not None]
        children[node] = kids
        stack.append((node, True))
        stack.extend((child, False) for child in kids if child not in children)
    runs, keep = set(), set()
    for node in order:  # a node runs when something it leads to is kept; targets are kept
        if any(child in keep for child in children[node]):
            runs.add(node)
        if node in runs or node in target_nodes:
            keep.add(node)
        if node in target_nodes and type(node) is AccumulateGrad and not capture:
            runs.add(node)
    deps = {node: 0 for node in keep}
    for node in runs:
        for child in children[node]:
            if child in keep:
                deps[child] += 1
    return deps, runs


def _leaf_step(node, grads, create_graph):
    """AccumulateGrad's step, with the hooks PyTorch runs around it."""
    if node._prehooks:
        grads = _node_prehooks(node, grads)  # node hooks on a leaf's node run as in PyTorch
    if leaf_observers:
        _observed_accumulate(node, grads[0], create_graph)
    else:
        _accumulate(node.variable, grads[0], create_graph)
    for fn in list((node._hooks or {}).values()):
        fn((), tuple(grads))


def _add(buffers, node, nr, grad, create_graph):
    """Fan-in: gradients reaching the same output of a node add up."""
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * _num_outputs(node)
    current = slots[nr]
    if current is None:
        slots[nr] = grad
    else:
        slots[nr] = current + grad


def _num_outputs(node):
    meta = getattr(node, "_outputs_meta", None)
    return len(meta) if meta else 1


def _tensor_prehooks(node, grads):
    """Hooks registered on the tensors this node produced, then retain_grad (after the hooks)."""
    if type(node) is AccumulateGrad:
        hooks = node.variable._hooks
        if hooks:
            grads = [_call_tensor_hooks(hooks, grads[0])]
        return grads
    if node._tensor_prehooks:
        grads = list(grads)
        for nr, hooks in node._tensor_prehooks.items():
            if grads[nr] is not None and hooks:
                grads[nr] = _call_tensor_hooks(hooks, grads[nr])
    if node._retained:
        for nr, ref in node._retained.items():
            tensor = ref()
            if tensor is not None and grads[nr] is not None:
                _accumulate_retained(tensor, grads[nr])
    return grads


def _call_tensor_hooks(hooks, grad):
    for fn in list(hooks.values()):
        result = fn(grad)
        if result is not None:
            if result.shape != grad.shape:
                raise RuntimeError(f"hook '{getattr(fn, '__name__', 'hook')}' has changed the size of value")
            grad = result
    return grad


def _node_prehooks(node, grads):
    for fn in list((node._prehooks or {}).values()):
        result = fn(tuple(grads))
        if result is not None:
            grads = list(result)
    return grads


def _run_node(node, grads):
    grads = _node_prehooks(node, grads)
    if node.materialize_grads and any(g is None for g in grads):
        grads = [g if g is not None else zeros_for(meta) for g, meta in zip(grads, node._outputs_meta)]
    if anomaly["enabled"]:  # checks for nan, and names the forward line of a node that fails
        from .anomaly_mode import checked_backward
        grads_in = checked_backward(node, grads)
    else:
        grads_in = node.apply_backward(grads)
    if node._hooks:
        tensor_grads = tuple(grads_in[i] for i in node._arg_pos)
        for fn in list(node._hooks.values()):
            result = fn(tensor_grads, tuple(grads))
            if result is not None:
                tensor_grads = tuple(result)
        grads_in = list(grads_in)
        for i, g in zip(node._arg_pos, tensor_grads):
            grads_in[i] = g
    for observe in observers:
        observe(node, tuple(grads), tuple(grads_in[i] for i in node._arg_pos))
    return grads_in


def _check_nan(node, grads_in):
    for i, position in enumerate(node._arg_pos):  # numbered like next_functions, as in PyTorch
        g = grads_in[position]
        if g is not None and np.isnan(g._data).any():
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


def _reduce(node, j, grad):
    shape, dtype = node._input_meta[j]
    if grad._data.shape != shape:
        grad = unbroadcast(grad, shape, node, node._arg_pos[j])
    if grad._data.dtype != dtype:
        grad = grad._cast(dtype)
    return grad


def _accumulate(variable, grad, create_graph):
    """AccumulateGrad: the leaf's .grad becomes grad, or grad is added to it."""
    current = variable._grad
    if current is None:
        variable._grad = misc.CopyBackwards.apply(grad) if create_graph else _owned(grad, variable)
    elif create_graph or current._requires_grad:
        variable._grad = current + grad
    else:
        current._data += grad._data  # in place, like PyTorch: the same .grad object keeps accumulating
    hooks = variable._post_accumulate_hooks
    if hooks:
        for fn in list(hooks.values()):
            fn(variable)


def _observed_accumulate(node, grad, create_graph):
    def snapshot(t):
        return None if t is None else t.detach().clone()
    before = snapshot(node.variable._grad)
    _accumulate(node.variable, grad, create_graph)
    for observe in leaf_observers:
        observe(node, grad, before, snapshot(node.variable._grad))


def _owned(grad, variable):
    """A gradient the leaf can keep as its .grad: the tensor itself when only this pass holds it and its memory
    (PyTorch checks the same use count) and it is laid out like the leaf, otherwise a copy: later in-place
    accumulation into .grad must never change a tensor that someone else sees (a `gradient=` argument, a
    hook's saved value, a view), and a .grad with the leaf's layout keeps optimizer arithmetic fast."""
    array = grad._data
    if (grad._requires_grad or not array.flags.writeable or array.strides != variable._data.strides
            or sys.getrefcount(grad) > _UNSHARED_TENSOR_REFS):
        return grad._copy_detached()
    base = grad._base
    if base is None:  # refs to the array: the tensor, `array`, getrefcount's argument
        unshared = grad._version_counter is None and sys.getrefcount(array) <= 3 and array.flags.owndata
    else:  # a view (e.g. the transpose TBackward0 hands on) of a tensor only it holds: refs to that tensor are
        # the view's _base, `base`, getrefcount's argument; to its array the tensor, the view's array, the argument
        unshared = (base._base is None and sys.getrefcount(base) <= 3 and sys.getrefcount(base._data) <= 3
                    and base._data.flags.owndata)
    return grad if unshared else grad._copy_detached()


_UNSHARED_TENSOR_REFS = 4  # the pass's list of gradients, _accumulate's and _owned's arguments, getrefcount's


def _accumulate_retained(tensor, grad):
    current = tensor._grad
    tensor._grad = grad._copy_detached() if current is None else current + grad.detach()
