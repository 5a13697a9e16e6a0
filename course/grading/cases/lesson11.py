"""Hidden cases for practice 11 · Training loops."""
import math
from functools import partial

import numpy as np

import minigrad as torch
from course.grading.checker import Case, exercise, tuple_part
from minigrad import nn

# ------------------------------------------------------------------------------------------ 11.1 one step

def _gradients(w0, b0, xs, ys):
    """dL/dw and dL/db of the mean squared error of w*x + b at (w0, b0), by minigrad's backward()."""
    w = torch.tensor(float(w0), requires_grad=True)
    b = torch.tensor(float(b0), requires_grad=True)
    x, y = torch.tensor(xs), torch.tensor(ys)
    ((w * x + b - y) ** 2).mean().backward()
    return w.grad.item(), b.grad.item()


@exercise("11.1", returns="a pair (w, b) of numbers",
          hint="watch w and b, compute the mean squared error, backward(), then subtract lr times each gradient.")
def one_step():
    pair = tuple_part(2, "pair")
    for w0, b0, xs, ys, lr in ((0.0, 0.0, [1.0, 2.0, 3.0, 4.0], [3.0, 5.0, 7.0, 9.0], 0.1),
                               (1.0, -1.0, [0.0, 1.0, 2.0], [1.0, 3.0, 5.0], 0.05),
                               (2.0, 0.5, [-1.0, 0.5, 2.0, 3.0, 4.0], [-4.0, 1.0, 5.5, 8.0, 12.5], 0.01),
                               (0.5, 0.5, [2.0], [1.0], 0.2)):
        grad_w, grad_b = _gradients(w0, b0, xs, ys)
        n = len(xs)
        label = f"w0 = {w0}, b0 = {b0}, xs = {xs}, ys = {ys}, lr = {lr}"
        args = partial(lambda *a: (a[0], a[1], list(a[2]), list(a[3]), a[4]), w0, b0, xs, ys, lr)
        uphill = "you stepped uphill: gradient descent subtracts lr times the gradient."
        summed = ("that is the step for a sum of squared errors: the loss is their mean (divide by the number of "
                  "points).")
        gradient = "that is the gradient itself; the new value is the old one minus lr times the gradient."
        for i, (start, grad, name) in enumerate(((w0, grad_w, "w"), (b0, grad_b, "b"))):
            mistakes = ((start + lr * grad, uphill), (grad, gradient))
            if n > 1:
                mistakes += ((start - lr * n * grad, summed),)
            yield Case(label, args, start - lr * grad, name, pair(i), mistakes=mistakes,
                       hint=f"the new {name} is {name}0 - lr * dL/d{name}, with dL/d{name} read from .grad "
                            "after backward().")


# ------------------------------------------------------------------------------------------ 11.2 mini-batches

class _Problem:
    """A fresh seeded model and data for every call; keeps the model so a key can read it after training."""

    def __init__(self, seed, n, features, epochs, batch_size, lr):
        self.seed, self.n, self.features = seed, n, features
        self.epochs, self.batch_size, self.lr = epochs, batch_size, lr
        self.model = None

    def __call__(self):
        generator = np.random.default_rng(seed=20 + self.seed)
        inputs = generator.uniform(-2, 2, size=(self.n, self.features))
        targets = inputs @ generator.uniform(-2, 2, size=(self.features, 1)) + 0.5 + generator.normal(
            0, 0.2, size=(self.n, 1))
        torch.manual_seed(self.seed)
        self.model = nn.Linear(self.features, 1)
        return (self.model, torch.tensor(inputs, dtype=torch.float32), torch.tensor(targets, dtype=torch.float32),
                self.epochs, self.batch_size, self.lr)

    def weight(self, losses):
        return self.model.weight.detach()


def _train(model, inputs, targets, epochs, batch_size, lr, mode="right"):
    """The reference loop, and its typical mistakes: "unweighted" (plain mean of batch losses), "full" (one step
    per epoch on all the data), "stale" (no zero_grad)."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    size = len(inputs) if mode == "full" else batch_size
    losses = []
    for _ in range(epochs):
        total, batch_losses = 0.0, []
        for start in range(0, len(inputs), size):
            x_batch, y_batch = inputs[start:start + size], targets[start:start + size]
            if mode != "stale":
                optimizer.zero_grad()
            loss = loss_fn(model(x_batch), y_batch)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x_batch)
            batch_losses.append(loss.item())
        losses.append(sum(batch_losses) / len(batch_losses) if mode == "unweighted" else total / len(inputs))
    return losses, model.weight.detach()


def _numbers_only(losses):
    if not isinstance(losses, list):
        raise TypeError("not a list")
    return all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in losses)


@exercise("11.2", returns="a list of numbers",
          hint="for every epoch, for every batch in order: zero_grad, forward, loss, backward, step; add "
               "loss.item() * batch size to the epoch's total.")
def mini_batches():
    for seed, (n, features, epochs, batch_size, lr) in enumerate(((10, 1, 3, 4, 0.1), (12, 2, 4, 3, 0.05),
                                                                   (8, 1, 2, 8, 0.1), (9, 3, 5, 2, 0.05),
                                                                   (20, 2, 3, 6, 0.1))):
        problem = _Problem(seed, n, features, epochs, batch_size, lr)
        losses, weight = _train(*problem())
        label = f"n = {n}, {features} feature(s), epochs = {epochs}, batch_size = {batch_size}, lr = {lr}"
        wrong = {}
        hints = {
            "unweighted": "the last batch is smaller: weight each batch's loss by its size (loss.item() * len(batch)) "
                          "and divide the epoch's total by the number of examples.",
            "full": "take one optimizer step per mini-batch, not one per epoch on all the data.",
            "stale": "clear the gradients (optimizer.zero_grad()) before every batch's backward().",
        }
        for mode in hints:
            wrong[mode] = _train(*problem(), mode=mode)
        yield Case(label, problem, True, "every entry a Python number", _numbers_only,
                   hint="keep numbers, not tensors (a tensor keeps its graph alive): add loss.item() to the total.")
        yield Case(label, problem, epochs, "len(losses)", len, hint="one mean loss per epoch.")
        loss_mistakes = tuple((wrong[mode][0], hint) for mode, hint in hints.items()
                              if not np.allclose(wrong[mode][0], losses))
        yield Case(label, problem, losses, "losses", mistakes=loss_mistakes,
                   hint="an epoch's loss is the mean over its examples of the batch losses computed before each "
                        "step.")
        weight_mistakes = tuple((wrong[mode][1], hint) for mode, hint in hints.items()
                                if not np.allclose(wrong[mode][1].numpy(), weight.numpy()))
        yield Case(label, problem, weight, "model.weight after training", problem.weight, mistakes=weight_mistakes,
                   hint="train the model you are given, in place, with one optimizer.step() per batch.")


# ------------------------------------------------------------------------------------------ 11.3 registered layers

def _reference_mlp(sizes):
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.Tanh()]
    return nn.Sequential(*layers[:-1])


def _inputs(sizes, seed):
    generator = np.random.default_rng(seed=40 + seed)
    return torch.tensor(generator.standard_normal((5, sizes[0])), dtype=torch.float32)


def _parameter_count(model):
    return len(list(model.parameters())) if isinstance(model, nn.Module) else None


@exercise("11.3", returns="an nn.Module",
          hint="keep the layers in nn.ModuleList, so nn.Module registers them and .parameters() finds them.")
def registered_layers():
    for seed, sizes in enumerate(([2, 16, 16, 1], [3, 5, 2], [4, 1], [1, 8, 8, 8, 1])):
        torch.manual_seed(seed)
        reference = _reference_mlp(sizes)
        inputs = _inputs(sizes, seed)
        with torch.no_grad():
            output = reference(inputs)
        before = partial(torch.manual_seed, seed)
        label = f"sizes = {sizes}"
        args = partial(lambda s: (list(s),), sizes)
        yield Case(label, args, True, "an nn.Module", lambda m: isinstance(m, nn.Module), before=before,
                   hint="make_mlp must return MLP(sizes).")
        yield Case(label, args, 2 * (len(sizes) - 1), "len(list(model.parameters()))", _parameter_count,
                   before=before,
                   mistakes=((0, "a plain Python list is invisible to nn.Module: .parameters() finds nothing. Wrap "
                                 "the layers in nn.ModuleList."),),
                   hint="one nn.Linear per pair of neighbouring sizes, each with a weight and a bias.")
        yield Case(label, args, sum(p.numel() for p in reference.parameters()), "number of trainable numbers",
                   lambda m: sum(p.numel() for p in m.parameters()), before=before,
                   hint="layer k is nn.Linear(sizes[k], sizes[k + 1]).")
        yield Case(label, args, output, "model(x) on a fixed x", _output_on(inputs), before=before,
                   hint="create the layers in order, first to last, with nn.Linear(sizes[k], sizes[k + 1]) and "
                        "nothing else that draws random numbers.")


def _output_on(inputs):
    def run(model):
        with torch.no_grad():
            return model(inputs)
    return run


# ------------------------------------------------------------------------------------------ 11.4 Adam's first step

ADAM_OPTIONS = {
    "a": ((3.5, 1.2), "3.5 and 1.2 is plain SGD's step (lr times the gradient); Adam divides by the gradient's "
                      "size."),
    "b": ((0.1, 0.1), ""),
    "c": ((0.1, 0.1 * 12 / 35), "Adam scales each parameter separately, so the proportions of the gradients are not "
                                "kept."),
    "d": ((0.0, 0.0), "the bias correction makes the first step a full one, even though the running averages start "
                      "at zero."),
}


def _adam_first_step():
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    inputs = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
    nn.MSELoss()(model(inputs), 2 * inputs + 1).backward()
    optimizer.step()
    return model.weight.item(), model.bias.item()


def _one_letter(answer):
    if not isinstance(answer, str):
        raise TypeError("not a letter")
    return answer.strip().lower().strip("()")


@exercise("11.4", returns='one letter, "a" to "d"')
def adam_first_step():
    w, b = _adam_first_step()
    right = [letter for letter, ((w_option, b_option), _) in ADAM_OPTIONS.items()
             if math.isclose(w, w_option, rel_tol=1e-4, abs_tol=1e-6)
             and math.isclose(b, b_option, rel_tol=1e-4, abs_tol=1e-6)]
    assert len(right) == 1, (w, b)  # exactly one statement describes what Adam does
    yield Case("your letter", (), right[0], "the letter", _one_letter,
               mistakes=tuple((letter, hint) for letter, (_, hint) in ADAM_OPTIONS.items() if letter != right[0]))
