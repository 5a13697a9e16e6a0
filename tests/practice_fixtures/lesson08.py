"""Typical wrong answers to practice 08; check() must reject each one with the hint fragment named here."""
import warnings

import minigrad as torch


def intermediate_grads_without_retain_grad(values):
    t = torch.tensor(values, requires_grad=True)
    u = t**2
    (3 * u).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading .grad of a non-leaf warns, and gives None
        return u.grad, t.grad


def intermediate_grads_swapped(values):
    t = torch.tensor(values, requires_grad=True)
    u = t**2
    u.retain_grad()
    (3 * u).sum().backward()
    return u.grad, u.grad


def reverse_gradient_on_x_itself(x):
    x.register_hook(lambda grad: -grad)
    return x


def reverse_gradient_hook_without_return(x):
    result = x * 1
    result.register_hook(lambda grad: print(-grad))
    return result


def reverse_gradient_negates_values(x):
    result = -x
    return result


def clip_each_tensor_alone(grads, max_norm):
    total = sum((g**2).sum() for g in grads).sqrt().item()
    clipped = []
    for g in grads:
        norm = g.norm().item()
        clipped.append(g * (max_norm / (norm + 1e-6)) if norm > max_norm else g)
    return total, clipped


def clip_returns_norm_after(grads, max_norm):
    total = sum((g**2).sum() for g in grads).sqrt().item()
    if total <= max_norm:
        return total, list(grads)
    return max_norm, [g * (max_norm / (total + 1e-6)) for g in grads]


def clip_always(grads, max_norm):
    total = sum((g**2).sum() for g in grads).sqrt().item()
    return total, [g * (max_norm / (total + 1e-6)) for g in grads]


WRONG_ANSWERS = [
    ("08.1", intermediate_grads_without_retain_grad, "call u.retain_grad() before"),
    ("08.1", intermediate_grads_swapped, "that is u's gradient"),
    ("08.2", reverse_gradient_on_x_itself, "put it on a new tensor"),
    ("08.2", reverse_gradient_hook_without_return, "only by returning the new one"),
    ("08.2", reverse_gradient_negates_values, "the values stay as they are"),
    ("08.3", clip_each_tensor_alone, "the norm of all gradients together"),
    ("08.3", clip_returns_norm_after, "the norm before clipping"),
    ("08.3", clip_always, "leave the gradients alone"),
    ("08.4", lambda: "d", "already used the unclipped gradient"),
    ("08.4", lambda: "b", "backward has not run yet"),
]
