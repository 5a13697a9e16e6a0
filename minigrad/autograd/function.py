"""Function (the op API learners write in lesson 09) and the backward nodes it records (lesson 02).

Every op in minigrad is a `Function` subclass with static `forward(ctx, *args)` and `backward(ctx, *grad_outputs)`,
and (for forward-mode AD) `jvp(ctx, *tangents)`. `Function.apply` runs forward; when grad mode is on and an input
requires grad, it also records a node: the `ctx` forward saw, which remembers where each input's gradient goes
(`next_functions`) and what forward saved. A built-in op's forward works on numpy arrays and returns one (or a
tuple); apply wraps it in a Tensor.
"""
import functools
import itertools
import warnings

import numpy as np

from .. import _messages as msg
from .._dtype import from_numpy_dtype
from . import forward_ad
from .grad_mode import no_grad, state

_creation_order = itertools.count()  # node ids for deterministic ordering: never id()
ACCUMULATE_PRIORITY = 1 << 62  # every leaf's place in the engine's queue: as soon as it is ready, as in PyTorch


@functools.cache
def tensor_class():
    """minigrad.tensor.Tensor. The one import cycle in minigrad: Function.apply makes Tensors, and Tensor's methods
    apply Functions (minigrad/tensor.py imports this module), so this module looks the class up once, at first use."""
    from ..tensor import Tensor  # cycle: tensor -> ops -> function
    return Tensor


def wrap(array):
    """A numpy array as a new Tensor, without a copy: how a result computed with numpy becomes a tensor."""
    return tensor_class()._make(array)


def is_tensor(value):
    return isinstance(value, tensor_class())


# ---- the nodes of the backward graph ----

class RemovableHandle:
    """Returned by register_hook: `.remove()` unregisters the hook."""

    _ids = itertools.count()

    def __init__(self, hooks):
        self._hooks = hooks
        self.id = next(RemovableHandle._ids)

    def remove(self):
        self._hooks.pop(self.id, None)


def add_hook(hooks, fn):
    handle = RemovableHandle(hooks)
    hooks[handle.id] = fn
    return handle


class Node:
    """A node of the backward graph (a tensor's `grad_fn`)."""

    # what every recorded node sets lives in slots; what few nodes use is a class default, stored in the
    # instance dict only when set (making a node is on the path of every op)
    __slots__ = ("__dict__", "__weakref__", "next_functions", "_seq", "_saved", "needs_input_grad", "_input_meta",
                 "_arg_pos", "_outputs_meta")
    _saved_versions = None
    _saved_outputs = None
    _hooks = None
    _prehooks = None
    _tensor_prehooks = None
    _retained = None
    _non_differentiable = None
    _dirty = None
    materialize_grads = True

    def name(self):
        return type(self).__name__

    @property
    def metadata(self):
        meta = self.__dict__.get("_metadata")
        if meta is None:
            meta = self.__dict__["_metadata"] = {}
        return meta

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) runs after this node's backward; it may return new grad_inputs."""
        if self._hooks is None:
            self._hooks = {}
        return add_hook(self._hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) runs before this node's backward; it may return new grad_outputs."""
        if self._prehooks is None:
            self._prehooks = {}
        return add_hook(self._prehooks, fn)

    def __call__(self, *grad_outputs):
        """Run this node's backward on the given gradients (no engine, no reduction)."""
        grads = self.apply_backward(grad_outputs)
        return tuple(grads[i] for i in self._arg_pos)


class BackwardNode(Node):
    """The node of one `Function.apply` call; it is also the `ctx` its forward and backward receive."""

    __slots__ = ()
    _forward_cls = None

    def __init__(self):
        self._seq = next(_creation_order)
        self._saved = None

    # ---- the ctx API used inside forward/backward ----
    def save_for_backward(self, *tensors):
        """Keep tensors for backward. A built-in op's forward may also save the numpy array it returns: backward
        then gets the output tensor."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, (np.ndarray, np.generic, tensor_class())):
                raise TypeError(msg.save_non_tensor(i, type(t).__name__))
        self._saved = tensors

    @property
    def saved_tensors(self):
        saved = self._saved
        if saved is None:
            return ()
        if saved is _FREED:
            raise RuntimeError(msg.SAVED_FREED)
        if self._saved_versions is not None:
            _check_versions(self)
        if self._saved_outputs is None:
            return saved
        return tuple(self._unpack_output(i) if isinstance(t, _OutputSlot) else t for i, t in enumerate(saved))

    def save_for_forward(self, *tensors):
        self.__dict__["_saved_for_forward"] = tensors  # what ctx.saved_tensors gives inside jvp

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable = tensors

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)

    # ---- used by the engine ----
    def apply_backward(self, grad_outputs):
        """Call the Function's backward; return one gradient (or None) per forward argument."""
        result = self._forward_cls.backward(self, *grad_outputs)
        if not isinstance(result, tuple):
            result = (result,)
        expected = len(self.needs_input_grad)
        if len(result) != expected:
            if len(result) > expected and all(g is None for g in result[expected:]):
                return result[:expected]
            raise RuntimeError(msg.wrong_gradient_count(self.name(), expected, len(result)))
        return result

    def release(self):
        """Free what forward saved (called after backward unless retain_graph)."""
        if self._saved:  # ops that saved nothing can run backward again, as in PyTorch
            self._saved = _FREED
            self._saved_outputs = None

    def _unpack_output(self, index):
        slot = self._saved[index]
        data, counter = self._saved_outputs[slot.output_nr]
        t = wrap(data)
        t._version_counter = counter
        t._grad_fn = self
        t._output_nr = slot.output_nr
        t._requires_grad = True
        return t


class _OutputSlot:
    """Stands in for an output that forward saved; the node keeps its array, not the tensor (no cycle)."""

    __slots__ = ("output_nr",)

    def __init__(self, output_nr):
        self.output_nr = output_nr


class _Freed(tuple):
    pass


_FREED = _Freed()


def _check_versions(node):
    """Each saved tensor must be as it was when saved: its version counter (bumped by every in-place op on it,
    its views included) must still show the value recorded then."""
    for t, version in zip(node._saved, node._saved_versions):
        if t is None:
            continue
        if isinstance(t, _OutputSlot):
            counter = node._saved_outputs[t.output_nr][1]
            current = counter.value if counter is not None else 0
        else:
            current = t._version
        if current != version:
            raise RuntimeError(_version_error(node, t, current, version))


def rebind_saved_output(node, output_nr, tensor):
    """An in-place op computes its output out of place, then writes it into `tensor` (Tensor._write_result): if the
    op saved that output, it now saves `tensor` itself, its memory and version counter (in PyTorch the output is the
    tensor), so that a later in-place change of `tensor` makes backward fail."""
    saved_outputs = node._saved_outputs
    if saved_outputs is None or output_nr not in saved_outputs:
        return
    saved_outputs[output_nr] = (tensor._data, tensor._shared_version_counter())
    node._saved_versions = tuple(tensor._version if isinstance(t, _OutputSlot) and t.output_nr == output_nr else v
                                 for t, v in zip(node._saved, node._saved_versions))
    if tensor._base is not None:  # written through a view: PyTorch's message names the view's new node (AsStrided)
        node.__dict__.setdefault("_saved_view_nodes", {})[output_nr] = tensor._grad_fn.name()


def _version_error(node, t, current, expected):
    if isinstance(t, _OutputSlot):
        data = node._saved_outputs[t.output_nr][0]
        name = node.__dict__.get("_saved_view_nodes", {}).get(t.output_nr) or node.name()
        # an integer output (max's indices) has no gradient, so PyTorch does not count it as the node's
        whose = f", which is output {t.output_nr} of {op_name(name)}," if data.dtype.kind in "fc" else ""
    else:
        if t._promoted_from is not None:  # the op saw the tensor in another dtype (Tensor._promoted): name it
            t = t._promoted_from
        data = t._data
        whose = "" if t.grad_fn is None else f", which is output {t._output_nr} of {op_name(t.grad_fn.name())},"
    desc = f"{_type_name(data.dtype)} [{', '.join(map(str, data.shape))}]"
    return msg.modified_inplace(desc, whose, current, expected)


def op_name(node_name):
    """How PyTorch's messages name the op behind a node: AddBackward0 -> Add, PowBackward1 -> Pow1."""
    if "::" in node_name:  # a C++ node (torch::autograd::CopyBackwards, CopySlices): named whole
        return node_name
    if node_name.endswith("Backward0"):
        return node_name[:-len("Backward0")]
    return node_name.replace("Backward", "")


def _type_name(np_dtype):
    return from_numpy_dtype(np_dtype)._legacy_name  # torch.FloatTensor, ..., but CPUBoolType for bool


def next_seq():
    """A new node's place in creation order (the engine runs ready nodes latest-created first)."""
    return next(_creation_order)


class AccumulateGrad(Node):
    """The node at a leaf that requires grad: adds the incoming gradient into `variable.grad`."""

    __slots__ = ("variable", "_created")
    __module__ = "builtins"  # prints as <AccumulateGrad object at 0x...>, like PyTorch's C++ node

    def __init__(self, variable):
        self._seq = ACCUMULATE_PRIORITY  # all leaves share one priority, above every other node
        self._created = next(_creation_order)
        self.variable = variable
        self.next_functions = ()
        self._saved = None
        self._outputs_meta = None

    @property
    def _tensor_prehooks(self):  # a leaf's tensor hooks run at its AccumulateGrad
        hooks = self.variable._hooks
        return {0: hooks} if hooks else None

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def release(self):
        pass


# ---- Function ----

class Function:
    """Base class of differentiable operations: subclass it and write static forward and backward.

    forward(ctx, *args) computes the result (grad mode is off inside) and may call
    `ctx.save_for_backward(*tensors)`; backward(ctx, *grad_outputs) returns one gradient per
    forward argument (None where there is none). Call it as `MyFunction.apply(*args)`.
    """

    node_name = None  # the name of this op's node: built-in ops give PyTorch's ("SinBackward0"), yours "<Name>Backward"
    is_view = False  # built-in view ops (reshape, transpose, ...) set this: output shares the input's memory
    number_inputs = False  # built-in arithmetic sets this: Python numbers count as inputs without gradient
    # positions of tensor arguments that are never differentiated (where's condition, masked_fill's mask,
    # nll_loss's target): PyTorch's node has no edge for them (next_functions lists the differentiable inputs)
    constant_inputs = ()

    def __init_subclass__(cls, **kwargs):
        """Each Function gets its own class of backward nodes, named after node_name."""
        super().__init_subclass__(**kwargs)
        cls._builtin = cls.node_name is not None  # built-in ops take the no-node fast path when nothing is recorded
        cls._node_cls = _node_class(cls)

    def __init__(self, *args, **kwargs):
        warnings.warn(msg.function_instantiated(type(self)), DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError(msg.LEGACY_FUNCTION_CALL)

    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError(msg.NO_FORWARD)

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(msg.NO_BACKWARD)

    @staticmethod
    def jvp(ctx, *tangents):
        raise NotImplementedError(msg.NO_JVP)

    @classmethod
    def apply(cls, *args):
        """Run forward with grad mode off; if an input requires grad, connect the outputs to a new node."""
        Tensor = tensor_class()  # noqa: N806 - the class, under its own name
        record = False
        if state.grad_enabled:
            for a in args:  # a view requires grad when its base does (a stale view gets its node now)
                if isinstance(a, Tensor) and (a._requires_grad or a._base is not None and a._view_requires_grad()):
                    record = True
                    break
        dual = forward_ad.current_level >= 0 and _any_tangent(args)
        if not (record or dual or forward_observers) and cls._builtin:
            return _apply_untracked(cls, args, Tensor)  # nothing to record or watch: no node at all
        ctx = cls._node_cls()
        ctx.needs_input_grad = _needs_input_grad(args, record, dual)
        grad_mode, state.grad_enabled = state.grad_enabled, False  # forward's own ops record nothing
        try:
            result = cls.forward(ctx, *args)
        finally:
            state.grad_enabled = grad_mode
        several = type(result) is tuple
        if type(result) is np.ndarray and not cls.is_view:  # the common case: one new array from a built-in op
            outputs = (Tensor._make(result),)
        else:
            outputs = tuple([_as_output(r, args, ctx) for r in (result if several else (result,))])
        if ctx._dirty:
            _check_dirty(ctx)
        if cls.is_view:
            _share_memory_state(cls, args, outputs, several)
        if record:
            _connect(ctx, args, outputs)
        if ctx._saved and (record or dual):
            _pack_saved(ctx, outputs, result if several else (result,), record)
        if dual:
            _push_tangents(cls, ctx, args, outputs)
        for observe in forward_observers:
            observe(cls, ctx if record else None, args, outputs)
        return outputs if several else outputs[0]


def _needs_input_grad(args, record, dual):
    """ctx.needs_input_grad: which arguments get a gradient from backward (when recorded: the inputs that require
    grad). Under forward AD the inputs with a tangent count too, as a jvp may need what backward needs."""
    tensor_type = tensor_class()
    if dual:
        return tuple([isinstance(a, tensor_type) and (record and a._requires_grad or a._tangent is not None)
                      for a in args])
    return tuple([isinstance(a, tensor_type) and a._requires_grad for a in args]) if record else (False,) * len(args)


def _any_tangent(args):
    tensor_type = tensor_class()
    return any(isinstance(a, tensor_type) and a._tangent is not None for a in args)


def _node_class(cls):
    """The class of cls's backward nodes. Built-in nodes print like PyTorch's C++ ones (<MulBackward0 object at
    ...>); a node named like "torch::autograd::CopySlices" is the class CopySlices whose name() is the whole."""
    node_name = cls.node_name or cls.__name__ + "Backward"
    attrs = {"__slots__": (), "_forward_cls": cls, "number_inputs": cls.number_inputs,
             "constant_inputs": cls.constant_inputs,
             "__module__": "builtins" if cls.node_name else "torch.autograd.function"}
    if "::" in node_name:
        attrs["name"] = lambda self, full=node_name: full
        node_name = node_name.rsplit("::", 1)[1]
    return type(node_name, (BackwardNode,), attrs)


def once_differentiable(backward):
    """Decorator for a backward that is not itself differentiable: its gradients carry no graph."""
    @functools.wraps(backward)
    def wrapper(ctx, *grad_outputs):
        with no_grad():
            return backward(ctx, *(g.detach() if g is not None else None for g in grad_outputs))
    return wrapper


def zeros_for(meta):
    """A zero gradient for an output nobody used (PyTorch materializes these)."""
    shape, dtype = meta
    return wrap(np.zeros(shape, dtype))


forward_observers = []  # callables(function_cls, node, args, outputs): see autograd.graph.record_forward


class _UntrackedContext:
    """The ctx of a built-in op when no graph is recorded (no_grad, or no input requires grad): a single
    shared object whose save_for_backward keeps nothing, so the fast path makes no node at all."""

    needs_input_grad = (False,) * 16
    _dirty = None

    def save_for_backward(self, *tensors):
        pass

    def mark_non_differentiable(self, *tensors):
        pass


_UNTRACKED = _UntrackedContext()


def _apply_untracked(cls, args, Tensor):  # noqa: N803 - the class, under its own name
    """apply's fast path, for a built-in op when nothing is recorded or watched (under no_grad, and every op inside
    a backward formula): forward with a shared ctx that keeps nothing, then the result wrapped; no node."""
    result = cls.forward(_UNTRACKED, *args)
    if type(result) is np.ndarray and not cls.is_view:  # the common case: one new array
        return Tensor._make(result)
    several = type(result) is tuple
    outputs = tuple([Tensor._make(r) for r in result]) if several else (Tensor._make(result),)
    if cls.is_view:
        _share_memory_state(cls, args, outputs, several)
    return outputs if several else outputs[0]


def _as_output(value, args, ctx):
    """One result of forward as an output tensor: an array wrapped; a tensor itself (a custom Function's), except
    that an input returned as it is becomes a new tensor object, as in PyTorch."""
    if isinstance(value, (np.ndarray, np.generic)):  # 0-d numpy results come back as scalars
        return wrap(value)
    if not isinstance(value, tensor_class()):
        return value
    if ctx._dirty and any(value is d for d in ctx._dirty):
        value._bump_version()
        return value
    if any(value is a for a in args):
        return value._alias()
    return value


def _check_dirty(ctx):
    for t in ctx._dirty:
        if t._grad_fn is None and t._requires_grad and state.grad_enabled:
            raise RuntimeError(msg.LEAF_DIRTY)


def _connect(ctx, args, outputs):
    """Record where each input's gradient goes (next_functions) and make the outputs this node's."""
    tensor_type = tensor_class()
    edges, positions, metas = [], [], []  # per input: its edge, which argument it is, its gradient's shape and dtype
    constants = ctx.constant_inputs
    for i, a in enumerate(args):
        if isinstance(a, tensor_type) and i not in constants:
            edges.append(a._edge() if a._requires_grad else _NO_EDGE)  # (grad_fn, output nr), or AccumulateGrad
            positions.append(i)
            metas.append(_gradient_meta(a))
        elif ctx.number_inputs and isinstance(a, (int, float)) and (ctx.number_inputs is True or i < ctx.number_inputs):
            edges.append(_NO_EDGE)  # `x * 2` lists the 2 as an input that gets no gradient, as PyTorch does
            positions.append(i)
            metas.append(None)
    ctx.next_functions, ctx._arg_pos, ctx._input_meta = tuple(edges), tuple(positions), tuple(metas)
    non_diff = ctx._non_differentiable
    for nr, out in enumerate(outputs):  # floating-point outputs only (integers have no gradient)
        if isinstance(out, tensor_type) and out._data.dtype.kind == "f" and not (non_diff and _among(out, non_diff)):
            out._grad_fn, out._output_nr, out._requires_grad = ctx, nr, True  # this node made it
    ctx._outputs_meta = tuple([(o._data.shape, o._data.dtype) for o in outputs]) if len(outputs) > 1 else None


def _gradient_meta(a):
    """The shape and dtype input a's gradient must have: a's own (unbroadcast sums the gradient back to a's shape;
    a tensor promoted for the op, float32 + float64, gets a float32 gradient)."""
    source = a if a._promoted_from is None else a._promoted_from
    return a._data.shape, source._data.dtype


_NO_EDGE = (None, 0)


def _among(output, marked):
    """Whether `output` is one of the `marked` tensors (or, from a built-in op, arrays)."""
    return any(output is m or output._data is m for m in marked)


def attach_node(cls, args, **attributes):
    """A node of `cls` connected to `args` as if cls.apply(*args) had run, but without running forward: PyTorch
    makes a view's AsStridedBackward0 this way, for a tensor that exists already."""
    ctx = cls._node_cls()
    ctx.needs_input_grad = tuple([is_tensor(a) and a._requires_grad for a in args])
    for name, value in attributes.items():
        setattr(ctx, name, value)
    _connect(ctx, args, ())
    return ctx


def _pack_saved(ctx, outputs, results, record):
    """What forward saved, made safe to keep: a saved output is kept as its array (the output tensor points at this
    node; keeping the tensor would make a cycle), and each saved tensor's version is noted for _check_versions.
    `results`: what forward returned (a built-in op saves its output as the array it returns)."""
    saved = ctx._saved
    if all(t is None for t in saved):  # e.g. `x * 2`: nothing to check later, but still freed after backward
        return
    packed, versions = list(saved), []
    for i, t in enumerate(saved):
        if t is None:
            versions.append(0)
            continue
        array = not isinstance(t, tensor_class())
        for nr, out in enumerate(outputs):
            if out is t or array and results[nr] is t:  # an output (or the array a built-in forward returned)
                if record:  # keep its array and version counter: the output tensor itself points at this node
                    if ctx._saved_outputs is None:
                        ctx._saved_outputs = {}
                    ctx._saved_outputs[nr] = (out._data, out._shared_version_counter())
                    packed[i] = _OutputSlot(nr)
                else:  # no node in the graph (forward AD only): the output itself is safe to keep
                    packed[i] = out
                versions.append(out._version)
                break
        else:
            if array:
                raise TypeError(msg.save_non_tensor(i, "numpy.ndarray"))
            if t._inference and record:
                raise RuntimeError(msg.INFERENCE_SAVE)
            versions.append(t._version)
    ctx._saved = tuple(packed)
    ctx._saved_versions = tuple(versions)


# ---- views: an output that shares its input's memory ----

def _share_memory_state(cls, args, outputs, several):
    """A view shares its input's memory, so it shares its version counter and its base (the tensor that owns
    the memory) too. It also remembers how to remake itself from that base (the view ops from the base to it,
    replayed when an in-place op writes through it) and how it was made: PyTorch forbids in-place changes to
    views made under no_grad or by an op that returns several views, once autograd is involved."""
    source = args[0]
    counter = source._shared_version_counter()
    if source._base is None:
        base, steps, creation = source, (), None
    else:
        base, steps, creation = source._base, source._view_fn, source._view_creation
    if creation is None:  # a view of such a view keeps its parent's kind
        creation = (VIEW_IN_INFERENCE if state.inference else VIEW_IN_NO_GRAD if not state.grad_enabled
                    else VIEW_OF_SEVERAL if several else None)
    version = counter.value
    for i, out in enumerate(outputs):
        out._version_counter, out._base, out._view_version, out._view_creation = counter, base, version, creation
        # only an ordinary view can be written through in place (or remade) with autograd, so only it needs the
        # replay; the views made inside backward formulas (under no_grad) skip building it
        out._view_fn = steps + ((cls, args[1:], i if several else None),) if creation is None else None
    if creation is VIEW_IN_INFERENCE and not source._inference:
        for out in outputs:
            del out._inference  # a view of a normal tensor is a normal tensor, even in inference mode


VIEW_IN_NO_GRAD, VIEW_IN_INFERENCE, VIEW_OF_SEVERAL = "no_grad", "inference", "several"  # as torch's CreationMeta


# ---- forward-mode AD: the outputs' tangents, from the op's jvp (see forward_ad.py) ----

def auto_element_wise(ctx, *tangents):
    """The jvp of an element-wise op, read off its backward (PyTorch's `auto_element_wise`): each input's block of
    the Jacobian is diagonal, so backward applied to that input's tangent gives its part of J·t."""
    total, shape = None, ctx.output.shape
    for i, t in enumerate(tangents):
        if t is None:
            continue
        part = ctx.backward(t if t.shape == shape else t.expand(shape))[i]  # (backward takes g of the output's shape)
        if part is not None:
            total = part if total is None else total + part
    return total


def auto_linear(ctx, *tangents):
    """The jvp of an op linear in its tensor inputs (PyTorch's `auto_linear`): the op itself, applied to the
    tangents in their places."""
    return ctx.op.apply(*[t if is_tensor(a) else a for a, t in zip(ctx.inputs, tangents)])


class JvpContext:
    """The ctx a jvp receives: forward's ctx (attributes, saved_tensors) plus the op's inputs and output. For a
    custom Function, saved_tensors are the tensors given to ctx.save_for_forward."""

    def __init__(self, ctx, cls, inputs, outputs):
        self.__dict__.update(_ctx=ctx, op=cls, inputs=inputs, outputs=outputs)

    def __getattr__(self, name):
        return getattr(self._ctx, name)

    def __setattr__(self, name, value):
        setattr(self._ctx, name, value)

    @property
    def output(self):
        return self.outputs[0]

    @property
    def saved_tensors(self):
        saved = self._ctx.__dict__.get("_saved_for_forward")
        return saved if saved is not None else self._ctx.saved_tensors

    def backward(self, *grads):
        """The op's backward on these gradients: one gradient (or None) per input."""
        result = self.op.backward(self, *grads)
        return result if isinstance(result, tuple) else (result,)


def _push_tangents(cls, ctx, args, outputs):
    """Forward-mode AD: each output's tangent J·t, from the op's jvp and its inputs' tangents."""
    Tensor = tensor_class()  # noqa: N806 - the class, under its own name
    # an input without a tangent has tangent zero; a non-tensor argument has none
    tangents = tuple((a._tangent if a._tangent is not None else _zero_tangent(a)) if isinstance(a, Tensor) else None
                     for a in args)
    with forward_ad.paused():  # the rule's own ops compute no tangents of their own, and record no graph
        result = cls.jvp(JvpContext(ctx, cls, args, outputs), *tangents)
    if not isinstance(result, tuple):
        result = (result,)
    non_diff = ctx._non_differentiable or ()
    for out, tangent in zip(outputs, result):
        if tangent is None or not isinstance(out, Tensor) or out._data.dtype.kind != "f":
            continue
        if _among(out, non_diff):
            continue
        if not isinstance(tangent, Tensor):
            tangent = wrap(np.asarray(tangent, dtype=out._data.dtype))
        if tangent.shape != out.shape:
            tangent = wrap(np.broadcast_to(tangent._data, out.shape).copy())
        forward_ad.set_tangent(out, tangent)


def _zero_tangent(t):
    return wrap(np.zeros(t._data.shape, t._data.dtype if t._data.dtype.kind == "f" else np.float32))


__all__ = ["Function", "Node", "BackwardNode", "AccumulateGrad", "once_differentiable", "RemovableHandle",
           "state", "auto_element_wise", "auto_linear"]
