"""The math of a Tensor: operators, element-wise functions, reductions, products and shape methods.

Each method is a one-liner that applies an op from minigrad/ops, where the forward and backward formulas
live. `Tensor` (minigrad/tensor.py) inherits these methods, so every tensor is a TensorMath (the helpers below
test `isinstance(x, TensorMath)`); they apply PyTorch's rules for mixing tensors and numbers of different dtypes
before an op runs, and wrap plain results (comparisons, ...) with `wrap`.
"""
import numpy as np

from . import _messages as msg
from ._data import array_from_data
from ._dtype import NO_CUDA, from_numpy_dtype
from ._warn import warn_once
from .autograd.function import wrap
from .ops import linalg, misc
from .ops import pointwise as pw
from .ops import reduce as red
from .ops import shape as sh
from .ops.dims import wrap_dim, wrap_dims

_CATEGORY = {"b": 0, "i": 1, "u": 1, "f": 2}


class TensorMath:
    """The math methods of Tensor (a mixin: it holds no data of its own)."""

    __slots__ = ()

    # ---- arithmetic: each operator applies one op ----
    def __add__(self, other):
        return _binary(pw.Add, self, other)

    def __radd__(self, other):
        return _binary(pw.Add, self, other)

    def __sub__(self, other):
        if self._data.dtype.kind == "b" or type(other) is bool or isinstance(other, TensorMath) and \
                other._data.dtype.kind == "b":
            pw.no_bool_subtraction(self, other)  # before promotion turns the bool into a number
        return _binary(pw.Sub, self, other)

    def __rsub__(self, other):
        if self._data.dtype.kind == "b" or type(other) is bool:
            pw.no_bool_subtraction(self, other)
        return pw.Rsub.apply(*_with_number(self, other))

    def __mul__(self, other):
        return _binary(pw.Mul, self, other)

    def __rmul__(self, other):
        return _binary(pw.Mul, self, other)

    def __truediv__(self, other):
        return _binary(pw.Div, self, other, true_division=True)

    def __rtruediv__(self, other):
        a, s = _with_number(self, other, true_division=True)
        return pw.Mul.apply(pw.Reciprocal.apply(a), s)  # PyTorch computes 2 / x as x.reciprocal() * 2

    def __floordiv__(self, other):
        return _binary(pw.FloorDivide, self, other)

    def __rfloordiv__(self, other):
        return pw.RFloorDivide.apply(*_with_number(self, other))

    def __mod__(self, other):
        return _binary(pw.RemainderOp, self, other)

    def __rmod__(self, other):
        return pw.RRemainder.apply(*_with_number(self, other))

    def __pow__(self, exponent):
        if isinstance(exponent, TensorMath):
            return _binary(pw.PowTensor, self, exponent)
        a, e = _with_number(self, exponent)
        return pw.Pow.apply(a, e)

    def __rpow__(self, base):
        a, s = _with_number(self, base)
        return pw.PowScalar.apply(a, s)

    def __neg__(self):
        return pw.Neg.apply(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return pw.Abs.apply(self)

    def __matmul__(self, other):
        return linalg.matmul(self, other)

    def __rmatmul__(self, other):
        return linalg.matmul(_as_tensor(other), self)

    # comparisons and logic: boolean results, no gradient
    def __eq__(self, other):
        return _compare(np.equal, self, other)

    def __ne__(self, other):
        return _compare(np.not_equal, self, other)

    def __lt__(self, other):
        return _compare(np.less, self, other)

    def __le__(self, other):
        return _compare(np.less_equal, self, other)

    def __gt__(self, other):
        return _compare(np.greater, self, other)

    def __ge__(self, other):
        return _compare(np.greater_equal, self, other)

    def __and__(self, other):
        return _bitwise("bitwise_and", np.logical_and, np.bitwise_and, self, other)

    def __or__(self, other):
        return _bitwise("bitwise_or", np.logical_or, np.bitwise_or, self, other)

    def __xor__(self, other):
        return _bitwise("bitwise_xor", np.logical_xor, np.bitwise_xor, self, other)

    def __invert__(self):
        if self._data.dtype.kind == "f":
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        return wrap(~self._data)

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    # in-place operators: x += y is x.add_(y)
    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    # ---- math methods ----
    def add(self, other, alpha=1):
        return self + other if alpha == 1 else _binary(pw.AddScaled, self, other, extra=(alpha,))

    def sub(self, other, alpha=1):
        if alpha == 1:
            return self - other
        pw.no_bool_subtraction(self, other)
        return _binary(pw.SubScaled, self, other, extra=(alpha,))

    def mul(self, other):
        return self * other

    def div(self, other, *, rounding_mode=None):
        if rounding_mode is None:
            return self / other
        if rounding_mode not in ("trunc", "floor"):
            raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                               f"'{rounding_mode}'")
        return _binary(pw.DivRounding, self, other, extra=(rounding_mode,))

    def pow(self, exponent):
        return self ** exponent

    def neg(self):
        return pw.Neg.apply(self)

    def square(self):
        return self ** 2

    def exp(self):
        return pw.Exp.apply(self._floating())

    def log(self):
        return pw.Log.apply(self._floating())

    def log1p(self):
        return pw.Log1p.apply(self._floating())

    def tan(self):
        return pw.Tan.apply(self._floating())

    def floor(self):
        return pw.Floor.apply(self)

    def round(self):
        return pw.Round.apply(self)

    def sin(self):
        return pw.Sin.apply(self._floating())

    def cos(self):
        return pw.Cos.apply(self._floating())

    def tanh(self):
        return pw.Tanh.apply(self._floating())

    def sigmoid(self):
        return pw.Sigmoid.apply(self._floating())

    def relu(self):
        return pw.Relu.apply(self)

    def abs(self):
        return pw.Abs.apply(self)

    def sqrt(self):
        return pw.Sqrt.apply(self._floating())

    def rsqrt(self):
        return pw.Rsqrt.apply(self._floating())

    def reciprocal(self):
        return pw.Reciprocal.apply(self._floating())

    def sign(self):
        return pw.Sign.apply(self)

    def sgn(self):
        return pw.Sgn.apply(self)

    def clamp(self, min=None, max=None):  # noqa: A002
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        return _clamp(self, min, max)

    clip = clamp

    def clamp_min(self, min):  # noqa: A002
        _check_bound("clamp_min", "min", min)
        return _clamp(self, min, None, ops=(pw.ClampMin, pw.ClampMinTensor))

    def clamp_max(self, max):  # noqa: A002
        _check_bound("clamp_max", "max", max)
        return _clamp(self, None, max, ops=(pw.ClampMax, pw.ClampMaxTensor))

    def logaddexp(self, other):
        return logaddexp(self, other, position=1)

    def diag(self, diagonal=0):
        """A vector's diagonal matrix (v on the diagonal-th diagonal), or a matrix's diagonal-th diagonal."""
        if self.ndim == 1:
            return sh.DiagEmbed.apply(self, diagonal)
        if self.ndim == 2:
            return sh.DiagonalCopy.apply(self, diagonal)
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self.ndim}D")

    def bincount(self, weights=None, minlength=0):
        return misc.bincount(self, weights, minlength)

    def lerp(self, end, weight):
        return pw.lerp(self, end, weight)

    def maximum(self, other):
        return maximum(self, other, position=1)

    def minimum(self, other):
        return minimum(self, other, position=1)

    def _floating(self):
        return self if self._data.dtype.kind == "f" else self._cast(np.float32)

    # reductions
    def sum(self, dim=None, keepdim=False, dtype=None):
        source = self if dtype is None else self.to(dtype)
        if dim is None:
            return red.Sum.apply(source)
        return red.SumDim.apply(source, dim, keepdim)

    def prod(self, dim=None, keepdim=False):
        if dim is None:
            return red.Prod.apply(self, None, False)
        return red.ProdDim.apply(self, dim, keepdim)

    def cumsum(self, dim):
        return red.Cumsum.apply(self, dim)

    def mean(self, dim=None, keepdim=False, dtype=None):
        source = self if dtype is None else self.to(dtype)
        if source._data.dtype.kind != "f":
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                               f"complex dtype. Got: {source.dtype._short}")
        if dim is None:
            return red.Mean.apply(source)
        return red.MeanDim.apply(source, dim, keepdim)

    def max(self, dim=None, keepdim=False):
        if isinstance(dim, TensorMath):
            return maximum(self, dim)
        if dim is None:
            return red.Max.apply(self)
        return _return_types("max", *red.MaxDim.apply(self, dim, keepdim))

    def min(self, dim=None, keepdim=False):
        if isinstance(dim, TensorMath):
            return minimum(self, dim)
        if dim is None:
            return red.Min.apply(self)
        return _return_types("min", *red.MinDim.apply(self, dim, keepdim))

    def amax(self, dim=(), keepdim=False):
        return red.Amax.apply(self, dim if dim != () else None, keepdim)

    def amin(self, dim=(), keepdim=False):
        return red.Amin.apply(self, dim if dim != () else None, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return _arg_extreme(np.argmax, self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return _arg_extreme(np.argmin, self, dim, keepdim)

    def norm(self, p="fro", dim=None, keepdim=False):
        p = 2 if p in ("fro", None) else p
        if self._data.dtype.kind != "f":
            raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                               f"{self.dtype._short}")
        return red.Norm.apply(self, float(p), dim, keepdim)

    def var(self, dim=None, unbiased=None, keepdim=False, correction=None):
        return red.Var.apply(self, dim, _correction(unbiased, correction), keepdim)

    def std(self, dim=None, unbiased=None, keepdim=False, correction=None):
        return red.Std.apply(self, dim, _correction(unbiased, correction), keepdim)

    def softmax(self, dim):
        _check_softmax_input("softmax", self, dim)
        if self._data.dtype.kind != "f":  # (empty)
            return wrap(self._data.copy())
        return red.Softmax.apply(self, dim)

    def log_softmax(self, dim):
        _check_softmax_input("log_softmax", self, dim)
        if self._data.dtype.kind != "f":  # (empty)
            return wrap(self._data.copy())
        return red.LogSoftmax.apply(self, dim)

    def logsumexp(self, dim, keepdim=False):
        return red.Logsumexp.apply(self._floating(), dim, keepdim)

    def isnan(self):
        return wrap(np.isnan(self._data))

    def isinf(self):
        return wrap(np.isinf(self._data))

    def isfinite(self):
        return wrap(np.isfinite(self._data))

    def all(self):
        return wrap(np.asarray(self._data.all()))

    def any(self):
        return wrap(np.asarray(self._data.any()))

    # products
    def matmul(self, other):
        return linalg.matmul(self, other)

    def mm(self, other):
        return linalg.Mm.apply(self, other)

    def mv(self, other):
        return linalg.Mv.apply(self, other)

    def dot(self, other):
        return linalg.Dot.apply(self, other)

    def bmm(self, other):
        return linalg.Bmm.apply(self, other)

    # shape
    def view(self, *shape):
        if not shape:
            raise TypeError("view() received an invalid combination of arguments - got (), but expected one of:\n"
                            " * (torch.dtype dtype)\n * (tuple of ints size)\n")
        return sh.View.apply(self, _shape_args(shape))

    def reshape(self, *shape):
        if not shape:
            raise TypeError('reshape() missing 1 required positional arguments: "shape"')
        return sh.reshape(self, _shape_args(shape))

    def view_as(self, other):
        return self.view(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        start, end = wrap_dim(start_dim, self.ndim), wrap_dim(end_dim, self.ndim)
        if self.ndim == 0:
            return self.reshape(1)
        if start > end:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        shape = self.shape[:start] + (-1,) + self.shape[end + 1:]
        return self.reshape(shape) if start != end else self

    def transpose(self, dim0, dim1):
        return sh.Transpose.apply(self, wrap_dim(dim0, self.ndim), wrap_dim(dim1, self.ndim))

    swapaxes = transpose

    def t(self):
        return sh.T.apply(self)

    @property
    def T(self):  # noqa: N802 - PyTorch's name
        if self.ndim == 0:
            warn_once("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.")
        elif self.ndim != 2:
            warn_once("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and "
                      "it will throw an error in a future release. Consider `x.mT` to transpose batches of matrices or "
                      "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.")
        return sh.Permute.apply(self, tuple(range(self.ndim - 1, -1, -1)))

    @property
    def mT(self):  # noqa: N802
        if self.ndim == 0:
            warn_once("Tensor.mT is deprecated on 0-D tensors. This function is the identity in these cases.")
            return self
        if self.ndim == 1:
            raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
        return self.transpose(-2, -1)

    def cuda(self, device=None, non_blocking=False):
        """Moving to a GPU: PyTorch's error on a CPU-only build (minigrad has only the CPU)."""
        raise AssertionError(NO_CUDA)

    def permute(self, *dims):
        if not dims:
            raise TypeError('permute() missing 1 required positional arguments: "dims"')
        dims = _shape_args(dims)
        if len(dims) == self.ndim:
            wrapped = [wrap_dim(d, self.ndim) for d in dims]
            if len(set(wrapped)) != len(wrapped):
                raise RuntimeError("permute(): duplicate dims are not allowed.")
        return sh.Permute.apply(self, dims)

    def squeeze(self, dim=None):
        if dim is None:
            return sh.Squeeze.apply(self)
        wrap_dims(dim, self.ndim)  # PyTorch's IndexError for a dim out of range
        return (sh.SqueezeDims if isinstance(dim, (tuple, list)) else sh.SqueezeDim).apply(self, dim)

    def unsqueeze(self, dim):
        return sh.Unsqueeze.apply(self, wrap_dim(dim, self.ndim + 1))

    def expand(self, *shape):
        if not shape:
            raise TypeError('expand() missing 1 required positional arguments: "size"')
        shape = _shape_args(shape)
        _check_expand(self, shape)
        return sh.Expand.apply(self, shape)

    def repeat(self, *repeats):
        if not repeats:
            raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
        repeats = _shape_args(repeats)
        if len(repeats) >= self.ndim and any(r < 0 for r in repeats):
            sizes = (1,) * (len(repeats) - self.ndim) + tuple(self.shape)
            out = [s * r for s, r in zip(sizes, repeats)]
            negative = next(o for o in out if o < 0)
            raise RuntimeError(f"Trying to create tensor with negative dimension {negative}: {out}")
        return sh.Repeat.apply(self, repeats)

    def expand_as(self, other):
        return self.expand(other.shape)

    def narrow(self, dim, start, length):
        dim, start = _checked_narrow(self, dim, start, length)
        index = [slice(None)] * self.ndim
        index[dim] = slice(start, start + length)
        return sh.Slice.apply(self, (*index, Ellipsis))  # a slice even when it keeps the whole dim, as in PyTorch

    def select(self, dim, index):
        if self.ndim == 0:
            raise IndexError("select() cannot be applied to a 0-dim tensor.")
        dim = wrap_dim(dim, self.ndim)
        size = self._data.shape[dim]
        if not -size <= index < size:
            raise IndexError(f"select(): index {index} out of range for tensor of size {list(self.shape)} at "
                             f"dimension {dim}")
        key = [slice(None)] * self.ndim
        key[dim] = index
        return self[tuple(key)]

    def split(self, split_size, dim=0):
        dim = wrap_dim(dim, self.ndim)
        if isinstance(split_size, (list, tuple)):
            if not split_size and self._data.shape[dim] == 0:
                return ()
            return sh.SplitWithSizes.apply(self, tuple(split_size), dim)
        size = self._data.shape[dim]
        if split_size == 0:
            if size != 0:
                raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
            return sh.Split.apply(self, (0,), dim)
        return sh.Split.apply(self, tuple(min(split_size, size - i) for i in range(0, size, split_size)), dim)

    def chunk(self, chunks, dim=0):
        if chunks <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        dim = wrap_dim(dim, self.ndim)
        if self._data.shape[dim] == 0:  # PyTorch: `chunks` empty pieces
            return sh.SplitWithSizes.apply(self, (0,) * chunks, dim)
        return self.split(-(-self._data.shape[dim] // chunks), dim)

    def unbind(self, dim=0):
        if self.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return sh.Unbind.apply(self, wrap_dim(dim, self.ndim))

    def masked_fill(self, mask, value):
        value = value.item() if isinstance(value, TensorMath) else value
        mask = _as_tensor(mask)
        return sh.MaskedFill.apply(self, mask if mask._data.dtype == bool else mask._data.astype(bool), value)

    def where(self, condition, other):
        return where(condition, self, other)

    def eq(self, other):
        return self == other

    def ne(self, other):
        return self != other

    def gt(self, other):
        return self > other

    def lt(self, other):
        return self < other

    def ge(self, other):
        return self >= other

    def le(self, other):
        return self <= other

    def allclose(self, other, rtol=1e-5, atol=1e-8, equal_nan=False):
        if isinstance(other, TensorMath) and other._data.dtype != self._data.dtype:
            raise RuntimeError(f"{self.dtype._short} did not match {other.dtype._short}")
        other_shape = np.shape(_as_tensor(other)._data)
        try:
            np.broadcast_shapes(self._data.shape, other_shape)
        except ValueError:
            raise RuntimeError(msg.broadcast_mismatch(self.shape, other_shape)) from None
        return bool(np.allclose(self._data, _as_tensor(other)._data, rtol=rtol, atol=atol, equal_nan=equal_nan))

    def equal(self, other):
        return self.shape == other.shape and bool(np.array_equal(self._data, other._data))


# ---- PyTorch's rules for operands ----
def _as_tensor(value):
    return value if isinstance(value, TensorMath) else wrap(_from_data(value))


def _array_of(value):
    return value._data if isinstance(value, TensorMath) else value


def _number_category(value):
    if isinstance(value, (bool, np.bool_)):
        return 0
    if isinstance(value, (int, np.integer)):
        return 1
    if isinstance(value, (float, np.floating)):
        return 2
    return None


def _with_number(a, number, true_division=False):
    """Pair a tensor with a Python number the way PyTorch does: the number never widens a tensor of its own
    kind (float32 * 2.5 stays float32); an int or bool tensor meeting a float becomes float32."""
    category = _number_category(number)
    if category is None:
        raise TypeError(f"unsupported operand type(s) for tensor and '{type(number).__name__}'")
    if isinstance(number, np.generic):
        number = number.item()
    tensor_category = _CATEGORY[a._data.dtype.kind]
    if category > tensor_category or (true_division and tensor_category < 2):
        a = a._cast(np.float32 if category == 2 or true_division else np.int64)
    return a, number


def _binary(op, a, b, true_division=False, extra=()):
    """a <op> b for a tensor a and a tensor, number or array b (`extra`: more arguments of the op)."""
    if (type(b) is float or type(b) is int) and a._data.dtype.kind == "f":  # the common case: no promotion
        return op.apply(a, b, *extra)
    if not isinstance(b, TensorMath):
        if isinstance(b, (np.ndarray, list)):
            b = wrap(_from_data(b))
        else:
            try:
                a, b = _with_number(a, b, true_division)
            except TypeError:
                return NotImplemented
            return op.apply(a, b, *extra)
    if a._data.dtype != b._data.dtype or (true_division and a._data.dtype.kind != "f"):
        # a bool operand (a mask) takes the other's dtype inside numpy itself, as in PyTorch: no cast needed
        if true_division or "b" not in (a._data.dtype.kind, b._data.dtype.kind) or a._data.dtype == b._data.dtype:
            a, b = _promote(a, b, true_division)
    try:
        return op.apply(a, b, *extra)
    except ValueError as error:
        if a._data.shape != b._data.shape:
            raise RuntimeError(msg.broadcast_mismatch(a.shape, b.shape)) from None
        raise error


def _promote(a, b, true_division):
    """PyTorch's type promotion: the higher kind (bool < int < float) wins; within a kind, a tensor with
    dimensions is not widened by a 0-d one."""
    ka, kb = _CATEGORY[a._data.dtype.kind], _CATEGORY[b._data.dtype.kind]
    if a.ndim and not b.ndim and kb <= ka:
        target = a._data.dtype
    elif b.ndim and not a.ndim and ka <= kb:
        target = b._data.dtype
    elif ka != kb:
        target = a._data.dtype if ka > kb else b._data.dtype
    else:
        target = np.promote_types(a._data.dtype, b._data.dtype)
    if true_division and target.kind != "f":
        target = np.dtype(np.float32)
    return (a if a._data.dtype == target else a._promoted(target)), (b if b._data.dtype == target else
                                                                     b._promoted(target))


def _bitwise(name, logical, bitwise, a, b):
    """&, |, ^: logical for two bools, bitwise for integers, and PyTorch's error for floats."""
    floats = [t for t in (a, b) if isinstance(t, TensorMath) and t._data.dtype.kind == "f"]
    if isinstance(b, TensorMath):
        try:
            np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            raise RuntimeError(msg.broadcast_mismatch(a.shape, b.shape)) from None
    if floats or isinstance(b, float):
        if isinstance(b, TensorMath) and b._data.dtype != a._data.dtype:
            short = _promote(a, b, False)[0].dtype._short  # named after the dtype the op would compute in
        else:
            short = floats[0].dtype._short if floats else "Float"
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{short}\'')
    both_bool = a._data.dtype.kind == "b" and (isinstance(b, bool) or isinstance(b, TensorMath) and
                                                b._data.dtype.kind == "b")
    if not both_bool and isinstance(b, TensorMath) and a._data.dtype != b._data.dtype:
        a, b = _promote(a, b, False)  # PyTorch's promotion: a 0-d tensor does not widen one with dimensions
    return _compare(logical if both_bool else bitwise, a, b)


def _compare(fn, a, b):
    other = _array_of(b) if not isinstance(b, (list, tuple)) else np.asarray(b)
    try:
        return wrap(np.asarray(fn(a._data, other)))
    except ValueError:
        raise RuntimeError(msg.broadcast_mismatch(a.shape, np.shape(other))) from None


def _shape_args(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    return 0 if unbiased is False else 1


def _check_softmax_input(name, t, dim):
    """softmax/log_softmax compute in floating point only (F.softmax's dtype= converts first; an empty tensor of
    integers is returned as it is, as PyTorch does)."""
    if t._data.dtype.kind != "f" and t._data.size:
        last = t.ndim == 0 or wrap_dim(dim, t.ndim) == t.ndim - 1
        kernel = f"{name}_lastdim_kernel_impl" if last else f"{name}_kernel_impl"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{t.dtype._short}\'')


def _arg_extreme(fn, t, dim, keepdim):
    name = fn.__name__
    if t._data.dtype.kind == "b":
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        if t._data.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        out = np.asarray(fn(t._data), dtype=np.int64)
        return wrap(out.reshape((1,) * t.ndim) if keepdim else out)
    dim = wrap_dim(dim, t.ndim)
    if t.ndim == 0:
        return wrap(np.zeros((), dtype=np.int64))
    if t._data.shape[dim] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
    out = fn(t._data, axis=dim)
    if keepdim:
        out = np.expand_dims(out, dim)
    return wrap(np.asarray(out, dtype=np.int64))


def _check_expand(t, shape):
    """expand's sizes checked with PyTorch's messages (numpy's broadcast error names no dimension)."""
    if len(shape) < t.ndim:
        raise RuntimeError(f"expand({t.dtype._legacy_name}{{{list(t.shape)}}}, size={list(shape)}): the number of "
                           f"sizes provided ({len(shape)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({t.ndim})")
    offset = len(shape) - t.ndim
    if t.ndim == 0 and any(size < 0 for size in shape):
        raise RuntimeError("numel: integer multiplication overflow")  # PyTorch multiplies the sizes first here
    for i in reversed(range(len(shape))):  # PyTorch checks from the last dim
        size = shape[i]
        if i < offset:
            if size < 0:
                raise RuntimeError(f"The expanded size of the tensor ({size}) isn't allowed in a leading, non-existing "
                                   f"dimension {i}")
            continue
        existing = t._data.shape[i - offset]
        if size != -1 and size != existing and existing != 1:
            raise RuntimeError(f"The expanded size of the tensor ({size}) must match the existing size ({existing}) at "
                               f"non-singleton dimension {i}.  Target sizes: {list(shape)}.  Tensor sizes: "
                               f"{list(t.shape)}")


def _checked_narrow(t, dim, start, length):
    """narrow's arguments checked with PyTorch's errors; the dim and start, wrapped."""
    if t.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    dim = wrap_dim(dim, t.ndim)
    size = t._data.shape[dim]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    start = start + size if start < 0 else start
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return dim, start


class _ReturnTypes(tuple):
    """(values, indices) as `torch.return_types.max(values=..., indices=...)`."""

    __slots__ = ()
    _name = "max"

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self):
        return f"torch.return_types.{self._name}(\nvalues={self[0]!r},\nindices={self[1]!r})"


def _return_types(name, values, indices):
    result = _ReturnTypes((values, indices))
    if name != "max":
        result = type("_ReturnTypesMin", (_ReturnTypes,), {"_name": name, "__slots__": ()})((values, indices))
    return result


def maximum(a, b, position=2):
    _check_tensor_arguments("maximum", a, b, position)
    return _binary(pw.Maximum, a, b)


def minimum(a, b, position=2):
    _check_tensor_arguments("minimum", a, b, position)
    return _binary(pw.Minimum, a, b)


def _check_tensor_arguments(name, a, b, position):
    """maximum/minimum take tensors only (PyTorch's TypeError for a number or a list)."""
    for value, argument, where in ((a, "input", 1), (b, "other", position)):
        if not isinstance(value, TensorMath):
            raise TypeError(f"{name}(): argument '{argument}' (position {where}) must be Tensor, not "
                            f"{type(value).__name__}")


def logaddexp(a, b, position=2):
    """log(exp(a) + exp(b)) element-wise, without overflow."""
    _check_tensor_arguments("logaddexp", a, b, position)
    return _binary(pw.LogAddExp, a, b)


def _check_bound(name, argument, bound):
    if bound is None:  # PyTorch's argument parser: neither of its two signatures takes None
        mismatch = "      didn't match because some of the arguments have invalid types: (!NoneType!)\n"
        raise TypeError(f"{name}() received an invalid combination of arguments - got (NoneType), but expected one "
                        f"of:\n * (Tensor {argument})\n{mismatch} * (Number {argument})\n{mismatch}")


def _clamp(a, low, high, ops=(pw.Clamp, pw.ClampTensor)):
    """clamp with PyTorch's dtype rules: a number bound may lift an int (or bool) tensor to float (or int); tensor
    bounds promote with the input (ClampBackward0), number bounds do not (ClampBackward1)."""
    if isinstance(low, TensorMath) or isinstance(high, TensorMath):
        bounds = [None if b is None else b if isinstance(b, TensorMath) else wrap(np.asarray(b, a._data.dtype))
                  for b in (low, high)]
        target = a
        for b in bounds:
            if b is not None and b._data.dtype != target._data.dtype:
                target, _ = _promote(target, b, False)
        dtype = target._data.dtype
        a, low, high = (t if t is None or t._data.dtype == dtype else t._cast(dtype) for t in (a, *bounds))
        for bound in (low, high):
            if bound is not None:
                try:
                    np.broadcast_shapes(a.shape, bound.shape)
                except ValueError:
                    raise RuntimeError(msg.broadcast_mismatch(a.shape, bound.shape)) from None
        return ops[1].apply(a, low, high)
    for bound in (low, high):
        if bound is not None:
            a, _ = _with_number(a, bound)
    return ops[0].apply(a, low, high)


def _inplace_form(name):
    """x.<name>_(): x.<name>() written back into x's memory (PyTorch's in-place variant)."""
    def method(self, *args, **kwargs):
        return self._inplace(lambda t, *a: getattr(t, name)(*a, **kwargs), *args)
    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"In-place {name}: x.{name}_() is x = x.{name}(), written into x's memory."
    return method


for _name in "neg exp log log1p sin cos tan tanh sigmoid abs sqrt rsqrt reciprocal sign square floor round".split():
    if not hasattr(TensorMath, _name + "_"):
        setattr(TensorMath, _name + "_", _inplace_form(_name))
del _name


def cat(tensors, dim=0):
    """Join tensors along an existing dim (dtypes promote as in PyTorch)."""
    tensors = _tensor_list("cat", tensors, ValueError("torch.cat(): expected a non-empty list of Tensors"))
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    first = tensors[0]
    dim = wrap_dim(dim, first.ndim)
    for i, t in enumerate(tensors[1:], start=1):
        if t.ndim != first.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {first.ndim} and {t.ndim}")
        for d in range(first.ndim):
            if d != dim and t.shape[d] != first.shape[d]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}. Expected size "
                                   f"{first.shape[d]} but got size {t.shape[d]} for tensor number {i} in the list.")
    return sh.Cat.apply(dim, *_same_dtype(tensors))


def stack(tensors, dim=0):
    """Join same-shaped tensors along a new dim."""
    tensors = _tensor_list("stack", tensors, RuntimeError("stack expects a non-empty TensorList"))
    dim = wrap_dim(dim, tensors[0].ndim + 1)
    for i, t in enumerate(tensors[1:], start=1):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                               f"entry 0 and {list(t.shape)} at entry {i}")
    return sh.Stack.apply(dim, *_same_dtype(tensors))


def _tensor_list(name, tensors, empty_error):
    """cat's and stack's tensors as a list, with PyTorch's errors for one tensor given alone and for none."""
    if isinstance(tensors, TensorMath):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")
    tensors = list(tensors)
    if not tensors:
        raise empty_error
    return tensors


def _same_dtype(tensors):
    """The tensors converted to their common dtype (PyTorch's promotion: the highest kind, then the widest)."""
    dtypes = {t._data.dtype for t in tensors}
    if len(dtypes) == 1:
        return tensors
    rank = {"b": 0, "i": 1, "u": 1, "f": 2}
    top = max(rank[d.kind] for d in dtypes)
    target = np.result_type(*[d for d in dtypes if rank[d.kind] == top])
    return [t if t._data.dtype == target else t.to(from_numpy_dtype(target)) for t in tensors]


def where(condition, a, b):
    """Pick a where condition holds, b elsewhere; numbers become tensors of the other operand's dtype."""
    condition = _as_tensor(condition)
    # a bool condition goes in as it is (the op saves it, as PyTorch); others as a bool array
    cond = condition if condition._data.dtype == bool else condition._data.astype(bool)
    if not isinstance(a, TensorMath) and not isinstance(b, TensorMath):
        a = wrap(_from_data(a))
    if not isinstance(a, TensorMath):
        b, _ = _with_number(b, a)  # a number may lift the tensor's kind (bool -> int64 -> float32), as in PyTorch
        a = wrap(np.asarray(a, dtype=b._data.dtype))
    if not isinstance(b, TensorMath):
        a, _ = _with_number(a, b)
        b = wrap(np.asarray(b, dtype=a._data.dtype))
    if a._data.dtype != b._data.dtype:
        a, b = _promote(a, b, False)
    try:
        np.broadcast_shapes(cond.shape, a.shape, b.shape)
    except ValueError:
        try:
            first = np.broadcast_shapes(cond.shape, a.shape)
        except ValueError:
            raise RuntimeError(msg.broadcast_mismatch(cond.shape, a.shape)) from None
        raise RuntimeError(msg.broadcast_mismatch(first, b.shape)) from None
    return pw.Where.apply(cond, a, b)


def _from_data(data):
    """Nested lists / numbers / arrays to a numpy array with PyTorch's dtype inference and errors."""
    return array_from_data(data)
