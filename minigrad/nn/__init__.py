"""minigrad.nn: Module, Parameter, layers, activations, losses; plus functional, init and utils."""
from . import functional, init, utils
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Module
from .modules import (
    Dropout,
    Flatten,
    Identity,
    LeakyReLU,
    Linear,
    LogSoftmax,
    ModuleList,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
)
from .parameter import Parameter

__all__ = ["Module", "Parameter", "Linear", "Sequential", "ModuleList", "Identity", "ReLU", "LeakyReLU", "Tanh",
           "Sigmoid", "Softplus", "Softmax", "LogSoftmax", "Dropout", "Flatten", "MSELoss", "L1Loss", "BCELoss",
           "BCEWithLogitsLoss", "NLLLoss", "CrossEntropyLoss", "functional", "init", "utils"]
