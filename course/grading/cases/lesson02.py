"""Hidden cases for practice 02 · The computational graph."""
from functools import partial

import minigrad as torch
from course.grading.checker import Case, exercise

# ------------------------------------------------------------------------------------------- walking the graph


def _nodes(output):
    """Every node behind `output`, each once (the reference walk: a visited set over next_functions)."""
    found, seen, stack = [], set(), [output.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        found.append(node)
        stack.extend(child for child, _ in node.next_functions)
    return found


def _preorder(node, name=lambda n: n.name(), keep_none=True, parents_first=True):
    """Names in depth-first order, as the lesson's show_graph prints them; the keyword arguments build the
    typical wrong orders and spellings the hints answer."""
    if node is None:
        return [None] if keep_none else []
    below = [entry for child, _ in node.next_functions
             for entry in _preorder(child, name, keep_none, parents_first)]
    return [name(node)] + below if parents_first else below + [name(node)]


def _paths_to(output, name):
    """How many times a tree walk without a visited set meets `name`: the count of paths, not of nodes."""
    def walk(node):
        if node is None:
            return 0
        return (node.name() == name) + sum(walk(child) for child, _ in node.next_functions)
    return walk(output.grad_fn)


# --------------------------------------------------------------------------------------------- 02.1 define-by-run

def grow(x):
    """The function of question 02.1, as its task cell shows it."""
    y = x * 2
    while y.norm() < 1000:
        y = y * 2
    return y


GROW_HINTS = {
    "a": "nothing is compiled ahead: every call records a new graph while it runs, so the loop can run a different "
         "number of times for each input.",
    "b": "",
    "c": "each y = y * 2 that runs is a recorded multiply: the graph gets one MulBackward0 per pass of the loop.",
    "d": "a Python while or if that looks at a tensor's value is fine: autograd records the ops that ran.",
}


def _grow_letter():
    """Run the question's two calls and read off which statement holds."""
    count = {}
    for label, start in (("a", [1.0, 1.0]), ("b", [100.0, 100.0])):
        out = grow(torch.tensor(start, requires_grad=True))
        count[label] = sum(node.name() == "MulBackward0" for node in _nodes(out))
    if count["a"] > count["b"]:
        return "b"
    return "c" if count["a"] == count["b"] == 1 else "a"


def _one_letter(answer):
    if not isinstance(answer, str):
        raise TypeError("not a letter")
    return answer.strip().lower().strip("()")


@exercise("02.1", returns='one letter, "a" to "d"')
def one_function_two_graphs():
    right = _grow_letter()
    yield Case("your letter", (), right, "the letter", _one_letter,
               mistakes=tuple((letter, hint) for letter, hint in GROW_HINTS.items() if letter != right),
               hint="answer with one of the letters a, b, c, d.")


# --------------------------------------------------------------------------------------------- 02.2 stay in the graph

POINTS = ((1.0, 1.0), (2.0, 0.5), (0.5, -2.0), (3.0, 0.0))


def _fresh_inputs(radius, angle, holder):
    """New leaves for every call; the holder lets the gradient cases find them again."""
    r = torch.tensor(radius, requires_grad=True)
    a = torch.tensor(angle, requires_grad=True)
    holder.clear()
    holder.update(radius=r, angle=a)
    return r, a


def _input_grads(point, holder):
    """(radius.grad, angle.grad) after point.sum().backward(), computed once per call of the answer."""
    if "grads" not in holder:
        point.sum().backward()
        holder["grads"] = (holder["radius"].grad, holder["angle"].grad)
    return holder["grads"]


def _type_name(value):
    return type(value).__name__


@exercise("02.2", returns="a tensor of shape (2,)",
          hint="compute radius * cos(angle) and radius * sin(angle) with tensor ops, then join them with "
               "torch.stack.")
def point_on_circle():
    for radius, angle in POINTS:
        r = torch.tensor(radius, requires_grad=True)
        a = torch.tensor(angle, requires_grad=True)
        reference = torch.stack([r * torch.cos(a), r * torch.sin(a)])
        reference.sum().backward()
        swapped = torch.stack([r * torch.sin(a), r * torch.cos(a)]).detach()
        holder = {}
        label = f"radius = {radius}, angle = {angle}"
        args = partial(_fresh_inputs, radius, angle, holder)
        yield Case(label, args, "Tensor", "type(point)", _type_name,
                   hint="return a tensor, not a list or a tuple: join the two entries with torch.stack([...]).")
        yield Case(label, args, (2,), "point.shape", lambda p: tuple(p.shape),
                   hint="two entries in one 1-D tensor: torch.stack([first, second]) of two 0-d tensors.")
        yield Case(label, args, reference.detach(), "point", lambda p: p.detach(),
                   mistakes=((swapped, "the x coordinate is radius * cos(angle), the y coordinate radius * "
                                       "sin(angle)."),),
                   hint="point = [radius * cos(angle), radius * sin(angle)], angle in radians.")
        yield Case(label, args, True, "point.requires_grad", lambda p: p.requires_grad,
                   hint="torch.tensor([...]) (like .item(), float() or math.cos) copies the values into a new "
                        "tensor with no history: build the vector with torch.stack([...]) of tensors instead.")
        yield Case(label, args, False, "point.is_leaf", lambda p: p.is_leaf,
                   hint="torch.tensor([...], requires_grad=True) makes a brand-new leaf: gradients would stop there "
                        "and never reach radius and angle. Use torch.stack([...]).")
        yield Case(label, args, r.grad, "radius.grad after point.sum().backward()",
                   lambda p, holder=holder: _input_grads(p, holder)[0],
                   hint="every entry must be computed from radius and angle themselves, with tensor ops.")
        yield Case(label, args, a.grad, "angle.grad after point.sum().backward()",
                   lambda p, holder=holder: _input_grads(p, holder)[1],
                   hint="use torch.cos(angle) and torch.sin(angle) (tensor ops), not math.cos or .item().")


# --------------------------------------------------------------------------------------------- 02.3 walk by hand

def _expression_y(x):
    return x**2 + 3 * x


GRAPHS = (
    ("y = x**2 + 3*x at x = 2", lambda: _expression_y(torch.tensor(2.0, requires_grad=True))),
    ("z = (x + y)**2 at x = 2, y = 3",
     lambda: (torch.tensor(2.0, requires_grad=True) + torch.tensor(3.0, requires_grad=True)) ** 2),
    ("Q = 3*a**3 - b**2 at a = [2, 3], b = [6, 4]",
     lambda: 3 * torch.tensor([2.0, 3.0], requires_grad=True) ** 3 - torch.tensor([6.0, 4.0], requires_grad=True) ** 2),
    ("sigmoid(w*x + b) with x = 6.7 not watched",
     lambda: torch.sigmoid(torch.tensor(1.0, requires_grad=True) * torch.tensor(6.7)
                           + torch.tensor(0.0, requires_grad=True))),
    ("(x * x).sum() at x = [1, 2]", lambda: _square_sum([1.0, 2.0])),
)


def _square_sum(values):
    x = torch.tensor(values, requires_grad=True)
    return (x * x).sum()


@exercise("02.3", returns="a list of names (strings, and None)",
          hint="start at output.grad_fn; write the node's name(), then do the same for each entry of its "
               "next_functions, in order (None for an entry without a node).")
def graph_names():
    for label, build in GRAPHS:
        output = build()
        expected = _preorder(output.grad_fn)
        yield Case(label, (build(),), expected, "the names",
                   mistakes=((_preorder(output.grad_fn, keep_none=False),
                              "keep a None in the list for every (None, 0) entry: an input that needs no gradient, "
                              "like the 3 in 3*x."),
                             (_preorder(output.grad_fn, name=lambda n: type(n).__name__),
                              "use node.name(): at a leaf it is 'torch::autograd::AccumulateGrad', while "
                              "type(node).__name__ is only 'AccumulateGrad'."),
                             (_preorder(output.grad_fn, parents_first=False),
                              "list a node before its inputs: the output's node comes first.")))


# --------------------------------------------------------------------------------------------- 02.4 count the nodes

def _doubled(start):
    return grow(torch.tensor(start, requires_grad=True))


def _diamond():
    u = torch.tensor(0.5, requires_grad=True).exp()
    return u * u + u


def _leaf_used_often():
    x = torch.tensor(2.0, requires_grad=True)
    return x * x * x + x


def _two_additions():
    x = torch.tensor(2.0, requires_grad=True)
    z = torch.tensor(3.0, requires_grad=True)
    return x * z + x + z


COUNTS = (
    ("grow([1, 1])", partial(_doubled, [1.0, 1.0]), "MulBackward0"),
    ("grow([100, 100])", partial(_doubled, [100.0, 100.0]), "MulBackward0"),
    ("u = exp(x); u*u + u", _diamond, "ExpBackward0"),
    ("x*x*x + x", _leaf_used_often, "torch::autograd::AccumulateGrad"),
    ("x*z + x + z", _two_additions, "AddBackward0"),
    ("x*z + x + z", _two_additions, "SigmoidBackward0"),
)


@exercise("02.4", returns="a whole number",
          hint="walk from output.grad_fn through next_functions (skip None entries) and count every node whose "
               "name() is `name`, each node once.")
def count_nodes():
    for label, build, name in COUNTS:
        output = build()
        expected = sum(node.name() == name for node in _nodes(output))
        paths = _paths_to(output, name)
        mistakes = ()
        if paths != expected:
            mistakes = ((paths, "a node reached along several paths is still one node: remember the nodes you "
                                "have visited (a set) and skip them the second time."),)
        yield Case(f"{label}, name = {name!r}", (build(), name), expected, "the count", mistakes=mistakes)
