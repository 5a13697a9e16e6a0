"""minigrad.nn: modules, parameters, functional, losses, init and utils.

Hand-computed cases run without torch; the parity tests run the same code under torch and minigrad
(same seed, same construction order) and compare outputs, gradients, node names and reprs.
"""
import math
import re
import warnings

import numpy as np
import pytest
from helpers import numerical_grad, require_torch

import minigrad
from minigrad import nn
from minigrad.nn import functional as F


def as_array(t):
    return None if t is None else np.array(t.detach().numpy(), dtype=np.float64)


def mask_addresses(text):
    return re.sub(r"0x[0-9a-f]+", "0x...", text)


# ---------------------------------------------------------------- Parameter and Module basics
def test_linear_init_matches_the_numbers_pytorch_prints():
    minigrad.manual_seed(0)
    layer = nn.Linear(2, 1)
    assert repr(layer.weight) == "Parameter containing:\ntensor([[-0.0053,  0.3793]], requires_grad=True)"
    assert repr(layer.bias) == "Parameter containing:\ntensor([-0.5820], requires_grad=True)"
    assert repr(layer) == "Linear(in_features=2, out_features=1, bias=True)"


def test_linear_init_bound_is_one_over_sqrt_fan_in():
    minigrad.manual_seed(3)
    layer = nn.Linear(16, 200)
    bound = 1 / math.sqrt(16)
    for p in (layer.weight, layer.bias):
        values = p.detach().numpy()
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.9 * bound  # really spread over the interval


def test_parameter_is_a_leaf_sharing_memory_with_its_data():
    data = minigrad.ones(2, 2)
    p = nn.Parameter(data)
    assert isinstance(p, minigrad.Tensor) and p.is_leaf and p.requires_grad
    data.mul_(3)
    assert p.tolist() == [[3.0, 3.0], [3.0, 3.0]]
    frozen = nn.Parameter(minigrad.ones(2), requires_grad=False)
    assert repr(frozen) == "Parameter containing:\ntensor([1., 1.])"
    assert repr(nn.Parameter(minigrad.ones(2, 2))) == ("Parameter containing:\ntensor([[1., 1.],\n        [1., 1.]], "
                                                        "requires_grad=True)")
    assert type(p * 2) is minigrad.Tensor and type(p.detach()) is minigrad.Tensor


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(2, 3)
        self.act = nn.ReLU()
        self.out = nn.Linear(3, 1)
        self.scale = nn.Parameter(minigrad.ones(1))
        self.register_buffer("calls", minigrad.zeros(1))
        self.note = "plain attribute"

    def forward(self, x):
        return self.out(self.act(self.hidden(x))) * self.scale


def test_module_registers_parameters_children_and_buffers_in_assignment_order():
    model = TwoLayer()
    names = [name for name, _ in model.named_parameters()]
    assert names == ["scale", "hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert [name for name, _ in model.named_children()] == ["hidden", "act", "out"]
    assert [name for name, _ in model.named_modules()] == ["", "hidden", "act", "out"]
    assert list(model.state_dict()) == ["scale", "calls", "hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert [name for name, _ in model.named_buffers()] == ["calls"]
    assert model.note == "plain attribute" and "note" not in model._parameters
    assert sum(p.numel() for p in model.parameters()) == 1 + 6 + 3 + 3 + 1
    assert repr(model) == ("TwoLayer(\n  (hidden): Linear(in_features=2, out_features=3, bias=True)\n  (act): ReLU()\n"
                           "  (out): Linear(in_features=3, out_features=1, bias=True)\n)")


def test_shared_parameters_are_listed_once():
    layer = nn.Linear(2, 2)
    model = nn.Sequential(layer, nn.ReLU(), layer)
    assert len(list(model.parameters())) == 2
    assert len(list(model.children())) == 2


def test_module_errors_read_like_pytorch():
    class Forgot(nn.Module):
        def __init__(self):
            self.layer = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=re.escape("cannot assign module before Module.__init__() call")):
        Forgot()
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match=re.escape("cannot assign 'torch.FloatTensor' as parameter 'weight' "
                                                  "(torch.nn.Parameter or None expected)")):
        layer.weight = minigrad.zeros(2, 2)
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'wieght'"):
        layer.wieght  # noqa: B018
    with pytest.raises(NotImplementedError, match='Module \\[Module\\] is missing the required "forward" function'):
        nn.Module()(1)


def test_train_eval_zero_grad_and_requires_grad_walk_the_whole_tree():
    model = TwoLayer()
    assert model.training and model.hidden.training
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    model(minigrad.ones(4, 2)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model.hidden.requires_grad_(False)
    assert [p.requires_grad for p in model.parameters()] == [True, False, False, True, True]


def test_state_dict_is_detached_shares_memory_and_round_trips():
    minigrad.manual_seed(0)
    source = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    minigrad.manual_seed(1)
    target = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    state = source.state_dict()
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert all(not t.requires_grad and type(t) is minigrad.Tensor for t in state.values())
    version = target[0].weight._version
    result = target.load_state_dict(state)
    assert repr(result) == "<All keys matched successfully>"
    assert target[0].weight._version == version + 1  # copied in place
    for a, b in zip(source.parameters(), target.parameters()):
        assert np.array_equal(a.detach().numpy(), b.detach().numpy())
    assert repr(minigrad.nn.Linear(1, 1).state_dict()).startswith("OrderedDict([('weight', tensor([[")


def test_load_state_dict_reports_keys_and_sizes_like_pytorch():
    layer = nn.Linear(3, 2)
    with pytest.raises(RuntimeError) as error:
        layer.load_state_dict({"weight": minigrad.zeros(2, 4), "foo": minigrad.zeros(2)})
    assert str(error.value) == (
        'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". \n\tUnexpected key(s) '
        'in state_dict: "foo". \n\tsize mismatch for weight: copying a param with shape torch.Size([2, 4]) from '
        "checkpoint, the shape in current model is torch.Size([2, 3]).")
    result = layer.load_state_dict({"weight": minigrad.zeros(2, 3), "foo": minigrad.zeros(2)}, strict=False)
    assert repr(result) == "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['foo'])"
    assert not layer.weight.detach().numpy().any()


def test_sequential_indexing_len_iteration_and_nested_repr():
    model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.Linear(3, 3), nn.ReLU()), nn.Linear(3, 1))
    assert len(model) == 3 and isinstance(model[-1], nn.Linear) and model[1][1].__class__ is nn.ReLU
    assert [type(m).__name__ for m in model] == ["Linear", "Sequential", "Linear"]
    assert repr(model[0:1]) == "Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n)"
    assert repr(model) == ("Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): Sequential(\n"
                           "    (0): Linear(in_features=3, out_features=3, bias=True)\n    (1): ReLU()\n  )\n"
                           "  (2): Linear(in_features=3, out_features=1, bias=True)\n)")
    with pytest.raises(IndexError, match="index 3 is out of range"):
        model[3]
    assert repr(nn.Sequential()) == "Sequential()"
    assert repr(nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU()])) == (
        "ModuleList(\n  (0-1): 2 x Linear(in_features=2, out_features=2, bias=True)\n  (2): ReLU()\n)")


def test_forward_hooks_see_inputs_and_outputs():
    layer, seen = nn.Linear(2, 1), []
    handle = layer.register_forward_hook(lambda module, inputs, output: seen.append((module, output.shape)))
    layer(minigrad.ones(3, 2))
    handle.remove()
    layer(minigrad.ones(3, 2))
    assert seen == [(layer, minigrad.Size([3, 1]))]


# ---------------------------------------------------------------- graph structure (node names as in PyTorch)
def node_names(fn):
    return fn.name(), [None if n is None else n.name() for n, _ in fn.next_functions]


def test_linear_builds_pytorchs_nodes():
    layer = nn.Linear(3, 2)
    two_d = layer(minigrad.ones(4, 3))
    assert node_names(two_d.grad_fn) == ("AddmmBackward0", ["torch::autograd::AccumulateGrad", None, "TBackward0"])
    one_d = layer(minigrad.ones(3, requires_grad=True))
    assert one_d.shape == (2,) and one_d.grad_fn.name() == "ViewBackward0"
    assert node_names(one_d.grad_fn.next_functions[0][0])[1] == ["torch::autograd::AccumulateGrad", "ViewBackward0",
                                                                  "TBackward0"]
    assert layer(minigrad.ones(4, 5, 3)).grad_fn.name() == "ViewBackward0"
    assert nn.Linear(3, 2, bias=False)(minigrad.ones(4, 3)).grad_fn.name() == "MmBackward0"
    with pytest.raises(RuntimeError, match=re.escape("mat1 and mat2 shapes cannot be multiplied (4x2 and 3x2)")):
        layer(minigrad.ones(4, 2))


def test_mse_of_linear_gives_the_tree_in_the_reference():
    loss = F.mse_loss(nn.Linear(2, 1)(minigrad.ones(3, 2)), minigrad.zeros(3, 1))
    assert node_names(loss.grad_fn) == ("MseLossBackward0", ["AddmmBackward0", None])
    assert loss.grad_fn.next_functions[0][0].next_functions[2][0].next_functions[0][0].name() == \
        "torch::autograd::AccumulateGrad"


def test_loss_node_names():
    x = minigrad.randn(4, 3, requires_grad=True)
    p = minigrad.rand(4, 3, requires_grad=True)
    classes = minigrad.tensor([0, 2, 1, 1])
    assert node_names(F.cross_entropy(x, classes).grad_fn) == ("NllLossBackward0", ["LogSoftmaxBackward0"])
    assert node_names(F.nll_loss(x, classes).grad_fn) == ("NllLossBackward0", ["torch::autograd::AccumulateGrad"])
    assert F.binary_cross_entropy(p, minigrad.rand(4, 3)).grad_fn.name() == "BinaryCrossEntropyBackward0"
    assert F.binary_cross_entropy_with_logits(x, p).grad_fn.name() == "BinaryCrossEntropyWithLogitsBackward0"
    assert node_names(F.l1_loss(x, minigrad.zeros(4, 3)).grad_fn) == ("MeanBackward0", ["AbsBackward0"])
    assert node_names(F.dropout(x, 0.5).grad_fn) == ("MulBackward0", ["torch::autograd::AccumulateGrad", None])
    assert F.leaky_relu(x).grad_fn.name() == "LeakyReluBackward0"


# ---------------------------------------------------------------- losses by hand
def test_cross_entropy_matches_numpy_on_a_tiny_case():
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], dtype=np.float32)
    target = np.array([0, 2])
    x = minigrad.tensor(logits, requires_grad=True)
    loss = nn.CrossEntropyLoss()(x, minigrad.tensor(target))
    shifted = logits.astype(np.float64) - logits.max(1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    expected = -log_probs[[0, 1], target].mean()
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    loss.backward()
    onehot = np.eye(3)[target]
    np.testing.assert_allclose(x.grad.numpy(), (np.exp(log_probs) - onehot) / 2, rtol=1e-5, atol=1e-7)
    per_sample = F.cross_entropy(x, minigrad.tensor(target), reduction="none")
    np.testing.assert_allclose(per_sample.detach().numpy(), -log_probs[[0, 1], target], rtol=1e-6)
    assert F.cross_entropy(x, minigrad.tensor(target), reduction="sum").item() == pytest.approx(2 * expected, 1e-6)


def test_cross_entropy_is_stable_for_huge_logits():
    x = minigrad.tensor([[1000.0, 0.0], [0.0, -1000.0]], requires_grad=True)
    loss = F.cross_entropy(x, minigrad.tensor([1, 1]))
    assert loss.item() == pytest.approx(1000.0)
    loss.backward()
    assert np.isfinite(x.grad.numpy()).all()


def test_mse_and_l1_by_hand():
    x = minigrad.tensor([1.0, 2.0, 4.0], requires_grad=True)
    y = minigrad.tensor([1.5, 2.0, 2.0])
    loss = nn.MSELoss()(x, y)
    assert loss.item() == pytest.approx((0.25 + 0 + 4) / 3)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), [2 * -0.5 / 3, 0, 2 * 2 / 3], rtol=1e-6)
    assert nn.MSELoss(reduction="sum")(x, y).item() == pytest.approx(4.25)
    assert nn.L1Loss()(x, y).item() == pytest.approx(2.5 / 3)
    assert nn.MSELoss(reduction="none")(x, y).tolist() == [0.25, 0.0, 4.0]
    with pytest.raises(ValueError, match="bad is not a valid value for reduction"):
        F.mse_loss(x, y, reduction="bad")


def test_mse_warns_about_broadcasting_targets():
    x = minigrad.zeros(3, 1, requires_grad=True)
    with pytest.warns(UserWarning, match=re.escape(
            "Using a target size (torch.Size([3])) that is different to the input size (torch.Size([3, 1])). This "
            "will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.")):
        loss = F.mse_loss(x, minigrad.ones(3))
    assert node_names(loss.grad_fn) == ("MseLossBackward0", ["ExpandBackward0", None])
    assert loss.item() == 1.0


def test_bce_clamps_the_log_at_minus_100():
    assert F.binary_cross_entropy(minigrad.tensor([0.0, 1.0]), minigrad.tensor([1.0, 0.0])).item() == 100.0
    p = minigrad.tensor([0.25, 0.5], requires_grad=True)
    loss = nn.BCELoss()(p, minigrad.tensor([1.0, 0.0]))
    assert loss.item() == pytest.approx(-(math.log(0.25) + math.log(0.5)) / 2, rel=1e-6)
    loss.backward()
    np.testing.assert_allclose(p.grad.numpy(), [-1 / 0.25 / 2, 1 / 0.5 / 2], rtol=1e-6)
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(minigrad.tensor([1.5]), minigrad.tensor([1.0]))
    with pytest.raises(ValueError, match=re.escape("Using a target size (torch.Size([2])) that is different to the "
                                                   "input size (torch.Size([2, 1])) is deprecated.")):
        F.binary_cross_entropy(minigrad.rand(2, 1), minigrad.rand(2))


def test_bce_with_logits_is_stable_and_equals_sigmoid_then_bce():
    z = minigrad.tensor([-200.0, -3.0, 0.0, 2.0, 200.0])
    y = minigrad.tensor([1.0, 0.0, 1.0, 1.0, 0.0])
    loss = F.binary_cross_entropy_with_logits(z, y, reduction="none").tolist()
    assert loss == pytest.approx([200.0, math.log1p(math.exp(-3)), math.log(2), math.log1p(math.exp(-2)), 200.0])


def test_nll_loss_errors_read_like_pytorch():
    x = minigrad.zeros(3, 4)
    with pytest.raises(IndexError, match="Target 4 is out of bounds."):
        F.cross_entropy(x, minigrad.tensor([0, 1, 4]))
    with pytest.raises(ValueError, match=re.escape("Expected input batch_size (3) to match target batch_size (2).")):
        F.nll_loss(x, minigrad.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Float"):
        F.nll_loss(x, minigrad.tensor([0.0, 1.0, 2.0]))


LOSS_CASES = {
    "mse": lambda x, y, r: F.mse_loss(x, y, reduction=r),
    "l1": lambda x, y, r: F.l1_loss(x, y, reduction=r),
    "bce": lambda x, y, r: F.binary_cross_entropy(x.sigmoid(), y.sigmoid(), reduction=r),
    "bce_logits": lambda x, y, r: F.binary_cross_entropy_with_logits(x, y.sigmoid(), reduction=r),
    "bce_logits_pos_weight": lambda x, y, r: F.binary_cross_entropy_with_logits(
        x, y.sigmoid(), reduction=r, pos_weight=minigrad.tensor([0.5, 2.0, 3.0], dtype=minigrad.float64)),
}


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss_gradients_match_finite_differences(name, reduction):
    rng = np.random.default_rng(1)
    x0, y0 = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    weights = rng.standard_normal((4, 3)) if reduction == "none" else np.ones(())
    x0 += np.sign(x0 - y0) * 0.1  # keep |x - y| away from the kink of l1

    def value(x, y):
        loss = LOSS_CASES[name](minigrad.tensor(x), minigrad.tensor(y), reduction)
        return float((loss.numpy() * weights).sum())

    x, y = minigrad.tensor(x0, requires_grad=True), minigrad.tensor(y0, requires_grad=True)
    loss = LOSS_CASES[name](x, y, reduction)
    loss.backward(minigrad.tensor(weights))
    np.testing.assert_allclose(x.grad.numpy(), numerical_grad(value, [x0, y0], 0), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(y.grad.numpy(), numerical_grad(value, [x0, y0], 1), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_gradient_matches_finite_differences(reduction):
    rng = np.random.default_rng(2)
    x0 = rng.standard_normal((5, 4))
    target = minigrad.tensor([0, 3, 1, 1, 2])
    weight = minigrad.tensor([1.0, 2.0, 0.5, 1.5], dtype=minigrad.float64)

    def value(x):
        loss = F.cross_entropy(minigrad.tensor(x), target, weight=weight, ignore_index=2, reduction=reduction)
        return float(loss.sum().item())

    x = minigrad.tensor(x0, requires_grad=True)
    F.cross_entropy(x, target, weight=weight, ignore_index=2, reduction=reduction).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), numerical_grad(value, [x0], 0), rtol=1e-5, atol=1e-8)
    assert not x.grad.numpy()[4].any()  # the ignored sample gets no gradient


def test_loss_backward_is_differentiable_with_create_graph():
    x = minigrad.tensor([[0.3, -0.2, 0.1]], dtype=minigrad.float64, requires_grad=True)
    loss = F.cross_entropy(x, minigrad.tensor([1]))
    (grad,) = minigrad.autograd.grad(loss, x, create_graph=True)
    (grad_of_norm,) = minigrad.autograd.grad((grad * grad).sum(), x)
    eps, x0 = 1e-6, x.detach().numpy().copy()

    def norm(v):
        g = minigrad.tensor(v, requires_grad=True)
        (gg,) = minigrad.autograd.grad(F.cross_entropy(g, minigrad.tensor([1])), g)
        return float((gg.numpy() ** 2).sum())

    expected = [(norm(x0 + eps * e) - norm(x0 - eps * e)) / (2 * eps) for e in np.eye(3)[:, None, :]]
    np.testing.assert_allclose(grad_of_norm.numpy()[0], expected, rtol=1e-5)


# ---------------------------------------------------------------- dropout, activations, init, utils
def test_dropout_scales_kept_values_and_is_identity_in_eval():
    minigrad.manual_seed(0)
    layer = nn.Dropout(0.25)
    x = minigrad.ones(1000)
    out = layer(x).numpy()
    assert set(np.unique(out).tolist()) == {0.0, np.float32(1) / np.float32(0.75)}
    assert 0.2 < (out == 0).mean() < 0.3
    assert layer.eval()(x) is x
    assert F.dropout(x, 0.0) is x
    assert not F.dropout(x, 1.0).numpy().any()
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        nn.Dropout(1.5)
    assert repr(layer) == "Dropout(p=0.25, inplace=False)"


def test_activation_modules():
    x = minigrad.tensor([[-1.0, 0.0, 2.0]])
    assert nn.ReLU()(x).tolist() == [[0.0, 0.0, 2.0]]
    assert nn.LeakyReLU(0.1)(x).tolist()[0] == pytest.approx([-0.1, 0.0, 2.0])
    assert nn.Softmax(dim=1)(x).sum().item() == pytest.approx(1.0)
    assert nn.LogSoftmax(dim=1)(x).exp().sum().item() == pytest.approx(1.0)
    assert nn.Flatten()(minigrad.zeros(2, 3, 4)).shape == (2, 12)
    assert nn.Identity(54, unused="x")(x) is x
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax has been deprecated"):
        F.softmax(x)


def test_init_formulas():
    assert nn.init.calculate_gain("relu") == math.sqrt(2)
    assert nn.init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    assert nn.init.calculate_gain("tanh") == 5 / 3
    w = minigrad.empty(300, 100)
    nn.init.xavier_uniform_(w)
    bound = math.sqrt(6 / 400)
    assert bound * 0.98 < np.abs(w.numpy()).max() <= bound
    nn.init.kaiming_uniform_(w, nonlinearity="relu")
    bound = math.sqrt(2) * math.sqrt(3 / 100)
    assert bound * 0.98 < np.abs(w.numpy()).max() <= bound
    nn.init.constant_(w, 0.5)
    assert (w.numpy() == 0.5).all()
    nn.init.zeros_(w)
    assert not w.numpy().any()
    p = nn.Parameter(minigrad.ones(2, 2))
    nn.init.normal_(p, std=0.01)  # allowed on a leaf that requires grad: init runs under no_grad
    assert p.requires_grad and p.grad_fn is None and np.abs(p.detach().numpy()).max() < 0.1
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed for tensor with fewer than 2 "
                                         "dimensions"):
        nn.init.xavier_uniform_(minigrad.zeros(3))


@pytest.mark.parametrize("grad, kwargs, norm, after", [
    ([3.0, 4.0], {"max_norm": 1}, "tensor(5.)", "tensor([0.6000, 0.8000])"),
    ([0.3, 0.4], {"max_norm": 1}, "tensor(0.5000)", "tensor([0.3000, 0.4000])"),
    ([3.0, -4.0], {"max_norm": 1, "norm_type": float("inf")}, "tensor(4.)", "tensor([ 0.7500, -1.0000])"),
])
def test_clip_grad_norm_table(grad, kwargs, norm, after):
    p = minigrad.zeros(2, requires_grad=True)
    p.grad = minigrad.tensor(grad)
    total = nn.utils.clip_grad_norm_(p, **kwargs)  # a single tensor is accepted
    assert repr(total) == norm and total.dtype == minigrad.float32 and total.ndim == 0
    assert repr(p.grad) == after


def test_clip_grad_norm_over_several_parameters_and_clip_value():
    a, b, c = (minigrad.zeros(2, requires_grad=True) for _ in range(3))
    a.grad, b.grad = minigrad.tensor([1.0, 2.0]), minigrad.tensor([2.0, 4.0])
    total = nn.utils.clip_grad_norm_([a, b, c], max_norm=0.5)
    assert total.item() == pytest.approx(5.0)
    joined = np.concatenate([a.grad.numpy(), b.grad.numpy()])
    assert np.linalg.norm(joined) == pytest.approx(0.5, rel=1e-5)
    assert repr(nn.utils.clip_grad_norm_([c], 1.0)) == "tensor(0.)"
    assert nn.utils.clip_grad_value_([a, b], 0.2) is None
    assert b.grad.numpy().max() == np.float32(0.2)


# ---------------------------------------------------------------- parity with PyTorch
def run_both(fn):
    torch = require_torch()
    return fn(torch), fn(minigrad)


def assert_same_arrays(expected, actual, rtol=1e-5, atol=1e-6):
    assert expected.keys() == actual.keys()
    for key in expected:
        if expected[key] is None or actual[key] is None:
            assert expected[key] is None and actual[key] is None, key
        else:
            np.testing.assert_allclose(actual[key], expected[key], rtol=rtol, atol=atol, err_msg=key)


MODULES = {
    "linear": lambda nn: nn.Linear(5, 4),
    "linear_no_bias": lambda nn: nn.Linear(5, 4, bias=False),
    "mlp": lambda nn: nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 3),
                                    nn.Sigmoid()),
    "softmax": lambda nn: nn.Sequential(nn.Linear(5, 3), nn.Softmax(dim=1)),
    "log_softmax": lambda nn: nn.Sequential(nn.Linear(5, 3), nn.LogSoftmax(dim=-1)),
    "leaky": lambda nn: nn.Sequential(nn.Linear(5, 3), nn.LeakyReLU(0.2)),
    "dropout": lambda nn: nn.Sequential(nn.Linear(5, 16), nn.Dropout(0.3), nn.Linear(16, 2)),
    "flatten": lambda nn: nn.Sequential(nn.Flatten(0), nn.Linear(30, 2), nn.Identity()),
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_match_pytorch(name):
    def run(lib):
        lib.manual_seed(0)
        model = MODULES[name](lib.nn)
        x = lib.randn(6, 5, requires_grad=True)
        out = model(x)
        (out * lib.arange(out.numel()).reshape(out.shape).float()).sum().backward()
        result = {"out": as_array(out), "x.grad": as_array(x.grad), "repr": repr(model),
                  "grad_fn": out.grad_fn.name()}
        result.update({n + ".grad": as_array(p.grad) for n, p in model.named_parameters()})
        result.update({n: as_array(p) for n, p in model.named_parameters()})
        return result

    expected, actual = run_both(run)
    for key in ("repr", "grad_fn"):
        assert actual.pop(key) == expected.pop(key)
    assert_same_arrays(expected, actual)


@pytest.mark.parametrize("shape, transposed", [((3,), False), ((4, 3), False), ((2, 4, 3), False),
                                               ((2, 2, 2, 3), False), ((2, 3, 4), True), ((2, 2, 3, 2), True)])
def test_linear_nodes_match_pytorch_for_every_input_rank(shape, transposed):
    def run(lib):
        lib.manual_seed(0)
        x = lib.randn(*shape)
        x = (x.transpose(-1, -2) if transposed else x).requires_grad_()
        out = lib.nn.Linear(3, 2)(x)
        out.sum().backward()
        # (minigrad's N-D @ 2-D matmul is one UnsafeViewBackward0 node; PyTorch's has an MmBackward0 inside it)
        inner = [] if transposed else [node_names(n) for n, _ in out.grad_fn.next_functions]
        return (node_names(out.grad_fn), inner), as_array(out)

    (expected, e_out), (actual, a_out) = run_both(run)
    assert actual == expected
    np.testing.assert_allclose(a_out, e_out, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses_match_pytorch(reduction):
    def run(lib):
        lib.manual_seed(0)
        F_, nn_ = lib.nn.functional, lib.nn
        x, t = lib.randn(5, 3, requires_grad=True), lib.randn(5, 3, requires_grad=True)
        p, y = lib.rand(5, 3, requires_grad=True), lib.rand(5, 3, requires_grad=True)
        classes = lib.tensor([0, 2, 1, 1, 0])
        weight = lib.tensor([1.0, 2.0, 3.0])
        losses = {
            "mse": lambda: nn_.MSELoss(reduction=reduction)(x, t),
            "l1": lambda: nn_.L1Loss(reduction=reduction)(x, t),
            "bce": lambda: nn_.BCELoss(reduction=reduction)(p, y),
            "bce_weight": lambda: nn_.BCELoss(weight=weight, reduction=reduction)(p, y),
            "bce_logits": lambda: nn_.BCEWithLogitsLoss(reduction=reduction)(x, y),
            "bce_logits_pos": lambda: nn_.BCEWithLogitsLoss(reduction=reduction, pos_weight=weight)(x, y),
            "cross_entropy": lambda: nn_.CrossEntropyLoss(reduction=reduction)(x, classes),
            "cross_entropy_weight": lambda: nn_.CrossEntropyLoss(weight=weight, reduction=reduction)(x, classes),
            "cross_entropy_ignore": lambda: F_.cross_entropy(x, classes, ignore_index=1, reduction=reduction),
            "cross_entropy_1d": lambda: F_.cross_entropy(x[0], classes[1], reduction=reduction),
            "nll": lambda: nn_.NLLLoss(reduction=reduction)(F_.log_softmax(x, 1), classes),
        }
        result = {}
        for name, make in losses.items():
            for v in (x, t, p, y):
                v.grad = None
            loss = make()
            loss.backward(lib.ones_like(loss) * 0.5 + lib.arange(loss.numel()).reshape(loss.shape) / 10)
            result[name] = as_array(loss)
            result[name + " node"] = loss.grad_fn.name()
            for v_name, v in zip("xtpy", (x, t, p, y)):
                result[f"{name} d{v_name}"] = as_array(v.grad)
        return result

    expected, actual = run_both(run)
    for key in [k for k in expected if k.endswith(" node")]:
        assert actual.pop(key) == expected.pop(key), key
    assert_same_arrays(expected, actual)


def test_module_reprs_match_pytorch():
    def run(lib):
        nn_ = lib.nn
        modules = [nn_.ReLU(), nn_.ReLU(inplace=True), nn_.Tanh(), nn_.Sigmoid(), nn_.Softmax(dim=1), nn_.Softmax(),
                   nn_.LogSoftmax(1), nn_.Dropout(), nn_.Dropout(0.2), nn_.Flatten(), nn_.Identity(),
                   nn_.LeakyReLU(), nn_.LeakyReLU(0.2, inplace=True), nn_.MSELoss(), nn_.L1Loss(), nn_.BCELoss(),
                   nn_.BCEWithLogitsLoss(), nn_.CrossEntropyLoss(), nn_.NLLLoss(), nn_.Linear(3, 1, bias=False),
                   nn_.Sequential(nn_.Linear(2, 3), nn_.Sequential(nn_.Linear(3, 3), nn_.ReLU()), nn_.Linear(3, 1)),
                   nn_.ModuleList([nn_.Linear(2, 2), nn_.Linear(2, 2), nn_.ReLU(), nn_.ReLU(), nn_.Tanh()]),
                   nn_.ModuleList()]
        lib.manual_seed(0)
        layer = nn_.Linear(2, 2)
        return [repr(m) for m in modules] + [repr(layer.weight), repr(layer.state_dict()),
                                             repr(layer.load_state_dict(layer.state_dict()))]

    expected, actual = run_both(run)
    assert actual == expected


def test_init_functions_draw_like_pytorch():
    def run(lib):
        init = lib.nn.init
        lib.manual_seed(0)
        w = lib.empty(6, 20)
        out = {}
        for name, fill in [("uniform", lambda: init.uniform_(w, -2, 3)), ("normal", lambda: init.normal_(w, 1, 2)),
                           ("xavier_uniform", lambda: init.xavier_uniform_(w, gain=2)),
                           ("xavier_normal", lambda: init.xavier_normal_(w)),
                           ("kaiming_uniform", lambda: init.kaiming_uniform_(w, a=0.1, mode="fan_out")),
                           ("kaiming_normal", lambda: init.kaiming_normal_(w, nonlinearity="relu")),
                           ("constant", lambda: init.constant_(w, 0.3)), ("ones", lambda: init.ones_(w))]:
            fill()
            out[name] = as_array(w)
        return out

    expected, actual = run_both(run)
    assert_same_arrays(expected, actual, rtol=1e-6, atol=1e-6)


def test_dropout_masks_match_pytorch():
    def run(lib):
        lib.manual_seed(3)
        x = lib.randn(4, 50, requires_grad=True)
        out = {"functional": as_array(lib.nn.functional.dropout(x, 0.3))}
        layer = lib.nn.Dropout(0.6)
        out["module"] = as_array(layer(x))
        y = layer(x)
        y.sum().backward()
        out["grad"] = as_array(x.grad)
        return out

    expected, actual = run_both(run)
    assert_same_arrays(expected, actual, rtol=0, atol=0)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
def test_clip_grad_norm_matches_pytorch(norm_type):
    def run(lib):
        lib.manual_seed(1)
        params = [lib.zeros(shape, requires_grad=True) for shape in ((3, 4), (5,), (2,))]
        params[0].grad, params[1].grad = lib.randn(3, 4), lib.randn(5) * 3
        total = lib.nn.utils.clip_grad_norm_(params, 1.5, norm_type=norm_type)
        return {"total": as_array(total), "g0": as_array(params[0].grad), "g1": as_array(params[1].grad),
                "repr": repr(total)}

    expected, actual = run_both(run)
    assert actual.pop("repr") == expected.pop("repr")
    assert_same_arrays(expected, actual, rtol=1e-6, atol=1e-7)


def test_warnings_match_pytorch():
    def run(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.nn.functional.mse_loss(lib.zeros(3, 1), lib.zeros(3))
            lib.nn.functional.softmax(lib.zeros(2, 2))
        return [(w.category, str(w.message)) for w in caught]

    expected, actual = run_both(run)
    assert actual == expected
