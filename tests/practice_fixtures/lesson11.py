"""Typical wrong answers to practice 11; check() must reject each one with the hint fragment named here."""
import minigrad as torch
from minigrad import nn


def _step(w0, b0, xs, ys, lr, sign=-1, reduce="mean"):
    w = torch.tensor(w0, requires_grad=True)
    b = torch.tensor(b0, requires_grad=True)
    x, y = torch.tensor(xs), torch.tensor(ys)
    squared = (w * x + b - y) ** 2
    (squared.mean() if reduce == "mean" else squared.sum()).backward()
    return w.item() + sign * lr * w.grad.item(), b.item() + sign * lr * b.grad.item()


def step_uphill(w0, b0, xs, ys, lr):
    return _step(w0, b0, xs, ys, lr, sign=1)


def step_on_the_sum(w0, b0, xs, ys, lr):
    return _step(w0, b0, xs, ys, lr, reduce="sum")


def step_returns_gradients(w0, b0, xs, ys, lr):
    w = torch.tensor(w0, requires_grad=True)
    b = torch.tensor(b0, requires_grad=True)
    ((w * torch.tensor(xs) + b - torch.tensor(ys)) ** 2).mean().backward()
    return w.grad.item(), b.grad.item()


def _epochs(model, inputs, targets, epochs, batch_size, lr, weighted=True, zero=True, keep_tensors=False):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        total, batch_losses = 0.0, []
        for start in range(0, len(inputs), batch_size):
            x_batch, y_batch = inputs[start:start + batch_size], targets[start:start + batch_size]
            if zero:
                optimizer.zero_grad()
            loss = nn.MSELoss()(model(x_batch), y_batch)
            loss.backward()
            optimizer.step()
            total = total + (loss if keep_tensors else loss.item()) * len(x_batch)
            batch_losses.append(loss.item())
        losses.append(total / len(inputs) if weighted else sum(batch_losses) / len(batch_losses))
    return losses


def epochs_unweighted_mean(model, inputs, targets, epochs, batch_size, lr):
    return _epochs(model, inputs, targets, epochs, batch_size, lr, weighted=False)


def epochs_without_zero_grad(model, inputs, targets, epochs, batch_size, lr):
    return _epochs(model, inputs, targets, epochs, batch_size, lr, zero=False)


def epochs_keeping_tensors(model, inputs, targets, epochs, batch_size, lr):
    return _epochs(model, inputs, targets, epochs, batch_size, lr, keep_tensors=True)


def epochs_full_batch(model, inputs, targets, epochs, batch_size, lr):
    return _epochs(model, inputs, targets, epochs, len(inputs), lr)


class ListMLP(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = [nn.Linear(n_in, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:])]

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.tanh(layer(x))
        return self.layers[-1](x)


def make_list_mlp(sizes):
    return ListMLP(sizes)


class BackwardsMLP(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        pairs = list(zip(sizes[:-1], sizes[1:]))
        layers = {k: nn.Linear(*pairs[k]) for k in reversed(range(len(pairs)))}  # created last to first
        self.layers = nn.ModuleList([layers[k] for k in range(len(pairs))])

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.tanh(layer(x))
        return self.layers[-1](x)


def make_backwards_mlp(sizes):
    return BackwardsMLP(sizes)


WRONG_ANSWERS = [
    ("11.1", step_uphill, "you stepped uphill"),
    ("11.1", step_on_the_sum, "sum of squared errors"),
    ("11.1", step_returns_gradients, "that is the gradient itself"),
    ("11.2", epochs_unweighted_mean, "weight each batch's loss by its size"),
    ("11.2", epochs_without_zero_grad, "optimizer.zero_grad()"),
    ("11.2", epochs_keeping_tensors, "keep numbers, not tensors"),
    ("11.2", epochs_full_batch, "one optimizer step per mini-batch"),
    ("11.3", make_list_mlp, "a plain Python list is invisible"),
    ("11.3", make_backwards_mlp, "create the layers in order"),
    ("11.4", lambda: "a", "plain SGD's step"),
    ("11.4", lambda: "c", "proportions of the gradients are not kept"),
    ("11.4", lambda: "d", "bias correction"),
]
