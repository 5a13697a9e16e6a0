"""The backward pass: lesson 03's algorithm, in `run_backward`.

1. Count, for every node reachable from the roots, how many edges lead into it (explicit stack, no recursion).
2. Seed: each root gets its gradient (ones for a scalar `loss.backward()`).
3. A node is ready once every edge into it has delivered; ready nodes run latest-created first (a heap keyed by
   creation order, as PyTorch's engine does), so the order is deterministic. Leaves go before everything, in
   the order they became ready (PyTorch gives them all one priority).
4. Each node's backward turns the gradients of its outputs into gradients of its inputs.
5. `unbroadcast` sums a gradient back to the shape its input had; 6. at fan-in, gradients add up (`_add`).
7. At a leaf, AccumulateGrad adds the gradient into `.grad` (`_accumulate`).
8. After a node has run, what its forward saved is freed (unless retain_graph).

Gradients live in `buffers`, a dict local to the call; `.grad` is written only for leaves that require grad and
for tensors that called retain_grad(). Hooks, anomaly mode and the teaching tools' observers hook in through the
helpers below, so the loop itself stays the algorithm.
"""
import contextlib
import gc
import heapq
import itertools
import sys

from .. import _messages as msg
from ..ops.misc import CopyBackwards
from . import anomaly_mode
from .function import AccumulateGrad, wrap, zeros_for
from .grad_mode import state

observers = []  # callables(node, grad_outputs, grad_inputs): teaching tools watch each step here
leaf_observers = []  # callables(accumulate_node, grad, grad_before, grad_after)


def run_backward(roots, seeds, retain_graph, create_graph, targets=None, capture=False):
    """Backpropagate `seeds` from `roots` ((node, output_nr) pairs).

    targets: None to reach every node; otherwise a set of (node, output_nr) slots. Only nodes on a
    path to a target run. With capture=True the gradients arriving at the targets are returned
    (autograd.grad) and no AccumulateGrad runs; otherwise leaves accumulate as usual.
    """
    # 1. count the edges into each node (`runs`: the nodes whose backward must run; None: all of them)
    deps, runs = _dependencies([node for node, _ in roots], targets, capture)
    # 2. seed: each root starts with its gradient
    buffers = {}  # node -> the gradients of its outputs, summed as they arrive
    for (node, nr), seed in zip(roots, seeds):
        _add(buffers, node, nr, seed)
    arrival = itertools.count()  # breaks ties between leaves: the first one ready runs first
    ready = [(-node._seq, next(arrival), node) for node in dict.fromkeys(node for node, _ in roots)
             if deps.get(node) == 0]
    heapq.heapify(ready)  # the nodes whose gradients are complete, latest-created first
    captured = {}
    grad_mode = state.grad_enabled
    state.grad_enabled = create_graph  # backward formulas record a graph only for create_graph
    try:
        with _cyclic_gc_paused():
            while ready:
                # 3. pop the latest-created ready node and take its gradients
                node = heapq.heappop(ready)[2]
                grads = buffers.pop(node, None)  # None: no gradient reached it (an unused output)
                if grads is not None and (node._tensor_prehooks or node._retained):
                    grads = _tensor_prehooks(node, grads)  # hooks on the tensors it made, retain_grad
                if targets is not None:  # autograd.grad, backward(inputs=...)
                    _capture(node, grads, targets, captured)
                    if node not in runs:
                        continue
                if type(node) is AccumulateGrad:  # 7. a leaf: accumulate into .grad
                    if grads is not None and grads[0] is not None:
                        _leaf_step(node, grads, create_graph)
                    continue
                # 4. the node's backward: one gradient per input (None where there is none)
                grads_in = _call_backward(node, grads) if grads is not None else None
                positions, metas = node._arg_pos, node._input_meta  # per input: which argument, its shape and dtype
                for j, (child, nr) in enumerate(node.next_functions):
                    if child not in deps:  # no gradient goes there (None), or it leads to no target
                        continue
                    grad = grads_in[positions[j]] if grads_in is not None else None
                    if grad is not None:
                        shape, dtype = metas[j]
                        if grad._data.shape != shape or grad._data.dtype != dtype:
                            grad = _to_input(grad, node, j)  # 5. un-broadcast (and back to the input's dtype)
                        _add(buffers, child, nr, grad)  # 6. sum at fan-in
                    waiting = deps[child] - 1  # edges into child still to deliver
                    deps[child] = waiting
                    if waiting == 0:
                        heapq.heappush(ready, (-child._seq, next(arrival), child))
                if not retain_graph:  # 8. free what forward saved
                    node.release()
                grads = grads_in = grad = None  # keep no gradient past its node (see _keeps_without_copy)
    finally:
        state.grad_enabled = grad_mode
    return captured


# ---- 1. planning ----

def _dependencies(roots, targets, capture):
    """How many edges lead into each node to visit (a node runs when all have delivered), and which nodes'
    backward must run (None: all of them)."""
    if targets is None:  # plain backward: every node reachable from the roots runs
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
    return _dependencies_towards(roots, {node for node, _ in targets}, capture)


def _dependencies_towards(roots, target_nodes, capture):
    """_dependencies when only the paths to `target_nodes` matter (autograd.grad, backward(inputs=...))."""
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
    if len(roots) == 1:  # PyTorch starts at a single root even when it leads to no target: its hooks still run
        deps.setdefault(roots[0], 0)
    return deps, runs


def _capture(node, grads, targets, captured):
    """autograd.grad: keep the gradients arriving at the targets' slots of this node."""
    for slot_node, nr in targets:
        if slot_node is node:
            captured[(node, nr)] = grads[nr] if grads is not None else None


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Speed: the pass makes many short-lived objects and no cycles, and on a 100,000-node graph the cyclic
    garbage collector's sweeps would make backward slower than linear."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


# ---- 4. a node's backward, with the hooks and checks around it ----

def _call_backward(node, grads):
    """node's backward on `grads`: one gradient (or None) per forward argument."""
    if not (node._prehooks or node._hooks or observers or anomaly_mode.enabled or node._outputs_meta is not None):
        return node.apply_backward(grads)  # speed: the common case, one output and nothing hooked in
    grads = _node_prehooks(node, grads)
    if node.materialize_grads and any(g is None for g in grads):
        grads = [g if g is not None else zeros_for(meta) for g, meta in zip(grads, node._outputs_meta)]
    if anomaly_mode.enabled:  # checks for nan, and names the forward line of a node that fails
        grads_in = anomaly_mode.checked_backward(node, grads)
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


def _node_prehooks(node, grads):
    for fn in list((node._prehooks or {}).values()):
        result = fn(tuple(grads))
        if result is not None:
            grads = list(result)
    return grads


def _tensor_prehooks(node, grads):
    """Hooks registered on the tensors this node produced (a leaf's: on its AccumulateGrad), then retain_grad."""
    if node._tensor_prehooks:
        grads = list(grads)
        for nr, hooks in node._tensor_prehooks.items():
            if grads[nr] is not None and hooks:
                grads[nr] = _call_tensor_hooks(hooks, grads[nr])
    if node._retained:
        for nr, ref in node._retained.items():
            tensor = ref()
            if tensor is not None and grads[nr] is not None:
                accumulate_retained(tensor, grads[nr], state.grad_enabled)  # (on: create_graph)
    return grads


def _call_tensor_hooks(hooks, grad):
    for fn in list(hooks.values()):
        result = fn(grad)
        if result is not None:
            if result.shape != grad.shape:
                raise RuntimeError(msg.hook_changed_size(getattr(fn, "__name__", "hook")))
            grad = result
    return grad


# ---- 5. and 6.: a gradient back to its input's shape, and the sum at fan-in ----

def unbroadcast(grad, shape):
    """Sum a gradient back to the shape its input had (PyTorch's sum_to).

    Broadcasting stretched the input in forward: it added leading dims, and repeated dims of size 1. Every copy got
    its own share of the gradient, so the shares add up: sum over the leading dims and over the stretched dims
    (keeping those, as size 1), then view the result without the leading dims.
    """
    if not shape:  # a 0-d input: everything adds up
        return grad.sum()
    leading = grad.ndim - len(shape)
    stretched = [leading + i for i, size in enumerate(shape) if size == 1 and grad.shape[leading + i] != 1]
    dims = tuple(range(leading)) + tuple(stretched)
    if dims:
        grad = grad.sum(dim=dims, keepdim=True)
    if not leading:
        return grad
    if grad.requires_grad:  # create_graph: the view is recorded (ViewBackward0), as in PyTorch
        return grad.view(shape)
    return wrap(grad._data.reshape(shape))  # nothing to record: the summed array without its leading dims


def _to_input(grad, node, j):
    """The gradient for node's j-th input, in that input's shape and dtype."""
    shape, dtype = node._input_meta[j]
    if grad._data.shape != shape:
        if not _broadcasts_to(shape, grad._data.shape):
            raise RuntimeError(msg.invalid_gradient(node.name(), node._arg_pos[j], grad._data.shape, shape))
        grad = unbroadcast(grad, shape)
    if grad._data.dtype != dtype:  # an input promoted for the op (float32 + float64) gets a float32 gradient
        grad = grad._cast(dtype)
    return grad


def _broadcasts_to(shape, grad_shape):
    extra = len(grad_shape) - len(shape)
    return extra >= 0 and all(n == 1 or n == grad_shape[extra + i] for i, n in enumerate(shape))


def _add(buffers, node, nr, grad):
    """Fan-in: gradients reaching the same output of a node add up."""
    slots = buffers.get(node)
    if slots is None:  # the first gradient to reach this node
        if node._outputs_meta is None:  # (a node of one output)
            buffers[node] = [grad]
            return
        slots = buffers[node] = [None] * len(node._outputs_meta)
    slots[nr] = grad if slots[nr] is None else slots[nr] + grad


# ---- 7. leaves ----

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


def _accumulate(variable, grad, create_graph):
    """AccumulateGrad: the leaf's .grad becomes grad, or grad is added to it."""
    current = variable._grad
    if current is None:
        variable._grad = _first_grad(grad, variable, create_graph)
    elif create_graph or current._requires_grad:
        variable._grad = current + grad  # a new tensor: the sum is part of a graph
    else:
        current._data += grad._data  # in place, like PyTorch: the same .grad object keeps accumulating
    hooks = variable._post_accumulate_hooks
    if hooks:
        for fn in list(hooks.values()):
            fn(variable)


def _first_grad(grad, variable, create_graph):
    """What a leaf keeps as its first .grad: with create_graph a recorded copy (CopyBackwards, as PyTorch); else the
    gradient itself when nobody else can see it (no copy, as PyTorch steals it), else a copy."""
    if create_graph:
        return CopyBackwards.apply(grad)
    if not _keeps_without_copy(grad, variable):
        return grad._copy_detached()
    return grad if grad._base is None else grad.detach()  # PyTorch keeps a view detached: .grad is no view


def _keeps_without_copy(grad, variable):
    """Whether the leaf may keep `grad` itself as .grad: later accumulation writes into .grad in place, so it must
    not be a tensor (or memory) that anyone else sees -- a `gradient=` argument, a hook's saved value, another leaf's
    gradient, a view. Like PyTorch, count the references: the tensor may be held only by the engine's list of this
    node's gradients and the arguments of _accumulate, _first_grad and this function (4, plus getrefcount's own);
    and it must be laid out like the leaf, so that optimizer arithmetic with .grad stays fast."""
    array = grad._data
    if (grad._requires_grad or not array.flags.writeable or array.strides != variable._data.strides
            or sys.getrefcount(grad) > 5):
        return False
    base = grad._base
    if base is None:  # the array's holders: the tensor, `array`, getrefcount's argument
        return grad._version_counter is None and sys.getrefcount(array) <= 3 and array.flags.owndata
    # a view (e.g. the transpose TBackward0 hands on) of a tensor only it holds: the base's holders are the view's
    # _base, `base`, getrefcount's argument; its array's the base, the view's array, getrefcount's argument
    return (base._base is None and sys.getrefcount(base) <= 3 and sys.getrefcount(base._data) <= 3
            and base._data.flags.owndata)


def _observed_accumulate(node, grad, create_graph):
    def snapshot(t):
        return None if t is None else t.detach().clone()
    before = snapshot(node.variable._grad)
    _accumulate(node.variable, grad, create_graph)
    for observe in leaf_observers:
        observe(node, grad, before, snapshot(node.variable._grad))


def accumulate_retained(tensor, grad, create_graph):
    """retain_grad(): a non-leaf's .grad, a copy (its gradient also flows on through the graph). With create_graph
    the copy and the sum are recorded, as PyTorch's (CloneBackward0, AddBackward0)."""
    current = tensor._grad
    if create_graph:
        tensor._grad = grad.clone() if current is None else current + grad
    else:
        tensor._grad = grad._copy_detached() if current is None else current + grad.detach()

