"""Hidden cases for practice 07 · retain_graph, create_graph and higher-order derivatives."""

import minigrad as torch
from course.grading.checker import Case, exercise, tuple_part
from minigrad import nn


def _polynomial(x):
    return x**4 - 2 * x**3 + 3 * x


def _derivatives(function, x0, orders):
    """[f(x0), f'(x0), ..., f^(orders)(x0)] by repeated autograd.grad in float64 (zero once a derivative is
    constant)."""
    x = torch.tensor(float(x0), dtype=torch.float64, requires_grad=True)
    current = function(x)
    values = [current.item()]
    for _ in range(orders):
        if not current.requires_grad:
            values.append(0.0)
            continue
        current, = torch.autograd.grad(current, x, create_graph=True)
        values.append(current.item())
    return values


CREATE_GRAPH_HINT = ("a gradient returned without create_graph=True has no graph, so it cannot be differentiated "
                     "again: pass create_graph=True to every torch.autograd.grad call except the last.")


@exercise("07.1", returns="a triple (first, second, third)",
          hint="watch x, build p from it, then call torch.autograd.grad three times, each on the previous result.",
          error_hints=(("does not require grad and does not have a grad_fn", CREATE_GRAPH_HINT),
                       ("backward through the graph a second time", CREATE_GRAPH_HINT)))
def polynomial_derivatives():
    triple = tuple_part(3, "triple")
    for x0 in (1.0, 2.0, -0.5, 0.0, 1.5):
        value, first, second, third = _derivatives(_polynomial, x0, 3)
        label = f"x0 = {x0}"
        yield Case(label, (x0,), first, "first", triple(0),
                   mistakes=((value, "that is p(x0) itself; the first derivative is the gradient of p."),),
                   hint="p'(x) = 4x**3 - 6x**2 + 3: take torch.autograd.grad(p, x, create_graph=True).")
        yield Case(label, (x0,), second, "second", triple(1),
                   mistakes=((first + second, "x.grad accumulates: after p.backward(create_graph=True), "
                                              "x.grad.backward() adds p'' to p'. Use torch.autograd.grad, which "
                                              "returns each derivative without touching x.grad."),
                             (first, "that is the first derivative again: differentiate the first derivative "
                                     "(the tensor grad returned), not p.")),
                   hint="p''(x) = 12x**2 - 12x: differentiate the first derivative (it needs a graph: "
                        "create_graph=True).")
        yield Case(label, (x0,), third, "third", triple(2),
                   mistakes=((second, "that is the second derivative again: differentiate the second "
                                      "derivative."),),
                   hint="p'''(x) = 24x - 12: differentiate the second derivative.")


RNN_HINTS = {
    "a": "retain_graph=True silences the error, but every iteration's backward then walks the whole history "
         "again: time and memory grow with every step.",
    "c": "zero_grad() resets .grad; the error is about the graph's saved values, which it does not touch.",
    "d": "under no_grad() nothing is recorded, so loss.backward() has no graph at all and fails right away.",
}


@exercise("07.2", returns='one letter, "a" to "d"')
def carried_history():
    yield Case("your letter", (), "b", "the letter", _one_letter,
               mistakes=tuple((letter, hint) for letter, hint in RNN_HINTS.items()))


def _one_letter(answer):
    if not isinstance(answer, str):
        raise TypeError("not a letter")
    return answer.strip().lower().strip("()")


NEWTON_FUNCTIONS = (
    ("exp(x) - 2*x", lambda x: torch.exp(x) - 2 * x, 2.0),
    ("(x - 3)**2", lambda x: (x - 3) ** 2, 10.0),
    ("x**4 - 3*x**2 + x", lambda x: x**4 - 3 * x**2 + x, 2.0),
    ("cos(x)", torch.cos, 0.5),
    ("exp(x) - 2*x", lambda x: torch.exp(x) - 2 * x, -1.0),
)


@exercise("07.3", returns="a number", hint="slope and curvature by autograd: torch.autograd.grad(f(x), x, "
                                            "create_graph=True), then the gradient of that slope.",
          error_hints=(("does not require grad and does not have a grad_fn", CREATE_GRAPH_HINT),))
def newton_step():
    for text, function, x0 in NEWTON_FUNCTIONS:
        _, slope, curvature = _derivatives(function, x0, 2)
        expected = x0 - slope / curvature
        yield Case(f"f(x) = {text}, x0 = {x0}", (function, x0), expected, "the new x",
                   mistakes=((x0 - slope, "that is a gradient-descent step with learning rate 1: Newton divides the "
                                          "slope by the curvature f''(x0)."),
                             (x0 + slope / curvature, "the sign: Newton moves against the slope, "
                                                      "x0 - f'(x0) / f''(x0)."),
                             (x0 - curvature / slope, "the fraction is upside down: f'(x0) / f''(x0).")),
                   hint="x0 - f'(x0) / f''(x0), both derivatives from autograd, returned as a Python number.")


def _critic(seed, inputs, hidden):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(inputs, hidden), nn.Tanh(), nn.Linear(hidden, 1))


def _input_gradients(critic, points):
    x = points.clone().requires_grad_()
    grads, = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
    return grads


def _tensor(result):
    if type(result).__name__ != "Tensor":
        raise TypeError("not a tensor")
    return result


@exercise("07.4", returns="a 0-d tensor (the penalty)",
          hint="input gradient with create_graph=True, its norm per sample (dim=1), then the mean of (norm - 1)**2.",
          error_hints=(("One of the differentiated Tensors does not require grad",
                        "autograd.grad can only differentiate with respect to a watched tensor: make a watched copy "
                        "of the points first, x = points.clone().requires_grad_()."),
                       ("grad can be implicitly created only for scalar outputs",
                        "critic(x) has one score per sample: differentiate scores.sum() (each score depends only on "
                        "its own row, so the rows of the gradient stay separate).")))
def gradient_penalty():
    for seed, samples, inputs, hidden in ((0, 8, 2, 16), (1, 5, 3, 4), (2, 1, 2, 8), (3, 12, 4, 6)):
        critic = _critic(seed, inputs, hidden)
        torch.manual_seed(100 + seed)
        points = torch.randn(samples, inputs) * 2
        grads = _input_gradients(critic, points)
        norms = grads.norm(dim=1)
        penalty = ((norms - 1) ** 2).mean()
        weight = critic[0].weight
        weight_grad, = torch.autograd.grad(penalty, weight)
        label = f"a {inputs}-{hidden}-1 tanh critic, {samples} points"
        args = (critic, points)

        def grad_of_weight(result, weight=weight):
            return torch.autograd.grad(_tensor(result), weight)[0]

        yield Case(label, args, "Tensor", "type(penalty)", lambda r: type(r).__name__,
                   mistakes=(("float", "return the tensor itself, not .item(): the penalty must stay in the graph "
                                       "so that it can be backpropagated into the weights."),))
        yield Case(label, args, (), "penalty.shape", lambda r: tuple(_tensor(r).shape),
                   hint="one number for the batch: the mean over the samples of (norm - 1)**2.")
        yield Case(label, args, penalty.detach(), "penalty", lambda r: _tensor(r).detach(),
                   mistakes=((((grads.norm() - 1) ** 2).detach(), "the norm is per sample: "
                                                                 "input_grad.norm(dim=1), one norm per row."),
                             ((norms**2).mean().detach(), "subtract 1 from the norm before squaring: (norm - 1)**2."),
                             (((norms - 1) ** 2).sum().detach(), "take the mean over the samples, not the sum."),
                             (((grads.pow(2).sum(dim=1) - 1) ** 2).mean().detach(),
                              "use the norm (the square root of the sum of squares), not its square.")),
                   hint="penalty = ((input_grad.norm(dim=1) - 1) ** 2).mean().")
        yield Case(label, args, True, "penalty.requires_grad", lambda r: _tensor(r).requires_grad,
                   hint="the penalty must depend on the weights through the input gradient: compute that gradient "
                        "with create_graph=True.")
        yield Case(label, args, weight_grad, "d penalty / d (first layer weight)", grad_of_weight,
                   hint="build the penalty from the critic's own output (not a detached copy), with "
                        "create_graph=True.")
