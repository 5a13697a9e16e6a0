"""Warnings attributed to the learner's line, as PyTorch's are, however deep inside minigrad they start."""
import os
import sys
import warnings

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn(message, category=UserWarning):
    level, frame = 2, sys._getframe(1)  # level 1 is this function
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


_warned_once = set()


def warn_once(message, category=UserWarning):
    """A deprecation PyTorch reports once per process (TORCH_WARN_ONCE), not once per line."""
    if message not in _warned_once:
        _warned_once.add(message)
        warn(message, category)
