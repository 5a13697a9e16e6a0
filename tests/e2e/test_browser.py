"""The course widgets in a real JupyterLab page: graph builder (lesson 02) and accumulation demo (lesson 05)."""
import os
import re
import tempfile

from playwright.sync_api import expect

from conftest import TOKEN

SHOT = os.environ.get("E2E_SHOT", os.path.join(tempfile.gettempdir(), "course_e2e_builder.png"))


def open_and_run(page, lab, notebook):
    # a fresh workspace per notebook: the page then shows this notebook only (no restored tabs)
    workspace = re.sub(r"\W", "", notebook.split("_")[0])
    page.goto(f"{lab}/lab/workspaces/w{workspace}/tree/{notebook}?reset&token={TOKEN}")
    # wait for a connected kernel (the toolbar says idle even while the status bar says "No Kernel")
    expect(page.get_by_role("button", name=re.compile(r"^(?!No Kernel).+ \| Idle$"))).to_be_visible(timeout=60_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def test_graph_builder_steps_forward_and_backward(lab, page):
    open_and_run(page, lab, "02_computational_graph.ipynb")
    widget = page.locator(".jupyter-widgets", has=page.locator(".course-graph")).last
    forward = page.locator(".jupyter-widgets button", has_text="Forward")
    backward = page.locator(".jupyter-widgets button", has_text="Backward")
    status = page.locator(".widget-html b", has_text=re.compile("^(Forward op|Backward step|y = )"))
    graph = page.locator(".course-graph svg")
    expect(forward).to_be_visible(timeout=60_000)
    expect(status).to_contain_text("y = x**2 + 3*x")

    ops = 0
    while "— press Backward" not in status.inner_text():
        forward.click()
        ops += 1
        expect(status).to_contain_text(f"Forward op {ops} of")
        assert ops < 10
    expect(graph).to_contain_text("AddBackward0")
    expect(graph).to_contain_text("y")
    expect(graph).not_to_contain_text("grad=7.")

    # time from a Backward click to the redrawn SVG, measured inside the page
    page.evaluate("""() => {
        const box = document.querySelector('.course-graph');
        window.__redraws = [];
        new MutationObserver(() => window.__redraws.push(performance.now()))
            .observe(box, {childList: true, subtree: true, characterData: true});
        document.querySelectorAll('.jupyter-widgets button').forEach(b => {
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
    expect(page.locator(".course-math")).to_contain_text("x.grad")
    print(f"\nBackward click -> redrawn SVG: {', '.join(f'{t:.0f} ms' for t in timings)} "
          f"(median {sorted(timings)[len(timings) // 2]:.0f} ms)")
    widget.scroll_into_view_if_needed()
    page.screenshot(path=SHOT)
    print(f"screenshot: {SHOT}")


def test_accumulation_slider_redraws_the_plot(lab, page):
    open_and_run(page, lab, "05_gradient_accumulation.ipynb")
    plot = page.locator(".course-plot")
    verdict = page.locator(".course-verdict")
    expect(plot).to_be_visible(timeout=60_000)
    expect(verdict).to_contain_text("without zero_grad the gradient after 20 steps is")
    before = plot.get_attribute("src")
    assert before and before.startswith(("blob:", "data:image/png"))
    slider = page.locator(".widget-slider", has_text="iterations")
    slider.locator(".widget-readout").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("35")
    page.keyboard.press("Enter")
    expect(verdict).to_contain_text("after 35 steps", timeout=30_000)
    expect(plot).not_to_have_attribute("src", before, timeout=30_000)
    box = plot.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
