"""Programs as data: a list of steps over the torch API that runs under torch or minigrad and prints as code.

A step is one call (`torch.zeros(2, 3)`), one method call (`x.sum(dim=1)`), one operator (`x + y`), an index
read or write, an attribute read or write, or a statement such as `x += 1`. Arguments are literals or
`Ref`s to the values of earlier steps. Nothing here is evaluated from text: the same data drives the
interpreter (`execute`) and the printer (`render`).
"""
import math
import operator
import warnings
from dataclasses import dataclass


@dataclass(frozen=True)
class Ref:
    """The value made by step `step` (its element `item` when that step returned a tuple)."""
    step: int
    item: int | None = None


@dataclass(frozen=True)
class DType:
    """`torch.<name>`: a dtype (or any attribute of the library) resolved in the library that runs the step."""
    name: str


@dataclass(frozen=True)
class Step:
    """kind: call | method | binop | unop | getitem | setitem | iop | attr | setattr | invoke | no_grad."""
    kind: str
    name: str
    args: tuple = ()
    kwargs: tuple = ()  # (key, value) pairs, so that a step is hashable

    def refs(self):
        found = []
        _collect_refs((self.args, tuple(v for _, v in self.kwargs)), found)
        return found

    @property
    def label(self):
        """What the step does, for grouping mismatches by cause: `sum`, `nn.functional.relu`, `+`, `[]=`."""
        if self.kind == "no_grad":
            return "no_grad:" + self.args[0].label
        if self.kind == "getitem":
            return "[]"
        if self.kind == "setitem":
            return "[]="
        if self.kind == "attr":
            return "." + self.name
        if self.kind == "setattr":
            return "." + self.name + "="
        if self.kind == "invoke":
            return "module()"
        return self.name


def _collect_refs(value, found):
    if isinstance(value, Ref):
        found.append(value)
    elif isinstance(value, (tuple, list)):
        for v in value:
            _collect_refs(v, found)
    elif isinstance(value, slice):
        _collect_refs((value.start, value.stop, value.step), found)
    elif isinstance(value, Step):
        found.extend(value.refs())


class Failed:
    """The value of a step that raised: later steps that use it are skipped."""

    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


class SkippedError(Exception):
    """A step used the value of a step that raised."""


BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow,
          "@": operator.matmul, "//": operator.floordiv, "%": operator.mod, "<": operator.lt, "<=": operator.le,
          ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne, "&": operator.and_,
          "|": operator.or_, "^": operator.xor}
INPLACE = {"+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv}
UNARY = {"-": operator.neg, "~": operator.invert, "abs": abs, "float": float, "int": int, "bool": bool, "len": len}
STATEMENTS = ("setitem", "iop", "setattr")  # steps that change a value rather than make one


def resolve(arg, lib, values):
    if isinstance(arg, Ref):
        value = values[arg.step]
        if isinstance(value, Failed) or value is None and arg.item is not None:
            raise SkippedError
        return value if arg.item is None else value[arg.item]
    if isinstance(arg, DType):
        target = lib
        for part in arg.name.split("."):
            target = getattr(target, part)
        return target
    if isinstance(arg, list):
        return [resolve(a, lib, values) for a in arg]
    if isinstance(arg, tuple):
        return tuple(resolve(a, lib, values) for a in arg)
    if isinstance(arg, slice):
        return slice(resolve(arg.start, lib, values), resolve(arg.stop, lib, values), resolve(arg.step, lib, values))
    return arg


def execute(step, lib, values):
    """Run one step under `lib`; returns its value (raises what the library raises, or SkippedError)."""
    args = resolve(step.args, lib, values) if step.kind != "no_grad" else step.args
    kwargs = {k: resolve(v, lib, values) for k, v in step.kwargs}
    kind = step.kind
    if kind == "call":
        return resolve(DType(step.name), lib, values)(*args, **kwargs)
    if kind == "method":
        return getattr(args[0], step.name)(*args[1:], **kwargs)
    if kind == "binop":
        return BINARY[step.name](*args)
    if kind == "unop":
        return UNARY[step.name](args[0])
    if kind == "getitem":
        return args[0][args[1]]
    if kind == "setitem":
        args[0][args[1]] = args[2]
        return args[0]
    if kind == "iop":
        return INPLACE[step.name](args[0], args[1])
    if kind == "attr":
        return getattr(args[0], step.name)
    if kind == "setattr":
        setattr(args[0], step.name, args[1])
        return args[0]
    if kind == "invoke":
        return args[0](*args[1:], **kwargs)
    if kind == "no_grad":
        with lib.no_grad():
            return execute(step.args[0], lib, values)
    raise ValueError(f"unknown step kind {kind}")


def run_step(step, lib, values):
    """execute() with the outcome captured: (value or Failed, warnings as (category, text) pairs)."""
    with warnings.catch_warnings(record=True) as caught:
        try:
            value = execute(step, lib, values)
        except SkippedError:
            value = Failed(None)
        except Exception as error:  # noqa: BLE001 - any exception is an observation to compare
            value = Failed(error)
    return value, [(w.category.__name__, str(w.message)) for w in caught]


# ---- printing a program as Python code ----
def names_for(steps):
    """A variable name for every step that makes a value: x0, x1, ... in order."""
    names, count = {}, 0
    for i, step in enumerate(steps):
        inner = step.args[0] if step.kind == "no_grad" else step
        if inner.kind in STATEMENTS or (inner.kind == "method" and inner.name == "backward"):
            continue
        names[i] = f"x{count}"
        count += 1
    return names


def render_value(value, names, in_index=False):
    if isinstance(value, Ref):
        base = names.get(value.step, f"<step {value.step}>")
        return base if value.item is None else f"{base}[{value.item}]"
    if isinstance(value, DType):
        return "torch." + value.name
    if isinstance(value, float):
        if math.isnan(value):
            return "float('nan')"
        if math.isinf(value):
            return "float('inf')" if value > 0 else "-float('inf')"
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(render_value(v, names) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(render_value(v, names, in_index) for v in value)
        if in_index:  # x[0,] indexes with a 1-tuple, which PyTorch treats differently from x[0]
            return inner + ("," if len(value) == 1 else "") if value else "()"
        return "(" + inner + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, slice):
        parts = ["" if p is None else render_value(p, names) for p in (value.start, value.stop, value.step)]
        text = ":".join(parts[:2]) + (":" + parts[2] if value.step is not None else "")
        return text if in_index else f"slice({', '.join(p or 'None' for p in parts)})"
    if value is Ellipsis:
        return "..." if in_index else "Ellipsis"
    return repr(value)


def render_args(args, kwargs, names):
    parts = [render_value(a, names) for a in args] + [f"{k}={render_value(v, names)}" for k, v in kwargs]
    return ", ".join(parts)


def render_expression(step, names):
    kind, r = step.kind, (lambda v: render_value(v, names))
    if kind == "call":
        return f"torch.{step.name}({render_args(step.args, step.kwargs, names)})"
    if kind == "method":
        return f"{r(step.args[0])}.{step.name}({render_args(step.args[1:], step.kwargs, names)})"
    if kind == "binop":
        return f"{r(step.args[0])} {step.name} {r(step.args[1])}"
    if kind == "unop":
        return f"-{r(step.args[0])}" if step.name in "-~" else f"{step.name}({r(step.args[0])})"
    if kind == "getitem":
        return f"{r(step.args[0])}[{render_value(step.args[1], names, in_index=True)}]"
    if kind == "setitem":
        return f"{r(step.args[0])}[{render_value(step.args[1], names, in_index=True)}] = {r(step.args[2])}"
    if kind == "iop":
        return f"{r(step.args[0])} {step.name} {r(step.args[1])}"
    if kind == "attr":
        return f"{r(step.args[0])}.{step.name}"
    if kind == "setattr":
        return f"{r(step.args[0])}.{step.name} = {r(step.args[1])}"
    if kind == "invoke":
        return f"{r(step.args[0])}({render_args(step.args[1:], step.kwargs, names)})"
    raise ValueError(kind)


def render_step(step, index, names):
    if step.kind == "no_grad":
        inner = render_step(step.args[0], index, names)
        return "with torch.no_grad():\n    " + inner
    text = render_expression(step, names)
    return f"{names[index]} = {text}" if index in names else text


def render(steps, seed=None):
    names = names_for(steps)
    lines = ["import torch  # or: import minigrad as torch"]
    if seed is not None:
        lines.append(f"torch.manual_seed({seed})")
    lines.extend(render_step(step, i, names) for i, step in enumerate(steps))
    return "\n".join(lines)


def without(steps, removed):
    """The program with the steps in `removed` dropped, and every step that used one of them; Refs renumbered."""
    removed = set(removed)
    keep, new_index = [], {}
    for i, step in enumerate(steps):
        if i in removed or any(ref.step in removed or ref.step not in new_index for ref in step.refs()):
            removed.add(i)
            continue
        new_index[i] = len(keep)
        keep.append(step)
    return [_renumber(step, new_index) for step in keep]


def _renumber(value, new_index):
    if isinstance(value, Ref):
        return Ref(new_index[value.step], value.item)
    if isinstance(value, Step):
        return Step(value.kind, value.name, _renumber(value.args, new_index),
                    tuple((k, _renumber(v, new_index)) for k, v in value.kwargs))
    if isinstance(value, list):
        return [_renumber(v, new_index) for v in value]
    if isinstance(value, tuple):
        return tuple(_renumber(v, new_index) for v in value)
    if isinstance(value, slice):
        return slice(*(_renumber(p, new_index) for p in (value.start, value.stop, value.step)))
    return value
