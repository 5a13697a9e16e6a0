# Two commands for a newcomer: `make lab` opens the course, `make test` runs every test.
# Everything goes into .venv; system programs (graphviz's dot, Chromium for the browser test) come
# from apt when they are missing and we are root, otherwise we print how to install them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
TORCH := torch==2.13.0

.PHONY: setup lab test bench parity notebooks clean grading exercises grade

setup: $(STAMP)
	@bash tools/system-deps.sh graphviz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e ".[course,test]"
	@if [ -n "$$CI" ]; then $(PIP) install -q "$(TORCH)"; fi
	touch $(STAMP)

# nbgrader (teacher side: make test, make exercises, make grade); a learner's `make lab` does not need it
GRADING_STAMP := $(VENV)/.installed-grading
grading: $(GRADING_STAMP)

$(GRADING_STAMP): $(STAMP)
	$(PIP) install -q -e ".[grading]"
	touch $(GRADING_STAMP)

# torch is optional; CI installs it so the parity tests run (only this version: the local CPU build)
parity: $(STAMP)
	$(PIP) install -q "$(TORCH)"

# as root (a container, a fresh VM) JupyterLab refuses to start unless told that this is intended
lab: setup
	$(VENV)/bin/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

test: setup grading
	@bash tools/system-deps.sh chromium
	$(PY) -m ruff check .
	$(PY) -m pytest -q --nbval tests notebooks solutions
	$(PY) -m pytest -q --nbval-lax exercises

# release exercises/ from solutions/ with nbgrader (every lesson, rebuilt from scratch, no gradebook left behind)
exercises: setup grading
	$(PY) -m course.grading.release

# grade a folder of submissions (one folder of practice notebooks per student): make grade SUBMISSIONS=DIR [OUT=DIR]
grade: setup grading
	@if [ -z "$(SUBMISSIONS)" ]; then echo "usage: make grade SUBMISSIONS=folder [OUT=grades]"; exit 2; fi
	$(PY) -m course.grading "$(SUBMISSIONS)" --out "$(or $(OUT),grades)"

# re-run every lesson in place (outputs stored, no per-run noise: twice in a row leaves git status clean)
notebooks: setup
	$(PY) tools/run_notebooks.py $(NOTEBOOKS)

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV)
