"""SGD with momentum, dampening, Nesterov momentum, weight decay and maximize (PyTorch's update, same order)."""
from ..tensor import Tensor
from .optimizer import Optimizer, add, add_


class SGD(Optimizer):
    """p -= lr * g with g = grad + weight_decay * p, smoothed by momentum: buf = momentum buf + (1 - dampening) g."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach, "differentiable": differentiable,
                    "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, momentum, weight_decay = group["lr"], group["momentum"], group["weight_decay"]
            for p in self._with_grad(group):
                grad = p.grad._data if not group["maximize"] else -p.grad._data
                if weight_decay != 0:
                    grad = add(grad, p._data, alpha=weight_decay)
                if momentum != 0:
                    state = self.state[p]
                    if state.get("momentum_buffer") is None:
                        state["momentum_buffer"] = Tensor._make(grad.copy())
                        buf = state["momentum_buffer"]._data
                    else:
                        buf = state["momentum_buffer"]._data
                        buf[...] = add(buf * buf.dtype.type(momentum), grad, alpha=1 - group["dampening"])
                    grad = add(grad, buf, alpha=momentum) if group["nesterov"] else buf
                add_(p, grad, alpha=-lr)
        return loss
