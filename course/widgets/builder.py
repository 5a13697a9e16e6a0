"""Graph builder: build a graph op by op, then step through minigrad's real backward pass.

`GraphBuilder` is the state (plain Python, tested without a browser); `graph_builder()` wraps it in
ipywidgets whose buttons call its methods. On every (re)build the builder runs the forward pass
under `record_forward()` and one real `backward()` under `record_backward(local=True)`; stepping
only reveals those records in order. Every number shown comes from minigrad's engine.

    b = GraphBuilder("y = x**2 + 3*x")
    b.run()
    b.leaf_grads()          # {'x': array(7., dtype=float32)}
"""
import html
from dataclasses import dataclass, replace

import numpy as np

import minigrad
from minigrad.autograd.graph import record_backward, record_forward

from .. import graph as draw
from ..expressions import ExpressionError, evaluate, parse

__all__ = ["Variable", "Example", "EXAMPLES", "GraphBuilder", "ForwardInfo", "BackwardInfo", "BuilderView",
           "graph_builder"]


@dataclass(frozen=True)
class Variable:
    name: str
    value: object  # a float, or a list of floats for a vector
    requires_grad: bool = True
    low: float = -5.0
    high: float = 5.0
    step: float = 0.1


@dataclass(frozen=True)
class Example:
    key: str
    description: str
    variables: tuple
    build: object  # build(tensors: {name: Tensor}) -> (output, names {name: tensor}, labels [(tensor, text)])
    ones_gradient: bool = False  # backward(gradient=ones) for a vector output
    output: str = "loss"  # the output's name (the expression's left-hand side)
    formula: str = ""  # what the expression box shows for this example (defaults to key)

    @property
    def text(self):
        return self.formula or self.key


def _expression_example(text, description, variables, ones_gradient=False, expression=None):
    """An example built from an expression (`expression`: `text` already parsed, so it is not parsed twice)."""
    expression = expression or parse(text)

    def build(tensors):
        out, labels = evaluate(expression, tensors)
        return out, {**tensors, expression.output: out}, labels
    return Example(text, description, variables, build, ones_gradient, output=expression.output)


def _logistic(t):
    """One neuron, binary cross-entropy with log clamped at 1e-8 (as in lesson 03, backward() and the chain rule)."""
    x, y, w, b = t["x"], t["y"], t["w"], t["b"]
    wx = w * x
    z = wx + b
    y_hat = minigrad.sigmoid(z)
    p1 = y_hat.clamp(min=1e-8)
    log_p1 = minigrad.log(p1)
    term1 = y * log_p1
    q = 1 - y_hat
    p0 = q.clamp(min=1e-8)
    log_p0 = minigrad.log(p0)
    term0 = (1 - y) * log_p0
    total = term1 + term0
    loss = -total
    labels = [(wx, "w*x"), (p1, "clamp(y_hat)"), (log_p1, "log(clamp(y_hat))"), (term1, "y*log(y_hat)"),
              (q, "1-y_hat"), (p0, "clamp(1-y_hat)"), (log_p0, "log(clamp(1-y_hat))"),
              (term0, "(1-y)*log(1-y_hat)"), (total, "sum of terms")]
    return loss, {"x": x, "y": y, "w": w, "b": b, "z": z, "y_hat": y_hat, "loss": loss}, labels


# fixed small weights: the example must not touch the learner's random number generator
_MLP_WEIGHTS = {"W1": [[0.5, -0.3, 0.8], [0.2, 0.7, -0.6]], "b1": [0.1, -0.1, 0.05],
                "W2": [[0.6], [-0.4], [0.9]], "b2": [0.2]}


def _mlp(t):
    """2 inputs -> 3 ReLU units -> 1 output, squared error on one sample."""
    x = t["x"].reshape(1, 2)
    w1, b1, w2, b2 = (minigrad.tensor(_MLP_WEIGHTS[k], requires_grad=True) for k in ("W1", "b1", "W2", "b2"))
    x_w1 = x @ w1
    h_pre = x_w1 + b1
    h = minigrad.relu(h_pre)
    h_w2 = h @ w2
    out = h_w2 + b2
    error = out - t["target"]
    squared = error ** 2
    loss = squared.mean()
    names = {"x": x, "target": t["target"], "W1": w1, "b1": b1, "W2": w2, "b2": b2, "h_pre": h_pre, "h": h,
             "out": out, "error": error, "loss": loss}
    return loss, names, [(x_w1, "x@W1"), (h_w2, "h@W2"), (squared, "error**2")]


EXAMPLES = {e.key: e for e in (
    _expression_example("y = x**2 + 3*x", "a leaf used twice: its two gradient contributions add up",
                        (Variable("x", 2.0),)),
    _expression_example("z = (x + y)**2", "chain rule through one shared node", (Variable("x", 2.0),
                                                                                  Variable("y", 3.0))),
    _expression_example("Q = 3*a**3 - b**2", "vector inputs; Q.backward(gradient=ones)",
                        (Variable("a", [2.0, 3.0]), Variable("b", [6.0, 4.0], low=-8.0, high=8.0)),
                        ones_gradient=True),
    Example("logistic neuron", "z = w*x + b, y_hat = sigmoid(z), binary cross-entropy loss",
            (Variable("x", 6.7, False, -10.0, 10.0), Variable("y", 0.0, False, 0.0, 1.0, 1.0), Variable("w", 1.0),
             Variable("b", 0.0)), _logistic,
            formula="loss = -(y*log(y_hat) + (1-y)*log(1-y_hat)),  y_hat = sigmoid(w*x + b)"),
    Example("2-layer MLP", "x -> Linear(2, 3) -> ReLU -> Linear(3, 1), squared error on one sample",
            (Variable("x", [1.0, -0.5], False), Variable("target", 1.0, False)), _mlp,
            formula="loss = ((relu(x @ W1 + b1) @ W2 + b2 - target)**2).mean()"),
)}
_FORMULAS = {e.text: e.key for e in EXAMPLES.values()}  # Build with an example's text reloads that example
_DEFAULT_VALUES = {"x": 2.0, "y": 3.0}


@dataclass
class ForwardInfo:
    index: int
    total: int
    name: str  # the backward node this op created, e.g. "PowBackward0"
    node_id: str
    result: str  # the name or text of the result, e.g. "x**2"
    value: np.ndarray
    latex: str


@dataclass
class BackwardInfo:
    index: int
    total: int
    name: str
    node_id: str
    kind: str  # "op" or "leaf"
    incoming: tuple  # gradient(s) arriving at the node (d output / d node result)
    inputs: tuple = ()  # names of the inputs that receive a gradient
    local: tuple = ()  # local derivative per input: the node's backward applied to ones
    products: tuple = ()  # what the engine sent to each input (incoming x local for elementwise ops)
    elementwise: bool = True
    leaf: str = ""
    contributions: tuple = ()  # at a leaf: (from node, gradient) per use
    before: object = None  # leaf .grad before / after this accumulation
    after: object = None
    latex: str = ""


class GraphBuilder:
    """State of the graph-builder widget: an example or a typed expression, variable values, step positions."""

    def __init__(self, example="y = x**2 + 3*x", values=None):
        self.values = {}
        self.load(example, values)

    # ---- choosing what to build ----
    def load(self, example_or_expression, values=None):
        """Pick an example by key (or by its shown formula), or parse a typed expression.

        Raises ExpressionError when the text is refused; the state is then left as it was.
        """
        if isinstance(example_or_expression, str):
            example_or_expression = _FORMULAS.get(example_or_expression.strip(), example_or_expression)
        if example_or_expression in EXAMPLES:
            example = EXAMPLES[example_or_expression]
        else:
            expression = parse(example_or_expression)
            variables = tuple(Variable(v, self._scalar_value(v)) for v in expression.variables)
            example = _expression_example(example_or_expression, "your expression", variables, expression=expression)
        self.example = example
        self.values = {v.name: v.value for v in example.variables}
        self.values.update(values or {})
        self.forward_pos = self.backward_pos = 0
        self._build()

    def _scalar_value(self, name):
        """A typed expression keeps the current value of a scalar variable (vectors of an example do not carry over)."""
        value = self.values.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        return _DEFAULT_VALUES.get(name, 1.0)

    @property
    def key(self):
        return self.example.key

    @property
    def variables(self):
        return self.example.variables

    def slider_entries(self):
        """(entry name, Variable, current value): one per scalar, one per element of a vector."""
        entries = []
        for v in self.variables:
            value = self.values[v.name]
            if isinstance(value, (list, tuple)):
                entries += [(f"{v.name}[{i}]", v, float(x)) for i, x in enumerate(value)]
            else:
                entries.append((v.name, v, float(value)))
        return entries

    def set_value(self, entry, value):
        """Set a variable ("x") or one element of a vector ("a[1]"); rebuilds and keeps the step positions."""
        name, _, index = entry.partition("[")
        if name not in self.values:
            raise KeyError(f"no variable named {name!r}; variables: {', '.join(self.values)}")
        if index:
            vector = list(self.values[name])
            vector[int(index.rstrip("]"))] = float(value) + 0.0  # + 0.0 turns a slider's -0.0 into 0.0
            self.values[name] = vector
        else:
            self.values[name] = float(value) + 0.0
        self._build()

    # ---- the real computation, recorded ----
    def _build(self):
        tensors = {v.name: minigrad.tensor(self.values[v.name], requires_grad=v.requires_grad)
                   for v in self.variables}
        with np.errstate(all="ignore"), record_forward() as forward:
            output, names, labels = self.example.build(tensors)
        if not output.requires_grad:
            raise ExpressionError("the result does not depend on any variable that requires grad")
        self.output, self.tensors, self.names = output, tensors, names
        self.output_name = self.example.output
        self.graph = draw.trace(output, names=names, values=forward, labels=labels)
        self.graph.node("out0").name = self.output_name  # `y = x`: the output is the leaf x itself, named y
        self.same_as = next((n for n, t in tensors.items() if t is output), None)  # `y = x` -> "x"
        self.ops = [op for op in forward.ops if op.node is not None and self.graph.find(op.node) is not None]
        gradient = minigrad.ones_like(output) if self.example.ones_gradient else None
        with np.errstate(all="ignore"), record_backward(local=True) as backward:
            output.backward(gradient=gradient)
        self.steps = backward.steps
        self._name_results()
        self.forward_pos = min(self.forward_pos, len(self.ops))
        self.backward_pos = min(self.backward_pos, len(self.steps))

    def _name_results(self):
        """A readable name for every node's result (variable name, source text, or u1, u2, ...)."""
        self.result_names, unnamed = {}, 0
        root = self.graph.incoming("out0")[0].src
        for op in self.ops:
            n = self.graph.find(op.node)
            if n.id == root:
                self.result_names[n.id] = self.output_name
            elif n.label:
                self.result_names[n.id] = n.label
            else:
                unnamed += 1
                self.result_names[n.id] = f"u{unnamed}"
        for n in self.graph.nodes:
            if n.kind == "accumulate":
                self.result_names[n.id] = self.graph.node("leaf" + n.id[3:]).name

    def _input_name(self, node_id, slot):
        for e in self.graph.incoming(node_id):
            if e.slot == slot:
                return self.result_names.get(e.src, e.src)
        return None

    # ---- stepping ----
    @property
    def forward_done(self):
        return self.forward_pos == len(self.ops)

    @property
    def backward_done(self):
        return self.backward_pos == len(self.steps)

    def forward_step(self):
        """Add the next op (in execution order) to the drawing; None when the forward pass is complete."""
        if self.forward_done:
            return None
        self.forward_pos += 1
        return self.forward_info(self.forward_pos - 1)

    def backward_step(self):
        """Take the next step of the recorded backward pass (finishing the forward pass first if needed)."""
        if not self.forward_done:
            self.forward_pos = len(self.ops)
        if self.backward_done:
            return None
        self.backward_pos += 1
        return self.backward_info(self.backward_pos - 1)

    def run(self):
        """Run all: the whole forward pass, then every backward step."""
        self.forward_pos, self.backward_pos = len(self.ops), len(self.steps)

    def reset(self):
        self.forward_pos = self.backward_pos = 0

    def leaf_grads(self):
        """{leaf name: .grad} as the recorded steps so far left them (final values once backward is done)."""
        grads = {}
        for step in self.steps[:self.backward_pos]:
            if step.leaf is not None:
                grads[self.graph.find(step.leaf).name] = step.leaf_grad_after.numpy().copy()
        return grads

    # ---- what one step shows ----
    def forward_info(self, index):
        op = self.ops[index]
        n = self.graph.find(op.node)
        result = self.result_names[n.id]
        value = op.outputs[0].detach().numpy()
        inputs = [self._forward_input(op, n.id, j) for j in range(len(op.node.next_functions))]
        latex = (rf"$$\texttt{{{_tex(result)}}} = {_tex_value(value)}$$"
                 rf"<div>{html.escape(n.name)} from {html.escape(', '.join(inputs))}: "
                 "its backward node is stored as the result's <code>grad_fn</code>.</div>")
        return ForwardInfo(index, len(self.ops), n.name, n.id, result, value, latex)

    def _forward_input(self, op, node_id, slot):
        name = self._input_name(node_id, slot)
        if name:
            return name
        arg = op.edge_inputs[slot]
        if isinstance(arg, minigrad.Tensor):
            return next((k for k, t in self.names.items() if t is arg), draw.format_value(arg.detach().numpy()))
        return repr(arg)

    def backward_info(self, index):
        step = self.steps[index]
        n = self.graph.find(step.node)
        if step.leaf is not None:
            return self._leaf_info(index, step, n)
        result = self.result_names[n.id]
        shown = [j for j, g in enumerate(step.grad_inputs) if g is not None and self._input_name(n.id, j)]
        inputs = tuple(self._input_name(n.id, j) for j in shown)
        local = tuple(step.local[j].numpy() for j in shown)
        products = tuple(step.grad_inputs[j].numpy() for j in shown)
        incoming = tuple(g.numpy() for g in step.grad_outputs)
        elementwise = len(incoming) == 1 and all(
            l.shape == p.shape == incoming[0].shape and np.allclose(incoming[0] * l, p, equal_nan=True)
            for l, p in zip(local, products))
        info = BackwardInfo(index, len(self.steps), n.name, n.id, "op", incoming, inputs, local, products,
                            elementwise)
        info.latex = self._op_latex(info, result)
        return info

    def _leaf_info(self, index, step, acc):
        leaf = self.graph.node("leaf" + acc.id[3:]).name
        contributions = []
        for e in self.graph.outgoing(acc.id):
            for s in self.steps[:index]:
                if s.node is self.graph.node(e.dst).ref and s.grad_inputs[e.slot] is not None:
                    contributions.append((self.result_names[e.dst], s.grad_inputs[e.slot].numpy()))
        before = None if step.leaf_grad_before is None else step.leaf_grad_before.numpy()
        info = BackwardInfo(index, len(self.steps), "AccumulateGrad", acc.id, "leaf", (step.grad_outputs[0].numpy(),),
                            leaf=leaf, contributions=tuple(contributions), before=before,
                            after=step.leaf_grad_after.numpy())
        parts = " + ".join(_tex_value(g) for _, g in contributions)
        total = _tex_value(info.incoming[0])
        sums = f"{parts} = {total}" if len(contributions) > 1 else total
        info.latex = (rf"$$\frac{{\partial\,\texttt{{{_tex(self.output_name)}}}}}{{\partial\,\texttt{{{_tex(leaf)}}}}}"
                      rf" = {sums} \qquad \texttt{{{_tex(leaf)}.grad}}:\ {_tex_value(before)} \to "
                      rf"{_tex_value(info.after)}$$"
                      f"<div>AccumulateGrad adds the gradient into <code>{html.escape(leaf)}.grad</code>"
                      + (f" ({len(contributions)} uses of {html.escape(leaf)}: their contributions add up)."
                         if len(contributions) > 1 else ".") + "</div>")
        return info

    def _op_latex(self, info, result):
        out, res = _tex(self.output_name), _tex(result)
        incoming = info.incoming[0] if len(info.incoming) == 1 else info.incoming
        rows = [rf"\frac{{\partial\,\texttt{{{out}}}}}{{\partial\,\texttt{{{res}}}}} = {_tex_value(incoming)}"]
        for name, local, product in zip(info.inputs, info.local, info.products):
            inp = _tex(name)
            if info.elementwise:
                rows.append(rf"\frac{{\partial\,\texttt{{{out}}}}}{{\partial\,\texttt{{{inp}}}}}"
                            rf"\Big|_{{\text{{this path}}}} = "
                            rf"\underbrace{{{_tex_value(incoming)}}}_{{\text{{incoming}}}} \times "
                            rf"\underbrace{{{_tex_value(local)}}}_{{\partial\,\texttt{{{res}}} / \partial\,"
                            rf"\texttt{{{inp}}}}} = {_tex_value(product)}")
            else:
                rows.append(rf"\text{{to }}\texttt{{{inp}}}:\ \text{{{_tex(info.name)}}}\big({_tex_value(incoming)}"
                            rf"\big) = {_tex_value(product)} \quad (\text{{local, applied to ones: }}"
                            rf"{_tex_value(local)})")
        note = ("local derivative × incoming gradient, sent to each input" if info.elementwise else
                "a vector-Jacobian product: the node maps the incoming gradient to each input's gradient")
        return ("$$" + r" \\ ".join(rf"\displaystyle {r}" for r in rows).join((r"\begin{gathered}",
                                                                               r"\end{gathered}")) + "$$"
                + f"<div>{html.escape(info.name)}: {note}.</div>")

    # ---- drawing ----
    def highlight_and_graph(self):
        """(TracedGraph with the values shown at this point, Highlight, hidden node ids)."""
        nodes = {n.id: replace(n, lines=[]) for n in self.graph.nodes}
        edges = [replace(e) for e in self.graph.edges]
        hidden, visited, current, lit = set(), set(), None, set()
        if self.backward_pos == 0:
            revealed = [self.graph.find(op.node).id for op in self.ops[:self.forward_pos]]
            shown = set(revealed)
            if self.forward_done:
                shown |= {n.id for n in self.graph.nodes if n.kind == "output"}
            for e in self.graph.edges:  # the leaves feeding what is shown (for `y = x`: x feeds the output)
                if e.dst in shown and e.src.startswith("acc"):
                    shown |= {e.src, "leaf" + e.src[3:]}
            hidden = {n for n in nodes if n not in shown}
            if revealed:
                current, visited = revealed[-1], set(revealed[:-1])
                lit = {(e.src, e.dst) for e in self.graph.incoming(current)}
        else:
            for i, step in enumerate(self.steps[:self.backward_pos]):
                nid = self.graph.find(step.node).id
                if step.leaf is not None:
                    nodes["leaf" + nid[3:]].grad = step.leaf_grad_after.numpy().copy()
                else:
                    nodes[nid].lines.append(f"grad={draw.format_value(step.grad_outputs[0].numpy())}")
                    for e in edges:
                        if e.dst == nid and e.slot is not None and step.grad_inputs[e.slot] is not None:
                            e.label = draw.format_value(step.grad_inputs[e.slot].numpy())
                if i == 0:
                    nodes["out0"].lines.append(f"grad={draw.format_value(step.grad_outputs[0].numpy())}")
                visited.add(nid)
            current = self.graph.find(self.steps[self.backward_pos - 1].node).id
            visited.discard(current)
            lit = {(e.src, e.dst) for e in self.graph.outgoing(current)}
            if current.startswith("acc"):
                lit.add(("leaf" + current[3:], current))
        if self.same_as:
            nodes["out0"].lines.insert(0, f"(the tensor {self.same_as} itself)")
        graph = draw.TracedGraph(list(nodes.values()), edges)
        return graph, draw.Highlight(current, frozenset(visited), frozenset(lit)), frozenset(hidden)

    def drawing(self):
        graph, highlight, hidden = self.highlight_and_graph()
        return draw.Drawing(graph, highlight, hidden)

    def dot(self):
        graph, highlight, hidden = self.highlight_and_graph()
        return draw.to_dot(graph, highlight, hidden)

    def latex(self):
        """The chain-rule panel for the latest step (HTML with $$...$$ for HTMLMath)."""
        if self.backward_pos:
            return self.backward_info(self.backward_pos - 1).latex
        if self.forward_pos:
            return self.forward_info(self.forward_pos - 1).latex
        if not self.ops:
            return f"<div>{html.escape(self.nothing_to_forward())}</div>"
        return "<div>Press <b>Forward</b> to apply the first operation.</div>"

    def nothing_to_forward(self):
        """Why Forward has nothing (more) to apply, and what to press instead."""
        if self.ops:
            return "The forward pass is complete: press Backward to step through the gradients."
        leaf = self.same_as or "the input"
        return (f"{self.output_name} = {leaf} applies no operation: {self.output_name} is the tensor {leaf} itself "
                f"(its grad_fn is None), so the forward pass records nothing. Press Backward: the seed gradient 1 "
                f"goes straight into {leaf}.grad.")

    def status(self):
        if self.backward_pos:
            done = " (done)" if self.backward_done else ""
            return f"Backward step {self.backward_pos} of {len(self.steps)}{done}"
        if self.forward_pos:
            more = " — press Backward" if self.forward_done else ""
            return f"Forward op {self.forward_pos} of {len(self.ops)}{more}"
        more = " (no operation to apply — press Backward)" if not self.ops else ""
        return f"{self.key}: {self.example.description}{more}"

    # ---- values outside a function's domain ----
    def notes(self):
        """Plain-text notes for the values shown so far that a learner would otherwise see bare: inf, nan, -0.

        One note per applied op whose result is inf/nan although its inputs are finite (log of 0, division by
        0, ...), one per backward step taken whose gradient turns inf there, and one about signed zeros.
        """
        notes, flagged, negative_zero = [], set(), False
        applied = self.ops if self.backward_pos else self.ops[:self.forward_pos]
        for op in applied:
            value = np.asarray(op.outputs[0]._data)
            negative_zero |= _has_negative_zero(value)
            inputs = [_array(a) for a in op.inputs if isinstance(a, (minigrad.Tensor, int, float))]
            if not np.all(np.isfinite(value)) and all(np.all(np.isfinite(a)) for a in inputs):
                notes.append(self._domain_note(op, value))
                flagged.add(op.node)
        for step in self.steps[:self.backward_pos]:
            if step.leaf is not None:
                continue
            incoming = [g._data for g in step.grad_outputs if g is not None]
            sent = [g._data for g in step.grad_inputs if g is not None]
            negative_zero |= any(_has_negative_zero(g) for g in sent)
            blown_up = not all(np.all(np.isfinite(g)) for g in sent)
            # a nan gradient from an op whose value is already nan needs no second note; an inf one (log at 0) does
            only_nan = not any(np.any(np.isinf(g)) for g in sent)
            if blown_up and all(np.all(np.isfinite(g)) for g in incoming) and not (step.node in flagged and only_nan):
                notes.append(self._slope_note(step, sent))
        values = [np.asarray(v, dtype=np.float32) for v in self.values.values()]
        if negative_zero or any(_has_negative_zero(v) for v in values):
            notes.append("-0. is a zero with a minus sign (floats keep the sign of a zero); it equals 0.")
        return notes

    def _domain_note(self, op, value):
        name = op.node.name()
        result = self.result_names.get(self.graph.find(op.node).id, "the result")
        args = [self._describe(a) for a in op.inputs]
        head = f"{result} = {_number(value)}"
        if name.startswith("Log"):
            return (f"{head} because log is defined only for inputs > 0 and here its input is {args[0]} "
                    "(log(0) = -inf; the log of a negative number is nan).")
        if name.startswith(("Div", "Reciprocal")):
            return f"{head}: division by zero, the divisor is {args[-1]} (a/0 is ±inf; 0/0 is nan)."
        if name.startswith("Pow"):
            return (f"{head}: ({args[0]}) ** ({args[1]}) is not a finite real number (0 to a negative power is inf; "
                    "a negative number to a fractional power is nan; or the result is too large for float32).")
        if name.startswith("Exp"):
            return f"{head}: exp overflows float32 for inputs above about 88.7, and here its input is {args[0]}."
        return (f"{head}: the result is too large for float32 (about 3.4e38 at most) or undefined "
                "(inf - inf and 0 × inf are nan).")

    def _slope_note(self, step, sent):
        n = self.graph.find(step.node)
        why = {"Log": "d/du log(u) = 1/u is infinite at u = 0",
               "Pow": "d/du u**p = p·u**(p-1) is infinite at u = 0 when p < 1",
               "Div": "d/du 1/u = -1/u² is infinite at u = 0", "Reciprocal": "d/du 1/u = -1/u² is infinite at u = 0",
               "Exp": "the slope of exp is exp itself, which is too large for float32 here"}
        reason = next((text for prefix, text in why.items() if n.name.startswith(prefix)), "")
        return (f"{n.name} sends a gradient of {_number(sent)} to its input{'s' if len(sent) > 1 else ''}: "
                f"the slope of "
                f"{self.result_names[n.id]} there is not finite" + (f" ({reason})" if reason else "")
                + ", and every gradient further down inherits it.")

    def _describe(self, arg):
        """'x-2 = 0' for a named tensor, the number alone for a constant."""
        if not isinstance(arg, minigrad.Tensor):
            return _number(arg)
        name = next((k for k, t in self.names.items() if t is arg), None)
        if name is None and arg.grad_fn is not None and self.graph.find(arg.grad_fn) is not None:
            name = self.result_names.get(self.graph.find(arg.grad_fn).id)
        return f"{name} = {_number(arg._data)}" if name else _number(arg._data)


def _array(value):
    return value._data if isinstance(value, minigrad.Tensor) else np.asarray(value, dtype=np.float64)


def _has_negative_zero(array):
    array = np.asarray(array)
    return bool(np.any((array == 0) & np.signbit(array)))


def _number(value):
    """Numbers for a sentence: 0, -2, 0.5, inf, [1, nan] (no trailing '.' that would end the sentence)."""
    if isinstance(value, (list, tuple)):
        return ", ".join(_number(v) for v in value)
    array = np.asarray(value, dtype=np.float64)
    if array.size > draw.MAX_SHOWN_ELEMENTS:
        return f"<{'x'.join(map(str, array.shape))} values>"
    text = [f"{v:.4g}" for v in array.ravel()]
    return text[0] if array.ndim == 0 else "[" + ", ".join(text) + "]"


_TEX_ESCAPES = str.maketrans({"_": r"\_", "%": r"\%", "&": r"\&", "#": r"\#", "{": r"\{", "}": r"\}",
                              "$": r"\$", "^": r"\^{}", "~": r"\~{}", "\\": r"\backslash "})


def _tex(text):
    return html.escape(str(text).translate(_TEX_ESCAPES), quote=False)


def _tex_value(array):
    return r"\text{" + _tex(draw.format_value(array)).replace("\n", " ") + "}"


# ---- the ipywidgets view ----

class BuilderView:
    """The widget: example picker, expression box, sliders, Forward/Backward/Run all/Reset, graph, math panel.

    The graph and the chain-rule panel share a row that wraps: a wide graph (the 2-layer MLP) scales down to the
    row's width and the panel moves below it instead of being pushed off the right edge.
    """

    def __init__(self, state):
        import ipywidgets as w
        self.state, self._w = state, w
        self.examples = w.Dropdown(options=list(EXAMPLES), value=state.key if state.key in EXAMPLES else None,
                                   description="Example")
        self.expression = w.Text(value=state.example.text, placeholder="or type one, e.g. y = sin(x) * x**2",
                                 layout=w.Layout(width="auto", flex="1 1 320px", min_width="200px"))
        self.expression.add_class("course-expression")
        self.build = w.Button(description="Build")
        self.forward = w.Button(description="Forward", tooltip="apply the next operation")
        self.backward = w.Button(description="Backward", tooltip="take one step of the real backward pass")
        self.run_all = w.Button(description="Run all")
        self.reset = w.Button(description="Reset")
        self.sliders = w.VBox()
        self.message = w.HTML()
        self.message.add_class("course-message")
        self.status = w.HTML()
        self.notes = w.HTML(layout=w.Layout(max_width="100%"))
        self.notes.add_class("course-notes")
        self.graph = w.HTML(layout=w.Layout(flex="0 1 auto", max_width="100%", overflow="auto"))
        self.graph.add_class("course-graph")
        self.math = w.HTMLMath(layout=w.Layout(flex="1 1 360px", min_width="280px", max_width="100%",
                                               overflow="auto"))
        self.math.add_class("course-math")
        self.examples.observe(self._on_example, names="value")
        self.build.on_click(lambda _: self._on_build())
        self.forward.on_click(lambda _: self._on_forward())
        self.backward.on_click(lambda _: self._act(state.backward_step))
        self.run_all.on_click(lambda _: self._act(state.run))
        self.reset.on_click(lambda _: self._act(state.reset))
        row = w.Layout(flex_flow="row wrap", align_items="flex-start", width="100%")
        self.widget = w.VBox([
            w.HBox([self.examples, self.expression, self.build], layout=w.Layout(flex_flow="row wrap")),
            self.message, self.sliders,
            w.HBox([self.forward, self.backward, self.run_all, self.reset], layout=w.Layout(flex_flow="row wrap")),
            self.status, self.notes,
            w.HBox([self.graph, self.math], layout=row),
        ], layout=w.Layout(max_width="100%"))
        self.widget.add_class("course-builder")
        self._make_sliders()
        self.refresh()

    def _make_sliders(self):
        w = self._w
        sliders = []
        for entry, var, value in self.state.slider_entries():
            slider = w.FloatSlider(value=value, min=min(var.low, value), max=max(var.high, value), step=var.step,
                                   description=entry, continuous_update=False)
            slider.observe(lambda change, entry=entry: self._on_slider(entry, change["new"]), names="value")
            sliders.append(slider)
        self.sliders.children = sliders

    def _on_slider(self, entry, value):
        self.state.set_value(entry, value)
        self.refresh()

    def _on_example(self, change):
        if change["new"] is None:
            return
        self.state.load(change["new"])
        self.expression.value = self.state.example.text
        self.message.value = ""
        self._make_sliders()
        self.refresh()

    def _show_example(self, key):
        """Point the dropdown at `key` (None for a typed expression) without reloading."""
        self.examples.unobserve(self._on_example, names="value")
        self.examples.value = key
        self.examples.observe(self._on_example, names="value")

    def _on_build(self):
        text = self.expression.value
        try:
            self.state.load(text)
        except ExpressionError as error:
            self.message.value = f'<span style="color:#b00020">Not built: {html.escape(str(error))}</span>'
            return
        self.message.value = f"Built <code>{html.escape(self.state.example.text)}</code>."
        self._show_example(self.state.key if self.state.key in EXAMPLES else None)
        self._make_sliders()
        self.refresh()

    def _on_forward(self):
        info = self.state.forward_step()
        self.message.value = "" if info is not None else html.escape(self.state.nothing_to_forward())
        self.refresh()

    def _act(self, method):
        method()
        self.message.value = ""
        self.refresh()

    def refresh(self):
        self.graph.value = _scalable(self.state.drawing().html())
        self.math.value = self.state.latex()
        self.status.value = f"<b>{html.escape(self.state.status())}</b>"
        notes = self.state.notes()
        self.notes.value = "".join(f'<div style="color:#8a4b00">⚠ {html.escape(n)}</div>' for n in notes)
        self.notes.layout.display = None if notes else "none"

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The live widget, plus a static picture of the finished run for viewers without a kernel.

        The picture is SVG and PNG (shown in untrusted notebooks), or the text view without Graphviz.
        """
        bundle = self.widget._repr_mimebundle_()
        saved = self.state.forward_pos, self.state.backward_pos
        self.state.run()
        snapshot = self.state.drawing()
        self.state.forward_pos, self.state.backward_pos = saved
        data, metadata = snapshot.mimebundle()
        data.pop("text/plain", None)
        bundle.update(data)
        bundle["text/plain"] = (f"Graph builder: {self.state.key} (run the notebook to step through it; "
                                "the picture shows the finished backward pass)")
        return bundle, metadata


def _scalable(markup):
    """Let a Graphviz SVG shrink to its panel's width (it keeps its aspect ratio through its viewBox)."""
    if markup.startswith("<svg"):
        return '<svg style="max-width:100%;height:auto"' + markup[4:]
    return markup


def graph_builder(example="y = x**2 + 3*x", values=None):
    """The graph-builder widget; `example` is a key of EXAMPLES or an expression like 'y = sin(x) * x'."""
    return BuilderView(GraphBuilder(example, values))
