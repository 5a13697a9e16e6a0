"""Accumulation demo: the same small regression trained with and without zeroing gradients.

`AccumulationDemo` is the state; `accumulation_demo()` the widget (iterations and learning-rate
sliders, a plot of loss and gradient norm per iteration, a verdict, and a micro-batch mode
showing that accumulating k micro-batch gradients gives the full-batch gradient).

Every gradient comes from minigrad's `backward()`. The "correct" gradient of the run without
zeroing is a fresh backward at the same parameters, which is what .grad should have held.

Why the run without zeroing never settles: .grad holds the sum of every gradient so far, so each
update is lr times that running sum. That is gradient descent with momentum whose old velocity is
never damped (momentum 1): on this quadratic loss the parameters circle the minimum forever, with
a constant amplitude. The first steps even look faster than plain gradient descent, as momentum
does, before the overshoot. The verdict states only what the two computed runs show.
"""
import html
import io
import math
from dataclasses import dataclass, field, fields

import numpy as np

import minigrad
from minigrad import Generator

__all__ = ["Run", "Diagnosis", "MicroBatchCheck", "AccumulationDemo", "AccumulationView", "accumulation_demo",
           "make_data", "mse", "ITERATION_CHOICES", "LEARNING_RATES"]

# the sliders' grid: every setting shows the bug (tests/test_course_widgets.py sweeps it). From 50 steps on,
# the run without zeroing has swung back at least once in the last third of the run, even at lr 0.01
ITERATION_CHOICES = tuple(range(50, 201, 10))
LEARNING_RATES = (0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5)
RISE_TOLERANCE = 1e-3  # a loss "went up" when it grew by more than 0.1% (float32 noise stays far below)


def make_data(n=24, seed=0):
    """y = 2x + 1 plus a little noise, x evenly spaced in [-1, 1] (the noise from a private generator)."""
    generator = Generator()  # the learner's global seed stays untouched
    generator.manual_seed(seed)
    x = minigrad.linspace(-1.0, 1.0, n)
    return x, 2 * x + 1 + 0.1 * minigrad.randn(n, generator=generator)


def mse(w, b, x, y):
    """Mean squared error of the line w*x + b."""
    return ((w * x + b - y) ** 2).mean()


def plural(count, word, suffix="s"):
    return f"{count} {word}" + ("" if count == 1 else suffix)


@dataclass
class Run:
    zero_grad: bool
    losses: list = field(default_factory=list)  # loss before each update
    grad_norms: list = field(default_factory=list)  # norm of (w.grad, b.grad) used by each update
    true_grad_norms: list = field(default_factory=list)  # norm of a fresh gradient at the same parameters
    grads: list = field(default_factory=list)  # (w.grad, b.grad) used by each update, as floats
    params: list = field(default_factory=list)  # (w, b) after each update

    def head(self, steps):
        """The first `steps` iterations of this run (a run is the same whatever its length, up to that step)."""
        return Run(self.zero_grad, *(getattr(self, f.name)[:steps] for f in fields(self)[1:]))


@dataclass
class Diagnosis:
    """What the two runs show, computed from their losses (the verdict is written from these numbers)."""
    steps: int
    diverged: bool  # the run without zeroing reached inf or nan
    rises: int  # steps at which the loss without zeroing went up
    window: int  # the last steps, where the swing is measured
    swing: tuple  # (lowest, highest) loss without zeroing over the window
    good_rises: int  # steps at which the loss with zero_grad went up (0 on the whole slider grid)
    good_final: float
    bad_final: float
    ahead: tuple  # (first, last) step of the first stretch in which the loss without zeroing was lower, or None

    @property
    def settles(self):
        """Whether the run without zeroing looks settled: barely moving over the last third."""
        low, high = self.swing
        return not self.diverged and high <= 2 * low


class AccumulationDemo:
    """Train y = w*x + b by gradient descent twice: zeroing .grad every step, and forgetting to."""

    def __init__(self, iterations=100, lr=0.05, k=4, n=24, seed=0):
        self.iterations, self.lr, self.k = int(iterations), float(lr), int(k)
        self.x, self.y = make_data(n, seed)
        self._cache = {}  # lr -> (run with, run without zero_grad), as long as the longest asked for

    def train(self, zero_grad, iterations=None):
        """One training run; records loss, the gradient used, and the correct gradient at each step."""
        w = minigrad.tensor(0.0, requires_grad=True)
        b = minigrad.tensor(0.0, requires_grad=True)
        run = Run(zero_grad)
        with np.errstate(all="ignore"):  # a diverging run overflows to inf: the verdict says so
            self._train(run, w, b, zero_grad, self.iterations if iterations is None else iterations)
        return run

    def _train(self, run, w, b, zero_grad, iterations):
        for _ in range(iterations):
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
        """(run with zero_grad, run without) for the current iterations and lr; longer runs are reused."""
        cached = self._cache.get(self.lr)
        if cached is None or len(cached[0].losses) < self.iterations:
            steps = max(self.iterations, ITERATION_CHOICES[-1])  # then every slider setting is a slice
            cached = self._cache[self.lr] = (self.train(True, steps), self.train(False, steps))
        return cached[0].head(self.iterations), cached[1].head(self.iterations)

    def diagnose(self, runs=None):
        good, bad = runs or self.runs()
        with np.errstate(all="ignore"):  # inf - inf in a diverged run
            return _diagnose(np.array(good.losses), np.array(bad.losses))

    def verdict(self, runs=None):
        """The headline: what happened without zero_grad, compared with the run that zeroes."""
        d = self.diagnose(runs)
        if not math.isfinite(d.good_final):
            with_zero = "With zero_grad it diverged too: this learning rate is too large for either run."
        elif d.good_rises == 0:
            with_zero = f"With zero_grad the loss went down steadily, to {d.good_final:.3g}."
        else:
            with_zero = f"With zero_grad the loss ends at {d.good_final:.3g}."
        if d.diverged:
            return (f"Without zero_grad the training diverged within {plural(d.steps, 'step')} (the loss became "
                    f"inf or nan). {with_zero}")
        if d.rises == 0:  # not on the slider grid: a run this short has not overshot yet
            return (f"After {plural(d.steps, 'step')} the loss without zero_grad has not gone up yet: run more "
                    f"iterations to see it overshoot and swing back. {with_zero}")
        low, high = d.swing
        if d.settles:  # not on the slider grid either
            return (f"Without zero_grad the loss went up again at {d.rises} of its {plural(d.steps, 'step')}; run "
                    f"more iterations to see it keep swinging. {with_zero}")
        return (f"Without zero_grad the loss never settles: it went up again at {d.rises} of its "
                f"{plural(d.steps, 'step')}, and over the last {plural(d.window, 'step')} it still swings between "
                f"{low:.3g} and {high:.3g}. {with_zero}")

    def explanation(self, runs=None):
        """Why: the stale sum of gradients is momentum without damping (with the early lead, when there is one)."""
        d = self.diagnose(runs)
        text = ("Why: without zeroing, .grad keeps the sum of every gradient so far, and each step moves the "
                "weights by lr times that stale sum. That is momentum without damping: old gradients never fade, "
                "so the weights overshoot the minimum and swing back and forth")
        if d.ahead is not None:
            first, last = d.ahead
            span = f"at step {first}" if first == last else f"from step {first} to step {last}"
            text += (f". It can even look faster early: the loss without zero_grad was lower {span}, before the "
                     "overshoot")
        return text + "."

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
        from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter
        good, bad = runs or self.runs()
        steps = np.arange(1, len(good.losses) + 1)
        fig = Figure(figsize=(9, 3.5), dpi=80)
        for ax, key, title in zip(fig.subplots(1, 2), ("losses", "grad_norms"), ("loss", "norm of .grad")):
            ax.plot(steps, _finite(getattr(good, key)), lw=1.5, color="C0", label="with zero_grad")
            ax.plot(steps, _finite(getattr(bad, key)), lw=1.5, color="C1", label="without zero_grad")
            if key == "grad_norms":
                ax.plot(steps, _finite(bad.true_grad_norms), ls="--", lw=1, color="grey",
                        label="fresh gradient at the same weights (run without)")
            ax.set_yscale("log")
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))  # 0.01, not 10^-2 (and faster)
            ax.yaxis.set_minor_formatter(NullFormatter())
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlabel("iteration")
            ax.set_ylabel(f"{title} (log scale)")
            ax.set_title(f"{title} (lr={self.lr:g})")
        fig.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=3, fontsize=9, frameon=False)
        fig.subplots_adjust(left=0.1, right=0.98, bottom=0.26, top=0.92, wspace=0.3)
        return fig

    def png(self, runs=None):
        buffer = io.BytesIO()
        self.figure(runs).savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()


@dataclass
class MicroBatchCheck:
    k: int
    full: tuple  # (dL/dw, dL/db) of the mean loss over the whole batch
    accumulated: tuple  # the same, accumulated over k backward() calls on loss_i / k
    match: bool  # np.allclose(full, accumulated)
    max_difference: float


def _diagnose(good_losses, losses):
    steps = len(losses)
    diverged = not np.all(np.isfinite(losses))
    window = max(steps // 3, 1)
    tail = losses[-window:]
    rises = int(np.sum(np.diff(losses) > RISE_TOLERANCE * losses[:-1])) if not diverged else 0
    good_rises = int(np.sum(np.diff(good_losses) > RISE_TOLERANCE * good_losses[:-1]))
    swing = (float(np.min(tail)), float(np.max(tail))) if not diverged else (math.nan, math.nan)
    return Diagnosis(steps, diverged, rises, window, swing, good_rises, float(good_losses[-1]), float(losses[-1]),
                     _first_stretch(losses < good_losses))


def _first_stretch(mask):
    """(first, last) 1-based step of the first run of True in `mask`, or None."""
    hits = np.nonzero(mask)[0]
    if not hits.size:
        return None
    first = last = int(hits[0])
    while last + 1 < len(mask) and mask[last + 1]:
        last += 1
    return first + 1, last + 1


def _finite(values):
    return [v if math.isfinite(v) and v > 0 else np.nan for v in values]


class AccumulationView:
    """Mode buttons; iterations and learning-rate sliders, the plot and the verdict; or the micro-batch check."""

    def __init__(self, state):
        import ipywidgets as w
        self.state = state
        wide = {"description_width": "initial"}
        self.iterations = w.SelectionSlider(options=ITERATION_CHOICES, value=_nearest(state.iterations,
                                                                                     ITERATION_CHOICES),
                                            description="iterations", continuous_update=False, style=wide)
        self.lr = w.SelectionSlider(options=LEARNING_RATES, value=_nearest(state.lr, LEARNING_RATES),
                                    description="learning rate", continuous_update=False, style=wide)
        self.k = w.Dropdown(options=[d for d in range(1, 13) if len(state.x) % d == 0], value=state.k,
                            description="micro-batches", style=wide)
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
        self.widget.add_class("course-accumulation")
        self.refresh()

    def refresh(self):
        self.state.iterations, self.state.lr, self.state.k = self.iterations.value, self.lr.value, self.k.value
        micro = self.mode.value == "micro-batches"
        for control in (self.iterations, self.lr, self.plot, self.verdict):  # they do nothing in micro-batch mode
            control.layout.display = "none" if micro else None
        self.k.layout.display = None if micro else "none"
        self.check.layout.display = None if micro else "none"
        if micro:
            self.check.value = micro_batch_html(self.state.micro_batches())
            return
        runs = self.state.runs()
        self.verdict.value = verdict_html(self.state, runs)
        self.plot.value = self.state.png(runs)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_()
        runs = self.state.runs()
        bundle["text/plain"] = f"Accumulation demo: {self.state.verdict(runs)}"
        bundle["image/png"] = self.state.png(runs)
        return bundle


def _nearest(value, choices):
    return min(choices, key=lambda c: abs(c - value))


def verdict_html(state, runs):
    return (f"<b>{html.escape(state.verdict(runs))}</b>"
            f"<div style='max-width:60em'>{html.escape(state.explanation(runs))}</div>")


def micro_batch_html(check):
    table = (("full batch", check.full), (f"{plural(check.k, 'micro-batch', 'es')}, loss/k", check.accumulated))
    rows = "".join(f"<tr><td>{label}</td><td>{g[0]:.6f}</td><td>{g[1]:.6f}</td></tr>" for label, g in table)
    return (f"<table><tr><th></th><th>dL/dw</th><th>dL/db</th></tr>{rows}</table>"
            f"<b>allclose: {check.match}</b> (largest difference {check.max_difference:.2e}): accumulating on purpose "
            "gives the full-batch gradient with a fraction of the memory.")


def accumulation_demo(iterations=100, lr=0.05, k=4):
    """The widget; iterations and lr snap to the sliders' nearest settings (ITERATION_CHOICES, LEARNING_RATES)."""
    return AccumulationView(AccumulationDemo(_nearest(iterations, ITERATION_CHOICES), _nearest(lr, LEARNING_RATES), k))
