"""Memory: backward frees what the graph saved, leaves no gradients behind, and training does not grow."""
import gc
import tracemalloc
import weakref

import numpy as np

import minigrad as torch
from minigrad import nn


class _Probe:
    """Weak references to the numpy arrays a graph saved, to see whether backward let go of them."""

    def __init__(self, tensors):
        self.refs = [weakref.ref(t._data) for t in tensors]

    def alive(self):
        return sum(ref() is not None for ref in self.refs)


def test_backward_frees_saved_tensors_and_intermediate_gradients():
    x = torch.tensor(np.linspace(-1, 1, 64, dtype=np.float32), requires_grad=True)
    intermediates = []
    h = x
    for _ in range(20):
        h = (h * 1.5).tanh()  # tanh saves its output, Mul saves nothing of a number
        intermediates.append(h)
    probe = _Probe(intermediates)
    loss = h.sum()
    del h, intermediates
    assert probe.alive() == 20  # the graph keeps the saved outputs alive until backward
    loss.backward()
    gc.collect()
    assert probe.alive() == 0  # freed by backward, although `loss` (and so the graph) is still alive


def test_retain_graph_keeps_saved_tensors_until_the_last_backward():
    x = torch.ones(8, requires_grad=True)
    h = (x * 2).exp()
    probe = _Probe([h])
    loss = h.sum()
    del h
    loss.backward(retain_graph=True)
    gc.collect()
    assert probe.alive() == 1
    loss.backward()
    gc.collect()
    assert probe.alive() == 0


def test_gradients_of_intermediate_tensors_are_not_kept():
    x = torch.ones(1000, requires_grad=True)
    y = (x * 3).sin()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    y.sum().backward()
    gc.collect()
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # x.grad (4 KB) is new; the graph's saved input of sin (4 KB) is freed; no intermediate gradient remains
    assert after - before < 4 * 1000 + 2048


def test_a_long_chain_releases_its_memory_after_backward():
    x = torch.ones(256, requires_grad=True)
    gc.collect()
    tracemalloc.start()
    h = x
    for _ in range(2000):
        h = (h * 1.0001).sigmoid()
    built, _ = tracemalloc.get_traced_memory()
    h.sum().backward()  # `h` stays alive, so its 2000 nodes do too: only what they saved may go
    gc.collect()
    released, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert built > 2000 * 256 * 4  # one saved float32 output per sigmoid
    assert released < built / 2, (built, released)  # the arrays go; the nodes themselves stay until h goes


def test_training_steps_do_not_grow_memory():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x, y = torch.randn(64, 20), torch.randint(0, 3, (64,))

    def step():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(5):  # optimizer state and gradient buffers are created in the first steps
        step()
    gc.collect()
    tracemalloc.start()
    start, _ = tracemalloc.get_traced_memory()
    for _ in range(100):
        step()
    gc.collect()
    end, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert end - start < 16 * 1024  # bytes; one step's arrays alone are ~30 KB, so a leak would show
