"""Expressions a learner types (``y = x**2 + 3*x``), read with `ast` against a whitelist and never `eval`-ed.

Allowed: numbers, variable names, ``+ - * / **``, unary minus (and plus), parentheses and the functions
sin cos exp log tanh sigmoid relu with one argument. Anything else is refused with a message before a
single value is computed. `evaluate` walks the checked tree itself and calls minigrad ops.

    expr = parse("y = x**2 + 3*x")          # Expression(output='y', variables=('x',), ...)
    out, labels = evaluate(expr, {"x": minigrad.tensor(2.0, requires_grad=True)})
"""
import ast
import re
from dataclasses import dataclass, field

import numpy as np

import minigrad

MAX_LENGTH = 200
MAX_NODES = 120
MAX_CONSTANT_EXPONENT = 64
MAX_NUMBER = 1e12
FUNCTIONS = {
    "sin": minigrad.sin, "cos": minigrad.cos, "exp": minigrad.exp, "log": minigrad.log,
    "tanh": minigrad.tanh, "sigmoid": minigrad.sigmoid, "relu": minigrad.relu,
}
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_ASSIGNMENT = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)")
_DESCRIPTIONS = {
    ast.Attribute: "attribute access (a.b)", ast.Subscript: "indexing (a[...])", ast.Lambda: "lambda",
    ast.ListComp: "comprehensions", ast.SetComp: "comprehensions", ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions", ast.JoinedStr: "f-strings", ast.NamedExpr: "the walrus operator :=",
    ast.Compare: "comparisons", ast.BoolOp: "and/or", ast.IfExp: "if/else", ast.List: "lists",
    ast.Tuple: "tuples", ast.Dict: "dicts", ast.Set: "sets", ast.Starred: "*unpacking",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "slices",
}


class ExpressionError(ValueError):
    """The text is not an allowed expression; the message says why (nothing was evaluated)."""


@dataclass(frozen=True)
class Expression:
    text: str  # the expression part, e.g. "x**2 + 3*x"
    output: str  # the name before "=", or "out"
    variables: tuple  # variable names in order of first appearance
    tree: ast.Expression = field(repr=False, compare=False)


def parse(text):
    """Check `text` against the whitelist; return an Expression or raise ExpressionError."""
    if not isinstance(text, str):
        raise ExpressionError("type an expression as text, e.g. x**2 + 3*x")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}")
    output, body = "out", text
    match = _ASSIGNMENT.match(text)
    if match:
        output, body = match.group(1), text[match.end():]
        _check_name(output)
    body = body.strip()
    if not body:
        raise ExpressionError("the expression is empty: type something like x**2 + 3*x")
    try:
        tree = ast.parse(body, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"could not read the expression ({error.msg}, at character {error.offset})") from None
    except (ValueError, MemoryError, RecursionError):
        raise ExpressionError("could not read the expression") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExpressionError(f"the expression is too big ({len(nodes)} parts; the limit is {MAX_NODES})")
    variables = []
    _check(tree.body, variables)
    if not variables:
        raise ExpressionError("use at least one variable (e.g. x): there is nothing to differentiate")
    if output in variables:
        raise ExpressionError(f"the result name {output!r} is also used as a variable")
    return Expression(body, output, tuple(variables), tree)


def _check(node, variables):
    """Raise ExpressionError unless every part of the tree is on the whitelist."""
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Constant):
            _check_number(node.value)
        elif isinstance(node, ast.Name):
            _check_name(node.id)
            if node.id in FUNCTIONS:
                raise ExpressionError(f"{node.id} is a function: call it as {node.id}(...)")
            if node.id not in variables:
                variables.append(node.id)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _OPERATORS:
                raise ExpressionError(f"the operator {_symbol(node.op)} is not allowed (use + - * / **)")
            if isinstance(node.op, ast.Pow):
                _check_exponent(node.right)
            stack += [node.right, node.left]
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise ExpressionError(f"the operator {_symbol(node.op)} is not allowed (use + - * / **)")
            stack.append(node.operand)
        elif isinstance(node, ast.Call):
            stack.append(_check_call(node))
        else:
            what = _DESCRIPTIONS.get(type(node), type(node).__name__)
            raise ExpressionError(f"{what} is not allowed: use numbers, variables, + - * / ** and "
                                  f"{', '.join(FUNCTIONS)}")


def _check_call(node):
    func = node.func
    if not isinstance(func, ast.Name):
        raise ExpressionError("calling anything but a function name is not allowed; only these can be called: "
                              + ", ".join(FUNCTIONS))
    if func.id not in FUNCTIONS:
        _check_name(func.id)
        raise ExpressionError(f"the function {func.id!r} is not allowed; use one of: {', '.join(FUNCTIONS)}")
    if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
        raise ExpressionError(f"{func.id}(...) takes exactly one argument, e.g. {func.id}(x)")
    return node.args[0]


def _check_name(name):
    if name.startswith("_"):
        raise ExpressionError(f"names starting with an underscore (like {name!r}) are not allowed")
    if not name.isascii() or not name.isidentifier():
        raise ExpressionError(f"{name!r} is not a plain variable name (letters, digits, _)")


def _check_number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExpressionError(f"only numbers are allowed as constants, not {type(value).__name__} {value!r:.20}")
    if abs(value) > MAX_NUMBER:
        raise ExpressionError(f"the number {value:.3g} is too large (limit {MAX_NUMBER:.0e})")


def _check_exponent(node):
    """A constant exponent must be a plain number of moderate size (9**9**9 would never finish)."""
    if any(isinstance(n, ast.Name) for n in ast.walk(node)):
        return  # a tensor exponent: evaluated in float32 by minigrad, overflows to inf, never hangs
    number = node.operand if isinstance(node, ast.UnaryOp) else node
    if not isinstance(number, ast.Constant):
        raise ExpressionError("a constant exponent must be a single number (e.g. x**3); "
                              "powers of powers like 9**9**9 are refused")
    _check_number(number.value)
    if abs(number.value) > MAX_CONSTANT_EXPONENT:
        raise ExpressionError(f"the exponent {number.value} is too large (limit {MAX_CONSTANT_EXPONENT})")


def _symbol(op):
    return {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|",
            ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>", ast.Invert: "~", ast.Not: "not"}.get(
        type(op), type(op).__name__)


def evaluate(expression, values):
    """Compute a parsed Expression with minigrad ops; return (output tensor, {id-free labels}).

    values maps each variable name to a minigrad Tensor (or a number). The labels list pairs every
    intermediate tensor with the source text that produced it, for drawings: [(tensor, "x**2"), ...].
    """
    if not isinstance(expression, Expression):
        expression = parse(expression)
    missing = [v for v in expression.variables if v not in values]
    if missing:
        raise ExpressionError(f"no value given for {', '.join(missing)}")
    labels = []
    with np.errstate(all="ignore"):  # log(-1) is nan and 1/0 is inf, as in PyTorch: no warning spam
        result = _Evaluator(expression.text, values, labels).visit(expression.tree.body)
    if not isinstance(result, minigrad.Tensor):
        result = minigrad.tensor(float(result))
    return result, labels


class _Evaluator:
    def __init__(self, source, values, labels):
        self.source, self.values, self.labels = source, values, labels

    def visit(self, node):
        # Iterative post-order walk: deep nesting like -(-(-x)) cannot overflow Python's stack.
        results, stack = {}, [(node, False)]
        while stack:
            current, ready = stack.pop()
            children = self._children(current)
            if not ready and children:
                stack.append((current, True))
                stack.extend((child, False) for child in reversed(children))
                continue
            value = self._apply(current, [results.pop(child) for child in children])
            if isinstance(value, minigrad.Tensor) and not isinstance(current, ast.Name):
                self.labels.append((value, ast.get_source_segment(self.source, current) or ""))
            results[current] = value
        return results[node]

    @staticmethod
    def _children(node):
        if isinstance(node, ast.BinOp):
            return [node.left, node.right]
        if isinstance(node, ast.UnaryOp):
            return [node.operand]
        if isinstance(node, ast.Call):
            return [node.args[0]]
        return []

    def _apply(self, node, args):
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return self.values[node.id]
        if isinstance(node, ast.UnaryOp):
            return -args[0] if isinstance(node.op, ast.USub) else args[0]
        if isinstance(node, ast.Call):
            return FUNCTIONS[node.func.id](_as_tensor(args[0]))
        left, right = args
        if not isinstance(left, minigrad.Tensor) and not isinstance(right, minigrad.Tensor):
            left = _as_tensor(left)  # two numbers: compute in float32 with minigrad (1/0 is inf, not an error)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            return left / right
        return left ** right


def _as_tensor(value):
    return value if isinstance(value, minigrad.Tensor) else minigrad.tensor(value)
