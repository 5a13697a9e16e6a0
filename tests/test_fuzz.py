"""The differential fuzzer in every test run: a fixed seed, about a minute of random programs run under torch and
minigrad, and nothing may differ (skipped with a reason without torch, a failure under CI, as the other parity
tests). `make fuzz N=20000` runs longer; a failure here prints the same table, with a minimal program per cause
(`python -m pytest -q -s tests/test_fuzz.py` shows it as it runs)."""
import time

from fuzz.fuzz import fuzz, table
from helpers import require_torch

import minigrad

SEED = 100_000  # programs SEED, SEED + 1, ...: the same programs on every machine
PROGRAMS = 4000  # about a minute on a 2-core machine


def test_fuzzer_finds_no_difference():
    torch = require_torch()
    start = time.monotonic()
    ran, findings = fuzz(torch, minigrad, seed=SEED, count=PROGRAMS)
    assert ran == PROGRAMS
    assert not findings, "\n" + table(ran, findings)
    print(f"{ran} programs in {time.monotonic() - start:.0f} s, no difference")
