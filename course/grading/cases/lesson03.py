"""Hidden cases for practice 03 · backward() and the chain rule."""
import math
import warnings

import minigrad as torch
from course.grading.checker import Case, exercise


def _autograd_slope(function, x0):
    """dy/dx at x0 by minigrad's backward(), the reference every case compares with."""
    x = torch.tensor(float(x0), requires_grad=True)
    function(x).backward()
    return x.grad.item()


@exercise("03.1", returns="a number", hint="watch x, build y from it, call y.backward(), read x.grad.")
def slope():
    for x0 in (3.0, -1.5, 0.0, 10.0, 2.0):
        value = x0**3 - 4 * x0
        yield Case(f"x0 = {x0}", (x0,), _autograd_slope(lambda x: x**3 - 4 * x, x0), "dy/dx",
                   mistakes=((value, "that is y itself; the derivative is x.grad after y.backward()."),),
                   hint="the derivative of x**3 - 4*x is 3*x**2 - 4: check that y is built from the watched x.")


def _f(x):
    return torch.exp(torch.sin(x))


@exercise("03.2", returns="a pair (by_hand, by_autograd)",
          hint="by hand: the outer derivative (taken at the inner value) times the inner derivative; by autograd: "
               "backward() on y built from a watched x.")
def both_ways():
    for x0 in (1.0, -2.0, 2.5, math.pi / 2, 0.3):
        by_autograd = _autograd_slope(_f, x0)
        outer_only, inner_only = math.exp(math.sin(x0)), math.cos(x0)
        label = f"x0 = {x0:.6g}"

        def part(i):
            def take(result):
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise TypeError("not a pair")
                return result[i]
            return take

        # the hand-derived value must be the true derivative in float64: compare with autograd in float64
        yield Case(label, (x0,), _autograd_slope_f64(x0), "by_hand", part(0),
                   mistakes=((outer_only, "you kept the outer function exp(sin x) only: multiply by the inner "
                                          "derivative cos x (the chain rule)."),
                             (inner_only, "cos x is only the inner derivative: multiply by the outer derivative "
                                          "exp(sin x)."),
                             (math.exp(math.sin(x0)) * math.sin(x0), "the derivative of sin is cos, not sin.")),
                   hint="outer derivative at the inner value times inner derivative: exp(sin x0) * cos(x0).")
        yield Case(label, (x0,), by_autograd, "by_autograd", part(1),
                   mistakes=((math.exp(math.sin(x0)), "that is f(x0) itself; the derivative is x.grad after "
                                                      "backward()."),),
                   hint="build y = torch.exp(torch.sin(x)) from a watched x, call y.backward(), read x.grad.")


def _autograd_slope_f64(x0):
    x = torch.tensor(float(x0), dtype=torch.float64, requires_grad=True)
    _f(x).backward()
    return x.grad.item()


def _neuron(x, y, w, b):
    """The lesson's logistic neuron with binary cross-entropy (probabilities clamped at 1e-8 before the log)."""
    w = torch.tensor(float(w), requires_grad=True)
    b = torch.tensor(float(b), requires_grad=True)
    y_hat = torch.sigmoid(w * x + b)
    loss = -(y * torch.log(y_hat.clamp(min=1e-8)) + (1 - y) * torch.log((1 - y_hat).clamp(min=1e-8)))
    loss.backward()
    return loss.item(), w.grad.item(), b.grad.item()


@exercise("03.3", returns="a triple (loss, dL_dw, dL_db)",
          hint="watch w and b, build the loss from them exactly as the lesson does, call loss.backward() once.")
def neuron_grads():
    # the lesson's worked numbers first (6.7012, 6.6918, 0.9988), then new points; z = 20 needs the clamp
    for x, y, w, b in ((6.7, 0.0, 1.0, 0.0), (1.0, 1.0, 0.5, -0.2), (-2.0, 1.0, 1.5, 0.3), (0.0, 0.0, 2.0, 0.0),
                       (20.0, 0.0, 1.0, 0.0)):
        loss, dw, db = _neuron(x, y, w, b)
        label = f"x = {x}, y = {y}, w = {w}, b = {b}"
        args = (x, y, w, b)

        def part(i):
            def take(result):
                if not (isinstance(result, tuple) and len(result) == 3):
                    raise TypeError("not a triple")
                return result[i]
            return take

        yield Case(label, args, loss, "loss", part(0),
                   mistakes=((math.inf, "log(0) is -inf: clamp the probabilities at 1e-8 before the log, as the "
                                        "lesson does: torch.log(y_hat.clamp(min=1e-8))."),
                             (-loss, "binary cross-entropy has a minus sign in front: -(y log ŷ + (1-y) log(1-ŷ))."),
                             ),
                   hint="loss = -(y * log(ŷ) + (1 - y) * log(1 - ŷ)) with ŷ = sigmoid(w*x + b), both probabilities "
                        "clamped at 1e-8.")
        yield Case(label, args, dw, "dL/dw", part(1),
                   mistakes=((None, "w.grad is None: create w with requires_grad=True (and call loss.backward())."),
                             (-dw, "the sign is flipped: check the minus sign of the loss.")),
                   hint="read w.grad after loss.backward(); by hand it is (ŷ - y) * x.")
        yield Case(label, args, db, "dL/db", part(2),
                   mistakes=((None, "b.grad is None: b must be watched too: torch.tensor(b, requires_grad=True)."),
                             (-db, "the sign is flipped: check the minus sign of the loss.")),
                   hint="read b.grad after loss.backward(); by hand it is ŷ - y.")


def _slope_by_differences(w0, h=1e-4):
    """d/dw (3w - 10)**2 at w0 in float64, with no autograd involved."""
    def loss(w):
        return (3 * w - 10) ** 2
    return (loss(w0 + h) - loss(w0 - h)) / (2 * h)


def _what_backward_changes():
    """Run backward() once with minigrad and report which statements of question 03.4 hold."""
    w = torch.tensor(2.0, requires_grad=True)
    loss = (3 * w - 10) ** 2
    returned = loss.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading .grad of a non-leaf warns; the answer is None
        loss_grad = loss.grad
    return {
        "a": w.item() != 2.0,  # the weight moved
        # w unchanged, and w.grad is the derivative the statement names (-24), here by central differences
        "b": w.item() == 2.0 and w.grad is not None and math.isclose(w.grad.item(), _slope_by_differences(2.0),
                                                                      rel_tol=1e-6),
        "c": loss_grad is not None,  # the output keeps a gradient
        "d": returned is not None,  # backward returns the gradients
    }


BACKWARD_HINTS = {
    "a": "backward() only computes gradients; nothing moves until an update step (optimizer.step() or "
         "w -= lr * w.grad under no_grad).",
    "b": "",
    "c": "only leaves that require grad keep .grad; loss.grad stays None.",
    "d": "backward() returns None; the gradients land in the leaves' .grad.",
}


@exercise("03.4", returns='one letter, "a" to "d"')
def what_backward_does():
    holds = _what_backward_changes()
    right = [letter for letter, true in holds.items() if true]
    assert len(right) == 1, holds  # the question has exactly one right statement
    yield Case("your letter", (), right[0], "the letter", _one_letter,
               mistakes=tuple((letter, hint) for letter, hint in BACKWARD_HINTS.items() if letter != right[0]))


def _one_letter(answer):
    if not isinstance(answer, str):
        raise TypeError("not a letter")
    return answer.strip().lower().strip("()")

