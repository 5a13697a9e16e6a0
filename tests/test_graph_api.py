"""autograd.graph: walking the graph and recording the real forward ops and backward steps."""
import pytest

import minigrad as torch
from minigrad.autograd import graph
from minigrad.autograd.function import AccumulateGrad


def test_walk_lists_nodes_in_creation_order_edges_and_leaves():
    x = torch.tensor(2., requires_grad=True)
    w = torch.tensor(3., requires_grad=True)
    y = x * w
    z = y.sin() + x
    g = graph.walk(z)
    names = [n.name() for n in g.nodes]
    # a leaf's AccumulateGrad is made when the first op using it connects, just after that op's node
    assert names == ["MulBackward0", "torch::autograd::AccumulateGrad", "torch::autograd::AccumulateGrad",
                     "SinBackward0", "AddBackward0"]
    assert g.roots == [z.grad_fn]
    assert [graph.creation_index(n) for n in g.nodes] == sorted(graph.creation_index(n) for n in g.nodes)
    assert g.leaves[0] is x and g.leaves[1] is w
    edges = {(a.name(), b.name() if not isinstance(b, AccumulateGrad) else b.variable.item(), i)
             for a, b, i, _ in g.edges}
    assert edges == {("AddBackward0", "SinBackward0", 0), ("AddBackward0", 2.0, 1), ("SinBackward0", "MulBackward0", 0),
                     ("MulBackward0", 2.0, 0), ("MulBackward0", 3.0, 1)}
    assert graph.walk(torch.tensor(1.)).nodes == []  # nothing to walk without requires_grad


def test_saved_tensors_and_after_freeing():
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x.sin()
    saved = graph.saved_tensors(y.grad_fn)
    assert len(saved) == 1 and saved[0].tolist() == x.tolist()
    y.sum().backward()
    assert graph.saved_tensors(y.grad_fn) == ()


def test_record_forward_lists_the_ops_in_order_with_their_values():
    x = torch.tensor(2., requires_grad=True)
    with graph.record_forward() as fwd:
        y = x ** 2 + 3 * x
    assert [op.name for op in fwd.ops] == ["PowBackward0", "MulBackward0", "AddBackward0"]
    assert [op.outputs[0].item() for op in fwd.ops] == [4.0, 6.0, 10.0]
    assert [op.index for op in fwd.ops] == [0, 1, 2]
    assert fwd.ops[0].inputs[0] is x and fwd.ops[0].inputs[1] == 2
    assert fwd.ops[2].node is y.grad_fn and fwd.ops[2].outputs[0] is y
    with torch.no_grad(), graph.record_forward() as plain:
        torch.tensor(1.) * 2
    assert [(op.node, op.name) for op in plain.ops] == [(None, "Mul")]  # no node: the Function's name


def test_record_backward_steps_match_the_engine():
    x = torch.tensor(2., requires_grad=True)
    y = torch.tensor(3., requires_grad=True)
    z = (x + y) ** 2
    with graph.record_backward() as bwd:
        z.backward()
    names = [s.name for s in bwd.steps]
    assert names[:2] == ["PowBackward0", "AddBackward0"]
    pow_step, add_step = bwd.steps[0], bwd.steps[1]
    assert pow_step.node is z.grad_fn
    assert [g.item() for g in pow_step.grad_outputs] == [1.0]
    assert [g.item() for g in pow_step.grad_inputs] == [10.0]  # 2 (x + y) = 10
    assert [g.item() for g in add_step.grad_outputs] == [10.0]
    assert [g.item() for g in add_step.grad_inputs] == [10.0, 10.0]
    leaves = {s.leaf.item(): s for s in bwd.steps if s.leaf is not None}
    assert set(leaves) == {2.0, 3.0}
    for step in leaves.values():
        assert step.leaf_grad_before is None
        assert step.grad_outputs[0].item() == 10.0 and step.leaf_grad_after.item() == 10.0
    assert x.grad.item() == 10.0 and y.grad.item() == 10.0


def test_leaf_used_twice_gets_two_contributions_that_sum():
    x = torch.tensor(3., requires_grad=True)
    z = x * 2 + x * 5
    with graph.record_backward() as bwd:
        z.backward()
    accumulate = x.grad_fn or z.grad_fn.next_functions[0][0].next_functions[0][0]
    contributions = [g.item() for s in bwd.steps if s.leaf is None
                     for (child, _), g in zip(s.node.next_functions, s.grad_inputs) if child is accumulate]
    assert sorted(contributions) == [2.0, 5.0]
    leaf_steps = [s for s in bwd.steps if s.leaf is x]
    assert len(leaf_steps) == 1 and leaf_steps[0].grad_outputs[0].item() == 7.0 == x.grad.item()


def test_recording_changes_no_gradient_and_stops_at_the_end_of_the_block():
    def run(record):
        a = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
        b = torch.tensor([1.5, 0.25, -0.5], requires_grad=True)
        loss = ((a * b).tanh() @ a + b.exp().sum()) / a.norm()
        if record:
            with graph.record_forward(), graph.record_backward() as bwd:
                loss.backward()
            assert len(bwd.steps) > 5
        else:
            loss.backward()
        return a.grad.tolist(), b.grad.tolist()

    assert run(record=True) == run(record=False)
    with graph.record_forward() as fwd, graph.record_backward() as bwd:
        pass
    x = torch.tensor(1., requires_grad=True)
    (x * 2).backward()
    assert fwd.ops == [] and bwd.steps == []
    assert torch.autograd.function.forward_observers == [] and torch.autograd.engine.observers == []


def test_gradient_edges_and_the_inputs_behind_a_nodes_edges():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    a, b = y.split(1)
    assert graph.get_gradient_edge(y) == (y.grad_fn, 0)
    assert graph.get_gradient_edge(b).output_nr == 1 and graph.get_gradient_edge(b).node is b.grad_fn
    leaf_edge = graph.get_gradient_edge(x)
    assert leaf_edge.node.name() == "torch::autograd::AccumulateGrad" and leaf_edge.node.variable is x
    with pytest.raises(RuntimeError, match="does not require gradients"):
        graph.get_gradient_edge(torch.ones(2))
    with graph.record_forward() as fwd:
        z = 2.0 * x + x
    mul, add = fwd.ops
    assert mul.edge_inputs == (x, 2.0)  # `2.0 * x` is x.__rmul__(2.0): next_functions lists x, then (None, 0)
    assert add.edge_inputs[1] is x and add.edge_inputs[0] is mul.outputs[0]
    assert graph.value_text(z.detach().numpy()) == "[3., 6.]"
