"""Typical wrong answers to practice 10; check() must reject each one with the hint fragment named here."""
import minigrad as torch


def descend_rebinding(values, lr, steps):
    w = torch.tensor(values, requires_grad=True)
    for _ in range(steps):
        ((w - 2) ** 2).sum().backward()
        w = w - lr * w.grad
    return w


def descend_rebinding_under_no_grad(values, lr, steps):
    w = torch.tensor(values, requires_grad=True)
    for _ in range(steps):
        ((w - 2) ** 2).sum().backward()
        with torch.no_grad():
            w = w - lr * w.grad
    return w


def descend_without_zeroing(values, lr, steps):
    w = torch.tensor(values, requires_grad=True)
    for _ in range(steps):
        ((w - 2) ** 2).sum().backward()
        with torch.no_grad():
            w -= lr * w.grad
    return w


def root_with_where_only(x):
    return torch.where(x > 0, x.sqrt(), x)


def root_through_numbers(x):
    values = [v ** 0.5 if v > 0 else v for v in x.detach().flatten().tolist()]
    return torch.tensor(values).reshape(x.shape)


def train_as_given(model, inputs, targets, epochs, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        loss = ((model(inputs) - targets) ** 2).sum()
        loss.backward()
        optimizer.step()
        history.append(loss)
    return history


def train_with_sum(model, inputs, targets, epochs, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = ((model(inputs) - targets) ** 2).sum()
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    return history


def train_without_zero_grad(model, inputs, targets, epochs, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        loss = ((model(inputs) - targets) ** 2).mean()
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    return history


def numpy_shared(t):
    return t.detach().numpy()


def numpy_direct(t):
    return t.numpy()


WRONG_ANSWERS = [
    ("10.1", lambda: {"a", "c", "e", "b"}, "tanh saves its output"),
    ("10.1", lambda: {"a", "e"}, "tanh saved its output y"),
    ("10.1", lambda: {"a", "c", "d", "e"}, "saves nothing about h or y"),
    ("10.2", descend_rebinding, "no longer a leaf"),
    ("10.2", descend_rebinding_under_no_grad, "makes a new tensor"),
    ("10.2", descend_without_zeroing, "without clearing w.grad"),
    ("10.3", root_with_where_only, "0 * inf = nan"),
    ("10.3", root_through_numbers, "with tensor ops"),
    ("10.4", train_as_given, "append loss.item()"),
    ("10.4", train_with_sum, "use .mean()"),
    ("10.4", train_without_zero_grad, "without optimizer.zero_grad()"),
    ("10.5", numpy_shared, "shares memory"),
    ("10.5", numpy_direct, ".detach() before .numpy()"),
]
