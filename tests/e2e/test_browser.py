"""The course in a real JupyterLab page.

1. Every lesson of course/catalog.py that exists in notebooks/: opened fresh (untrusted, no kernel run yet) its
   stored pictures show as images; after Run All no cell shows an error (except cells tagged raises-exception),
   every cell ran, and no widget failed to render.
2. The widgets, each in a scratch notebook: graph builder (stepping, click-to-redraw time, layout at 1000 and
   1920 px, examples, `y = x`, log outside its domain), accumulation demo (slider, micro-batch mode), quiz.
3. The lesson list (notebooks/README.md) opens rendered and its links open the lessons.
4. Trusted with `jupyter trust` (as `make lab` does), a lesson shows its stored drawings as SVG.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

import nbformat
import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under CI) with the reason
    expect = None

from course.catalog import LESSONS
from course.widgets.builder import EXAMPLES
from course.widgets.quiz import load_questions

REPO_NOTEBOOKS = os.path.join(os.path.dirname(__file__), "..", "..", "notebooks")
PRESENT = [lesson for lesson in LESSONS if os.path.exists(os.path.join(REPO_NOTEBOOKS, f"{lesson.stem}.ipynb"))]
PICTURE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
SHOT = os.environ.get("E2E_SHOT", os.path.join(tempfile.gettempdir(), "course_e2e_builder.png"))


def stored_pictures(cell):
    """How many pictures a cell's stored outputs hold (one per output that has an image)."""
    return sum(1 for o in cell.get("outputs", ()) if any(t in o.get("data", {}) for t in PICTURE_TYPES))


def run_problems(cells):
    """What is wrong after Run All: cells that did not run, errors outside raises-exception cells, broken widgets."""
    problems = []
    for cell in cells:
        if cell["type"] != "code" or not cell["source"].strip():
            continue
        where = f"cell {cell['index']} ({cell['source'].splitlines()[0][:60]!r})"
        if cell["executionCount"] is None:
            problems.append(f"{where} did not run (stopped by an earlier error?)")
        errors = [o for o in cell["outputs"] if o.get("output_type") == "error"]
        if errors and "raises-exception" not in cell["tags"]:
            problems.append(f"{where} raised {errors[0]['ename']}: {errors[0]['evalue'][:200]}")
        if cell["widgetErrors"]:
            problems.append(f"{where}: a widget failed to render: {cell['text'][:200]!r}")
        for view in cell["widgetViews"]:
            if view["widgets"] == 0 or view["height"] < 5:
                problems.append(f"{where}: a widget output is empty ({view})")
    return problems


@pytest.mark.parametrize("lesson", PRESENT, ids=lambda lesson: lesson.stem)
def test_lesson_shows_its_pictures_then_runs_clean(jlab, lesson):
    path = f"notebooks/{lesson.stem}.ipynb"
    start = time.perf_counter()
    jlab.open(path)
    jlab.wait_pictures_loaded()
    missing = []
    for cell in jlab.cells():
        if cell["type"] != "code":
            continue
        expected = stored_pictures(cell)
        shown = [p for p in cell["pictures"] if p["complete"] and p["width"] > 0]
        if len(shown) < expected:
            missing.append(f"cell {cell['index']}: {expected} stored picture(s), {len(shown)} shown; it shows "
                           f"{cell['text'][:120]!r} (an SVG-only output does not show in an untrusted notebook)")
    assert not missing, f"{path} opened fresh:\n" + "\n".join(missing)

    opened = time.perf_counter()
    jlab.run_all()
    problems = run_problems(jlab.cells())
    assert not problems, f"{path} after Run All:\n" + "\n".join(problems)
    print(f"\n{lesson.stem}: opened with its pictures in {opened - start:.1f} s, "
          f"ran in {time.perf_counter() - opened:.1f} s")


def test_the_lesson_check_catches_errors_and_broken_widgets(jlab, lab_root):
    """The checks above can fail: an untagged error, the cells it stops, and a widget view without a model."""
    path = scratch(lab_root, "errors.ipynb", "1 / 0", "print('runs on')", "raise ValueError('not on purpose')",
                   "print('never runs')")
    nb = nbformat.read(lab_root / path, as_version=4)
    nb.cells[0].metadata["tags"] = ["raises-exception"]  # its error is allowed, and Run All goes on
    nbformat.write(nb, lab_root / path)
    jlab.open(path)
    jlab.run_all()
    problems = run_problems(jlab.cells())
    assert len(problems) == 2, problems
    assert problems[0] == "cell 2 (\"raise ValueError('not on purpose')\") raised ValueError: not on purpose"
    assert problems[1] == "cell 3 (\"print('never runs')\") did not run (stopped by an earlier error?)"

    jlab.open(scratch(lab_root, "broken_widget.ipynb",
                      "from IPython.display import display\n"
                      "display({'application/vnd.jupyter.widget-view+json': {'model_id': 'no-such-model', "
                      "'version_major': 2, 'version_minor': 0}}, raw=True)"))
    jlab.run_all()
    problems = run_problems(jlab.cells())
    assert len(problems) == 1 and "a widget failed to render" in problems[0], problems


# ---- the widgets, each in a scratch notebook of its own ----

def scratch(lab_root, name, *sources):
    folder = lab_root / "e2e"
    folder.mkdir(exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, folder / name)
    return f"e2e/{name}"


def test_graph_builder_steps_forward_and_backward(jlab, lab_root):
    page = jlab.page
    jlab.open(scratch(lab_root, "builder.ipynb", 'from course.widgets import graph_builder\n'
                                                  'graph_builder("y = x**2 + 3*x")'))
    jlab.run_all()
    widget = page.locator(".course-builder")
    forward = widget.locator("button", has_text="Forward")
    backward = widget.locator("button", has_text="Backward")
    status = widget.locator(".widget-html b", has_text=re.compile("^(Forward op|Backward step|y = )"))
    graph = widget.locator(".course-graph svg")
    expect(forward).to_be_visible(timeout=60_000)
    expect(status).to_contain_text("y = x**2 + 3*x")
    expect(widget.locator(".course-expression input")).to_have_value("y = x**2 + 3*x")

    ops = 0
    while "— press Backward" not in status.inner_text():
        forward.click()
        ops += 1
        expect(status).to_contain_text(f"Forward op {ops} of")
        assert ops < 10
    expect(graph).to_contain_text("AddBackward0")
    expect(graph).not_to_contain_text("grad=7.")
    forward.click()  # nothing left to apply: it says so
    expect(widget.locator(".course-message")).to_contain_text("forward pass is complete")

    # time from a Backward click to the redrawn SVG, measured inside the page
    page.evaluate("""() => {
        const box = document.querySelector('.course-graph');
        window.__redraws = [];
        new MutationObserver(() => window.__redraws.push(performance.now()))
            .observe(box, {childList: true, subtree: true, characterData: true});
        document.querySelectorAll('.course-builder button').forEach(b => {
            if (b.textContent.includes('Backward'))
                b.addEventListener('click', () => { window.__clicked = performance.now(); window.__redraws = []; },
                                   true);
        });
    }""")
    timings, steps = [], 0
    while "(done)" not in status.inner_text():
        backward.click()
        steps += 1
        expect(status).to_contain_text(f"Backward step {steps} of")
        page.wait_for_function("() => window.__redraws.length > 0")
        timings.append(page.evaluate("() => window.__redraws[0] - window.__clicked"))
        assert steps < 10
    assert steps == 4
    expect(graph).to_contain_text("grad=7.")
    expect(graph).to_contain_text("PowBackward0")
    expect(widget.locator(".course-math")).to_contain_text("x.grad")
    print(f"\nBackward click -> redrawn SVG: {', '.join(f'{t:.0f} ms' for t in timings)} "
          f"(median {sorted(timings)[len(timings) // 2]:.0f} ms)")
    widget.scroll_into_view_if_needed()
    page.screenshot(path=SHOT)
    print(f"screenshot: {SHOT}")


def test_graph_builder_layout_examples_and_edge_cases(jlab, lab_root):
    page = jlab.page
    jlab.open(scratch(lab_root, "builder_cases.ipynb", "from course.widgets import graph_builder\ngraph_builder()"))
    jlab.run_all()
    widget = page.locator(".course-builder")
    box = widget.locator(".course-expression input")
    expect(box).to_be_visible(timeout=60_000)

    # picking an example puts its text in the box
    widget.locator("select").select_option("2-layer MLP")
    expect(box).to_have_value(EXAMPLES["2-layer MLP"].text)
    widget.locator("button", has_text="Run all").click()
    expect(widget.locator(".course-graph svg")).to_contain_text("AccumulateGrad")
    for width in (1000, 1920):  # the chain-rule panel stays inside the widget: the row wraps, nothing scrolls
        page.set_viewport_size({"width": width, "height": 1000})
        page.wait_for_timeout(300)
        geometry = page.evaluate("""() => {
            const math = document.querySelector('.course-math').getBoundingClientRect();
            const graph = document.querySelector('.course-graph').getBoundingClientRect();
            const row = document.querySelector('.course-math').parentElement;
            const area = document.querySelector('.course-builder').closest('.jp-OutputArea-output')
                .getBoundingClientRect();
            return {math: [math.left, math.right, math.width], graph: [graph.left, graph.right],
                    area: [area.left, area.right], scroll: row.scrollWidth - row.clientWidth};
        }""")
        assert geometry["math"][1] <= geometry["area"][1] + 1, (width, geometry)
        assert geometry["graph"][1] <= geometry["area"][1] + 1, (width, geometry)
        assert geometry["math"][2] >= 250 and geometry["scroll"] <= 1, (width, geometry)
    page.set_viewport_size({"width": 1400, "height": 1000})

    # y = x: the output is called y, and Forward explains why there is nothing to apply
    box.fill("y = x")
    widget.locator("button", has_text="Build").click()
    expect(widget.locator(".course-graph svg")).to_contain_text("the tensor x itself")
    expect(widget.locator(".course-math")).not_to_contain_text("Press Forward")
    widget.locator("button", has_text="Forward").click()
    expect(widget.locator(".course-message")).to_contain_text("applies no operation")
    widget.locator("button", has_text="Backward").click()
    expect(widget.locator(".course-graph svg")).to_contain_text("grad=1.")

    # log(x-2) at x = 2: a note says why the value is -inf
    box.fill("y = log(x-2)")
    widget.locator("button", has_text="Build").click()
    widget.locator("button", has_text="Run all").click()
    expect(widget.locator(".course-notes")).to_contain_text("log is defined only for inputs > 0")
    expect(widget.locator(".course-notes")).to_contain_text("its input is x-2 = 0")


def test_accumulation_demo_slider_and_micro_batches(jlab, lab_root):
    page = jlab.page
    jlab.open(scratch(lab_root, "accumulation.ipynb",
                      "from course.widgets import accumulation_demo\naccumulation_demo()"))
    jlab.run_all()
    widget = page.locator(".course-accumulation")
    plot = widget.locator(".course-plot")
    verdict = widget.locator(".course-verdict")
    expect(plot).to_be_visible(timeout=60_000)
    expect(verdict).to_contain_text("Without zero_grad the loss never settles")
    expect(verdict).to_contain_text("momentum without damping")
    expect(verdict).to_contain_text("of its 100 steps")
    before = plot.get_attribute("src")
    assert before and before.startswith(("blob:", "data:image/png"))
    handle = widget.locator(".widget-slider", has_text="iterations").locator(".noUi-handle")
    handle.focus()
    page.evaluate("""() => {
        window.__plotChanged = null;
        const img = document.querySelector('.course-accumulation .course-plot');
        new MutationObserver(() => { if (window.__plotChanged === null) window.__plotChanged = performance.now(); })
            .observe(img, {attributes: true, attributeFilter: ['src']});
        window.__moved = performance.now();
    }""")
    page.keyboard.press("ArrowRight")
    expect(verdict).to_contain_text("of its 110 steps", timeout=30_000)
    expect(plot).not_to_have_attribute("src", before, timeout=30_000)
    redraw = page.evaluate("() => window.__plotChanged - window.__moved")
    print(f"\niterations slider step -> redrawn plot: {redraw:.0f} ms")
    size = plot.bounding_box()
    assert size and size["width"] > 300 and size["height"] > 100

    widget.locator("button", has_text="micro-batches").click()
    check = widget.locator(".course-check")
    expect(check).to_contain_text("allclose: True")
    expect(check).to_contain_text("4 micro-batches, loss/k")
    expect(plot).to_be_hidden()
    expect(widget.locator(".widget-slider", has_text="iterations")).to_be_hidden()
    expect(widget.locator(".widget-slider", has_text="learning rate")).to_be_hidden()
    label = widget.locator(".widget-dropdown label")
    expect(label).to_have_text("micro-batches")
    assert label.evaluate("l => l.scrollWidth <= l.clientWidth + 1")  # not cut to "micro-bat…"


def test_quiz_asks_for_a_pick_and_highlights_the_right_answer(jlab, lab_root):
    page = jlab.page
    first = load_questions()[0]
    jlab.open(scratch(lab_root, "quiz.ipynb", "from course.widgets import quiz\nquiz()"))
    jlab.run_all()
    widget = page.locator(".course-quiz")
    check = widget.locator("button", has_text="Check")
    expect(check).to_be_visible(timeout=60_000)
    check.click()
    expect(widget.locator(".course-quiz-feedback")).to_contain_text("Pick an answer first")
    wrong = first.choices[(first.correct + 1) % len(first.choices)]
    widget.locator(".widget-radio-box label", has_text=wrong).first.click()
    check.click()
    expect(widget.locator(".course-quiz-right")).to_contain_text(first.choices[first.correct])
    expect(widget.locator(".course-quiz-wrong")).to_contain_text(wrong)
    blocks = widget.locator(".course-quiz-feedback .widget-html-content > div")
    expect(blocks.nth(0)).to_contain_text("Not quite. The answer is:")
    expect(blocks.nth(1)).to_have_text(first.explanation)


def test_lesson_list_opens_rendered_and_links_to_lessons(jlab, lab_root):
    if not (lab_root / "notebooks" / "README.md").exists():
        pytest.skip("notebooks/README.md (the lesson list) is not written yet")
    page = jlab.page
    jlab.open("notebooks/README.md", factory=None)  # the default viewer, as `make lab` sets it up
    rendered = page.locator(".jp-RenderedMarkdown").first
    expect(rendered).to_be_visible(timeout=30_000)
    links = rendered.locator("a[href*='.ipynb']")  # JupyterLab resolves them to /files/...ipynb?_xsrf=...
    assert links.count() >= len(PRESENT)
    target = next(lesson.stem for lesson in PRESENT)
    rendered.locator(f"a[href*='/notebooks/{target}.ipynb']").first.click()
    page.wait_for_function("""(stem) => {
        const w = window.jupyterapp.shell.currentWidget;
        return w && w.context && w.context.path === `notebooks/${stem}.ipynb`;
    }""", arg=target, timeout=30_000)


# after the lesson checks above, which must see the lessons untrusted
def test_trusted_lesson_shows_its_drawings_as_svg(jlab, lab_root, lab_env):
    """What `make lab` does for a learner: `jupyter trust` the lessons, and their stored drawings show as SVG."""
    with_svg = [lesson for lesson in PRESENT if any(
        "image/svg+xml" in o.get("data", {}) for c in nbformat.read(lab_root / "notebooks" / f"{lesson.stem}.ipynb", 4)
        .cells for o in c.get("outputs", ()))]
    if not with_svg:
        pytest.skip("no lesson with a stored SVG drawing yet")
    path = f"notebooks/{with_svg[0].stem}.ipynb"
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "jupyter"), "trust", str(lab_root / path)],
                   env=lab_env, check=True, capture_output=True)
    jlab.open(path, wait_kernel=False)
    jlab.wait_pictures_loaded()
    svgs = jlab.page.evaluate("""() => Array.from(window.jupyterapp.shell.currentWidget.content.node
        .querySelectorAll('.jp-RenderedSVG img')).filter(img => img.complete && img.naturalWidth > 0).length""")
    stored = sum("image/svg+xml" in o.get("data", {}) for c in nbformat.read(lab_root / path, 4).cells
                 for o in c.get("outputs", ()))
    assert svgs == stored > 0
