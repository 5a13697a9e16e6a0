"""Loss ops, one backward node each as in PyTorch (MseLossBackward0, NllLossBackward0, ...).

`reduction` is "mean", "sum" or "none". Targets given as class indices (and class weights) travel as
numpy arrays, so they are not inputs of the node: PyTorch's NllLossBackward0 lists only the input.
Backward formulas are Tensor expressions, so create_graph=True differentiates them again.
"""
import numpy as np

from ..autograd.function import Function, auto_element_wise, is_tensor, wrap
from .pointwise import DivScalar

BCE_LOG_FLOOR = -100.0  # PyTorch clamps log(x) and log(1-x) here so that x = 0 or 1 gives a finite loss
BCE_GRAD_EPSILON = 1e-12  # and keeps x(1-x) away from 0 in the gradient


def reduce_array(loss, reduction):
    """mean: the sum, then / n (nan for an empty input, silently, as in PyTorch); half accumulates in float32."""
    if reduction == "none":
        return loss
    wide = np.float32 if loss.dtype == np.float16 else loss.dtype.type
    total = np.add.reduce(loss, axis=None, dtype=wide)
    if reduction == "mean":
        with np.errstate(invalid="ignore"):
            total = total / wide(loss.size)
    return np.asarray(total).astype(loss.dtype)


def loss_jvp(ctx, *tangents):
    """The jvp of a loss: element-wise terms, then reduced. Without reduction that is an element-wise op (J·t is
    backward applied to the tangents); with one, J·t sums the element-wise factors (backward of a gradient 1) times
    the tangents."""
    if ctx.reduction == "none":
        return auto_element_wise(ctx, *tangents)
    factors = ctx.backward(wrap(np.ones((), ctx.output._data.dtype)))
    return sum((f * t).sum() for f, t in zip(factors, tangents) if f is not None and t is not None)


def _scale(ctx, n):
    """d(mean)/d(element) = 1/n; sum and none pass the gradient through."""
    if ctx.reduction != "mean":
        return 1.0
    return 1.0 / n if n else float("nan")  # an empty mean: its gradient is empty anyway


def _weighted_mean(ctx, grad, n):
    """The last steps of PyTorch's loss backward formulas: times the weight, then divided by n for a mean (so
    that a gradient computed with create_graph ends in DivBackward1)."""
    if ctx.weight is not None:
        grad = grad * ctx.weight
    return DivScalar.apply(grad, n) if ctx.reduction == "mean" else grad


def _log_sigmoid(v):
    """log sigmoid(v) = min(v, 0) - log1p(exp(-|v|)), as PyTorch's kernel computes it"""
    return v.clamp(max=0) - (-v.abs()).exp().log1p()


class MseLoss(Function):
    """mean((x - y)^2):  dx = 2 (x - y) g / n,  dy = 2 (y - x) g / n"""
    node_name = "MseLossBackward0"

    @staticmethod
    def forward(ctx, x, y, reduction):
        ctx.save_for_backward(x, y)
        ctx.reduction = reduction
        diff = x._data - y._data
        return reduce_array(diff * diff, reduction)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        norm = 2.0 * _scale(ctx, x.numel())
        return (MseLossBackward.apply(g, x, y, norm) if ctx.needs_input_grad[0] else None,
                MseLossBackward.apply(g, y, x, norm) if ctx.needs_input_grad[1] else None, None)

    jvp = loss_jvp


class MseLossBackward(Function):
    """mse_loss's backward as PyTorch runs it, an op of its own: norm (x - y) g, norm = 2/n for a mean, else 2:
    dg = norm (x - y) gg,  dx = norm g gg,  dy = -dx"""
    node_name = "MseLossBackwardBackward0"

    @staticmethod
    def forward(ctx, g, x, y, norm):
        ctx.save_for_backward(g, x, y)
        ctx.norm = norm
        return norm * (x._data - y._data) * g._data

    @staticmethod
    def backward(ctx, gg):
        g, x, y = ctx.saved_tensors
        dg = ctx.norm * (x - y) * gg if ctx.needs_input_grad[0] else None
        dx = gg * g * ctx.norm if ctx.needs_input_grad[1] or ctx.needs_input_grad[2] else None
        return dg, dx, (-dx if ctx.needs_input_grad[2] else None), None

    jvp = auto_element_wise  # forward mode: J·t is backward applied to the tangent


class BinaryCrossEntropy(Function):
    """-(y log x + (1 - y) log(1 - x)), logs clamped at -100:  dx = g (x - y) / max(x (1 - x), 1e-12)"""
    node_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, x, y, weight, reduction):
        p = x._data
        if ((p < 0) | (p > 1)).any() or np.isnan(p).any():
            raise RuntimeError("all elements of input should be between 0 and 1")
        if ((y._data < 0) | (y._data > 1)).any():
            raise RuntimeError("all elements of target should be between 0 and 1")
        ctx.save_for_backward(x, y)
        ctx.weight, ctx.reduction = weight, reduction
        log_p = np.maximum(np.log(p), BCE_LOG_FLOOR)
        log_not_p = np.maximum(np.log1p(-p), BCE_LOG_FLOOR)
        loss = (y._data - 1) * log_not_p - y._data * log_p
        return reduce_array(loss if weight is None else loss * weight, reduction)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        scale = g * _scale(ctx, x.numel()) if ctx.weight is None else g * _scale(ctx, x.numel()) * ctx.weight
        grad_x = scale * (x - y) / ((1 - x) * x).clamp(min=BCE_GRAD_EPSILON)
        grad_y = None
        if ctx.needs_input_grad[1]:
            grad_y = scale * ((1 - x).log().clamp(min=BCE_LOG_FLOOR) - x.log().clamp(min=BCE_LOG_FLOOR))
        return grad_x, grad_y, None, None

    jvp = loss_jvp


class BinaryCrossEntropyWithLogits(Function):
    """(1 - y) z - w_pos log sigmoid(z), w_pos = 1 + (pos_weight - 1) y:  dz = g (w_pos sigmoid(z) - pos_weight y)"""
    node_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, z, y, weight, pos_weight, reduction):
        reduction, out_dtype = reduction if isinstance(reduction, tuple) else (reduction, z._data.dtype)
        ctx.save_for_backward(z, y)
        ctx.weight, ctx.pos_weight, ctx.reduction = weight, pos_weight, reduction
        common = np.result_type(z._data, y._data)  # float16 logits with a float32 target are computed in float32
        x, t = z._data.astype(common, copy=False), y._data.astype(common, copy=False)
        log_sigmoid = np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))  # never exponentiates a large number
        log_weight = 1 if pos_weight is None else (pos_weight - 1) * t + 1
        loss = (1 - t) * x - log_weight * log_sigmoid
        return reduce_array(loss if weight is None else loss * weight, reduction).astype(out_dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        z, y = ctx.saved_tensors
        pos_weight = ctx.pos_weight
        if pos_weight is None:
            grad_z = z.sigmoid() - y
        else:  # PyTorch's order: (t + 1 - y) sigmoid(z) - t with t = pos_weight y
            t = y * pos_weight
            grad_z = (t + 1 - y) * z.sigmoid() - t
        grad_z = _weighted_mean(ctx, grad_z * g, z.numel())
        grad_y = None
        if ctx.needs_input_grad[1]:
            if pos_weight is None:
                grad_y = -z * g
            else:  # PyTorch's: log_sigmoid(-z) - log_sigmoid(z) pos_weight
                grad_y = (_log_sigmoid(-z) - _log_sigmoid(z) * pos_weight) * g
            grad_y = _weighted_mean(ctx, grad_y, z.numel())
        return grad_z, grad_y, None, None, None

    jvp = loss_jvp


class NllLoss(Function):
    """-x[i, target_i] (weighted, averaged over the weights of the counted targets):  dx[i, t_i] = -w_i g / W"""
    node_name = "NllLossBackward0"
    constant_inputs = (1,)  # the target: saved, but no edge (as PyTorch)

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction):
        labels = target._data if is_tensor(target) else target  # (a tensor of class indices, or their array)
        picked, w, safe_target = _pick(x._data, labels, weight, ignore_index)
        # PyTorch: -(x * w) per sample of a batch, but 0 - x * w for a single sample (a zero prints 0. there)
        loss = -(picked * w) if x.ndim >= 2 else 0 - picked * w
        ctx.arguments, ctx.picks = (target, weight, ignore_index, reduction), (safe_target, w)
        # as PyTorch (backward needs only x's shape): changing x or the target in place then makes backward fail
        ctx.save_for_backward(x, target if is_tensor(target) else None)
        if reduction == "mean":
            return np.asarray(loss.sum(dtype=loss.dtype) / w.sum(dtype=w.dtype))
        return reduce_array(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, _ = ctx.saved_tensors  # (checks that x and the target were not changed in place, nor freed)
        return NllLossBackward.apply(g, x, *ctx.arguments, ctx.picks), None, None, None, None

    @staticmethod
    def jvp(ctx, t, *_):
        return NllLoss.apply(t, *ctx.inputs[1:])  # forward mode: the op itself on x's tangent (linear in x)


class NllLossBackward(Function):
    """nll_loss's backward as PyTorch runs it, an op of its own (x is an input only for its shape): -w_i g / W at
    [i, t_i], +0 elsewhere. Linear in g, so dg = nll_loss of gg;  dx = 0"""
    node_name = "NllLossBackwardBackward0"
    constant_inputs = (2,)  # the target

    @staticmethod
    def forward(ctx, g, x, target, weight, ignore_index, reduction, picks=None):
        ctx.arguments = (target, weight, ignore_index, reduction)
        if picks is None:  # (the forward's picks, when nll_loss's own backward calls it)
            labels = target._data if is_tensor(target) else target
            _, w, safe_target = _pick(x._data, labels, weight, ignore_index)
        else:
            safe_target, w = picks
        grad = g._data
        if reduction == "mean":
            grad = grad / w.sum(dtype=w.dtype)
        values = -grad * w  # PyTorch: w * -(g / W), one per pick
        out = np.zeros(x.shape, dtype=values.dtype)
        out[_pick_index(x.shape, safe_target)] = np.where(w != 0, values, 0)  # +0 where nothing is counted
        return out

    @staticmethod
    def backward(ctx, gg):
        dg = NllLoss.apply(gg, *ctx.arguments) if ctx.needs_input_grad[0] else None
        dx = wrap(np.zeros(gg.shape, gg._data.dtype)) if ctx.needs_input_grad[1] else None  # (PyTorch: zeros)
        return dg, dx, None, None, None, None, None

    @staticmethod
    def jvp(ctx, t_g, *_):
        return NllLossBackward.apply(t_g, *ctx.inputs[1:]) if t_g is not None else None


def _pick_index(shape, target):
    """The index of [i, target_i] in an input of `shape` (C,), (N, C) or (N, C, d1, ...)."""
    if len(shape) == 1:
        return (target,)
    if target.ndim == 1:  # (speed: the common case, one class per row)
        return np.arange(len(target)), target
    rest = np.indices(target.shape, sparse=True)  # (i, d1, ...) aligned with target
    return (rest[0], target, *rest[1:])


def _pick(x, target, weight, ignore_index):
    """x[i, target_i] for input (N, C, ...) or (C,), the targets used to pick (ignored ones read class 0), and
    each pick's weight (0 for ignore_index)."""
    classes = x.shape[0 if x.ndim == 1 else 1]
    counted = target != ignore_index
    safe = np.where(counted, target, 0)
    bad = (safe < 0) | (safe >= classes)
    if bad.any():
        raise IndexError(f"Target {int(safe[bad].flat[0])} is out of bounds.")
    picked = x[_pick_index(x.shape, safe)]
    w = counted.astype(x.dtype) if weight is None else np.where(counted, weight[safe], 0).astype(x.dtype)
    return picked, w, safe
