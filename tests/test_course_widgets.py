"""Widget state objects, driven without a browser: graph builder, accumulation demo, quiz."""
import base64
import html
import json
import math
import re

import numpy as np
import pytest

import minigrad
from course.expressions import ExpressionError
from course.widgets.accumulation import ITERATION_CHOICES, LEARNING_RATES, AccumulationDemo, make_data, mse, plural
from course.widgets.builder import EXAMPLES, GraphBuilder, graph_builder
from course.widgets.quiz import PICK_FIRST, QUIZ_FILE, Quiz, load_questions, quiz

# ---- graph builder ----

EXPECTED_STEPS = {
    "y = x**2 + 3*x": (["PowBackward0", "MulBackward0", "AddBackward0"],
                       ["AddBackward0", "MulBackward0", "PowBackward0", "AccumulateGrad"]),
    "z = (x + y)**2": (["AddBackward0", "PowBackward0"],
                       ["PowBackward0", "AddBackward0", "AccumulateGrad", "AccumulateGrad"]),
    "Q = 3*a**3 - b**2": (["PowBackward0", "MulBackward0", "PowBackward0", "SubBackward0"],
                          ["SubBackward0", "PowBackward0", "AccumulateGrad", "MulBackward0", "PowBackward0",
                           "AccumulateGrad"]),
}


def test_forward_and_backward_step_order_for_the_small_examples():
    for key, (forward, backward) in EXPECTED_STEPS.items():
        b = GraphBuilder(key)
        names = []
        while (info := b.forward_step()) is not None:
            names.append(info.name)
        assert names == forward, key
        names = []
        while (info := b.backward_step()) is not None:
            names.append(info.name)
        assert names == backward, key


def independent_grads(key):
    """The same computations written out by hand with minigrad: what .grad must be."""
    if key == "y = x**2 + 3*x":
        x = minigrad.tensor(2.0, requires_grad=True)
        (x**2 + 3*x).backward()
        return {"x": x.grad}
    if key == "z = (x + y)**2":
        x, y = minigrad.tensor(2.0, requires_grad=True), minigrad.tensor(3.0, requires_grad=True)
        ((x + y)**2).backward()
        return {"x": x.grad, "y": y.grad}
    if key == "Q = 3*a**3 - b**2":
        a = minigrad.tensor([2.0, 3.0], requires_grad=True)
        b = minigrad.tensor([6.0, 4.0], requires_grad=True)
        (3*a**3 - b**2).backward(gradient=minigrad.ones(2))
        return {"a": a.grad, "b": b.grad}
    if key == "logistic neuron":
        x, y = minigrad.tensor(6.7), minigrad.tensor(0.0)
        w, b = minigrad.tensor(1.0, requires_grad=True), minigrad.tensor(0.0, requires_grad=True)
        y_hat = minigrad.sigmoid(w * x + b)
        loss = -(y * minigrad.log(y_hat.clamp(min=1e-8)) + (1 - y) * minigrad.log((1 - y_hat).clamp(min=1e-8)))
        loss.backward()
        return {"w": w.grad, "b": b.grad}
    w1 = minigrad.tensor([[0.5, -0.3, 0.8], [0.2, 0.7, -0.6]], requires_grad=True)
    b1 = minigrad.tensor([0.1, -0.1, 0.05], requires_grad=True)
    w2 = minigrad.tensor([[0.6], [-0.4], [0.9]], requires_grad=True)
    b2 = minigrad.tensor([0.2], requires_grad=True)
    x = minigrad.tensor([[1.0, -0.5]])
    out = minigrad.relu(x @ w1 + b1) @ w2 + b2
    ((out - 1.0) ** 2).mean().backward()
    return {"W1": w1.grad, "b1": b1.grad, "W2": w2.grad, "b2": b2.grad}


@pytest.mark.parametrize("key", list(EXAMPLES))
def test_every_step_shows_the_engines_gradients(key):
    b = GraphBuilder(key)
    b.run()
    expected = independent_grads(key)
    got = b.leaf_grads()
    assert set(got) == set(expected)
    for name, grad in expected.items():
        np.testing.assert_array_equal(got[name], grad._data)  # bit-identical: same engine
    # each step's numbers are the recorded ones; elementwise steps satisfy incoming x local = product
    b.reset()
    seen_leaf_grads = {}
    while (info := b.backward_step()) is not None:
        step = b.steps[info.index]
        if info.kind == "leaf":
            np.testing.assert_array_equal(info.after, step.leaf.grad._data)
            seen_leaf_grads[info.leaf] = info.after
            total = sum(np.asarray(g, dtype=np.float64).sum() for _, g in info.contributions)
            assert total == pytest.approx(float(np.asarray(info.incoming[0], np.float64).sum()), rel=1e-5)
        else:
            for local, product in zip(info.local, info.products):
                if info.elementwise:
                    np.testing.assert_allclose(info.incoming[0] * local, product, rtol=1e-6)
            assert info.latex.startswith("$$")
    assert set(seen_leaf_grads) == set(expected)


def test_known_numbers_of_the_curriculum():
    def grads(key):
        b = GraphBuilder(key)
        b.run()
        return b.leaf_grads()
    assert grads("y = x**2 + 3*x")["x"] == 7.0
    g = grads("z = (x + y)**2")
    assert g["x"] == 10.0 and g["y"] == 10.0
    g = grads("Q = 3*a**3 - b**2")
    assert g["a"].tolist() == [36.0, 81.0] and g["b"].tolist() == [-12.0, -8.0]
    b = GraphBuilder("logistic neuron")
    b.run()
    assert b.output.item() == pytest.approx(6.7012, abs=1e-4)
    assert b.leaf_grads()["w"] == pytest.approx(6.6918, abs=1e-4)
    assert b.leaf_grads()["b"] == pytest.approx(0.9988, abs=1e-4)


def test_leaf_used_twice_shows_both_contributions_adding_up():
    b = GraphBuilder("y = x**2 + 3*x")
    b.run()
    info = b.backward_info(3)
    assert info.kind == "leaf" and info.leaf == "x"
    assert [(name, float(g)) for name, g in info.contributions] == [("x**2", 4.0), ("3*x", 3.0)]
    assert info.before is None and float(info.after) == 7.0
    assert r"\text{4.} + \text{3.} = \text{7.}" in info.latex


def test_local_derivative_comes_from_the_node_not_a_formula():
    b = GraphBuilder("y = x**2 + 3*x")
    b.run()
    pow_step = b.backward_info(2)
    assert pow_step.name == "PowBackward0" and float(pow_step.local[0]) == 4.0  # d(x**2)/dx at 2
    assert float(pow_step.products[0]) == 4.0
    assert r"\underbrace{\text{1.}}_{\text{incoming}} \times \underbrace{\text{4.}}" in pow_step.latex


def test_drawing_follows_the_steps():
    b = GraphBuilder("y = x**2 + 3*x")
    assert "op0" not in b.dot()  # nothing applied yet
    b.forward_step()
    dot = b.dot()
    assert 'op0 [label="PowBackward0\\nx**2 = 4." fillcolor=lightgrey color=red penwidth=3]' in dot
    assert "op2" not in dot and "out0" not in dot
    b.forward_step()
    b.forward_step()
    assert "out0" in b.dot() and "grad=7." not in b.dot()
    for _ in range(3):
        b.backward_step()
    assert "grad=None" in b.dot()
    b.backward_step()
    dot = b.dot()
    assert 'leaf1 [label="x\\ndata=2.\\ngrad=7." fillcolor=lightblue]' in dot
    assert 'acc1 -> op0 [label=" 4." color=red fontcolor=red penwidth=2.5]' in dot
    assert b.backward_done and b.backward_step() is None
    assert b.status() == "Backward step 4 of 4 (done)"
    b.reset()
    assert (b.forward_pos, b.backward_pos) == (0, 0)


def test_backward_before_forward_completes_the_forward_pass():
    b = GraphBuilder("z = (x + y)**2")
    info = b.backward_step()
    assert b.forward_done and info.name == "PowBackward0" and float(info.incoming[0]) == 1.0


def test_sliders_change_values_and_the_gradients_follow():
    b = GraphBuilder("y = x**2 + 3*x")
    b.run()
    b.set_value("x", 5.0)
    assert b.backward_done and b.leaf_grads()["x"] == 13.0  # 2*5 + 3, from the engine
    q = GraphBuilder("Q = 3*a**3 - b**2")
    assert [e[0] for e in q.slider_entries()] == ["a[0]", "a[1]", "b[0]", "b[1]"]
    q.set_value("a[1]", 1.0)
    q.run()
    assert q.leaf_grads()["a"].tolist() == [36.0, 9.0]
    with pytest.raises(KeyError):
        q.set_value("nope", 1.0)


def test_typed_expression_builds_and_refuses_hostile_text():
    b = GraphBuilder("y = sin(x) * x**2")
    b.run()
    x = minigrad.tensor(2.0, requires_grad=True)
    (minigrad.sin(x) * x**2).backward()
    assert b.leaf_grads()["x"] == x.grad.item()
    with pytest.raises(ExpressionError):
        b.load("__import__('os').system('true')")
    assert b.key == "y = sin(x) * x**2"  # the failed load left the state alone


def test_view_buttons_call_the_state_and_redraw():
    v = graph_builder("y = x**2 + 3*x")
    for _ in range(3):
        v.forward.click()
    for _ in range(4):
        v.backward.click()
    assert "Backward step 4 of 4" in v.status.value
    assert "grad=7." in v.graph.value and v.graph.value.lstrip().startswith(("<svg", "<div"))
    assert "$$" in v.math.value
    v.reset.click()
    assert "grad=7." not in v.graph.value
    v.expression.value = "().__class__"
    v._on_build()
    assert "Not built" in v.message.value
    v.expression.value = "loss = (w - 3)**2"
    v._on_build()
    assert [s.description for s in v.sliders.children] == ["w"]
    v.sliders.children[0].value = 1.0
    v.run_all.click()
    assert v.state.leaf_grads()["w"] == -4.0
    bundle, metadata = v._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("Graph builder: loss = (w - 3)**2")
    if bundle.get("image/svg+xml"):  # with Graphviz: the static picture as SVG and as PNG (untrusted notebooks)
        assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG") and "image/png" in metadata
        assert "grad=-4." in html.unescape(bundle["image/svg+xml"])  # the finished run, whatever the step position


def test_view_without_graphviz_shows_text(monkeypatch):
    monkeypatch.setenv("COURSE_NO_GRAPHVIZ", "1")
    v = graph_builder()
    v.run_all.click()
    assert "graphviz" in v.graph.value.lower() and "grad=7." in v.graph.value
    bundle, _ = v._repr_mimebundle_()
    assert "text/html" in bundle and "image/png" not in bundle and "image/svg+xml" not in bundle


def test_picking_an_example_shows_its_text_and_build_reloads_it():
    v = graph_builder("y = x**2 + 3*x")
    assert v.expression.value == "y = x**2 + 3*x"
    for key, example in EXAMPLES.items():
        v.examples.value = key
        assert v.expression.value == example.text and v.state.key == key
    v.examples.value = "z = (x + y)**2"
    v.expression.value = EXAMPLES["2-layer MLP"].text  # an example's shown text builds that example
    v._on_build()
    assert v.state.key == "2-layer MLP" and v.examples.value == "2-layer MLP" and "Built" in v.message.value
    v.expression.value = "y = sin(x)"
    v._on_build()
    assert v.state.key == "y = sin(x)" and v.examples.value is None and v.expression.value == "y = sin(x)"
    assert v.state.values == {"x": 2.0}  # the MLP's vector x does not carry over into a typed expression
    v.sliders.children[0].value = 0.5
    v.expression.value = "y = cos(x)"
    v._on_build()
    assert v.state.values == {"x": 0.5}  # a scalar does


def test_output_that_is_its_input_is_named_and_explained():
    b = GraphBuilder("y = x")
    assert b.output_name == "y" and b.same_as == "x" and b.ops == []
    dot = b.dot()  # the output box says y, and the leaf x feeding it is shown from the start
    assert 'out0 [label="y\\n' in dot and "(the tensor x itself)" in dot and "leaf0" in dot
    assert "Press" not in b.latex() or "Press Forward" not in b.latex()
    assert "applies no operation" in b.latex() and "press Backward" in b.status()
    assert b.forward_step() is None
    b.backward_step()
    assert b.backward_done and b.leaf_grads() == {"x": 1.0}
    x = minigrad.tensor(2.0, requires_grad=True)
    x.backward()  # what PyTorch does with y = x; y.backward()
    assert x.grad.item() == 1.0
    v = graph_builder("y = x")
    v.forward.click()
    assert "applies no operation" in v.message.value and "Press Forward" not in v.math.value


def test_forward_with_nothing_left_says_so():
    v = graph_builder("y = x**2 + 3*x")
    for _ in range(3):
        v.forward.click()
    assert v.message.value == ""
    v.forward.click()
    assert "forward pass is complete" in v.message.value
    v.backward.click()
    assert v.message.value == ""


@pytest.mark.parametrize("x, words", [
    (2.0, ["y = -inf because log is defined only for inputs > 0", "its input is x-2 = 0",
           "LogBackward0 sends a gradient of inf", "1/u is infinite at u = 0"]),
    (1.0, ["y = nan because log is defined only for inputs > 0", "its input is x-2 = -1"]),
])
def test_values_outside_log_domain_are_explained(x, words):
    b = GraphBuilder("y = log(x-2)")
    b.set_value("x", x)
    b.run()
    assert not np.isfinite(b.output.item())  # the real value, from minigrad
    text = " ".join(b.notes())
    for word in words:
        assert word in text
    v = graph_builder("y = log(x-2)")
    v.sliders.children[0].value = x
    assert v.notes.value == ""  # nothing applied yet: nothing to explain
    v.forward.click()
    v.forward.click()  # the log is applied: its value shows, and so does the note
    assert "log is defined only for inputs &gt; 0" in v.notes.value and v.notes.layout.display is None
    v.sliders.children[0].value = 3.0
    assert v.notes.value == "" and v.notes.layout.display == "none"


def test_notes_follow_the_steps():
    b = GraphBuilder("y = log(x-2)")
    assert b.notes() == []
    b.forward_step()  # x-2 = 0: finite
    assert b.notes() == []
    b.forward_step()
    assert len(b.notes()) == 1 and "log is defined only" in b.notes()[0]
    b.backward_step()  # LogBackward0 sends inf
    assert len(b.notes()) == 2 and "sends a gradient of inf" in b.notes()[1]


def test_other_non_finite_values_and_signed_zero_get_notes():
    def notes(expression, x):
        b = GraphBuilder(expression)
        b.set_value("x", x)
        b.run()
        return " ".join(b.notes())
    assert "division by zero, the divisor is x = 0" in notes("y = 1/x", 0.0)
    assert "exp overflows float32" in notes("y = exp(x*50)", 2.0)
    assert "p < 1" in notes("y = x**0.5", 0.0)
    assert "-0. is a zero with a minus sign" in notes("y = -x", 0.0)
    assert notes("y = x**2 + 3*x", 2.0) == ""
    b = GraphBuilder("y = x**2")
    b.set_value("x", -0.0)  # a slider's -0.0 is stored as 0.0
    assert math.copysign(1.0, b.values["x"]) == 1.0


def test_graph_and_chain_rule_panel_share_a_wrapping_row():
    v = graph_builder("2-layer MLP")
    v.run_all.click()
    row = v.widget.children[-1]
    assert list(row.children) == [v.graph, v.math] and row.layout.flex_flow == "row wrap"
    assert v.graph.layout.max_width == "100%" and v.math.layout.min_width
    if v.graph.value.startswith("<svg"):
        assert v.graph.value.startswith('<svg style="max-width:100%;height:auto"')


# ---- accumulation demo ----

def hand_written_loop(iterations, lr, zero_grad):
    x, y = make_data()
    w = minigrad.tensor(0.0, requires_grad=True)
    b = minigrad.tensor(0.0, requires_grad=True)
    losses, norms = [], []
    for _ in range(iterations):
        if zero_grad:
            w.grad = None
            b.grad = None
        loss = ((w * x + b - y) ** 2).mean()
        loss.backward()
        losses.append(loss.item())
        norms.append(math.sqrt(w.grad.item() ** 2 + b.grad.item() ** 2))
        with minigrad.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
    return losses, norms


@pytest.mark.parametrize("iterations, lr", [(20, 0.05), (7, 0.2)])
def test_accumulation_demo_numbers_equal_a_hand_written_loop(iterations, lr):
    demo = AccumulationDemo(iterations=iterations, lr=lr)
    good, bad = demo.runs()
    for run, zero in ((good, True), (bad, False)):
        losses, norms = hand_written_loop(iterations, lr, zero)
        assert run.losses == losses
        assert run.grad_norms == pytest.approx(norms, rel=1e-12)
    # with zeroing, the gradient used is the true one; without it, it is the running sum
    assert good.grad_norms == pytest.approx(good.true_grad_norms, rel=1e-6)
    assert bad.losses[-1] > good.losses[-1]


def test_without_zero_grad_the_grad_is_the_sum_of_the_fresh_gradients():
    demo = AccumulationDemo(iterations=5, lr=0.05)
    _, bad = demo.runs()
    w = minigrad.tensor(0.0, requires_grad=True)
    b = minigrad.tensor(0.0, requires_grad=True)
    total = np.zeros(2)
    for step in range(5):
        fresh = demo.true_gradient(w, b)
        total += fresh
        assert bad.grads[step] == pytest.approx(tuple(total), rel=1e-5)
        with minigrad.no_grad():
            w.copy_(minigrad.tensor(bad.params[step][0]))
            b.copy_(minigrad.tensor(bad.params[step][1]))


def test_verdict_numbers_are_computed():
    demo = AccumulationDemo(iterations=100, lr=0.05)
    good, bad = demo.runs()
    rises = sum(b > a * 1.001 for a, b in zip(bad.losses, bad.losses[1:]))
    tail = bad.losses[-33:]
    verdict = demo.verdict((good, bad))
    assert verdict.startswith(f"Without zero_grad the loss never settles: it went up again at {rises} of its 100 "
                              f"steps, and over the last 33 steps it still swings between {min(tail):.3g} and "
                              f"{max(tail):.3g}.")
    assert verdict.endswith(f"With zero_grad the loss went down steadily, to {good.losses[-1]:.3g}.")
    assert "momentum without damping" in demo.explanation()
    diverging = AccumulationDemo(iterations=60, lr=5.0)
    assert "diverged" in diverging.verdict()
    assert "has not gone up yet" in AccumulationDemo(iterations=2).verdict()  # too short to show it: says so


def test_runs_are_reused_for_shorter_settings():
    demo = AccumulationDemo(iterations=60, lr=0.1)
    good, bad = demo.runs()
    assert len(good.losses) == 60
    direct = demo.train(False, 60)
    assert bad.losses == direct.losses and bad.grads == direct.grads


@pytest.fixture(scope="module")
def slider_grid_runs():
    """For each learning rate of the slider, the longest run; every iterations setting is a prefix of it."""
    out = {}
    for lr in LEARNING_RATES:
        demo = AccumulationDemo(iterations=ITERATION_CHOICES[-1], lr=lr)
        out[lr] = demo, demo.runs()
    return out


def test_every_slider_setting_shows_the_bug(slider_grid_runs):
    for lr, (demo, (good_full, bad_full)) in slider_grid_runs.items():
        for iterations in ITERATION_CHOICES:
            good, bad = good_full.head(iterations), bad_full.head(iterations)
            losses, good_losses = np.array(bad.losses), np.array(good.losses)
            where = f"lr={lr}, iterations={iterations}"
            assert np.all(np.isfinite(losses)), where
            # without zeroing: the loss keeps going up again, and is still swinging in the last third
            assert np.sum(np.diff(losses) > 1e-3 * losses[:-1]) >= 5, where
            tail = losses[-(iterations // 3):]
            assert tail.max() > 2 * tail.min(), where
            # with zeroing: it only goes down
            assert np.all(np.diff(good_losses) <= 1e-3 * good_losses[:-1]), where
            verdict = demo.verdict((good, bad))
            assert verdict.startswith("Without zero_grad the loss never settles"), where
            assert "went down steadily" in verdict, where
            assert "momentum without damping" in demo.explanation((good, bad)), where


def test_the_early_lead_is_reported_only_when_it_happened(slider_grid_runs):
    for lr, (demo, runs) in slider_grid_runs.items():
        good, bad = runs
        lower = [i + 1 for i, (a, b) in enumerate(zip(bad.losses, good.losses)) if a < b]
        text = demo.explanation(runs)
        if lower:
            first = lower[0]
            last = first
            while last + 1 in lower:
                last += 1
            span = f"at step {first}" if first == last else f"from step {first} to step {last}"
            assert f"the loss without zero_grad was lower {span}" in text, lr
        else:
            assert "look faster" not in text, lr
    assert "look faster" in slider_grid_runs[0.01][0].explanation(slider_grid_runs[0.01][1])


@pytest.mark.parametrize("k", [1, 2, 3, 4, 6, 8])
def test_micro_batches_match_the_full_batch(k):
    check = AccumulationDemo().micro_batches(k)
    assert check.match and check.max_difference < 1e-5
    x, y = make_data()
    w = minigrad.tensor(0.5, requires_grad=True)
    b = minigrad.tensor(-0.5, requires_grad=True)
    mse(w, b, x, y).backward()
    assert check.full == (w.grad.item(), b.grad.item())


def test_micro_batches_need_an_even_split():
    with pytest.raises(ValueError, match="divide"):
        AccumulationDemo().micro_batches(5)


def test_accumulation_view_redraws_on_slider_moves():
    from course.widgets.accumulation import accumulation_demo
    v = accumulation_demo()
    first_png, first_verdict = v.plot.value, v.verdict.value
    assert bytes(first_png).startswith(b"\x89PNG")
    v.iterations.value = 150
    assert bytes(v.plot.value) != bytes(first_png)
    assert v.verdict.value != first_verdict and "of its 150 steps" in v.verdict.value
    assert "momentum without damping" in v.verdict.value
    v.mode.value = "micro-batches"
    assert "allclose: True" in v.check.value and "4 micro-batches, loss/k" in v.check.value
    for hidden in (v.plot, v.verdict, v.iterations, v.lr):  # they do nothing in micro-batch mode
        assert hidden.layout.display == "none"
    assert v.k.layout.display is None and v.k.style.description_width == "initial"
    v.k.value = 1
    assert "1 micro-batch, loss/k" in v.check.value
    v.mode.value = "zero_grad or not"
    assert v.plot.layout.display is None and v.iterations.layout.display is None
    assert "image/png" in v._repr_mimebundle_()


def test_sliders_offer_exactly_the_swept_grid():
    from course.widgets.accumulation import accumulation_demo
    v = accumulation_demo(iterations=20, lr=0.013)  # snapped to the nearest settings
    assert tuple(v.iterations.options) == ITERATION_CHOICES and tuple(v.lr.options) == LEARNING_RATES
    assert (v.state.iterations, v.state.lr) == (50, 0.01)
    assert "of its 50 steps" in v.verdict.value


def test_plurals():
    assert plural(1, "step") == "1 step" and plural(2, "step") == "2 steps"
    assert plural(1, "micro-batch", "es") == "1 micro-batch" and plural(3, "micro-batch", "es") == "3 micro-batches"


# ---- quiz ----

def test_quiz_file_has_enough_well_formed_questions():
    questions = load_questions()
    assert len(questions) >= 22  # tests/test_course_quiz.py checks the facts behind each
    raw = json.loads(QUIZ_FILE.read_text())["questions"]
    assert {q["lesson"] for q in raw} == {f"{n:02d}" for n in range(1, 14)}
    assert len({q.correct for q in questions}) > 1  # the answer is not always in the same place


def test_quiz_scoring_and_progress():
    q = Quiz.from_file()
    total = len(q.questions)
    assert q.progress() == f"Question 1 of {total}"
    fb = q.answer(q.current.correct)
    assert fb.correct and fb.text().startswith("Correct!")
    with pytest.raises(ValueError, match="already answered"):
        q.answer(0)
    assert q.next() and q.progress() == f"Question 2 of {total}"
    wrong = (q.current.correct + 1) % len(q.current.choices)
    fb = q.answer(wrong)
    assert not fb.correct and fb.text().startswith("Not quite. The answer is: " + q.current.choices[q.current.correct])
    assert q.summary() == f"Score so far: 1 of 2 answered ({total - 2} to go)"
    while q.next():
        q.answer(q.current.correct)
    assert q.finished and q.score() == total - 1
    assert q.summary() == f"Final score: {total - 1} / {total} ({100 * (total - 1) / total:.0f}%)"
    with pytest.raises(ValueError, match="choose one of"):
        Quiz.from_file().answer(99)


def test_quiz_file_errors_are_clear(tmp_path):
    bad = tmp_path / "q.json"
    bad.write_text(json.dumps({"questions": [{"question": "?", "choices": ["a", "b"], "correct": 2,
                                              "explanation": ""}]}))
    with pytest.raises(ValueError, match="'correct' must index one of its 2 choices"):
        load_questions(bad)


def test_quiz_view_checks_answers_in_python():
    v = quiz()
    v.check.click()  # nothing picked
    assert v.feedback.value and PICK_FIRST in v.feedback.value and not v.state.answered
    v.choices.index = v.state.current.correct
    v.check.click()
    assert "Correct!" in v.feedback.value and v.choices.layout.display == "none"
    assert v.review.layout.display is None and "course-quiz-right" in v.review.value
    v.next.click()
    assert "Question 2 of" in v.header.value and v.feedback.value == "" and v.choices.layout.display is None
    q = v.state.current
    wrong = (q.correct + 1) % len(q.choices)
    v.choices.index = wrong
    v.check.click()
    assert "Not quite" in v.feedback.value and "1 of 2 answered" in v.score.value
    # the right choice is highlighted, the wrong pick marked; verdict and explanation are separate blocks
    right_row = re.search(r'<div class="course-quiz-right"[^>]*>(.*?)</div>', v.review.value).group(1)
    wrong_row = re.search(r'<div class="course-quiz-wrong"[^>]*>(.*?)</div>', v.review.value).group(1)
    assert html.escape(q.choices[q.correct]) in right_row and "✓" in right_row
    assert html.escape(q.choices[wrong]) in wrong_row and "✗" in wrong_row
    blocks = re.findall(r"<div[^>]*>(.*?)</div>", v.feedback.value)
    assert blocks == [html.escape(f"Not quite. The answer is: {q.choices[q.correct]}."), html.escape(q.explanation)]


def test_feedback_text_keeps_answer_and_explanation_apart():
    q = Quiz.from_file()
    fb = q.answer((q.current.correct + 1) % len(q.current.choices))
    verdict, explanation = fb.text().split("\n")
    assert verdict.endswith(".") and explanation == q.current.explanation
