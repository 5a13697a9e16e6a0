"""torch.accelerator: the device-neutral way of asking for a GPU (PyTorch 2.6+); minigrad has none."""


def is_available():
    return False


def current_accelerator(check_available=False):
    """The accelerator in use: None, since only the CPU exists."""
    return None


def device_count():
    return 0
