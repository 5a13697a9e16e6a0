"""Typical wrong answers to practice 07; check() must reject each one with the hint fragment named here."""
import minigrad as torch


def derivatives_without_create_graph(x0):
    x = torch.tensor(x0, requires_grad=True)
    p = x**4 - 2 * x**3 + 3 * x
    first, = torch.autograd.grad(p, x, retain_graph=True)
    second, = torch.autograd.grad(first, x)
    third, = torch.autograd.grad(second, x)
    return first.item(), second.item(), third.item()


def derivatives_with_accumulating_backward(x0):
    x = torch.tensor(x0, requires_grad=True)
    p = x**4 - 2 * x**3 + 3 * x
    p.backward(create_graph=True)
    first = x.grad.item()
    x.grad.backward(create_graph=True)
    second = x.grad.item()
    x.grad.backward()
    return first, second, x.grad.item()


def newton_step_as_gradient_descent(f, x0):
    x = torch.tensor(x0, requires_grad=True)
    slope, = torch.autograd.grad(f(x), x)
    return x0 - slope.item()


def newton_step_upside_down(f, x0):
    x = torch.tensor(x0, requires_grad=True)
    slope, = torch.autograd.grad(f(x), x, create_graph=True)
    curvature, = torch.autograd.grad(slope, x)
    return x0 - curvature.item() / slope.item()


def penalty_without_create_graph(critic, points):
    x = points.clone().requires_grad_()
    input_grad, = torch.autograd.grad(critic(x).sum(), x)
    return ((input_grad.norm(dim=1) - 1) ** 2).mean()


def penalty_with_one_norm_for_the_batch(critic, points):
    x = points.clone().requires_grad_()
    input_grad, = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
    return (input_grad.norm() - 1) ** 2


def penalty_on_unwatched_points(critic, points):
    input_grad, = torch.autograd.grad(critic(points).sum(), points, create_graph=True)
    return ((input_grad.norm(dim=1) - 1) ** 2).mean()


def penalty_as_a_number(critic, points):
    x = points.clone().requires_grad_()
    input_grad, = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
    return ((input_grad.norm(dim=1) - 1) ** 2).mean().item()


WRONG_ANSWERS = [
    ("07.1", derivatives_without_create_graph, "pass create_graph=True"),
    ("07.1", derivatives_with_accumulating_backward, "x.grad accumulates"),
    ("07.2", lambda: "a", "retain_graph=True silences the error"),
    ("07.2", lambda: "d", "nothing is recorded"),
    ("07.3", newton_step_as_gradient_descent, "gradient-descent step"),
    ("07.3", newton_step_upside_down, "upside down"),
    ("07.4", penalty_without_create_graph, "create_graph=True"),
    ("07.4", penalty_with_one_norm_for_the_batch, "the norm is per sample"),
    ("07.4", penalty_on_unwatched_points, "make a watched copy"),
    ("07.4", penalty_as_a_number, "not .item()"),
]
