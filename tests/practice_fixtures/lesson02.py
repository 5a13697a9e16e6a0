"""Typical wrong answers to practice 02; check() must reject each one with the hint fragment named here."""
import math

import minigrad as torch


def grow_compiled_once():
    return "a"


def grow_loop_not_recorded():
    return "c"


def grow_error():
    return "d"


def point_copied_into_new_tensor(radius, angle):
    return torch.tensor([radius * torch.cos(angle), radius * torch.sin(angle)])


def point_new_leaf(radius, angle):
    return torch.tensor([radius * torch.cos(angle), radius * torch.sin(angle)], requires_grad=True)


def point_with_math(radius, angle):
    return torch.tensor([radius.item() * math.cos(angle.item()), radius.item() * math.sin(angle.item())])


def point_swapped(radius, angle):
    return torch.stack([radius * torch.sin(angle), radius * torch.cos(angle)])


def point_as_list(radius, angle):
    return [radius * torch.cos(angle), radius * torch.sin(angle)]


def _names_without_none(node, names):
    names.append(node.name())
    for child, _ in node.next_functions:
        if child is not None:
            _names_without_none(child, names)


def graph_names_skips_none(output):
    names = []
    _names_without_none(output.grad_fn, names)
    return names


def _type_names(node, names):
    names.append(None if node is None else type(node).__name__)
    if node is not None:
        for child, _ in node.next_functions:
            _type_names(child, names)


def graph_names_with_type_names(output):
    names = []
    _type_names(output.grad_fn, names)
    return names


def _inputs_first(node, names):
    if node is None:
        names.append(None)
        return
    for child, _ in node.next_functions:
        _inputs_first(child, names)
    names.append(node.name())


def graph_names_inputs_first(output):
    names = []
    _inputs_first(output.grad_fn, names)
    return names


def count_paths(output, name):
    def walk(node):
        if node is None:
            return 0
        return (node.name() == name) + sum(walk(child) for child, _ in node.next_functions)
    return walk(output.grad_fn)


WRONG_ANSWERS = [
    ("02.1", grow_compiled_once, "every call records a new graph"),
    ("02.1", grow_loop_not_recorded, "one MulBackward0 per pass"),
    ("02.1", grow_error, "autograd records the ops that ran"),
    ("02.2", point_copied_into_new_tensor, "torch.stack"),
    ("02.2", point_new_leaf, "brand-new leaf"),
    ("02.2", point_with_math, "copies the values"),
    ("02.2", point_swapped, "the x coordinate is radius * cos(angle)"),
    ("02.2", point_as_list, "return a tensor, not a list"),
    ("02.3", graph_names_skips_none, "keep a None"),
    ("02.3", graph_names_with_type_names, "use node.name()"),
    ("02.3", graph_names_inputs_first, "list a node before its inputs"),
    ("02.4", count_paths, "remember the nodes you have visited"),
]
