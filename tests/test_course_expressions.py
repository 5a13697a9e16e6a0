"""The typed-expression parser: the whitelist is accepted, everything else refused and never evaluated."""
import pytest

import minigrad
from course.expressions import MAX_LENGTH, ExpressionError, evaluate, parse
from minigrad.autograd.graph import record_forward


class Canary:
    """Anything that touches this object (call, attribute, import) flips `fired`."""

    fired = False

    def __call__(self, *args, **kwargs):
        Canary.fired = True

    def __getattr__(self, name):
        Canary.fired = True
        return self


@pytest.fixture
def canary(monkeypatch):
    Canary.fired = False
    import builtins
    real_import = builtins.__import__

    def watched_import(name, *args, **kwargs):
        if name in ("os", "subprocess", "sys", "shutil"):
            Canary.fired = True
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", watched_import)
    return Canary()


@pytest.mark.parametrize("text, variables, value", [
    ("x**2 + 3*x", ("x",), 10.0),
    ("y = x**2 + 3*x", ("x",), 10.0),
    ("(x + y)**2", ("x", "y"), 25.0),
    ("-x + +y", ("x", "y"), 1.0),
    ("x / y - 1", ("x", "y"), 2 / 3 - 1),
    ("sin(x) * cos(y) + exp(x) - log(y)", ("x", "y"), None),
    ("tanh(x) + sigmoid(x) + relu(x - 5)", ("x",), None),
    ("2**x", ("x",), 4.0),
    ("x**-2", ("x",), 0.25),
    ("x ** 2.5", ("x",), 2.0 ** 2.5),
    ("1e-3 * x", ("x",), 0.002),
    ("-(-(-x))", ("x",), -2.0),
])
def test_whitelisted_expressions_evaluate_with_minigrad(text, variables, value):
    expr = parse(text)
    assert expr.variables == variables
    values = {"x": minigrad.tensor(2.0, requires_grad=True), "y": minigrad.tensor(3.0, requires_grad=True)}
    with record_forward() as forward:
        out, labels = evaluate(expr, values)
    assert isinstance(out, minigrad.Tensor) and out.grad_fn is not None
    assert forward.ops, "evaluated through minigrad ops"
    if value is not None:
        assert out.item() == pytest.approx(value, rel=1e-6)
    assert all(isinstance(label, str) for _, label in labels)


def test_output_name_and_labels():
    expr = parse("loss = x**2 + 3*x")
    assert expr.output == "loss" and expr.text == "x**2 + 3*x"
    out, labels = evaluate(expr, {"x": minigrad.tensor(2.0, requires_grad=True)})
    assert [label for _, label in labels] == ["x**2", "3*x", "x**2 + 3*x"]
    assert labels[-1][0] is out


def test_gradient_of_parsed_expression_comes_from_the_engine():
    x = minigrad.tensor(2.0, requires_grad=True)
    out, _ = evaluate(parse("x**2 + 3*x"), {"x": x})
    out.backward()
    assert x.grad.item() == 7.0


def test_numbers_only_inside_are_computed_by_minigrad_not_python():
    out, _ = evaluate(parse("x + 1/0"), {"x": minigrad.tensor(1.0)})
    assert out.item() == float("inf")  # Python would raise ZeroDivisionError


HOSTILE = [
    ("__import__('os').system('echo hacked')", "not allowed"),
    ("__import__('os')", "underscore"),
    ("().__class__.__bases__[0].__subclasses__()", "not allowed"),
    ("x.__class__", "not allowed"),
    ("canary.fire()", "not allowed"),
    ("canary.a.b.c", "not allowed"),
    ("canary()", "not allowed"),
    ("open('/etc/passwd')", "not allowed"),
    ("eval('1')", "not allowed"),
    ("exec('import os')", "not allowed"),
    ("getattr(x, 'grad')", "not allowed"),
    ("(lambda: canary())()", "not allowed"),
    ("lambda x: x", "lambda"),
    ("[canary() for _ in range(3)]", "comprehensions"),
    ("{c for c in x}", "comprehensions"),
    ("sum(canary() for i in x)", "not allowed"),
    ("x[0]", "indexing"),
    ("x[::-1]", "indexing"),
    ("f'{canary()}'", "f-strings"),
    ("(y := canary())", "walrus"),
    ("9**9**9", "exponent"),
    ("x**9**9", "exponent"),
    ("2**100000", "too large"),
    ("x" + " + x" * 100, "limit"),
    ("'text'", "only numbers"),
    ("b'bytes'", "only numbers"),
    ("1j * x", "only numbers"),
    ("True + x", "only numbers"),
    ("x if canary() else x", "if/else"),
    ("x < canary()", "comparisons"),
    ("x and canary()", "and/or"),
    ("x // 2", "operator //"),
    ("x @ x", "operator @"),
    ("~x", "operator ~"),
    ("sin(x, canary())", "one argument"),
    ("sin(x=canary())", "one argument"),
    ("sin(*canary())", "one argument"),
    ("sin", "function"),
    ("__builtins__", "underscore"),
    ("_x + 1", "underscore"),
    ("x = ", "empty"),
    ("3 + 4", "at least one variable"),
    ("x +* 2", "could not read"),
    ("import os", "could not read"),
    ("x; canary()", "could not read"),
    ("x\ncanary()", "could not read"),
    ("__import__ = x", "underscore"),
    ("[x, x]", "lists"),
    ("{'a': x}", "dicts"),
]


@pytest.mark.parametrize("text, reason", HOSTILE)
def test_hostile_inputs_are_refused_with_a_message_and_never_run(text, reason, canary):
    values = {"x": minigrad.tensor(1.0, requires_grad=True), "y": minigrad.tensor(1.0), "canary": canary}
    with record_forward() as forward, pytest.raises(ExpressionError) as error:
        evaluate(text, values)
    assert reason in str(error.value)
    assert not Canary.fired, "the canary was touched: something was evaluated"
    assert forward.ops == [], "no minigrad op may run for a refused expression"


def test_many_hostile_inputs():
    assert len(HOSTILE) >= 20


def test_refusal_messages_are_one_line_and_readable():
    with pytest.raises(ExpressionError, match=r"^the function 'open' is not allowed; use one of: sin, cos"):
        parse("open('x')")
    with pytest.raises(ExpressionError, match=f"limit is {MAX_LENGTH}"):
        parse("x+" * 150 + "x")


def test_huge_exponent_refused_quickly():
    import time
    start = time.perf_counter()
    with pytest.raises(ExpressionError):
        parse("9**9**9**9**9")
    assert time.perf_counter() - start < 1.0  # a refusal, not a computation


def test_variable_exponents_are_fine_even_when_large():
    out, _ = evaluate(parse("x**(x*1000)"), {"x": minigrad.tensor(9.0)})
    assert out.item() == float("inf")  # float32 overflow inside minigrad: no hang


def test_missing_value_is_reported():
    with pytest.raises(ExpressionError, match="no value given for y"):
        evaluate(parse("x + y"), {"x": minigrad.tensor(1.0)})
