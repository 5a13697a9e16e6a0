"""Looking at the graph: walk it, and record the forward ops and backward steps as they really happen.

Teaching tools (graph drawings, the step-through widget) are built on these records; they never
recompute a gradient themselves.

    graph = walk(loss)                       # nodes in creation order, edges, leaves
    with record_forward() as fwd:            # every op applied while recording: node, inputs, outputs
        y = x ** 2 + 3 * x
    with record_backward() as bwd:           # every step the engine takes: node, grads in and out
        y.backward()
"""
from collections import namedtuple
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from .._printing import format_tensor
from . import engine, function
from .function import ACCUMULATE_PRIORITY, AccumulateGrad, Node

__all__ = ["Node", "GradientEdge", "get_gradient_edge", "walk", "Graph", "creation_index", "saved_tensors",
           "record_forward", "record_backward", "ForwardOp", "BackwardStep", "value_text"]

GradientEdge = namedtuple("GradientEdge", ["node", "output_nr"])  # as torch.autograd.graph.GradientEdge


def get_gradient_edge(tensor):
    """Where `tensor`'s gradient goes, as PyTorch's function of that name: its grad_fn and which of that node's
    outputs it is, or for a leaf that requires grad its AccumulateGrad (output 0)."""
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not require gradients")
    return GradientEdge(*tensor._edge())


def value_text(values):
    """Numbers as PyTorch prints them inside `tensor(...)`: 7., [36., 81.] (for labels in drawings)."""
    return format_tensor(np.asarray(values), prefix="")[:-1]


def creation_index(node):
    """A node's position in creation order (AccumulateGrad nodes are made when their leaf is first used; they and
    NotImplemented nodes carry a priority on top)."""
    return node._created if node._seq == ACCUMULATE_PRIORITY else node._seq


@dataclass
class Graph:
    nodes: list  # every node reachable from the outputs, in creation order
    edges: list  # (node, input_node, input_index, output_nr): gradient flows from node to input_node
    roots: list  # the outputs' nodes

    @property
    def leaves(self):
        return [n.variable for n in self.nodes if isinstance(n, AccumulateGrad)]


def walk(*outputs):
    """The backward graph behind `outputs` (tensors), found with an explicit stack (no recursion)."""
    roots = [get_gradient_edge(t).node for t in outputs if t.requires_grad]
    seen, stack, edges = set(), list(roots), []
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for index, (child, nr) in enumerate(node.next_functions):
            if child is not None:
                edges.append((node, child, index, nr))
                stack.append(child)
    nodes = sorted(seen, key=creation_index)
    edges.sort(key=lambda e: (creation_index(e[0]), e[2]))
    return Graph(nodes, edges, roots)


def saved_tensors(node):
    """What a node saved for backward, without the version check (empty once the graph was freed)."""
    saved = getattr(node, "_saved", None)
    if not saved or saved is function._FREED:
        return ()
    return tuple(node._unpack_output(i) if isinstance(t, function._OutputSlot) else t for i, t in enumerate(saved))


@dataclass
class ForwardOp:
    index: int
    node: object  # the grad_fn of the outputs (None when nothing required grad)
    name: str  # the node's name, e.g. "MulBackward0"; the Function's class name when no node was made
    inputs: tuple  # the Function's arguments (tensors, numbers, ...)
    outputs: tuple  # the tensors it returned
    edge_inputs: tuple = ()  # the argument behind each entry of node.next_functions, in that order


@dataclass
class ForwardTrace:
    ops: list = field(default_factory=list)


@dataclass
class BackwardStep:
    index: int
    node: object
    name: str
    grad_outputs: tuple  # gradients arriving at the node (one per output of its op)
    grad_inputs: tuple  # gradients it sends on, one per entry of node.next_functions (None where none)
    leaf: object = None  # for AccumulateGrad: the leaf tensor
    leaf_grad_before: object = None
    leaf_grad_after: object = None
    local: tuple = None  # with record_backward(local=True): the node's backward applied to ones (one per input)


@dataclass
class BackwardTrace:
    steps: list = field(default_factory=list)


@contextmanager
def record_forward():
    """Record every op applied inside the block, in execution order."""
    trace = ForwardTrace()

    def observe(cls, node, args, outputs):
        name = node.name() if node is not None else cls.__name__
        edge_inputs = () if node is None else tuple(args[i] for i in node._arg_pos)
        trace.ops.append(ForwardOp(len(trace.ops), node, name, tuple(args), tuple(outputs), edge_inputs))

    function.forward_observers.append(observe)
    try:
        yield trace
    finally:
        function.forward_observers.remove(observe)


@contextmanager
def record_backward(local=False):
    """Record every step the engine takes inside the block: node, incoming and outgoing gradients.

    local=True also records each node's local derivative: its own backward applied to a gradient of
    ones, taken while the engine runs (before the graph's saved tensors are freed).
    """
    trace = BackwardTrace()

    def observe(node, grad_outputs, grad_inputs):
        step = BackwardStep(len(trace.steps), node, node.name(), _detached(grad_outputs), _detached(grad_inputs))
        if local:
            step.local = _detached(node(*(_ones_like(g) for g in grad_outputs)))
        trace.steps.append(step)

    def observe_leaf(node, grad, before, after):
        trace.steps.append(BackwardStep(len(trace.steps), node, node.name(), _detached((grad,)), (),
                                        node.variable, before, after))

    engine.observers.append(observe)
    engine.leaf_observers.append(observe_leaf)
    try:
        yield trace
    finally:
        engine.observers.remove(observe)
        engine.leaf_observers.remove(observe_leaf)


def _ones_like(grad):
    return function.wrap(np.ones_like(grad._data))


def _detached(grads):
    return tuple(g.detach().clone() if g is not None else None for g in grads)
