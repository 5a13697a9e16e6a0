"""Tensor repr text, identical to ``torch/_tensor_str.py`` (torch 2.13, default print options).

Pure numpy on purpose: the Tensor class calls in here, so this module must not import it.

Public API::

    format_tensor(array, suffixes=(), prefix="tensor(") -> str
    dtype_suffix(dtype, empty=False) -> str | None

Typical use from ``Tensor.__repr__``::

    suffixes = [dtype_suffix(a.dtype, empty=a.size == 0), "grad_fn=<MulBackward0>"]
    format_tensor(a, suffixes)          # None entries are skipped

``nn.Parameter`` either prepends ``"Parameter containing:\\n"`` itself or passes
``prefix="Parameter containing:\\ntensor("``: the indent is always the width of the prefix's
*last* line, so both give the same text. A subclass printed as ``MyTensor(`` just passes that prefix.
"""

import math

import numpy as np

# torch's default print options (torch.set_printoptions is not mirrored).
PRECISION = 4
THRESHOLD = 1000  # summarize ("...") when numel > THRESHOLD
EDGEITEMS = 3
LINEWIDTH = 80

_SUPPORTED_KINDS = "fiub"  # float, signed int, unsigned int, bool


def dtype_suffix(dtype, empty: bool = False) -> str | None:
    """``"dtype=torch.xxx"`` when torch would print the dtype, else None.

    torch hides float32 (the default dtype), int64 and bool (and complex64). An *empty* tensor
    shows every dtype except float32, since there are no elements to tell ints from floats:
    ``tensor([], dtype=torch.int64)``. numpy and torch happen to share dtype names.
    """
    name = np.dtype(dtype).name
    hidden = ("float32",) if empty else ("float32", "int64", "bool", "complex64")
    return None if name in hidden else f"dtype=torch.{name}"


def format_tensor(array: np.ndarray, suffixes=(), prefix: str = "tensor(") -> str:
    """``repr`` of a torch tensor holding ``array``.

    ``suffixes`` are the caller's ``key=value`` strings in torch's order (dtype, then grad_fn or
    requires_grad); None entries are dropped. For empty arrays the ``size=(...)`` suffix is added
    here, in front, as torch does. The suffix-wrap check uses a line width of 80.
    """
    a = np.asarray(array)
    if a.dtype.kind not in _SUPPORTED_KINDS:
        raise TypeError(f"format_tensor: unsupported dtype {a.dtype}")
    indent = len(prefix) - prefix.rfind("\n") - 1  # width of the prefix's last line
    suffixes = [s for s in suffixes if s]
    if a.size == 0:
        body = "[]"
        if a.ndim != 1:  # torch (like numpy) spells out any empty shape other than (0,)
            suffixes.insert(0, f"size={tuple(a.shape)}")
    else:
        summarize = a.size > THRESHOLD
        formatter = _Formatter(_summarized(a) if summarize else a)
        body = _body(a, indent, summarize, formatter)
    return _add_suffixes(prefix + body, suffixes, indent)


class _Formatter:
    """One formatter for the whole tensor: every element gets the same mode and width."""

    def __init__(self, a: np.ndarray):
        self.floating = a.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        if not self.floating:
            self.max_width = max(len(str(v)) for v in a.reshape(-1).tolist())
            return
        # torch decides on float64 copies; float16/32 -> float64 is exact, so this matches.
        vals = a.reshape(-1).astype(np.float64)
        vals = vals[np.isfinite(vals) & (vals != 0)]
        if vals.size == 0:  # only zeros / nan / inf: keep the defaults (int mode, width 1)
            return
        lo, hi = float(np.abs(vals).min()), float(np.abs(vals).max())
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        if self.sci_mode:
            fmt, extra = f"{{:.{PRECISION}e}}", 0
        elif self.int_mode:
            fmt, extra = "{:.0f}", 1  # +1 for the trailing "." of "9."
        else:
            fmt, extra = f"{{:.{PRECISION}f}}", 0
        # Only finite non-zero values count: a wider "nan" or "-0." does not widen the column.
        self.max_width = max(len(fmt.format(v)) + extra for v in vals.tolist())

    def format(self, value) -> str:
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{PRECISION}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if not (math.isinf(value) or math.isnan(value)):
                text += "."
        else:
            text = f"{value:.{PRECISION}f}"
        return text.rjust(self.max_width)


def _summarized(a: np.ndarray) -> np.ndarray:
    """The items a summarized print shows (first/last EDGEITEMS of every dim); the formatter is
    built from these only, so hidden extremes do not affect the mode or width."""
    if a.ndim == 0:
        return a
    if a.shape[0] > 2 * EDGEITEMS:
        a = np.concatenate((a[:EDGEITEMS], a[-EDGEITEMS:]))
    if a.ndim == 1:
        return a
    return np.stack([_summarized(row) for row in a])


def _body(a: np.ndarray, indent: int, summarize: bool, formatter: _Formatter) -> str:
    if a.ndim == 0:
        return formatter.format(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, formatter)
    n = a.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        rows = [*range(EDGEITEMS), None, *range(n - EDGEITEMS, n)]  # None marks the "..." row
    else:
        rows = range(n)
    parts = ["..." if i is None else _body(a[i], indent + 1, summarize, formatter) for i in rows]
    # dim-1 newlines: a 3-D tensor gets a blank line between its 2-D blocks.
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _vector(a: np.ndarray, indent: int, summarize: bool, formatter: _Formatter) -> str:
    # torch sizes lines by the formatter width (+2 for ", "), even if some item is wider.
    per_line = max(1, (LINEWIDTH - indent) // (formatter.max_width + 2))
    if summarize and a.shape[0] > 2 * EDGEITEMS:
        head, tail = a[:EDGEITEMS].tolist(), a[-EDGEITEMS:].tolist()
        items = [formatter.format(v) for v in head] + [" ..."] + [formatter.format(v) for v in tail]
    else:
        items = [formatter.format(v) for v in a.tolist()]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    # torch's own measure: the last line's length + 2 (it double-counts the ", " separator).
    last_line_len = len(text) - text.rfind("\n") + 1
    out = [text]
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > LINEWIDTH:
            out.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            out.append(", " + suffix)
            last_line_len += len(suffix) + 2
    out.append(")")
    return "".join(out)
