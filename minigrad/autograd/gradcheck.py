"""gradcheck and gradgradcheck, named and behaving as torch.autograd's.

The check: build the Jacobian of `func` twice, once numerically by central finite differences
(nudge one input element by ±eps, see how every output element moves), once analytically with the
engine (one backward pass per output element), and compare them with
|analytical - numerical| <= atol + rtol * |numerical|. Both Jacobians are laid out as PyTorch prints
them: one row per input element, one column per output element.
"""
import warnings

import numpy as np

from .. import _random
from . import forward_ad
from .function import is_tensor, wrap
from .gradients import grad

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck and gradgradcheck when a check fails."""


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True, fast_mode=False,
              masked=None):
    """True if the analytical Jacobian of func at inputs matches finite differences (float64 inputs
    advised); otherwise raise GradcheckError, or return False with raise_exception=False.

    check_forward_ad=True also compares the Jacobian computed with forward-mode AD (autograd.forward_ad).
    The batched, undefined-grad and fast-mode variants of PyTorch are accepted and not run.
    """
    try:
        return _check(func, inputs, eps, atol, rtol, nondet_tol, check_grad_dtypes, check_forward_ad,
                      check_backward_ad)
    except GradcheckError:
        if raise_exception:
            raise
        return False


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0, check_undefined_grad=True,
                  check_grad_dtypes=False, check_batched_grad=False, check_fwd_over_rev=False,
                  check_rev_over_rev=True, fast_mode=False, masked=False):
    """gradcheck of the gradient itself: the function (inputs, v) -> v^T J, where v are random
    grad_outputs (or the ones given), checks second derivatives."""
    inputs = _as_tuple(inputs)
    if grad_outputs is None:  # random grad_outputs in [-1, 1), like PyTorch
        outputs = _differentiable_outputs(func(*inputs))
        grad_outputs = tuple((wrap(_random.rand(o._data.shape, o._data.dtype)) * 2 - 1).requires_grad_()
                             for o in outputs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_out = len(grad_outputs)
    diff_inputs = {i for i, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad}

    def first_derivative(*args):
        ins, vs = args[:-n_out], args[-n_out:]
        outputs = _differentiable_outputs(func(*ins))
        wrt = tuple(x for i, x in enumerate(ins) if i in diff_inputs)
        grads = grad(outputs, wrt, vs, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol, check_grad_dtypes=check_grad_dtypes)


# ---- the check ----

def _check(func, inputs, eps, atol, rtol, nondet_tol, check_grad_dtypes, check_forward_ad, check_backward_ad):
    inputs = _as_tuple(inputs)
    _check_inputs(inputs)
    func_out = _as_tuple(func(*inputs))
    outputs = _differentiable_outputs(func_out)
    numerical = _numerical_jacobian(func, inputs, eps)  # numerical[i][j]: output i, input j
    if not outputs:
        if any(np.any(n != 0) for per_output in numerical for n in per_output):
            raise GradcheckError("Numerical gradient for function expected to be zero")
        return True
    numerical = [n for o, n in zip(func_out, numerical) if _is_tensor(o) and o.requires_grad]
    if check_backward_ad:
        for i, out in enumerate(outputs):
            analytical = _analytical_jacobian(inputs, out, nondet_tol, check_grad_dtypes)
            for j, (a, n) in enumerate(zip(analytical, numerical[i])):
                if not _allclose(a, n, rtol, atol):
                    raise GradcheckError(_mismatch(a, n, i, j))
        _check_backward_multiplies_grad_output(outputs, inputs)
    if check_forward_ad:
        forward = _forward_jacobian(func, inputs)
        for i, per_input in enumerate(forward):
            for j, (a, n) in enumerate(zip(per_input, numerical[i])):
                if not _allclose(a, n, rtol, atol):
                    raise GradcheckError(_mismatch(a, n, i, j, "computed with forward mode "))
    return True


def _mismatch(analytical, numerical, i, j, mode=""):
    return (f"Jacobian {mode}mismatch for output {i:d} with respect to input {j:d},\n"
            f"numerical:{wrap(numerical)!r}\nanalytical:{wrap(analytical)!r}\n")


def _allclose(a, n, rtol, atol):
    return a.shape == n.shape and bool(np.all(np.abs(a - n) <= atol + rtol * np.abs(n)))


def _check_inputs(inputs):
    needs_grad = [(i, x) for i, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad]
    for i, x in needs_grad:
        if x._data.dtype != np.float64:
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or complex. "
                          "This check will likely fail if all the inputs are not of double precision floating point "
                          "or complex. ", UserWarning, stacklevel=4)
    if not needs_grad:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True.")


def _numerical_jacobian(func, inputs, eps):
    """numerical[i][j]: (input j elements) x (output i elements), by central differences in the
    input's own precision. Each element is nudged in place, as PyTorch does."""
    columns = {}  # (i, j) -> list of columns, one per element of input j
    diff = [j for j, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad]
    reference = _as_tuple(func(*inputs))
    for j in diff:
        data = inputs[j]._data
        for index in np.ndindex(data.shape):  # row-major, as the Jacobian's rows
            original = data[index].copy()
            data[index] = original - eps
            below = _as_tuple(func(*inputs))
            data[index] = original + eps
            above = _as_tuple(func(*inputs))
            data[index] = original
            for i, (lo, hi) in enumerate(zip(below, above)):
                if _is_tensor(lo):
                    column = (hi._data - lo._data) / (2 * eps)
                    columns.setdefault((i, j), []).append(np.asarray(column).reshape(-1))
    numerical = []
    for i, out in enumerate(reference):
        per_input = []
        for j in diff:
            n_out = out._data.size if _is_tensor(out) else 0
            dtype = out._data.dtype if _is_tensor(out) else inputs[j]._data.dtype
            cols = columns.get((i, j))
            per_input.append(np.stack(cols) if cols else np.zeros((inputs[j]._data.size, n_out), dtype))
        numerical.append(per_input)
    return numerical


def _analytical_jacobian(inputs, output, nondet_tol, check_grad_dtypes):
    """Rows of v^T J for v = each unit vector of the output, computed twice to catch a backward
    that gives different answers for the same question (PyTorch calls that non-reentrant)."""
    first, dtypes_ok = _vjp_rows(inputs, output)
    second, _ = _vjp_rows(inputs, output)
    if not dtypes_ok and check_grad_dtypes:
        raise GradcheckError("Gradient has dtype mismatch")
    for a, b in zip(first, second):
        if a.shape != b.shape or np.any(np.abs(a - b) > nondet_tol):
            raise GradcheckError(
                "Backward is not reentrant, i.e., running backward with same input and grad_output multiple times "
                "gives different values, although analytical gradient matches numerical gradient."
                f"The tolerance for nondeterminism was {nondet_tol}.")
    return first


def _vjp_rows(inputs, output):
    diff = [x for x in inputs if _is_tensor(x) and x.requires_grad]
    jacobians = [np.zeros((x._data.size, output._data.size), x._data.dtype) for x in diff]
    dtypes_ok = True
    for k in range(output._data.size):
        seed = np.zeros(output._data.size, output._data.dtype)
        seed[k] = 1
        grads = grad(output, diff, wrap(seed.reshape(output._data.shape)), retain_graph=True,
                     allow_unused=True)
        for jac, g, x in zip(jacobians, grads, diff):
            if g is None:
                continue
            if g.shape != x.shape:
                raise GradcheckError("Analytical gradient has incorrect size")
            dtypes_ok = dtypes_ok and g.dtype is x.dtype
            jac[:, k] = g._data.reshape(-1)
    return jacobians, dtypes_ok


def _check_backward_multiplies_grad_output(outputs, inputs):
    """A backward given zero grad_outputs must return zero gradients."""
    diff = [x for x in inputs if _is_tensor(x) and x.requires_grad]
    grads = grad(outputs, diff, [wrap(np.zeros(o._data.shape, o._data.dtype)) for o in outputs], allow_unused=True)
    for g, x in zip(grads, diff):
        if g is None:
            continue
        if np.any(g._data != 0):
            raise GradcheckError("backward not multiplied by grad_output")
        if g.dtype is not x.dtype:
            raise GradcheckError("grad is incorrect type")
        if g.shape != x.shape:
            raise GradcheckError("grad is incorrect size")


def _forward_jacobian(func, inputs):
    """forward[i][j]: the Jacobian of output i w.r.t. input j from forward-mode AD, one pass per input element."""
    diff = [j for j, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad]
    columns = {}
    for j in diff:
        for k in range(inputs[j]._data.size):
            with forward_ad.dual_level():
                direction = np.zeros(inputs[j]._data.size, inputs[j]._data.dtype)
                direction[k] = 1
                dual = forward_ad.make_dual(inputs[j].detach(), wrap(direction.reshape(inputs[j].shape)))
                args = tuple(dual if jj == j else (x.detach() if _is_tensor(x) else x) for jj, x in enumerate(inputs))
                outputs = [o for o in _as_tuple(func(*args)) if _is_tensor(o) and o._data.dtype.kind == "f"]
                for i, out in enumerate(outputs):
                    tangent = forward_ad.unpack_dual(out).tangent
                    column = tangent._data if tangent is not None else np.zeros_like(out._data)
                    columns.setdefault((i, j), []).append(column.reshape(-1).copy())
    n_outputs = 1 + max((i for i, _ in columns), default=-1)
    return [[np.stack(columns[(i, j)]) for j in diff] for i in range(n_outputs)]


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _is_tensor(x):
    return is_tensor(x)


def _differentiable_outputs(outputs):
    return tuple(o for o in _as_tuple(outputs) if _is_tensor(o) and o.requires_grad)
