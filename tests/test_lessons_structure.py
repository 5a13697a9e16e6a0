"""The lessons as a course: all fifteen present, in the curriculum's order and titles, each saved after a clean
top-to-bottom run and shaped as a lesson (objectives, time, sections with "Try it", summary, mistakes, links)."""
import json
import os
import re
import tempfile
from pathlib import Path

import pytest

from course.catalog import LESSONS

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
MACHINE_PATHS = re.compile("|".join(re.escape(p.rstrip("/") + "/") for p in
                                    {str(ROOT.parent), os.path.expanduser("~"), tempfile.gettempdir()} if len(p) > 1))


def load(lesson):
    return json.loads((ROOT / lesson.notebook).read_text())


def markdown(nb):
    return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_every_lesson_of_the_curriculum_is_there():
    names = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert names == [Path(lesson.notebook).name for lesson in LESSONS]


def test_lesson_list_names_every_lesson_in_order():
    text = (NOTEBOOKS / "README.md").read_text()
    positions = [text.find(f"({Path(lesson.notebook).name})") for lesson in LESSONS]
    assert -1 not in positions and positions == sorted(positions)
    for lesson in LESSONS:
        if lesson.has_practice:
            assert f"(../{lesson.practice})" in text, f"README.md does not link practice {lesson.number:02d}"


LESSON_PARAMS = [pytest.param(lesson, id=lesson.stem) for lesson in LESSONS if (ROOT / lesson.notebook).exists()]


@pytest.mark.parametrize("lesson", LESSON_PARAMS)
def test_lesson_opens_with_title_objectives_prerequisites_and_time(lesson):
    first = "".join(load(lesson)["cells"][0]["source"])
    assert first.startswith(f"# {lesson.number:02d} · {lesson.title}\n")
    objectives = first.split("**You will learn to**", 1)
    assert len(objectives) == 2, "no '**You will learn to**' list"
    bullets = re.findall(r"^- ", objectives[1].split("**Before this:**")[0], re.M)
    assert 3 <= len(bullets) <= 5, f"{len(bullets)} learning objectives"
    assert "**Before this:**" in first
    minutes = re.search(r"\*\*Time:\*\* about (\d+) minutes", first)
    assert minutes and 15 <= int(minutes.group(1)) <= 45


@pytest.mark.parametrize("lesson", LESSON_PARAMS)
def test_lesson_ends_with_summary_mistakes_practice_and_next(lesson):
    nb = load(lesson)
    text = markdown(nb)
    assert re.search(r"^## Summary\s*\n\s*\n?\|", text, re.M), "no summary table"
    assert re.search(r"^## Common mistakes\s*\n(\s*\n)?- ", text, re.M), "no list of common mistakes"
    if lesson.has_practice:
        assert f"(../{lesson.practice})" in text, "no link to the practice notebook"
    if lesson.number < len(LESSONS) - 1:
        following = LESSONS[lesson.number + 1]
        assert f"[{following.number:02d} · {following.title}]({Path(following.notebook).name})" in text


@pytest.mark.parametrize("lesson", LESSON_PARAMS)
def test_lesson_has_try_it_prompts_and_enough_code(lesson):
    nb = load(lesson)
    cells = [c for c in code_cells(nb) if "".join(c["source"]).strip()]
    assert len(cells) >= (4 if lesson.number in (0, 14) else 12), f"only {len(cells)} code cells"
    if 1 <= lesson.number <= 13:
        assert markdown(nb).count("**Try it:**") >= 4


@pytest.mark.parametrize("lesson", LESSON_PARAMS)
def test_lesson_was_saved_after_one_clean_run(lesson):
    nb = load(lesson)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    counts = [c["execution_count"] for c in code_cells(nb) if "".join(c["source"]).strip()]
    assert counts == list(range(1, len(counts) + 1)), f"execution counts {counts}"
    assert "widgets" not in nb["metadata"], "saved widget state (run `make notebooks`)"
    for c in nb["cells"]:
        assert "execution" not in c.get("metadata", {}), "execution timestamps stored (run `make notebooks`)"


@pytest.mark.parametrize("lesson", LESSON_PARAMS)
def test_lesson_outputs_have_no_stray_errors_and_no_machine_paths(lesson):
    for i, c in enumerate(code_cells(load(lesson))):
        tags = c["metadata"].get("tags", [])
        errors = [o for o in c.get("outputs", []) if o["output_type"] == "error"]
        if "raises-exception" in tags:
            assert errors, f"code cell {i} is tagged raises-exception but raised nothing"
        else:
            assert not errors, f"code cell {i}: {errors[0]['ename']}: {errors[0]['evalue']}"
        for o in c.get("outputs", []):
            assert not MACHINE_PATHS.search(json.dumps(o)), f"code cell {i} shows a path of this machine"
            assert o["output_type"] != "stream" or o["name"] != "stderr" or "Warning" in "".join(o["text"]), \
                f"code cell {i} wrote to stderr: {''.join(o['text'])[:200]}"


@pytest.mark.parametrize("lesson", [p for p in LESSON_PARAMS if 1 <= p.values[0].number <= 13])
def test_lesson_has_a_picture(lesson):
    pictures = [o for c in code_cells(load(lesson)) for o in c.get("outputs", [])
                if {"image/png", "image/svg+xml"} & set(o.get("data", {}))]
    assert pictures, "no graph drawing or plot"
