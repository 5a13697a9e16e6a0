"""torch.cuda as a CPU-only PyTorch build answers: no GPU, so `is_available()` is False and anything that needs
one raises PyTorch's error. The tutorial idiom `device = "cuda" if torch.cuda.is_available() else "cpu"`
picks the CPU."""
from ._dtype import NO_CUDA


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def manual_seed(seed):
    """Seeds nothing: there is no GPU generator (PyTorch's CPU build also accepts the call)."""


manual_seed_all = manual_seed


def empty_cache():
    """Nothing to free without a GPU."""


def _no_gpu(*args, **kwargs):
    raise AssertionError(NO_CUDA)


current_device = get_device_name = get_device_properties = synchronize = set_device = init = _no_gpu
