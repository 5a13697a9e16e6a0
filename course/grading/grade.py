"""Grade a folder of submitted practice notebooks with nbgrader autograde (`make grade SUBMISSIONS=DIR`).

    python -m course.grading SUBMISSIONS [--out grades] [--timeout 30] [--jobs N]

SUBMISSIONS holds one folder per student, each with that student's practice notebooks under their lesson names
(`01_tensors_and_requires_grad.ipynb`, flat or in `01_tensors_and_requires_grad/` as in exercises/). A folder
that itself holds practice notebooks (exercises/, say) is graded as one student.

In a scratch course folder (solutions/ symlinked, gradebook.db there; one per worker with --jobs) nbgrader releases
each lesson with a database, autogrades every submission with a time limit per cell (a notebook whose kernel dies
or hangs is graded again without the cell that stopped it), and the scores are read back from the gradebook,
which, unlike nbgrader's CSV export, tells a missing notebook from a failed run from a real 0. Before that each
file is read and compared with its source notebook: unreadable files, deleted or edited check cells, extra cells
and code that redefines `check` are reported. The table goes to the terminal and OUT/grades.txt, the details to
OUT/grades.csv and OUT/grades.json, the executed notebooks to OUT/feedback/<student>/. Nothing else is written
outside the scratch folder, which is removed at the end. Submissions are code run with your rights: see the
README for running this in a container.
"""
import argparse
import ast
import contextlib
import copy
import csv
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

from course.grading.release import ROOT, lessons_with_solutions, load_config

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
FEEDBACK_ICONS = ("✅", "❌", "⬜", "⏱️", "❓")
MISSING, NOT_A_NOTEBOOK, ERROR, GRADED = "missing", "not a notebook", "error", "graded"


@dataclass
class NotebookGrade:
    student: str
    lesson: str  # the stem, e.g. "03_backward_and_chain_rule"
    status: str = MISSING  # missing | not a notebook | error | graded
    score: float = 0.0
    max_score: float = 0.0
    notes: list = field(default_factory=list)  # what the teacher should know: timeouts, crashes, tampering
    exercises: dict = field(default_factory=dict)  # grade id -> {"score", "max_score", "feedback"}
    path: str = ""  # the submitted file, relative to SUBMISSIONS


# --------------------------------------------------------------------------------------- finding submissions

def find_submissions(submissions, lessons):
    """{student: {lesson stem: [paths]}} plus {student: [ignored file names]}.

    Folders directly inside `submissions` are students, unless `submissions` itself holds practice notebooks."""
    submissions = Path(submissions)

    def practice_files(folder):
        found, ignored = {}, []
        for path in sorted(folder.rglob("*")):
            if any(part.startswith(".") for part in path.relative_to(folder).parts) or not path.is_file():
                continue
            if path.suffix == ".ipynb" and path.stem in lessons:
                found.setdefault(path.stem, []).append(path)
            else:
                ignored.append(str(path.relative_to(folder)))
        return found, ignored

    own, _ = practice_files(submissions) if _holds_practice(submissions, lessons) else ({}, [])
    if own:
        return {submissions.resolve().name: own}, {submissions.resolve().name: []}
    students, ignored = {}, {}
    for folder in sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith(".")):
        students[folder.name], ignored[folder.name] = practice_files(folder)
    return students, ignored


def _holds_practice(folder, lessons):
    return any((folder / f"{stem}.ipynb").exists() or (folder / stem / f"{stem}.ipynb").exists()
               for stem in lessons)


# ------------------------------------------------------------------------------- reading and comparing notebooks

def read_notebook(path):
    """The notebook at `path`, or a string saying why it is not one."""
    import nbformat
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        return f"larger than {MAX_NOTEBOOK_BYTES // 2**20} MB"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            notebook = nbformat.read(str(path), as_version=4)
            nbformat.validate(notebook)
    except Exception as error:  # any unreadable file is reported, never raised
        return f"{type(error).__name__}: {' '.join(str(error).split())[:120]}"
    return notebook


def _grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def compare_with_source(submitted, source):
    """Notes on how a submission differs from its source notebook where it matters for grading."""
    notes = []
    source_cells = {_grade_id(c): c for c in source.cells if _grade_id(c)}
    seen = {}
    for cell in submitted.cells:
        grade_id = _grade_id(cell)
        if grade_id:
            seen[grade_id] = seen.get(grade_id, 0) + 1
    checks = [g for g, c in source_cells.items() if c.metadata["nbgrader"].get("grade")]
    deleted = [g for g in checks if g not in seen]
    if deleted:
        notes.append(f"tampered: check cell(s) deleted: {', '.join(deleted)} (0 points for them)")
    edited = [g for g, c in source_cells.items()
              if c.metadata["nbgrader"].get("locked") and not c.metadata["nbgrader"].get("solution")
              and g in seen and _cell_text(submitted, g) != c.source.strip()]
    if edited:
        notes.append(f"tampered: locked cell(s) edited: {', '.join(edited)} (nbgrader ran the originals)")
    doubled = [g for g, n in seen.items() if n > 1]
    if doubled:
        notes.append(f"tampered: cell(s) duplicated: {', '.join(doubled)}")
    unknown = [g for g in seen if g not in source_cells]
    if unknown:
        notes.append(f"tampered: unknown nbgrader cell(s): {', '.join(unknown)}")
    extra = [c for c in submitted.cells if not _grade_id(c) and c.cell_type == "code" and c.source.strip()]
    plain_source = [c for c in source.cells if not _grade_id(c) and c.cell_type == "code" and c.source.strip()]
    if len(extra) > len(plain_source):
        notes.append(f"{len(extra) - len(plain_source)} extra code cell(s)")
    for number, cell in enumerate(submitted.cells, 1):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and not (meta.get("locked") and not meta.get("solution")):
            for what in _suspicious(cell.source):
                notes.append(f"tampered: cell {number} {what}")
    return notes


def _cell_text(notebook, grade_id):
    return next(c.source.strip() for c in notebook.cells if _grade_id(c) == grade_id)


def _suspicious(source):
    """What a learner's cell does to the grading machinery: redefine check, or change the grading switches."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
            names += [n.attr for t in targets for n in ast.walk(t) if isinstance(n, ast.Attribute)]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [alias.asname or alias.name for alias in node.names]
        if "check" in names or "run_check" in names:
            found.append("redefines check")
        if isinstance(node, ast.Constant) and node.value in ("NBGRADER_EXECUTION", "COURSE_STRICT_CHECKS"):
            found.append(f"touches {node.value}")
    return sorted(set(found))


def _feedback(cell):
    """The check's feedback line in an executed check cell, or the error it raised."""
    for output in cell.get("outputs", []):
        text = output.get("text", "") if output.get("output_type") == "stream" else ""
        for line in text.splitlines():
            if line.startswith(FEEDBACK_ICONS):
                return line
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename')}: {output.get('evalue', '')}".strip()
    return ""


def read_autograded(path, grade):
    """Per-check feedback lines, and notes on cells that crashed or hit the time limit, from the executed file."""
    import nbformat
    notebook = nbformat.read(str(path), as_version=4)
    for number, cell in enumerate(notebook.cells, 1):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        if meta.get("grade"):
            line = _feedback(cell)
            record = grade.exercises.setdefault(meta["grade_id"], {})
            record["feedback"] = line
            if record.get("score") and not line.startswith("✅"):
                # the real check always prints its pass line: points without it come from a replaced `check`
                grade.score -= record["score"]
                record["score"] = 0.0
                grade.notes.append(f"tampered: {meta['grade_id']} passed without check's pass line (0 points)")
            if any(o.ename == "CellTimeoutError" for o in errors) or "⏱️" in line:
                grade.notes.append(f"time limit hit in {meta['grade_id']}")
        elif errors and "not run by the grader" not in str(errors[-1].get("evalue", "")):  # STUB: noted already
            error = errors[-1]
            kind = "time limit hit" if error.ename in ("CellTimeoutError", "KeyboardInterrupt") else "crashed"
            where = meta.get("grade_id") or f"cell {number}"
            grade.notes.append(f"{kind} in {where}: {error.ename}: {' '.join(str(error.evalue).split())[:80]}"
                               .rstrip(": "))


# ------------------------------------------------------------------------------------------------ grading

@contextlib.contextmanager
def _kernel_stderr_to(log_path):
    """Send file descriptor 2 (kernels' start-up warnings, nbgrader's stray prints) to a log file; yield a stream
    on the real stderr for the progress bar."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(log_path, "a") as log:
        os.dup2(log.fileno(), 2)
        terminal = os.fdopen(os.dup(saved), "w", buffering=1)
        try:
            yield terminal
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            terminal.close()


STUB = 'raise RuntimeError("not run by the grader: this cell stopped the notebook (kernel died or hung)")'
KERNEL_STOPPERS = ("DeadKernelError", "CellTimeoutError", "Kernel died", "TimeoutError")


def _autograde_with_retries(api, entry, scratch, source, timeout, attempts=3):
    """nbgrader autograde of one submission. nbgrader drops the whole notebook when a cell kills the kernel or
    ignores the interrupt after its time limit; then find that cell, replace it with a stub that raises, and
    grade again, so the rest of the notebook still earns its points."""
    submitted = scratch / "submitted" / entry.student / entry.lesson / f"{entry.lesson}.ipynb"
    for _ in range(attempts):
        try:
            result = api.autograde(entry.lesson, entry.student, force=True, create=True)
        except Exception as error:  # nbgrader itself failed on this file: report it, go on
            result = {"success": False, "error": f"{type(error).__name__}: {error}"}
        if result["success"]:
            entry.status = GRADED
            return
        reason = _short_error(result)
        culprit = None
        if any(word in reason for word in KERNEL_STOPPERS):
            culprit = _stub_out_stopping_cell(submitted, source, timeout)
        if culprit is None:
            break
        entry.notes.append(f"{culprit} stopped the notebook ({reason.split(':')[0]}); graded without it")
    entry.status = ERROR
    entry.notes.append(reason)


def _stub_out_stopping_cell(path, source, timeout):
    """Run the submission (locked cells restored, as nbgrader runs it) until a cell kills the kernel or does not
    stop after its time limit; replace that cell (for a check cell: the learner's cell above it) with STUB in the
    file. Returns a name for the replaced cell, or None."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    notebook = nbformat.read(str(path), as_version=4)
    locked = {_grade_id(c): c.source for c in source.cells
              if c.metadata.get("nbgrader", {}).get("locked") and not c.metadata["nbgrader"].get("solution")}
    runnable = copy.deepcopy(notebook)
    for cell in runnable.cells:
        if _grade_id(cell) in locked:
            cell.source = locked[_grade_id(cell)]
    # as nbgrader runs it: interrupt a cell at its time limit; a cell that does not stop then raises
    client = NotebookClient(runnable, timeout=timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, raise_on_iopub_timeout=True,
                            error_on_timeout={"ename": "CellTimeoutError", "evalue": "", "traceback": []},
                            resources={"metadata": {"path": str(path.parent)}})
    stopped = None
    previous = os.environ.get("NBGRADER_EXECUTION")
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    try:
        with client.setup_kernel():
            for index, cell in enumerate(runnable.cells):
                if cell.cell_type != "code":
                    continue
                try:
                    client.execute_cell(cell, index)
                except (DeadKernelError, CellTimeoutError, TimeoutError, RuntimeError):
                    stopped = index
                    break
    except Exception:  # the kernel could not even be started or shut down cleanly
        pass
    finally:
        if previous is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = previous
    if stopped is None:
        return None
    while stopped >= 0 and _grade_id(notebook.cells[stopped]) in locked:
        stopped -= 1  # a locked check cell ran the learner's function: stub the learner's cell above it
    if stopped < 0 or notebook.cells[stopped].source == STUB:
        return None
    notebook.cells[stopped].source = STUB
    nbformat.write(notebook, str(path))
    return _grade_id(notebook.cells[stopped]) or f"cell {stopped + 1}"


def _short_error(result):
    text = (result.get("error") or "") + "\n" + (result.get("log") or "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for pattern in (r"CellTimeoutError", r"DeadKernelError", r"NotJSONError", r"Kernel died", r"Error"):
        match = next((line for line in reversed(lines) if re.search(pattern, line)), None)
        if match:
            return match[:160]
    return lines[-1][:160] if lines else "autograde failed"


def _alembic_head_in_process():
    """nbgrader stamps a new gradebook with `alembic heads` run as a program, which needs the environment's bin
    folder on PATH and a second interpreter start; read the same revision with alembic's Python API instead."""
    import nbgrader.api
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR
    config = Config()
    config.set_main_option("script_location", ALEMBIC_DIR)
    head = ScriptDirectory.from_config(config).get_current_head()
    nbgrader.api.get_alembic_version = lambda: head


class _Grader:
    """One scratch nbgrader course (its own gradebook) that releases lessons on first use and autogrades one
    submission at a time. With --jobs N each worker process has its own, so no gradebook is shared."""

    def __init__(self, scratch_parent, timeout, out):
        from nbgrader.apps import NbGraderAPI
        _alembic_head_in_process()
        warnings.filterwarnings("ignore", message="Object of type")  # SQLAlchemy noise from nbgrader, grades fine
        logging.getLogger("traitlets").setLevel(logging.ERROR)
        self.root = Path(tempfile.mkdtemp(prefix="course-", dir=scratch_parent))
        (self.root / "solutions").symlink_to(ROOT / "solutions", target_is_directory=True)
        self.db_url = f"sqlite:///{self.root / 'gradebook.db'}"
        self.timeout, self.out, self.released, self.sources = timeout, Path(out), {}, {}
        self.api = NbGraderAPI(config=load_config(
            CourseDirectory__root=str(self.root), CourseDirectory__db_url=self.db_url,
            Execute__timeout=int(timeout), Autograde__permissions=644))

    def release(self, stem):
        if stem not in self.released:
            import nbformat
            self.sources[stem] = nbformat.read(str(ROOT / "solutions" / stem / f"{stem}.ipynb"), as_version=4)
            result = self.api.generate_assignment(stem, force=True, create=True)
            self.released[stem] = result["success"] or _short_error(result)
        return self.released[stem]

    def grade(self, entry, path):
        """Autograde the file at `path` as `entry` (a NotebookGrade) and fill in its score, exercises and notes."""
        released = self.release(entry.lesson)
        if released is not True:
            entry.status = ERROR
            entry.notes.append(f"the lesson could not be released: {released}")
            return entry
        target = self.root / "submitted" / entry.student / entry.lesson / f"{entry.lesson}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        _autograde_with_retries(self.api, entry, self.root, self.sources[entry.lesson], self.timeout)
        if entry.status == GRADED:
            self.read_results(entry)
        return entry

    def read_results(self, entry):
        from nbgrader.api import Gradebook, MissingEntry
        with Gradebook(self.db_url) as gradebook:
            try:
                notebook = gradebook.find_submission_notebook(entry.lesson, entry.lesson, entry.student)
            except MissingEntry:
                entry.status = ERROR
                entry.notes.append("nbgrader recorded no grade")
                return
            entry.score = notebook.score
            for cell_grade in notebook.grades:
                entry.exercises[cell_grade.name] = {"score": cell_grade.score, "max_score": cell_grade.max_score}
        executed = self.root / "autograded" / entry.student / entry.lesson / f"{entry.lesson}.ipynb"
        if executed.exists():
            read_autograded(executed, entry)
            feedback = self.out / "feedback" / entry.student / f"{entry.lesson}.ipynb"
            feedback.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(executed, feedback)


_WORKER = None  # the _Grader of a worker process


def _start_worker(scratch_parent, timeout, out):
    global _WORKER
    log = open(Path(scratch_parent) / f"kernels-{os.getpid()}.log", "a")
    os.dup2(log.fileno(), 2)  # kernels' start-up warnings go to the scratch log, not over the progress bar
    _WORKER = _Grader(scratch_parent, timeout, out)


def _grade_in_worker(entry, path):
    try:
        return _WORKER.grade(entry, path)
    except Exception as error:  # report, never lose the entry
        entry.status = ERROR
        entry.notes.append(f"grading failed: {type(error).__name__}: {error}")
        return entry


def _default_jobs():
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def grade(submissions, out, timeout=30, progress=True, jobs=1):
    """Grade every student's practice notebooks in `submissions` with `jobs` parallel nbgrader courses; write the
    reports into `out`; return the NotebookGrade list. Never raises for anything a submission contains."""
    import nbformat
    import tqdm as tqdm_module
    from tqdm import tqdm

    tqdm_module.tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked
    # check() stops a learner's function before nbgrader's per-cell limit does, with clearer feedback
    os.environ.setdefault("COURSE_CHECK_SECONDS", f"{max(1.0, timeout * 2 / 3):g}")
    lessons = lessons_with_solutions()
    students, ignored = find_submissions(submissions, lessons)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="course-grade-"))
    grades = []
    try:
        # which files are gradeable, and how they differ from their sources
        sources = {s: nbformat.read(str(ROOT / "solutions" / s / f"{s}.ipynb"), as_version=4) for s in lessons}
        max_points = {s: _points(nb) for s, nb in sources.items()}
        todo = []
        submitted_root = Path(submissions)
        for student, found in students.items():
            for stem in lessons:
                entry = NotebookGrade(student, stem, max_score=max_points[stem])
                grades.append(entry)
                paths = found.get(stem, [])
                if not paths:
                    continue
                path = paths[-1]  # the deepest (exercises/-style) copy when there are two
                entry.path = str(path.relative_to(submitted_root))
                if len(paths) > 1:
                    entry.notes.append(f"{len(paths)} copies submitted; graded {entry.path}")
                notebook = read_notebook(path)
                if isinstance(notebook, str):
                    entry.status = NOT_A_NOTEBOOK
                    entry.notes.append(notebook)
                    continue
                entry.notes.extend(compare_with_source(notebook, sources[stem]))
                todo.append((entry, path))

        jobs = max(1, min(jobs, len(todo)))
        bar_format = "{desc}: {n_fmt}/{total_fmt} notebooks |{bar}| {elapsed}<{remaining} {postfix}"
        with _kernel_stderr_to(scratch / "kernels.log") as terminal:
            bar = tqdm(total=len(todo), desc="grading", file=terminal, disable=not progress, bar_format=bar_format)
            if jobs == 1:
                grader = _Grader(scratch, timeout, out)
                for entry, path in todo:
                    bar.set_postfix_str(f"{entry.student} {entry.lesson[:2]}")
                    _grade_with(grader, entry, path)
                    bar.update()
            else:
                done = _grade_in_pool(todo, jobs, scratch, timeout, out, bar)
                by_key = {(e.student, e.lesson): e for e in done}
                grades = [by_key.get((g.student, g.lesson), g) for g in grades]
            bar.close()
    except Exception as error:  # a bug or an environment problem: still write what we have
        print(f"grading stopped early: {type(error).__name__}: {error}", file=sys.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    write_reports(grades, ignored, out, lessons)
    return grades


def _grade_with(grader, entry, path):
    try:
        grader.grade(entry, path)
    except Exception as error:  # report, go on with the next notebook
        entry.status = ERROR
        entry.notes.append(f"grading failed: {type(error).__name__}: {error}")


def _grade_in_pool(todo, jobs, scratch, timeout, out, bar):
    """Grade `todo` in `jobs` worker processes, each with its own scratch course; a worker that is done takes the
    next notebook, so one slow notebook does not hold up the others."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    done = []
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method), initializer=_start_worker,
                             initargs=(str(scratch), timeout, str(out))) as pool:
        futures = {pool.submit(_grade_in_worker, entry, path): entry for entry, path in todo}
        for future in as_completed(futures):
            entry = futures[future]
            try:
                done.append(future.result())
            except Exception as error:  # the worker process itself died
                entry.status = ERROR
                entry.notes.append(f"grading failed: {type(error).__name__}: {error}")
                done.append(entry)
            bar.set_postfix_str(f"{entry.student} {entry.lesson[:2]}")
            bar.update()
    return done


def _points(source):
    """The points of a source notebook's check cells (its maximum score)."""
    return float(sum(c.metadata.get("nbgrader", {}).get("points", 0) for c in source.cells
                     if c.metadata.get("nbgrader", {}).get("grade")))


# ------------------------------------------------------------------------------------------------- reports

def _score(value):
    return f"{value:g}"


def table(grades, lessons):
    """The student × notebook table as text: score/max per notebook (— missing, error, invalid file), total, notes."""
    students = sorted({g.student for g in grades})
    by_key = {(g.student, g.lesson): g for g in grades}
    header = ["student"] + [stem[:2] for stem in lessons] + ["total"]
    rows = []
    for student in students:
        cells, total, most = [student], 0.0, 0.0
        for stem in lessons:
            entry = by_key[(student, stem)]
            total += entry.score
            most += entry.max_score
            mark = {MISSING: "—", NOT_A_NOTEBOOK: "invalid", ERROR: "error"}.get(entry.status)
            text = mark if mark else f"{_score(entry.score)}/{_score(entry.max_score)}"
            cells.append(text + ("*" if entry.notes else ""))
        cells.append(f"{_score(total)}/{_score(most)}")
        rows.append(cells)
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
             for r in [header] + rows]
    notes = [f"  {g.student} {g.lesson}: {'; '.join(g.notes)}" for g in grades if g.notes]
    if notes:
        lines += ["", "* notes:"] + notes
    return "\n".join(lines)


def write_reports(grades, ignored, out, lessons):
    text = table(grades, lessons)
    extra = [f"  {s}: ignored {', '.join(files[:5])}{' ...' if len(files) > 5 else ''}"
             for s, files in ignored.items() if files]
    if extra:
        text += "\n\nfiles that are not practice notebooks:\n" + "\n".join(extra)
    (out / "grades.txt").write_text(text + "\n")
    with open(out / "grades.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "notebook", "score", "max_score", "status", "notes"])
        for g in grades:
            writer.writerow([g.student, g.lesson, _score(g.score), _score(g.max_score), g.status,
                             "; ".join(g.notes)])
    students = {}
    for g in grades:
        record = students.setdefault(g.student, {"score": 0.0, "max_score": 0.0, "notebooks": {},
                                                 "ignored_files": ignored.get(g.student, [])})
        record["score"] += g.score
        record["max_score"] += g.max_score
        record["notebooks"][g.lesson] = {k: v for k, v in asdict(g).items() if k not in ("student", "lesson")}
    (out / "grades.json").write_text(json.dumps({"students": students}, indent=1, ensure_ascii=False) + "\n")
    print(text)
    print(f"\nwritten: {out / 'grades.txt'}, {out / 'grades.csv'}, {out / 'grades.json'}, {out / 'feedback'}/")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course.grading", description=__doc__.splitlines()[0])
    parser.add_argument("submissions", type=Path, help="a folder with one folder of practice notebooks per student")
    parser.add_argument("--out", type=Path, default=Path("grades"), help="where the reports go (default: grades)")
    parser.add_argument("--timeout", type=int, default=30, help="seconds per notebook cell (default: 30)")
    parser.add_argument("--jobs", type=int, default=_default_jobs(),
                        help="notebooks graded at once, each in its own kernel (default: CPUs, at most 4)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
    out = args.out.resolve()
    if out.is_relative_to(args.submissions.resolve()) or out.is_relative_to(ROOT / "solutions"):
        parser.error("--out must be a folder outside the submissions and solutions/")
    start = time.perf_counter()
    with contextlib.suppress(BrokenPipeError):  # `| head` is fine: the reports are written before the table
        return _run(args, start)
    return 0


def _run(args, start):
    grades = grade(args.submissions, args.out, timeout=args.timeout, progress=not args.no_progress, jobs=args.jobs)
    print(f"graded {sum(g.status == GRADED for g in grades)} notebook(s) of "
          f"{len({g.student for g in grades})} student(s) in {time.perf_counter() - start:.1f} s")
    return 0

