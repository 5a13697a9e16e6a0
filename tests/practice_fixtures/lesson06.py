"""Typical wrong answers to practice 06; check() must reject each one with the hint fragment named here."""
import minigrad as torch


def target_not_detached(w0):
    w = torch.tensor(w0, requires_grad=True)
    ((3 * w - w**2) ** 2).backward()
    return w.grad.item()


def everything_detached(w0):
    w = torch.tensor(w0, requires_grad=True)
    loss = ((3 * w).detach() - (w**2).detach()) ** 2
    loss.backward()
    return w.grad.item()


def snapshot_by_detach(t):
    return t.detach()


def snapshot_by_clone(t):
    return t.clone()


def snapshot_by_data(t):
    return t.data


def freeze_without_clearing(model):
    for p in model.parameters():
        p.requires_grad_(False)
    head = list(model[-1].parameters())
    for p in head:
        p.requires_grad_(True)
    return head


def freeze_everything(model):
    for p in model.parameters():
        p.requires_grad_(False)
        p.grad = None
    return list(model[-1].parameters())


def freeze_but_return_all(model):
    for p in model.parameters():
        p.requires_grad_(False)
        p.grad = None
    for p in model[-1].parameters():
        p.requires_grad_(True)
    return list(model.parameters())


WRONG_ANSWERS = [
    ("06.1", target_not_detached, "flowed through the target"),
    ("06.1", everything_detached, "detach only the target"),
    ("06.2", snapshot_by_detach, "share memory with t"),
    ("06.2", snapshot_by_clone, ".clone() alone keeps the history"),
    ("06.2", snapshot_by_data, "share memory with t"),
    ("06.3", freeze_without_clearing, "set p.grad = None"),
    ("06.3", freeze_everything, "the head is frozen too"),
    ("06.3", freeze_but_return_all, "you returned every parameter"),
    ("06.4", lambda: "a", "autograd keeps recording"),
    ("06.4", lambda: "d", "skips autograd's version check"),
]
