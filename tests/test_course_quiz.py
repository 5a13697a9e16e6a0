"""The knowledge-check quiz (course/data/quiz.json): its shape, and the facts behind every question.

Each question has a check below, run with minigrad and again with PyTorch (when installed; a failure under CI
when not): the numbers, error texts and behaviours the question and its explanation state are computed here,
so a question cannot teach something that is not true of both.
"""
import json
import re
import warnings

import pytest
from helpers import require_torch

import minigrad
from course.catalog import LESSONS
from course.widgets.quiz import QUIZ_FILE, load_questions

RAW = json.loads(QUIZ_FILE.read_text(encoding="utf-8"))
QUESTIONS = {q["id"]: q for q in RAW["questions"]}


def right_answer(qid):
    q = QUESTIONS[qid]
    return q["choices"][q["correct"]]


# ---- facts, one function per question id; `torch` is minigrad or PyTorch (lessons write torch. for both) ----

def requires_grad_propagates(torch):
    x, y, z = torch.tensor(1.0), torch.tensor(2.0), torch.tensor(3.0, requires_grad=True)
    assert not (x + y).requires_grad and (x + z).requires_grad
    assert (x + z).grad_fn.name() == "AddBackward0"


def which_are_leaves(torch):
    a = torch.randn(3, requires_grad=True)
    b = torch.randn(3, requires_grad=True) * 0.01
    c = a.double()
    d = a.detach()
    assert [t.is_leaf for t in (a, b, c, d)] == [True, False, False, True]
    assert (b.grad_fn.name(), c.grad_fn.name()) == ("MulBackward0", "ToCopyBackward0")
    assert not d.requires_grad
    (b.sum() + c.sum()).backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading a non-leaf's .grad warns
        assert b.grad is None and c.grad is None and a.grad is not None
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        torch.optim.SGD([b], lr=0.1)
    fixed = (torch.randn(3) * 0.01).requires_grad_()
    assert fixed.is_leaf and fixed.requires_grad


def integer_requires_grad(torch):
    with pytest.raises(RuntimeError, match="Only Tensors of floating point and complex dtype can require gradients"):
        torch.arange(3, requires_grad=True)
    assert torch.arange(3).dtype == torch.int64
    assert torch.arange(3.).dtype == torch.float32 and torch.arange(3., requires_grad=True).requires_grad
    assert torch.arange(3, dtype=torch.float32, requires_grad=True).requires_grad


def grad_fn_of_result(torch):
    x = torch.tensor(2.0, requires_grad=True)
    y = x**2 + 3*x
    assert y.grad_fn.name() == "AddBackward0"
    children = [f for f, _ in y.grad_fn.next_functions]
    assert [f.name() for f in children] == ["PowBackward0", "MulBackward0"]
    assert all(type(f.next_functions[0][0]).__name__ == "AccumulateGrad" for f in children)


def define_by_run(torch):
    def doubled_until_big(start):
        y = torch.tensor(start, requires_grad=True) * 2
        while y.norm() < 1000:
            y = y * 2
        nodes, node = 0, y.grad_fn
        while node.name() == "MulBackward0":
            nodes, node = nodes + 1, node.next_functions[0][0]
        return nodes
    assert doubled_until_big(1.0) == 10 and doubled_until_big(100.0) == 4  # different data, different graph


def accumulate_grad_node(torch):
    x = torch.tensor(3.0, requires_grad=True)
    y = x * x
    first, second = (f for f, _ in y.grad_fn.next_functions)
    assert type(first).__name__ == "AccumulateGrad" and first is second  # one node per leaf, used twice
    assert first.variable is x
    y.backward()
    assert x.grad.item() == 6.0  # both uses added into x.grad


def chain_rule_shared_node(torch):
    x, y = torch.tensor(2.0, requires_grad=True), torch.tensor(3.0, requires_grad=True)
    ((x + y) ** 2).backward()
    assert (x.grad.item(), y.grad.item()) == (10.0, 10.0)


def backward_node_work(torch):
    x = torch.tensor(1.0, requires_grad=True)
    u = x**2  # local derivative 2x = 2
    arriving = []
    u.register_hook(arriving.append)
    (3 * u).backward()  # the gradient arriving at u's node is 3
    assert arriving[0].item() == 3.0 and x.grad.item() == 3.0 * 2.0
    x.grad = None
    (x * x).backward()  # two uses: 1 + 1 times the other factor, added
    assert x.grad.item() == 2.0


def backward_does_not_update(torch):
    w = torch.tensor(2.0, requires_grad=True)
    ((3*w - 10) ** 2).backward()
    assert (w.item(), w.grad.item()) == (2.0, -24.0)


def reverse_mode_deep_learning(torch):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    model(torch.randn(5, 3)).pow(2).mean().backward()  # one backward pass
    assert all(p.grad is not None and p.grad.shape == p.shape for p in model.parameters())


def forward_mode_when(torch):
    weights = torch.linspace(-1.0, 1.0, 1000)

    def f(v):  # 2 inputs -> 1000 outputs
        return (weights * v[0] + v[1]).sin()
    point = torch.tensor([0.3, -0.2])
    jacobian = torch.autograd.functional.jacobian(f, point)
    assert tuple(jacobian.shape) == (1000, 2)
    for j in range(2):  # one forward-mode pass (Jacobian-vector product) per input gives one column
        _, column = torch.autograd.functional.jvp(f, point, torch.eye(2)[j])
        assert torch.allclose(column, jacobian[:, j], atol=1e-6)
    _, row = torch.autograd.functional.vjp(f, point, torch.eye(1000)[7])  # one reverse pass per output gives one row
    assert torch.allclose(row, jacobian[7], atol=1e-6)


def non_scalar_backward(torch):
    a = torch.tensor([2.0, 3.0], requires_grad=True)
    Q = 3 * a**3
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        Q.backward()
    Q.backward(gradient=torch.ones_like(Q))
    by_gradient = a.grad.clone()
    a.grad = None
    (3 * a**3).sum().backward()
    assert torch.equal(by_gradient, a.grad)


def broadcast_bias_grad(torch):
    X = torch.ones(4, 3)
    b = torch.zeros(3, requires_grad=True)
    (X + b).sum().backward()
    assert b.grad.tolist() == [4.0, 4.0, 4.0] and tuple(b.grad.shape) == (3,)


def three_backwards(torch):
    x = torch.tensor(2.0, requires_grad=True)
    for _ in range(3):
        (x**2).backward()
    assert x.grad.item() == 12.0


def _micro_batches(torch, divide):
    x = torch.linspace(-1.0, 1.0, 8)
    y = 2 * x + 1
    w = torch.tensor(0.5, requires_grad=True)
    ((w * x - y) ** 2).mean().backward()
    full = w.grad.item()
    w.grad = None
    for i in range(4):
        loss = ((w * x[2 * i:2 * i + 2] - y[2 * i:2 * i + 2]) ** 2).mean()
        (loss / 4 if divide else loss).backward()
    return w.grad.item() / full


def accumulation_wanted(torch):
    assert _micro_batches(torch, divide=True) == pytest.approx(1.0, rel=1e-6)


def micro_batch_divide(torch):
    assert _micro_batches(torch, divide=False) == pytest.approx(4.0, rel=1e-6)


def detach_shares_memory(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.grad_fn is None
    d[0] = 5.0
    assert x[0].item() == 5.0
    c = x.detach().clone()
    c[1] = 9.0
    assert x[1].item() == 2.0


def eval_vs_no_grad(torch):
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5))
    model.eval()
    assert not model.training and model(torch.ones(1, 2)).requires_grad
    with torch.no_grad():
        assert not model(torch.ones(1, 2)).requires_grad


def data_vs_detach(torch):
    x = torch.tensor([0.5, -1.0], requires_grad=True)
    y = x.sigmoid()
    y.data.zero_()
    y.sum().backward()  # no error ...
    assert x.grad.tolist() == [0.0, 0.0]  # ... and a wrong gradient (sigmoid' is never 0)
    x = torch.tensor([0.5, -1.0], requires_grad=True)
    y = x.sigmoid()
    y.detach().zero_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def frozen_momentum(torch):
    torch.manual_seed(0)
    layer = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(layer.parameters(), lr=0.1, momentum=0.9)
    layer(torch.ones(1, 2)).sum().backward()
    opt.step()
    layer.weight.requires_grad_(False)
    before = layer.weight.detach().clone()
    for _ in range(3):
        opt.zero_grad(set_to_none=False)
        layer(torch.ones(1, 2)).sum().backward()
        assert layer.weight.grad.tolist() == [[0.0, 0.0]]  # a zero tensor, not None
        opt.step()
    assert not torch.equal(before, layer.weight.detach())  # the frozen weight still moved
    layer.weight.grad = None  # the fix
    before = layer.weight.detach().clone()
    opt.zero_grad()
    layer(torch.ones(1, 2)).sum().backward()
    opt.step()
    assert torch.equal(before, layer.weight.detach())


def second_backward(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    s = (x**2).sum()
    s.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        s.backward()
    x.grad = None
    s = (x**2).sum()
    s.backward(retain_graph=True)
    s.backward()
    assert x.grad.tolist() == [4.0, 8.0]  # [2, 4] twice: added


def create_vs_retain_graph(torch):
    x = torch.tensor(2.0, requires_grad=True)
    y = x**3
    g, = torch.autograd.grad(y, x, retain_graph=True)
    assert g.item() == 12.0 and not g.requires_grad and g.grad_fn is None
    g, = torch.autograd.grad(y, x, create_graph=True)
    assert g.item() == 12.0 and g.grad_fn is not None
    g2, = torch.autograd.grad(g, x)
    assert g2.item() == 12.0  # f''(x) = 6x
    again, = torch.autograd.grad(y, x)  # create_graph kept the graph too
    assert again.item() == 12.0


def only_leaves_keep_grad(torch):
    x = torch.ones(2, requires_grad=True)
    y = x * 2
    y.sum().backward()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert y.grad is None
    assert any("is not a leaf Tensor" in str(w.message) for w in caught)
    x = torch.ones(2, requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.sum().backward()
    assert y.grad.tolist() == [1.0, 1.0] and x.grad.tolist() == [2.0, 2.0]


def leaf_hook(torch):
    x = torch.ones(2, requires_grad=True)
    x.register_hook(lambda g: g * 2)
    (3 * x).sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]


def clip_returns_norm(torch):
    p = torch.nn.Parameter(torch.tensor([3.0, 4.0]))
    p.grad = torch.tensor([3.0, 4.0])
    total = torch.nn.utils.clip_grad_norm_([p], max_norm=1.0)
    assert float(total) == 5.0
    assert p.grad.tolist() == pytest.approx([0.6, 0.8], rel=1e-5)


def _square(torch):
    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            return 2 * x * grad_output
    return Square


def save_for_backward(torch):
    Square = _square(torch)
    x = torch.tensor(3.0, requires_grad=True)
    Square.apply(x).backward()
    assert x.grad.item() == 6.0
    h = x * 1.0
    out = Square.apply(h)
    h.add_(1)  # changes the saved tensor: caught
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.backward()


def backward_returns_per_input(torch):
    def scale(returns_none):
        class Scale(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                ctx.k = k
                return x * k

            @staticmethod
            def backward(ctx, grad_output):
                return (grad_output * ctx.k, None) if returns_none else grad_output * ctx.k
        return Scale
    x = torch.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match=re.escape("function ScaleBackward returned an incorrect number of "
                                                     "gradients (expected 2, got 1)")):
        scale(False).apply(x, 3.0).backward()
    x.grad = None
    scale(True).apply(x, 3.0).backward()
    assert x.grad.item() == 3.0


def gradcheck_float64(torch):
    import inspect
    assert inspect.signature(torch.autograd.gradcheck).parameters["eps"].default == 1e-6
    torch.manual_seed(0)
    assert torch.autograd.gradcheck(torch.sin, (torch.randn(4, dtype=torch.float64, requires_grad=True),))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(Exception, match="Jacobian mismatch") as failure:
            torch.autograd.gradcheck(torch.sin, (torch.randn(4, requires_grad=True),))
    assert type(failure.value).__name__ == "GradcheckError"
    assert any("not a double precision" in str(w.message) for w in caught)


def inplace_saved_tensor(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*output 0 of ExpBackward0|"
                                           "modified by an inplace operation.*output 0 of Exp"):
        y.sum().backward()
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    (y + 1).sum().backward()
    assert x.grad.tolist() == pytest.approx(x.detach().exp().tolist())


def update_leaf_in_place(torch):
    w = torch.ones(2, requires_grad=True)
    (w * 2).sum().backward()
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place "
                                           "operation"):
        w -= 0.1 * w.grad
    with torch.no_grad():
        w -= 0.1 * w.grad
    assert w.tolist() == pytest.approx([0.8, 0.8]) and w.is_leaf
    w = w - 0.1 * w.grad  # rebinding: a new non-leaf
    assert not w.is_leaf
    (w * 2).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert w.grad is None


def training_loop_order(torch):
    torch.manual_seed(0)
    x = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
    y = 2 * x + 1
    model = torch.nn.Linear(1, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    loss_fn = torch.nn.MSELoss()
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.1 * losses[0]
    before = [p.detach().clone() for p in model.parameters()]
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.zero_grad()  # in the wrong place: the fresh gradient is thrown away
    opt.step()
    assert all(torch.equal(a, p.detach()) for a, p in zip(before, model.parameters()))


def total_loss_item(torch):
    w = torch.tensor(1.0, requires_grad=True)
    total, logged = 0, 0.0
    for _ in range(3):
        loss = (w * 2) ** 2
        total += loss
        logged += loss.item()
    assert total.grad_fn.name() == "AddBackward0" and total.requires_grad
    powers, stack, seen = 0, [total.grad_fn], set()
    while stack:  # every iteration's graph is still reachable from total
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        powers += node.name() == "PowBackward0"
        stack += [f for f, _ in node.next_functions]
    assert powers == 3 and isinstance(logged, float) and logged == 12.0


def capstone_reused_node(torch):
    a, b = torch.tensor(2.0, requires_grad=True), torch.tensor(3.0, requires_grad=True)
    c = a + b
    d = c * a
    d.backward()
    assert (a.grad.item(), b.grad.item()) == (7.0, 2.0)


def softmax_before_cross_entropy(torch):
    F = torch.nn.functional
    target = torch.tensor([2])
    logits = torch.tensor([[2.0, 0.5, -1.0]], requires_grad=True)
    F.cross_entropy(logits, target).backward()
    twice = torch.tensor([[2.0, 0.5, -1.0]], requires_grad=True)
    F.cross_entropy(twice.softmax(dim=1), target).backward()
    assert twice.grad.abs().sum() < 0.2 * logits.grad.abs().sum()
    p = twice.detach().softmax(dim=1)
    assert float(p.max() - p.min()) <= 1.0  # what the second softmax sees: values within [0, 1]


FACTS = {name.replace("_", "-"): fn for name, fn in list(globals().items())
         if callable(fn) and not name.startswith("_") and getattr(fn, "__module__", None) == __name__
         and name.replace("_", "-") in QUESTIONS}


# ---- the file ----

def test_every_question_has_a_fact_check():
    assert set(FACTS) == set(QUESTIONS), "write a check for each new question (and drop checks of removed ones)"


def test_quiz_covers_lessons_01_to_13_with_enough_questions():
    questions = load_questions()
    assert len(questions) >= 22
    assert len(QUESTIONS) == len(questions)  # ids are unique
    numbers = sorted({int(q.lesson) for q in questions})
    assert numbers == [lesson.number for lesson in LESSONS if lesson.has_practice]  # 01-13, from the catalog
    assert all(q.lesson == f"{int(q.lesson):02d}" for q in questions)
    assert RAW["title"].endswith(f"(lessons {numbers[0]:02d}–{numbers[-1]:02d})")
    assert all(len(q.explanation) > 40 and len(set(q.choices)) == len(q.choices) for q in questions)
    positions = [q.correct for q in questions]
    assert all(positions.count(p) >= len(questions) // 8 for p in range(4))  # the answer moves around


def test_topics_the_issue_asks_for_are_there():
    text = " ".join(" ".join([q["question"], *q["choices"], q["explanation"]]) for q in RAW["questions"]).lower()
    for topic in ("reverse mode", "leaf", "micro-batch", "retain_graph", "create_graph", ".data", "detach()",
                  "model.eval()", "no_grad", "column sum", "momentum", "save_for_backward", "gradcheck",
                  "zero_grad, forward, loss, backward, step"):
        assert topic in text, topic


@pytest.mark.parametrize("qid", sorted(QUESTIONS))
def test_fact_in_minigrad(qid):
    FACTS[qid](minigrad)


@pytest.mark.parametrize("qid", sorted(QUESTIONS))
def test_fact_in_pytorch(qid):
    FACTS[qid](require_torch())


def test_answers_named_in_checks_match_the_file():
    """Spot checks that the stored right answers say what the checks compute."""
    assert right_answer("three-backwards") == "tensor(12.)"
    assert right_answer("broadcast-bias-grad") == "tensor([4., 4., 4.])"
    assert right_answer("leaf-hook") == "tensor([6., 6.])"
    assert right_answer("chain-rule-shared-node") == "10 and 10"
    assert right_answer("capstone-reused-node") == "a.grad = 7 and b.grad = 2"
    assert right_answer("micro-batch-divide") == "4 times too large"
    assert right_answer("grad-fn-of-result") == "<AddBackward0>"
    assert right_answer("which-are-leaves") == "a and d"
    assert right_answer("forward-mode-when").startswith("Forward mode: 2 passes")
    assert right_answer("clip-returns-norm").startswith("It returns 5.0")
    assert "-24." in right_answer("backward-does-not-update")
