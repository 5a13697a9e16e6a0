"""Typical wrong answers to practice 03; check() must reject each one with the hint fragment named here."""
import math

import minigrad as torch


def slope_returns_the_value(x0):
    x = torch.tensor(x0, requires_grad=True)
    y = x**3 - 4 * x
    y.backward()
    return y.item()


def both_ways_without_inner_derivative(x0):
    x = torch.tensor(x0, requires_grad=True)
    torch.exp(torch.sin(x)).backward()
    return math.exp(math.sin(x0)), x.grad.item()


def both_ways_autograd_returns_f(x0):
    x = torch.tensor(x0, requires_grad=True)
    y = torch.exp(torch.sin(x))
    y.backward()
    return math.exp(math.sin(x0)) * math.cos(x0), y.item()


def _neuron(x, y, w, b, clamp=True, sign=-1, watch_b=True):
    w = torch.tensor(w, requires_grad=True)
    b = torch.tensor(b, requires_grad=watch_b)
    y_hat = torch.sigmoid(w * x + b)
    low = 1e-8 if clamp else 0.0
    loss = sign * (y * torch.log(y_hat.clamp(min=low)) + (1 - y) * torch.log((1 - y_hat).clamp(min=low)))
    loss.backward()
    return loss.item(), w.grad.item(), (b.grad.item() if b.grad is not None else None)


def neuron_grads_b_not_watched(x, y, w, b):
    return _neuron(x, y, w, b, watch_b=False)


def neuron_grads_without_clamp(x, y, w, b):
    return _neuron(x, y, w, b, clamp=False)


def neuron_grads_without_minus(x, y, w, b):
    return _neuron(x, y, w, b, sign=1)


WRONG_ANSWERS = [
    ("03.1", slope_returns_the_value, "that is y itself"),
    ("03.2", both_ways_without_inner_derivative, "multiply by the inner derivative"),
    ("03.2", both_ways_autograd_returns_f, "that is f(x0) itself"),
    ("03.3", neuron_grads_b_not_watched, "b must be watched too"),
    ("03.3", neuron_grads_without_clamp, "clamp the probabilities at 1e-8"),
    ("03.3", neuron_grads_without_minus, "minus sign"),
    ("03.4", lambda: "a", "only computes gradients"),
    ("03.4", lambda: "d", "backward() returns None"),
]
