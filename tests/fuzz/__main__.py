"""`python -m tests.fuzz --n 20000 --seed 7`: the differential fuzzer from the command line (`make fuzz N=...`).

Prints a table of mismatches grouped by cause and a minimal reproduction for each; exits 1 when any is found.
"""
import argparse
import sys

import minigrad

from .fuzz import fuzz, table


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="how many programs (default 2000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first program (default 0)")
    parser.add_argument("--budget", type=float, default=None, help="stop after this many seconds")
    parser.add_argument("--show", type=int, default=None, help="print the program of this seed and its result")
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("the fuzzer compares minigrad with PyTorch: install torch==2.13.0 (make parity)", file=sys.stderr)
        return 2
    if args.show is not None:
        return show(args.show, torch)

    def progress(ran, causes):
        if ran % 500 == 0:
            print(f"  {ran} programs, {causes} causes so far", file=sys.stderr, flush=True)

    ran, findings = fuzz(torch, minigrad, seed=args.seed, count=args.n, budget=args.budget, progress=progress)
    print(table(ran, findings))
    return 1 if findings else 0


def show(seed, torch):
    from .fuzz import check
    from .generate import generate
    from .program import render
    steps = generate(seed, torch)
    print(render(steps, seed))
    mismatch = check(steps, seed, torch, minigrad)
    print("\n# no mismatch" if mismatch is None else f"\n# {mismatch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
