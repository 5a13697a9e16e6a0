"""Draw a minigrad graph the way torchviz draws PyTorch's: leaves light blue, backward nodes grey,
the output green, saved tensors orange.

    y = x**2 + 3*x
    draw(y)                      # names come from your variables; shows SVG (and PNG) in a notebook
    g = trace(y, names={"x": x, "y": y}, saved=True)
    print(to_dot(g))             # DOT text: the same graph gives the same text on every run

Everything shown (values, gradients) is read from minigrad's tensors and its recorded steps
(minigrad.autograd.graph); nothing here computes a derivative. Without the Graphviz program
`dot`, drawings fall back to a text/HTML listing with a one-line install hint.

A drawing is stored in a notebook as SVG and PNG side by side: JupyterLab shows the SVG once the
notebook is trusted (or its cell was run), and the PNG in a notebook opened fresh and untrusted,
where it refuses SVG. `static_bundle` gives the same pair for a widget's static picture.
"""
import base64
import html
import inspect
import os
import shutil
import subprocess
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from minigrad import Tensor
from minigrad.autograd.graph import get_gradient_edge, saved_tensors, value_text, walk

__all__ = ["GraphNode", "GraphEdge", "Highlight", "TracedGraph", "trace", "to_dot", "to_text", "to_html",
           "render_svg", "render_png", "static_bundle", "dot_available", "draw", "Drawing", "format_value", "COLORS",
           "INSTALL_HINT"]

COLORS = {"leaf": "lightblue", "op": "lightgrey", "accumulate": "lightgrey", "output": "darkolivegreen1",
          "saved": "orange", "more": "white"}
INSTALL_HINT = ("Graphviz's `dot` program is not installed, so this is a text view. For drawings install it: "
                "`sudo apt-get install graphviz`, `brew install graphviz` or `conda install graphviz`.")
NO_GRAPHVIZ_ENV = "COURSE_NO_GRAPHVIZ"  # set to 1 to see (and test) the fallback
AUTO_COMPACT_NODES = 60
MAX_SHOWN_ELEMENTS = 6
PNG_DPI = 144  # 1.5x Graphviz's 96: sharp on high-density screens, shown at the SVG's size (see png_size)


@dataclass
class GraphNode:
    id: str  # stable: from creation order, e.g. "op0", "leaf1", "acc1", "out0", "saved0_0"
    kind: str  # "leaf", "op", "accumulate", "output", "saved" or "more"
    name: str  # PyTorch's node name ("AddBackward0", "AccumulateGrad") or the tensor's variable name
    label: str = ""  # for ops: the name or text of the tensor the op produced, e.g. "z" or "x**2"
    shape: tuple = ()
    value: object = None  # numpy array (a copy) or None when unknown
    grad: object = None  # numpy array (a copy) or None
    order: int = 0  # position in creation order
    lines: list = field(default_factory=list)  # extra lines under the title (widgets put step values here)
    ref: object = field(default=None, repr=False, compare=False)  # the minigrad node or tensor


@dataclass
class GraphEdge:
    src: str
    dst: str  # drawn in the forward direction (input -> consumer); gradients flow dst -> src
    kind: str = "flow"  # "flow" or "saved"
    label: str = ""
    slot: int = None  # for flow edges: which input of dst (index into its next_functions)


@dataclass
class Highlight:
    current: str = None  # the node being processed
    visited: frozenset = frozenset()  # nodes already processed
    edges: frozenset = frozenset()  # (src, dst) pairs carrying the current gradient


@dataclass
class TracedGraph:
    nodes: list
    edges: list
    note: str = ""  # e.g. "… 40 more nodes"

    def node(self, node_id):
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def find(self, obj):
        """The GraphNode drawn for a minigrad node (or leaf tensor), or None."""
        for n in self.nodes:
            if n.ref is obj and n.kind != "saved":
                return n
        return None

    def incoming(self, node_id, kind="flow"):
        return [e for e in self.edges if e.dst == node_id and e.kind == kind]

    def outgoing(self, node_id, kind="flow"):
        return [e for e in self.edges if e.src == node_id and e.kind == kind]


def format_value(array):
    """A value as PyTorch prints it, without `tensor(...)`: 7., [36., 81.]; big tensors as their shape."""
    if array is None:
        return "None"
    a = np.asarray(array)
    if a.size > MAX_SHOWN_ELEMENTS:
        return f"<{'x'.join(map(str, a.shape))} values>"
    return value_text(a)


def _copy(t):
    return None if t is None else np.array(t.detach().numpy(), copy=True)


def caller_names(depth=1):
    """name -> tensor for the tensors among the locals of the frame `depth` levels above the caller."""
    frame = inspect.currentframe()
    try:
        for _ in range(depth + 1):
            frame = frame.f_back
        return {k: v for k, v in frame.f_locals.items() if isinstance(v, Tensor) and not k.startswith("_")}
    finally:
        del frame


def trace(*outputs, names=None, saved=False, values=None, labels=None, compact=False, max_nodes=None):
    """The graph behind `outputs` as plain GraphNode/GraphEdge lists.

    names: {name: tensor}; omitted, the caller's local variables are used. values: a ForwardTrace from
    record_forward(), to show every op's result. labels: [(tensor, text)] for unnamed results.
    saved=True adds what each node saved for backward. compact collapses runs of the same op;
    max_nodes keeps the nodes nearest the output and notes how many were left out.
    """
    if names is None:
        names = caller_names(1)
    outputs = [t for t in outputs if isinstance(t, Tensor)]
    graph = walk(*outputs)
    namer = _Namer(names, labels, values)
    nodes, edges, ids = [], [], {}
    for i, node in enumerate(graph.nodes):
        if hasattr(node, "variable"):  # a leaf's AccumulateGrad (torchviz's test too)
            leaf = node.variable
            nodes.append(GraphNode(f"leaf{i}", "leaf", namer.tensor_name(leaf) or _shape_text(leaf.shape),
                                   shape=tuple(leaf.shape), value=_copy(leaf), grad=_copy(leaf.grad),
                                   order=i, ref=leaf))
            nodes.append(GraphNode(f"acc{i}", "accumulate", "AccumulateGrad", order=i, ref=node))
            edges.append(GraphEdge(f"leaf{i}", f"acc{i}"))
            ids[node] = f"acc{i}"
        else:
            result = namer.result(node)
            nodes.append(GraphNode(f"op{i}", "op", node.name(), label=namer.result_label(node),
                                   shape=() if result is None else tuple(result.shape),
                                   value=None if result is None else np.array(result, copy=True), order=i,
                                   ref=node))
            ids[node] = f"op{i}"
    for node, child, slot, _ in graph.edges:
        edges.append(GraphEdge(ids[child], ids[node], slot=slot))
    if saved:
        for i, node in enumerate(graph.nodes):
            for j, t in enumerate(saved_tensors(node)):
                if isinstance(t, Tensor):
                    nodes.append(GraphNode(f"saved{i}_{j}", "saved", namer.tensor_name(t) or f"saved {j}",
                                           shape=tuple(t.shape), value=_copy(t), order=i, ref=t))
                    edges.append(GraphEdge(f"saved{i}_{j}", ids[node], "saved"))
    for k, out in enumerate(outputs):
        if not out.requires_grad:
            continue
        root = get_gradient_edge(out).node
        name = namer.tensor_name(out) or "output"
        nodes.append(GraphNode(f"out{k}", "output", name, shape=tuple(out.shape), value=_copy(out),
                               order=len(graph.nodes) + k, ref=out))
        edges.append(GraphEdge(ids[root], f"out{k}"))
        root_node = next(n for n in nodes if n.id == ids[root])
        if root_node.label == name:  # the output box already says it
            root_node.label = ""
    result = TracedGraph(nodes, edges)
    if compact:
        result = collapse_runs(result)
    if max_nodes is not None and len(result.nodes) > max_nodes:
        result = cap_nodes(result, max_nodes)
    return result


class _Namer:
    """Finds variable names and values for leaves and op results by identity (never by id())."""

    def __init__(self, names, labels, forward):
        self.by_tensor = [(t, n) for n, t in (names or {}).items() if isinstance(t, Tensor)]
        self.labels = [(t, text) for t, text in (labels or ()) if isinstance(t, Tensor)]
        self.forward = forward

    def tensor_name(self, tensor):
        for t, name in self.by_tensor:
            if t is tensor:
                return name
        if tensor.grad_fn is not None:  # a saved output comes back as a new tensor object: the same output of
            edge = get_gradient_edge(tensor)  # the same node is the tensor the learner named (exp's saved y)
            for t, name in self.by_tensor:
                if t.grad_fn is tensor.grad_fn and get_gradient_edge(t) == edge:
                    return name
        return ""

    def _results(self, node):
        for t, name in self.by_tensor + self.labels:
            if t.requires_grad and get_gradient_edge(t) == (node, 0):
                yield t, name
        if self.forward is not None:
            for op in self.forward.ops:
                if op.node is node and op.outputs and isinstance(op.outputs[0], Tensor):
                    yield op.outputs[0], ""

    def result_label(self, node):
        return next((name for _, name in self._results(node) if name), "")

    def result(self, node):
        found = next(self._results(node), None)
        return None if found is None else found[0].detach().numpy()


def _shape_text(shape):
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def collapse_runs(graph, min_run=3):
    """Replace each chain of >= min_run same-named ops (a repeated layer) by one node "Name × k"."""
    out_deg, chain_next = {}, {}
    for e in graph.edges:
        if e.kind == "flow":
            out_deg[e.src] = out_deg.get(e.src, 0) + 1
    kinds = {n.id: n for n in graph.nodes}
    for e in graph.edges:
        a, b = kinds[e.src], kinds[e.dst]
        if e.kind == "flow" and a.kind == b.kind == "op" and a.name == b.name and out_deg[a.id] == 1:
            chain_next[a.id] = b.id
    has_prev = set(chain_next.values())
    merged = {}  # member id -> run id
    for n in graph.nodes:
        if n.id in chain_next and n.id not in has_prev:
            run = [n.id]
            while run[-1] in chain_next:
                run.append(chain_next[run[-1]])
            if len(run) >= min_run:
                for member in run:
                    merged[member] = run[-1]
    if not merged:
        return graph
    counts = {}
    for run_id in merged.values():
        counts[run_id] = counts.get(run_id, 0) + 1
    nodes = []
    for n in graph.nodes:
        if n.id in merged and merged[n.id] != n.id:
            continue
        if n.id in counts:
            n = GraphNode(n.id, n.kind, f"{n.name} × {counts[n.id]}", label=n.label, shape=n.shape,
                          value=n.value, order=n.order, ref=n.ref)
        nodes.append(n)
    edges, seen = [], set()
    for e in graph.edges:
        src, dst = merged.get(e.src, e.src), merged.get(e.dst, e.dst)
        if src == dst or (src, dst, e.kind) in seen:
            continue
        seen.add((src, dst, e.kind))
        edges.append(GraphEdge(src, dst, e.kind, e.label, e.slot))
    return TracedGraph(nodes, edges, graph.note)


def cap_nodes(graph, max_nodes):
    """Keep the max_nodes nodes nearest the outputs; one note node stands for the rest."""
    into = {}
    for e in graph.edges:
        into.setdefault(e.dst, []).append(e.src)
    order = [n.id for n in graph.nodes if n.kind == "output"]
    queue, keep = deque(order), set(order)
    while queue and len(keep) < max_nodes:
        for src in into.get(queue.popleft(), ()):
            if src not in keep and len(keep) < max_nodes:
                keep.add(src)
                queue.append(src)
    dropped = len(graph.nodes) - len(keep)
    note = f"… {dropped} more nodes"
    nodes = [n for n in graph.nodes if n.id in keep]
    nodes.insert(0, GraphNode("more", "more", note))
    edges, seen = [], set()
    for e in graph.edges:
        if e.src in keep and e.dst in keep:
            edges.append(e)
        elif e.dst in keep and e.dst not in seen:
            seen.add(e.dst)
            edges.append(GraphEdge("more", e.dst, "flow"))
    return TracedGraph(nodes, edges, note)


# ---- DOT text ----

def node_lines(n):
    """The text lines drawn in a node's box."""
    if n.kind == "more":
        return [n.name]
    if n.kind in ("op", "accumulate"):
        lines = [n.name]
        if n.label and n.value is not None:
            lines.append(f"{n.label} = {format_value(n.value)}")
        elif n.label:
            lines.append(n.label)
        elif n.value is not None:
            lines.append(f"= {format_value(n.value)}")
        return lines + list(n.lines)
    title = n.name if not n.shape or n.name.startswith("(") else f"{n.name} {_shape_text(n.shape)}"
    lines = [title, f"data={format_value(n.value)}"]
    if n.kind == "leaf":
        lines.append(f"grad={format_value(n.grad)}")
    return lines + list(n.lines)


def _quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph, highlight=None, hidden=()):
    """DOT source for a TracedGraph; `highlight` marks a backward step, `hidden` node ids are left out."""
    hl = highlight or Highlight()
    out = ["digraph {",
           "\tgraph [rankdir=TB]",
           "\tnode [fontname=monospace fontsize=10 height=0.2 shape=box style=filled]",
           "\tedge [fontname=monospace fontsize=9]"]
    for n in graph.nodes:
        if n.id in hidden:
            continue
        attrs = [f"label={_quote(chr(10).join(node_lines(n)))}", f"fillcolor={COLORS[n.kind]}"]
        if n.kind == "more":
            attrs.append("style=dashed")
        if n.id == hl.current:
            attrs += ["color=red", "penwidth=3"]
        elif n.id in hl.visited:
            attrs += ['color="#1f5fbf"', "penwidth=2"]
        out.append(f"\t{n.id} [{' '.join(attrs)}]")
    for e in graph.edges:
        if e.src in hidden or e.dst in hidden:
            continue
        attrs = []
        if e.kind == "saved":
            attrs.append("dir=none")
        if e.label:
            attrs.append(f"label={_quote(' ' + e.label)}")
        if (e.src, e.dst) in hl.edges:
            attrs += ["color=red", "fontcolor=red", "penwidth=2.5"]
        out.append(f"\t{e.src} -> {e.dst}" + (f" [{' '.join(attrs)}]" if attrs else ""))
    out.append("}")
    return "\n".join(out) + "\n"


# ---- text / HTML fallback ----

_TAGS = {"leaf": "leaf", "op": "op", "accumulate": "acc", "output": "output", "saved": "saved", "more": "…"}
_TEXT_ORDER = {"more": 0, "leaf": 1, "accumulate": 1, "op": 2, "saved": 3, "output": 4}


def to_text(graph, highlight=None, hidden=()):
    """A readable listing of the graph (used when Graphviz is missing): one node per line, inputs after <-."""
    hl = highlight or Highlight()
    titles = {n.id: node_lines(n)[0] for n in graph.nodes}
    rows = []
    for n in sorted(graph.nodes, key=lambda n: (_TEXT_ORDER[n.kind], n.order)):  # inputs first, output last
        if n.id in hidden:
            continue
        mark = "▶" if n.id == hl.current else ("✓" if n.id in hl.visited else " ")
        text = "  ".join(node_lines(n)).replace("\n", " ")
        sources = []
        for e in graph.incoming(n.id) + graph.incoming(n.id, "saved"):
            if e.src in hidden:
                continue
            extra = f" [{e.label}]" if e.label else ""
            sources.append(("saved " if e.kind == "saved" else "") + titles[e.src] + extra)
        rows.append(f"{mark} [{_TAGS[n.kind]:>6}] {text}" + (f"   <- {', '.join(sources)}" if sources else ""))
    return "\n".join(rows)


def to_html(graph, highlight=None, hidden=(), hint=True):
    body = html.escape(to_text(graph, highlight, hidden))
    note = f'<div style="font-size:smaller">{html.escape(INSTALL_HINT)}</div>' if hint else ""
    return f'<div class="course-graph-text"><pre>{body}</pre>{note}</div>'


# ---- SVG ----

def dot_available():
    """True when Graphviz's `dot` can be run (and the COURSE_NO_GRAPHVIZ switch is off)."""
    if os.environ.get(NO_GRAPHVIZ_ENV, "") not in ("", "0"):
        return False
    return shutil.which("dot") is not None


def _run_dot(dot_text, fmt, timeout, *options):
    if not dot_available():
        return None
    try:
        done = subprocess.run([shutil.which("dot") or "dot", f"-T{fmt}", *options], input=dot_text.encode(),
                              capture_output=True, timeout=timeout, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout


def render_svg(dot_text, timeout=30):
    """SVG markup (from `<svg`) for DOT text, or None when `dot` is missing or fails."""
    out = _run_dot(dot_text, "svg", timeout)
    if out is None:
        return None
    svg = out.decode("utf-8", "replace")
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else None


def render_png(dot_text, timeout=30, dpi=PNG_DPI):
    """PNG bytes for DOT text (the same bytes on every run), or None when `dot` is missing or fails."""
    out = _run_dot(dot_text, "png", timeout, f"-Gdpi={dpi}")
    return out if out and out.startswith(b"\x89PNG") else None


def png_size(png, dpi=PNG_DPI):
    """(width, height) in CSS pixels at which a PNG rendered at `dpi` matches its SVG (Graphviz's 96 dpi)."""
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    return round(width * 96 / dpi), round(height * 96 / dpi)


def static_bundle(svg, png):
    """(data, metadata) for IPython's display: SVG plus PNG (base64) sized like the SVG; None parts left out."""
    data, metadata = {}, {}
    if svg is not None:
        data["image/svg+xml"] = svg
    if png is not None:
        data["image/png"] = base64.b64encode(png).decode("ascii")
        width, height = png_size(png)
        metadata["image/png"] = {"width": width, "height": height}
    return data, metadata


class Drawing:
    """What `draw` returns: shows as SVG (PNG in untrusted notebooks), or as a text listing without Graphviz."""

    def __init__(self, graph, highlight=None, hidden=()):
        self.graph, self.highlight, self.hidden = graph, highlight, tuple(hidden)
        self.dot = to_dot(graph, highlight, hidden)
        self.text = to_text(graph, highlight, hidden)
        self.svg = render_svg(self.dot)
        self._png = None

    @property
    def png(self):
        """PNG bytes of the drawing (rendered on first use: widgets redraw with SVG only), or None."""
        if self._png is None and self.svg is not None:
            self._png = render_png(self.dot)
        return self._png

    def html(self):
        """HTML for a widget or page: the SVG, or the text view with the install hint."""
        return self.svg if self.svg is not None else to_html(self.graph, self.highlight, self.hidden)

    def mimebundle(self):
        """(data, metadata): SVG + PNG + text, or the text/HTML fallback when Graphviz is missing."""
        if self.svg is not None:
            data, metadata = static_bundle(self.svg, self.png)
            data["text/plain"] = repr(self)
            return data, metadata
        return {"text/html": self.html(), "text/plain": self.text + "\n" + INSTALL_HINT}, {}

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.mimebundle()

    def __repr__(self):
        shown = sum(1 for n in self.graph.nodes if n.id not in self.hidden)
        return f"<graph drawing: {shown} nodes>"


def draw(*outputs, names=None, saved=False, values=None, labels=None, compact="auto", max_nodes=None):
    """Trace and draw the graph behind `outputs`; names default to the caller's variables.

    compact="auto" collapses repeated layers and caps the drawing at 60 nodes when the graph is big.
    """
    if names is None:
        names = caller_names(1)
    graph = trace(*outputs, names=names, saved=saved, values=values, labels=labels)
    if compact == "auto":
        compact = len(graph.nodes) > AUTO_COMPACT_NODES
        if compact and max_nodes is None:
            max_nodes = AUTO_COMPACT_NODES
    if compact:
        graph = collapse_runs(graph)
    if max_nodes is not None and len(graph.nodes) > max_nodes:
        graph = cap_nodes(graph, max_nodes)
    return Drawing(graph)
