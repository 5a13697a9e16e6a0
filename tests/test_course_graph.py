"""course.graph: tracing minigrad graphs, DOT text, SVG, the no-Graphviz fallback, compact mode."""
import base64
import os
import re
import shutil

import pytest

import minigrad
from course import graph as cg
from minigrad.autograd.graph import record_forward

EXPECTED_DOT = """digraph {
\tgraph [rankdir=TB]
\tnode [fontname=monospace fontsize=10 height=0.2 shape=box style=filled]
\tedge [fontname=monospace fontsize=9]
\top0 [label="PowBackward0" fillcolor=lightgrey]
\tleaf1 [label="x\\ndata=2.\\ngrad=None" fillcolor=lightblue]
\tacc1 [label="AccumulateGrad" fillcolor=lightgrey]
\top2 [label="MulBackward0" fillcolor=lightgrey]
\top3 [label="AddBackward0\\n= 10." fillcolor=lightgrey]
\tout0 [label="y\\ndata=10." fillcolor=darkolivegreen1]
\tleaf1 -> acc1
\tacc1 -> op0
\tacc1 -> op2
\top0 -> op3
\top2 -> op3
\top3 -> out0
}
"""


def build_square_plus():
    x = minigrad.tensor(2.0, requires_grad=True)
    y = x**2 + 3*x
    return x, y


def test_dot_text_for_y_equals_x_squared_plus_3x_is_exact():
    x, y = build_square_plus()
    assert cg.to_dot(cg.trace(y)) == EXPECTED_DOT  # names "x" and "y" come from this frame's locals


def test_same_graph_gives_the_same_dot_every_time():
    texts = set()
    for _ in range(3):
        x, y = build_square_plus()
        minigrad.tensor(1.0, requires_grad=True) * 2  # unrelated nodes in between must not shift ids
        texts.add(cg.to_dot(cg.trace(y, names={"x": x, "y": y})))
    assert len(texts) == 1


def test_names_mapping_wins_and_unnamed_leaves_show_their_shape():
    a = minigrad.tensor([2.0, 3.0], requires_grad=True)
    q = (a * a).sum()
    g = cg.trace(q, names={"alpha": a})
    leaf = next(n for n in g.nodes if n.kind == "leaf")
    assert leaf.name == "alpha"
    out = next(n for n in g.nodes if n.kind == "output")
    assert out.name == "output"
    g2 = cg.trace(q, names={})
    assert next(n for n in g2.nodes if n.kind == "leaf").name == "(2,)"


def test_leaf_used_twice_has_one_accumulate_node_and_two_edges():
    x = minigrad.tensor(3.0, requires_grad=True)
    y = x * x
    g = cg.trace(y)
    accs = [n for n in g.nodes if n.kind == "accumulate"]
    assert len(accs) == 1
    mul = next(n for n in g.nodes if n.name == "MulBackward0")
    assert sorted(e.slot for e in g.incoming(mul.id)) == [0, 1]


def test_colours_follow_torchviz():
    x, y = build_square_plus()
    dot = cg.to_dot(cg.trace(y, saved=True))
    assert "leaf1 [label=\"x\\ndata=2.\\ngrad=None\" fillcolor=lightblue]" in dot
    assert "fillcolor=darkolivegreen1" in dot
    assert 'saved0_0 [label="x\\ndata=2." fillcolor=orange]' in dot
    assert "saved0_0 -> op0 [dir=none]" in dot


def test_saved_tensors_are_separate_nodes_per_saved_value():
    a = minigrad.tensor([1.0, 2.0], requires_grad=True)
    b = minigrad.tensor([3.0, 4.0], requires_grad=True)
    c = a * b
    g = cg.trace(c, saved=True)
    saved = [n for n in g.nodes if n.kind == "saved"]
    assert sorted(n.name for n in saved) == ["a", "b"]
    assert all(g.outgoing(n.id, "saved") for n in saved)


def test_a_saved_output_is_named_after_the_output_tensor():
    x = minigrad.tensor(1.0, requires_grad=True)
    y = x.exp()  # exp saves its output: it comes back from the node as a new tensor object
    z = y * x
    saved_by_exp = [n for n in cg.trace(z, saved=True).nodes if n.id == "saved0_0"]
    assert [n.name for n in saved_by_exp] == ["y"]


def test_values_and_grads_come_from_the_tensors_and_forward_record():
    w = minigrad.tensor(1.0, requires_grad=True)
    with record_forward() as forward:
        z = w * 6.7
        loss = z.sigmoid()
    loss.backward()
    g = cg.trace(loss, names={"w": w, "loss": loss}, values=forward)
    leaf = next(n for n in g.nodes if n.kind == "leaf")
    assert float(leaf.grad) == pytest.approx(w.grad.item())
    mul = next(n for n in g.nodes if n.name == "MulBackward0")
    assert float(mul.value) == pytest.approx(z.item())
    assert f"grad={cg.format_value(w.grad._data)}" in cg.to_dot(g)
    assert "grad=0.0082" in cg.to_dot(g)


def test_highlight_marks_current_visited_and_edges():
    x, y = build_square_plus()
    g = cg.trace(y)
    dot = cg.to_dot(g, cg.Highlight(current="op3", visited=frozenset({"op0"}),
                                    edges=frozenset({("op3", "out0")})))
    assert 'op3 [label="AddBackward0\\n= 10." fillcolor=lightgrey color=red penwidth=3]' in dot
    assert 'op0 [label="PowBackward0" fillcolor=lightgrey color="#1f5fbf" penwidth=2]' in dot
    assert "op3 -> out0 [color=red fontcolor=red penwidth=2.5]" in dot


def test_hidden_nodes_and_their_edges_are_left_out():
    x, y = build_square_plus()
    dot = cg.to_dot(cg.trace(y), hidden={"op3", "out0"})
    assert "op3" not in dot and "out0" not in dot and "acc1 -> op0" in dot


def test_compact_mode_collapses_a_repeated_layer():
    x = minigrad.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(500):
        y = y * 1.001
    g = cg.trace(y, compact=True)
    ops = [n for n in g.nodes if n.kind == "op"]
    assert [n.name for n in ops] == ["MulBackward0 × 500"]
    assert len(cg.to_dot(g).splitlines()) < 15


def test_compact_mode_caps_the_node_count_with_a_note():
    x = minigrad.tensor(1.0, requires_grad=True)
    y = x
    for i in range(100):
        y = y * 1.001 if i % 2 else y + 1.0  # alternating ops: nothing to collapse
    g = cg.trace(y, compact=True, max_nodes=20)
    assert len(g.nodes) == 21 and g.note == "… 83 more nodes"
    assert "… 83 more nodes" in cg.to_dot(g)
    drawing = cg.draw(y)  # auto compact: capped at 60
    assert "more nodes" in drawing.dot


def test_text_fallback_lists_every_node():
    x, y = build_square_plus()
    text = cg.to_text(cg.trace(y))
    assert text.splitlines()[0].strip().startswith("[  leaf] x  data=2.  grad=None")
    assert "AddBackward0  = 10.   <- PowBackward0, MulBackward0" in text
    assert text.splitlines()[-1].strip() == "[output] y  data=10.   <- AddBackward0"


def require_dot():
    if shutil.which("dot") is None:  # optional locally; CI installs it, so there a missing dot is a failure
        if os.environ.get("CI"):
            pytest.fail("Graphviz's dot is not installed but CI is set: `make test` installs it with apt-get")
        pytest.skip("Graphviz's dot is not installed")


def test_svg_and_png_when_dot_exists(monkeypatch):
    require_dot()
    monkeypatch.delenv(cg.NO_GRAPHVIZ_ENV, raising=False)
    x, y = build_square_plus()
    d = cg.draw(y)
    assert d.svg.startswith("<svg") and "PowBackward0" in d.svg and "data=10." in d.svg
    data, metadata = d._repr_mimebundle_()
    assert set(data) == {"image/svg+xml", "image/png", "text/plain"}
    assert data["text/plain"] == "<graph drawing: 6 nodes>"
    png = base64.b64decode(data["image/png"])
    assert png.startswith(b"\x89PNG") and png == d.png
    # shown at the SVG's size: Graphviz writes the SVG's size in points (1 pt = 4/3 px)
    svg_width = float(re.search(r'<svg width="([\d.]+)pt"', d.svg).group(1))
    assert metadata["image/png"]["width"] == pytest.approx(svg_width * 4 / 3, abs=2)
    assert cg.draw(y)._repr_mimebundle_()[0]["image/png"] == data["image/png"]  # same bytes every run


def test_png_is_rendered_only_when_asked_for(monkeypatch):
    require_dot()
    monkeypatch.delenv(cg.NO_GRAPHVIZ_ENV, raising=False)
    calls = []
    real = cg.render_png
    monkeypatch.setattr(cg, "render_png", lambda dot: calls.append(dot) or real(dot))
    x, y = build_square_plus()
    d = cg.draw(y)
    assert d.html().startswith("<svg") and calls == []  # widgets redraw with SVG only: no second dot run
    assert d.png is d.png and len(calls) == 1


@pytest.mark.parametrize("how", ["which", "env"])
def test_without_dot_a_text_view_and_an_install_hint_never_an_exception(monkeypatch, how):
    if how == "which":
        monkeypatch.setattr(cg.shutil, "which", lambda name: None)
    else:
        monkeypatch.setenv(cg.NO_GRAPHVIZ_ENV, "1")
    assert not cg.dot_available()
    x, y = build_square_plus()
    d = cg.draw(y)
    assert d.svg is None
    bundle, metadata = d._repr_mimebundle_()
    assert "image/svg+xml" not in bundle and "image/png" not in bundle and d.png is None and metadata == {}
    assert "apt-get install graphviz" in bundle["text/html"] and "PowBackward0" in bundle["text/html"]
    assert bundle["text/plain"].endswith(cg.INSTALL_HINT)


def test_broken_dot_falls_back_too(monkeypatch, tmp_path):
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.delenv(cg.NO_GRAPHVIZ_ENV, raising=False)
    monkeypatch.setattr(cg.shutil, "which", lambda name: str(fake))
    x, y = build_square_plus()
    d = cg.draw(y)
    assert d.svg is None and d.png is None and "text/html" in d._repr_mimebundle_()[0]


def test_output_that_needs_no_grad_gives_an_empty_graph_not_an_error():
    t = minigrad.tensor(1.0) * 2
    g = cg.trace(t)
    assert g.nodes == [] and cg.to_dot(g).startswith("digraph {")
