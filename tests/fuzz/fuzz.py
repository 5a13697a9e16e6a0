"""Run random programs under torch and minigrad, shrink each mismatch to a minimal program, group by cause."""
import time
from collections import defaultdict
from dataclasses import dataclass, field

from .generate import generate
from .observe import compare, run
from .program import Step, names_for, render, without


@dataclass
class Finding:
    """One cause of mismatch: how many programs showed it, and the smallest reproduction found."""
    cause: str
    count: int = 0
    seeds: list = field(default_factory=list)
    steps: list = None
    seed: int = None
    mismatch: object = None

    def reproduction(self):
        m = self.mismatch
        code = render(self.steps, self.seed)
        if not m.kind.startswith(("raises", "error")) and m.kind != "warning":
            code += f"\nprint({m.where.removesuffix(' (at the end)')})"
        return (f"{code}\n# {m.where}\n#   torch:    {_indent(m.torch)}\n#   minigrad: {_indent(m.minigrad)}")


def _indent(text):
    return text.replace("\n", "\n#             ")


def check(steps, seed, torch, minigrad):
    """The first Mismatch between torch and minigrad running `steps`, or None."""
    names = names_for(steps)
    return compare(steps, run(steps, torch, seed), run(steps, minigrad, seed), names)


def shrink(steps, seed, torch, minigrad, mismatch, max_checks=300):
    """A smaller program that shows the same cause: drop steps (and what depends on them), drop keyword
    arguments, shrink literal data, for as long as the cause stays."""
    cause = mismatch.cause
    checks = 0

    def same(candidate):
        nonlocal checks
        checks += 1
        found = check(candidate, seed, torch, minigrad) if candidate else None
        return found if found is not None and found.cause == cause else None

    best, best_mismatch = steps, mismatch
    truncated = steps[: mismatch.step + 1]
    found = same(truncated)
    if found:
        best, best_mismatch = truncated, found
    changed = True
    while changed and checks < max_checks:
        changed = False
        for candidate in _smaller(best):
            if checks >= max_checks:
                break
            found = same(candidate)
            if found:
                best, best_mismatch, changed = candidate, found, True
                break
    return best, best_mismatch


def _smaller(steps):
    for i in reversed(range(len(steps))):
        yield without(steps, {i})
    for i, step in enumerate(steps):
        for k in range(len(step.kwargs)):
            yield steps[:i] + [Step(step.kind, step.name, step.args, step.kwargs[:k] + step.kwargs[k + 1:])] + \
                steps[i + 1:]
        if step.kind == "call" and step.name == "tensor" and isinstance(step.args[0], list) and step.args[0]:
            data = step.args[0]
            for smaller in (data[0], data[:1], data[: len(data) // 2 or 1]):
                if smaller != data:
                    yield steps[:i] + [Step(step.kind, step.name, (smaller,) + step.args[1:], step.kwargs)] + \
                        steps[i + 1:]


def fuzz(torch, minigrad, seed=0, count=1000, budget=None, shrink_per_cause=1, progress=None):
    """Run `count` programs (seeds seed, seed+1, ...) or until `budget` seconds pass; returns (programs run,
    findings by cause)."""
    findings = {}
    start = time.monotonic()
    ran = 0
    for program_seed in range(seed, seed + count):
        if budget is not None and time.monotonic() - start > budget:
            break
        steps = generate(program_seed, torch)
        mismatch = check(steps, program_seed, torch, minigrad)
        ran += 1
        if progress is not None:
            progress(ran, len(findings))
        if mismatch is None:
            continue
        finding = findings.setdefault(mismatch.cause, Finding(mismatch.cause))
        finding.count += 1
        finding.seeds.append(program_seed)
        if len(finding.seeds) <= shrink_per_cause:
            small, small_mismatch = shrink(steps, program_seed, torch, minigrad, mismatch)
            if finding.steps is None or len(small) < len(finding.steps):
                finding.steps, finding.seed, finding.mismatch = small, program_seed, small_mismatch
    return ran, findings


def table(ran, findings, with_reproductions=True):
    """The findings as text: a table of causes (most frequent first), then a minimal reproduction of each."""
    total = sum(f.count for f in findings.values())
    lines = [f"{ran} programs, {total} with a mismatch, {len(findings)} causes", ""]
    if not findings:
        return "\n".join(lines)
    ordered = sorted(findings.values(), key=lambda f: (-f.count, f.cause))
    width = max(len(f.cause) for f in ordered)
    lines.append(f"{'cause'.ljust(width)}  programs  first seed")
    for f in ordered:
        lines.append(f"{f.cause.ljust(width)}  {f.count:8d}  {f.seeds[0]}")
    if with_reproductions:
        by_kind = defaultdict(list)
        for f in ordered:
            by_kind[f.cause].append(f)
        for f in ordered:
            lines += ["", f"## {f.cause}  ({f.count} programs, seed {f.seed})", f.reproduction()]
    return "\n".join(lines)
