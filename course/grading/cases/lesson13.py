"""Hidden cases for practice 13 · Real data (capstone B)."""
from functools import lru_cache, partial

import numpy as np

import minigrad as torch
from course.grading.checker import Case, exercise, tuple_part
from minigrad import nn


def _type_name(value):
    return type(value).__name__


@lru_cache(maxsize=1)
def _digits():
    """scikit-learn's 1,797 digits (pixels 0-16 as float64, labels as int64) in a fixed shuffled order."""
    from sklearn.datasets import load_digits  # imported on first use: scikit-learn takes a second to import
    digits = load_digits()
    order = np.random.default_rng(0).permutation(len(digits.target))
    return digits.data[order], digits.target[order]


# ---------------------------------------------------------------------------------------------- 13.1 accuracy

def _accuracy_cases():
    """(label, outputs, labels, whether the outputs require grad), with no ties in any row."""
    rng = np.random.default_rng(1)
    yield ("the example above", np.array([[2.0, 0.5, -1.0], [0.1, 0.3, 0.2], [1.0, 3.0, 0.0], [0.0, 0.0, 5.0]]),
           np.array([0, 2, 1, 2]), False)
    yield ("3 examples, 3 classes", np.array([[0.2, 0.9, 0.1], [0.8, 0.3, 0.4], [0.1, 0.5, 0.7]]), np.array([1, 1, 2]),
           True)
    yield "one example, right", np.array([[0.3, -0.2]]), np.array([0]), False
    yield "one example, wrong", np.array([[0.3, -0.2]]), np.array([1]), False
    yield ("5 examples, all wrong", rng.normal(size=(5, 4)) + 5 * np.eye(4)[[0, 1, 2, 3, 0]], np.array([1, 2, 3, 0, 2]),
           False)
    yield "1,000 examples, 10 classes", rng.normal(size=(1000, 10)), rng.integers(0, 10, 1000), True


def _accuracy_args(outputs, labels, watched):
    scores = torch.tensor(outputs, dtype=torch.float32)
    if watched:  # what a model returns: scores computed from weights that require grad
        scores = scores * torch.ones(1, requires_grad=True)
    return scores, torch.tensor(labels)


ACCURACY_ERRORS = (
    ("could not infer output dtype", "a comparison gives booleans, and mean() needs floats: .float().mean()."),
    ("Can't call numpy() on Tensor that requires grad", "the outputs come from a model, so they require grad: "
                                                        "stay with tensor ops (argmax, ==), or .detach() first."),
    ("must match the size of tensor", "take the argmax over the classes, dim=1: one prediction per row."),
)


@exercise("13.1", returns="a number between 0 and 1",
          hint="the prediction is the class with the highest score in each row (argmax over dim=1); the accuracy "
               "is the fraction of predictions equal to the labels.",
          error_hints=ACCURACY_ERRORS)
def accuracy():
    for label, outputs, labels, watched in _accuracy_cases():
        right = outputs.argmax(axis=1) == labels
        expected = float(right.mean())
        mistakes = [(float(right.sum()), "that is the number of right predictions: divide by the number of "
                                         "examples.")]
        if expected:
            mistakes += [(100 * expected, "return a fraction between 0 and 1, not a percentage."),
                         (0.0, "an integer division (//) rounds the fraction down to 0: divide as floats.")]
        if outputs.shape[0] == outputs.shape[1]:
            mistakes.append((float((outputs.argmax(axis=0) == labels).mean()),
                             "take the argmax over the classes, dim=1 (one prediction per row), not dim=0."))
        label = label + (", outputs that require grad" if watched else "")
        yield Case(label, partial(_accuracy_args, outputs, labels, watched), expected, "accuracy",
                   mistakes=tuple(m for m in mistakes if m[0] != expected))


# ---------------------------------------------------------------------------------------------- 13.2 loss levels

def _loss_levels(num_classes):
    """By minigrad's cross_entropy: the loss when every class gets the same score, and the lowest loss a model with
    a softmax before cross_entropy can reach (its 'logits' are probabilities: at best 1 for the right class, 0 for
    the others)."""
    labels = torch.arange(2 * num_classes) % num_classes
    equal = torch.zeros(2 * num_classes, num_classes)
    best_probabilities = torch.eye(num_classes)[labels]
    return (nn.functional.cross_entropy(equal, labels).item(),
            nn.functional.cross_entropy(best_probabilities, labels).item())


@exercise("13.2", returns="a pair (first_loss, softmax_floor) of numbers",
          hint="cross-entropy is −ln of the probability the model's softmax gives the right class.")
def loss_levels():
    pair = tuple_part(2, "pair")
    for num_classes in (10, 2, 3, 100, 1000):
        first, floor = _loss_levels(num_classes)
        label = f"num_classes = {num_classes}"
        yield Case(label, (num_classes,), first, "first_loss", pair(0),
                   mistakes=((1 / num_classes, "1/C is the probability of each class; the loss is −ln of it."),
                             (-first, "cross-entropy is −ln p, a positive number: check the sign."),
                             (np.log10(num_classes), "cross-entropy uses the natural log (math.log), not log10."),
                             (np.log2(num_classes), "cross-entropy uses the natural log (math.log), not log2."),
                             (0.0, "an untrained model is not right yet: equal scores spread the probability over "
                                   "all the classes.")),
                   hint="equal scores give every class the probability 1/C.")
        yield Case(label, (num_classes,), floor, "softmax_floor", pair(1),
                   mistakes=((0.0, "the softmax in the model squeezes its outputs into [0, 1], and cross_entropy "
                                   "applies softmax to them again: at best the right class scores 1 and the others "
                                   "0, which is far from certain."),
                             (first, "that is the first loss; the floor is what the best possible probabilities "
                                     "(1 for the right class, 0 for the others) give after the second softmax."),
                             (np.log(np.e + num_classes) - 1, "the right class scores e¹, and each of the OTHER "
                                                             "C − 1 classes e⁰ = 1.")),
                   hint="feed the best probabilities (1 for the right class, 0 for the others) into cross_entropy as "
                        "if they were logits: the right class gets e¹ / (e¹ + (C − 1)·e⁰).")


# ---------------------------------------------------------------------------------------------- 13.3 confusion

def _confusion_reference(predictions, labels, num_classes):
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (labels, predictions), 1)
    return counts


def _confusion_cases():
    rng = np.random.default_rng(3)
    yield "the example above", np.array([0, 2, 1, 2, 2, 0]), np.array([0, 1, 1, 2, 0, 0]), 3
    yield "class 3 never appears", np.array([0, 1, 2, 1]), np.array([0, 2, 2, 1]), 4
    yield "one example", np.array([1]), np.array([0]), 2
    yield "no examples at all", np.array([], dtype=np.int64), np.array([], dtype=np.int64), 3
    labels = rng.integers(0, 10, 360)
    predictions = np.where(rng.random(360) < 0.9, labels, rng.integers(0, 10, 360))
    yield "360 predictions of a good model, 10 classes", predictions, labels, 10
    yield "all wrong", np.array([1, 2, 0, 1]), np.array([0, 1, 2, 2]), 3


def _confusion_args(predictions, labels, num_classes):
    return torch.tensor(predictions, dtype=torch.int64), torch.tensor(labels, dtype=torch.int64), num_classes


@exercise("13.3", returns="a (num_classes, num_classes) int64 tensor",
          hint="start from torch.zeros((num_classes, num_classes), dtype=torch.int64) and add 1 at [true, predicted] "
               "for every example.")
def confusion_matrix():
    for label, predictions, labels, num_classes in _confusion_cases():
        expected = _confusion_reference(predictions, labels, num_classes)
        args = partial(_confusion_args, predictions, labels, num_classes)
        seen = int(max(predictions.max(initial=0), labels.max(initial=0))) + 1
        once = np.zeros_like(expected)
        once[labels, predictions] = 1
        mistakes = [(torch.tensor(expected.T), "rows are the true classes and columns the predictions: "
                                                "matrix[label, prediction]."),
                    (torch.tensor(once), "matrix[labels, predictions] += 1 counts a repeated (label, prediction) "
                                         "pair only once (the indexed assignment does not add up duplicates): "
                                         "add one example at a time, or use index_put_(..., accumulate=True).")]
        yield Case(label, args, "Tensor", "type(matrix)", _type_name,
                   hint="return a tensor: torch.tensor(...) or torch.zeros(...), not a numpy array or a list.")
        yield Case(label, args, (num_classes, num_classes), "matrix.shape", lambda m: tuple(m.shape),
                   mistakes=(((seen, seen), "a class may be missing from both lists: the size comes from "
                                            "num_classes, not from the largest label seen."),) if seen != num_classes
                   else ())
        yield Case(label, args, torch.tensor(expected), "matrix",
                   mistakes=tuple((wrong, hint) for wrong, hint in mistakes
                                  if not np.array_equal(wrong.numpy(), expected)))
        yield Case(label, args, "torch.int64", "matrix.dtype", lambda m: str(m.dtype),
                   hint="counts are whole numbers: dtype=torch.int64 (torch.zeros makes float32 by default).")


# ---------------------------------------------------------------------------------------------- 13.4 bug hunt

def _classifier(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))


def _bug_hunt_args(seed, start, count):
    pixels, labels = _digits()
    return _classifier(seed), pixels[start:start + count].copy(), labels[start:start + count].copy()


def _pipeline_loss(seed, start, count, scale=True, softmax=False):
    model, pixels, labels = _bug_hunt_args(seed, start, count)
    inputs = torch.tensor(pixels / 16.0 if scale else pixels, dtype=torch.float32)
    scores = model(inputs)
    if softmax:
        scores = torch.softmax(scores, dim=1)
    return nn.functional.cross_entropy(scores, torch.tensor(labels)).item()


FLOAT32_HINT = ("the model's weights are float32: make the inputs float32 too (dtype=torch.float32); torch.tensor "
                "of a numpy float array is float64, and PyTorch refuses float64 inputs to a float32 layer.")
BUG_HUNT_ERRORS = (
    ("expected target dtype to be Long", "cross_entropy wants the labels as class indices, int64: torch.tensor(digits) "
                                         "already is; do not make them float."),
    ("Expected target size", "the labels must have shape (N,), one class index per example: drop the "
                             "reshape(-1, 1)."),
    ("multi-target not supported", "the labels must have shape (N,), one class index per example: drop the "
                                   "reshape(-1, 1)."),
    ("must have the same dtype", FLOAT32_HINT),
)


@exercise("13.4", returns="a 0-d tensor (the loss)",
          hint="inputs: float32, scaled to [0, 1]; labels: int64 of shape (N,); the model's output (logits) goes "
               "straight into cross_entropy.",
          error_hints=BUG_HUNT_ERRORS)
def fixed_loss():
    for seed, start, count in ((0, 0, 64), (1, 500, 10), (2, 1000, 1), (3, 1200, 200)):
        label = f"{count} digits from #{start}, a fresh model (seed {seed})"
        args = partial(_bug_hunt_args, seed, start, count)
        expected = _pipeline_loss(seed, start, count)
        unscaled = _pipeline_loss(seed, start, count, scale=False)
        softmax = _pipeline_loss(seed, start, count, softmax=True)
        both = _pipeline_loss(seed, start, count, scale=False, softmax=True)
        yield Case(label, args, "Tensor", "type(loss)", _type_name,
                   mistakes=(("float", "return the loss tensor itself, not loss.item(): it has to be "
                                       "differentiable."),))
        yield Case(label, args, (), "loss.shape", lambda loss: tuple(loss.shape),
                   hint="one number for the batch: cross_entropy's default reduction (the mean).")
        yield Case(label, args, expected, "loss", lambda loss: loss.item(),
                   mistakes=((unscaled, "the pixels are still 0-16: scale them to [0, 1] (divide by 16), as the "
                                        "lesson does."),
                             (softmax, "cross_entropy applies log_softmax itself: give it the model's logits, with "
                                       "no softmax before it."),
                             (both, "two bugs left: the pixels are not scaled to [0, 1], and cross_entropy gets "
                                    "probabilities instead of logits.")),
                   hint="compute loss = cross_entropy(model(X), y) on the fixed X and y.")
        yield Case(label, args, "torch.float32", "loss.dtype", lambda loss: str(loss.dtype),
                   hint=FLOAT32_HINT)
        yield Case(label, args, True, "loss.requires_grad", lambda loss: loss.requires_grad,
                   hint="build the loss from the model's output (not under torch.no_grad(), no .detach()), so "
                        "loss.backward() reaches the weights.")


# ---------------------------------------------------------------------------------------------- 13.5 training

TRAIN_SIZE, TEST_SIZE, TARGET = 500, 400, 0.9


def _split():
    pixels, labels = _digits()
    inputs = torch.tensor(pixels / 16.0, dtype=torch.float32)
    targets = torch.tensor(labels)
    return inputs, targets


def _training_args():
    inputs, targets = _split()
    return inputs[:TRAIN_SIZE], targets[:TRAIN_SIZE]


def _held_out_outputs(model):
    inputs, _ = _split()
    with torch.no_grad():
        return model(inputs[TRAIN_SIZE:TRAIN_SIZE + TEST_SIZE])


def _output_kind(model):
    outputs = _held_out_outputs(model)
    rows = outputs.sum(dim=1)
    if bool((outputs >= 0).all()) and bool(torch.allclose(rows, torch.ones_like(rows))):
        return "probabilities"
    return "logits"


def _held_out_accuracy(model):
    _, targets = _split()
    predictions = _held_out_outputs(model).argmax(dim=1)
    return (predictions == targets[TRAIN_SIZE:TRAIN_SIZE + TEST_SIZE]).float().mean().item()


def _at_least(got, expected):
    return isinstance(got, float) and got >= expected


@exercise("13.5", returns="a trained model (a callable)",
          hint="lesson 13's model and loop: 64 → 64 → 10 with ReLU, cross_entropy on the logits, mini-batches of 32, "
               "SGD with momentum, a few epochs; zero_grad in every step.")
def train_classifier():
    label = f"{TRAIN_SIZE} training digits; accuracy on {TEST_SIZE} held-out digits"
    before = partial(torch.manual_seed, 0)
    yield Case(label, _training_args, True, "callable(model)", callable, before=before,
               hint="return the trained model itself (model(x) must give the scores).")
    yield Case(label, _training_args, (TEST_SIZE, 10), "model(x).shape for the held-out digits",
               lambda model: tuple(_held_out_outputs(model).shape), before=before,
               hint="the model takes (N, 64) float32 inputs and returns (N, 10) scores, one per class.")
    yield Case(label, _training_args, "logits", "what the model returns", _output_kind, before=before,
               mistakes=(("probabilities", "the model ends in a softmax; cross_entropy applies log_softmax itself, "
                                           "so train and return a model that outputs logits."),))
    yield Case(label, _training_args, TARGET, "held-out accuracy (at least)", _held_out_accuracy, before=before,
               compare=_at_least,
               hint="check the five steps of every training step (zero_grad, forward, loss, backward, step), the "
                    "learning rate (0.1 with momentum 0.9 works) and the number of epochs (10 or so).")
