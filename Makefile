# Two commands for a newcomer: `make lab` opens the course, `make test` runs every test.
# Everything goes into .venv; system programs (graphviz's dot, Chromium for the browser test) come
# from apt when they are missing and we are root, otherwise we print how to install them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed

.PHONY: setup lab test bench exercises grade lint system-deps parity clean

setup: $(STAMP) system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e ".[course,test]"
	@if [ -n "$$CI" ]; then $(MAKE) --no-print-directory parity; fi
	touch $(STAMP)

# torch is optional; CI installs it so the parity tests run (only this version: the local CPU build)
parity: $(STAMP)
	$(PIP) install -q "torch==2.13.0"

system-deps:
	@bash tools/system-deps.sh

lab: setup
	$(VENV)/bin/jupyter lab notebooks/

test: setup
	$(PY) -m ruff check .
	$(PY) -m pytest -q tests

bench: setup
	$(PY) benchmarks/run.py

exercises: setup
	$(PY) -m course.exercises build

grade: setup
	$(PY) -m course.grading exercises/

clean:
	rm -rf $(VENV)
