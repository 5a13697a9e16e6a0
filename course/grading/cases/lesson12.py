"""Hidden cases for practice 12 · Build your own autograd (capstone A).

12.4 checks a class the learner returns, so the expressions are built and differentiated in the case's `key`, after
the answer call. The checker applies its time and output limits to the answer call only; `_Runner` applies the same
limits (checker's own helpers, one budget per check) to that work and turns an error or a stop into a `_Raised`
value, so the feedback line names it and a typical error gets its own hint.
"""
import os
import random
import time
from functools import partial

import numpy as np

import minigrad as torch
from course.grading import checker
from course.grading.checker import Case, exercise, same, tuple_part
from minigrad.autograd import forward_ad

# ------------------------------------------------------------------------------ 12.1 passes for a Jacobian

def _count_passes(n, m, seed):
    """Build the m×n Jacobian of x -> tanh(W x) both ways with minigrad, counting passes: forward mode (one
    jvp per input direction, a column each) and reverse mode (one backward per output, a row each)."""
    rng = np.random.default_rng(seed)
    weights = torch.tensor(rng.standard_normal((m, n)), dtype=torch.float64)
    point = torch.tensor(rng.standard_normal(n), dtype=torch.float64)

    def f(x):
        return torch.tanh(weights @ x)

    columns = []
    with forward_ad.dual_level():
        for j in range(n):
            direction = torch.zeros(n, dtype=torch.float64)
            direction[j] = 1.0
            columns.append(forward_ad.unpack_dual(f(forward_ad.make_dual(point, direction))).tangent)
    rows = []
    for i in range(m):
        x = point.clone().requires_grad_()
        f(x)[i].backward()
        rows.append(x.grad)
    jacobian = torch.autograd.functional.jacobian(f, point)
    assert torch.allclose(torch.stack(columns, dim=1), jacobian) and torch.allclose(torch.stack(rows), jacobian)
    return len(columns), len(rows)


SWAPPED_HINT = ("swapped: forward mode needs a pass per INPUT (a column of J each), reverse mode a pass per OUTPUT "
                "(a row of J each).")
SINGLE_PASS_HINT = "one pass gives a single column (forward) or a single row (reverse) of J, not all of it."


@exercise("12.1", returns="a pair (forward_passes, reverse_passes) of whole numbers",
          hint="one forward pass (a dual number seeded along one input) gives one column of the Jacobian; one "
               "backward pass (seeded at one output) gives one row.")
def passes_for_jacobian():
    for seed, (n, m) in enumerate(((5, 1), (1, 3), (3, 40), (6, 6), (50, 1), (2, 7))):
        forward, reverse = _count_passes(n, m, seed)
        mistakes = ((reverse, forward), SWAPPED_HINT), ((1, 1), SINGLE_PASS_HINT)
        yield Case(f"n = {n}, m = {m}", (n, m), (forward, reverse), "(forward_passes, reverse_passes)",
                   tuple_part(2, "pair")(slice(None)), mistakes=mistakes if (n, m) != (1, 1) else ())


# ------------------------------------------------------------------------------ 12.2 dual numbers

class _Traced:
    """The function handed to the learner: it records the type of every argument it is called with."""

    def __init__(self, function, text):
        self.function, self.text, self.calls = function, text, []

    def __call__(self, x):
        self.calls.append(type(x).__name__)
        return self.function(x)

    def __repr__(self):
        return f"<function f(x) = {self.text}>"


def _value_and_slope(function, x0):
    """f(x0) and f'(x0) by minigrad's reverse mode in float64: the reference."""
    x = torch.tensor(float(x0), dtype=torch.float64, requires_grad=True)
    y = function(x)
    y.backward()
    return y.item(), x.grad.item()


# (text, function, x0, typical wrong derivatives): each function uses only what the task lists
DUAL_FUNCTIONS = (
    ("x * x", lambda x: x * x, 3.0,
     ((1.0, "product rule: the tangent of u·v is u'·v + u·v', not u'·v'."),
      (3.0, "product rule: the tangent of u·v has two terms, u'·v + u·v'."))),
    ("x ** 3 + x.sin()", lambda x: x**3 + x.sin(), 2.0, ()),
    ("3 * x * x - 2 * x + 1", lambda x: 3 * x * x - 2 * x + 1, -1.5, ()),
    ("(x * x + 1) ** 2", lambda x: (x * x + 1) ** 2, 1.5,
     ((2 * (1.5**2 + 1), "the power rule is chained too: the tangent of u**n is n·u**(n-1)·u', times the "
                         "tangent u' of the inside."),)),
    ("x.exp() - x ** 2", lambda x: x.exp() - x**2, 1.0, ()),
    ("1 - x.sin() * x.exp()", lambda x: 1 - x.sin() * x.exp(), 0.7, ()),
    ("-(x ** -1)", lambda x: -(x**-1), 4.0, ()),
)

DUAL_RULES = ("check each rule: sum u' + v'; product u'·v + u·v'; power n·u**(n-1)·u'; sin(u) gives cos(u)·u'; "
              "exp(u) gives exp(u)·u'.")
REFLECTED_HINT = ("a number on the left (2 * x, 1 - x) calls int.__mul__ or float.__sub__ first, which does not "
                  "know your class; Python then tries the reflected method: define __radd__, __rmul__ and "
                  "__rsub__.")


@exercise("12.2", returns="a pair (value, derivative) of numbers",
          hint="wrap x0 as a dual number with tangent 1, call f on it once, return its value and its tangent.",
          error_hints=(("unsupported operand", REFLECTED_HINT),
                       ("has no attribute 'sin'", "give your dual number a sin() method: sin(u) has tangent "
                                                  "cos(u)·u'."),
                       ("has no attribute 'exp'", "give your dual number an exp() method: exp(u) has tangent "
                                                  "exp(u)·u'."),
                       ("bad operand type for unary -", "define __neg__ for -x (the tangent changes sign too).")))
def value_and_derivative():
    pair = tuple_part(2, "pair")
    for text, function, x0, wrong in DUAL_FUNCTIONS:
        value, slope = _value_and_slope(function, x0)
        label = f"f(x) = {text}, x0 = {x0:g}"
        traced = {}

        def args(function=function, text=text, x0=x0, traced=traced):
            traced["f"] = _Traced(function, text)
            return traced["f"], x0

        yield Case(label, args, value, "value", pair(0), hint="the value part of f(dual) is f(x0) itself.")
        yield Case(label, args, slope, "derivative", pair(1), hint=DUAL_RULES,
                   mistakes=wrong + ((0.0, "seed the tangent with 1: a dual number (x0, 1) asks how f moves when x "
                                           "moves."),
                                     (value, "that is f(x0); the derivative is the tangent part of f's result.")))
        yield Case(label, args, 1, "number of calls of f", lambda r, traced=traced: len(traced["f"].calls),
                   mistakes=((2, "two calls look like a difference quotient; forward mode needs one call of f on a "
                                 "dual number."),),
                   hint="call f exactly once, on your dual number: one forward pass gives the derivative.")
        yield Case(label, args, True, "f called with your dual number (not a tensor)",
                   lambda r, traced=traced: "Tensor" not in traced["f"].calls,
                   hint="that is minigrad's autograd; here the derivative must come from your own dual number "
                        "carried through f.")


# ------------------------------------------------------------------------------ 12.3 topological order

class Node:
    """A graph node as the lesson's MiniTensor keeps it: a name, and the nodes it was computed from (._parents)."""

    def __init__(self, name, parents=()):
        self.name, self._parents = name, tuple(parents)

    def __repr__(self):
        return self.name


def _reference_order(root):
    """Every node reachable from root once, each after its parents: an explicit stack, no recursion."""
    order, visited, stack = [], set(), [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            stack.extend((parent, False) for parent in reversed(node._parents))
    return order


def _entries_without_visited_set(root):
    """How many entries a walk that never remembers what it has seen would list: every path to the root once."""
    paths = {}
    for node in _reference_order(root):
        paths[node] = 1 + sum(paths[parent] for parent in node._parents)
    return paths[root]


def _leaf():
    return Node("a")


def _sum_of_two():
    a, b = Node("a"), Node("b")
    return Node("c", (a, b))


def _reused():
    a = Node("a")
    return Node("b", (a, a))


def _reused_twice():
    a = Node("a")
    b = Node("b", (a, a))
    return Node("c", (b, b))


def _curriculum():
    a, b = Node("a"), Node("b")
    c = Node("c", (a, b))
    return Node("d", (c, a))


def _diamond():
    a = Node("a")
    x = Node("x", (a,))
    y = Node("y", (x, x))
    return Node("z", (y, x))


def _ladder(levels=12):
    node = Node("a")
    for k in range(1, levels + 1):
        node = Node(f"b{k}", (node, node))
    return node


def _chain(length=5000):
    node = Node("a")
    for k in range(1, length + 1):
        node = Node(f"x{k}", (node,))
    return node


def _random_graph(size=300, seed=12):
    rng = random.Random(seed)
    nodes = [Node(f"n{k}") for k in range(5)]
    for k in range(5, size):
        window = nodes[max(0, k - 12):k]
        nodes.append(Node(f"n{k}", rng.sample(window, rng.randint(1, 3))))
    used = {parent for node in nodes for parent in node._parents}
    return Node("root", [node for node in nodes if node not in used])


GRAPHS = (
    ("a (a leaf alone)", _leaf),
    ("c = a + b", _sum_of_two),
    ("b = a + a", _reused),
    ("b = a + a; c = b + b", _reused_twice),
    ("a, b; c = a + b; d = c * a", _curriculum),
    ("x = 3 * a; y = x * x; z = y + x", _diamond),
    ("b1 = a + a; b2 = b1 + b1; ... up to b12", _ladder),
    ("a chain of 5,000 ops: x1 = f(a), x2 = f(x1), ...", _chain),
    ("a random graph of 300 nodes", _random_graph),
)

RECURSION_HINT = ("a recursive sort goes one call deeper per node, and 5,000 ops in a row pass Python's recursion "
                  "limit: keep the nodes still to visit on a list of your own (a stack) and loop while it is not "
                  "empty.")


def _fresh_graph(build):
    """A new graph for every call, so an answer that changes the nodes cannot spoil the next case."""
    return (build(),)


def _node_list(result):
    if not isinstance(result, (list, tuple)) or not all(isinstance(node, Node) for node in result):
        raise TypeError("not a list of nodes")
    return list(result)


def _where_is(name, result):
    names = [node.name for node in _node_list(result)]
    if name not in names:
        return "missing"
    return "last" if names[-1] == name else "first" if names[0] == name else f"at index {names.index(name)}"


def _parents_first(result):
    position = {}
    for index, node in enumerate(_node_list(result)):
        position.setdefault(node, index)
    return all(parent in position and position[parent] < position[node]
               for node in position for parent in node._parents)


@exercise("12.3", returns="a list of the graph's nodes",
          hint="walk from root through ._parents with a stack and a visited set; add a node once all its parents "
               "are in the list.",
          error_hints=((RecursionError, RECURSION_HINT),
                       ("object has no attribute", "the nodes keep their inputs in ._parents (a tuple), as the "
                                                   "lesson's MiniTensor does.")))
def topological_order():
    for label, build in GRAPHS:
        root = build()
        order = _reference_order(root)
        without_visited = _entries_without_visited_set(root)
        args = partial(_fresh_graph, build)
        mistakes = ((without_visited, "some nodes are listed more than once: a node reached along two paths "
                                      "must be added once; keep a set of the nodes already visited."),
                    ) if without_visited != len(order) else ()
        yield Case(label, args, len(order), "number of nodes in your list", lambda r: len(_node_list(r)),
                   mistakes=mistakes,
                   hint="list every node that root depends on (root too), each exactly once.")
        yield Case(label, args, {node.name for node in order}, "the nodes in your list",
                   lambda r: {node.name for node in _node_list(r)},
                   hint="follow ._parents from every node you visit, not only from root.")
        yield Case(label, args, "last", "where root is in your list", partial(_where_is, root.name),
                   mistakes=(("first", "the list runs the other way: parents first, root last (backward() then "
                                       "walks it reversed)."),),
                   hint="root comes last: it is computed from all the others.")
        yield Case(label, args, True, "every node after all of its parents", _parents_first,
                   hint="add a node to the list only after all of its parents are in it (after its whole "
                        "subtree is done), not when you first reach it.")


# ------------------------------------------------------------------------------ 12.4 the MiniTensor challenge

class _Raised:
    """What an expression did instead of giving gradients: raised an error, or was stopped."""

    def __init__(self, kind, message):
        self.kind, self.message = kind, " ".join(str(message).split())

    def __repr__(self):
        if self.kind == "stopped" or not self.message:
            return self.message or self.kind
        return f"{self.kind}: {self.message}"


class _Raising:
    """A typical error, used as a mistake: matches a _Raised of that kind whose message holds the fragment."""

    def __init__(self, kind, fragment=""):
        self.kind, self.fragment = kind, fragment

    def matches(self, got):
        return isinstance(got, _Raised) and got.kind == self.kind and self.fragment in got.message


def _same_or_raised(got, expected):
    if isinstance(expected, _Raising):
        return expected.matches(got)
    return not isinstance(got, _Raised) and same(got, expected)


def _check_seconds():
    """The check's own time budget (as checker.run_check computes it)."""
    seconds = checker.DEFAULT_TIME_LIMIT
    if os.environ.get("COURSE_CHECK_SECONDS"):
        seconds = min(seconds, float(os.environ["COURSE_CHECK_SECONDS"]))
    return seconds


class _Runner:
    """Runs expressions with the learner's class under one time and output budget per check."""

    def __init__(self):
        self.seconds, self.spent = _check_seconds(), 0.0
        self.output = {"written": 0, "lines": 0, "cut": False}

    def key(self, program):
        def run(result):
            if not isinstance(result, type):
                raise TypeError("not a class")
            return self.run(program, result)
        return run

    def run(self, program, cls):
        start = time.monotonic()
        try:
            with checker.time_limit_for(max(self.seconds - self.spent, 0.001)), checker.bounded_output(self.output):
                return program(cls)
        except checker.TimeUp:
            return _Raised("stopped", f"stopped: still running after {self.seconds:g} s")
        except checker.OutputFlood:
            return _Raised("stopped", f"stopped: printed more than {checker.OUTPUT_LIMIT:,} characters")
        except KeyboardInterrupt:
            raise
        except Exception as error:  # the learner's error, shown to them as the value they got
            return _Raised(type(error).__name__, error)
        finally:
            self.spent += time.monotonic() - start


def _minigrad_leaf(value):
    return torch.tensor(float(value), dtype=torch.float64, requires_grad=True)


def _grads(program, make_leaf, backward_calls=1):
    """Build program's expression from leaves made by make_leaf, call backward, return the leaves' grads."""
    root, leaves = program(make_leaf)
    for call in range(backward_calls):
        if isinstance(root, torch.Tensor):
            root.backward(retain_graph=call < backward_calls - 1)
        else:
            root.backward()
    grads = tuple(leaf.grad.item() if isinstance(leaf.grad, torch.Tensor) else leaf.grad for leaf in leaves)
    return grads if len(grads) > 1 else grads[0]


def _grads_of_class(program, calls, cls):
    return _grads(program, cls, calls)


def _program_reused(leaf):
    a = leaf(2.0)
    return a + a, (a,)


def _program_reused_twice(leaf):
    a = leaf(2.0)
    b = a + a
    return b + b, (a,)


def _program_curriculum(leaf):
    a, b = leaf(2.0), leaf(3.0)
    c = a + b
    return c * a, (a, b)


def _program_product(leaf):
    a, b = leaf(2.0), leaf(-4.0)
    return a * b, (a, b)


def _program_diamond(leaf):
    a = leaf(2.0)
    x = a * 3
    y = x * x
    return y + x, (a,)


def _program_numbers_left(leaf):
    a = leaf(2.0)
    return 3 * a + 1, (a,)


def _program_sum(leaf):
    a, b, c = leaf(1.0), leaf(2.0), leaf(3.0)
    return sum([a, b, c]) * b, (a, b, c)


def _program_subtract(leaf):
    a, b = leaf(5.0), leaf(2.0)
    return 10 - (a - b) * b, (a, b)


def _program_negate(leaf):
    a = leaf(1.5)
    return -a * a, (a,)


def _program_power(leaf):
    a = leaf(1.5)
    return a**3 + a**-1, (a,)


def _program_two_paths(leaf):
    a, b = leaf(3.0), leaf(2.0)
    return (a + b) * 1.0, (a, b)


def _program_chain(leaf):
    a = leaf(1.0)
    x = a
    for _ in range(5000):
        x = x * 0.999
    return x, (a,)


def _program_neuron_like(point):
    def program(leaf):
        x, y, z = (leaf(v) for v in point)
        return (x * y + z) ** 2 - 3 * x * z + y, (x, y, z)
    return program


def _leaf_state(cls):
    a = cls(2.0)
    return a.data, a.grad


ASSIGN_HINT = ("a node used twice gets a gradient along each use, and they add up: use += (not =) in every "
               "local backward rule.")
STALE_HINT = ("one backward() was right, the second is off: the intermediate nodes kept their grad from the first "
              "call, so the second pushes old values down again. Reset the grad of every non-leaf node to 0 at "
              "the start of backward() (the leaves keep theirs and accumulate, as in PyTorch).")
TYPICAL_ERRORS = (
    (_Raising("RecursionError"), RECURSION_HINT),
    (_Raising("AttributeError", "'NoneType' object"), "an op returned None: every op must return its output node "
                                                      "(return out)."),
    (_Raising("TypeError", "unsupported operand"), REFLECTED_HINT + " sum() starts from 0, so it needs __radd__."),
    (_Raising("TypeError", "bad operand type for unary -"), "define __neg__ (-a is a * -1)."),
    (_Raising("AttributeError", "object has no attribute 'backward'"), "give your class a backward() method."),
    (_Raising("AttributeError", "has no attribute 'data'"), "keep the number in .data, as the lesson does."),
    (_Raising("AttributeError", "has no attribute 'grad'"), "every MiniTensor starts with .grad = 0.0."),
    (_Raising("NotImplementedError"), "your class calls a function that is not written yet (topological_order "
                                      "from 12.3?): write that first, or sort inside backward()."),
    (_Raising("stopped", "printed more"), "a print inside a loop? Remove it and run again."),
    (_Raising("stopped", "still running"), "look for a loop whose condition never changes (a node pushed onto the "
                                           "stack again and again?)."),
)

# (label, program, backward calls, hint, extra typical mistakes)
MINITENSOR_CASES = (
    ("a = 2, b = -4; c = a * b; c.backward()", _program_product, 1,
     "the local rule of c = a * b: a.grad += b.data * c.grad and b.grad += a.data * c.grad.", ()),
    ("a = 2; b = a + a; b.backward()", _program_reused, 1, ASSIGN_HINT, ()),
    ("a = 2; b = a + a; c = b + b; c.backward()", _program_reused_twice, 1, ASSIGN_HINT, ()),
    ("a = 2, b = 3; c = a + b; d = c * a; d.backward()", _program_curriculum, 1,
     "a reaches d along two paths, directly (∂d/∂a = c = 5) and through c (∂d/∂c · ∂c/∂a = a = 2): 5 + 2 = 7. "
     "Use += in every local rule, and run the rules in reverse topological order.", ()),
    ("a = 2; x = a * 3; y = x * x; z = y + x; z.backward()", _program_diamond, 1,
     "x feeds y and z: run a node's rule only after every node that uses it has run (reverse topological order).",
     ()),
    ("a = 2; b = 3 * a + 1; b.backward()", _program_numbers_left, 1, REFLECTED_HINT, ()),
    ("a, b, c = 1, 2, 3; d = sum([a, b, c]) * b; d.backward()", _program_sum, 1,
     "sum() starts from 0 + a: define __radd__.", ()),
    ("a = 5, b = 2; c = 10 - (a - b) * b; c.backward()", _program_subtract, 1,
     "build subtraction from the ops you have: a - b is a + (-1 * b), and 10 - x needs __rsub__.", ()),
    ("a = 1.5; b = -a * a; b.backward()", _program_negate, 1, "-a is a * -1 (define __neg__).", ()),
    ("a = 1.5; b = a ** 3 + a ** -1; b.backward()", _program_power, 1,
     "the local rule of a ** n (n a number): a.grad += n * a.data ** (n - 1) * out.grad.", ()),
    ("a = 1; x = a; 5,000 times: x = x * 0.999; x.backward()", _program_chain, 1, RECURSION_HINT, ()),
    ("a = 3, b = 2; e = (a + b) * 1.0; e.backward() twice", _program_two_paths, 2, STALE_HINT, "once"),
    ("a = 2, b = 3; c = a + b; d = c * a; d.backward() twice", _program_curriculum, 2, STALE_HINT, "once"),
)


@exercise("12.4", returns="a class (your MiniTensor)",
          hint="compare with the lesson: each op makes an output node with a local _backward rule (+=); backward() "
               "orders the graph, resets the intermediate grads, seeds 1.0 and runs the rules in reverse order.")
def minitensor_class():
    runner = _Runner()
    compare = _same_or_raised
    yield Case("a = MiniTensor(2.0)", (), (2.0, 0.0), "(a.data, a.grad)", runner.key(_leaf_state),
               compare=compare, mistakes=TYPICAL_ERRORS,
               hint="MiniTensor(2.0) holds data = 2.0 and starts with grad = 0.0.")
    for label, program, calls, hint, extra in MINITENSOR_CASES:
        expected = _grads(program, _minigrad_leaf, calls)
        if isinstance(expected, tuple):
            what = "(" + ", ".join(f"{name}.grad" for name in "abc"[:len(expected)]) + ")"
        else:
            what = "a.grad"
        mistakes = TYPICAL_ERRORS
        if extra == "once":
            once = _grads(program, _minigrad_leaf, 1)
            mistakes = ((once, "the leaves must accumulate over backward() calls, as in PyTorch: reset only the "
                               "intermediate nodes' grads, not the leaves'."),) + mistakes
        run = runner.key(partial(_grads_of_class, program, calls))
        yield Case(label, (), expected, what, run,
                   compare=compare, mistakes=mistakes, hint=hint)
    rng = np.random.default_rng(4)
    for point in np.round(rng.uniform(-2, 2, (5, 3)), 3).tolist():
        program = _program_neuron_like(point)
        label = f"x, y, z = {point[0]:g}, {point[1]:g}, {point[2]:g}; f = (x * y + z) ** 2 - 3 * x * z + y"
        yield Case(label, (), _grads(program, _minigrad_leaf), "(x.grad, y.grad, z.grad)",
                   runner.key(partial(_grads_of_class, program, 1)),
                   compare=compare, mistakes=TYPICAL_ERRORS,
                   hint="compare each local rule with the lesson's; test your class on a + a and on the lesson's "
                        "example first.")

