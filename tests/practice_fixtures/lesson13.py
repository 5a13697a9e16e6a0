"""Typical wrong answers to practice 13; check() must reject each one with the hint fragment named here."""
import math

import minigrad as torch
from minigrad import nn

# ---------------------------------------------------------------------------------------------- 13.1


def accuracy_as_percentage(outputs, labels):
    return 100 * (outputs.argmax(dim=1) == labels).float().mean().item()


def accuracy_counts(outputs, labels):
    return (outputs.argmax(dim=1) == labels).sum().item()


def accuracy_mean_of_booleans(outputs, labels):
    return (outputs.argmax(dim=1) == labels).mean().item()


def accuracy_over_dim_0(outputs, labels):
    return (outputs.argmax(dim=0) == labels).float().mean().item()


def accuracy_through_numpy(outputs, labels):
    return float((outputs.numpy().argmax(axis=1) == labels.numpy()).mean())


def accuracy_integer_division(outputs, labels):
    return (outputs.argmax(dim=1) == labels).sum().item() // len(labels)


# ---------------------------------------------------------------------------------------------- 13.2


def loss_levels_probability(num_classes):
    return 1 / num_classes, 1 / num_classes


def loss_levels_log10(num_classes):
    return math.log10(num_classes), math.log10(math.e + num_classes - 1) - 1


def loss_levels_floor_zero(num_classes):
    return math.log(num_classes), 0.0


def loss_levels_floor_counts_every_class(num_classes):
    return math.log(num_classes), math.log(math.e + num_classes) - 1


# ---------------------------------------------------------------------------------------------- 13.3


def _counts(predictions, labels, num_classes, dtype=torch.int64):
    matrix = torch.zeros((num_classes, num_classes), dtype=dtype)
    for true, predicted in zip(labels.tolist(), predictions.tolist()):
        matrix[true, predicted] += 1
    return matrix


def confusion_transposed(predictions, labels, num_classes):
    return _counts(labels, predictions, num_classes)


def confusion_fancy_index(predictions, labels, num_classes):
    matrix = torch.zeros((num_classes, num_classes), dtype=torch.int64)
    matrix[labels, predictions] += 1
    return matrix


def confusion_float(predictions, labels, num_classes):
    return _counts(predictions, labels, num_classes, dtype=torch.float32)


def confusion_size_from_data(predictions, labels, num_classes):
    size = max(predictions.max().item(), labels.max().item()) + 1 if len(labels) else num_classes
    return _counts(predictions, labels, size)


# ---------------------------------------------------------------------------------------------- 13.4


def loss_float64_inputs(model, pixels, digits):
    inputs = torch.tensor(pixels / 16.0)  # float64, as numpy's array is
    return nn.functional.cross_entropy(model(inputs), torch.tensor(digits))


def _loss(model, pixels, digits, scale=True, softmax=False, targets=None):
    inputs = torch.tensor(pixels / 16.0 if scale else pixels, dtype=torch.float32)
    scores = model(inputs)
    if softmax:
        scores = torch.softmax(scores, dim=1)
    return nn.functional.cross_entropy(scores, torch.tensor(digits) if targets is None else targets)


def loss_unscaled(model, pixels, digits):
    return _loss(model, pixels, digits, scale=False)


def loss_after_softmax(model, pixels, digits):
    return _loss(model, pixels, digits, softmax=True)


def loss_float_labels(model, pixels, digits):
    return _loss(model, pixels, digits, targets=torch.tensor(digits, dtype=torch.float32))


def loss_labels_as_column(model, pixels, digits):
    return _loss(model, pixels, digits, targets=torch.tensor(digits).reshape(-1, 1))


def loss_as_number(model, pixels, digits):
    return _loss(model, pixels, digits).item()


# ---------------------------------------------------------------------------------------------- 13.5


def _train(x_train, y_train, softmax=False, zero_grad=True):
    layers = [nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)] + ([nn.Softmax(dim=1)] if softmax else [])
    model = nn.Sequential(*layers)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(10):
        order = torch.randperm(len(y_train))
        for start in range(0, len(order), 32):
            batch = order[start:start + 32]
            if zero_grad:
                optimizer.zero_grad()
            nn.functional.cross_entropy(model(x_train[batch]), y_train[batch]).backward()
            optimizer.step()
    return model


def train_with_softmax(x_train, y_train):
    return _train(x_train, y_train, softmax=True)


def train_without_zero_grad(x_train, y_train):
    return _train(x_train, y_train, zero_grad=False)


def train_returns_model_and_loss(x_train, y_train):
    model = _train(x_train, y_train)
    return model, nn.functional.cross_entropy(model(x_train), y_train).item()


WRONG_ANSWERS = [
    ("13.1", accuracy_as_percentage, "not a percentage"),
    ("13.1", accuracy_counts, "divide by the number of examples"),
    ("13.1", accuracy_mean_of_booleans, ".float().mean()"),
    ("13.1", accuracy_over_dim_0, "dim=1"),
    ("13.1", accuracy_through_numpy, ".detach() first"),
    ("13.1", accuracy_integer_division, "integer division"),
    ("13.2", loss_levels_probability, "1/C is the probability"),
    ("13.2", loss_levels_log10, "natural log"),
    ("13.2", loss_levels_floor_zero, "applies softmax to them again"),
    ("13.2", loss_levels_floor_counts_every_class, "C − 1 classes"),
    ("13.3", confusion_transposed, "rows are the true classes"),
    ("13.3", confusion_fancy_index, "pair only once"),
    ("13.3", confusion_float, "dtype=torch.int64"),
    ("13.3", confusion_size_from_data, "the size comes from num_classes"),
    ("13.4", loss_float64_inputs, "make the inputs float32 too"),
    ("13.4", loss_unscaled, "scale them to [0, 1]"),
    ("13.4", loss_after_softmax, "applies log_softmax itself"),
    ("13.4", loss_float_labels, "class indices, int64"),
    ("13.4", loss_labels_as_column, "drop the reshape(-1, 1)"),
    ("13.4", loss_as_number, "not loss.item()"),
    ("13.5", train_with_softmax, "ends in a softmax"),
    ("13.5", train_without_zero_grad, "zero_grad"),
    ("13.5", train_returns_model_and_loss, "return the trained model itself"),
]
