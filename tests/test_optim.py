"""minigrad.optim: hand-computed steps, the Optimizer API, and parity with torch.optim."""
import re

import numpy as np
import pytest
from helpers import require_torch

import minigrad
from minigrad import nn, optim


def leaf(values):
    return minigrad.tensor(values, requires_grad=True)


# ---------------------------------------------------------------- by hand
def test_one_sgd_step_by_hand():
    w = leaf([1.0, -2.0])
    (w * minigrad.tensor([3.0, 4.0])).sum().backward()  # grad = [3, 4]
    opt = optim.SGD([w], lr=0.1)
    version = w._version
    opt.step()
    np.testing.assert_allclose(w.detach().numpy(), [1 - 0.3, -2 - 0.4], rtol=1e-7)
    assert w._version == version + 1 and w.is_leaf and w.requires_grad  # in place, no graph
    opt.step()  # the same grad is used again when nobody zeroes it
    np.testing.assert_allclose(w.detach().numpy(), [1 - 0.6, -2 - 0.8], rtol=1e-6)


def test_sgd_momentum_weight_decay_and_nesterov_by_hand():
    w = leaf([1.0])
    opt = optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.5, nesterov=True)
    expected, buf = 1.0, None
    for grad in (2.0, -1.0, 0.5):
        w.grad = minigrad.tensor([grad])
        opt.step()
        g = grad + 0.5 * expected
        buf = g if buf is None else 0.9 * buf + g
        expected -= 0.1 * (g + 0.9 * buf)
        assert w.item() == pytest.approx(expected, rel=1e-6)
    assert opt.state[w]["momentum_buffer"].item() == pytest.approx(buf, rel=1e-6)


def test_adam_first_step_moves_each_weight_by_lr():
    w = leaf([1.0, 2.0, 3.0])
    w.grad = minigrad.tensor([0.5, -20.0, 1e-3])
    opt = optim.Adam([w], lr=0.01)
    opt.step()  # m/(1-b1) = g, sqrt(v/(1-b2)) = |g|: the first step is lr * sign(g)
    np.testing.assert_allclose(w.detach().numpy(), [0.99, 2.01, 2.99], rtol=1e-5)
    assert repr(opt.state[w]["step"]) == "tensor(1.)"


def test_parameters_without_grad_are_untouched():
    a, b = leaf([1.0]), leaf([2.0])
    frozen = nn.Parameter(minigrad.tensor([3.0]), requires_grad=False)
    a.grad = minigrad.tensor([1.0])
    for opt in (optim.SGD([a, b, frozen], lr=0.5, momentum=0.9), optim.Adam([a, b, frozen]),
                optim.RMSprop([a, b, frozen])):
        opt.step()
        assert b.item() == 2.0 and frozen.item() == 3.0 and b._version == 0
        assert b not in opt.state and frozen not in opt.state


def test_zero_grad_sets_to_none_by_default():
    w = leaf([1.0, 2.0])
    opt = optim.SGD([w], lr=0.1)
    w.grad = minigrad.tensor([1.0, 1.0])
    opt.zero_grad()
    assert w.grad is None
    w.grad = minigrad.tensor([1.0, 1.0])
    opt.zero_grad(set_to_none=False)
    assert repr(w.grad) == "tensor([0., 0.])"


def test_param_groups_keys_defaults_and_repr():
    w = leaf([1.0])
    opt = optim.SGD([w], lr=0.01, momentum=0.9)
    assert list(opt.param_groups[0]) == ["params", "lr", "momentum", "dampening", "weight_decay", "nesterov",
                                         "maximize", "foreach", "differentiable", "fused"]
    assert opt.param_groups[0]["params"][0] is w
    assert repr(opt) == ("SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n    foreach: None\n"
                         "    fused: None\n    lr: 0.01\n    maximize: False\n    momentum: 0.9\n    nesterov: False\n"
                         "    weight_decay: 0\n)")
    assert repr(optim.Adam([w], lr=0.01)) == (
        "Adam (\nParameter Group 0\n    amsgrad: False\n    betas: (0.9, 0.999)\n    capturable: False\n"
        "    decoupled_weight_decay: False\n    differentiable: False\n    eps: 1e-08\n    foreach: None\n"
        "    fused: None\n    lr: 0.01\n    maximize: False\n    weight_decay: 0\n)")


def test_param_groups_take_their_own_hyper_parameters():
    a, b = leaf([1.0]), leaf([1.0])
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1)
    a.grad, b.grad = minigrad.tensor([1.0]), minigrad.tensor([1.0])
    opt.step()
    assert a.item() == pytest.approx(0.9) and b.item() == pytest.approx(0.5)
    c = leaf([0.0])
    opt.add_param_group({"params": [c], "momentum": 0.9})
    assert opt.param_groups[2]["lr"] == 0.1 and opt.param_groups[2]["momentum"] == 0.9


def test_optimizer_errors_read_like_pytorch():
    w = leaf([1.0])
    cases = [
        (lambda: optim.SGD(w), TypeError, "params argument given to the optimizer should be an iterable of Tensors or "
                                          "dicts, but got torch.FloatTensor"),
        (lambda: optim.SGD([]), ValueError, "optimizer got an empty parameter list"),
        (lambda: optim.SGD([w * 2]), ValueError, "can't optimize a non-leaf Tensor"),
        (lambda: optim.SGD([{"params": [w]}, {"params": w}]), ValueError,
         "some parameters appear in more than one parameter group"),
        (lambda: optim.SGD([w], lr=-1), ValueError, "Invalid learning rate: -1"),
        (lambda: optim.SGD([w], nesterov=True), ValueError, "Nesterov momentum requires a momentum and zero dampening"),
        (lambda: optim.Adam([w], betas=(1.0, 0.9)), ValueError, "Invalid beta parameter at index 0: 1.0"),
    ]
    for make, error, message in cases:
        with pytest.raises(error, match=re.escape(message)):
            make()
    with pytest.warns(UserWarning, match="optimizer contains a parameter group with duplicate parameters"):
        optim.SGD([w, w])


def test_state_dict_round_trip_continues_training_identically():
    def make():
        minigrad.manual_seed(0)
        model = nn.Linear(3, 2)
        return model, optim.Adam(model.parameters(), lr=0.1)

    x = minigrad.randn(8, 3)

    def train(model, opt, steps):
        for _ in range(steps):
            opt.zero_grad()
            model(x).pow(2).mean().backward()
            opt.step()

    model, opt = make()
    train(model, opt, 3)
    state = opt.state_dict()
    assert list(state) == ["state", "param_groups"]
    assert list(state["state"]) == [0, 1] and list(state["state"][0]) == ["step", "exp_avg", "exp_avg_sq"]
    assert state["param_groups"][0]["params"] == [0, 1] and list(state["param_groups"][0])[-1] == "params"
    model2, opt2 = make()
    model2.load_state_dict(model.state_dict())
    opt2.load_state_dict(state)
    train(model, opt, 2)
    train(model2, opt2, 2)
    for a, b in zip(model.parameters(), model2.parameters()):
        assert np.array_equal(a.detach().numpy(), b.detach().numpy())
    with pytest.raises(ValueError, match="loaded state dict has a different number of parameter groups"):
        opt.load_state_dict({"state": {}, "param_groups": []})


def test_closure_is_evaluated_with_grad_enabled():
    w = leaf([2.0])
    opt = optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with minigrad.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 4.0 and w.item() == pytest.approx(1.0)


def test_step_lr_and_exponential_lr_by_hand():
    w = leaf([1.0])
    opt = optim.SGD([w], lr=0.1)
    scheduler = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    seen = []
    for _ in range(5):
        opt.step()
        scheduler.step()
        seen.append(scheduler.get_last_lr()[0])
    assert seen == [0.1, 0.05, 0.05, 0.025, 0.025]
    assert opt.param_groups[0]["initial_lr"] == 0.1 and "initial_lr: 0.1" in repr(opt)
    opt = optim.SGD([w], lr=0.1)
    scheduler = optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    for _ in range(3):
        opt.step()
        scheduler.step()
    assert scheduler.get_last_lr() == [0.1 * 0.9 * 0.9 * 0.9]


def test_scheduler_warns_when_stepped_before_the_optimizer():
    opt = optim.SGD([leaf([1.0])], lr=0.1)
    scheduler = optim.lr_scheduler.StepLR(opt, 1)
    with pytest.warns(UserWarning, match=re.escape("Detected call of `lr_scheduler.step()` before `optimizer.step()`")):
        scheduler.step()


# ---------------------------------------------------------------- parity with torch.optim
CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.1, "momentum": 0.5, "dampening": 0.3, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "betas": (0.3, 0.5), "eps": 1e-3, "maximize": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.02, "weight_decay": 0.3, "amsgrad": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.9, "centered": True, "weight_decay": 0.01}),
]


def config_id(config):
    name, kwargs = config
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def run_both(fn):
    torch = require_torch()
    return fn(torch), fn(minigrad)


@pytest.mark.parametrize("config", CONFIGS, ids=[config_id(c) for c in CONFIGS])
def test_updates_match_pytorch_for_the_same_gradients(config):
    """The optimizer alone: identical gradients in, (nearly) identical float32 parameters out."""
    name, kwargs = config
    rng = np.random.default_rng(0)
    start = rng.standard_normal(500).astype(np.float32)
    grads = [rng.standard_normal(500).astype(np.float32) for _ in range(6)]

    def run(lib):
        p = lib.nn.Parameter(lib.tensor(start.copy()))
        opt = getattr(lib.optim, name)([p], **kwargs)
        for g in grads:
            p.grad = lib.tensor(g.copy())
            opt.step()
        state = {k: v.detach().numpy().copy() for k, v in opt.state[p].items()}
        return p.detach().numpy().copy(), state, repr(opt)

    (expected, expected_state, expected_repr), (actual, actual_state, actual_repr) = run_both(run)
    # float32 arithmetic where PyTorch fuses multiply-adds (and its sqrt): at most the last bits differ
    np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-6)
    assert actual_state.keys() == expected_state.keys()
    for key in expected_state:
        np.testing.assert_allclose(actual_state[key], expected_state[key], rtol=1e-6, atol=1e-5, err_msg=key)
    assert actual_repr == expected_repr


@pytest.mark.parametrize("config", CONFIGS, ids=[config_id(c) for c in CONFIGS])
def test_twenty_training_steps_match_pytorch(config):
    name, kwargs = config
    rng = np.random.default_rng(1)
    inputs = rng.standard_normal((32, 2)).astype(np.float32)
    labels = rng.integers(0, 3, 32)

    def run(lib):
        lib.manual_seed(0)
        nn_ = lib.nn
        model = nn_.Sequential(nn_.Linear(2, 8), nn_.Tanh(), nn_.Linear(8, 8), nn_.ReLU(), nn_.Linear(8, 3))
        opt = getattr(lib.optim, name)(model.parameters(), **kwargs)
        x, y = lib.tensor(inputs), lib.tensor(labels)
        losses = []
        for _ in range(20):
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return [p.detach().numpy().copy() for p in model.parameters()], losses

    (expected, expected_losses), (actual, actual_losses) = run_both(run)
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, rtol=0, atol=1e-5)
    np.testing.assert_allclose(actual_losses, expected_losses, rtol=1e-5)


def test_schedulers_and_state_dicts_match_pytorch():
    def run(lib):
        w = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.SGD([w], lr=0.1, momentum=0.9)
        step_lr = lib.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.3)
        lrs = []
        for _ in range(7):
            w.grad = lib.ones(2)
            opt.step()
            step_lr.step()
            lrs.append(step_lr.get_last_lr())
        opt2 = lib.optim.Adam([w], lr=0.2)
        exp_lr = lib.optim.lr_scheduler.ExponentialLR(opt2, gamma=0.7)
        for _ in range(4):
            opt2.step()
            exp_lr.step()
            lrs.append(exp_lr.get_last_lr())
        return lrs, repr(opt), repr(opt.state_dict()), repr(opt2.state_dict())

    expected, actual = run_both(run)
    assert actual == expected
