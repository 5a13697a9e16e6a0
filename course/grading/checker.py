"""check(): run a learner's answer on hidden cases and print one line of feedback.

An exercise is registered once, in `course/grading/cases/lessonNN.py`, with the `exercise` decorator on a function
that yields `Case`s. `check("03.2", answer)` looks the id up (importing that lesson's module on first use), calls
`answer` on every case within a time and output budget, and prints one line: passed k/n, the first failing case
(input, expected, got, hint), "not attempted yet", an error, or a stop. For a learner it never raises; under
nbgrader (NBGRADER_EXECUTION is set during autograde and validate) or with COURSE_STRICT_CHECKS=1 anything but a
pass raises AssertionError, so nbgrader scores the cell 0.
"""
import contextlib
import importlib
import io
import math
import numbers
import os
import pkgutil
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import minigrad

DEFAULT_TIME_LIMIT = 10.0  # seconds for all cases of one check; the grading cell timeout is larger
OUTPUT_SHOWN = 1_000  # characters (and at most SHOWN_LINES lines) of the learner's prints passed to the notebook
SHOWN_LINES = 20
OUTPUT_LIMIT = 20_000  # characters printed in one check before it is stopped
# frames in these folders are not the learner's code (for "line N of your_function" in error feedback)
_PACKAGE_DIRS = tuple(str(Path(p).resolve()) for p in (Path(__file__).parent.parent, Path(np.__file__).parent,
                                                       Path(minigrad.__file__).parent))

PASSED, FAILED, ERROR, NOT_ATTEMPTED, TIMEOUT, OUTPUT, UNKNOWN = (
    "passed", "failed", "error", "not attempted", "timeout", "too much output", "unknown")
ICONS = {PASSED: "✅", FAILED: "❌", ERROR: "❌", NOT_ATTEMPTED: "⬜", TIMEOUT: "⏱️", OUTPUT: "❌", UNKNOWN: "❓"}


@dataclass
class Case:
    """One hidden test: call the answer with `args`, take `key(result)` and compare it with `expected`.

    label     the input as the learner should read it, e.g. "x0 = 3.0" (cases with the same label share one call)
    args      arguments for the answer; a callable returning a tuple gives fresh objects for every call
    expected  the right value, computed in the case module with minigrad or numpy
    what      which part of the result is compared, e.g. "x.requires_grad" (empty: the returned value itself)
    key       pulls that part out of the result (default: the result itself)
    hint      what to try when this case fails
    mistakes  (wrong value, hint) pairs: a result equal to a typical wrong value gets that hint instead
    compare   (got, expected) -> bool; default `same`
    before    called before the answer (e.g. to seed the random generator)
    """
    label: str
    args: Any = ()
    expected: Any = None
    what: str = ""
    key: Callable | None = None
    hint: str = ""
    mistakes: tuple = ()
    compare: Callable | None = None
    before: Callable | None = None
    kwargs: dict = field(default_factory=dict)


@dataclass
class Exercise:
    id: str
    make_cases: Callable  # () -> iterable of Case, called afresh by every check
    returns: str = ""  # what the answer must return, for the message when the result has the wrong form
    hint: str = ""  # default hint for every case
    error_hints: tuple = ()  # (exception type or message fragment, hint), tried before the common ones
    time_limit: float | None = None


@dataclass
class Result:
    exercise_id: str
    status: str
    passed: int = 0
    total: int = 0
    line: str = ""
    hint: str = ""

    @property
    def ok(self):
        return self.status == PASSED


_REGISTRY: dict[str, Exercise] = {}


def exercise(exercise_id, *, returns="", hint="", error_hints=(), time_limit=None):
    """Register the decorated case generator as exercise `exercise_id` ("NN.k", NN = the lesson's number)."""
    def register(make_cases):
        known = _REGISTRY.get(exercise_id)
        if known is not None and known.make_cases.__module__ != make_cases.__module__:
            raise ValueError(f"exercise {exercise_id!r} is registered twice "
                             f"({known.make_cases.__module__} and {make_cases.__module__})")
        _REGISTRY[exercise_id] = Exercise(exercise_id, make_cases, returns, hint, tuple(error_hints), time_limit)
        return make_cases
    return register


def find(exercise_id):
    """The registered Exercise, importing course.grading.cases.lessonNN on first use; None if there is none."""
    if not isinstance(exercise_id, str):
        return None
    if exercise_id not in _REGISTRY:
        lesson = exercise_id.split(".")[0]
        if lesson.isdigit():
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"course.grading.cases.lesson{lesson}")
    return _REGISTRY.get(exercise_id)


def all_exercises():
    """Every registered exercise, by id (imports every case module)."""
    from course.grading import cases
    for module in pkgutil.iter_modules(cases.__path__):
        if module.name.startswith("lesson"):
            importlib.import_module(f"{cases.__name__}.{module.name}")
    return dict(sorted(_REGISTRY.items()))


def strict():
    """True when a failed check must raise: nbgrader is executing the notebook, or COURSE_STRICT_CHECKS=1."""
    return bool(os.environ.get("NBGRADER_EXECUTION")) or os.environ.get("COURSE_STRICT_CHECKS") == "1"


def check(exercise_id, answer):
    """Check `answer` (usually your function) against exercise `exercise_id`'s hidden cases; print one line."""
    result = run_check(exercise_id, answer)
    print(result.line)
    if strict() and not result.ok:
        raise AssertionError(result.line)


# ---------------------------------------------------------------------------------------------- comparing values

def tuple_part(size, name):
    """For a Case's `key`: tuple_part(2, "pair")(i) picks item i (or a slice) of the tuple an answer returns; any
    other return form raises TypeError, which check() reports with the exercise's `returns` text."""
    def pick(i):
        def take(result):
            if not (isinstance(result, tuple) and len(result) == size):
                raise TypeError(f"not a {name}")
            return result[i]
        return take
    return pick


def _is_tensor(value):
    return type(value).__name__ == "Tensor" and hasattr(value, "requires_grad")


def _as_array(value):
    if _is_tensor(value):
        return np.asarray(value.detach().numpy())
    return np.asarray(value)


def close(got, expected, rtol=1e-4, atol=1e-6):
    """Numbers (or 0-d tensors) within a relative 1e-4 / absolute 1e-6 of each other."""
    if isinstance(got, bool) or not (isinstance(got, numbers.Real) or (_is_tensor(got) and got.ndim == 0)
                                     or (isinstance(got, np.ndarray) and got.ndim == 0)):
        return False
    got = float(got.item() if hasattr(got, "item") else got)
    return math.isclose(got, float(expected), rel_tol=rtol, abs_tol=atol) or (math.isnan(got)
                                                                               and math.isnan(expected))


def same(got, expected):
    """The default comparison: tensors and arrays by shape and values (allclose), numbers with a small tolerance,
    booleans and None exactly, strings ignoring case and surrounding spaces, sets and sequences item by item."""
    if expected is None or isinstance(expected, bool):
        return got is expected or (isinstance(got, np.bool_) and bool(got) is expected)
    if _is_tensor(expected) or isinstance(expected, np.ndarray):
        if _is_tensor(expected) and not _is_tensor(got):
            return False
        want = _as_array(expected)
        have = _as_array(got) if (_is_tensor(got) or isinstance(got, np.ndarray)) else None
        return have is not None and have.shape == want.shape and np.allclose(have, want, rtol=1e-4, atol=1e-6,
                                                                             equal_nan=True)
    if isinstance(expected, numbers.Real):
        return close(got, expected)
    if isinstance(expected, str):
        return isinstance(got, str) and got.strip().lower() == expected.strip().lower()
    if isinstance(expected, (set, frozenset)):
        return isinstance(got, (set, frozenset, list, tuple)) and {_norm(v) for v in got} == {_norm(v)
                                                                                               for v in expected}
    if isinstance(expected, (tuple, list)):
        return (isinstance(got, (tuple, list)) and len(got) == len(expected)
                and all(same(g, e) for g, e in zip(got, expected)))
    return got == expected


def _norm(value):
    return value.strip().lower() if isinstance(value, str) else value


def show(value, width=90):
    """A short, readable rendering of a value for a feedback line."""
    if isinstance(value, float):
        text = f"{value:.6g}"
    elif isinstance(value, (set, frozenset)):
        text = "{" + ", ".join(sorted(repr(v) for v in value)) + "}" if value else "set()"
    else:
        text = " ".join(repr(value).split())
    return text if len(text) <= width else text[:width - 3] + "..."


# --------------------------------------------------------------------------------------- limits on the answer
# Public for cases that run the learner's code beyond the answer call (e.g. methods of a class it returned):
# `with time_limit_for(s), bounded_output(budget): ...`, catching TimeUp and OutputFlood.

class TimeUp(BaseException):
    """Raised into the learner's code when the time budget is spent (BaseException: `except Exception` in the
    learner's loop does not swallow it)."""


class OutputFlood(BaseException):
    """Raised into the learner's code when it prints more than OUTPUT_LIMIT characters."""


@contextlib.contextmanager
def time_limit_for(seconds):
    """Stop the code in the block after `seconds`. In the main thread on Unix (a Jupyter kernel, nbgrader) a
    real-time timer raises TimeUp between two Python bytecodes, and again every half second in case the code
    swallowed the first one; elsewhere (Windows, other threads) a trace function checks the clock at each line."""
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        def on_alarm(signum, frame):
            raise TimeUp

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001), 0.5)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    else:
        deadline = time.monotonic() + seconds
        previous = sys.gettrace()

        def tracer(frame, event, arg):
            if time.monotonic() > deadline:
                raise TimeUp
            return tracer
        sys.settrace(tracer)
        try:
            yield
        finally:
            sys.settrace(previous)


class _BoundedOutput(io.TextIOBase):
    """Passes the first OUTPUT_SHOWN characters through to the real stream, stops the code past OUTPUT_LIMIT."""

    def __init__(self, target, budget):
        self.target, self.budget = target, budget

    def writable(self):
        return True

    def write(self, text):
        budget = self.budget
        if not budget["cut"]:
            room = OUTPUT_SHOWN - budget["written"]
            lines_left = SHOWN_LINES - budget["lines"]
            shown = text[:room] if lines_left > 0 else ""
            if shown.count("\n") > lines_left:
                shown = "".join(shown.splitlines(keepends=True)[:lines_left])
            self.target.write(shown)
            budget["lines"] += shown.count("\n")
            if len(shown) < len(text):
                budget["cut"] = True
                self.target.write("\n[... more printed output not shown]\n")
        budget["written"] += len(text)
        if budget["written"] > OUTPUT_LIMIT:
            raise OutputFlood
        return len(text)

    def flush(self):
        with contextlib.suppress(Exception):
            self.target.flush()


@contextlib.contextmanager
def bounded_output(budget):
    """Stop the code in the block with OutputFlood once it has printed more than OUTPUT_LIMIT characters in all
    (`budget` is a dict {"written": 0, "lines": 0, "cut": False} shared by the calls of one check)."""
    with contextlib.redirect_stdout(_BoundedOutput(sys.stdout, budget)), \
            contextlib.redirect_stderr(_BoundedOutput(sys.stderr, budget)):
        yield


@contextlib.contextmanager
def _engine_state_kept():
    """Undo global switches an answer may flip (grad mode, anomaly detection), so later cells behave as before."""
    grad_enabled, anomaly = minigrad.is_grad_enabled(), minigrad.is_anomaly_enabled()
    try:
        yield
    finally:
        minigrad.set_grad_enabled(grad_enabled)
        minigrad.autograd.set_detect_anomaly(anomaly)


@contextlib.contextmanager
def _random_state_kept():
    """Cases seed the random generators; put the learner's generator states back afterwards."""
    generator = minigrad._random.default_generator
    saved = (generator._seed, generator._engine.state, generator._normal_cache, np.random.get_state())
    try:
        yield
    finally:
        generator._seed, generator._engine.state, generator._normal_cache = saved[:3]
        np.random.set_state(saved[3])


# ----------------------------------------------------------------------------------------------- running

COMMON_ERROR_HINTS = (
    ("Only Tensors of floating point", "integer tensors cannot require grad: make floats first "
                                       "(torch.arange(3.), dtype=torch.float32, or .float())."),
    ("does not require grad and does not have a grad_fn",
     "backward() needs a result computed from a tensor with requires_grad=True (and not under no_grad())."),
    ("backward through the graph a second time", "the graph is freed after backward(): rebuild it (run the "
                                                  "forward computation again) or pass retain_graph=True."),
    ("grad can be implicitly created only for scalar outputs", "call backward() on a scalar (for example "
                                                               "y.sum()), or pass gradient=..."),
    ("a leaf Variable that requires grad is being used in an in-place operation",
     "do not change a watched leaf in place; compute a new tensor, or update under torch.no_grad()."),
    ("'NoneType' object", "something is None: a .grad read before backward() ran, or a function that does not "
                          "return its result?"),
    (NameError, "a name is not defined: run the first code cell and the cell that defines your function again."),
    (RecursionError, "your function calls itself without end."),
)


def _hint_for_error(exercise, error):
    message = str(error)
    for condition, hint in exercise.error_hints + COMMON_ERROR_HINTS:
        if (isinstance(condition, str) and condition in message) or (
                isinstance(condition, type) and isinstance(error, condition)):
            return hint
    return exercise.hint


def _where(error):
    """' (line N of f: source)' for the innermost frame of the learner's own code, or ''."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if not str(Path(f.filename).resolve()).startswith(_PACKAGE_DIRS)]
    if not frames:
        return ""
    frame = frames[-1]
    source = f": {frame.line.strip()}" if frame.line else ""
    return f" (line {frame.lineno} of {frame.name}{source})"


def _call(answer, case, budget):
    args = case.args() if callable(case.args) else case.args
    if case.before is not None:
        case.before()
    with bounded_output(budget), _engine_state_kept():
        return answer(*args, **case.kwargs)


def _with_hint(text, hint):
    return f"{text} Hint: {hint}" if hint else text


def run_check(exercise_id, answer):
    """Check `answer` without printing or raising; returns a Result whose `line` is what check() prints."""
    with _random_state_kept():
        return _run_check(exercise_id, answer)


def _run_check(exercise_id, answer):
    exercise = find(exercise_id)
    if exercise is None:
        return Result(str(exercise_id), UNKNOWN, line=f"{ICONS[UNKNOWN]} unknown exercise id {exercise_id!r}: ids "
                      "look like \"03.2\" (lesson 03, exercise 2). Was the check cell changed?")
    head = f"{exercise_id}"
    if not callable(answer):
        return Result(exercise_id, FAILED, line=f"{ICONS[FAILED]} {head}: check needs your function itself, "
                      f"not {show(answer, 40)}: write check(\"{exercise_id}\", name_of_function) with no () after "
                      "the name.")
    cases = list(exercise.make_cases())
    total = len(cases)
    seconds = float(exercise.time_limit or DEFAULT_TIME_LIMIT)
    if os.environ.get("COURSE_CHECK_SECONDS"):  # a cap: the grade command keeps checks inside nbgrader's cell limit
        seconds = min(seconds, float(os.environ["COURSE_CHECK_SECONDS"]))
    budget = {"written": 0, "lines": 0, "cut": False}
    results = {}  # label -> ("ok", value) or ("error", exception): one call per distinct input
    start = time.monotonic()
    for number, case in enumerate(cases, 1):
        where = f"case {number} of {total} ({case.label})"
        if case.label not in results:
            remaining = seconds - (time.monotonic() - start)
            try:
                with time_limit_for(remaining):
                    results[case.label] = ("ok", _call(answer, case, budget))
            except TimeUp:
                return Result(exercise_id, TIMEOUT, number - 1, total, line=(
                    f"{ICONS[TIMEOUT]} {head} stopped: {where} was still running after {seconds:g} s. Look for a "
                    "loop whose condition never changes."))
            except OutputFlood:
                return Result(exercise_id, OUTPUT, number - 1, total, line=(
                    f"{ICONS[OUTPUT]} {head} stopped: {where} printed more than {OUTPUT_LIMIT:,} characters "
                    "(a print inside a loop?). Remove the print and run again."))
            except KeyboardInterrupt:
                raise
            except NotImplementedError:
                if number == 1:
                    return Result(exercise_id, NOT_ATTEMPTED, 0, total, line=(
                        f"{ICONS[NOT_ATTEMPTED]} {head} not attempted yet: replace `raise NotImplementedError()` "
                        f"in {getattr(answer, '__name__', 'your function')} with your code, run that cell, then "
                        "this one."))
                results[case.label] = ("error", sys.exc_info()[1])
            except Exception as error:  # the learner's error, shown to them
                results[case.label] = ("error", error)
        kind, value = results[case.label]
        if kind == "error":
            hint = _hint_for_error(exercise, value)
            message = " ".join(str(value).split())
            message = message if len(message) <= 160 else message[:157] + "..."
            return Result(exercise_id, ERROR, number - 1, total, hint=hint, line=_with_hint(
                f"{ICONS[ERROR]} {head} {where} raised {type(value).__name__}: {message}{_where(value)}.", hint))
        try:
            got = case.key(value) if case.key is not None else value
        except Exception:
            expected_form = exercise.returns or "a different kind of value"
            return Result(exercise_id, FAILED, number - 1, total, hint=exercise.hint, line=_with_hint(
                f"{ICONS[FAILED]} {head} {where}: expected {expected_form}, got {show(value)}.", exercise.hint))
        compare = case.compare or same
        if not compare(got, case.expected):
            hint = next((h for wrong, h in case.mistakes if _matches(got, wrong, compare)),
                        case.hint or exercise.hint)
            subject = f"{case.what} = " if case.what else ""
            return Result(exercise_id, FAILED, number - 1, total, hint=hint, line=_with_hint(
                f"{ICONS[FAILED]} {head} {where}: expected {subject}{show(case.expected)}, got {show(got)}.", hint))
    return Result(exercise_id, PASSED, total, total, line=f"{ICONS[PASSED]} {head} passed {total}/{total}")


def _matches(got, wrong, compare):
    try:
        return compare(got, wrong)
    except Exception:
        return False
