"""minigrad: a small numpy autograd engine that behaves like PyTorch's torch.autograd.

`import minigrad as torch` runs ordinary autograd tutorial code and prints the same numbers.
"""
import warnings as _warnings

# PyTorch computes 1/0 = inf, log(0) = -inf, 0*inf = nan without a word; numpy warns. numpy attributes its
# warning to the Python line that called it, so this filter silences only what minigrad's own code triggers
# (it costs nothing when no warning occurs, unlike np.errstate around every op); your numpy code still warns.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"minigrad(\.|$)")
from . import _dtype, accelerator, autograd, backends, cuda, nn, optim
from ._creation import (
    BoolTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from ._dtype import Size, bool, device, double, dtype, float, float16, float32, float64, half, int, int32, int64, long
from ._random import Generator, initial_seed, manual_seed, seed
from .autograd import enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled
from .autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled
from .ops import linalg as _linalg
from .ops import pointwise as _pointwise
from .ops.misc import bincount
from .tensor import Tensor
from .tensor_math import cat, logaddexp, maximum, minimum, stack, where

__version__ = "0.1.0"


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(t):
    return t.numel()


concat = concatenate = cat


def matmul(a, b):
    return _linalg.matmul(a, b)


def _method(name):
    """A module-level function that calls the tensor method of the same name: torch.exp(x) is x.exp()."""
    def function(input, *args, **kwargs):  # noqa: A002 - PyTorch's argument name
        return getattr(input, name)(*args, **kwargs)
    function.__name__ = name
    function.__doc__ = f"torch.{name}(input, ...) is input.{name}(...)"
    return function


for _name in ("add sub mul div pow neg exp log sin cos tanh sigmoid relu abs sqrt rsqrt reciprocal sign sgn square "
              "clamp clip sum mean max min amax amin argmax argmin norm var std softmax log_softmax logsumexp "
              "reshape flatten transpose t permute squeeze unsqueeze mm mv dot bmm allclose equal narrow select "
              "split chunk unbind masked_fill detach clone tan log1p floor round prod cumsum repeat isnan isinf "
              "isfinite index_put clamp_min clamp_max diag").split():
    globals()[_name] = _method(_name)
del _name

multiply, subtract, divide, true_divide, negative = mul, sub, div, div, neg  # noqa: F821


# in-place functional forms: torch.sin_(x) is x.sin_()
for _name in ("abs_ cos_ exp_ log_ log1p_ neg_ reciprocal_ relu_ round_ rsqrt_ sigmoid_ sin_ sqrt_ square_ tan_ tanh_ "
              "zero_ floor_ clamp_ clip_ fill_ detach_ index_put_ clamp_min_ clamp_max_").split():
    globals()[_name] = _method(_name)
del _name


def outer(input, vec2):  # noqa: A002 - PyTorch's argument names
    """The outer product of two vectors: input as a column times vec2 (PyTorch: a view, then a multiply)."""
    for name, t in (("self", input), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return input.reshape(-1, 1) * vec2


ger = outer


def lerp(input, end, weight):  # noqa: A002
    """input + weight * (end - input), computed from the nearer end as PyTorch does."""
    return _pointwise.lerp(input, end, weight)


def get_default_dtype():
    return float32
