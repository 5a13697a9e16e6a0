"""Release the learners' exercises from the solutions with nbgrader (`make exercises`).

    python -m course.grading.release            # every solutions/<stem>/ into exercises/<stem>/
    python -m course.grading.release 04_vector_outputs_and_jacobians    # only the lessons named

One Python process and nbgrader's API (not one CLI call per lesson), nbgrader's --force (a lesson's exercise
folder is rebuilt from scratch), no gradebook database, and exercise folders whose solution is gone removed.
"""
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LESSON_DIR = re.compile(r"\d\d_\w+$")  # solutions/<NN_stem>/ and exercises/<NN_stem>/


def load_config(**overrides):
    """The repository's nbgrader_config.py as a traitlets Config, with `Class__trait=value` overrides applied."""
    from traitlets.config.loader import PyFileConfigLoader
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    for name, value in overrides.items():
        section, trait = name.split("__")
        setattr(config[section], trait, value)
    return config


def lessons_with_solutions(solutions=ROOT / "solutions"):
    """Stems of the lessons that have a source notebook solutions/<stem>/<stem>.ipynb."""
    return sorted(p.name for p in Path(solutions).iterdir()
                  if p.is_dir() and LESSON_DIR.match(p.name) and (p / f"{p.name}.ipynb").is_file())


def _quiet_api(config):
    import logging

    from nbgrader.apps import NbGraderAPI
    api = NbGraderAPI(config=config)
    api.log.setLevel(logging.WARNING)
    return api


def generate(course_root=ROOT, lessons=None):
    """Release `lessons` (default: every lesson with a solution) from <course_root>/solutions into
    <course_root>/exercises. Returns {stem: error text} for the lessons that failed (empty when all worked)."""
    course_root = Path(course_root)
    config = load_config(CourseDirectory__root=str(course_root), GenerateAssignment__no_database=True,
                         SaveCells__enabled=False, GenerateAssignment__force=True)
    all_lessons = lessons_with_solutions(course_root / "solutions")
    api = _quiet_api(config)
    failed = {}
    for stem in lessons or all_lessons:
        result = api.generate_assignment(stem, force=True, create=False)
        if not result["success"]:
            failed[stem] = result.get("error") or result.get("log", "")
    if lessons is None:
        for folder in (course_root / "exercises").glob("*"):
            if folder.is_dir() and LESSON_DIR.match(folder.name) and folder.name not in all_lessons:
                shutil.rmtree(folder)  # its solution was removed or renamed
    return failed


def generate_fresh_copy(destination):
    """Release every lesson into destination/exercises from the repository's solutions (for comparison)."""
    destination = Path(destination)
    (destination / "solutions").symlink_to(ROOT / "solutions", target_is_directory=True)
    return generate(destination)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    known = lessons_with_solutions()
    unknown = [stem for stem in argv if stem not in known]
    if unknown:
        print(f"no solutions/<stem>/<stem>.ipynb for: {', '.join(unknown)}", file=sys.stderr)
        return 2
    failed = generate(lessons=argv or None)
    for stem, error in failed.items():
        print(f"FAILED {stem}:\n{error}", file=sys.stderr)
    released = [s for s in (argv or known) if s not in failed]
    print(f"released {len(released)} practice notebook(s) into exercises/: {', '.join(released)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
