"""Function (the op API learners write in lesson 09) and the backward nodes it creates.

Every op in minigrad is a `Function` subclass with static `forward(ctx, *args)` and
`backward(ctx, *grad_outputs)`. `Function.apply` runs forward with grad mode off and, when some
input requires grad, returns outputs whose `grad_fn` is a new node: the `ctx` that forward saw.
The node remembers where each input's gradient goes (`next_functions`) and what forward saved.
"""
import itertools

import numpy as np

from .grad_mode import state

_creation_order = itertools.count()  # node ids for deterministic ordering: never id()
ACCUMULATE_PRIORITY = 1 << 62  # leaves accumulate as soon as they are ready, as in PyTorch

SAVED_FREED_ERROR = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they "
    "have already been freed). Saved intermediate values of the graph are freed when you call .backward() "
    "or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second "
    "time or if you need to access saved tensors after calling backward.")


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
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} is of type "
                                f"{type(t).__name__}")
        self._saved = tensors

    @property
    def saved_tensors(self):
        saved = self._saved
        if saved is None:
            return ()
        if saved is _FREED:
            raise RuntimeError(SAVED_FREED_ERROR)
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
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients "
                               f"(expected {expected}, got {len(result)})")
        return result

    def release(self):
        """Free what forward saved (called after backward unless retain_graph)."""
        if self._saved:  # ops that saved nothing can run backward again, as in PyTorch
            self._saved = _FREED
            self._saved_outputs = None

    def _unpack_output(self, index):
        slot = self._saved[index]
        data, counter = self._saved_outputs[slot.output_nr]
        t = Tensor._make(data)
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


def _version_error(node, t, current, expected):
    if isinstance(t, _OutputSlot):
        data = node._saved_outputs[t.output_nr][0]
        desc = f"{_type_name(data.dtype)} [{', '.join(map(str, data.shape))}]]"
        where = f", which is output {t.output_nr} of {op_name(node.name())},"
    else:
        if t._promoted_from is not None:  # the op saw the tensor in another dtype (Tensor._promoted): name it
            t = t._promoted_from
        desc = f"{_type_name(t._data.dtype)} [{', '.join(map(str, t.shape))}]]"
        where = "" if t.grad_fn is None else f", which is output {t._output_nr} of {op_name(t.grad_fn.name())},"
    return (f"one of the variables needed for gradient computation has been modified by an inplace "
            f"operation: [{desc}{where} is at version {current}; expected version {expected} instead. Hint: "
            f"enable anomaly detection to find the operation that failed to compute its gradient, with "
            f"torch.autograd.set_detect_anomaly(True, check_nan=False).")


def op_name(node_name):
    """How PyTorch's messages name the op behind a node: AddBackward0 -> Add, PowBackward1 -> Pow1."""
    if "::" in node_name:  # a C++ node (torch::autograd::CopyBackwards, CopySlices): named whole
        return node_name
    if node_name.endswith("Backward0"):
        return node_name[:-len("Backward0")]
    return node_name.replace("Backward", "")


def _type_name(np_dtype):
    from .._dtype import from_numpy_dtype
    return from_numpy_dtype(np_dtype)._legacy_name  # torch.FloatTensor, ..., but CPUBoolType for bool


def next_seq():
    """A new node's place in creation order (the engine runs ready nodes latest-created first)."""
    return next(_creation_order)


class AccumulateGrad(Node):
    """The node at a leaf that requires grad: adds the incoming gradient into `variable.grad`."""

    __slots__ = ("variable",)
    __module__ = "builtins"  # prints as <AccumulateGrad object at 0x...>, like PyTorch's C++ node

    def __init__(self, variable):
        self._seq = ACCUMULATE_PRIORITY + next(_creation_order)
        self.variable = variable
        self.next_functions = ()
        self._saved = None
        self._outputs_meta = None

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def release(self):
        pass


class FunctionMeta(type):
    """Gives every Function subclass its own backward-node class, named as PyTorch names it."""

    def __init__(cls, name, bases, namespace):
        super().__init__(name, bases, namespace)
        builtin = "node_name" in namespace
        node_name = namespace["node_name"] if builtin else name + "Backward"
        # built-in nodes print like PyTorch's C++ ones: <MulBackward0 object at 0x...>
        module = "builtins" if builtin else "torch.autograd.function"
        cls._builtin = builtin  # built-in ops may take the no-node fast path when nothing is recorded
        attrs = {"__slots__": (), "_forward_cls": cls, "__module__": module,
                 "number_inputs": getattr(cls, "number_inputs", False)}
        if "::" in node_name:  # torch's C++ nodes: class CopySlices, name() 'torch::autograd::CopySlices'
            attrs["name"] = lambda self, full=node_name: full
            node_name = node_name.rsplit("::", 1)[1]
        cls._node_cls = type(node_name, (BackwardNode,), attrs)


class Function(metaclass=FunctionMeta):
    """Base class of differentiable operations: subclass it and write static forward and backward.

    forward(ctx, *args) computes the result (grad mode is off inside) and may call
    `ctx.save_for_backward(*tensors)`; backward(ctx, *grad_outputs) returns one gradient per
    forward argument (None where there is none). Call it as `MyFunction.apply(*args)`.
    """

    is_view = False  # built-in view ops (reshape, transpose, ...) set this: output shares the input's memory
    number_inputs = False  # built-in arithmetic sets this: Python numbers count as inputs without gradient

    def __init__(self, *args, **kwargs):
        import warnings
        warnings.warn(f"{type(self)} should not be instantiated. Methods on autograd functions are all static, "
                      "so you should invoke them on the class itself. Instantiating an autograd function will "
                      "raise an error in a future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args):
        """Run forward with grad mode off; if an input requires grad, connect the outputs to a new node."""
        grad_on = state.grad_enabled
        record = False
        if grad_on:
            for a in args:
                if isinstance(a, Tensor) and (a._requires_grad or a._base is not None and a._view_requires_grad()):
                    record = True
                    break
        if not record and cls._builtin:
            return _apply_untracked(cls, args)
        ctx = cls._node_cls()
        ctx.needs_input_grad = tuple([isinstance(a, Tensor) and a._requires_grad for a in args]) if record \
            else (False,) * len(args)
        state.grad_enabled = False
        try:
            result = cls.forward(ctx, *args)
        finally:
            state.grad_enabled = grad_on
        if type(result) is np.ndarray and not cls.is_view:  # the common case: one new array from a built-in op
            outputs = (Tensor._make(result),)
        else:
            outputs = tuple([_as_output(o, args, ctx) for o in (result if type(result) is tuple else (result,))])
        if ctx._dirty:
            _check_dirty(ctx)
        if cls.is_view:
            _share_memory_state(cls, args, outputs, type(result) is tuple)
        if record:
            _connect(ctx, args, outputs)
        if forward_grad_hook is not None:  # a forward-AD dual level is active: give outputs their tangents
            forward_grad_hook(cls, ctx, args, outputs)
        for observe in forward_observers:
            observe(cls, ctx if record else None, args, outputs)
        return outputs if type(result) is tuple else outputs[0]


def once_differentiable(backward):
    """Decorator for a backward that is not itself differentiable: its gradients carry no graph."""
    import functools

    from .grad_mode import no_grad

    @functools.wraps(backward)
    def wrapper(ctx, *grad_outputs):
        with no_grad():
            return backward(ctx, *(g.detach() if g is not None else None for g in grad_outputs))
    return wrapper


def zeros_for(meta):
    """A zero gradient for an output nobody used (PyTorch materializes these)."""
    shape, dtype = meta
    return Tensor._make(np.zeros(shape, dtype))


forward_observers = []  # callables(function_cls, node, args, outputs): see autograd.graph.record_forward
forward_grad_hook = None  # set by autograd.forward_ad while a dual level is active
Tensor = None  # set by minigrad.tensor once the class exists (the two modules need each other)
autograd_backward = None  # minigrad.autograd.backward, set by that package: Tensor.backward calls it


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


def _apply_untracked(cls, args):
    """Built-in ops with no graph to record: run forward and wrap the arrays, nothing else."""
    result = cls.forward(_UNTRACKED, *args)
    if type(result) is np.ndarray and not cls.is_view and forward_grad_hook is None and not forward_observers:
        return Tensor._make(result)  # the common case, e.g. every op inside a backward formula
    if type(result) is tuple:
        outputs = tuple([o if isinstance(o, Tensor) else Tensor._make(o) for o in result])
    else:
        outputs = (result if isinstance(result, Tensor) else Tensor._make(result),)
    if cls.is_view:
        _share_memory_state(cls, args, outputs, type(result) is tuple)
    if forward_grad_hook is not None:
        forward_grad_hook(cls, _UNTRACKED, args, outputs)
    for observe in forward_observers:
        observe(cls, None, args, outputs)
    return outputs if type(result) is tuple else outputs[0]


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


def _as_output(value, args, ctx):
    if isinstance(value, (np.ndarray, np.generic)):  # 0-d numpy results come back as scalars
        return Tensor._make(value)
    if not isinstance(value, Tensor):
        return value
    if ctx._dirty and any(value is d for d in ctx._dirty):
        value._bump_version()
        return value
    if any(value is a for a in args):  # `return x` gives a new tensor object, as in PyTorch
        return value._alias()
    return value


def attach_node(cls, args, **attributes):
    """A node of `cls` connected to `args` as if cls.apply(*args) had run, but without running forward: PyTorch
    makes a view's AsStridedBackward0 this way, for a tensor that exists already."""
    ctx = cls._node_cls()
    ctx.needs_input_grad = tuple([isinstance(a, Tensor) and a._requires_grad for a in args])
    for name, value in attributes.items():
        setattr(ctx, name, value)
    _connect(ctx, args, ())
    return ctx


def _check_dirty(ctx):
    for t in ctx._dirty:
        if t._grad_fn is None and t._requires_grad and state.grad_enabled:
            raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")


def _connect(ctx, args, outputs):
    """Record where each input's gradient goes (next_functions) and make the outputs this node's."""
    positions, edges, metas = [], [], []
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            positions.append(i)
            edges.append(a._edge() if a._requires_grad else _NO_EDGE)
            # for unbroadcast and the dtype of the gradient (of a tensor promoted for the op: its own dtype)
            metas.append((a._data.shape, a._data.dtype if a._promoted_from is None else a._promoted_from._data.dtype))
        elif ctx.number_inputs and isinstance(a, (int, float)) and (ctx.number_inputs is True or i < ctx.number_inputs):
            # `x * 2` lists the 2 as (None, 0); number_inputs = n: only the first n arguments are inputs
            positions.append(i)
            edges.append(_NO_EDGE)
            metas.append(None)
    ctx._arg_pos, ctx.next_functions, ctx._input_meta = tuple(positions), tuple(edges), tuple(metas)
    non_diff = ctx._non_differentiable or ()
    for nr, out in enumerate(outputs):
        if isinstance(out, Tensor) and out._data.dtype.kind == "f" and not any(out is n for n in non_diff):
            out._grad_fn = ctx
            out._output_nr = nr
            out._requires_grad = True
    ctx._outputs_meta = tuple([(o._data.shape, o._data.dtype) for o in outputs]) if len(outputs) > 1 else None
    if ctx._saved:
        _pack_saved(ctx, ctx._saved, outputs)


_NO_EDGE = (None, 0)


def _pack_saved(ctx, saved, outputs):
    if all(t is None for t in saved):  # e.g. `x * 2`: nothing to check later, but still freed after backward
        return
    packed, versions = list(saved), []
    for i, t in enumerate(saved):
        if t is None:
            versions.append(0)
            continue
        if t._inference:
            raise RuntimeError(INFERENCE_SAVE_ERROR)
        for nr, out in enumerate(outputs):
            if t is out:  # keep the output's array, not the tensor: the tensor points at this node
                if ctx._saved_outputs is None:
                    ctx._saved_outputs = {}
                ctx._saved_outputs[nr] = (out._data, out._shared_version_counter())
                packed[i] = _OutputSlot(nr)
                break
        versions.append(t._version)
    ctx._saved = tuple(packed)
    ctx._saved_versions = tuple(versions)


INFERENCE_SAVE_ERROR = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in "
    "computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use "
    "it in autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`.")


__all__ = ["Function", "Node", "BackwardNode", "AccumulateGrad", "once_differentiable", "RemovableHandle",
           "state"]
