"""The grade command (python -m course.grading) on a class with every kind of submission, in one nbgrader run."""
import csv
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course.grading.release import lessons_with_solutions

ROOT = Path(__file__).resolve().parent.parent
L01, L03 = "01_tensors_and_requires_grad", "03_backward_and_chain_rule"
STEMS = lessons_with_solutions()  # every practice lesson: solutions must score full marks, exercises 0
CELL_TIMEOUT = 6  # seconds per cell for nbgrader in this test (check() stops a function after 4 s)


def _read(folder, stem):
    return nbformat.read(ROOT / folder / stem / f"{stem}.ipynb", as_version=4)


def _cell(notebook, grade_id):
    return next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _solved(stem, grade_ids):
    """The released notebook with the teacher's answers typed into the given solution cells."""
    notebook, solution = _read("exercises", stem), _read("solutions", stem)
    for grade_id in grade_ids:
        lines = _cell(solution, grade_id).source.splitlines()
        _cell(notebook, grade_id).source = "\n".join(line for line in lines if "### " not in line)
    return notebook


def _put(folder, student, stem, notebook, nested=False):
    path = folder / student / (f"{stem}/{stem}.ipynb" if nested else f"{stem}.ipynb")
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def _tree_digest(folder):
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One class, graded once: good, empty (as released), partial, crashing, endless, tampered, not a notebook."""
    base = tmp_path_factory.mktemp("class")
    subs = base / "submissions"
    for number, stem in enumerate(STEMS):
        _put(subs, "good", stem, _read("solutions", stem), nested=number % 2 == 1)  # exercises/-style folders too
        _put(subs, "empty", stem, _read("exercises", stem))
    _put(subs, "partial", L01, _solved(L01, ["answer_01_1", "answer_01_4"]))  # 1 + 2 points, no 03 at all

    crash01 = _solved(L01, ["answer_01_1", "answer_01_2"])
    _cell(crash01, "answer_01_2").source = "raise ValueError('oops')\n\n" + _cell(crash01, "answer_01_2").source
    _put(subs, "crashing", L01, crash01)
    crash03 = _solved(L03, ["answer_03_1", "answer_03_4"])
    _cell(crash03, "answer_03_2").source = "import os\nos._exit(1)"  # kills the kernel
    _put(subs, "crashing", L03, crash03)

    endless01 = _solved(L01, ["answer_01_2"])
    _cell(endless01, "answer_01_1").source = "def square_grid(n):\n    while True:\n        pass"  # check stops it
    _put(subs, "endless", L01, endless01)
    endless03 = _solved(L03, ["answer_03_1"])
    _cell(endless03, "answer_03_4").source = "while True:\n    pass"  # nbgrader's cell time limit stops it
    _put(subs, "endless", L03, endless03)

    tampered = _read("exercises", L01)
    tampered.cells = [c for c in tampered.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "check_01_2"]
    _cell(tampered, "check_01_1").source = "pass"  # nbgrader restores it from the gradebook
    tampered.cells.insert(2, nbformat.v4.new_code_cell("check = lambda *args, **kwargs: None"))
    _put(subs, "tampered", L01, tampered)
    _put(subs, "tampered", L03, _solved(L03, ["answer_03_1"]))

    (subs / "notjson").mkdir()
    (subs / "notjson" / f"{L01}.ipynb").write_text("{ this is not a notebook")
    (subs / "notjson" / "readme.txt").write_text("not a notebook either, and not named like one")

    scratch_parent = base / "tmp"
    scratch_parent.mkdir()
    solutions_before = _tree_digest(ROOT / "solutions")
    out = base / "report"
    env = dict(os.environ, TMPDIR=str(scratch_parent))
    for name in ("NBGRADER_EXECUTION", "COURSE_STRICT_CHECKS", "COURSE_CHECK_SECONDS"):
        env.pop(name, None)
    run = subprocess.run([sys.executable, "-m", "course.grading", str(subs), "--out", str(out),
                          "--timeout", str(CELL_TIMEOUT), "--no-progress"],
                         cwd=base, env=env, capture_output=True, text=True, timeout=900)
    assert _tree_digest(ROOT / "solutions") == solutions_before
    return run, out, scratch_parent, base


def _report(graded):
    return json.loads((graded[1] / "grades.json").read_text())["students"]


def _notebook(graded, student, stem):
    return _report(graded)[student]["notebooks"][stem]


def test_the_command_finishes_and_prints_the_table(graded):
    run, out, _, _ = graded
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["student"] + [stem[:2] for stem in STEMS] + ["total"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:8]}
    report = _report(graded)
    full = {stem: _notebook(graded, "good", stem)["max_score"] for stem in STEMS}
    total = report["good"]["max_score"]
    assert rows["good"] == [f"{full[s]:g}/{full[s]:g}" for s in STEMS] + [f"{total:g}/{total:g}"]
    assert rows["empty"] == [f"0/{full[s]:g}" for s in STEMS] + [f"0/{total:g}"]
    assert rows["partial"][STEMS.index(L01)] == "3/6" and rows["partial"][STEMS.index(L03)] == "—"
    assert rows["notjson"][STEMS.index(L01)] == "invalid*"
    assert (out / "grades.txt").read_text().strip() == run.stdout.split("\nwritten:")[0].strip()


@pytest.mark.parametrize("stem", STEMS)
def test_solutions_score_full_marks(graded, stem):
    good = _notebook(graded, "good", stem)
    assert (good["status"], good["notes"]) == ("graded", [])
    assert good["score"] == good["max_score"] > 0
    assert all(record["feedback"].startswith("✅") for record in good["exercises"].values())


def test_every_released_exercise_is_not_attempted(graded):
    for stem in STEMS:
        empty = _notebook(graded, "empty", stem)
        assert (empty["status"], empty["score"], empty["notes"]) == ("graded", 0.0, [])
        assert len(empty["exercises"]) >= 3
        for grade_id, record in empty["exercises"].items():
            assert record["score"] == 0 and "not attempted yet" in record["feedback"], (grade_id, record)


def test_partial_and_missing(graded):
    partial = _notebook(graded, "partial", L01)
    assert partial["score"] == 3.0 and partial["exercises"]["check_01_1"]["feedback"].startswith("✅ 01.1 passed")
    assert partial["exercises"]["check_01_2"]["feedback"].startswith("⬜ 01.2 not attempted yet")
    missing = _notebook(graded, "partial", L03)
    assert (missing["status"], missing["score"], missing["max_score"]) == ("missing", 0.0, 7.0)


def test_crashes_score_what_they_earned(graded):
    raised = _notebook(graded, "crashing", L01)
    assert raised["status"] == "graded" and raised["score"] == 1.0  # 01.1 right, 01.2 never defined
    assert any(n.startswith("crashed in answer_01_2: ValueError: oops") for n in raised["notes"])
    assert "NameError" in raised["exercises"]["check_01_2"]["feedback"]
    killed = _notebook(graded, "crashing", L03)
    assert killed["status"] == "graded" and killed["score"] == 2.0  # 03.1 and 03.4 count after the kernel death
    assert any("answer_03_2 stopped the notebook (" in n and "DeadKernelError" in n for n in killed["notes"])


def test_endless_loops_are_stopped_and_reported(graded):
    in_function = _notebook(graded, "endless", L01)
    assert in_function["score"] == 2.0 and "time limit hit in check_01_1" in in_function["notes"]
    assert in_function["exercises"]["check_01_1"]["feedback"].startswith("⏱️ 01.1 stopped: case 1 of 27")
    at_top_level = _notebook(graded, "endless", L03)
    assert at_top_level["score"] == 1.0
    assert any(n.startswith("time limit hit in answer_03_4") for n in at_top_level["notes"])


def test_tampering_is_reported_and_earns_nothing(graded):
    tampered = _notebook(graded, "tampered", L01)
    assert tampered["status"] == "graded" and tampered["score"] == 0.0
    notes = "; ".join(tampered["notes"])
    assert "check cell(s) deleted: check_01_2" in notes
    assert "locked cell(s) edited: check_01_1" in notes
    assert "cell 3 redefines check" in notes and "1 extra code cell(s)" in notes
    assert "check_01_1 passed without check's pass line (0 points)" in notes
    assert _notebook(graded, "tampered", L03)["score"] == 1.0


def test_a_file_that_is_not_a_notebook(graded):
    bad = _notebook(graded, "notjson", L01)
    assert bad["status"] == "not a notebook" and bad["score"] == 0.0 and "NotJSONError" in bad["notes"][0]
    assert _report(graded)["notjson"]["ignored_files"] == ["readme.txt"]


def test_csv_tells_missing_from_error_from_zero(graded):
    with open(graded[1] / "grades.csv", newline="") as handle:
        rows = {(r["student"], r["notebook"]): r for r in csv.DictReader(handle)}
    assert len(rows) == 7 * len(STEMS)
    assert rows[("partial", L03)]["status"] == "missing"
    assert rows[("notjson", L01)]["status"] == "not a notebook"
    assert rows[("empty", L01)]["status"] == "graded" and rows[("empty", L01)]["score"] == "0"
    assert rows[("good", L03)]["score"] == "7" and rows[("good", L03)]["max_score"] == "7"


def test_grading_writes_only_its_report(graded):
    _, out, scratch_parent, base = graded
    assert list(scratch_parent.iterdir()) == [], "the scratch course folder is removed"
    assert sorted(p.name for p in base.iterdir()) == ["report", "submissions", "tmp"]
    assert sorted(p.name for p in out.iterdir()) == ["feedback", "grades.csv", "grades.json", "grades.txt"]
    feedback = nbformat.read(out / "feedback" / "good" / f"{L01}.ipynb", as_version=4)
    assert any("✅ 01.1 passed" in o.get("text", "") for c in feedback.cells for o in c.get("outputs", []))


def test_usage_errors(tmp_path):
    run = subprocess.run([sys.executable, "-m", "course.grading", str(tmp_path / "nowhere")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "is not a folder" in run.stderr
    run = subprocess.run([sys.executable, "-m", "course.grading", str(tmp_path), "--out", str(tmp_path / "grades")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "--out must be a folder outside the submissions" in run.stderr
    assert not (tmp_path / "grades").exists()
