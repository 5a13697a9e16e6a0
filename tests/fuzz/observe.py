"""Run a program under one library and record what a learner could see; compare two such records.

After every step: its value (dtype, shape, values, repr, grad_fn name, requires_grad, is_leaf), or the
exception it raised (type and text), and the warnings it issued. After a backward step: the .grad of every
leaf that requires grad (and of tensors that retain their grad). At the end: every tensor again (in-place
changes reach views made earlier), with its .grad. Two records are compared in order; the first difference
is the mismatch, named by a cause: (what differs, the step's op).
"""
import math
from dataclasses import dataclass

import numpy as np

from .program import Failed, Ref, run_step

# float32 and float64 as the issue asks; float16 allows a few half-precision roundings more (the README's list of
# differences: numpy rounds each float16 op, PyTorch computes many in float32 and rounds once)
RTOL = {"float32": 1e-5, "float64": 1e-10, "float16": 1e-2}
GRADIENT_STEPS = {"backward", "autograd.backward", "autograd.grad"}
UNDEFINED_VALUES = {"empty", "empty_like"}  # uninitialized memory in PyTorch: only shape, dtype and flags compare


@dataclass
class Mismatch:
    kind: str  # value, grad, nan, signed-zero, dtype, repr, grad_fn, error-text, raises-only-in-torch, ...
    step: int  # the step after which the difference shows
    label: str  # that step's op
    where: str  # the observed expression: "x3", "x0.grad", "x3 (at the end)"
    torch: str
    minigrad: str

    @property
    def cause(self):
        return f"{self.kind}: {self.label}"


def _lib_tensor(lib):
    return lib.Tensor


def observe_value(value, lib):
    """A comparable summary of a value (a nested tuple of plain Python / numpy data)."""
    try:
        return _observe_value(value, lib)
    except Exception as error:  # noqa: BLE001 - observing must not end the run; the text is compared
        return ("unobservable", f"{type(error).__name__}: {error}")


def _observe_value(value, lib):
    if isinstance(value, Failed):
        error = value.error
        return ("skipped",) if error is None else ("error", type(error).__name__, str(error))
    if isinstance(value, _lib_tensor(lib)):
        return observe_tensor(value)
    if isinstance(value, (tuple, list)) and type(value).__name__ not in ("Size",):
        return ("sequence", type(value).__name__ if type(value) in (tuple, list) else "tuple",
                tuple(observe_value(v, lib) for v in value))
    if value is None or isinstance(value, (bool, int, float, str)):
        return ("python", type(value).__name__, value)
    name = type(value).__name__
    if name == "Size":
        return ("python", "Size", tuple(value), repr(value))
    if name in ("dtype", "device") or isinstance(value, lib.nn.Module):
        return ("object", name, repr(value))
    if hasattr(value, "next_functions") and hasattr(value, "name"):  # a grad_fn node
        return ("node", value.name())
    return ("opaque", )  # generators, handles: nothing comparable


def _safe(read):
    """read(), or the text of what it raised: torch refuses to read grad_fn (and is_leaf, and the repr) of a
    view from a multi-output op that was changed in place."""
    try:
        return read()
    except Exception as error:  # noqa: BLE001
        return f"{type(error).__name__}: {error}"


def observe_tensor(t):
    detached = t.detach()
    return ("tensor", {
        "dtype": str(t.dtype), "shape": tuple(t.shape), "requires_grad": t.requires_grad,
        "is_leaf": _safe(lambda: t.is_leaf),
        "grad_fn": _safe(lambda: type(t.grad_fn).__name__ if t.grad_fn is not None else None),
        "values": np.array(detached.numpy(force=True), copy=True), "repr": _safe(lambda: repr(t))})


# PyTorch gives these once per process (TORCH_WARN_ONCE), and minigrad does too; in a run of many programs (and
# of the generator, which runs torch as it builds them) which program sees them is an accident, so they are
# not compared
ONCE_PER_PROCESS = ("Tensor.T is deprecated", "The use of `x.T` on tensors", "Tensor.mT is deprecated",
                    "Converting a tensor with requires_grad=True to a scalar",
                    "Using backward() with create_graph=True will create a reference cycle")


def _plain(warning):
    """A warning without the C++ source location torch appends ("(Triggered internally at ...)")."""
    category, text = warning
    return category, text.split(" (Triggered internally at ")[0]


def _compared(warnings):
    return tuple(sorted({_plain(w) for w in warnings if not w[1].startswith(ONCE_PER_PROCESS)}))


def leaf_grads(values, lib):
    """(index, item, observation of .grad) for leaves that require grad and tensors that retain their grad."""
    found = []
    for i, value in enumerate(values):
        for item, t in _tensors_in(value, lib):
            if t.requires_grad and _safe(lambda t=t: t.is_leaf or t.retains_grad) is True:
                found.append((i, item, observe_value(t.grad, lib) if t.grad is not None else ("python", "NoneType",
                                                                                                None)))
    return found


def _tensors_in(value, lib):
    if isinstance(value, lib.Tensor):
        return [(None, value)]
    if isinstance(value, (tuple, list)) and type(value).__name__ != "Size":
        return [(k, v) for k, v in enumerate(value) if isinstance(v, lib.Tensor)]
    return []


def run(steps, lib, seed):
    """Run the program from a fresh seed; returns the observations: a list of (key, observation)."""
    lib.manual_seed(seed)
    values, record = [], []
    for i, step in enumerate(steps):
        value, caught = run_step(step, lib, values)
        values.append(value)
        observed = observe_value(value, lib)
        if step.kind == "call" and step.name in UNDEFINED_VALUES and observed[0] == "tensor":
            observed = ("tensor", {**observed[1], "values": np.zeros(0), "repr": "(uninitialized)"})
        record.append((("value", i, None), observed))
        record.append((("warnings", i, None), ("warnings", _compared(caught))))
        if step.name in GRADIENT_STEPS and step.kind in ("method", "call") and not isinstance(value, Failed):
            for j, item, grad in leaf_grads(values, lib):
                record.append((("grad", i, (j, item)), grad))
    for i, value in enumerate(values):
        if steps[i].kind == "call" and steps[i].name in UNDEFINED_VALUES:
            continue  # filled in place right after it is made (see generate.py), and observed there
        for item, t in _tensors_in(value, lib):
            record.append((("final", i, item), observe_value(t, lib)))
            if t.requires_grad and _safe(lambda t=t: t.is_leaf) is True and t.grad is not None:
                record.append((("final-grad", i, item), observe_value(t.grad, lib)))
    return record


# ---- comparing ----
# The sign of a zero that a matrix product computes depends on the BLAS kernel (PyTorch's MKL and numpy's
# OpenBLAS add products in different orders), and which of 0. and -0. maximum/minimum/clamp/amax/amin keep on a
# tie depends on whether PyTorch ran the element through its vector or its scalar loop: so the sign of zeros is
# not compared in values that went through one of these (the README's list of differences says so). Nor after abs
# and norm: their backward formulas multiply by sgn(x), whose own derivative PyTorch represents by a zero tensor
# without values that adds nothing, where minigrad adds real zeros (0. + -0. is 0.) in a second backward.
PRODUCTS = {"@", "matmul", "mm", "bmm", "mv", "dot", "nn.functional.linear", "module()", "maximum", "minimum",
            "clamp", "clip", "clamp_", "clip_", "amax", "amin", "max", "min", "abs", "abs_", "norm",
            "nn.functional.l1_loss"}


def through_products(steps):
    """The steps whose values depend on a matrix product (including tensors changed in place with one)."""
    from .program import STATEMENTS
    tainted = set()
    for i, step in enumerate(steps):
        inner = step.args[0] if step.kind == "no_grad" else step
        if inner.label in PRODUCTS or any(ref.step in tainted for ref in step.refs()):
            tainted.add(i)
            if inner.kind in STATEMENTS and isinstance(inner.args[0], Ref):
                tainted.add(inner.args[0].step)
    return tainted


def precision_used(steps, torch_record):
    """For each step, the relative tolerance of the least precise floating dtype its value was computed through:
    a float64 value made from float32 results carries their 1-ulp differences (float32's tolerance applies)."""
    dtypes = {}
    for (kind, i, _), observation in torch_record:
        if kind == "value":
            dtypes[i] = _float_dtypes(observation)
    precision = []
    for i, step in enumerate(steps):
        own = [RTOL[d] for d in dtypes.get(i, ()) if d in RTOL]
        upstream = [precision[ref.step] for ref in step.refs()]
        if step.kind == "attr" and step.name == "grad":  # a .grad was computed by every backward so far
            upstream += precision
        precision.append(max(own + upstream, default=0.0))
    return precision


def written_precision(steps, precision):
    """precision_used for a tensor's final values: also that of every in-place change made to it later."""
    from .program import STATEMENTS
    final = list(precision)
    for i, step in enumerate(steps):
        inner = step.args[0] if step.kind == "no_grad" else step
        writes = inner.kind in STATEMENTS or (inner.kind in ("method", "call") and inner.name.endswith("_"))
        if writes and inner.args and isinstance(inner.args[0], Ref):
            target = inner.args[0].step
            final[target] = max(final[target], precision[i])
    return final


def _float_dtypes(observation):
    if observation[0] == "tensor":
        return (observation[1]["dtype"].removeprefix("torch."),)
    if observation[0] == "sequence":
        return tuple(d for o in observation[2] for d in _float_dtypes(o))
    return ()


def input_magnitudes(steps, torch_record):
    """For each step, the largest finite magnitude among its operands' values: a result that cancels (a sum of
    large terms that is small) carries rounding in proportion to the operands, not to itself."""
    largest = {}
    for (kind, i, _), observation in torch_record:
        if kind == "value":
            largest[i] = _largest(observation)
    return [max((largest.get(ref.step, 0.0) for ref in step.refs()), default=0.0) for step in steps]


def _largest(observation):
    if observation[0] == "tensor":
        values = observation[1]["values"]
        if values.dtype.kind in "fiu" and values.size:
            finite = np.abs(values[np.isfinite(values)]) if values.dtype.kind == "f" else np.abs(values)
            return float(finite.max()) if finite.size else 0.0
    if observation[0] == "sequence":
        return max((_largest(o) for o in observation[2]), default=0.0)
    return 0.0


def gradient_arguments(steps):
    """(step, item) of every tensor passed as the gradient of a backward (`y.backward(g)`, `autograd.backward(y, g)`).
    PyTorch may keep such a tensor, or a view of it, as a leaf's .grad and later accumulate into it, so the caller's
    tensor changes; minigrad always copies (the README's "Where minigrad differs from PyTorch"). Their values at the
    end are not compared (the generator uses them in no later step)."""
    found = set()
    for step in steps:
        if step.kind in ("method", "call") and step.name in ("backward", "autograd.backward"):
            gradient = step.args[1] if len(step.args) > 1 else dict(step.kwargs).get("gradient")
            if isinstance(gradient, Ref):
                found.add((gradient.step, gradient.item))
    return found


def compare(steps, torch_record, minigrad_record, names):
    """The first Mismatch between the two records, or None."""
    mine = dict(minigrad_record)
    given_as_gradient = gradient_arguments(steps)
    operands = input_magnitudes(steps, torch_record)
    tainted = through_products(steps)
    gradient_steps = [i for i, step in enumerate(steps) if step.name in GRADIENT_STEPS]
    any_gradient_tainted = any(i in tainted for i in gradient_steps)
    precision = precision_used(steps, torch_record)
    final_precision = written_precision(steps, precision)
    gradient_precision = max((precision[i] for i in gradient_steps), default=0.0)
    for key, expected in torch_record:
        got = mine.get(key, ("missing",))
        key_kind, i, _ = key
        if key_kind == "final" and (i, key[2]) in given_as_gradient:
            continue
        scale = operands[i] if key_kind in ("value", "final") else 0.0
        if key_kind == "grad":  # a leaf's .grad holds what every backward so far accumulated into it
            earlier = [j for j in gradient_steps if j <= i]
            signs = not any(j in tainted for j in earlier)
            rtol = max(precision[j] for j in earlier)
            # the backward pass sums terms as large as the root's operands: rounding follows those
            scale = max(operands[root.step] for j in earlier for root in steps[j].refs()[:1])
        elif key_kind == "final-grad":
            signs, rtol = not any_gradient_tainted, gradient_precision
            scale = max((operands[root.step] for j in gradient_steps for root in steps[j].refs()[:1]), default=0.0)
        elif key_kind == "final":
            signs, rtol = i not in tainted, final_precision[i]
        else:
            signs, rtol = i not in tainted, precision[i]
        difference = compare_observation(expected, got, key_kind, signs, rtol, scale)
        if difference is None:
            continue
        kind, theirs, ours = difference
        where_kind, i, extra = key
        return Mismatch(kind, i, steps[i].label, _where(key, names, steps), theirs, ours)
    extra = [key for key, _ in minigrad_record if key not in dict(torch_record)]
    if extra:
        key = extra[0]
        return Mismatch("extra-observation", key[1], steps[key[1]].label, _where(key, names, steps), "(nothing)",
                        summary(mine[key]))
    return None


def _where(key, names, steps):
    kind, i, extra = key
    if kind in ("value", "warnings"):
        step = steps[i].args[0] if steps[i].kind == "no_grad" else steps[i]
        if i not in names and step.args and isinstance(step.args[0], Ref):  # a statement: what it changed
            return _name(names, step.args[0].step, step.args[0].item)
        return names.get(i, f"step {i}")
    if kind == "grad":
        j, item = extra
        return _name(names, j, item) + ".grad"
    if kind == "final":
        return _name(names, i, extra) + " (at the end)"
    return _name(names, i, extra) + ".grad (at the end)"


def _name(names, i, item):
    base = names.get(i, f"step {i}")
    return base if item is None else f"{base}[{item}]"


def compare_observation(expected, got, key_kind, signs=True, rtol=0.0, scale=0.0):
    """(kind, torch text, minigrad text) for the first difference, or None; `signs`: compare the signs of zeros;
    `rtol`: the least relative tolerance (of the least precise dtype the value was computed through); `scale`: the
    operands' magnitude, which the absolute tolerance follows."""
    prefix = "grad-" if key_kind in ("grad", "final-grad") else "final-" if key_kind == "final" else ""
    if expected[0] != got[0]:
        if expected[0] == "error":
            return "raises-only-in-torch", summary(expected), summary(got)
        if got[0] == "error":
            return "raises-only-in-minigrad", summary(expected), summary(got)
        return prefix + "kind", summary(expected), summary(got)
    kind = expected[0]
    if kind == "error":
        if expected[1] != got[1]:
            return "error-type", summary(expected), summary(got)
        if expected[2] != got[2]:
            return "error-text", summary(expected), summary(got)
        return None
    if kind == "warnings":
        if expected[1] != got[1]:
            return "warning", summary(expected), summary(got)
        return None
    if kind == "tensor":
        result = compare_tensors(expected[1], got[1], signs, rtol, scale)
        return None if result is None else (prefix + result[0], result[1], result[2])
    if kind == "sequence":
        if expected[1] != got[1] or len(expected[2]) != len(got[2]):
            return prefix + "sequence", summary(expected), summary(got)
        for e, g in zip(expected[2], got[2]):
            result = compare_observation(e, g, key_kind, signs, rtol, scale)
            if result is not None:
                return result
        return None
    if kind == "python":
        if expected[1] != got[1]:
            return prefix + "python-type", summary(expected), summary(got)
        a, b = expected[2], got[2]
        if isinstance(a, float) and isinstance(b, float):
            if math.isnan(a) and math.isnan(b) or a == b or abs(a - b) <= max(1e-5, rtol) * max(1.0, abs(a)):
                return None
        elif a == b and expected[3:] == got[3:]:
            return None
        return prefix + "python-value", summary(expected), summary(got)
    if expected != got:
        return prefix + kind, summary(expected), summary(got)
    return None


def compare_tensors(e, g, signs=True, least_rtol=0.0, operands=0.0):
    for field in ("dtype", "shape"):
        if e[field] != g[field]:
            return field, e["repr"], g["repr"]
    if e["grad_fn"] != g["grad_fn"]:
        return "grad_fn", str(e["grad_fn"]), str(g["grad_fn"])
    if (e["requires_grad"], e["is_leaf"]) != (g["requires_grad"], g["is_leaf"]):
        return "requires_grad", f"requires_grad={e['requires_grad']} is_leaf={e['is_leaf']}", \
            f"requires_grad={g['requires_grad']} is_leaf={g['is_leaf']}"
    a, b = e["values"], g["values"]
    exact = a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    if not exact:
        if a.dtype.kind != "f":
            return "value", e["repr"], g["repr"]
        nan_a, nan_b = np.isnan(a), np.isnan(b)
        if (nan_a != nan_b).any():
            return "nan", e["repr"], g["repr"]
        finite = ~nan_a
        if (np.isinf(a) != np.isinf(b)).any() or (a[np.isinf(a)] != b[np.isinf(a)]).any():
            return "inf", e["repr"], g["repr"]
        ok = finite & ~np.isinf(a)
        x, y = a[ok].astype(np.float64), b[ok].astype(np.float64)
        rtol = max(RTOL.get(e["dtype"].removeprefix("torch."), 1e-5), least_rtol)
        scale = max(1.0, float(np.abs(x).max()) if x.size else 1.0, operands)
        if (np.abs(x - y) > rtol * scale + rtol * np.abs(x)).any():
            return "value", e["repr"], g["repr"]
    if a.dtype.kind == "f":
        zeros = (a == 0) & (b == 0)
        if (np.signbit(a[zeros]) != np.signbit(b[zeros])).any():
            if signs:
                return "signed-zero", e["repr"], g["repr"]
            exact = False  # a zero's sign from a matrix product: compare the reprs with the numbers masked
    if exact:
        if e["repr"] != g["repr"]:
            return "repr", e["repr"], g["repr"]
    elif _masked(e["repr"]) != _masked(g["repr"]):
        return "repr", e["repr"], g["repr"]
    return None


def _masked(text):
    """A repr with its numbers replaced, so that the last-digit rounding of nearly equal values is ignored."""
    import re
    return re.sub(r"\s+", "", re.sub(r"-?\d+\.?\d*(e[+-]\d+)?", "#", text))  # column padding follows the digits


def summary(observation):
    kind = observation[0]
    if kind == "error":
        return f"{observation[1]}: {observation[2]}"
    if kind == "tensor":
        return observation[1]["repr"]
    if kind == "sequence":
        return "(" + ", ".join(summary(o) for o in observation[2]) + ")"
    if kind == "python":
        return repr(observation[2]) if observation[1] != "Size" else observation[3]
    if kind == "warnings":
        return "; ".join(f"{c}: {m}" for c, m in observation[1]) or "(no warning)"
    if kind == "object":
        return observation[2]
    if kind == "node":
        return observation[1]
    return kind
