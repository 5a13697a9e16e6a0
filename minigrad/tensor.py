"""Tensor: one numpy array plus what autograd needs to know about it.

Attributes as in PyTorch: `data`, `grad`, `requires_grad`, `grad_fn` (the node that made it, None for
leaves), `is_leaf`, `shape`, `dtype`, `device`. The math methods (operators, exp, sum, reshape, ...) are
in minigrad/tensor_math.py, each a one-liner that applies an op from minigrad/ops.
"""
import warnings
import weakref

import numpy as np

from . import _dtype, _random, _warn
from . import _messages as msg
from ._printing import dtype_suffix, format_tensor
from .autograd import backward as autograd_backward
from .autograd import forward_ad, views
from .autograd.function import AccumulateGrad, add_hook, rebind_saved_output
from .autograd.grad_mode import state
from .ops import misc
from .ops import shape as sh
from .tensor_math import TensorMath, _as_tensor, _from_data


class _VersionCounter:
    """How many in-place changes a tensor's memory has seen; shared by views and detach()."""

    __slots__ = ("value",)

    def __init__(self):
        self.value = 0


class Tensor(TensorMath):
    # _view_fn, _view_version and _view_creation are set on views only (tensors whose _base is not None)
    __slots__ = ("_data", "_requires_grad", "_grad_fn", "_output_nr", "_grad", "_version_counter", "_base",
                 "_view_fn", "_view_version", "_view_creation", "__dict__", "__weakref__")
    __array_ufunc__ = None  # numpy hands `np.float64(2) * t` over to Tensor.__rmul__
    # rarely set, so they live in the instance dict only when used; these are the defaults
    _hooks = None
    _post_accumulate_hooks = None
    _retains_grad = False
    _accumulator = None
    _inference = False
    _tangent = None
    _leaf_of = None  # on an alias of a leaf (see _alias): the leaf, whose AccumulateGrad it uses
    _promoted_from = None  # on a tensor made by _promoted: the tensor it stands for

    def __init__(self, *args):
        """`Tensor([1, 2])` makes a float32 tensor from data; `Tensor(2, 3)` a (2, 3) tensor of zeros."""
        if len(args) == 1 and not isinstance(args[0], int):
            array = np.asarray(_from_data(args[0]), dtype=np.float32)
        else:
            array = np.zeros(args, dtype=np.float32)
        self._init(array)

    def _init(self, array):
        self._data = array
        self._requires_grad = False
        self._grad_fn = None
        self._output_nr = 0
        self._grad = None
        self._version_counter = None
        self._base = None
        if state.inference:
            self._inference = True

    @staticmethod
    def _make(array):
        """Wrap a numpy array (no copy): the fast constructor (code below this module calls it as `wrap`)."""
        t = _new_tensor(Tensor)
        t._init(array if type(array) is np.ndarray else np.asarray(array))
        return t

    # ---- autograd state ----
    @property
    def grad_fn(self):
        """The node that made this tensor (None for a leaf). A view whose base changed in place since gets a
        new one first (AsStridedBackward0, see minigrad/autograd/views.py)."""
        if self._base is not None and self._version_counter.value != self._view_version:
            views.regenerate_grad_fn(self)
        return self._grad_fn

    @property
    def requires_grad(self):
        return self._requires_grad or (self._base is not None and self._base._requires_grad)

    @requires_grad.setter
    def requires_grad(self, value):
        if self.grad_fn is not None:
            raise RuntimeError(msg.REQUIRES_GRAD_NON_LEAF + ("" if value else msg.REQUIRES_GRAD_NON_LEAF_HINT))
        if value and self._data.dtype.kind != "f":
            raise RuntimeError(msg.REQUIRES_GRAD_NOT_FLOAT)
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad=True):
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError(msg.REQUIRES_GRAD__NOT_FLOAT)
        if requires_grad and self._inference and not state.inference:
            raise RuntimeError(msg.REQUIRES_GRAD_INFERENCE)
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def grad(self):
        if (self._grad_fn if self._base is None else self.grad_fn) is not None and not self._retains_grad:
            warnings.warn(msg.NON_LEAF_GRAD, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(msg.grad_not_a_tensor(type(value).__name__))
            if value.shape != self.shape:
                raise RuntimeError(msg.grad_wrong_size(value.shape, self.shape))
            if value.dtype is not self.dtype:
                raise RuntimeError(msg.grad_wrong_dtype(_c_name(value.dtype), self.dtype._short))
        self._grad = value

    @property
    def retains_grad(self):
        return self._retains_grad

    def retain_grad(self):
        """Keep this non-leaf tensor's gradient in .grad after backward (leaves keep theirs anyway)."""
        if not self._requires_grad:
            raise RuntimeError(msg.RETAIN_GRAD_NO_GRAD)
        if self.grad_fn is None or self._retains_grad:
            return
        node = self.grad_fn
        if node._retained is None:
            node._retained = {}
        node._retained[self._output_nr] = weakref.ref(self)
        self._retains_grad = True

    def register_hook(self, hook):
        """hook(grad) runs when this tensor's gradient is computed; returning a tensor replaces it."""
        if not self._requires_grad:
            raise RuntimeError(msg.HOOK_NO_GRAD)
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = {}
            return add_hook(self._hooks, hook)
        node = self.grad_fn
        if node._tensor_prehooks is None:
            node._tensor_prehooks = {}
        return add_hook(node._tensor_prehooks.setdefault(self._output_nr, {}), hook)

    def register_post_accumulate_grad_hook(self, hook):
        """hook(tensor) runs after a leaf's .grad has been updated."""
        if self.grad_fn is not None:
            raise RuntimeError(msg.POST_ACCUMULATE_HOOK_NON_LEAF)
        if self._post_accumulate_hooks is None:
            self._post_accumulate_hooks = {}
        return add_hook(self._post_accumulate_hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute the gradient of this tensor w.r.t. the graph leaves and accumulate it into their .grad."""
        autograd_backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def _set_history(self, node, output_nr):
        """After an in-place op this tensor is output `output_nr` of `node`; retain_grad() follows it there (hooks
        stay with the old node: they see the gradient of the old values, as in PyTorch)."""
        old_node, old_nr = self._grad_fn, self._output_nr
        self._grad_fn, self._output_nr, self._requires_grad = node, output_nr, True
        if self._retains_grad:
            if old_node is not None and old_node._retained:
                old_node._retained.pop(old_nr, None)
            self._retains_grad = False
            self.retain_grad()

    def _view_requires_grad(self):
        """A view requires grad when its base does, even one made under no_grad (whose gradient then goes
        nowhere, as in PyTorch); a view made before its base began to require grad gets its node now."""
        if self._version_counter.value != self._view_version:
            views.regenerate_grad_fn(self)
        return self._base._requires_grad

    def _edge(self):
        """Where this tensor's gradient goes: (its grad_fn, output index), its leaf's AccumulateGrad, or None."""
        if self._base is not None and self._version_counter.value != self._view_version:
            views.regenerate_grad_fn(self)
        if not self._requires_grad:
            return (None, 0)
        if self._grad_fn is not None:
            return (self._grad_fn, self._output_nr)
        if self._leaf_of is not None:
            return self._leaf_of._edge()
        acc = self._accumulator() if self._accumulator is not None else None
        if acc is None:  # one AccumulateGrad per leaf, reused; the leaf holds it weakly (the graph holds it)
            acc = AccumulateGrad(self)
            self._accumulator = weakref.ref(acc)
        return (acc, 0)

    # ---- data access ----
    @property
    def data(self):
        """The same memory as a tensor with no history (changes through it are not version-tracked)."""
        return Tensor._make(self._data)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            kind = type(value)
            name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
            raise TypeError(f"Variable data has to be a tensor, but got {name}")
        self._data = value._data

    @property
    def _version(self):
        counter = self._version_counter
        return counter.value if counter is not None else 0

    def _shared_version_counter(self):
        if self._version_counter is None:
            self._version_counter = _VersionCounter()
        return self._version_counter

    def _bump_version(self):
        self._shared_version_counter().value += 1

    def _alias(self):
        """A new tensor object on the same memory, history and version counter."""
        t = Tensor._make(self._data)
        t._version_counter = self._shared_version_counter()
        t._grad_fn, t._output_nr, t._requires_grad = self.grad_fn, self._output_nr, self._requires_grad
        if self._base is not None:
            t._base, t._view_fn, t._view_version = self._base, self._view_fn, self._view_version
            t._view_creation = self._view_creation
        if self._tangent is not None:  # forward AD: in-place ops work on the alias
            t._tangent = self._tangent
        if t._grad_fn is None and self._requires_grad:  # an alias of a leaf: its gradient goes to the leaf
            t._leaf_of = self if self._leaf_of is None else self._leaf_of
        return t

    def _snapshot(self):
        """A new tensor with this tensor's history and a copy of its current values (own version counter)."""
        t = self._alias()
        t._data, t._version_counter, t._base = self._data.copy(), None, None
        return t

    def _promoted(self, np_dtype):
        """This tensor's values in another dtype, for one op of mixed dtypes (PyTorch's type promotion): the op
        sees and saves this tensor itself, not a converted copy, so its graph edge, its version check and its
        gradient's dtype are the original's (no ToCopyBackward0 in between)."""
        t = self._alias()
        t._data, t._base, t._promoted_from = self._data.astype(np_dtype), None, self
        return t

    def _copy_detached(self):
        return Tensor._make(self._data.copy())

    def _cast(self, np_dtype):
        return misc.ToCopy.apply(self, np.dtype(np_dtype)) if self._requires_grad else \
            Tensor._make(self._data.astype(np_dtype))

    def detach(self):
        """Same memory and version counter, no history, requires_grad=False."""
        t = Tensor._make(self._data)
        t._version_counter = self._shared_version_counter()
        return t

    def detach_(self):
        if self._base is not None:
            raise RuntimeError(msg.DETACH_VIEW_INPLACE)
        self._grad_fn = None
        self._requires_grad = False
        return self

    def clone(self):
        return misc.Clone.apply(self)

    def contiguous(self):
        return self if self._data.flags.c_contiguous else self.clone()  # as torch: a copy only when needed

    def is_contiguous(self):
        return self._data.flags.c_contiguous

    def numpy(self, force=False):
        if self._requires_grad and not force:
            raise RuntimeError(msg.NUMPY_REQUIRES_GRAD)
        return self._data

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        return array.astype(dtype) if dtype is not None else array

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def data_ptr(self):
        return self._data.__array_interface__["data"][0]

    # ---- shape and type ----
    @property
    def shape(self):
        return _dtype.Size(self._data.shape)

    def size(self, dim=None):
        return self.shape if dim is None else self._data.shape[dim]

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    ndimension = dim

    def numel(self):
        return self._data.size

    nelement = numel

    def element_size(self):
        return self._data.itemsize

    @property
    def dtype(self):
        return _dtype.from_numpy_dtype(self._data.dtype)

    @property
    def device(self):
        return _dtype.cpu

    @property
    def is_cuda(self):
        return False

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def is_inference(self):
        return self._inference

    def type(self, dtype=None):
        """The type name ('torch.FloatTensor'), or a converted tensor: dtype a dtype, a legacy tensor type
        (torch.DoubleTensor) or its name."""
        if dtype is None:
            return self.dtype._type_name
        if isinstance(dtype, str):
            named = [d for d in _dtype._ALL if d._type_name == dtype]
            if not named:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = named[0]
        elif isinstance(getattr(dtype, "dtype", None), _dtype.dtype):  # torch.DoubleTensor, ...
            dtype = dtype.dtype
        elif not isinstance(dtype, _dtype.dtype):
            raise TypeError("dtype must be a type, str, or dtype object")
        return self.to(dtype)

    def to(self, *args, **kwargs):
        """to(dtype), to(device), to(other_tensor): a converted tensor, or self when nothing changes."""
        target = to_dtype(args, kwargs)
        if target is None or target is self.dtype:
            return self
        return misc.ToCopy.apply(self, target.numpy)

    def float(self):
        return self.to(_dtype.float32)

    def double(self):
        return self.to(_dtype.float64)

    def half(self):
        return self.to(_dtype.float16)

    def long(self):
        return self.to(_dtype.int64)

    def int(self):
        return self.to(_dtype.int32)

    def bool(self):
        return self.to(_dtype.bool)

    def cpu(self):
        return self

    # ---- printing ----
    def __repr__(self, prefix="tensor("):
        suffixes = [dtype_suffix(self._data.dtype, empty=self._data.size == 0)]
        try:
            node = self.grad_fn
        except RuntimeError:  # a view changed in a way PyTorch forbids: its node cannot be remade
            suffixes.append("grad_fn=<Invalid>")
        else:
            if node is not None:
                suffixes.append(f"grad_fn=<{type(node).__name__}>")  # the class name, as torch prints
            elif self.requires_grad:
                suffixes.append("requires_grad=True")
        if self._tangent is not None:  # format(): a 0-d tangent prints as a number, as in PyTorch
            suffixes.append("tangent=" + format(self._tangent))
        return format_tensor(self._data, suffixes, prefix=prefix)

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return repr(self)

    # ---- Python protocol ----
    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self._data)))

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous" if self._data.size == 0 else
                               "Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data)

    def __float__(self):  # (complex(t) comes here too)
        if self.requires_grad:
            _warn.warn_once(msg.SCALAR_REQUIRES_GRAD)  # not for int(), bool() or .item(), as in PyTorch
        return float(self._scalar())

    def __int__(self):
        return int(self._scalar())

    def __index__(self):
        if self._data.dtype.kind not in "iu":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._scalar())

    def _scalar(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.reshape(()).item()

    __hash__ = object.__hash__

    # ---- indexing ----
    def __getitem__(self, key):
        index_tensors = _index_tensors(key)
        key = _index_key(key)
        try:
            op = sh.index_op(key, self._data.shape)
            if op is sh.Index:
                return op.apply(self, key, index_tensors)
            return op.apply(self, _keep_view(key))
        except IndexError as error:
            raise IndexError(_index_message(error, key, self._data.ndim)) from None

    def __setitem__(self, key, value):
        """As PyTorch: x[mask] = v is one op on x (IndexPutBackward0); x[0] = v copies v into the view x[0] (so
        x's node becomes CopySlices); x[...] = v, whose key selects everything, copies v into x itself."""
        try:
            key = _index_key(key)
        except IndexError:  # (a float index tensor): PyTorch refuses to write into a leaf that requires grad first
            if state.grad_enabled and self._requires_grad and self._grad_fn is None:
                raise RuntimeError(msg.LEAF_INPLACE) from None
            raise
        if self._data.ndim == 0 and isinstance(key, (slice, int)) and not isinstance(key, bool):
            raise IndexError(_index_message(None, key, 0))
        if self._data.ndim == 0 and isinstance(key, tuple) and any(
                isinstance(p, (slice, int)) and not isinstance(p, bool) for p in key):
            raise IndexError("too many indices for tensor of dimension 0")
        value = value if isinstance(value, Tensor) else Tensor._make(np.asarray(value, dtype=self._data.dtype))
        try:
            if sh.is_advanced(key):
                _refuse_index_overlap(self, key, value)  # (PyTorch checks memory before dtypes)
                if value._data.dtype != self._data.dtype and not _fills_through_a_mask(key, value):
                    raise RuntimeError(msg.index_put_dtypes(self.dtype._short, value.dtype._short))
                self._index_put(key, _without_leading_ones(value))
            else:
                _copy_to(self[key] if sh.applied_ops(key, self._data.shape) else self, value)
        except IndexError as error:
            raise IndexError(_index_message(error, key, self._data.ndim)) from None

    def _index_put(self, key, value, accumulate=False):
        """self[key] = value (+= with accumulate) for a key with index tensors: PyTorch's index_put_. Into a
        tensor whose elements share memory (an expanded one) PyTorch still writes, element by element (the last
        write to a place wins), and warns when the tensor left after the key's ints and slices is such a one."""
        if _has_internal_overlap(self._data[_without_index_arrays(key)]):
            _warn.warn(msg.INDEX_PUT_EXPANDED)
            arrays = [p for p in (key if isinstance(key, tuple) else (key,)) if isinstance(p, np.ndarray)]
            if len(arrays) == 1 and arrays[0].dtype == bool and value._data.size == 1 and not accumulate:
                _warn.warn(msg.MASKED_FILL_EXPANDED)  # PyTorch fills through one mask with masked_fill_
        _refuse_index_overlap(self, key, value)
        if np.may_share_memory(value._data, self._data):
            if not _fills_through_a_mask(key, value) or value.requires_grad:
                raise RuntimeError(msg.PARTIAL_OVERLAP)
            value = Tensor._make(value._data.copy())
        shared = _has_internal_overlap(self._data)
        if shared and accumulate:  # each += lands in the shared memory: a place reached twice gets both
            def write(out, result):
                np.add.at(out, key, value._data)
        elif shared:  # element by element, in order: the last write to a place wins
            def write(out, result):
                out[key] = result[key]
        else:
            write = None
        try:
            return self._inplace(lambda old, new: sh.IndexPut.apply(old, new, key, accumulate), value, write=write)
        except IndexError:
            _write_before_bad_index(self._data, key, value._data, accumulate)
            self._bump_version()
            raise

    def index_put_(self, indices, values, accumulate=False):
        """self[indices] = values (or += with accumulate=True): indices a tuple of index tensors, values a tensor
        of self's dtype."""
        key = _index_put_key("index_put_", indices, values, self)
        try:
            return self._index_put(key, values, accumulate)
        except IndexError as error:
            raise IndexError(_index_message(error, key, self._data.ndim)) from None

    def index_put(self, indices, values, accumulate=False):
        """index_put_ on a copy (the out-of-place form)."""
        key = _index_put_key("index_put", indices, values, self)
        try:
            return sh.IndexPut.apply(self, values, key, accumulate)
        except IndexError as error:
            raise IndexError(_index_message(error, key, self._data.ndim)) from None

    # ---- in-place ops: compute out of place, then write into this tensor's memory ----
    def _check_inplace(self, records):
        """PyTorch's checks before an in-place op; `records`: autograd will record it (grad mode is on and this
        tensor or an operand requires grad)."""
        if self._inference and not state.inference:
            raise RuntimeError(msg.INFERENCE_INPLACE)
        if records:
            if self._base is not None:
                views.check_view_rebase(self, indirect=False)
                if self._base._requires_grad and self._base._grad_fn is None:
                    raise RuntimeError(msg.VIEW_OF_LEAF_INPLACE)
            elif self._requires_grad and self._grad_fn is None:
                raise RuntimeError(msg.LEAF_INPLACE)

    def _inplace(self, op, *args, same_value_everywhere=False, write=None):
        """`write(memory, result)`: how an op that changes only some places (index_put_) writes its result into
        memory whose elements are shared (an expanded tensor); by default the result is copied in whole."""
        # (an integer or bool tensor holds no gradient, so nothing is recorded into it: bools.copy_(x) just copies)
        records = state.grad_enabled and self._data.dtype.kind == "f" and (self.requires_grad or any(
            isinstance(a, Tensor) and a.requires_grad for a in args))
        self._check_inplace(records)
        for a in args:
            if isinstance(a, Tensor):
                _check_partial_overlap(self._data, a._data)
        if not same_value_everywhere and write is None and _has_internal_overlap(self._data):
            raise RuntimeError(msg.WRITE_TO_SHARED_ELEMENTS)
        # the op may save its input: give it a copy of the old values, as PyTorch saves `original_self`
        result = op(self._snapshot() if records else self, *args)
        return self._write_result(result, write)

    def _write_result(self, result, write=None):
        if result._data.shape != self._data.shape:  # PyTorch checks the shape first, then the dtype
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                               f"{list(result.shape)}")
        if not np.can_cast(result._data.dtype, self._data.dtype, casting="same_kind"):
            raise RuntimeError(f"result type {result.dtype._short} can't be cast to the desired output type "
                               f"{self.dtype._short}")
        if write is None:
            self._data[...] = result._data
        else:
            write(self._data, result._data)
        self._bump_version()
        if result._grad_fn is not None:  # this tensor is now the output of the op's node
            if self._base is not None:  # written through a view: the base's history changes (CopySlices)
                views.rebase_history(self, result._grad_fn)
            else:
                self._set_history(result._grad_fn, result._output_nr)
            rebind_saved_output(result._grad_fn, result._output_nr, self)
        if result._tangent is not None:  # forward AD: the tangent moves along with the values
            forward_ad.set_tangent(self, result._tangent)
        return self

    def add_(self, other, alpha=1):
        return self._inplace(lambda s, o: s.add(o, alpha=alpha), other)

    def sub_(self, other, alpha=1):
        return self._inplace(lambda s, o: s.sub(o, alpha=alpha), other)

    def mul_(self, other):
        return self._inplace(Tensor.__mul__, other)

    def div_(self, other):
        return self._inplace(Tensor.__truediv__, other)

    def pow_(self, exponent):
        return self._inplace(Tensor.__pow__, exponent)

    def clamp_(self, min=None, max=None):  # noqa: A002 - PyTorch's argument names
        return self._clamp_inplace(Tensor.clamp, min, max)

    clip_ = clamp_

    def clamp_min_(self, min):  # noqa: A002 - PyTorch's argument names
        return self._clamp_inplace(Tensor.clamp_min, min)

    def clamp_max_(self, max):  # noqa: A002 - PyTorch's argument names
        return self._clamp_inplace(Tensor.clamp_max, max)

    def _clamp_inplace(self, clamp, *bounds):
        try:
            return self._inplace(clamp, *bounds)
        except RuntimeError as error:  # the clamp_ ops name the output type as C++ does ("long int", "bool")
            text = str(error)
            if not text.startswith("result type "):
                raise
            raise RuntimeError(text.rsplit(" ", 1)[0] + " " + _C_TYPE_NAMES[self.dtype.name]) from None

    def relu_(self):
        return self._inplace(Tensor.relu)

    def copy_(self, src):
        src = _as_tensor(src)
        if src is self:  # PyTorch's kernel has nothing to copy (even in an expanded tensor); autograd still records
            return self._inplace(misc.CopyInto.apply, src, same_value_everywhere=True)
        _check_copy_overlap(self._data, src._data)
        return self._inplace(misc.CopyInto.apply, src)

    def zero_(self):
        return self._inplace(misc.Zero.apply, 0, same_value_everywhere=True)

    def fill_(self, value):
        if isinstance(value, Tensor):  # a 0-d tensor: its gradient is the sum of the filled places' (FillBackward3)
            return self._inplace(misc.FillTensor.apply, value, same_value_everywhere=True)
        return self._inplace(misc.Fill.apply, value, same_value_everywhere=True)

    def uniform_(self, a=0.0, b=1.0, generator=None):
        self._check_inplace(state.grad_enabled and self.requires_grad)
        _random.uniform_(self._data, a, b, generator=generator)
        self._bump_version()
        return self

    def normal_(self, mean=0.0, std=1.0, generator=None):
        self._check_inplace(state.grad_enabled and self.requires_grad)
        _random.normal_(self._data, mean, std, generator=generator)
        self._bump_version()
        return self


_new_tensor = object.__new__


def to_dtype(args, kwargs):
    """The dtype asked for by .to(...)'s arguments (a dtype, a tensor, a device), or None; only the CPU exists,
    so any other device is a clear error."""
    target = kwargs.get("dtype")
    if kwargs.get("device") is not None:
        _dtype.require_cpu(kwargs["device"])
    for arg in args:
        if isinstance(arg, _dtype.dtype):
            target = arg
        elif isinstance(arg, Tensor):
            target = arg.dtype
        else:
            _dtype.require_cpu(arg)  # a device: only the CPU exists (PyTorch's CPU-only errors otherwise)
    return target


# ---- helpers ----
_C_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
                 "int32": "int", "bool": "bool"}


def _has_internal_overlap(array):
    """Whether elements share memory (a zero stride on a dim of more than one: an expanded tensor); numpy gives an
    empty array zero strides."""
    return array.size > 0 and any(stride == 0 and n > 1 for stride, n in zip(array.strides, array.shape))


def _without_index_arrays(key):
    """The key's ints, slices, None and ... alone (each index array replaced by whole dims): what PyTorch applies
    before index_put_ writes through the index arrays."""
    parts = key if isinstance(key, tuple) else (key,)
    basic = []
    for p in parts:
        if isinstance(p, np.ndarray):
            basic.extend([slice(None)] * (p.ndim if p.dtype == bool else 1))
        else:
            basic.append(p)
    return tuple(basic)


def _fills_through_a_mask(key, value):
    """x[mask] = v with a single bool mask (of one dim or more) and a one-element v: PyTorch fills with masked_fill_,
    which casts v to x's dtype; every other write through index tensors needs v in x's dtype."""
    arrays = [p for p in (key if isinstance(key, tuple) else (key,)) if isinstance(p, np.ndarray)]
    return len(arrays) == 1 and arrays[0].dtype == bool and arrays[0].ndim > 0 and value._data.size == 1


def _without_leading_ones(value):
    """PyTorch views a value written through an index without its leading dims of size 1 (a recorded view)."""
    sizes = value.shape
    while sizes and sizes[0] == 1:
        sizes = sizes[1:]
    return value if sizes == value.shape else value.view(sizes)


def _index_put_key(name, indices, values, target):
    """index_put_'s argument checks, with PyTorch's texts; the indices as a key."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError(msg.index_put_argument(name, "indices", 1, "tuple of Tensors", indices))
    for i, index in enumerate(indices):
        if not isinstance(index, Tensor):
            raise TypeError(msg.expected_tensor_element(i, 0, index))
    if not isinstance(values, Tensor):
        raise TypeError(msg.index_put_argument(name, "values", 2, "Tensor", values))
    key = _index_key(tuple(indices))
    if name == "index_put_":
        _refuse_index_overlap(target, key, values)  # (PyTorch checks memory before dtypes)
    if values.dtype is not target.dtype:
        raise RuntimeError(msg.index_put_dtypes(target.dtype._short, values.dtype._short))
    return key


def _refuse_index_overlap(target, key, value):
    """PyTorch refuses index tensors in the memory being written (x[x] = v), except for a single value filled
    through a mask (masked_fill_ reads the mask first: x[x] = False)."""
    parts = key if isinstance(key, tuple) else (key,)
    if not _fills_through_a_mask(key, value) and any(  # (the tensor itself counts even when empty)
            isinstance(p, np.ndarray) and (p is target._data or np.may_share_memory(p, target._data)) for p in parts):
        raise RuntimeError(msg.PARTIAL_OVERLAP)


def _check_partial_overlap(out, arg):
    """PyTorch's refusal to write in place into memory an operand partly shares (x[1:] += x[:-1], x += x.t());
    writing into exactly the operand's memory (x += x) is fine. As in PyTorch, only dense arrays are compared."""
    if arg is out or arg.size == 0 or out.size == 0 or not np.may_share_memory(out, arg):
        return
    dense = [a.flags.c_contiguous or a.flags.f_contiguous for a in (out, arg)]
    if all(dense) and not _same_layout(out, arg):
        raise RuntimeError(msg.PARTIAL_OVERLAP)


def _write_before_bad_index(out, key, value, accumulate):
    """PyTorch's index_put_ walks the indexed part in order and raises at the first index out of bounds, keeping
    what it wrote before: the same writes, for a key with one index array (with several, or a mask, none)."""
    parts = list(key) if isinstance(key, tuple) else [key]
    arrays = [i for i, p in enumerate(parts) if isinstance(p, np.ndarray)]
    if len(arrays) != 1 or parts[arrays[0]].dtype == bool:
        return
    at = arrays[0]
    index = parts[at]
    consumed = sum(p is not None and p is not Ellipsis for p in parts)
    dim = before = 0  # the dim the array indexes, and the dims of the indexed part that come before its own
    for p in parts[:at]:
        if p is Ellipsis:
            dim += out.ndim - consumed
            before += out.ndim - consumed
        elif p is None:
            before += 1
        else:
            dim += 1
            before += isinstance(p, slice)
    size = out.shape[dim]
    bad = (index >= size) | (index < -size)
    parts[at] = np.where(bad, 0, index)
    places = np.arange(out.size).reshape(out.shape)[tuple(parts)]  # the indexed part, every index made valid
    shape = places.shape
    spread = (1,) * before + index.shape + (1,) * (len(shape) - before - index.ndim)  # the array's dims in place
    first_bad = int(np.argmax(np.broadcast_to(bad.reshape(spread), shape)))
    while value.ndim > len(shape) and value.shape[0] == 1:
        value = value[0]
    done = np.arange(places.size).reshape(shape) < first_bad
    targets = np.unravel_index(places[done], out.shape)
    values = np.broadcast_to(value, shape)[done]
    if accumulate:
        np.add.at(out, targets, values)
    else:
        out[targets] = values


def _check_copy_overlap(out, src):
    """copy_ refuses any source laid over the destination differently (x.copy_(x.t())): only the same memory with
    the same layout (x.copy_(x.detach())) may be copied onto itself."""
    if out.size == 0 or src.size == 0 or not np.may_share_memory(out, src):
        return
    if all(a.flags.c_contiguous or a.flags.f_contiguous for a in (out, src)) and not _same_layout(out, src):
        raise RuntimeError(msg.PARTIAL_OVERLAP)


def _same_layout(a, b):
    """PyTorch's "full overlap": the same first element, shape and strides (x.t() over x is a partial one). A dim
    of size 1 that numpy gave a stride of 0 (an axis inserted with None) has another stride in PyTorch: any."""
    return (a.__array_interface__["data"][0] == b.__array_interface__["data"][0] and a.shape == b.shape
            and all(sa == sb or (n == 1 and 0 in (sa, sb)) for sa, sb, n in zip(a.strides, b.strides, a.shape)))


def _c_name(d):
    return {"float64": "double", "float32": "float", "int64": "long"}.get(d.name, d.name)


def _index_tensors(key):
    """The tensors among an index's parts that become index arrays (not a 0-d integer one, which selects)."""
    parts = key if isinstance(key, tuple) else (key,)
    return tuple(p for p in parts if isinstance(p, Tensor) and not (p._data.ndim == 0 and p._data.dtype.kind in "iu"))


def _index_key(key):
    """Turn tensors and lists inside an index into numpy arrays (a 0-d integer tensor into an int: PyTorch
    selects with it, as with an int)."""
    parts = key if isinstance(key, tuple) else (key,)
    for p in parts:
        if isinstance(p, Tensor) and p._data.dtype.kind not in "iub":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    parts = tuple((int(p._data) if p._data.ndim == 0 and p._data.dtype.kind in "iu" else p._data)
                  if isinstance(p, Tensor) else (np.asarray(p) if p else np.zeros(0, np.int64))
                  if isinstance(p, list) else p for p in parts)
    for p in parts:
        if isinstance(p, slice) and p.step is not None and p.step < 0:
            raise ValueError("step must be greater than zero")
    return parts if isinstance(key, tuple) else parts[0]


def _index_message(error, key, ndim):
    """PyTorch's text for a bad index (numpy's names arrays and axes, and counts differently)."""
    parts = key if isinstance(key, tuple) else (key,)
    used = sum(p.ndim if isinstance(p, np.ndarray) and p.dtype == bool else 0 if p is None or p is Ellipsis else 1
               for p in parts)
    if ndim == 0 and used == 1 and not isinstance(key, tuple):  # x[:1]; x[:1,] counts its indices instead
        if isinstance(parts[0], slice):
            return "slice() cannot be applied to a 0-dim tensor."
        if isinstance(parts[0], (int, np.integer)):
            if parts[0] != 0:
                return f"index {parts[0]} is out of bounds for dimension 0 with size 0"
            return ("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to "
                    "convert a 0-dim tensor to a number")
    if used > ndim:
        return f"too many indices for tensor of dimension {ndim}"
    text = str(error)
    if text.startswith("index ") and text.endswith(" with size 0") and sh.is_advanced(key):
        return "index is out of bounds for dimension with size 0"  # PyTorch's text for an empty indexed dim
    if text.startswith("index ") and " is out of bounds for axis " in text and not sh.is_advanced(key):
        # PyTorch names the dim by the index's position in the key (an Ellipsis and a None count too)
        axis, position = int(text.split(" is out of bounds for axis ")[1].split()[0]), {}
        dim = 0
        for i, p in enumerate(parts):
            if p is Ellipsis:
                dim += ndim - used
            elif p is not None:
                position[dim] = i
                dim += 1
        if axis in position:
            text = text.replace(f"for axis {axis} ", f"for axis {position[axis]} ")
    if text.startswith("index ") and " is out of bounds for axis " in text and sh.is_advanced(key):
        # PyTorch moves the dims indexed by tensors to the front and numbers them there
        axis = int(text.split(" is out of bounds for axis ")[1].split()[0])
        dims, dim = [], 0
        for p in parts:
            if p is Ellipsis:
                dim += ndim - used
                continue
            if p is None:
                continue
            if isinstance(p, np.ndarray):
                dims.extend(range(dim, dim + (p.ndim if p.dtype == bool else 1)))
            dim += p.ndim if isinstance(p, np.ndarray) and p.dtype == bool else 1
        if axis in dims:
            text = text.replace(f"for axis {axis} ", f"for axis {dims.index(axis)} ")
    return text.replace("axis", "dimension")


def _copy_to(target, value):
    """target = value as PyTorch's indexing writes it: copy_ for the same shape, fill_ for a 0-d value, else the
    value without its leading 1s, expanded, then copied. Into memory whose elements are shared (an expanded
    tensor) PyTorch's indexing refuses to write even a single value, which fill_ itself would write."""
    if target.shape == value.shape:
        target.copy_(value)
    elif value.ndim == 0:
        if _has_internal_overlap(target._data):
            raise RuntimeError(msg.WRITE_TO_SHARED_ELEMENTS)
        target.fill_(value)
    else:
        sizes = value.shape
        while sizes and sizes[0] == 1:
            sizes = sizes[1:]
        target.copy_(value.view(sizes).expand(target.shape))


def _keep_view(key):
    """A basic index (no arrays) with a trailing ... so that numpy gives a view even of a single element."""
    parts = key if isinstance(key, tuple) else (key,)
    return key if any(p is Ellipsis for p in parts) else parts + (Ellipsis,)
