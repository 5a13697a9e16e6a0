"""What you learn here is PyTorch: every lesson, with `import minigrad as torch` replaced by `import torch`, runs
under real PyTorch 2.13 and prints what the stored (minigrad) outputs show.

Cells tagged `minigrad-only` (course tools, minigrad's source) are left out. Only import lines are rewritten.
Printed numbers are compared with a float32 tolerance; everything else must match exactly (addresses and timings
masked by nbval's sanitize file). Skipped without torch; a failure under CI.
"""
import copy
import re

import nbformat
import pytest
from helpers import require_torch
from nbclient import NotebookClient
from notebook_outputs import ROOT, printed, same_text

from course.catalog import LESSONS

MINIGRAD_IMPORT = re.compile(r"^(\s*(?:import|from)\s+)minigrad\b", re.M)
LESSON_FILES = [ROOT / lesson.notebook for lesson in LESSONS if (ROOT / lesson.notebook).exists()]


def as_pytorch(nb):
    """The notebook PyTorch runs (minigrad-only cells dropped, `minigrad` imports pointed at `torch`), and the
    stored cells its cells stand for."""
    kept = [c for c in nb.cells if c.cell_type == "code" and "minigrad-only" not in c.metadata.get("tags", [])]
    torch_nb = copy.deepcopy(nb)
    torch_nb.cells = copy.deepcopy(kept)
    for cell in torch_nb.cells:
        cell.source = MINIGRAD_IMPORT.sub(r"\1torch", cell.source)
        cell.outputs = []
    return torch_nb, kept


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda p: p.stem)
def test_lesson_prints_the_same_under_pytorch(path, monkeypatch):
    require_torch()
    # one thread, as NumPy uses for these small arrays: torch's thread pool is many times slower on a busy machine
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    stored = nbformat.read(path, as_version=4)
    nb, stored_cells = as_pytorch(stored)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    problems = []
    for cell, stored_cell in zip(nb.cells, stored_cells):
        where = f"cell [{stored_cell.execution_count}]"
        want, got = printed(stored_cell.outputs), printed(cell.outputs)
        for key in sorted(set(want) | set(got)):
            if key not in got or key not in want:
                problems.append(f"{where}: {key} only under {'minigrad' if key in want else 'torch'}:\n"
                                f"{want.get(key, got.get(key))}")
                continue
            difference = same_text(want[key], got[key])
            if difference:
                problems.append(f"{where} ({key}): {difference}")
    assert not problems, f"{path.name} under PyTorch:\n" + "\n\n".join(problems)
