"""Practice notebooks: their shape (nbgrader cells, links, ids), the wrong-answer fixtures, and exercises/ being
exactly what nbgrader releases from solutions/."""
import ast
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

from course.catalog import LESSONS
from course.grading import all_exercises, run_check
from course.grading.release import generate_fresh_copy, lessons_with_solutions

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "practice_fixtures"
STEMS = lessons_with_solutions()
CHECK_CALL = re.compile(r'^check\("(\d\d\.\d+)", (\w+)\)$')


def _nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def _solution(stem):
    return nbformat.read(ROOT / "solutions" / stem / f"{stem}.ipynb", as_version=4)


def _exercises_of(notebook):
    """[(task cell, answer cell, check cell)] in notebook order; fails on any cell out of the convention."""
    cells = notebook.cells
    triples = []
    for index, cell in enumerate(cells):
        if _nbgrader(cell).get("grade"):
            triples.append((cells[index - 2], cells[index - 1], cell))
    return triples


def _wrong_answers():
    found = []
    for path in sorted(FIXTURES.glob("lesson*.py")):
        spec = importlib.util.spec_from_file_location(f"practice_fixtures_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found += module.WRONG_ANSWERS
    return found


WRONG = _wrong_answers()


def test_every_practice_lesson_is_a_catalog_lesson_with_practice():
    by_stem = {lesson.stem: lesson for lesson in LESSONS}
    assert STEMS, "no practice notebooks in solutions/"
    for stem in STEMS:
        assert stem in by_stem and by_stem[stem].has_practice, stem


@pytest.mark.parametrize("stem", STEMS)
def test_practice_notebook_follows_the_convention(stem):
    notebook = _solution(stem)
    number = stem[:2]
    intro = notebook.cells[0]
    assert intro.cell_type == "markdown" and intro.source.startswith(f"# Practice {number} · ")
    assert f"](../../notebooks/{stem}.ipynb)" in intro.source, "link back to the lesson"
    assert "How to work this notebook" in intro.source and "not attempted yet" in intro.source
    setup = notebook.cells[1]
    assert _nbgrader(setup) == {"grade": False, "grade_id": "setup", "locked": True, "schema_version": 3,
                                "solution": False, "task": False}
    assert "import minigrad as torch" in setup.source and "from course.grading import check" in setup.source
    assert notebook.metadata.kernelspec.name == "python3"

    exercises = _exercises_of(notebook)
    assert 3 <= len(exercises) <= 5
    ids = []
    for k, (task, answer, check_cell) in enumerate(exercises, 1):
        exercise_id = f"{number}.{k}"
        ids.append(exercise_id)
        key = exercise_id.replace(".", "_")
        assert task.cell_type == "markdown" and task.source.startswith(f"## Exercise {exercise_id} · ")
        assert _nbgrader(task) == {"grade": False, "grade_id": f"task_{key}", "locked": True, "schema_version": 3,
                                   "solution": False, "task": False}
        assert answer.cell_type == "code" and _nbgrader(answer) == {
            "grade": False, "grade_id": f"answer_{key}", "locked": False, "schema_version": 3, "solution": True,
            "task": False}
        assert answer.source.count("### BEGIN SOLUTION") == 1 and answer.source.count("### END SOLUTION") == 1
        defined = [n.name for n in ast.parse(answer.source).body if isinstance(n, ast.FunctionDef)]
        points = _nbgrader(check_cell).get("points")
        assert isinstance(points, int) and 1 <= points <= 5
        assert _nbgrader(check_cell) == {"grade": True, "grade_id": f"check_{key}", "locked": True,
                                         "points": points, "schema_version": 3, "solution": False, "task": False}
        match = CHECK_CALL.match(check_cell.source)
        assert match and match.group(1) == exercise_id and match.group(2) in defined, check_cell.source
        assert f"({points} point" in task.source
        # stored output of the solved notebook: the pass line
        assert check_cell.outputs[0].text.startswith(f"✅ {exercise_id} passed"), check_cell.outputs
    registered = sorted(i for i in all_exercises() if i.startswith(f"{number}."))
    assert registered == ids, "the lesson's case module registers exactly the notebook's exercises"
    graded = {_nbgrader(c).get("grade_id") for c in notebook.cells} - {None}
    assert len(graded) == len([c for c in notebook.cells if _nbgrader(c)]), "unique grade ids"


def test_every_registered_exercise_is_in_a_notebook():
    in_notebooks = {CHECK_CALL.match(check.source).group(1)
                    for stem in STEMS for _, _, check in _exercises_of(_solution(stem))}
    assert set(all_exercises()) == in_notebooks


def test_every_exercise_has_a_wrong_answer_fixture():
    missing = sorted(set(all_exercises()) - {exercise_id for exercise_id, _, _ in WRONG})
    assert not missing, f"exercises without a typical wrong answer in tests/practice_fixtures: {missing}"


@pytest.mark.parametrize("exercise_id, answer, hint", WRONG, ids=[f"{e}-{getattr(a, '__name__', 'answer')}"
                                                                  for e, a, _ in WRONG])
def test_a_typical_wrong_answer_is_rejected_with_its_hint(exercise_id, answer, hint):
    result = run_check(exercise_id, answer)
    assert result.status in ("failed", "error"), result.line
    assert hint in result.line, result.line


def test_exercises_are_what_nbgrader_releases_from_solutions(tmp_path):
    failed = generate_fresh_copy(tmp_path)
    assert not failed, failed
    fresh = sorted(p.relative_to(tmp_path / "exercises") for p in (tmp_path / "exercises").rglob("*") if p.is_file())
    committed = sorted(p.relative_to(ROOT / "exercises") for p in (ROOT / "exercises").rglob("*")
                       if p.is_file() and ".ipynb_checkpoints" not in p.parts)
    assert committed == fresh, "run `make exercises`"
    for path in fresh:
        assert (ROOT / "exercises" / path).read_bytes() == (tmp_path / "exercises" / path).read_bytes(), (
            f"exercises/{path} differs from a fresh release: run `make exercises`")
    assert not (tmp_path / "gradebook.db").exists()


@pytest.mark.parametrize("stem", STEMS)
def test_released_exercises_hide_solutions_and_outputs(stem):
    notebook = nbformat.read(ROOT / "exercises" / stem / f"{stem}.ipynb", as_version=4)
    for cell in notebook.cells:
        assert "BEGIN SOLUTION" not in cell.source
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert "execution" not in cell.metadata
        if _nbgrader(cell).get("solution"):
            assert "raise NotImplementedError()" in cell.source
        if _nbgrader(cell).get("locked"):
            assert cell.metadata.get("editable") is False and cell.metadata.get("deletable") is False

