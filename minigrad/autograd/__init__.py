"""minigrad.autograd: the reverse-mode engine's public API, named and behaving as torch.autograd."""
from . import forward_ad, functional, grad_mode, graph
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .function import Function, once_differentiable
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .gradcheck import gradcheck, gradgradcheck  # (the function shadows the module, as in PyTorch)
from .gradients import backward, grad

__all__ = ["backward", "grad", "Function", "once_differentiable", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode", "is_grad_enabled", "is_inference_mode_enabled", "grad_mode", "gradcheck", "gradgradcheck",
           "functional", "forward_ad", "graph", "detect_anomaly", "set_detect_anomaly"]

