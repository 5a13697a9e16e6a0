"""Hidden cases for practice 08 · Leaves, hooks and inspection."""
from functools import partial

import minigrad as torch
from course.grading.checker import Case, exercise, tuple_part
from minigrad import nn


def _fresh(values):
    return ([list(v) if isinstance(v, list) else v for v in values],)


@exercise("08.1", returns="a pair (u_grad, t_grad)",
          hint="u is not a leaf: call u.retain_grad() before s.backward(), then read u.grad and t.grad.")
def intermediate_grads():
    pair = tuple_part(2, "pair")
    for values in ([1.0, 2.0], [0.5, -1.0, 3.0], [[1.0, 2.0], [3.0, 4.0]], [0.0]):
        t = torch.tensor(values, requires_grad=True)
        u = t**2
        u.retain_grad()
        (3 * u).sum().backward()
        label = f"values = {values}"
        args = partial(_fresh, values)
        yield Case(label, args, False, "u.grad is None", lambda r: pair(0)(r) is None,
                   hint="u = t**2 is not a leaf, so backward drops its gradient: call u.retain_grad() before "
                        "s.backward().")
        yield Case(label, args, u.grad, "u.grad", pair(0),
                   hint="ds/du is 3 for every entry: s = (3 * u).sum().")
        yield Case(label, args, t.grad, "t.grad", pair(1),
                   mistakes=((u.grad, "that is u's gradient; t's is ds/du * du/dt = 3 * 2t."),),
                   hint="ds/dt = 6t: read the leaf's .grad after s.backward().")


def _weights_like(values, seed):
    torch.manual_seed(seed)
    return torch.randn(*torch.tensor(values).shape)


def _reversal_args(values):
    return (torch.tensor(values, requires_grad=True),)


@exercise("08.2", returns="a tensor",
          hint="make a new tensor from x (x * 1 or x.clone()), register a hook on it that returns -grad, return it.")
def reverse_gradient():
    for seed, values in enumerate(([1.0, 2.0], [0.5, -1.5, 2.0], [[1.0, -2.0], [3.0, 0.25]])):
        x = torch.tensor(values, requires_grad=True)
        weights = _weights_like(values, seed)
        label = f"x = {values}"
        args = (x,)  # one tensor for every case of this label: the cases differentiate the result with respect to it

        def grad_through(result, x=x, weights=weights):
            return torch.autograd.grad((result * weights).sum(), x, retain_graph=True)[0]

        def grad_of_square(result, x=x):
            return torch.autograd.grad((result**2).sum(), x, retain_graph=True)[0]

        yield Case(label, args, "Tensor", "type(result)", lambda r: type(r).__name__)
        yield Case(label, args, True, "result is a new tensor (not x itself)", lambda r, x=x: r is not x,
                   hint="a hook on x itself would flip every gradient that ever reaches x: put it on a new tensor "
                        "made from x, for example y = x * 1.")
        yield Case(label, args, x.detach(), "result", lambda r: r.detach(),
                   mistakes=((-x.detach(), "the values stay as they are; only the gradient flowing back is "
                                           "flipped."),),
                   hint="the forward pass must not change the values: return x * 1 (or x.clone()) with the hook.")
        yield Case(label, args, True, "result.requires_grad", lambda r: r.requires_grad,
                   hint="build the result from x with a recorded op, so that it is part of x's graph.")
        yield Case(label, args, -weights, "d sum(result * w) / dx", grad_through,
                   mistakes=((weights, "the gradient arrived unchanged: a hook changes the gradient only by "
                                       "returning the new one (return -grad)."),),
                   hint="register a hook on the result that returns -grad.")
        yield Case(label, args, -2 * x.detach(), "d sum(result**2) / dx", grad_of_square,
                   hint="the hook must flip whatever gradient arrives: return -grad, whatever the loss.")


def _clip_reference(grads, max_norm):
    """clip_grad_norm_ on parameters holding copies of `grads`: (total norm, clipped gradients)."""
    params = []
    for grad in grads:
        param = torch.zeros(grad.shape, requires_grad=True)
        param.grad = grad.clone()
        params.append(param)
    total = nn.utils.clip_grad_norm_(params, max_norm)
    return total.item(), [p.grad for p in params]


def _clip_args(grads, max_norm):
    return ([torch.tensor(g) for g in grads], max_norm)


def _per_tensor(grads, max_norm):
    clipped = []
    for g in grads:
        norm = g.norm().item()
        clipped.append(g * (max_norm / (norm + 1e-6)) if norm > max_norm else g)
    return clipped


CLIP_CASES = (
    ([[3.0, 0.0], [0.0, 4.0]], 1.0),
    ([[0.3, 0.4]], 1.0),
    ([[[1.0, -2.0], [2.0, 4.0]], [6.0], [-2.0, 0.0, 1.0]], 2.5),
    ([[0.5, 0.5], [0.5, 0.5]], 0.5),
    ([[10.0, -10.0, 5.0]], 100.0),
)


@exercise("08.3", returns="a pair (total_norm, clipped)",
          hint="total = the square root of the sum of squares of every entry of every tensor; if total > max_norm, "
               "multiply every tensor by max_norm / (total + 1e-6).")
def clip_by_total_norm():
    pair = tuple_part(2, "pair")
    for grads, max_norm in CLIP_CASES:
        tensors = [torch.tensor(g) for g in grads]
        total, clipped = _clip_reference(tensors, max_norm)
        label = f"grads = {grads}, max_norm = {max_norm}"
        args = partial(_clip_args, grads, max_norm)
        yield Case(label, args, total, "total_norm", pair(0),
                   mistakes=((min(total, max_norm), "return the norm before clipping, as clip_grad_norm_ does: it "
                                                    "tells you how big the gradient really was."),),
                   hint="one norm over all the tensors together: sqrt of the sum of every squared entry.")
        yield Case(label, args, len(grads), "len(clipped)", lambda r: len(pair(1)(r)),
                   hint="return one clipped tensor per input tensor, in order, in a list.")
        for i, expected in enumerate(clipped):
            wrong_per_tensor = _per_tensor(tensors, max_norm)[i]
            always_scaled = tensors[i] * (max_norm / (total + 1e-6))
            yield Case(label, args, expected, f"clipped[{i}]", lambda r, i=i: list(pair(1)(r))[i],
                       mistakes=((wrong_per_tensor, "the limit is on the norm of all gradients together: one "
                                                    "scale factor from the total norm, the same for every "
                                                    "tensor."),
                                 (always_scaled, "leave the gradients alone when the total norm is already at "
                                                 "most max_norm.")),
                       hint="clipped = g * (max_norm / (total + 1e-6)) for every g when total > max_norm, else g.")


CLIP_PLACE_HINTS = {
    "a": "at (a) the gradients are last iteration's (or None), and zero_grad() is about to clear them.",
    "b": "at (b) backward has not run yet: there is no new gradient to clip.",
    "d": "at (d) the step has already used the unclipped gradient: clipping now changes nothing that matters.",
}


def _one_letter(answer):
    if not isinstance(answer, str):
        raise TypeError("not a letter")
    return answer.strip().lower().strip("()")


@exercise("08.4", returns='one letter, "a" to "d"')
def where_to_clip():
    yield Case("your letter", (), "c", "the letter", _one_letter,
               mistakes=tuple((letter, hint) for letter, hint in CLIP_PLACE_HINTS.items()))
