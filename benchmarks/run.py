"""Time minigrad against NumPy by hand and against torch (when installed), in one run, and print ratios.

    python benchmarks/run.py [--repeat 30] [--json benchmarks/results/latest.json] [--only chain,mlp]

Each number is the median of `--repeat` timed runs after warm-up. Ratios compare runs measured side
by side in this same process, so a busy machine slows all of them alike.
"""
import argparse
import gc
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import workloads as w  # noqa: E402

import minigrad  # noqa: E402

try:
    import torch
    torch.set_num_threads(1)  # numpy's BLAS is not limited either way; one thread keeps torch's op overhead honest
except ImportError:
    torch = None

GOALS = {  # workload: (ratio name, goal) from the performance issue
    "chain": ("minigrad/torch", 1.0),
    "mlp": ("minigrad/numpy", 1.3),
    "mlp_big": ("minigrad/numpy", 1.1),
    "deep": ("100k/10k", 11.0),
    "digits": ("minigrad/torch", 1.2),
}


def median_time(fn, repeat, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_chain(repeat):
    row = {"minigrad": median_time(w.chain(minigrad), repeat), "numpy": median_time(w.chain_numpy(), repeat)}
    if torch:
        row["torch"] = median_time(w.chain(torch), repeat)
    return row


def bench_mlp(repeat, batch=64, hidden=128):
    row = {"minigrad": median_time(w.mlp(minigrad, batch, hidden), repeat),
           "numpy": median_time(w.mlp_numpy(batch, hidden), repeat)}
    if torch:
        row["torch"] = median_time(w.mlp(torch, batch, hidden), repeat)
    return row


def bench_deep(repeat, long_chain=100_000):
    """Backward time of a 100,000-op chain over a 10,000-op one, and the memory left after backward."""
    def backward_time(length, runs):
        build, times = w.deep_chain(minigrad, length), []
        for _ in range(runs):
            out = build()
            start = time.perf_counter()
            out.backward()
            times.append(time.perf_counter() - start)
        return statistics.median(times)
    short = backward_time(long_chain // 10, max(3, repeat // 3))
    long = backward_time(long_chain, 3)
    gc.collect()
    tracemalloc.start()
    out = w.deep_chain(minigrad, long_chain)()
    built, _ = tracemalloc.get_traced_memory()
    out.backward()
    after_backward, peak = tracemalloc.get_traced_memory()
    del out
    gc.collect()
    released, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"10k": short, "100k": long, "graph_mb": built / 2**20, "after_backward_mb": after_backward / 2**20,
            "after_release_mb": released / 2**20, "peak_mb": peak / 2**20}


def bench_digits(repeat, epochs=None):
    row = {"minigrad": median_time(w.digits(minigrad, epochs), repeat, warmup=1)}
    if torch:
        row["torch"] = median_time(w.digits(torch, epochs), repeat, warmup=1)
    return row


def ratios(name, row):
    if name == "deep":
        return {"100k/10k": row["100k"] / row["10k"]}
    out = {}
    for other in ("numpy", "torch"):
        if other in row:
            out[f"minigrad/{other}"] = row["minigrad"] / row[other]
    if "torch" in row and "numpy" in row:
        out["torch/numpy"] = row["torch"] / row["numpy"]
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", default=str(Path(__file__).parent / "results" / "latest.json"))
    parser.add_argument("--only", default="chain,mlp,mlp_big,deep,digits")
    parser.add_argument("--quick", action="store_true", help="small sizes, to check that the script works")
    args = parser.parse_args(argv)
    repeat = args.repeat
    runners = {"chain": lambda: bench_chain(repeat), "mlp": lambda: bench_mlp(repeat),
               "mlp_big": lambda: bench_mlp(max(repeat // 3, 1), batch=512, hidden=1024),
               "deep": lambda: bench_deep(repeat, 10_000 if args.quick else 100_000),
               "digits": lambda: bench_digits(max(repeat // 10, 1), 1 if args.quick else None)}
    results = {}
    print(f"median of {repeat} runs (mlp_big: {max(repeat // 3, 1)}, digits: {max(repeat // 10, 1)}); "
          f"torch: {torch.__version__ if torch else 'not installed'}")
    print(f"{'workload':9} {'minigrad':>11} {'numpy':>11} {'torch':>11}   ratios (goal)")
    for name in args.only.split(","):
        row = runners[name]()
        row_ratios = ratios(name, row)
        results[name] = {"seconds": row, "ratios": row_ratios}
        goal_name, goal = GOALS[name]
        if goal_name in row_ratios:
            results[name]["goal"] = {"ratio": goal_name, "at_most": goal, "met": row_ratios[goal_name] <= goal}
        cells = [f"{row[k] * 1e3:9.3f}ms" if k in row else f"{'-':>11}" for k in ("minigrad", "numpy", "torch")]
        if name == "deep":
            cells = [f"{row['100k']:9.3f}s ", f"{row['10k']:9.3f}s ", f"{'-':>11}"]
        text = ", ".join(f"{k} {v:.2f}" + (f" (≤ {goal})" if k == goal_name else "") for k, v in row_ratios.items())
        print(f"{name:9} {' '.join(cells)}   {text}")
        if name == "deep":
            print(f"{'':9} memory: graph {row['graph_mb']:.1f} MB; after backward, with the output still alive (its "
                  f"nodes stay, as in PyTorch) {row['after_backward_mb']:.1f} MB; output dropped "
                  f"{row['after_release_mb']:.2f} MB")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2))
    print(f"written: {args.json}")
    return results


if __name__ == "__main__":
    main()
