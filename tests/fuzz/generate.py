"""Random programs over the torch API.

The generator builds a program step by step and runs each new step under torch as it goes (the "shadow"
run), so it knows the shape, dtype and grad state of every value it can pick next. A step torch rejects is
kept now and then (the program then also compares the error type and text) and dropped otherwise, so the
catalogue below can propose arguments loosely (a dim out of range, shapes that do not broadcast) and both
valid programs and error cases come out of it.
"""
import numpy as np

from .program import STATEMENTS, DType, Failed, Ref, Step, run_step

NICE = (0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 1.5, -1.5, 3.0, 0.25, -3.0, 0.75, -0.25)
SPECIAL = (float("nan"), float("inf"), -float("inf"), -0.0, 1e-8, 1e4, -1e4)
FLOAT_DTYPES = ("float32", "float64")

UNARY = ("neg exp log log1p sin cos tan tanh sigmoid relu abs sqrt rsqrt reciprocal sign square floor round isnan "
         "isinf isfinite clone detach contiguous float double long int bool all any").split()
TORCH_UNARY = ("neg exp log log1p sin cos tan tanh sigmoid relu abs sqrt rsqrt reciprocal sign square floor round "
               "isnan isinf isfinite clone detach").split()
INPLACE_UNARY = "neg_ exp_ log_ sin_ cos_ tanh_ sigmoid_ abs_ sqrt_ relu_ zero_ reciprocal_ floor_ round_".split()
TORCH_INPLACE = "sin_ cos_ exp_ log_ tanh_ sigmoid_ relu_ sqrt_ abs_ neg_ zero_".split()
BINOPS = "+ - * / ** // % < <= > >= == != & | ^".split()
BINARY_METHODS = "add sub mul div maximum minimum eq ne gt lt ge le pow logaddexp".split()
BINARY_FUNCTIONS = "add sub mul div maximum minimum pow logaddexp".split()
REDUCTIONS = "sum mean prod max min amax amin argmax argmin norm var std logsumexp softmax log_softmax cumsum".split()
PROBES = []  # filled below: fixed programs for errors and tutorial idioms


class ProgramFullError(Exception):
    """The program has all its steps."""


class NoValueError(Exception):
    """A value the current catalogue entry needs could not be made (torch refused it): try another entry."""


class Builder:
    """A program under construction and its shadow run under torch."""

    def __init__(self, rng, torch, seed, max_steps):
        self.rng, self.torch, self.seed = rng, torch, seed
        self.steps, self.values = [], []
        self.max_steps = max_steps
        self.specials = rng.random() < 0.15  # nan, inf, -0. and tiny/huge numbers in this program's data
        # tensors passed as the gradient of a backward: PyTorch may keep one (or a view of it) as a leaf's .grad and
        # accumulate into it, minigrad copies (README, "Where minigrad differs"); later steps do not use them
        self.gradients = set()
        torch.manual_seed(seed)

    # ---- adding steps ----
    def add(self, kind, name, *args, keep_error=0.15, **kwargs):
        """Append a step if torch runs it (or, now and then, if torch raises); its Ref, or None."""
        step = Step(kind, name, tuple(args), tuple(kwargs.items()))
        return self.add_step(step, keep_error)

    def add_step(self, step, keep_error=0.15):
        if len(self.steps) >= self.max_steps:
            raise ProgramFullError
        value, _ = run_step(step, self.torch, self.values)
        if isinstance(value, Failed):
            if value.error is None or self.rng.random() >= keep_error:
                return None
        self.steps.append(step)
        self.values.append(value)
        return None if isinstance(value, Failed) else Ref(len(self.steps) - 1)

    def call(self, name, *args, **kwargs):
        return self.add("call", name, *args, **kwargs)

    def method(self, name, *args, **kwargs):
        return self.add("method", name, *args, **kwargs)

    def need(self, *refs):
        """Stop this catalogue entry when a value it needs was not made."""
        if any(r is None for r in refs):
            raise NoValueError
        return refs[0] if len(refs) == 1 else refs

    def value(self, ref):
        self.need(ref)
        value = self.values[ref.step]
        return value if ref.item is None else value[ref.item]

    # ---- choosing ----
    def chance(self, p):
        return self.rng.random() < p

    def choice(self, options):
        return options[int(self.rng.integers(len(options)))]

    def tensors(self, where=None):
        found = []
        for i, value in enumerate(self.values):
            step = self.steps[i].args[0] if self.steps[i].kind == "no_grad" else self.steps[i]
            if step.kind in STATEMENTS:
                continue  # its value is the tensor it changed, which the pool has already
            if isinstance(value, self.torch.Tensor):
                found.append(Ref(i))
            elif isinstance(value, (tuple, list)) and not isinstance(value, self.torch.Size):
                found.extend(Ref(i, k) for k, v in enumerate(value) if isinstance(v, self.torch.Tensor))
        if self.gradients:
            found = [r for r in found if r not in self.gradients]
        if where is not None:
            found = [r for r in found if _holds(where, self.value(r))]
        return found

    def pick(self, where=None, make=True):
        """An existing tensor (recent ones more often), or a new leaf when none fits."""
        found = self.tensors(where)
        if found:
            if self.chance(0.6):
                return found[-1 - int(self.rng.integers(min(3, len(found))))]
            return self.choice(found)
        return self.need(self.leaf()) if make else None

    def pick_float(self):
        return self.pick(lambda t: t.is_floating_point())

    # ---- data ----
    def shape(self, max_ndim=3):
        ndim = self.choice(tuple(n for n in (0, 1, 1, 2, 2, 2, 3) if n <= max_ndim))
        if self.chance(0.03):
            return tuple(int(self.rng.integers(0, 3)) for _ in range(max(ndim, 1)))  # an empty tensor
        return tuple(1 if self.chance(0.25) else int(self.rng.integers(2, 5)) for _ in range(ndim))

    def number(self, kind="f"):
        if kind == "b":
            return bool(self.rng.integers(2))
        if kind in "iu":
            return int(self.rng.integers(-3, 5))
        if self.specials and self.chance(0.12):
            return self.choice(SPECIAL)
        if self.chance(0.7):
            return self.choice(NICE)
        return round(float(self.rng.uniform(-3, 3)), 2)

    def data(self, shape, kind="f"):
        if not shape:
            return self.number(kind)
        return [self.data(shape[1:], kind) for _ in range(shape[0])]

    def dtype(self):
        return self.choice(("float32",) * 14 + ("float64",) * 3 + ("int64",) * 2 + ("bool", "int32", "float16"))

    def leaf(self, shape=None, dtype=None, requires_grad=None):
        shape = self.shape() if shape is None else shape
        dtype = self.dtype() if dtype is None else dtype
        kind = "b" if dtype == "bool" else "i" if dtype.startswith("int") else "f"
        if requires_grad is None:
            requires_grad = kind == "f" and self.chance(0.7)
        if kind == "f" and dtype != "float16" and self.chance(0.12) and shape and 0 not in shape:  # seeded random
            name = self.choice(("randn", "rand"))
            kwargs = {"requires_grad": True} if requires_grad else {}
            if dtype != "float32":
                kwargs["dtype"] = DType(dtype)
            return self.call(name, *shape, keep_error=0, **kwargs)
        kwargs = {}
        inferred = {"f": "float32", "i": "int64", "b": "bool"}[kind]
        if dtype != inferred or self.chance(0.1):
            kwargs["dtype"] = DType(dtype)
        if requires_grad:
            kwargs["requires_grad"] = True
        data = self.data(shape, kind)
        if "dtype" in kwargs and not isinstance(data, list) and self.chance(0.5) and float(data).is_integer():
            data = int(data)  # torch.tensor(2, dtype=torch.float64)
        return self.call("tensor", data, keep_error=0, **kwargs)

    def partner_shape(self, shape):
        """A shape that broadcasts with `shape` (0-d, fewer dims, size-1 dims, a new leading dim), rarely not."""
        if self.chance(0.12):
            return ()
        out = list(shape[int(self.rng.integers(0, len(shape) + 1)):]) if self.chance(0.35) else list(shape)
        out = [1 if self.chance(0.25) else d for d in out]
        if self.chance(0.12):
            out.insert(0, int(self.rng.integers(1, 4)))
        if out and self.chance(0.04):
            out[int(self.rng.integers(len(out)))] += 1
        return tuple(out)

    def operand(self, t, number_ok=True):
        """A second operand for a binary op with tensor t: an existing tensor, a new leaf or a number."""
        r = self.rng.random()
        if number_ok and r < 0.3:
            kind = self.choice(("f", "f", "f", "i", "i", "b")) if t.dtype.is_floating_point else \
                self.choice(("f", "i", "i", "b"))
            return self.number(kind)
        if r < 0.55:
            shapes_ok = self.tensors(lambda u: _broadcasts(u.shape, t.shape))
            if shapes_ok:
                return self.choice(shapes_ok)
        dtype = str(t.dtype).removeprefix("torch.") if self.chance(0.75) else self.dtype()
        return self.leaf(self.partner_shape(tuple(t.shape)), dtype)

    def dim(self, ndim, out_of_range=0.04):
        if self.chance(out_of_range):
            return self.choice((ndim, -ndim - 1, ndim + 1))
        n = max(ndim, 1)
        return int(self.rng.integers(-n, n))


def _holds(where, t):
    try:
        return bool(where(t))
    except RuntimeError:  # e.g. reading grad_fn of a multi-output view changed in place: torch raises
        return False


def _broadcasts(a, b):
    for x, y in zip(reversed(a), reversed(b)):
        if x != y and x != 1 and y != 1:
            return False
    return True


# ---- the catalogue: each entry adds one or a few steps ----
def gen_leaf(b):
    b.leaf()


def gen_creation(b):
    shape = b.shape()
    r = b.rng.random()
    kwargs = {}
    if b.chance(0.3):
        kwargs["dtype"] = DType(b.dtype())
    if b.chance(0.3) and "dtype" not in kwargs:
        kwargs["requires_grad"] = True
    if r < 0.2:  # zeros(2, 3) or zeros((2, 3)); a 0-d one as zeros(()) (PyTorch refuses zeros())
        b.call(b.choice(("zeros", "ones")), *shape, **kwargs) if shape and b.chance(0.7) else \
            b.call(b.choice(("zeros", "ones")), shape, **kwargs)
    elif r < 0.3:
        b.call("full", shape, b.number(b.choice("ffib")), **kwargs)
    elif r < 0.45:
        start, end = b.choice((0, 1, -2, 0.5, -1.5, 3)), b.choice((5, 4, 2.5, -3, 7, 1))
        step = b.choice((1, 1, 2, 0.5, -1, 0.3, 0))
        b.call("arange", *((end,) if b.chance(0.3) else (start, end) if b.chance(0.5) else (start, end, step)),
               **kwargs)
    elif r < 0.6:
        b.call("linspace", b.choice((-2, 0, -1.0, 0.1, -3)), b.choice((2, 1, 3.0, 0.7, 5)),
               b.choice((1, 2, 3, 4, 5, 7, 10, 0)), **kwargs)
    elif r < 0.68:
        n = int(b.rng.integers(1, 4))
        b.call("eye", n, *((int(b.rng.integers(1, 4)),) if b.chance(0.4) else ()), **kwargs)
    elif r < 0.82:
        like = b.pick()
        name = b.choice(("zeros_like", "ones_like", "full_like", "rand_like", "randn_like", "empty_like", "empty"))
        numel, half = b.value(like).numel(), "dtype" in kwargs and kwargs["dtype"].name == "float16" or \
            "dtype" not in kwargs and b.value(like).dtype == b.torch.float16
        if name == "randn_like" and half and numel > 16 and numel % 16:
            name = "zeros_like"  # float16 randn of such sizes differs in its last 16 values (the findings' list)
        if name == "full_like":
            b.call(name, like, b.number(), **kwargs)
        elif name.startswith("empty"):  # uninitialized values: filled in place before anything reads them
            kwargs.pop("requires_grad", None)
            empty = b.call(name, like, **kwargs) if name == "empty_like" else b.call(name, shape, **kwargs)
            if empty is not None:
                b.method("fill_", empty, b.number("f" if b.value(empty).is_floating_point() else "i"), keep_error=0)
        else:
            b.call(name, like, **kwargs)
    elif r < 0.9:
        b.call(b.choice(("FloatTensor", "DoubleTensor", "LongTensor")), b.data(shape or (2,), b.choice("fi")))
    else:
        b.call(b.choice(("randint",)), int(b.rng.integers(1, 6)), shape, **{k: v for k, v in kwargs.items()
                                                                              if k == "dtype"})


def gen_unary(b):
    x = b.pick() if b.chance(0.2) else b.pick_float()
    t = b.value(x)
    r = b.rng.random()
    if r < 0.65:
        name = b.choice(UNARY)
        if name == "all" or name == "any":
            b.method(name, x)
        else:
            b.method(name, x)
    elif r < 0.85:
        b.call(b.choice(TORCH_UNARY), x)
    elif r < 0.95:
        b.add("unop", "-" if t.dtype != b.torch.bool else "~", x) if b.chance(0.7) else b.add("unop", "abs", x)
    else:
        if t.ndim <= 2:
            b.method("t", x)
        else:
            b.add("attr", b.choice(("T", "mT")), x)


def gen_pow(b):
    x = b.pick() if b.chance(0.15) else b.pick_float()
    t = b.value(x)
    e = b.choice((2, 3, 2, 0.5, -1, 0, 1, 2.0, 3.0, -2, 1.5, -0.5, 4, 3))
    r = b.rng.random()
    if r < 0.45:
        b.add("binop", "**", x, e)
    elif r < 0.55:
        b.method("pow", x, e)
    elif r < 0.62:
        b.call("pow", x, e)
    elif r < 0.7:
        b.method("square", x)
    elif r < 0.8:
        b.add("binop", "**", b.choice((2, 2.0, 0.5, 3, -2.0, 0, 1)), x)
    else:
        b.add("binop", "**", x, b.operand(t, number_ok=False))


def gen_clamp(b):
    x = b.pick() if b.chance(0.1) else b.pick_float()
    t = b.value(x)
    lo, hi = b.choice((0, -1.0, 0.5, -0.5, 0.0, 1)), b.choice((1.0, 2, 0.5, 0, 1.5))
    if b.chance(0.25):  # clamp_min / clamp_max: a number or a tensor bound
        name = b.choice(("clamp_min", "clamp_max"))
        bound = b.choice((lo, hi)) if b.chance(0.6) else b.need(b.leaf(b.partner_shape(tuple(t.shape)), "float32"))
        b.method(name, x, bound) if b.chance(0.7) else b.call(name, x, bound)
        return
    r = b.rng.random()
    name = b.choice(("clamp", "clamp", "clip"))
    if r < 0.35:
        b.method(name, x, min=lo)
    elif r < 0.55:
        b.method(name, x, max=hi)
    elif r < 0.75:
        b.method(name, x, lo, hi)
    elif r < 0.85:
        b.call(name, x, min=lo) if b.chance(0.5) else b.call(name, x, lo, hi)
    elif r < 0.95:
        b.method(name, x, min=b.need(b.leaf(b.partner_shape(tuple(t.shape)), "float32")))
    else:
        b.method(name, x)


def gen_binary(b):
    x = b.pick() if b.chance(0.3) else b.pick_float()
    t = b.value(x)
    y = b.operand(t)
    if y is None:
        return
    r = b.rng.random()
    if r < 0.55:
        op = b.choice(BINOPS[:6] * 3 + BINOPS)
        if not isinstance(y, Ref) and b.chance(0.35):
            if op != "**" or not _large_exponent(b, x):
                b.add("binop", op, y, x)  # 2 - x: the number on the left
        elif op != "**" or not _large_exponent(b, y):
            b.add("binop", op, x, y)
    elif r < 0.75:
        name = b.choice(BINARY_METHODS)
        if name in ("add", "sub") and b.chance(0.3):
            b.method(name, x, y, alpha=b.choice((2, 0.5, -1)))
        elif name != "pow" or not _large_exponent(b, y):
            b.method(name, x, y)
    elif r < 0.9:
        name = b.choice(BINARY_FUNCTIONS)
        if name != "pow" or not _large_exponent(b, y):
            b.call(name, x, y)
    else:
        cond = b.tensors(lambda u: u.dtype == b.torch.bool and _broadcasts(u.shape, t.shape))
        if cond:
            b.call("where", b.choice(cond), x, y)
        else:
            mask = b.add("binop", b.choice((">", "<", ">=")), x, b.choice((0, 0.5, 0.0)))
            if mask is not None:
                b.call("where", mask, x, y) if b.chance(0.7) else b.method("where", x, mask, y)


def _large_exponent(b, exponent):
    """An exponent above 8 in size multiplies the relative error of its base by as much: the documented 1-ulp
    difference of a transcendental function (tanh(x) ** 10000) then exceeds float32's tolerance. Not generated."""
    values = b.value(exponent) if isinstance(exponent, Ref) else b.torch.tensor(exponent)
    if values.dtype == b.torch.bool:
        return False
    finite = values[values.isfinite()] if values.is_floating_point() else values
    return finite.numel() > 0 and bool((finite.abs() > 8).any())


def gen_misc_binary(b):
    x = b.pick_float()
    t = b.value(x)
    r = b.rng.random()
    if r < 0.4:
        y = b.operand(t, number_ok=False)
        if y is not None:
            b.call("lerp", x, y, b.choice((0.5, 0.25, 2.0)))
    elif r < 0.7:
        y = b.pick(lambda u: u.ndim == 1 and u.is_floating_point()) if b.chance(0.5) else b.leaf((3,), "float32")
        if t.ndim == 1 and y is not None:
            b.call("outer", x, y)
        else:
            b.call("outer", b.need(b.leaf((int(b.rng.integers(1, 4)),), "float32")), b.need(y))
    else:
        b.method(b.choice(("allclose", "equal")), x, b.need(b.operand(t, number_ok=False)))


def gen_reduction(b):
    x = b.pick() if b.chance(0.15) else b.pick_float()
    t = b.value(x)
    name = b.choice(REDUCTIONS)
    form = b.rng.random()
    kwargs = {}
    if name in ("softmax", "log_softmax", "cumsum"):
        args = (b.dim(t.ndim),)
    elif name == "logsumexp":
        args = (b.dim(t.ndim) if b.chance(0.8) else tuple(sorted({b.dim(t.ndim) for _ in range(2)})),)
    elif form < 0.35:
        args = ()
    else:
        dim = b.dim(t.ndim)
        if name in ("sum", "mean", "amax", "amin", "var", "std", "norm") and t.ndim >= 2 and b.chance(0.25):
            dim = tuple(sorted({b.dim(t.ndim) % t.ndim, b.dim(t.ndim) % t.ndim}))
        args = ()
        kwargs["dim"] = dim
        if b.chance(0.5):
            kwargs["keepdim"] = b.chance(0.5)
    if name in ("var", "std") and b.chance(0.4):
        kwargs.update(b.choice(({"unbiased": False}, {"correction": 0}, {"unbiased": True}, {"correction": 2})))
    if name == "norm" and b.chance(0.5):
        args = (b.choice((1, 2, 3, float("inf"), "fro", 0.5)),) + args
    if b.chance(0.2) and name not in ("softmax", "log_softmax"):
        b.call(name, x, *args, **kwargs)
    else:
        b.method(name, x, *args, **kwargs)


def gen_shape(b):
    x = b.pick()
    t = b.value(x)
    shape, ndim = tuple(t.shape), t.ndim
    r = b.choice(("reshape", "view", "flatten", "transpose", "permute", "squeeze", "unsqueeze", "expand", "repeat",
                  "narrow", "select", "split", "chunk", "unbind", "masked_fill", "T", "contiguous", "view_as",
                  "cat", "stack", "diag"))
    if r == "diag":  # a vector's diagonal matrix, a matrix's diagonal (other ranks: PyTorch's error)
        offset = b.choice((0, 0, 1, -1, 2))
        b.method("diag", x, offset) if b.chance(0.6) else b.call("diag", x, offset)
        return
    if r in ("reshape", "view"):
        options = [(-1,), tuple(reversed(shape)), (1,) + shape, shape + (1,)]
        if shape and shape[-1] % 2 == 0 and shape[-1] > 0:
            options.append(shape[:-1] + (2, -1))
        if b.chance(0.06):
            options.append((5, -1) if t.numel() % 5 else (-1, -1))
        b.method(r, x, *b.choice(options)) if b.chance(0.7) else b.method(r, x, b.choice(options))
    elif r == "flatten":
        b.method("flatten", x, *((b.dim(ndim),) if b.chance(0.4) else ()))
    elif r == "transpose":
        b.method(b.choice(("transpose", "transpose", "swapaxes")), x, b.dim(ndim), b.dim(ndim))
    elif r == "permute":
        perm = [int(p) for p in b.rng.permutation(ndim)]
        if b.chance(0.06) and perm:
            perm = perm[:-1] if b.chance(0.5) else perm + [0]
        b.method("permute", x, *perm) if b.chance(0.7) else b.method("permute", x, perm)
    elif r == "squeeze":
        b.method("squeeze", x, *((b.dim(ndim),) if b.chance(0.6) else ()))
    elif r == "unsqueeze":
        b.method("unsqueeze", x, b.dim(ndim + 1))
    elif r == "expand":
        target = [d if d != 1 or not b.chance(0.6) else int(b.rng.integers(2, 4)) for d in shape]
        if b.chance(0.3):
            target = [int(b.rng.integers(1, 3))] + target
        if b.chance(0.2) and target:
            target[-1] = -1
        if b.chance(0.05) and target:
            target[-1] = 5
        b.method("expand", x, *target)
    elif r == "repeat":
        reps = [int(b.rng.integers(1, 3)) for _ in range(ndim + int(b.chance(0.3)))]
        b.method("repeat", x, *reps)
    elif r == "narrow" and ndim:
        d = b.dim(ndim)
        size = shape[d % ndim] if -ndim <= d < ndim else 1
        start = int(b.rng.integers(0, max(size, 1)))
        b.method("narrow", x, d, start, int(b.rng.integers(0, size - start + 1)) if size else 0)
    elif r == "select" and ndim:
        d = b.dim(ndim)
        size = shape[d % ndim] if -ndim <= d < ndim else 1
        b.method("select", x, d, int(b.rng.integers(-size, size + 1)) if size else 0)
    elif r in ("split", "chunk") and ndim:
        d = b.dim(ndim)
        if r == "split" and b.chance(0.3):
            size = shape[d % ndim] if -ndim <= d < ndim else 1
            parts = [1] * size if size else []
            b.method("split", x, parts, d)
        else:
            b.method(r, x, int(b.rng.integers(1, 4)), d)
    elif r == "unbind" and ndim:
        b.method("unbind", x, b.dim(ndim)) if b.chance(0.7) else b.call("unbind", x)
    elif r == "masked_fill":
        mask = b.tensors(lambda u: u.dtype == b.torch.bool and _broadcasts(u.shape, shape))
        mask = b.choice(mask) if mask else b.add("binop", ">", x, 0)
        if mask is not None:
            b.method("masked_fill", x, mask, b.number("f" if t.is_floating_point() else "i"))
    elif r == "T":
        b.add("attr", b.choice(("T", "mT")) if ndim >= 2 else "T", x)
    elif r == "contiguous":
        b.method(b.choice(("contiguous", "clone", "is_contiguous")), x)
    elif r == "view_as":
        other = b.pick(lambda u: u.numel() == t.numel() and u is not t)
        b.need(other)
        b.method(b.choice(("view_as", "reshape_as")), x, other)
    elif r in ("cat", "stack"):
        others = b.tensors(lambda u: u.ndim == ndim and u.dtype == t.dtype and (
            u.shape == t.shape or r == "cat" and u.shape[1:] == t.shape[1:]))
        pieces = [x] + [b.choice(others) for _ in range(int(b.rng.integers(0, 3)))] if others else [x, x]
        dim = b.dim(ndim + (r == "stack")) if b.chance(0.5) else 0
        b.call(r, pieces, dim) if b.chance(0.5) else b.call(r, pieces, dim=dim)


def index_key(b, t):
    shape, ndim = tuple(t.shape), t.ndim
    mode = b.rng.random()
    if mode < 0.12 and ndim:
        others = b.tensors(lambda u: u.dtype == b.torch.bool and tuple(u.shape) == shape[:u.ndim] and u.ndim)
        if others:
            return b.choice(others)
    if mode < 0.25 and ndim:
        n = shape[0]
        picks = [int(i) for i in b.rng.integers(-n, n, size=int(b.rng.integers(1, 4)))] if n else []
        if b.chance(0.5):
            ref = b.call("tensor", picks, keep_error=0)
            return ref if b.chance(0.6) else (slice(None), ref) if ndim > 1 else ref
        return picks
    parts, dims_used = [], 0
    if b.chance(0.15):
        parts.append(Ellipsis)
    count = int(b.rng.integers(1, ndim + 2))
    for _ in range(count):
        r = b.rng.random()
        size = shape[dims_used] if dims_used < ndim else 1
        if r < 0.15:
            parts.append(None)
            continue
        if dims_used >= ndim and not b.chance(0.05):
            break
        if r < 0.5:
            parts.append(int(b.rng.integers(-size, size)) if size and not b.chance(0.03) else size)
        else:
            start = b.choice((None, 0, 1, -1, -2))
            stop = b.choice((None, None, 2, -1, 3, size))
            step = b.choice((None, None, None, 2))
            parts.append(slice(start, stop, step))
        dims_used += 1
    if not parts:
        parts = [Ellipsis]
    return parts[0] if len(parts) == 1 and b.chance(0.6) else tuple(parts)


def gen_index(b):
    x = b.pick()
    key = index_key(b, b.value(x))
    b.add("getitem", "[]", x, key)


def writable(b):
    """A tensor to change in place: a non-leaf, a view, a leaf without grad or (rarely: an error) a leaf with it."""
    r = b.rng.random()
    if r < 0.45:
        found = b.tensors(lambda u: u.grad_fn is not None)
        if found:
            return b.choice(found)
    if r < 0.7:
        found = b.tensors(lambda u: u._base is not None)
        if found:
            return b.choice(found)
    if r < 0.92:
        found = b.tensors(lambda u: not u.requires_grad)
        if found:
            return b.choice(found)
    return b.pick()


def gen_setitem(b):
    x = writable(b)
    t = b.value(x)
    key = index_key(b, t)
    try:
        target = tuple(t[_resolve_key(b, key)].shape)
    except Exception:  # noqa: BLE001 - a bad key: the step becomes an error case
        target = ()
    if b.chance(0.4):
        value = b.number("f" if t.is_floating_point() else "i")
    else:
        value = b.pick(lambda u: tuple(u.shape) == target and u.dtype == t.dtype and u is not t, make=False)
        if value is None or b.chance(0.5):
            value = b.leaf(b.partner_shape(target), str(t.dtype).removeprefix("torch."))
    if value is not None:
        if isinstance(key, Ref) and isinstance(value, Ref) and b.chance(0.3):  # the same write as index_put_
            b.method("index_put_", x, (key,), value, **({"accumulate": True} if b.chance(0.4) else {}))
            return
        b.add("setitem", "[]=", x, key, value)


def _resolve_key(b, key):
    from .program import resolve
    return resolve(key, b.torch, b.values)


def gen_inplace(b):
    x = writable(b)
    t = b.value(x)
    r = b.rng.random()
    if r < 0.35:
        name = b.choice(("add_", "sub_", "mul_", "div_", "mul_", "add_"))
        y = b.operand(t)
        if y is not None:
            b.method(name, x, y) if not (name in ("add_", "sub_") and b.chance(0.2)) else \
                b.method(name, x, y, alpha=2)
    elif r < 0.55:
        b.method(b.choice(INPLACE_UNARY), x)
    elif r < 0.62:
        b.call(b.choice(TORCH_INPLACE), x)
    elif r < 0.7:
        b.method(b.choice(("clamp_", "clamp_", "pow_", "fill_", "clamp_min_", "clamp_max_")), x,
                 b.choice((0, 0.5, 2, 1.0)))
    elif r < 0.78:
        src = b.operand(t, number_ok=False)
        if src is not None:
            b.method("copy_", x, src)
    elif r < 0.92:
        y = b.operand(t)
        if y is not None:
            b.add("iop", b.choice(("+=", "-=", "*=", "/=")), x, y)
    else:
        inner = Step("iop", b.choice(("-=", "+=", "*=")), (x, b.number()))
        b.add_step(Step("no_grad", "no_grad", (inner,)))


def gen_linalg(b):
    r = b.rng.random()
    n = int(b.rng.integers(1, 4))
    dtype = "float32" if b.chance(0.85) else b.choice(("float64", "int64"))
    dims = b.choice(((1, 1), (2, 1), (1, 2), (2, 2), (3, 2), (2, 3), (3, 3), (3, 1), (1, 3), (4, 3), (0, 1)))
    m, p, batch = (int(b.rng.integers(1, 4)) for _ in range(3))

    def shape(nd, inner, left):
        if nd == 0:
            return ()
        if nd == 1:
            return (inner,)
        core = (m, inner) if left else (inner, p)
        return (batch,) * (nd - 2) + core if b.chance(0.8) else (1,) * (nd - 2) + core
    inner2 = n if b.chance(0.93) else n + 1
    first = b.pick(lambda u: u.ndim == dims[0] and u.is_floating_point(), make=False) if b.chance(0.4) else None
    if first is not None:
        ft = b.value(first)
        n = ft.shape[-1] if ft.ndim else 1
        inner2 = n if b.chance(0.93) else n + 1
    else:
        first = b.leaf(shape(dims[0], n, True), dtype)
    second_dtype = dtype if b.chance(0.9) else b.choice(FLOAT_DTYPES)
    second = b.leaf(shape(dims[1], inner2, False), second_dtype)
    if first is None or second is None:
        return
    if r < 0.5:
        b.add("binop", "@", first, second)
    elif r < 0.65:
        b.method("matmul", first, second) if b.chance(0.5) else b.call("matmul", first, second)
    else:
        name = b.choice(("mm", "mv", "dot", "bmm"))
        b.method(name, first, second) if b.chance(0.6) else b.call(name, first, second)


def gen_nn(b):
    r = b.rng.random()
    functional = "nn.functional."
    if r < 0.3:
        x = b.pick_float()
        t = b.value(x)
        name = b.choice(("relu", "sigmoid", "tanh", "leaky_relu", "softmax", "log_softmax", "relu", "softplus"))
        if name == "softplus":
            b.call(functional + name, x, **b.choice(({}, {"beta": 2.0}, {"beta": 0.5, "threshold": 1.0})))
        elif name in ("softmax", "log_softmax"):
            b.call(functional + name, x, dim=b.dim(t.ndim)) if b.chance(0.9) else b.call(functional + name, x)
        elif name == "leaky_relu":
            b.call(functional + name, x, b.choice((0.1, 0.01, 0.2)))
        elif name == "relu" and b.chance(0.3):
            target = writable(b)
            b.call(functional + "relu", target, inplace=True)
        else:
            b.call(functional + name, x)
    elif r < 0.5:
        n_in, n_out = int(b.rng.integers(1, 4)), int(b.rng.integers(1, 4))
        layer = b.call("nn.Linear", n_in, n_out, **({"bias": False} if b.chance(0.2) else {}))
        batch = b.choice(((), (2,), (3,), (2, 2)))
        in_dim = n_in if b.chance(0.93) else n_in + 1
        x = b.pick(lambda u: u.ndim and u.shape[-1] == n_in and u.is_floating_point(), make=False) \
            if b.chance(0.4) else None
        if x is None:
            x = b.leaf(batch + (in_dim,), "float32" if b.chance(0.9) else b.choice(("float64", "int64")))
        if layer is not None and x is not None:
            out = b.add("invoke", "module()", layer, x)
            if out is not None and b.chance(0.5):
                b.add("attr", "weight", layer)
    elif r < 0.6:
        x = b.pick_float()
        t = b.value(x)
        w = b.leaf((int(b.rng.integers(1, 4)), t.shape[-1] if t.ndim else 1), "float32")
        bias = b.leaf((b.value(w).shape[0],), "float32") if b.chance(0.6) else None
        b.call(functional + "linear", x, w, *((bias,) if bias is not None else ()))
    else:
        gen_loss(b)


def gen_loss(b):
    functional = "nn.functional."
    reduction = b.choice(({}, {}, {"reduction": "sum"}, {"reduction": "none"}, {"reduction": "mean"}))
    r = b.rng.random()
    if r < 0.35:
        x = b.pick_float()
        t = b.value(x)
        target = b.need(b.leaf(tuple(t.shape) if b.chance(0.85) else b.partner_shape(tuple(t.shape)),
                               str(t.dtype).removeprefix("torch."), requires_grad=False))
        b.call(functional + b.choice(("mse_loss", "l1_loss")), x, target, **reduction)
    elif r < 0.6:
        x = b.pick_float()
        t = b.value(x)
        probability = b.call("sigmoid", x)
        target = b.call("rand", *t.shape) if t.ndim else b.leaf((), "float32", requires_grad=False)
        if probability is not None and target is not None:
            if b.chance(0.5):
                b.call(functional + "binary_cross_entropy", probability, target, **reduction)
            else:
                b.call(functional + "binary_cross_entropy_with_logits", x, target, **reduction)
    else:
        n, c = int(b.rng.integers(1, 4)), int(b.rng.integers(2, 5))
        shape = (n, c) if b.chance(0.85) else (c,)
        logits = b.pick(lambda u: tuple(u.shape) == shape and u.is_floating_point(), make=False) or \
            b.leaf(shape, "float32")
        labels = [int(v) for v in b.rng.integers(0, c + (1 if b.chance(0.05) else 0), size=n)]
        target = b.call("tensor", labels if len(shape) == 2 else labels[0], keep_error=0)
        if logits is None or target is None:
            return
        if b.chance(0.6):
            b.call(functional + "cross_entropy", logits, target, **reduction)
        else:
            logp = b.call(functional + "log_softmax", logits, dim=len(shape) - 1)
            if logp is not None:
                b.call(functional + "nll_loss", logp, target, **reduction)


def gen_backward(b):
    candidates = b.tensors(lambda u: u.requires_grad and u.grad_fn is not None)
    if not candidates:
        candidates = b.tensors(lambda u: u.requires_grad)
    if not candidates:
        return
    y = b.choice(candidates) if b.chance(0.5) else candidates[-1]
    t = b.value(y)
    retain = {"retain_graph": True} if b.chance(0.3) else {}
    if t.numel() == 1 and b.chance(0.8):
        b.method("backward", y, **retain)
        return
    r = b.rng.random()
    if r < 0.45:
        total = b.method(b.choice(("sum", "sum", "mean")), y)
        if total is not None:
            b.method("backward", total, **retain)
    elif r < 0.8:
        shape = tuple(t.shape) if b.chance(0.92) else b.partner_shape(tuple(t.shape))
        gradient = b.leaf(shape, str(t.dtype).removeprefix("torch.") if b.chance(0.9) else "float64",
                          requires_grad=False)
        if gradient is not None:
            if b.chance(0.85):
                b.method("backward", y, gradient, **retain) if b.chance(0.5) else \
                    b.method("backward", y, gradient=gradient, **retain)
            else:
                b.call("autograd.backward", y, gradient, **retain)
            b.gradients.add(gradient)
    elif r < 0.9:
        b.method("backward", y, b.data(tuple(t.shape)))  # a list as the gradient: torch wants a tensor
    else:
        b.method("backward", y, **retain)  # non-scalar, no gradient: an error


def gen_grad(b):
    """torch.autograd.grad, with create_graph often, then some use of the result (double backward)."""
    outputs = b.tensors(lambda u: u.requires_grad and u.grad_fn is not None)
    inputs = b.tensors(lambda u: u.requires_grad and u.is_leaf)
    if not outputs or not inputs:
        return
    y = outputs[-1] if b.chance(0.6) else b.choice(outputs)
    t = b.value(y)
    if t.numel() != 1:
        y = b.method("sum", y)
        if y is None:
            return
    chosen = sorted({b.choice(inputs) for _ in range(int(b.rng.integers(1, 3)))}, key=lambda r: (r.step, r.item or 0))
    kwargs = {}
    if b.chance(0.6):
        kwargs["create_graph"] = True
    elif b.chance(0.3):
        kwargs["retain_graph"] = True
    if b.chance(0.3):
        kwargs["allow_unused"] = True
    grads = b.call("autograd.grad", y, chosen if len(chosen) > 1 or b.chance(0.5) else chosen[0], **kwargs)
    if grads is None or not kwargs.get("create_graph"):
        return
    g = Ref(grads.step, 0)
    gt = b.value(g)
    if gt is None or not gt.requires_grad:
        return
    follow = b.choice(("sum", "pow", "mul"))
    out = b.method("sum", g) if follow == "sum" else b.method("sum", b.add("binop", "**", g, 2) or g) \
        if follow == "pow" else b.method("sum", b.add("binop", "*", g, b.pick_float()) or g)
    if out is not None and b.chance(0.8):
        b.method("backward", out)


def gen_misc(b):
    x = b.pick()
    t = b.value(x)
    r = b.rng.random()
    if r < 0.1:
        b.method("detach", x)
    elif r < 0.2:
        b.method("to", x, DType(b.dtype())) if b.chance(0.6) else b.method("to", x, dtype=DType(b.dtype()))
    elif r < 0.28:
        b.method(b.choice(("item", "tolist")), x) if t.numel() <= 4 else b.method("size", x)
    elif r < 0.36:
        leaf = b.pick(lambda u: u.is_leaf and not u.requires_grad, make=False)
        if leaf is not None:
            b.method("requires_grad_", leaf) if b.chance(0.7) else b.add("setattr", "requires_grad", leaf, True)
    elif r < 0.44:
        found = b.tensors(lambda u: u.grad_fn is not None)
        if found:
            b.method("retain_grad", b.choice(found))
    elif r < 0.6:
        found = b.tensors(lambda u: u.is_leaf and u.requires_grad)
        if found:
            leaf = b.choice(found)
            grad = b.add("attr", "grad", leaf)
            if grad is not None and b.value(grad) is not None and b.chance(0.3):
                b.method("zero_", grad) if b.chance(0.5) else b.add("setattr", "grad", leaf, None)
    elif r < 0.7:
        found = b.tensors(lambda u: u.is_leaf and u.requires_grad and u.grad is not None)
        if found:  # the hand-written SGD step of every tutorial
            leaf = b.choice(found)
            grad = b.add("attr", "grad", leaf)
            if grad is not None:
                update = b.add("binop", "*", b.choice((0.1, 0.5, 1.0)), grad)
                if update is not None:
                    b.add_step(Step("no_grad", "no_grad", (Step("iop", "-=", (leaf, update)),)))
    elif r < 0.82:
        b.add("attr", b.choice(("shape", "dtype", "is_leaf", "requires_grad", "grad_fn", "ndim", "data", "device")),
              x)
    elif r < 0.9:
        b.method(b.choice(("dim", "numel", "size", "is_contiguous", "type", "element_size", "is_floating_point")), x)
    elif r < 0.95:
        b.add("unop", b.choice(("float", "int", "bool", "len")), x)
    else:  # bincount of small non-negative integers, sometimes weighted by a float tensor of the same length
        n = int(b.rng.integers(0, 5))
        values = b.need(b.call("tensor", [int(v) for v in b.rng.integers(0, 4, size=n)], dtype=DType("int64")))
        weights = b.pick(lambda u: u.ndim == 1 and u.shape[0] == n, make=False) if b.chance(0.5) else None
        b.call("bincount", values, *((weights,) if weights is not None else ()),
               **({"minlength": int(b.rng.integers(0, 6))} if b.chance(0.4) else {}))


def gen_probe(b):
    b.choice(PROBES)(b)


def _probe(f):
    PROBES.append(f)
    return f


@_probe
def probe_creation_errors(b):
    case = b.choice((("zeros", (-1,), {}), ("randn", (3, -2), {}), ("tensor", (10 ** 30,), {}),
                     ("tensor", (["a", "b"],), {}), ("cat", ([],), {}), ("arange", (0, 1, 0), {}),
                     ("full", ((2,), "a"), {}), ("ones", (2.5,), {}), ("ones", (2,), {"dtype": "float32"}),
                     ("ones", (2,), {"requires_grad": "yes"}), ("tensor", ([[1, 2], [3]],), {}),
                     ("zeros", ((2, -3),), {}), ("eye", (-1,), {}), ("linspace", (0, 1, -1), {}),
                     ("tensor", ([1, 2],), {"dtype": "int"}), ("stack", ([],), {}),
                     ("tensor", ([1.5],), {"requires_grad": 1}), ("full", ((2,), None), {})))
    b.call(case[0], *case[1], keep_error=1, **case[2])


@_probe
def probe_tensor_errors(b):
    x = b.need(b.leaf((2, 3), "float32"))
    case = b.choice((("expand", (4, 3)), ("permute", (0, 0)), ("permute", ()), ("view", (4, -1)),
                     ("reshape", (-1, -1)), ("sum", (), {"dim": 2}), ("softmax", (5,)), ("transpose", (0, 2)),
                     ("squeeze", (3,)), ("unsqueeze", (4,)), ("max", (2,)), ("norm", (), {"dim": 3}),
                     ("logsumexp", (2,)), ("mean", (), {"dim": -3}), ("select", (2, 0)), ("narrow", (0, 1, 5)),
                     ("mm", None), ("bmm", None), ("mv", None), ("dot", None), ("repeat", (2,)),
                     ("split", ([1, 1], 1)), ("std", (), {"dim": 4}), ("cumsum", (2,)), ("flatten", (3,)),
                     ("to", ("cuda",)), ("cuda", ()), ("item", ())))
    name, args = case[0], case[1]
    kwargs = case[2] if len(case) > 2 else {}
    if args is None:
        other = b.leaf(b.choice(((3,), (3, 2), (2, 3, 4))), b.choice(("float32", "float32", "float64")))
        if other is not None:
            b.method(name, x, other, keep_error=1)
        return
    b.method(name, x, *args, keep_error=1, **kwargs)


@_probe
def probe_dtype_errors(b):
    case = b.rng.integers(6)
    if case == 0:
        x, y = b.need(b.leaf((2, 3), "float64"), b.leaf((3, 2), "float32"))
        b.add("binop", "@", x, y, keep_error=1)
    elif case == 1:
        layer = b.need(b.call("nn.Linear", 3, 2))
        x = b.need(b.leaf((2, 3), b.choice(("float64", "int64"))))
        b.add("invoke", "module()", layer, x, keep_error=1)
    elif case == 2:
        x = b.need(b.leaf((3,), "int64"))
        b.method("pow", x, -1, keep_error=1)
    elif case == 3:
        x = b.need(b.call("zeros", 0, 3) if b.chance(0.5) else b.call("zeros", 0))
        b.method(b.choice(("softmax", "log_softmax")), x, -1, keep_error=1)
    elif case == 4:
        x = b.need(b.leaf((1,), "float32"))
        b.method(b.choice(("std", "var")), x, keep_error=1)
    else:
        x = b.need(b.call("zeros", 0))
        b.method(b.choice(("mean", "sum", "std", "max", "prod", "norm")), x, keep_error=1)


@_probe
def probe_tutorial(b):
    case = b.rng.integers(7)
    if case == 0:
        b.call(b.choice(("cuda.is_available", "accelerator.is_available", "accelerator.current_accelerator",
                         "cuda.device_count", "backends.mps.is_available")))
    elif case == 1:
        device = b.call("device", "cuda" if b.chance(0.3) else "cpu")
        x = b.pick()
        if device is not None:
            b.method("to", x, device, keep_error=1)
    elif case == 2:
        b.call(b.choice(("FloatTensor", "DoubleTensor", "LongTensor")), b.data((int(b.rng.integers(1, 4)),), "f"))
    elif case == 3:
        x = b.pick_float()
        b.call(b.choice(TORCH_INPLACE), x, keep_error=0.5)
    elif case == 4:
        x = b.pick()
        b.add("setattr", "data", x, [1, 2], keep_error=1)
    elif case == 5:
        b.call("get_default_dtype")
    else:
        x = b.pick()
        b.method("to", x, "cpu") if b.chance(0.5) else b.method("cpu", x)


CATALOGUE = ((gen_leaf, 6), (gen_creation, 4), (gen_unary, 10), (gen_pow, 4), (gen_clamp, 3), (gen_binary, 12),
             (gen_misc_binary, 2), (gen_reduction, 8), (gen_shape, 8), (gen_index, 6), (gen_setitem, 3),
             (gen_inplace, 5), (gen_linalg, 4), (gen_nn, 5), (gen_backward, 7), (gen_grad, 3), (gen_misc, 5),
             (gen_probe, 2))


def generate(seed, torch, min_steps=4, max_steps=18):
    """A random program (list of Steps) for `seed`; torch runs it as it is built."""
    rng = np.random.default_rng(seed)
    b = Builder(rng, torch, seed, max_steps=int(rng.integers(min_steps, max_steps + 1)))
    generators = [g for g, _ in CATALOGUE]
    weights = np.array([w for _, w in CATALOGUE], dtype=float)
    weights /= weights.sum()
    b.max_steps += 3  # room for the last backward pass
    try:
        for _ in range(3):
            b.leaf()
        attempts = 0
        while len(b.steps) < b.max_steps - 3 and attempts < 4 * b.max_steps:
            attempts += 1
            try:
                generators[int(rng.choice(len(generators), p=weights))](b)
            except NoValueError:
                pass
        if rng.random() < 0.5:  # many programs end in a backward pass
            gen_backward(b)
    except (ProgramFullError, NoValueError):
        pass
    return b.steps
