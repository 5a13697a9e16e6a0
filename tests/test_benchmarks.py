"""The benchmark script runs (tiny repetition count), so it cannot rot; no timing is asserted."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_script_runs_every_workload_and_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--repeat", "1", "--quick",
                             "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert set(data) == {"chain", "mlp", "mlp_big", "deep", "digits"}
    for row in data.values():
        assert all(seconds > 0 for seconds in row["seconds"].values() if isinstance(seconds, float))
    assert "minigrad/numpy" in data["mlp"]["ratios"]
    assert "100k/10k" in data["deep"]["ratios"]
    assert "chain" in result.stdout and "ratios" in result.stdout


def test_numpy_by_hand_mlp_matches_minigrad_gradients():
    """The hand-written NumPy baseline computes the same update as minigrad (so the ratio compares like with like)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import numpy as np
    import workloads

    import minigrad as torch
    x, y = workloads._mlp_data(8, inputs=5, classes=3)
    w1, b1, w2, b2 = (np.random.default_rng(2).standard_normal(s).astype(np.float32) for s in [(4, 5), 4, (3, 4), 3])
    params = [torch.tensor(p.copy(), requires_grad=True) for p in (w1, b1, w2, b2)]
    logits = (torch.tensor(x) @ params[0].t() + params[1]).relu() @ params[2].t() + params[3]
    torch.nn.functional.cross_entropy(logits, torch.tensor(y)).backward()
    grads = workloads.mlp_numpy_gradients(x, y, w1, b1, w2, b2)
    for p, g in zip(params, grads):
        np.testing.assert_allclose(p.grad.numpy(), g, rtol=1e-5, atol=1e-6)
