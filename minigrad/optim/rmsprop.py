"""RMSprop (PyTorch's single-tensor update, same arithmetic order)."""
import numpy as np

from .optimizer import Optimizer, add, addcdiv, addcmul, lerp, step_counter, write_, zeros_state


class RMSprop(Optimizer):
    """v = alpha v + (1-alpha) g^2;  p -= lr * g / (sqrt(v) + eps)  (centered: v - mean(g)^2; momentum: a buffer)."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def _update(self, p, group):
        lr, alpha, eps, momentum = group["lr"], group["alpha"], group["eps"], group["momentum"]
        state = self.state[p]
        if not state:
            state["step"] = step_counter()
            state["square_avg"] = zeros_state(p)
            if momentum > 0:
                state["momentum_buffer"] = zeros_state(p)
            if group["centered"]:
                state["grad_avg"] = zeros_state(p)
        grad = p.grad._data if not group["maximize"] else -p.grad._data
        square_avg = state["square_avg"]._data
        state["step"]._data += 1
        if group["weight_decay"] != 0:
            grad = add(grad, p._data, alpha=group["weight_decay"])
        square_avg[...] = addcmul(square_avg * square_avg.dtype.type(alpha), grad, grad, value=1 - alpha)
        if group["centered"]:
            grad_avg = state["grad_avg"]._data
            grad_avg[...] = lerp(grad_avg, grad, 1 - alpha)
            avg = np.sqrt(addcmul(square_avg, grad_avg, grad_avg, value=-1))
        else:
            avg = np.sqrt(square_avg)
        avg = avg + avg.dtype.type(eps)
        if momentum > 0:
            buf = state["momentum_buffer"]._data
            buf[...] = addcdiv(buf * buf.dtype.type(momentum), grad, avg)
            write_(p, add(p._data, buf, alpha=-lr))
        else:
            write_(p, addcdiv(p._data, grad, avg, value=-lr))
