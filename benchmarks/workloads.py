"""The benchmark workloads, each written three ways: minigrad, NumPy with a hand-written backward, torch.

Every builder takes the library module (minigrad or torch) and returns a zero-argument callable that runs
the workload once; setup (data, parameters) happens outside the timed call.
"""
import numpy as np

CHAIN_OPS = 200  # h = h * 1.0001; h = h.tanh(), alternating: 200 ops in all
CHAIN_SIZE = 16


def chain(lib):
    """200 small elementwise ops forward, then backward, on 16 floats."""
    x = lib.tensor(np.linspace(-1, 1, CHAIN_SIZE, dtype=np.float32), requires_grad=True)

    def run():
        h = x
        for _ in range(CHAIN_OPS // 2):
            h = h * 1.0001
            h = h.tanh()
        h.sum().backward()
        x.grad = None
    return run


def chain_numpy():
    x = np.linspace(-1, 1, CHAIN_SIZE, dtype=np.float32)

    def run():
        outs, h = [], x
        for _ in range(CHAIN_OPS // 2):
            h = h * np.float32(1.0001)
            h = np.tanh(h)
            outs.append(h)
        g = np.ones_like(h)
        for out in reversed(outs):
            g = g * (1 - out * out) * np.float32(1.0001)
        return g
    return run


def _mlp_data(batch, inputs=784, classes=10, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((batch, inputs)).astype(np.float32), rng.integers(0, classes, batch)


def mlp(lib, batch=64, hidden=128):
    """One SGD step (zero_grad, forward, cross-entropy, backward, step) of a 784-hidden-10 ReLU MLP."""
    x_np, y_np = _mlp_data(batch)
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(784, hidden), lib.nn.ReLU(), lib.nn.Linear(hidden, 10))
    opt = lib.optim.SGD(model.parameters(), lr=0.01)
    x, y = lib.tensor(x_np), lib.tensor(y_np)

    def run():
        opt.zero_grad()
        loss = lib.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return run


def mlp_numpy_gradients(x, y, w1, b1, w2, b2):
    """Gradients of the mean cross-entropy of a 2-layer ReLU MLP, backward written by hand."""
    batch = len(y)
    pre = x @ w1.T + b1
    h = np.maximum(pre, 0)
    logits = h @ w2.T + b2
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    g_logits = probs  # d loss / d logits = (softmax - onehot) / batch
    g_logits[np.arange(batch), y] -= 1
    g_logits /= batch
    g_pre = (g_logits @ w2) * (pre > 0)
    return g_pre.T @ x, g_pre.sum(0), g_logits.T @ h, g_logits.sum(0)


def mlp_numpy(batch=64, hidden=128, lr=0.01):
    x, y = _mlp_data(batch)
    rng = np.random.default_rng(1)
    w1 = (rng.uniform(-1, 1, (hidden, 784)) / np.sqrt(784)).astype(np.float32)
    b1 = np.zeros(hidden, np.float32)
    w2 = (rng.uniform(-1, 1, (10, hidden)) / np.sqrt(hidden)).astype(np.float32)
    b2 = np.zeros(10, np.float32)
    step = np.float32(lr)

    def run():
        for p, g in zip((w1, b1, w2, b2), mlp_numpy_gradients(x, y, w1, b1, w2, b2)):
            p -= step * g
    return run


def deep_chain(lib, length):
    """Backward alone of a chain of `length` additions (the graph is built outside the timed part)."""
    x = lib.tensor(1.0, requires_grad=True)

    def build():
        h = x
        for _ in range(length):
            h = h + 1.0
        return h
    return build


def digits_data():
    from sklearn.datasets import load_digits
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    return x, digits.target.astype(np.int64)


DIGITS_CONFIG = {"hidden": 64, "epochs": 5, "batch": 32, "lr": 0.1, "momentum": 0.9}


def digits(lib, epochs=None):
    """Lesson 13's training run: a 64-64-10 ReLU MLP on scikit-learn's digits, SGD with momentum."""
    x_np, y_np = digits_data()
    cfg = dict(DIGITS_CONFIG, epochs=epochs or DIGITS_CONFIG["epochs"])
    x_all, y_all = lib.tensor(x_np), lib.tensor(y_np)

    def run():
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(64, cfg["hidden"]), lib.nn.ReLU(), lib.nn.Linear(cfg["hidden"], 10))
        opt = lib.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=cfg["momentum"])
        for _ in range(cfg["epochs"]):
            order = lib.randperm(len(y_np))
            for start in range(0, len(y_np), cfg["batch"]):
                idx = order[start:start + cfg["batch"]]
                opt.zero_grad()
                loss = lib.nn.functional.cross_entropy(model(x_all[idx]), y_all[idx])
                loss.backward()
                opt.step()
        return loss.item()
    return run
