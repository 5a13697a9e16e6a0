"""Re-execute course notebooks in place, top to bottom, and store their outputs without per-run noise.

    python tools/run_notebooks.py                      # every lesson in notebooks/
    python tools/run_notebooks.py notebooks/03_*.ipynb solutions/*/*.ipynb

The .ipynb files are the source of truth; this only refreshes their outputs. Running it twice in a row leaves
`git status` clean:
- execution timestamps (cell metadata "execution") and saved widget state are dropped;
- widget views are stored without their random model id (the widget's static picture and text stay, so a reader
  without a kernel still sees what it does);
- a taught error keeps the learner's own frames and the message, not the library's (nor this machine's paths);
- an output that differs from the stored one only where nbval's sanitize file masks it (memory addresses,
  timings) keeps its stored form.
"""
import argparse
import configparser
import copy
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
SANITIZE_FILE = ROOT / ".nbval_sanitize.cfg"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NOISY_CELL_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled")


def sanitizers():
    """The (pattern, replacement) pairs of nbval's sanitize file, so this tool and nbval agree on what is noise."""
    parser = configparser.ConfigParser()
    parser.read(SANITIZE_FILE)
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def _masked(outputs, rules):
    """The outputs as text with noise masked. Pictures are compared as they are: the rules are for text (and a
    regex run over base64 image data only costs time)."""
    def mask(text):
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        return text

    masked = []
    for output in outputs:
        output = dict(output)
        if "text" in output:
            output["text"] = mask("".join(output["text"]))
        if "data" in output:
            output["data"] = {kind: mask("".join(value)) if kind.startswith("text/") else value
                              for kind, value in output["data"].items()}
        if "evalue" in output:
            output["evalue"] = mask(output["evalue"])
        output.pop("traceback", None)
        masked.append(output)
    return json.dumps(masked, sort_keys=True)


def merge_streams(outputs):
    """One output per run of prints: the kernel may split a stream at any point, which must not change the file."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.output_type == "stream" and previous is not None and previous.output_type == "stream"
                and previous.name == output.name):
            previous.text = "".join(previous.text) + "".join(output.text)
        else:
            merged.append(output)
    return merged


def clean(nb, stored, rules):
    """Drop per-run noise from the executed notebook `nb`; `stored` is the notebook as it was before the run."""
    nb.metadata.pop("widgets", None)
    old_outputs = {cell.get("id"): cell.get("outputs") for cell in stored.cells if cell.cell_type == "code"}
    for cell in nb.cells:
        for key in NOISY_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        cell.outputs = merge_streams(cell.outputs)
        for output in cell.outputs:
            output.get("data", {}).pop(WIDGET_VIEW, None)
            if output.output_type == "error":
                output.traceback = short_traceback(output.traceback)
        old = old_outputs.get(cell.get("id"))
        if old is not None and old != cell.outputs and _masked(old, rules) == _masked(cell.outputs, rules):
            cell.outputs = old
    return nb


def short_traceback(frames):
    """A taught error as the learner needs it: the frames of their own cell and the message. Frames inside
    minigrad or installed packages would only show this machine's paths."""
    library = (str(ROOT), "site-packages")
    kept = [frame for frame in frames[:-1] if not any(place in frame for place in library)]
    return kept + frames[-1:]


def run(path, timeout, env):
    stored = nbformat.read(path, as_version=4)
    nb = copy.deepcopy(stored)
    for cell in nb.cells:  # a clean run: nothing left over from a previous one
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    previous = dict(os.environ)
    os.environ.update(env)
    try:
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(previous)
    clean(nb, stored, sanitizers())
    nbformat.validate(nb)
    nbformat.write(nb, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    env = {"PYTHONHASHSEED": "0", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    failed = []
    for path in paths:
        start = time.perf_counter()
        try:
            run(path.resolve(), args.timeout, env)
        except CellExecutionError as error:
            failed.append(path)
            print(f"FAILED {path}:\n{str(error)[-2000:]}", file=sys.stderr)
            continue
        print(f"ran {path} in {time.perf_counter() - start:.1f} s")
    if failed:
        print(f"{len(failed)} notebook(s) failed: " + ", ".join(map(str, failed)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
