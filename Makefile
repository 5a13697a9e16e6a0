# Two commands for a newcomer: `make lab` opens the course, `make test` runs every test.
# Everything goes into .venv; system programs (graphviz's dot, Chromium for the browser test) come
# from apt when they are missing and we are root, otherwise we print how to install them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
TORCH := torch==2.13.0
# JupyterLab opens the lesson list (notebooks/README.md) rendered, not as Markdown source
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.d
LAB_SETTINGS := {"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Markdown Preview"}}}
LAB_START := $(firstword $(wildcard notebooks/README.md notebooks/00_welcome.ipynb))

.PHONY: setup lab test bench parity fuzz notebooks clean grading exercises grade

setup: $(STAMP)
	@bash tools/system-deps.sh graphviz

# what a learner needs: the course extra only (no test tools)
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e ".[course]"
	touch $(STAMP)

# the test tools (pytest, nbval, Playwright, ruff), for `make test`; CI adds torch so the parity tests run
$(TEST_STAMP): $(STAMP)
	$(PIP) install -q -e ".[course,test]"
	@if [ -n "$$CI" ]; then $(PIP) install -q "$(TORCH)"; fi
	touch $(TEST_STAMP)

# nbgrader (teacher side: make test, make exercises, make grade); a learner's `make lab` does not need it
GRADING_STAMP := $(VENV)/.installed-grading
grading: $(GRADING_STAMP)

$(GRADING_STAMP): $(STAMP)
	$(PIP) install -q -e ".[grading]"
	touch $(GRADING_STAMP)

# torch is optional; CI installs it so the parity tests run (only this version: the local CPU build)
parity: $(STAMP)
	$(PIP) install -q "$(TORCH)"

# the differential fuzzer: N random programs run under PyTorch and minigrad; prints the mismatches grouped by
# cause, each with a minimal program that shows it (tests/test_fuzz.py runs a fixed seed in every `make test`)
N ?= 2000
SEED ?= 0
fuzz: parity $(TEST_STAMP)
	$(PY) -m tests.fuzz --n $(N) --seed $(SEED)

# JupyterLab at the repository root (relative links into ../minigrad/ and ../exercises/ work), opening the
# lesson list; the course's own notebooks are trusted first, so their stored pictures show as SVG.
# As root (a container, a fresh VM) JupyterLab refuses to start unless told that this is intended.
lab: setup
	@mkdir -p $(LAB_OVERRIDES) && echo '$(LAB_SETTINGS)' > $(LAB_OVERRIDES)/minigrad-course.json
	@$(VENV)/bin/jupyter trust $(wildcard notebooks/*.ipynb exercises/*/*.ipynb) >/dev/null
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/$(LAB_START) \
		$$([ "$$(id -u)" = 0 ] && echo --allow-root)

# -rs: every skipped test says why
test: setup grading $(TEST_STAMP)
	@bash tools/system-deps.sh chromium
	$(PY) -m ruff check .
	$(PY) -m pytest -q -rs --nbval tests notebooks solutions
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
