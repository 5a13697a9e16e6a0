"""The set-up a learner and a tester get: `make lab` (course only, trusted lessons, the lesson list first),
`make test` (test tools too, skip reasons), and the warning filter that keeps minigrad's numpy warnings quiet."""
import importlib.util
import json
import re
import shutil
import subprocess
import tomllib
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def e2e_conftest():
    """tests/e2e/conftest.py under a name of its own (the repository's conftest.py is already `conftest`)."""
    spec = importlib.util.spec_from_file_location("e2e_conftest", ROOT / "tests" / "e2e" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_dry_run(*targets):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(["make", "-n", "-B", *targets], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout


def test_the_course_extra_has_no_test_tools():
    course = {re.split(r"[<>=\[ ]", r)[0] for r in PYPROJECT["project"]["optional-dependencies"]["course"]}
    assert {"jupyterlab", "ipywidgets", "matplotlib", "graphviz"} <= course
    assert not course & {"pytest", "playwright", "ruff", "nbval", "hypothesis"}


def test_make_lab_installs_the_course_only_trusts_and_opens_the_lesson_list():
    commands = make_dry_run("lab")
    installs = [line for line in commands.splitlines() if "pip install" in line and "-e" in line]
    assert installs and all('".[course]"' in line for line in installs), installs
    assert "jupyter trust notebooks/" in commands
    assert "--ServerApp.root_dir=." in commands
    start = "notebooks/README.md" if (ROOT / "notebooks" / "README.md").exists() else "notebooks/00_welcome.ipynb"
    assert f"--LabApp.default_url=/lab/tree/{start}" in commands
    written = re.search(r"echo '(\{.*\})' > \S+/overrides\.d/minigrad-course\.json", commands)
    assert written and json.loads(written.group(1)) == e2e_conftest().LAB_OVERRIDES  # the browser test too


def test_make_test_installs_the_test_tools_and_prints_skip_reasons():
    commands = make_dry_run("test")
    assert '".[course,test]"' in commands
    pytest_runs = [line for line in commands.splitlines() if "-m pytest" in line and "--nbval " in line]
    assert pytest_runs and all(" -rs " in line for line in pytest_runs)


@pytest.mark.parametrize("module", ["minigrad", "minigrad.ops.pointwise", "/work/x/minigrad/ops/pointwise",
                                    "C:\\src\\minigrad\\autograd\\engine"])
def test_runtime_warning_filter_matches_minigrad_modules_and_files(module):
    from _pytest.config import parse_warning_filter
    spec = next(f for f in PYPROJECT["tool"]["pytest"]["ini_options"]["filterwarnings"] if "RuntimeWarning" in f)
    action, message, category, pattern, lineno = parse_warning_filter(spec, escape=False)
    assert action == "ignore" and category is RuntimeWarning
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings(action, message, category, pattern, lineno)
        warnings.warn_explicit("invalid value encountered in divide", RuntimeWarning, "pointwise.py", 1, module)
        warnings.warn_explicit("overflow", RuntimeWarning, "test_x.py", 1, "tests.test_optim")
        warnings.warn_explicit("overflow", RuntimeWarning, "x.py", 1, "/work/x/tests/test_minigrad_like")
    assert [w.filename for w in caught] == ["test_x.py", "x.py"]  # only minigrad's own are silenced
