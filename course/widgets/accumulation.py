"""Accumulation demo: the same small regression trained with and without zeroing gradients.

`AccumulationDemo` is the state; `accumulation_demo()` the widget (iterations and learning-rate
sliders, a plot of loss and gradient norm per iteration, a verdict line, and a micro-batch mode
showing that accumulating k micro-batch gradients gives the full-batch gradient).

Every gradient comes from minigrad's `backward()`. The "true" gradient of the run without
zeroing is a fresh backward at the same parameters, which is what .grad should have held.
"""
import html
import io
import math
from dataclasses import dataclass, field

import numpy as np

import minigrad
from minigrad import Generator

__all__ = ["Run", "MicroBatchCheck", "AccumulationDemo", "AccumulationView", "accumulation_demo", "make_data",
           "mse"]


def make_data(n=24, seed=0):
    """y = 2x + 1 plus a little noise, x evenly spaced in [-1, 1] (the noise from a private generator)."""
    generator = Generator()  # the learner's global seed stays untouched
    generator.manual_seed(seed)
    x = minigrad.linspace(-1.0, 1.0, n)
    return x, 2 * x + 1 + 0.1 * minigrad.randn(n, generator=generator)


def mse(w, b, x, y):
    """Mean squared error of the line w*x + b."""
    return ((w * x + b - y) ** 2).mean()


@dataclass
class Run:
    zero_grad: bool
    losses: list = field(default_factory=list)  # loss before each update
    grad_norms: list = field(default_factory=list)  # norm of (w.grad, b.grad) used by each update
    true_grad_norms: list = field(default_factory=list)  # norm of a fresh gradient at the same parameters
    grads: list = field(default_factory=list)  # (w.grad, b.grad) used by each update, as floats
    params: list = field(default_factory=list)  # (w, b) after each update


@dataclass
class MicroBatchCheck:
    k: int
    full: tuple  # (dL/dw, dL/db) of the mean loss over the whole batch
    accumulated: tuple  # the same, accumulated over k backward() calls on loss_i / k
    match: bool  # np.allclose(full, accumulated)
    max_difference: float


class AccumulationDemo:
    """Train y = w*x + b by gradient descent twice: zeroing .grad every step, and forgetting to."""

    def __init__(self, iterations=20, lr=0.05, k=4, n=24, seed=0):
        self.iterations, self.lr, self.k = int(iterations), float(lr), int(k)
        self.x, self.y = make_data(n, seed)

    def train(self, zero_grad):
        """One training run; records loss, the gradient used, and the true gradient at each step."""
        w = minigrad.tensor(0.0, requires_grad=True)
        b = minigrad.tensor(0.0, requires_grad=True)
        run = Run(zero_grad)
        with np.errstate(all="ignore"):  # a diverging run overflows to inf: the verdict says so
            self._train(run, w, b, zero_grad)
        return run

    def _train(self, run, w, b, zero_grad):
        for _ in range(self.iterations):
            if zero_grad:
                w.grad = None  # what optimizer.zero_grad() does by default
                b.grad = None
            loss = mse(w, b, self.x, self.y)
            loss.backward()
            run.losses.append(loss.item())
            run.grads.append((w.grad.item(), b.grad.item()))
            run.grad_norms.append(math.hypot(*run.grads[-1]))
            run.true_grad_norms.append(math.hypot(*self.true_gradient(w, b)))
            with minigrad.no_grad():
                w -= self.lr * w.grad
                b -= self.lr * b.grad
            run.params.append((w.item(), b.item()))

    def true_gradient(self, w, b):
        """What .grad would hold after zeroing: a fresh backward at the current parameters."""
        w0 = w.detach().clone().requires_grad_()
        b0 = b.detach().clone().requires_grad_()
        mse(w0, b0, self.x, self.y).backward()
        return w0.grad.item(), b0.grad.item()

    def runs(self):
        return self.train(zero_grad=True), self.train(zero_grad=False)

    def verdict(self, runs=None):
        """One line comparing the un-zeroed gradient with the correct one at the last step."""
        good, bad = runs or self.runs()
        step = self.iterations
        used, true = bad.grad_norms[-1], bad.true_grad_norms[-1]
        if not (math.isfinite(used) and math.isfinite(true)) or not math.isfinite(bad.losses[-1]):
            return f"without zero_grad the training diverged within {step} steps (the loss became inf or nan)"
        if true == 0:
            return f"without zero_grad the gradient after {step} steps has norm {used:.3g}; the correct one is 0"
        return (f"without zero_grad the gradient after {step} steps is {used / true:.1f}× the correct one "
                f"(norm {used:.3g} instead of {true:.3g}); loss {bad.losses[-1]:.3g} vs {good.losses[-1]:.3g} "
                "with zero_grad")

    def micro_batches(self, k=None):
        """Accumulate the gradients of k micro-batches (each loss divided by k); compare with the full batch."""
        k = self.k if k is None else int(k)
        n = len(self.x)
        if k < 1 or n % k:
            raise ValueError(f"k must divide the {n} samples evenly (got k={k})")
        w = minigrad.tensor(0.5, requires_grad=True)
        b = minigrad.tensor(-0.5, requires_grad=True)
        mse(w, b, self.x, self.y).backward()
        full = (w.grad.item(), b.grad.item())
        w.grad = None
        b.grad = None
        size = n // k
        for i in range(k):
            part = slice(i * size, (i + 1) * size)
            (mse(w, b, self.x[part], self.y[part]) / k).backward()  # no zeroing in between: on purpose
        accumulated = (w.grad.item(), b.grad.item())
        difference = float(np.max(np.abs(np.subtract(full, accumulated))))
        return MicroBatchCheck(k, full, accumulated, bool(np.allclose(full, accumulated)), difference)

    def figure(self, runs=None):
        """A matplotlib Figure: loss and gradient norm per iteration, both runs (log scale)."""
        from matplotlib.figure import Figure
        good, bad = runs or self.runs()
        steps = np.arange(1, self.iterations + 1)
        fig = Figure(figsize=(9, 3.2), dpi=80)
        for ax, key, title in zip(fig.subplots(1, 2), ("losses", "grad_norms"), ("loss", "gradient norm")):
            ax.plot(steps, _finite(getattr(good, key)), marker="o", ms=3, label="with zero_grad")
            ax.plot(steps, _finite(getattr(bad, key)), marker="s", ms=3, label="without zero_grad")
            if key == "grad_norms":
                ax.plot(steps, _finite(bad.true_grad_norms), ls="--", color="grey",
                        label="correct gradient (run without)")
            ax.set_yscale("log")
            ax.set_xlabel("iteration")
            ax.set_title(f"{title} (lr={self.lr:g})")
            ax.legend(fontsize=8)
        fig.tight_layout()
        return fig

    def png(self, runs=None):
        buffer = io.BytesIO()
        self.figure(runs).savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()


def _finite(values):
    return [v if math.isfinite(v) and v > 0 else np.nan for v in values]


class AccumulationView:
    """Sliders (iterations, learning rate, k), the plot, the verdict and the micro-batch check."""

    def __init__(self, state):
        import ipywidgets as w
        self.state = state
        self.iterations = w.IntSlider(value=state.iterations, min=1, max=60, description="iterations",
                                      continuous_update=False)
        self.lr = w.FloatSlider(value=state.lr, min=0.01, max=0.5, step=0.01, description="learning rate",
                                continuous_update=False, style={"description_width": "initial"})
        self.k = w.Dropdown(options=[d for d in range(1, 13) if len(state.x) % d == 0], value=state.k,
                            description="micro-batches")
        self.mode = w.ToggleButtons(options=["zero_grad or not", "micro-batches"], value="zero_grad or not")
        self.plot = w.Image(format="png")
        self.plot.add_class("course-plot")
        self.verdict = w.HTML()
        self.verdict.add_class("course-verdict")
        self.check = w.HTML()
        self.check.add_class("course-check")
        for control in (self.iterations, self.lr, self.k, self.mode):
            control.observe(lambda _: self.refresh(), names="value")
        self.widget = w.VBox([self.mode, w.HBox([self.iterations, self.lr, self.k]), self.verdict, self.plot,
                              self.check])
        self.refresh()

    def refresh(self):
        self.state.iterations, self.state.lr, self.state.k = self.iterations.value, self.lr.value, self.k.value
        micro = self.mode.value == "micro-batches"
        self.k.layout.display = None if micro else "none"
        self.plot.layout.display = "none" if micro else None
        self.verdict.layout.display = "none" if micro else None
        self.check.layout.display = None if micro else "none"
        if micro:
            self.check.value = micro_batch_html(self.state.micro_batches())
            return
        runs = self.state.runs()
        self.verdict.value = f"<b>{html.escape(self.state.verdict(runs))}</b>"
        self.plot.value = self.state.png(runs)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_()
        bundle["text/plain"] = f"Accumulation demo: {self.state.verdict()}"
        bundle["image/png"] = self.state.png()
        return bundle


def micro_batch_html(check):
    table = (("full batch", check.full), (f"{check.k} micro-batches, loss/k", check.accumulated))
    rows = "".join(f"<tr><td>{label}</td><td>{g[0]:.6f}</td><td>{g[1]:.6f}</td></tr>" for label, g in table)
    return (f"<table><tr><th></th><th>dL/dw</th><th>dL/db</th></tr>{rows}</table>"
            f"<b>allclose: {check.match}</b> (largest difference {check.max_difference:.2e}): accumulating on purpose "
            "gives the full-batch gradient with a fraction of the memory.")


def accumulation_demo(iterations=20, lr=0.05, k=4):
    return AccumulationView(AccumulationDemo(iterations, lr, k))
