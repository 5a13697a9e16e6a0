"""Double backward: the nodes of a gradient taken with create_graph=True are PyTorch's (its backward
formulas are ops of their own: SigmoidBackwardBackward0, SelectBackwardBackward0, ...), and a gradient that
is constant (zero, or fixed by the op) carries no graph. Expected names are torch 2.13's; a live comparison
runs when torch is installed."""
import pytest
from helpers import require_torch

import minigrad


def programs(torch):
    """{name: f} over x, y (2 x 3) and v (3,), as the expected tables below were measured."""
    x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], requires_grad=True)
    y = torch.tensor([[0.3, 1.0, -2.0], [1.0, 0.5, 0.7]], requires_grad=True)
    v = torch.tensor([0.3, 1.0, -2.0], requires_grad=True)
    F = torch.nn.functional  # noqa: N806 - PyTorch's usual name
    ops = {
        "sigmoid": lambda: x.sigmoid(),
        "tanh": lambda: x.tanh(),
        "relu": lambda: x.relu(),
        "exp": lambda: x.exp(),
        "log": lambda: (x*x).log(),
        "sin": lambda: x.sin(),
        "cos": lambda: x.cos(),
        "sqrt": lambda: (x*x).sqrt(),
        "pow2": lambda: x ** 2,
        "pow3": lambda: x ** 3,
        "pow0": lambda: x ** 0,
        "pow1": lambda: x ** 1,
        "pow.5": lambda: (x*x) ** 0.5,
        "powt": lambda: (x*x) ** y,
        "rpow": lambda: 2 ** x,
        "mul": lambda: x * y,
        "mul2": lambda: x * 2,
        "div": lambda: x / y,
        "rdiv": lambda: 2 / x,
        "add": lambda: x + y,
        "neg": lambda: -x,
        "abs": lambda: x.abs(),
        "square": lambda: x.square(),
        "select": lambda: x[0],
        "slice": lambda: x[:, 1:],
        "alias": lambda: x[...],
        "unsqueeze": lambda: x[None],
        "index": lambda: x[[0, 0]],
        "mask": lambda: x[x > 0],
        "t": lambda: x.t(),
        "transpose": lambda: x.transpose(0, 1),
        "view": lambda: x.view(6),
        "permute": lambda: x.permute(1, 0),
        "expand": lambda: v.expand(2, 3),
        "squeeze": lambda: x[None].squeeze(0),
        "sum": lambda: x.sum(),
        "sumdim": lambda: x.sum(0),
        "mean": lambda: x.mean(),
        "meandim": lambda: x.mean(1),
        "max": lambda: x.max(),
        "maxdim": lambda: x.max(1)[0],
        "amax": lambda: x.amax(1),
        "softmax": lambda: x.softmax(1) * y,
        "log_softmax": lambda: x.log_softmax(1) * y,
        "logsumexp": lambda: x.logsumexp(1),
        "norm": lambda: x.norm(),
        "var": lambda: x.var(),
        "std": lambda: x.std(),
        "mm": lambda: x @ y.t(),
        "mv": lambda: x @ v,
        "dot": lambda: v @ v,
        "clamp": lambda: x.clamp(-0.5, 1.0),
        "where": lambda: torch.where(x > 0, x, y),
        "maximum": lambda: x.maximum(y),
        "cat": lambda: torch.cat([x, y]),
        "stack": lambda: torch.stack([x, y]),
        "clone": lambda: x.clone(),
        "double": lambda: x.double(),
        "sign": lambda: x.sign(),
        "reciprocal": lambda: x.reciprocal(),
        "rsqrt": lambda: (x*x).rsqrt(),
        "tan": lambda: x.tan(),
        "log1p": lambda: (x*x).log1p(),
        "prod": lambda: x.prod(),
        "cumsum": lambda: x.cumsum(1),
        "repeat": lambda: x.repeat(2, 1),
        "masked_fill": lambda: x.masked_fill(x > 1, 0.),
        "split": lambda: x.split(1)[0],
        "unbind": lambda: x.unbind()[1],
        "leaky": lambda: F.leaky_relu(x, 0.1),
        "floor": lambda: x.floor(),
        "min": lambda: x.min(),
        "sub": lambda: x - y,
        "rsub": lambda: 1 - x,
        "flatten_t": lambda: x.t().flatten(),
        "reshape_t": lambda: x.t().reshape(6),
        "mse": lambda: F.mse_loss(x, y),
        "ce": lambda: F.cross_entropy(x, torch.tensor([0, 2])),
        "bmm": lambda: x[None] @ y.t()[None],
        "matmul3": lambda: x[None] @ y.t(),
        "matmul1": lambda: v @ y.t(),
    }
    return (x, y, v), ops


def grad_names(torch, name, squared):
    """The grad_fn names (or "-" without one, "(nograd)" when not requiring grad) of d(loss)/d(x, y, v)."""
    inputs, ops = programs(torch)
    out = ops[name]()
    loss = (out * out).sum() if squared else out.sum()
    grads = torch.autograd.grad(loss, inputs, create_graph=True, allow_unused=True)
    return " | ".join("None" if g is None else (g.grad_fn.name() if g.grad_fn else "-") +
                      ("" if g.requires_grad else "(nograd)") for g in grads)


# loss = f(...).sum(): the gradient fed to f's backward is a constant, so only some ops record a graph
OF_SUM = {
    "sigmoid": "SigmoidBackwardBackward0 | None | None",
    "tanh": "TanhBackwardBackward0 | None | None",
    "relu": "ThresholdBackwardBackward0 | None | None",
    "exp": "MulBackward0 | None | None",
    "log": "AddBackward0 | None | None",
    "sin": "MulBackward0 | None | None",
    "cos": "MulBackward0 | None | None",
    "sqrt": "AddBackward0 | None | None",
    "pow2": "MulBackward0 | None | None",
    "pow3": "MulBackward0 | None | None",
    "pow0": "-(nograd) | None | None",
    "pow1": "MulBackward0 | None | None",
    "pow.5": "AddBackward0 | None | None",
    "powt": "AddBackward0 | MulBackward0 | None",
    "rpow": "MulBackward0 | None | None",
    "mul": "MulBackward0 | MulBackward0 | None",
    "mul2": "-(nograd) | None | None",
    "div": "DivBackward0 | MulBackward0 | None",
    "rdiv": "MulBackward0 | None | None",
    "add": "-(nograd) | -(nograd) | None",
    "neg": "-(nograd) | None | None",
    "abs": "MulBackward0 | None | None",
    "square": "MulBackward0 | None | None",
    "select": "-(nograd) | None | None",
    "slice": "-(nograd) | None | None",
    "alias": "-(nograd) | None | None",
    "unsqueeze": "-(nograd) | None | None",
    "index": "-(nograd) | None | None",
    "mask": "-(nograd) | None | None",
    "t": "-(nograd) | None | None",
    "transpose": "-(nograd) | None | None",
    "view": "-(nograd) | None | None",
    "permute": "-(nograd) | None | None",
    "expand": "None | None | -(nograd)",
    "squeeze": "-(nograd) | None | None",
    "sum": "-(nograd) | None | None",
    "sumdim": "-(nograd) | None | None",
    "mean": "-(nograd) | None | None",
    "meandim": "-(nograd) | None | None",
    "max": "-(nograd) | None | None",
    "maxdim": "-(nograd) | None | None",
    "amax": "-(nograd) | None | None",
    "softmax": "SoftmaxBackwardDataBackward0 | MulBackward0 | None",
    "log_softmax": "LogSoftmaxBackwardDataBackward0 | MulBackward0 | None",
    "logsumexp": "MulBackward0 | None | None",
    "norm": "MulBackward0 | None | None",
    "var": "MulBackward0 | None | None",
    "std": "MulBackward0 | None | None",
    "mm": "MmBackward0 | TBackward0 | None",
    "mv": "MulBackward0 | None | MvBackward0",
    "dot": "None | None | AddBackward0",
    "clamp": "-(nograd) | None | None",
    "where": "-(nograd) | -(nograd) | None",
    "maximum": "-(nograd) | -(nograd) | None",
    "cat": "-(nograd) | -(nograd) | None",
    "stack": "-(nograd) | -(nograd) | None",
    "clone": "-(nograd) | None | None",
    "double": "-(nograd) | None | None",
    "sign": "-(nograd) | None | None",
    "reciprocal": "MulBackward0 | None | None",
    "rsqrt": "AddBackward0 | None | None",
    "tan": "MulBackward0 | None | None",
    "log1p": "AddBackward0 | None | None",
    "prod": "MulBackward0 | None | None",
    "cumsum": "-(nograd) | None | None",
    "repeat": "-(nograd) | None | None",
    "masked_fill": "-(nograd) | None | None",
    "split": "-(nograd) | None | None",
    "unbind": "-(nograd) | None | None",
    "leaky": "LeakyReluBackwardBackward0 | None | None",
    "floor": "-(nograd) | None | None",
    "min": "-(nograd) | None | None",
    "sub": "-(nograd) | -(nograd) | None",
    "rsub": "-(nograd) | None | None",
    "flatten_t": "-(nograd) | None | None",
    "reshape_t": "-(nograd) | None | None",
    "mse": "MseLossBackwardBackward0 | MseLossBackwardBackward0 | None",
    "ce": "LogSoftmaxBackwardDataBackward0 | None | None",
    "bmm": "SqueezeBackward1 | TBackward0 | None",
    "matmul3": "SqueezeBackward1 | TBackward0 | None",
    "matmul1": "None | TBackward0 | SqueezeBackward1",
}

# loss = (f(...) ** 2).sum(): f's backward gets a gradient that requires grad
OF_SQUARE = OF_SUM | {  # where the incoming gradient requires grad, more ops record a graph
    "mul2": "MulBackward0 | None | None",
    "add": "AddBackward0 | AddBackward0 | None",
    "neg": "NegBackward0 | None | None",
    "select": "SelectBackwardBackward0 | None | None",
    "slice": "SliceBackwardBackward0 | None | None",
    "alias": "AddBackward0 | None | None",
    "unsqueeze": "SqueezeBackward1 | None | None",
    "index": "IndexPutImplBackward0 | None | None",
    "mask": "IndexPutImplBackward0 | None | None",
    "t": "TBackward0 | None | None",
    "transpose": "TransposeBackward0 | None | None",
    "view": "ViewBackward0 | None | None",
    "permute": "PermuteBackward0 | None | None",
    "expand": "None | None | ViewBackward0",
    "squeeze": "SqueezeBackward1 | None | None",
    "sum": "ExpandBackward0 | None | None",
    "sumdim": "ExpandBackward0 | None | None",
    "mean": "DivBackward1 | None | None",
    "meandim": "DivBackward1 | None | None",
    "max": "MaskedFillBackward1 | None | None",
    "maxdim": "ScatterBackward0 | None | None",
    "amax": "MulBackward0 | None | None",
    "clamp": "WhereBackward0 | None | None",
    "where": "WhereBackward0 | WhereBackward0 | None",
    "maximum": "MaskedFillBackward0 | MaskedFillBackward0 | None",
    "cat": "SliceBackward0 | SliceBackward0 | None",
    "stack": "SelectBackward0 | SelectBackward0 | None",
    "clone": "AddBackward0 | None | None",
    "double": "ToCopyBackward0 | None | None",
    "cumsum": "FlipBackward0 | None | None",
    "repeat": "SumBackward1 | None | None",
    "masked_fill": "MaskedFillBackward0 | None | None",
    "split": "CatBackward0 | None | None",
    "unbind": "StackBackward0 | None | None",
    "min": "MaskedFillBackward1 | None | None",
    "sub": "AddBackward0 | NegBackward0 | None",
    "rsub": "NegBackward0 | None | None",
    "flatten_t": "TBackward0 | None | None",
    "reshape_t": "TBackward0 | None | None",
}


@pytest.mark.parametrize("name", sorted(OF_SQUARE))
def test_double_backward_nodes(name):
    assert grad_names(minigrad, name, squared=True) == OF_SQUARE[name]
    assert grad_names(minigrad, name, squared=False) == OF_SUM[name]


@pytest.mark.parametrize("name", sorted(OF_SQUARE))
def test_double_backward_nodes_match_torch(name):
    torch = require_torch()
    for squared in (True, False):
        assert grad_names(minigrad, name, squared) == grad_names(torch, name, squared)


WEIGHTS = [1.0, 2.0, 3.0]


@pytest.mark.parametrize("op, expected", [
    (lambda x: x.sigmoid(), "tensor([-0.0576,  0.3634, -0.7197], dtype=torch.float64)"),
    (lambda x: x.tanh(), "tensor([-0.7269,  2.5588, -1.2260], dtype=torch.float64)"),
    (lambda x: x.softmax(0), "tensor([ 0.3514, -0.0084, -0.3430], dtype=torch.float64)"),
    (lambda x: x.log_softmax(0), "tensor([ 1.6936,  0.1432, -1.8369], dtype=torch.float64)"),
    (lambda x: minigrad.nn.functional.leaky_relu(x, 0.1), "tensor([0., 0., 0.], dtype=torch.float64)"),
    (lambda x: minigrad.nn.functional.mse_loss(x, minigrad.tensor(WEIGHTS[::-1], dtype=minigrad.float64)),
     "tensor([ 4.,  8., 12.], dtype=torch.float64)"),
], ids=["sigmoid", "tanh", "softmax", "log_softmax", "leaky_relu", "mse_loss"])
def test_second_derivatives_through_the_backward_ops(op, expected):
    x = minigrad.tensor([0.5, -1.0, 2.0], dtype=minigrad.float64, requires_grad=True)
    w = minigrad.tensor(WEIGHTS, dtype=minigrad.float64)
    (g,) = minigrad.autograd.grad((op(x) * w).sum(), x, create_graph=True)
    (g * w).sum().backward()
    assert repr(x.grad) == expected
