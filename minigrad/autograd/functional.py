"""Derivatives of whole functions, named and behaving as torch.autograd.functional.

    jacobian(f, x)     J[i..., j...] = d f(x)[i...] / d x[j...]       shape f(x).shape + x.shape
    hessian(f, x)      the Jacobian of the gradient of a one-element f
    vjp(f, x, v)       (f(x), v^T J)   one backward pass
    jvp(f, x, v)       (f(x), J v)     the double-backward trick: J v = d/du (u^T J) v
    hvp(f, x, v)       (f(x), H v)     and vhp(f, x, v) = (f(x), v^T H)

`inputs` is a tensor or a tuple of tensors; results follow that structure (a tuple of inputs gives
tuples, several outputs give a tuple per output). Every derivative comes from minigrad's own engine.
"""
import numpy as np

from ..ops.shape import Stack
from . import forward_ad
from .function import tensor_class, wrap
from .grad_mode import enable_grad
from .gradients import grad as autograd_grad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _zeros_like(t, requires_grad=False):
    return wrap(np.zeros(t._data.shape, t._data.dtype)).requires_grad_(requires_grad)


def _stack(tensors):
    return Stack.apply(0, *tensors)


def _as_tuple(value, arg_name, fn_name):
    """(was it a tuple, value as a tuple of tensors), with PyTorch's error for anything else."""
    tensor_cls = tensor_class()
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for i, item in enumerate(items):
        if not isinstance(item, tensor_cls):
            where = f"value at index {i}" if is_tuple else f"given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                            f"the {where} has type {type(item)}.")
    return is_tuple, items


def _prepare(inputs, create_graph):
    """Fresh leaves to differentiate with respect to; with create_graph, keep the caller's graph."""
    return tuple(x.view_as(x) if create_graph and x.requires_grad else x.detach().requires_grad_(True)
                 for x in inputs)


def _finish(tensors, create_graph):
    return tuple(t.detach() if (t is not None and not create_graph) else t for t in tensors)


def _unpack(results, is_tuple):
    return results if is_tuple else results[0]


def _validate_v(v, others, is_others_tuple):
    if len(v) != len(others):
        if is_others_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(others)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (vi, other) in enumerate(zip(v, others)):
        if vi.shape != other.shape:
            prefix = f"Entry {i} in " if is_others_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {other.size()} but got {vi.size()}.")


def _grad(outputs, inputs, grad_outputs=None, create_graph=False):
    """autograd.grad over the outputs that require grad; None for inputs they do not reach."""
    grad_outputs = grad_outputs if grad_outputs is not None else (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, gouts = zip(*pairs)
    return autograd_grad(outs, inputs, gouts, retain_graph=True, create_graph=create_graph, allow_unused=True)


def _zeros_for_none(grads, refs, strict, what):
    filled = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(what.format(i=i))
            g = _zeros_like(ref)
        filled.append(g)
    return tuple(filled)


INDEPENDENT = ("The output of the user-provided function is independent of input {i}. This is not allowed in strict "
               "mode.")


def _check_outputs_require_grad(outputs, strict):
    if strict:
        for i, out in enumerate(outputs):
            if not out.requires_grad:
                raise RuntimeError(f"Output {i} of the user-provided function does not require gradients. The outputs "
                                   "must be computed in a differentiable manner from the input when running in strict "
                                   "mode.")


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J): the vector-Jacobian product, one backward pass."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph)
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "vjp")
        _check_outputs_require_grad(outputs, strict)
        if v is not None:
            _, v = _as_tuple(v, "v", "vjp")
            v = tuple(t.detach() for t in v)
            _validate_v(v, outputs, is_outputs_tuple)
        elif len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns a single Tensor "
                               "with a single element.")
        grads = _zeros_for_none(_grad(outputs, inputs, v, create_graph), inputs, strict, INDEPENDENT)
    return _unpack(_finish(outputs, create_graph), is_outputs_tuple), _unpack(_finish(grads, create_graph),
                                                                              is_inputs_tuple)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v), by the double-backward trick: u -> u^T J is linear in u, and its gradient
    with respect to u, taken along v, is J v."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph)
        v = _check_v_for_inputs(v, inputs, is_inputs_tuple, "jvp")
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jvp")
        _check_outputs_require_grad(outputs, strict)
        u = tuple(_zeros_like(out, requires_grad=True) for out in outputs)
        u_t_jacobian = _grad(outputs, inputs, u, create_graph=True)
        jv = _grad(u_t_jacobian, u, v, create_graph=create_graph)
        jv = _zeros_for_none(jv, outputs, strict, "The gradient with respect to the input is independent of entry "
                             "{i} in the grad_outputs when using the double backward trick to compute forward mode "
                             "gradients. This is not allowed in strict mode.")
    return _unpack(_finish(outputs, create_graph), is_outputs_tuple), _unpack(_finish(jv, create_graph),
                                                                              is_outputs_tuple)


def _check_v_for_inputs(v, inputs, is_inputs_tuple, fn_name):
    if v is None:
        if len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a single "
                               "Tensor with a single element.")
        return (wrap(np.ones(inputs[0]._data.shape, inputs[0]._data.dtype)),)
    _, v = _as_tuple(v, "v", fn_name)
    v = tuple(t.detach() for t in v)
    _validate_v(v, inputs, is_inputs_tuple)
    return v


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of func at inputs: one backward pass per output element ("reverse-mode"), or one
    forward-AD pass per input element ("forward-mode", with vectorize=True as in PyTorch)."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                             'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                             'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError('torch.autograd.functional.jacobian: `create_graph=True` and `strategy="forward-'
                                      'mode"` are not supported together (yet). Please either set `create_graph=False` '
                                      'or `strategy="reverse-mode"`.')
        if strict:
            raise RuntimeError('torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are '
                               'not supported together (yet). Please either set `strict=False` or '
                               '`strategy="reverse-mode"`.')
        if not vectorize:
            raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
                                      "only implemented for `vectorize=True`.")
        return _jacobian_forward(func, inputs)
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph)
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jacobian")
        _check_outputs_require_grad(outputs, strict)
        jacobians = []
        for i, out in enumerate(outputs):
            rows = [[] for _ in inputs]  # rows[j][k]: d out.flat[k] / d inputs[j]
            for k in range(out.numel()):
                onehot = np.zeros(out._data.size, out._data.dtype)
                onehot[k] = 1
                seed = wrap(onehot.reshape(out._data.shape))
                grads = _grad((out,), inputs, (seed,), create_graph=create_graph)
                for j, (g, inp) in enumerate(zip(grads, inputs)):
                    if g is None and strict:
                        raise RuntimeError(f"Output {i} of the user-provided function is independent of input {j}. "
                                           "This is not allowed in strict mode.")
                    rows[j].append(g if g is not None else _zeros_like(inp))
            jacobians.append(tuple(
                _stack(rows[j]).reshape((*out.shape, *inp.shape)) if rows[j] else
                wrap(np.zeros((*out.shape, *inp.shape), inp._data.dtype)) for j, inp in enumerate(inputs)))
    jacobians = [_finish(per_input, create_graph) for per_input in jacobians]
    return _per_output_per_input(jacobians, is_outputs_tuple, is_inputs_tuple)


def _per_output_per_input(results, is_outputs_tuple, is_inputs_tuple):
    """results[i][j] for output i and input j, unpacked where the caller gave a single tensor."""
    if not is_inputs_tuple:
        results = [per_input[0] for per_input in results]
    return tuple(results) if is_outputs_tuple else results[0]


def _jacobian_forward(func, inputs):
    """One forward-AD pass per input element: each pass gives the Jacobian's column for that element."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    inputs = tuple(x.detach() for x in inputs)
    columns = None  # columns[i][j]: list over the elements of input j of d output i / d that element
    for j, inp in enumerate(inputs):
        for k in range(inp.numel()):
            with forward_ad.dual_level():
                duals = []
                for jj, x in enumerate(inputs):
                    direction = np.zeros(x._data.size, x._data.dtype)
                    if jj == j:
                        direction[k] = 1
                    duals.append(forward_ad.make_dual(x, wrap(direction.reshape(x._data.shape))))
                is_outputs_tuple, outputs = _as_tuple(func(*duals), "outputs of the user-provided function",
                                                      "jacobian")
                tangents = [forward_ad.unpack_dual(out).tangent for out in outputs]
                tangents = [t if t is not None else out.detach() * 0 for t, out in zip(tangents, outputs)]
                if columns is None:
                    columns = [[[] for _ in inputs] for _ in outputs]
                    shapes = [out.shape for out in outputs]
                for i, t in enumerate(tangents):
                    columns[i][j].append(t.detach().clone())
    jacobians = []
    for i, out_shape in enumerate(shapes):
        per_input = []
        for j, inp in enumerate(inputs):
            # stacked columns put the input dims first; move them behind the output dims
            stacked = _stack(columns[i][j]).reshape((*inp.shape, *out_shape))
            n_in = len(inp.shape)
            order = tuple(range(n_in, n_in + len(out_shape))) + tuple(range(n_in))
            per_input.append(stacked.permute(*order).contiguous() if order else stacked)
        jacobians.append(tuple(per_input))
    return _per_output_per_input(jacobians, is_outputs_tuple, is_inputs_tuple)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a function with a one-element output: the Jacobian of its gradient."""
    is_inputs_tuple, _ = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')
    if outer_jacobian_strategy == "forward-mode":  # forward-over-reverse needs tangents through backward
        raise NotImplementedError('minigrad computes the Hessian with outer_jacobian_strategy="reverse-mode" only')

    def single_output(*inp):
        out = func(*inp)
        is_out_tuple, _ = _as_tuple(out, "outputs of the user-provided function", "hessian")
        if is_out_tuple:
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single element")
        return out.squeeze()

    def gradient(*inp):
        return jacobian(single_output, inp, create_graph=True, strict=strict)

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize)
    return result if is_inputs_tuple else result[0]  # gradient() returns a tuple: one entry per input


def _single_output(func, inputs, fn_name, strict):
    is_out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", fn_name)
    _check_outputs_require_grad(outputs, strict)
    if is_out_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single element")
    return outputs[0]


def _gradient_with_v(func, inputs, v, create_graph, strict, name):
    """What vhp and hvp start from: the checked inputs and v, func's scalar output and its gradient (with a graph)."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", name)
    inputs = _prepare(inputs, create_graph)
    v = _check_v_for_inputs(v, inputs, is_inputs_tuple, name)
    output = _single_output(func, inputs, name, strict)
    gradient = _zeros_for_none(_grad((output,), inputs, create_graph=True), inputs, strict, INDEPENDENT)
    return is_inputs_tuple, inputs, v, output, gradient


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H): the gradient of (gradient · v)."""
    with enable_grad():
        is_inputs_tuple, inputs, v, output, gradient = _gradient_with_v(func, inputs, v, create_graph, strict, "vhp")
        result = _grad(gradient, inputs, v, create_graph=create_graph)
        result = _zeros_for_none(result, inputs, strict, "The hessian of the user-provided function with respect to "
                                 "input {i} is independent of the input. This is not allowed in strict mode.")
    return _finish((output,), create_graph)[0], _unpack(_finish(result, create_graph), is_inputs_tuple)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v), by the double-backward trick applied to the gradient (as PyTorch does)."""
    with enable_grad():
        is_inputs_tuple, inputs, v, output, gradient = _gradient_with_v(func, inputs, v, create_graph, strict, "hvp")
        u = tuple(_zeros_like(x, requires_grad=True) for x in inputs)
        u_t_hessian = _grad(gradient, inputs, u, create_graph=True)
        result = _grad(u_t_hessian, u, v, create_graph=create_graph)
        result = _zeros_for_none(result, inputs, strict, "The hessian of the user-provided function is independent "
                                 "of entry {i} in the grad_jacobian. This is not allowed in strict mode as it "
                                 "prevents from using the double backward trick to replace forward mode AD.")
    return _finish((output,), create_graph)[0], _unpack(_finish(result, create_graph), is_inputs_tuple)
