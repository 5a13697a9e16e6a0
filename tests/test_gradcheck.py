"""gradcheck / gradgradcheck: finite differences against the engine, with PyTorch's messages."""
import warnings

import pytest

import minigrad as torch
from minigrad.autograd import gradcheck, gradgradcheck
from minigrad.autograd.gradcheck import GradcheckError

WRONG_SQUARE_MESSAGE = ("Jacobian mismatch for output 0 with respect to input 0,\n"
                        "numerical:tensor([[2.0000, 0.0000],\n        [0.0000, 4.0000]], dtype=torch.float64)\n"
                        "analytical:tensor([[3., 0.],\n        [0., 6.]], dtype=torch.float64)\n")


class WrongSquare(torch.autograd.Function):
    """x**2 with a deliberately wrong backward: 3x instead of 2x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 2

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 3 * x


class WrongSecondInput(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g * b, g * a * 2


def double(values, requires_grad=True):
    return torch.tensor(values, dtype=torch.float64, requires_grad=requires_grad)


def test_wrong_backward_is_caught_with_pytorchs_message():
    with pytest.raises(GradcheckError) as error:
        gradcheck(WrongSquare.apply, (double([1., 2.]),))
    assert str(error.value) == WRONG_SQUARE_MESSAGE
    assert isinstance(error.value, RuntimeError)
    assert gradcheck(WrongSquare.apply, (double([1., 2.]),), raise_exception=False) is False


def test_message_names_the_output_and_the_input():
    with pytest.raises(GradcheckError) as error:
        gradcheck(lambda a, b: (a.sum() * b, WrongSquare.apply(a)), (double([1., 2.]), double([3., 4., 5.])))
    assert str(error.value) == WRONG_SQUARE_MESSAGE.replace("output 0", "output 1")
    with pytest.raises(GradcheckError) as error:
        gradcheck(WrongSecondInput.apply, (double([1., 2.]), double([3., 4.])))
    assert str(error.value) == ("Jacobian mismatch for output 0 with respect to input 1,\n"
                                "numerical:tensor([[1.0000, 0.0000],\n        [0.0000, 2.0000]], dtype=torch.float64)\n"
                                "analytical:tensor([[2., 0.],\n        [0., 4.]], dtype=torch.float64)\n")
    # the wrong gradient goes to an input that needs none: nothing to check there
    assert gradcheck(WrongSecondInput.apply, (double([1., 2.]), double([3., 4.], requires_grad=False)))


def test_jacobian_layout_rows_are_input_elements():
    with pytest.raises(GradcheckError) as error:
        gradcheck(lambda m: WrongSquare.apply(m).sum(dim=0), (double([[1., 2.], [3., 4.]]),))
    # 4 input elements (rows) x 2 output elements (columns)
    assert "numerical:tensor([[2.0000, 0.0000],\n        [0.0000, 4.0000],\n        [6.0000, 0.0000],\n" \
           "        [0.0000, 8.0000]], dtype=torch.float64)" in str(error.value)


@pytest.mark.parametrize("func", [
    torch.sin,
    lambda t: (t ** 2).sum(),
    lambda t: (t.exp() * t.tanh()).softmax(dim=0),
    lambda t: t.reshape(2, 2).t() @ t.reshape(2, 2),
    lambda t: (t.norm(), t.max(), t.logsumexp(dim=0)),
])
def test_correct_ops_pass_in_float64(func):
    assert gradcheck(func, (double([0.3, -1.2, 2.0, 0.7]),)) is True
    assert gradcheck(func, (double([0.3, -1.2, 2.0, 0.7]),), check_forward_ad=True) is True


def test_single_tensor_input_numbers_and_integer_outputs():
    assert gradcheck(torch.sin, double([0.5, 1.0]))
    assert gradcheck(lambda t, k: t * k, (double([1., 2.]), 3.0))
    assert gradcheck(lambda t: (t * 2, torch.tensor([1, 2])), (double([1., 2.]),))


def test_output_that_does_not_require_grad_must_have_zero_numerical_gradient():
    with pytest.raises(GradcheckError, match="^Numerical gradient for function expected to be zero$"):
        gradcheck(lambda t: t.detach() * 2, (double([1., 2.]),))


def test_gradgradcheck():
    assert gradgradcheck(lambda t: (t ** 3).sum(), (double([1., 2.]),)) is True
    assert gradgradcheck(lambda t: t.sin() * t, (double([1., 2.]),)) is True

    class CubeWithFlatBackward(torch.autograd.Function):  # first derivative right, second derivative lost
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * 3 * x.detach() ** 2

    x = double([1., 2.])
    assert gradcheck(CubeWithFlatBackward.apply, (x,))
    with pytest.raises(GradcheckError, match="^Jacobian mismatch for output 0 with respect to input 0,\nnumerical:"):
        gradgradcheck(CubeWithFlatBackward.apply, (x,))


def test_float32_warns_with_pytorchs_text_and_fails():
    x = torch.tensor([1., 2.], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(GradcheckError) as error:
            gradcheck(lambda t: (t ** 2).sum(), (x,))
    assert [str(w.message) for w in caught] == [
        "Input #0 requires gradient and is not a double precision floating point or complex. This check will likely "
        "fail if all the inputs are not of double precision floating point or complex. "]
    assert caught[0].category is UserWarning
    assert str(error.value) == ("Jacobian mismatch for output 0 with respect to input 0,\n"
                                "numerical:tensor([[1.9073],\n        [3.8147]])\n"
                                "analytical:tensor([[2.],\n        [4.]])\n")


def test_no_input_requires_grad():
    with pytest.raises(ValueError) as error:
        gradcheck(torch.sin, (double([1., 2.], requires_grad=False),))
    assert str(error.value) == ("gradcheck expects at least one input tensor to require gradient, but none of them "
                                "have requires_grad=True.")


def test_inputs_are_restored_after_the_finite_differences():
    x = double([0.1, 0.2, 0.3])
    before = x.tolist()
    gradcheck(torch.exp, (x,))
    assert x.tolist() == before
