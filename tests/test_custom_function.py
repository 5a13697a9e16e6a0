"""autograd.Function written by a learner (PYTORCH_BEHAVIOR.md §7, §5.12)."""
import re

import pytest

import minigrad
from minigrad import autograd
from minigrad.autograd import Function, once_differentiable


class Square(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        ctx.grad_mode_in_forward = minigrad.is_grad_enabled()
        return x ** 2

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        ctx.grad_mode_in_backward = minigrad.is_grad_enabled()
        return grad_output * 2 * x


class Scale(Function):
    @staticmethod
    def forward(ctx, a, b, k):
        ctx.save_for_backward(a, b)
        ctx.k = k
        return a * b * k

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ctx.seen_needs = ctx.needs_input_grad
        return (g * b * ctx.k if ctx.needs_input_grad[0] else None,
                g * a * ctx.k if ctx.needs_input_grad[1] else None, None)


def test_square_forward_backward_and_node():
    x = minigrad.tensor([3.0], requires_grad=True)
    y = Square.apply(x)
    assert repr(y) == "tensor([9.], grad_fn=<SquareBackward>)"
    node = y.grad_fn
    assert type(node).__name__ == node.name() == "SquareBackward"
    assert type(node).__module__ == "torch.autograd.function"
    assert re.fullmatch(r"<torch\.autograd\.function\.SquareBackward object at 0x[0-9a-f]+>", repr(node))
    assert node._forward_cls is Square
    assert node.next_functions[0][0].variable is x and len(node.next_functions) == 1
    assert node.grad_mode_in_forward is False and x.requires_grad
    y.backward()
    assert repr(x.grad) == "tensor([6.])" and node.grad_mode_in_backward is False


def test_apply_without_grad_makes_no_node():
    assert Square.apply(minigrad.tensor([3.0])).grad_fn is None
    x = minigrad.tensor([3.0], requires_grad=True)
    with minigrad.no_grad():
        y = Square.apply(x)
    assert y.grad_fn is None and not y.requires_grad


def test_needs_input_grad_and_non_tensor_state():
    a, b = minigrad.tensor(2.0, requires_grad=True), minigrad.tensor(5.0)
    out = Scale.apply(a, b, 3.0)
    out.backward()
    assert out.grad_fn.seen_needs == (True, False, False)
    assert a.grad.item() == 15.0 and out.item() == 30.0


def test_double_backward_through_a_differentiable_backward():
    x = minigrad.tensor(2.0, requires_grad=True)
    y = Square.apply(x)
    g1, = autograd.grad(y, x, create_graph=True)
    assert repr(g1) == "tensor(4., grad_fn=<MulBackward0>)" and y.grad_fn.grad_mode_in_backward is True
    g2, = autograd.grad(g1, x)
    assert repr(g2) == "tensor(2.)"


def test_second_backward_raises_freed_error():
    x = minigrad.tensor([3.0], requires_grad=True)
    y = Square.apply(x)
    y.backward()
    with pytest.raises(RuntimeError, match="^Trying to backward through the graph a second time"):
        y.backward()


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        x, = ctx.saved_tensors
        ctx.inside = (g.requires_grad, minigrad.is_grad_enabled())
        return g * 3 * x ** 2


def test_once_differentiable():
    x = minigrad.tensor(2.0, requires_grad=True)
    y = Cube.apply(x)
    g1, = autograd.grad(y, x, create_graph=True)
    assert repr(g1) == "tensor(12.)" and not g1.requires_grad
    assert y.grad_fn.inside == (False, False)
    with pytest.raises(RuntimeError, match="^element 0 of tensors does not require grad and does not have a grad_fn$"):
        autograd.grad(g1, x)


class Both(Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y, x + y

    @staticmethod
    def backward(ctx, g_product, g_sum):
        x, y = ctx.saved_tensors
        ctx.got = (g_product.tolist(), g_sum.tolist())
        return g_product * y + g_sum, g_product * x + g_sum


def test_multiple_outputs_share_one_node_and_unused_grads_are_zeros():
    x, y = minigrad.tensor(2.0, requires_grad=True), minigrad.tensor(3.0, requires_grad=True)
    p, s = Both.apply(x, y)
    assert p.grad_fn is s.grad_fn and p.grad_fn.name() == "BothBackward"
    assert (p._output_nr, s._output_nr) == (0, 1)
    p.backward()
    assert p.grad_fn.got == (1.0, 0.0)
    assert (x.grad.item(), y.grad.item()) == (3.0, 2.0)


class Identity(Function):
    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, g):
        return g * 5


def test_identity_forward_returns_a_new_tensor():
    x = minigrad.tensor(1.0, requires_grad=True)
    r = Identity.apply(x)
    assert r is not x and r.grad_fn.name() == "IdentityBackward"
    r.backward()
    assert x.grad.item() == 5.0


class AddOneInPlace(Function):
    @staticmethod
    def forward(ctx, x):
        x.add_(1)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, g):
        return g


def test_mark_dirty():
    leaf = minigrad.tensor([1.0, 2.0], requires_grad=True)
    xn = leaf * 1
    r = AddOneInPlace.apply(xn)
    assert r is xn and r.grad_fn.name() == "AddOneInPlaceBackward" and xn._version >= 1
    assert r.tolist() == [2.0, 3.0]
    r.sum().backward()
    assert leaf.grad.tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match=re.escape(
            "a leaf Variable that requires grad has been used in an in-place operation.")):
        AddOneInPlace.apply(minigrad.tensor([1.0, 2.0], requires_grad=True))


def test_mark_non_differentiable_output():
    class ArgMax(Function):
        @staticmethod
        def forward(ctx, x):
            index = minigrad.tensor(float(x.argmax()))
            ctx.mark_non_differentiable(index)
            return x.max(), index

        @staticmethod
        def backward(ctx, g, g_index):
            return g * 0 + 1
    x = minigrad.tensor([1.0, 3.0], requires_grad=True)
    value, index = ArgMax.apply(x)
    assert value.requires_grad and not index.requires_grad and index.grad_fn is None


def test_custom_abs_matches_builtin_at_zero():
    class MyAbs(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.abs()

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * minigrad.sign(x)
    x = minigrad.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    MyAbs.apply(x).sum().backward()
    assert repr(x.grad) == "tensor([-1.,  0.,  1.])"


def test_saved_none_comes_back_as_none():
    class SaveNone(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, None)
            return x * 1

        @staticmethod
        def backward(ctx, g):
            ctx.saved = ctx.saved_tensors
            return g
    y = SaveNone.apply(minigrad.tensor(1.0, requires_grad=True))
    y.backward()
    assert y.grad_fn.saved[1] is None


# ---- errors (§5.12) ----
def make(backward):
    return type("Bad", (Function,), {"forward": staticmethod(lambda ctx, *xs: xs[0] * 2),
                                     "backward": staticmethod(backward)})


def test_wrong_number_of_gradients():
    two = minigrad.tensor(1.0, requires_grad=True), minigrad.tensor(2.0, requires_grad=True)
    with pytest.raises(RuntimeError, match=re.escape(
            "function BadBackward returned an incorrect number of gradients (expected 2, got 1)")):
        make(lambda ctx, g: g).apply(*two).backward()
    with pytest.raises(RuntimeError, match=re.escape(
            "function BadBackward returned an incorrect number of gradients (expected 1, got 3)")):
        make(lambda ctx, g: (g, g, g)).apply(two[0]).backward()


def test_wrong_gradient_shape():
    class BadShape(Function):
        @staticmethod
        def forward(ctx, a):
            return a.sum()

        @staticmethod
        def backward(ctx, g):
            return g.expand(3)
    with pytest.raises(RuntimeError, match=re.escape(
            "Function BadShapeBackward returned an invalid gradient at index 0 - got [3] but expected shape "
            "compatible with [2]")):
        BadShape.apply(minigrad.ones(2, requires_grad=True)).backward()


def test_missing_backward():
    class NoBackward(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2
    with pytest.raises(NotImplementedError, match=re.escape(
            "You must implement either the backward or vjp method for your custom autograd.Function to use it with "
            "backward mode AD.")):
        NoBackward.apply(minigrad.tensor(1.0, requires_grad=True)).backward()


def test_save_for_backward_of_a_non_tensor():
    class SaveNumber(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, 3)
            return x

    with pytest.raises(TypeError, match="^save_for_backward can only save variables, but argument 1 is of type int$"):
        SaveNumber.apply(minigrad.tensor(1.0, requires_grad=True))


def test_instantiating_a_function():
    with pytest.warns(DeprecationWarning, match="should not be instantiated. Methods on autograd functions are all "
                                                "static, so you should invoke them on the class itself."):
        square = Square()
    with pytest.raises(RuntimeError, match=re.escape(
            "Legacy autograd function with non-static forward method is deprecated. Please use new-style autograd "
            "function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")):
        square(minigrad.tensor(1.0, requires_grad=True))
