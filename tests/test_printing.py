"""minigrad._printing against PYTORCH_BEHAVIOR.md §1.1-1.4 (exact text) and against live torch."""

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest


def _load_printing():
    # Sibling minigrad modules may be unfinished (any error): then load this one file on its own.
    try:
        from minigrad import _printing
    except Exception:  # noqa: BLE001
        path = Path(__file__).resolve().parents[1] / "minigrad" / "_printing.py"
        spec = importlib.util.spec_from_file_location("_minigrad_printing_standalone", path)
        _printing = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(_printing)
    return _printing


_printing = _load_printing()
format_tensor, dtype_suffix = _printing.format_tensor, _printing.dtype_suffix

f32, f64, f16, i64, i32 = np.float32, np.float64, np.float16, np.int64, np.int32
nan, inf = float("nan"), float("inf")
RG = "requires_grad=True"


def arr(values, dtype=f32):
    return np.array(values, dtype=dtype)


def repr_of(a, *grad_suffixes):
    """What Tensor.__repr__ will do: dtype suffix first, then grad_fn / requires_grad."""
    return format_tensor(a, [dtype_suffix(a.dtype, empty=a.size == 0), *grad_suffixes])


# (array, grad suffixes, expected text) -- copied verbatim from PYTORCH_BEHAVIOR.md.
DOC_ROWS = [
    # §1.1 layout and suffixes
    (arr(3.0), [RG], "tensor(3., requires_grad=True)"),
    (arr(9.0), ["grad_fn=<PowBackward0>"], "tensor(9., grad_fn=<PowBackward0>)"),
    (arr([1.0, 2.0]), [RG], "tensor([1., 2.], requires_grad=True)"),
    (arr([4.0]), ["grad_fn=<MulBackward0>"], "tensor([4.], grad_fn=<MulBackward0>)"),
    (arr([1.0, 2.0], f64), [RG], "tensor([1., 2.], dtype=torch.float64, requires_grad=True)"),
    (arr([2.0, 4.0], f64), ["grad_fn=<MulBackward0>"],
     "tensor([2., 4.], dtype=torch.float64, grad_fn=<MulBackward0>)"),
    (arr(2.5, f64), [], "tensor(2.5000, dtype=torch.float64)"),
    (arr([1, 2], i32), [], "tensor([1, 2], dtype=torch.int32)"),
    (arr([1.0, 2.0], f16), [], "tensor([1., 2.], dtype=torch.float16)"),
    (arr([1, 2, 3], i64), [], "tensor([1, 2, 3])"),
    (arr(5, i64), [], "tensor(5)"),
    (arr([-1, 100], i64), [], "tensor([ -1, 100])"),
    (arr([True, False], bool), [], "tensor([ True, False])"),
    (arr([1.0, 2.0]) > 1, [], "tensor([False,  True])"),
    (arr([]), [], "tensor([])"),
    (np.zeros((0, 3), f32), [], "tensor([], size=(0, 3))"),
    (arr([[]]), [], "tensor([], size=(1, 0))"),
    (arr(6.0), [], "tensor(6.)"),
    (np.arange(12.0, dtype=f32), [RG],
     "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11.],\n       requires_grad=True)"),
    (np.arange(20.0, dtype=f32) * f32(1.5), ["grad_fn=<MulBackward0>"],
     ("tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
      "        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n"
      "        24.0000, 25.5000, 27.0000, 28.5000], grad_fn=<MulBackward0>)")),
    # §1.2 float formatting
    (arr(-7.661275842587077), [], "tensor(-7.6613)"),
    (arr([2 / 3, 4 / 3, 2.0]), [], "tensor([0.6667, 1.3333, 2.0000])"),
    (arr([102.4, 1024.0, 0.1024]), [], "tensor([1.0240e+02, 1.0240e+03, 1.0240e-01])"),
    (arr([1e-5, 1.0]), [], "tensor([1.0000e-05, 1.0000e+00])"),
    (arr(1e-4), [], "tensor(1.0000e-04)"),
    (arr(0.0001234), [], "tensor(0.0001)"),
    (arr([1e3, 1.0]), [], "tensor([1000.,    1.])"),
    (arr([1e4, 1.5]), [], "tensor([1.0000e+04, 1.5000e+00])"),
    (arr([100000.0, 1.0]), [], "tensor([1.0000e+05, 1.0000e+00])"),
    (arr(12345678.0), [], "tensor(12345678.)"),
    (arr([1e9]), [], "tensor([1.0000e+09])"),
    (arr(1e16), [], "tensor(1.0000e+16)"),
    (arr(100.0), [], "tensor(100.)"),
    (arr(6.7), [], "tensor(6.7000)"),
    (arr(0.0), [], "tensor(0.)"),
    (arr(-0.0), [], "tensor(-0.)"),
    (arr(123456.7), [], "tensor(123456.7031)"),
    (arr([-12.0, 65.0]), [], "tensor([-12.,  65.])"),
    (arr([100.0, 4.0, 6.0]), [], "tensor([100.,   4.,   6.])"),
    (arr([1.0, -1.0]), [], "tensor([ 1., -1.])"),
    (arr([nan, 1.5]), [], "tensor([   nan, 1.5000])"),
    (arr([48.6576, -666.0714, -1112.4949]), [], "tensor([   48.6576,  -666.0714, -1112.4949])"),
    (arr([1.5, 2.25]), [], "tensor([1.5000, 2.2500])"),
    (arr([0.0, 0.0]), [], "tensor([0., 0.])"),
    (arr([nan, 0.0]), [], "tensor([nan, 0.])"),
    (arr([inf, -inf]), [], "tensor([inf, -inf])"),
    (arr([nan, inf, -inf, 1.0]), [], "tensor([nan, inf, -inf, 1.])"),
    (arr([nan, 1.0, 100.5]), [], "tensor([     nan,   1.0000, 100.5000])"),
    (arr([[1e-5, 1.0], [2.0, 3.0]]), [], "tensor([[1.0000e-05, 1.0000e+00],\n        [2.0000e+00, 3.0000e+00]])"),
    (arr([[1.5, -2.25], [100.125, 3.0]]), [], "tensor([[  1.5000,  -2.2500],\n        [100.1250,   3.0000]])"),
    (arr([0.1, 1.0, 0.0001]) * f32(2), [], "tensor([2.0000e-01, 2.0000e+00, 2.0000e-04])"),
    # §1.3 multi-dimensional layout
    (np.ones((2, 2), f32) + 2, ["grad_fn=<AddBackward0>"],
     "tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)"),
    (np.arange(24.0, dtype=f32).reshape(2, 3, 4), [],
     ("tensor([[[ 0.,  1.,  2.,  3.],\n"
      "         [ 4.,  5.,  6.,  7.],\n"
      "         [ 8.,  9., 10., 11.]],\n"
      "\n"
      "        [[12., 13., 14., 15.],\n"
      "         [16., 17., 18., 19.],\n"
      "         [20., 21., 22., 23.]]])")),
    (np.ones((2, 1, 2), f32), [], "tensor([[[1., 1.]],\n\n        [[1., 1.]]])"),
    (arr([[-0.3314, -0.3314], [1.3739, 1.3739]]), [],
     "tensor([[-0.3314, -0.3314],\n        [ 1.3739,  1.3739]])"),
    (np.arange(12, dtype=i64).reshape(3, 4), [],
     "tensor([[ 0,  1,  2,  3],\n        [ 4,  5,  6,  7],\n        [ 8,  9, 10, 11]])"),
    # §1.4 summarization
    (np.arange(1500.0, dtype=f32), [],
     "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.4970e+03, 1.4980e+03,\n        1.4990e+03])"),
    # §1.7 rows that are plain reprs
    (arr(0.1), [], "tensor(0.1000)"),
    (arr(1.5), [], "tensor(1.5000)"),
]


@pytest.mark.parametrize(("a", "grad_suffixes", "expected"), DOC_ROWS, ids=[r[2] for r in DOC_ROWS])
def test_documented_repr(a, grad_suffixes, expected):
    assert repr_of(a, *grad_suffixes) == expected


def test_parameter_prefix():
    expected = "Parameter containing:\ntensor([1., 1.], requires_grad=True)"
    ones = np.ones(2, f32)
    assert "Parameter containing:\n" + format_tensor(ones, [RG]) == expected
    assert format_tensor(ones, [RG], prefix="Parameter containing:\ntensor(") == expected


def test_return_types_layout():
    values, indices = format_tensor(arr([5.0, 3.0])), format_tensor(arr([1, 0], i64))
    text = f"torch.return_types.max(\nvalues={values},\nindices={indices})"
    assert text == "torch.return_types.max(\nvalues=tensor([5., 3.]),\nindices=tensor([1, 0]))"


def test_dtype_suffix():
    assert [dtype_suffix(d) for d in (f32, i64, np.bool_)] == [None, None, None]
    assert dtype_suffix(f64) == "dtype=torch.float64"
    assert dtype_suffix(f16) == "dtype=torch.float16"
    assert dtype_suffix(i32) == "dtype=torch.int32"
    # An empty tensor shows every dtype but the default float one.
    assert dtype_suffix(f32, empty=True) is None
    assert dtype_suffix(i64, empty=True) == "dtype=torch.int64"
    assert repr_of(np.zeros((2, 0), bool)) == "tensor([], size=(2, 0), dtype=torch.bool)"


# ---------------------------------------------------------------- parity with live torch

def _torch():
    if os.environ.get("CI"):
        import torch  # on CI a missing torch is a failure, not a skip

        return torch
    return pytest.importorskip("torch")


SHAPES = [
    lambda r: (),
    lambda r: (int(r.integers(1, 8)),),
    lambda r: (int(r.integers(8, 150)),),  # long rows that wrap
    lambda r: (int(r.integers(1, 6)), int(r.integers(1, 12))),
    lambda r: (int(r.integers(1, 4)), int(r.integers(1, 5)), int(r.integers(1, 7))),
    lambda r: (2, 1, int(r.integers(1, 3)), int(r.integers(1, 4))),
    lambda r: (int(r.integers(1001, 3000)),),  # summarized from here on
    lambda r: (int(r.integers(1, 7)), int(r.integers(200, 400))),
    lambda r: (int(r.integers(30, 60)), int(r.integers(30, 60))),
    lambda r: (int(r.integers(2, 12)), int(r.integers(5, 30)), int(r.integers(10, 30))),
    lambda r: (2, 2, int(r.integers(3, 8)), 60),
    lambda r: [(0,), (0, 3), (2, 0), (1, 0, 4)][int(r.integers(4))],
]
DTYPES = [f32, f32, f32, f32, f64, f64, f16, i64, i64, i32, bool]


def _random_floats(r, shape, dtype):
    top = 4 if dtype == f16 else 10
    scale = 10.0 ** r.uniform(-6, top)
    style = int(r.integers(5))
    if style == 0:
        x = r.standard_normal(shape) * scale
    elif style == 1:  # whole numbers -> int mode
        x = np.round(r.standard_normal(shape) * scale)
    elif style == 2:  # every element its own magnitude -> usually sci mode
        x = r.standard_normal(shape) * 10.0 ** r.uniform(-6, top, size=shape)
    elif style == 3:  # few distinct values, ratio near the 1000 boundary
        x = scale * r.choice([1.0, 2.5, 999.0, 1000.0, 1001.0, -3.0], size=shape)
    else:
        x = r.uniform(-1, 1, size=shape) * scale
    x = np.asarray(x, dtype=np.float64)
    if x.size and r.random() < 0.4:  # sprinkle nan / inf / signed zeros
        specials = np.array([nan, -nan, inf, -inf, 0.0, -0.0])
        mask = r.random(shape) < r.uniform(0.05, 1.0)
        x = np.where(mask, r.choice(specials, size=shape), x)
    with np.errstate(over="ignore"):
        return x.astype(dtype)


def _random_array(seed):
    return np.asarray(_random_values(seed))  # shape () gives numpy scalars: make them 0-d arrays


def _random_values(seed):
    r = np.random.default_rng(seed)
    shape = SHAPES[seed % len(SHAPES)](r)
    dtype = DTYPES[int(r.integers(len(DTYPES)))]
    if dtype is bool:
        return r.random(shape) < r.uniform(0, 1)
    if dtype in (i64, i32):
        bound = 10 ** int(r.integers(1, 10))
        return r.integers(-bound, bound, size=shape, dtype=dtype, endpoint=True)
    return _random_floats(r, shape, dtype)


def _custom_function(torch, name):
    """An autograd.Function whose output prints grad_fn=<{name}Backward>: any suffix length."""
    return type(name, (torch.autograd.Function,), {
        "forward": staticmethod(lambda ctx, x: x.clone()),
        "backward": staticmethod(lambda ctx, g: g),
    })


@pytest.mark.parametrize("seed", range(300))
def test_parity_with_torch(seed):
    torch = _torch()
    a = _random_array(seed)
    t = torch.from_numpy(a.copy())  # (np.ascontiguousarray would turn 0-d into 1-d)
    grad, prefix = [], ""
    if a.dtype.kind == "f":
        mode = seed % 5
        if mode == 1:
            t, grad = t.requires_grad_(), [RG]
        elif mode == 2:
            t, grad = t.requires_grad_().clone(), ["grad_fn=<CloneBackward0>"]
        elif mode == 3:
            name = "F" * int(np.random.default_rng(seed).integers(1, 70))
            t, grad = _custom_function(torch, name).apply(t.requires_grad_()), [f"grad_fn=<{name}Backward>"]
        elif mode == 4:
            t, grad, prefix = torch.nn.Parameter(t), [RG], "Parameter containing:\n"
    expected = repr(t)
    got = prefix + repr_of(a, *grad)
    assert got == expected, f"shape={a.shape} dtype={a.dtype}\n--- minigrad\n{got}\n--- torch\n{expected}"
