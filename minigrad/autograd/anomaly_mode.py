"""Anomaly detection, named and behaving as torch.autograd's detect_anomaly / set_detect_anomaly.

In anomaly mode every op remembers the line of code that created its node (a short traceback), and
the backward pass checks each node's result: a node that returns nan raises
`Function 'SqrtBackward0' returned nan values in its 0th output.`, and whenever a node's backward
fails, a warning first shows the forward line that created that node.
"""
import os
import sys
import traceback
import warnings

import numpy as np

from .. import _messages as msg
from . import function

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # minigrad/

enabled = False  # read by the engine before each node's backward
check_nan = True


def is_anomaly_enabled():
    return enabled


def is_anomaly_check_nan_enabled():
    return check_nan


class detect_anomaly:
    """Context manager: anomaly detection on inside the block (nan checks with check_nan=True)."""

    def __init__(self, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.check_nan = check_nan
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        warnings.warn(msg.ANOMALY_ENABLED, UserWarning, stacklevel=2)

    def __enter__(self):
        _set_anomaly(True, self.check_nan)

    def __exit__(self, *exc):
        _set_anomaly(self.prev, self.prev_check_nan)
        return False


class set_detect_anomaly:
    """Turn anomaly detection on or off now; used as a context manager, the old setting returns at exit."""

    def __init__(self, mode, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        _set_anomaly(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _set_anomaly(self.prev, self.prev_check_nan)
        return False


def _set_anomaly(mode, nan_check):
    global enabled, check_nan
    enabled, check_nan = bool(mode), bool(nan_check)
    observing = _record_forward_trace in function.forward_observers
    if mode and not observing:
        function.forward_observers.append(_record_forward_trace)
    elif not mode and observing:
        function.forward_observers.remove(_record_forward_trace)


def _record_forward_trace(cls, node, args, outputs):
    """Remember where the node was made: the caller's frames, without minigrad's own."""
    if node is None:
        return
    frames = [f for f in traceback.extract_stack()[:-1] if not f.filename.startswith(_PACKAGE_DIR)]
    lines = traceback.format_list(frames)
    node.metadata["traceback_"] = lines  # where PyTorch keeps it
    node.__dict__["_forward_trace"] = "".join(lines)


def checked_backward(node, grads):
    """node's backward in anomaly mode: nan check, and the forward traceback when anything fails."""
    try:
        grads_in = node.apply_backward(grads)
        if check_nan:
            _check_nan(node, grads_in)
        return grads_in
    except Exception as error:
        trace = node.__dict__.get("_forward_trace")
        if trace is not None:
            warnings.warn(msg.anomaly_forward_trace(node.name(), trace), UserWarning,
                          stacklevel=_first_frame_outside_minigrad())
        message = str(error)
        if isinstance(error, RuntimeError) and message.endswith(msg.VERSION_HINT):
            raise RuntimeError(message[: -len(msg.VERSION_HINT)] + msg.ANOMALY_VERSION_HINT) from None
        raise


def _check_nan(node, grads_in):
    for i, position in enumerate(node._arg_pos):  # numbered like next_functions, as in PyTorch
        g = grads_in[position]
        if g is not None and np.isnan(g._data).any():
            raise RuntimeError(msg.nan_in_gradient(node.name(), i))


def _first_frame_outside_minigrad():
    """The stacklevel that makes a warning point at the learner's line (the backward() call)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level
