"""environment.yml (conda / Binder) must offer everything pyproject.toml asks for."""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# conda-forge names that differ from the PyPI names used in pyproject.toml
CONDA_NAMES = {"graphviz": "python-graphviz"}


def _name(requirement):
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower()


def _pyproject_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project["dependencies"]}
    for extra, requirements in project["optional-dependencies"].items():
        if extra != "parity":  # torch is optional everywhere
            names |= {_name(r) for r in requirements}
    return names


def _environment_names():
    names = set()
    for line in (ROOT / "environment.yml").read_text().splitlines():
        match = re.match(r"\s*-\s+([A-Za-z0-9_.\-]+)", line)
        if match and match.group(1) not in ("pip", "-e"):
            names.add(_name(match.group(1)))
    return names


def test_environment_names_every_pyproject_dependency():
    offered = _environment_names()
    missing = sorted(n for n in _pyproject_requirements() if n not in offered and CONDA_NAMES.get(n) not in offered)
    assert not missing, f"environment.yml lacks: {missing}"


def test_environment_installs_the_repo_itself():
    assert re.search(r"^\s*-\s+-e \.\s*$", (ROOT / "environment.yml").read_text(), re.M)


def test_graphviz_program_is_in_environment():
    assert "graphviz" in _environment_names()  # the `dot` program itself, not only the Python binding
