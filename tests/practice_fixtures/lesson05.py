"""Typical wrong answers to practice 05; check() must reject each one with the hint fragment named here."""
import minigrad as torch
from minigrad import nn


def grad_zeroed_between_calls(values, calls):
    x = torch.tensor(values, requires_grad=True)
    for _ in range(calls):
        x.grad = None
        (x**2).sum().backward()
    return x.grad


def grad_zeros_when_no_call(values, calls):
    x = torch.tensor(values, requires_grad=True)
    for _ in range(calls):
        (x**2).sum().backward()
    return x.grad if x.grad is not None else torch.zeros(len(values))


def _train(xs, ys, steps, lr, placement):
    w = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=lr)
    for _ in range(steps):
        loss = ((w * xs + b - ys) ** 2).mean()
        loss.backward()
        if placement == "between":
            optimizer.zero_grad()
        optimizer.step()
    return w.item(), b.item()


def train_line_as_given(xs, ys, steps, lr):
    return _train(xs, ys, steps, lr, "between")


def train_line_without_zeroing(xs, ys, steps, lr):
    return _train(xs, ys, steps, lr, "never")


def accumulate_without_scaling(model, inputs, targets, size):
    model.zero_grad()
    for x_micro, y_micro in zip(inputs.split(size), targets.split(size)):
        nn.functional.mse_loss(model(x_micro), y_micro).backward()
    return model.weight.grad, model.bias.grad


def accumulate_divided_by_count(model, inputs, targets, size):
    model.zero_grad()
    chunks = list(zip(inputs.split(size), targets.split(size)))
    for x_micro, y_micro in chunks:
        (nn.functional.mse_loss(model(x_micro), y_micro) / len(chunks)).backward()
    return model.weight.grad, model.bias.grad


def accumulate_zeroing_each_time(model, inputs, targets, size):
    for x_micro, y_micro in zip(inputs.split(size), targets.split(size)):
        model.zero_grad()
        (nn.functional.mse_loss(model(x_micro), y_micro) * len(x_micro) / len(inputs)).backward()
    return model.weight.grad, model.bias.grad


def accumulate_onto_old_gradients(model, inputs, targets, size):
    for x_micro, y_micro in zip(inputs.split(size), targets.split(size)):
        (nn.functional.mse_loss(model(x_micro), y_micro) * len(x_micro) / len(inputs)).backward()
    return model.weight.grad, model.bias.grad


WRONG_ANSWERS = [
    ("05.1", grad_zeroed_between_calls, "the calls add up"),
    ("05.1", grad_zeros_when_no_call, "not zeros"),
    ("05.2", train_line_as_given, "throws each gradient away"),
    ("05.2", train_line_without_zeroing, "the sum of all gradients so far"),
    ("05.3", accumulate_without_scaling, "the sum is too large"),
    ("05.3", accumulate_divided_by_count, "over-weights the smaller last one"),
    ("05.3", accumulate_zeroing_each_time, "only the last micro-batch counted"),
    ("05.3", accumulate_onto_old_gradients, "clear them first"),
    ("05.4", lambda: {"a"}, "b too"),
    ("05.4", lambda: {"a", "b", "c"}, "must be cleared"),
]
