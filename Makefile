# Two commands for a newcomer: `make lab` opens the course, `make test` runs every test.
# Everything goes into .venv; system programs (graphviz's dot, Chromium for the browser test) come
# from apt when they are missing and we are root, otherwise we print how to install them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
TORCH := torch==2.13.0

.PHONY: setup lab test bench parity fuzz clean

setup: $(STAMP)
	@bash tools/system-deps.sh graphviz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e ".[course,test]"
	@if [ -n "$$CI" ]; then $(PIP) install -q "$(TORCH)"; fi
	touch $(STAMP)

# torch is optional; CI installs it so the parity tests run (only this version: the local CPU build)
parity: $(STAMP)
	$(PIP) install -q "$(TORCH)"

# as root (a container, a fresh VM) JupyterLab refuses to start unless told that this is intended
# the differential fuzzer: N random programs run under PyTorch and minigrad; prints the mismatches grouped by
# cause, each with a minimal program that shows it (tests/test_fuzz.py runs a fixed seed in every `make test`)
N ?= 2000
SEED ?= 0
fuzz: parity
	$(PY) -m tests.fuzz --n $(N) --seed $(SEED)

lab: setup
	$(VENV)/bin/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

test: setup
	@bash tools/system-deps.sh chromium
	$(PY) -m ruff check .
	$(PY) -m pytest -q --nbval tests notebooks

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV)
