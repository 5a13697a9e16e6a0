"""matmul computes as PyTorch does (dot, mv, mm, a fold of a stack into one mm/mv, or bmm over broadcast batch
dims), so its graph has PyTorch's nodes. Expected node lists are torch 2.13's (breadth first from the result),
and a live comparison over many shapes runs when torch is installed."""
import itertools

import numpy as np
import pytest
from helpers import require_torch

import minigrad


def graph(t):
    """The node names breadth first from t.grad_fn, each node once."""
    names, frontier, seen = [], [t.grad_fn], set()
    while frontier:
        following = []
        for node in frontier:
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            names.append(node.name().replace("torch::autograd::", ""))
            following += [child for child, _ in node.next_functions]
        frontier = following
    return names


@pytest.mark.parametrize("shapes, grads, nodes", [
    (((2, 3), (3,)), (True, True), ["MvBackward0", "AccumulateGrad", "AccumulateGrad"]),
    (((3,), (3, 2)), (True, True), ["SqueezeBackward4", "MmBackward0", "UnsqueezeBackward0", "AccumulateGrad",
                                    "AccumulateGrad"]),
    (((4, 2, 3), (3, 2)), (True, True), ["UnsafeViewBackward0", "MmBackward0", "ViewBackward0", "AccumulateGrad",
                                         "AccumulateGrad"]),
    (((1, 1), (1, 1, 1)), (True, False), ["TransposeBackward0", "UnsafeViewBackward0", "MmBackward0", "TBackward0",
                                          "AccumulateGrad"]),
    (((2, 3), (4, 3, 2)), (True, True), ["CloneBackward0", "TransposeBackward0", "UnsafeViewBackward0", "MmBackward0",
                                         "UnsafeViewBackward0", "TBackward0", "CloneBackward0", "AccumulateGrad",
                                         "TransposeBackward0", "AccumulateGrad"]),
    (((2, 3), (4, 3, 2)), (False, True), ["UnsafeViewBackward0", "BmmBackward0", "ViewBackward0", "ExpandBackward0",
                                          "AccumulateGrad"]),
    (((4, 2, 3), (1, 3, 2)), (True, True), ["UnsafeViewBackward0", "MmBackward0", "ViewBackward0", "SqueezeBackward1",
                                            "AccumulateGrad", "AccumulateGrad"]),
    (((3,), (2, 3, 4)), (False, True), ["UnsafeViewBackward0", "BmmBackward0", "ViewBackward0", "ExpandBackward0",
                                        "AccumulateGrad"]),
    (((2, 1, 2, 3), (3, 3, 2)), (True, True), ["UnsafeViewBackward0", "BmmBackward0", "UnsafeViewBackward0",
                                               "UnsafeViewBackward0", "CloneBackward0", "CloneBackward0",
                                               "ExpandBackward0", "ExpandBackward0", "AccumulateGrad",
                                               "AccumulateGrad"]),
    (((4, 2, 3), (3,)), (True, True), ["UnsafeViewBackward0", "MvBackward0", "ViewBackward0", "AccumulateGrad",
                                       "AccumulateGrad"]),
])
def test_matmul_graph(shapes, grads, nodes):
    a, b = (minigrad.ones(*s, requires_grad=r) for s, r in zip(shapes, grads))
    out = a @ b
    assert graph(out) == nodes
    out.sum().backward()
    assert a.grad is None or a.grad.shape == a.shape


SHAPES = [(3,), (2, 3), (3, 2), (1, 1), (4, 2, 3), (2, 1, 2, 3), (1, 3, 2), (3, 3, 2), (2, 3, 4), (1, 1, 1)]


@pytest.mark.parametrize("shape_a, shape_b", list(itertools.product(SHAPES, SHAPES)))
def test_matmul_matches_torch_node_for_node(shape_a, shape_b):
    torch = require_torch()
    rng = np.random.default_rng(len(shape_a) * 7 + len(shape_b))
    arrays = rng.normal(size=shape_a), rng.normal(size=shape_b)
    for grads in ((True, True), (True, False), (False, True)):
        results = []
        for lib in (torch, minigrad):
            a, b = (lib.tensor(v, requires_grad=r) for v, r in zip(arrays, grads))
            try:
                out = a @ b
            except RuntimeError as error:
                results.append(str(error))
                continue
            weights = lib.tensor(np.arange(out.numel(), dtype=np.float64).reshape(tuple(out.shape)) + 1)
            (out * weights).sum().backward()
            results.append((graph(out), out.detach().numpy(), *(t.grad.numpy() for t in (a, b) if t.grad is not None)))
        theirs, mine = results
        if isinstance(theirs, str) or isinstance(mine, str):
            assert mine == theirs
            continue
        assert mine[0] == theirs[0]
        for m, t in zip(mine[1:], theirs[1:]):
            np.testing.assert_allclose(m, t, rtol=1e-10, atol=1e-12)


# ---- the gradient of a matrix laid out by columns is a transposed product (TBackward0), as in PyTorch ----
def _double_backward_names(a, b):
    ga, gb = minigrad.autograd.grad((a @ b).sin().sum(), [a, b], create_graph=True)
    return ga.grad_fn.name(), gb.grad_fn.name()


def test_gradient_of_a_column_major_operand_is_a_transpose():
    a = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    b = minigrad.tensor([[1.0, 0.5], [0.25, 2.0]]).t().detach().requires_grad_()  # stored column by column
    assert _double_backward_names(a, b) == ("MmBackward0", "TBackward0")
    assert _double_backward_names(b, a) == ("TBackward0", "MmBackward0")
    one, other = minigrad.tensor([[1.5]], requires_grad=True), minigrad.tensor([[2.0]], requires_grad=True)
    assert _double_backward_names(one, other) == ("TBackward0", "TBackward0")  # 1x1 counts as column-major too


def test_double_backward_of_a_vector_times_a_matrix():
    x0 = minigrad.tensor([0.5], requires_grad=True)
    x1 = minigrad.tensor([[1.5]], requires_grad=True)
    grads = minigrad.autograd.grad(x0 @ x1, [x0, x1], create_graph=True)
    assert repr(grads) == ("(tensor([1.5000], grad_fn=<SqueezeBackward1>), tensor([[0.5000]], "
                           "grad_fn=<TBackward0>))")


def test_gradient_layouts_match_torch_over_many_shapes():
    torch = require_torch()

    def names(lib, m, k, n, a_by_columns, b_by_columns):
        def matrix(rows, cols, by_columns):
            t = lib.arange(1.0, 1 + rows * cols) / 7
            t = t.reshape(cols, rows).t() if by_columns else t.reshape(rows, cols)
            return t.detach().requires_grad_()
        a, b = matrix(m, k, a_by_columns), matrix(k, n, b_by_columns)
        ga, gb = lib.autograd.grad((a @ b).sin().sum(), [a, b], create_graph=True)
        return ga.grad_fn.name(), gb.grad_fn.name(), ga.tolist(), gb.tolist()

    for case in itertools.product((1, 2, 3), (1, 2, 3), (1, 2, 3), (False, True), (False, True)):
        expected, got = names(torch, *case), names(minigrad, *case)
        assert got[:2] == expected[:2], case
        np.testing.assert_allclose(got[2], expected[2], rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(got[3], expected[3], rtol=1e-5, atol=1e-7)
