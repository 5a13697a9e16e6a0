"""torch.nn.functional: the stateless versions of the layers and losses (F.relu, F.cross_entropy, ...)."""
import warnings

import numpy as np

from .. import _messages as msg
from .. import _random
from ..ops import linalg
from ..ops import loss as loss_ops
from ..ops.activation import LeakyRelu, Softplus
from ..tensor import Tensor
from ..tensor_math import _promote

_REDUCTIONS = ("mean", "sum", "none")


# ---- activations ----
def relu(input, inplace=False):  # noqa: A002 - PyTorch's argument name
    return input.relu_() if inplace else input.relu()


def leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    out = LeakyRelu.apply(input, negative_slope)
    return input._write_result(out) if inplace else out


def softplus(input, beta=1.0, threshold=20.0):  # noqa: A002
    """log(1 + exp(beta x)) / beta: a smooth relu (x itself where beta x > threshold)."""
    return Softplus.apply(input, beta, threshold)


def sigmoid(input):  # noqa: A002
    return input.sigmoid()


def tanh(input):  # noqa: A002
    return input.tanh()


def _softmax_dim(name, ndim):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X "
                  "as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim)
    return (input if dtype is None else input.to(dtype)).softmax(dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim)
    return (input if dtype is None else input.to(dtype)).log_softmax(dim)


# ---- layers ----
def linear(input, weight, bias=None):  # noqa: A002
    """input @ weight.T + bias, with PyTorch's ops: addmm (on a 2-D view of the input when it is contiguous)."""
    if input.ndim == 0 or weight.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {input.ndim}D and "
                           f"{weight.ndim}D")
    addmm = bias is not None and (input.ndim == 2 or (bias.ndim == 1 and input.is_contiguous()))
    if addmm and input.dtype is not weight.dtype:  # (addmm checks dtypes first; matmul, below, shapes first)
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {input.dtype._short} and "
                           f"{weight.dtype._short}")
    if bias is None:
        return input.matmul(weight.t())
    if input.ndim == 2:
        return linalg.Addmm.apply(bias, input, weight.t())
    if bias.ndim == 1 and input.is_contiguous():  # flattened to 2-D, as PyTorch does (a 0-d bias is added after)
        flat = input.view(int(np.prod(input.shape[:-1])), input.shape[-1])  # (-1 cannot be inferred when empty)
        return linalg.Addmm.apply(bias, flat, weight.t()).view(*input.shape[:-1], weight.shape[0])
    return input.matmul(weight.t()) + bias


def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero each element with probability p and scale the rest by 1/(1-p); identity when not training."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input.numel() == 0:
        return input
    dtype = input._data.dtype
    if p == 1:
        noise = Tensor._make(np.zeros((), dtype=dtype))
    else:
        keep = _random.bernoulli_mask(input.shape, p)
        noise = Tensor._make(keep.astype(dtype) / dtype.type(1 - p))
    return input.mul_(noise) if inplace else input * noise


# ---- losses ----
def _check_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _broadcast_pair(input, target):  # noqa: A002
    """Warn like PyTorch when the target's shape differs (a classic bug), then broadcast both."""
    if target.shape == input.shape:
        return input, target
    warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                  "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                  "same size.", UserWarning, stacklevel=3)
    try:
        shape = np.broadcast_shapes(input.shape, target.shape)
    except ValueError:
        raise RuntimeError(msg.broadcast_mismatch(input.shape, target.shape)) from None
    return (input if input.shape == shape else input.expand(shape),
            target if target.shape == shape else target.expand(shape))


def _as_float_like(target, input):  # noqa: A002
    return target if target.dtype is input.dtype else target.to(input.dtype)


def _pointwise_loss_args(name, input, target, size_average, reduce, reduction, weight):  # noqa: A002
    """The checks mse_loss and l1_loss share: reduction, a float target broadcast to the input, no weight."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if weight is not None:
        raise NotImplementedError(f"minigrad's {name} does not support weight")
    if target.is_floating_point() and target.dtype is not input.dtype:  # float32 vs float64: both take the wider
        input, target = _promote(input, target, False)  # noqa: A001
    return (*_broadcast_pair(input, _as_float_like(target, input)), reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):  # noqa: A002
    input, target, reduction = _pointwise_loss_args("mse_loss", input, target, size_average, reduce,  # noqa: A001
                                                    reduction, weight)
    return loss_ops.MseLoss.apply(input, target, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):  # noqa: A002
    """|input - target|, reduced: PyTorch composes it from sub, abs and mean/sum."""
    input, target, reduction = _pointwise_loss_args("l1_loss", input, target, size_average, reduce,  # noqa: A001
                                                    reduction, weight)
    loss = (input - target).abs()
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                         reduction="mean"):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) "
                         "is deprecated. Please ensure they have the same size.")
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {target.dtype._short} but expected {input.dtype._short}")
    w = None if weight is None else np.broadcast_to(weight._data, input.shape).astype(input._data.dtype)
    return loss_ops.BinaryCrossEntropy.apply(input, target, w, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                                     reduction="mean", pos_weight=None):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    dtype = input._data.dtype
    w = None if weight is None else np.broadcast_to(weight._data, input.shape).astype(dtype)
    pw = None if pos_weight is None else np.asarray(pos_weight._data, dtype=dtype)
    # PyTorch builds this loss in place on (1 - target), so the loss has the target's dtype
    target = target if target.is_floating_point() else _as_float_like(target, input)
    loss = loss_ops.BinaryCrossEntropyWithLogits.apply(input, target, w, pw, (reduction, target._data.dtype))
    return loss


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
             reduction="mean"):
    """-input[i, target[i]] averaged over the batch; input holds log-probabilities, target class indices."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _check_class_target(input, target)
    w = None if weight is None else weight._data
    return loss_ops.NllLoss.apply(input, target, w, ignore_index, reduction)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
                  reduction="mean", label_smoothing=0.0):
    """nll_loss(log_softmax(input, class dim), target): one stable step from logits to the loss."""
    if label_smoothing:
        raise NotImplementedError("minigrad's cross_entropy does not support label_smoothing")
    class_dim = 0 if input.ndim == 1 else 1
    if target.is_floating_point() and target.shape == input.shape:  # class probabilities instead of indices
        reduction = _legacy_reduction(size_average, reduce, reduction)
        _check_reduction(reduction)
        if weight is not None or ignore_index != -100:
            raise NotImplementedError("minigrad's cross_entropy with probability targets takes no weight")
        products = input.log_softmax(class_dim) * target
        if reduction == "none":
            return -products.sum(class_dim)
        loss = -products.sum()
        return loss / input.shape[0] if reduction == "mean" and input.ndim > 1 else loss
    return nll_loss(input.log_softmax(class_dim), target, weight, size_average, ignore_index, reduce, reduction)


def _check_class_target(input, target):  # noqa: A002
    if not isinstance(target, Tensor):
        raise TypeError(f"nll_loss(): argument 'target' (position 2) must be Tensor, not {type(target).__name__}")
    if target._data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {target.dtype._short}")
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim == 1:
        if target.numel() != 1 or target.ndim > 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.numel()}")
        return
    batch = target.shape[0] if target.ndim else 0  # (PyTorch reads a 0-d target's batch size as 0)
    if input.shape[0] != batch:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({batch}).")
    if input.ndim == 2 and target.ndim > 1:  # e.g. class indices shaped (N, 1)
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target.shape[1:] != input.shape[2:]:
        raise RuntimeError(f"Expected target size {list(input.shape[:1]) + list(input.shape[2:])}, got "
                           f"{list(target.shape)}")


def _legacy_reduction(size_average, reduce, reduction):
    """The deprecated size_average/reduce flags, mapped onto reduction as PyTorch does."""
    if size_average is None and reduce is None:
        return reduction
    warnings.warn("size_average and reduce args will be deprecated, please use reduction='{}' instead.".format(
        "none" if reduce is False else "mean" if size_average is not False else "sum"), UserWarning, stacklevel=3)
    if reduce is False:
        return "none"
    return "sum" if size_average is False else "mean"
