"""Views and in-place ops, with PyTorch's rules.

A view (`y[0]`, `y.view(2, 2)`, `y.t()`, ...) shares memory with its base, the tensor that owns the memory.
So an in-place op on either one changes both, and autograd must follow:

- in place *through a view* (`y[:2].mul_(10)`): the base's values changed, so the base's history changes: its
  grad_fn becomes `CopySlices`, which sends the gradient at the view's places through the op's backward and
  the rest unchanged to the base's old node;
- a view taken *before* an in-place change of its base (or of another view of it) shows the new values, so its
  own grad_fn is remade the next time it is looked at: `AsStridedBackward0`, reading its values out of the
  base's latest version.

Both need to know where the view's elements sit in its base. A view remembers the view ops that made it from
its base (`_view_fn`); replaying them on the numbers 0, 1, ..., n-1 laid out like the base gives each view
element's position (PyTorch keeps sizes, strides and an offset instead, which say the same).
"""
import numpy as np

from .. import _messages as msg
from ..ops.shape import AsStrided, IndexPut
from .engine import unbroadcast
from .function import _UNTRACKED, Node, attach_node, next_seq, op_name, wrap


def positions_in_base(view):
    """Where each element of `view` sits in its base: an integer array shaped like the view, holding positions
    in the flattened base (base.reshape(-1)[positions] has the view's values, as a copy). Found by replaying
    the view's ops on the numbers 0..n-1 laid out like the base."""
    base = view._base._data
    numbers = np.empty_like(base, dtype=np.intp)  # the base's memory order, so that a .view() replays too
    numbers[...] = np.arange(base.size).reshape(base.shape)
    for op, args, output_nr in view._view_fn:
        numbers = op.forward(_UNTRACKED, wrap(numbers), *args)
        if output_nr is not None:  # split, unbind: one of several views
            numbers = numbers[output_nr]
    return numbers


def check_view_rebase(view, indirect):
    """PyTorch refuses an in-place change that autograd cannot follow: to a view made under no_grad (or in
    inference mode), or to one of several views that one op returned (split, unbind, chunk). `indirect`: the
    change went through the base or another view of it, not through this view."""
    creation = view._view_creation
    if creation is None:
        return
    node = op_name(view._grad_fn.name()) if view._grad_fn is not None else None
    raise RuntimeError(msg.view_modified_inplace(creation, node, view._output_nr, indirect))


def regenerate_grad_fn(view):
    """The base (or another view of it) changed in place since `view` got its grad_fn: the view now shows the
    base's latest values, so its node becomes AsStridedBackward0, which reads them out of the base."""
    base = view._base
    if view._grad_fn is None and not base._requires_grad:
        return  # no history to remake
    check_view_rebase(view, indirect=True)
    places = positions_in_base(view)
    view._set_history(attach_node(AsStrided, (base, places), places=places, shape=base._data.shape), 0)
    view._view_version = view._version_counter.value


def rebase_history(view, node):
    """An in-place op (whose node is `node`) just wrote through `view`: the base's grad_fn becomes CopySlices
    around that node, and the view's grad_fn is remade from the base."""
    base = view._base
    base._set_history(CopySlices(base, view, node), 0)
    regenerate_grad_fn(view)


class CopySlices(Node):
    """The base's node after an in-place op wrote through one of its views (PyTorch's CopySlices).

    The base's new values are its old ones, except at the view's places, where they are the op's output.
    So backward sends the gradient at those places through the op's backward (`fn`) and the rest, unchanged,
    to the base's old node; fn's other inputs (e.g. the `b` of `view.mul_(b)`) get their gradients from fn.
    """

    __slots__ = ("fn", "places", "overlapping")
    __module__ = "builtins"  # prints as <CopySlices object at 0x...>, like PyTorch's C++ node

    def __init__(self, base, view, fn):
        self._seq = next_seq()
        self.fn = fn
        self.places = positions_in_base(view)
        # elements of the view that share memory (an expanded view written by index_put_): PyTorch cannot copy the
        # gradient into such a view, and says so when backward gets here
        self.overlapping = view._data.size > 0 and any(  # (numpy gives an empty array zero strides)
            stride == 0 and n > 1 for stride, n in zip(view._data.strides, view._data.shape))
        # fn's first input was the view: its gradient goes to the base instead, so that edge becomes the base's
        self.next_functions = (base._edge(),) + fn.next_functions[1:]
        self._input_meta = ((base._data.shape, base._data.dtype),) + fn._input_meta[1:]
        self._arg_pos = tuple(range(len(self.next_functions)))
        self.needs_input_grad = tuple(child is not None for child, _ in self.next_functions)
        self._saved = None
        self._outputs_meta = None

    def name(self):
        return "torch::autograd::CopySlices"

    def apply_backward(self, grad_outputs):
        if self.fn is None:  # released by an earlier backward, as PyTorch releases it
            raise RuntimeError(msg.SAVED_FREED)
        if self.overlapping:
            raise RuntimeError(msg.WRITE_TO_SHARED_ELEMENTS)
        grad, = grad_outputs
        shape, flat, fn = grad.shape, grad.reshape(-1), self.fn
        fn_grads = fn.apply_backward((flat[self.places],))  # the op's backward, on the view's part
        grads = [fn_grads[position] for position in fn._arg_pos]
        view_shape, dtype = fn._input_meta[0]
        into_view = grads[0]
        if into_view is None:  # the op's output does not depend on the view's old values
            into_view = wrap(np.zeros(view_shape, dtype))
        else:
            into_view = unbroadcast(into_view, view_shape)
            if into_view._data.dtype != dtype:
                into_view = into_view._cast(dtype)
        return (IndexPut.apply(flat, into_view, self.places).view(shape), *grads[1:])

    def release(self):
        if self.fn is not None:
            self.fn.release()
            self.fn = None

