"""Whole training loops with minigrad.nn and minigrad.optim: learning a 2-D data set, the canonical loop
patterns (freezing, gradient accumulation, gradient penalty, clipping) and the same loop's printout under
torch and minigrad.
"""
import contextlib
import io
import re

import numpy as np
import pytest
from helpers import require_torch

import minigrad
from minigrad import nn, optim
from minigrad.nn import functional as F


def two_moons(n=300, noise=0.1, seed=0):
    """Two interleaving half circles (labels 0 and 1) with Gaussian noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    angle = rng.uniform(0, np.pi, n)
    x = np.where(labels == 0, np.cos(angle), 1 - np.cos(angle))
    y = np.where(labels == 0, np.sin(angle), 0.5 - np.sin(angle))
    points = np.stack([x, y], axis=1) + rng.normal(0, noise, (n, 2))
    return points.astype(np.float32), labels


def make_mlp(seed=0, hidden=16):
    minigrad.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 2))


def test_mlp_learns_two_moons():
    points, labels = two_moons()
    x, y = minigrad.tensor(points), minigrad.tensor(labels)
    model = make_mlp()
    opt = optim.Adam(model.parameters(), lr=0.03)
    loss_fn = nn.CrossEntropyLoss()
    first_loss = None
    for _ in range(300):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        first_loss = first_loss if first_loss is not None else loss.item()
    with minigrad.no_grad():
        accuracy = (model(x).argmax(dim=1) == y).float().mean().item()
    assert accuracy >= 0.95
    assert loss.item() < first_loss / 5


def test_frozen_layer_stays_bit_identical():
    points, labels = two_moons(100)
    x, y = minigrad.tensor(points), minigrad.tensor(labels)
    model = make_mlp()
    model[0].requires_grad_(False)
    frozen = [p.detach().numpy().copy() for p in model[0].parameters()]
    trained = [p.detach().numpy().copy() for p in model[2].parameters()]
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)  # frozen parameters passed too: they get no grad
    for _ in range(20):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    assert all(p.grad is None for p in model[0].parameters())
    for before, p in zip(frozen, model[0].parameters()):
        assert np.array_equal(before, p.detach().numpy())
    for before, p in zip(trained, model[2].parameters()):
        assert not np.allclose(before, p.detach().numpy())


def test_gradient_accumulation_equals_the_full_batch_gradient():
    points, labels = two_moons(120)
    model = make_mlp()
    F.cross_entropy(model(minigrad.tensor(points)), minigrad.tensor(labels)).backward()
    full = [p.grad.numpy().copy() for p in model.parameters()]
    model.zero_grad()
    micro_batches = 4
    for chunk_x, chunk_y in zip(np.split(points, micro_batches), np.split(labels, micro_batches)):
        loss = F.cross_entropy(model(minigrad.tensor(chunk_x)), minigrad.tensor(chunk_y)) / micro_batches
        loss.backward()  # .grad accumulates across the micro-batches
    for expected, p in zip(full, model.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), expected, rtol=1e-5, atol=1e-7)


def penalized_loss(model, x, y, weight=0.5):
    """Cross entropy plus weight * mean((|d score / d x| - 1)^2): the penalty differentiates a gradient."""
    x = x.detach().requires_grad_()
    scores = model(x)
    (input_grad,) = minigrad.autograd.grad(scores[:, 1].sum(), x, create_graph=True)
    penalty = ((input_grad.norm(dim=1) - 1) ** 2).mean()
    return F.cross_entropy(scores, y) + weight * penalty, penalty


def test_gradient_penalty_reaches_the_weights_and_matches_finite_differences():
    points, labels = two_moons(40)
    model = make_mlp(hidden=6).double()
    x, y = minigrad.tensor(points).double(), minigrad.tensor(labels)
    loss, penalty = penalized_loss(model, x, y)
    assert penalty.grad_fn is not None and penalty.item() > 0
    loss.backward()
    weight = model[0].weight
    analytic = weight.grad.numpy().copy()
    numeric = np.zeros_like(analytic)
    for index in np.ndindex(*analytic.shape):
        values = []
        for step in (1e-6, -1e-6):
            with minigrad.no_grad():
                weight[index] += step
            values.append(penalized_loss(model, x, y)[0].item())
            with minigrad.no_grad():
                weight[index] -= step
        numeric[index] = (values[0] - values[1]) / 2e-6
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)
    model.zero_grad()
    F.cross_entropy(model(x), y).backward()
    assert not np.allclose(weight.grad.numpy(), analytic)  # the penalty did change the weights' gradient


def test_clip_grad_norm_in_a_training_loop():
    points, labels = two_moons(60)
    x, y = minigrad.tensor(points), minigrad.tensor(labels)
    model = make_mlp()
    opt = optim.SGD(model.parameters(), lr=0.5)
    for _ in range(5):
        opt.zero_grad()
        (F.cross_entropy(model(x), y) * 100).backward()
        before = np.sqrt(sum((p.grad.numpy().astype(np.float64) ** 2).sum() for p in model.parameters()))
        total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        after = np.sqrt(sum((p.grad.numpy().astype(np.float64) ** 2).sum() for p in model.parameters()))
        assert total.item() == pytest.approx(before, rel=1e-5)
        assert after == pytest.approx(min(before, 1.0), rel=1e-5)
        opt.step()


def tutorial_loop(torch):
    """A tutorial-style loop written once; the tests run it with torch and with minigrad as `torch`."""
    nn = torch.nn
    torch.manual_seed(0)
    x = torch.linspace(-1, 1, 20).reshape(20, 1)
    y = 3 * x ** 2 - x + 0.5
    model = nn.Sequential(nn.Linear(1, 8), nn.Tanh(), nn.Linear(8, 1))
    print(model)
    print(model[0].bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    print(optimizer)
    loss_fn = nn.MSELoss()
    for epoch in range(30):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        if epoch % 10 == 0:
            print(f"epoch {epoch}: loss {loss.item():.4f}", loss.grad_fn)
    print(model[2].weight.grad)
    print(torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1))
    print(model.state_dict()["2.bias"])
    print(model(torch.tensor([[0.5]])))
    with torch.no_grad():
        print(model(torch.tensor([[0.5]])))
    print([name for name, _ in model.named_parameters()])


def printed(loop, module):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        loop(module)
    return re.sub(r"0x[0-9a-f]+", "0x...", buffer.getvalue())


def test_tutorial_loop_prints_what_pytorch_prints():
    torch = require_torch()
    expected = printed(tutorial_loop, torch)
    assert "epoch 20: loss" in expected
    assert printed(tutorial_loop, minigrad) == expected
