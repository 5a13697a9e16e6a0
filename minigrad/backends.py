"""torch.backends: the flags tutorials read and set (cudnn.deterministic = True, mps.is_available(), ...), with
the values of PyTorch's CPU-only build. Setting a flag is allowed and changes nothing."""


class _Flags:
    """A backend namespace whose flags are plain attributes."""

    def __init__(self, name, **flags):
        self.__name__ = f"torch.backends.{name}"
        self.__dict__.update(flags)

    def __repr__(self):
        return f"<module '{self.__name__}'>"


def _false():
    return False


cudnn = _Flags("cudnn", enabled=True, deterministic=False, benchmark=False, allow_tf32=True, is_available=_false)
mps = _Flags("mps", is_available=_false, is_built=_false)
cuda = _Flags("cuda", is_built=_false)
