"""A learner works a practice notebook in JupyterLab: every check first says "not attempted yet"; after typing an
answer into the solution cell and running it and its check cell, the check prints the pass line."""
from playwright.sync_api import expect

PRACTICE = "01_tensors_and_requires_grad"
ANSWER = '''def square_grid(n):
    x = torch.arange(float(n * n)).reshape(n, n).requires_grad_()
    return x, x.sum()'''


def test_learner_solves_an_exercise_and_sees_the_pass_line(jlab):
    page = jlab.page
    jlab.open(f"exercises/{PRACTICE}/{PRACTICE}.ipynb")
    jlab.run_all()  # as released: Run All reaches the end, every check says "not attempted yet"
    cells = jlab.cells()
    checks = [c for c in cells if c["type"] == "code" and c["source"].startswith("check(")]
    assert len(checks) >= 3
    for cell in checks:
        assert "not attempted yet" in cell["text"], cell
    assert not [o for c in cells if c["type"] == "code" for o in c["outputs"] if o["output_type"] == "error"]

    answer = next(c["index"] for c in cells if c["source"].startswith("def square_grid"))
    notebook_cells = page.locator(".jp-Notebook .jp-Cell")
    check_cell = notebook_cells.nth(answer + 1)
    assert "check(\"01.1\", square_grid)" in checks[0]["source"]
    expect(check_cell.locator(".cm-content")).to_have_attribute("aria-readonly", "true")  # locked by nbgrader

    notebook_cells.nth(answer).locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(ANSWER)  # typed as is (no auto-indent or bracket closing)
    page.keyboard.press("Shift+Enter")  # run the answer, move to its check cell
    page.keyboard.press("Shift+Enter")  # run the check
    expect(check_cell.locator(".jp-OutputArea-output")).to_have_text("✅ 01.1 passed 27/27", timeout=60_000)
    # the next exercise is still open
    expect(notebook_cells.nth(answer + 4).locator(".jp-OutputArea-output")).to_contain_text("01.2 not attempted")
