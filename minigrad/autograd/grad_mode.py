"""Grad-mode switches: no_grad, enable_grad, set_grad_enabled, inference_mode.

One module-level flag says whether ops record the graph. Each switch is a context manager that
also works as a decorator, like PyTorch's.
"""
import functools


class _State:
    grad_enabled = True
    inference = False


state = _State()


def is_grad_enabled():
    return state.grad_enabled


def is_inference_mode_enabled():
    return state.inference


class _GradModeSwitch:
    """Base: `with switch:` sets the mode and restores it; `@switch` wraps a function in it."""

    def _enter(self):
        raise NotImplementedError

    def __enter__(self):
        self._saved = (state.grad_enabled, state.inference)
        self._enter()

    def __exit__(self, *exc):
        state.grad_enabled, state.inference = self._saved
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return type(self)()


class no_grad(_GradModeSwitch):
    """Ops inside record no graph: results have requires_grad=False and no grad_fn."""

    def __new__(cls, fn=None):
        self = super().__new__(cls)
        if callable(fn):  # used as a bare decorator: @no_grad
            self.__init__()
            return self(fn)
        return self

    def __init__(self, fn=None):
        pass

    def _enter(self):
        state.grad_enabled = False


class enable_grad(_GradModeSwitch):
    """Turns recording back on, e.g. inside a no_grad block."""

    def __new__(cls, fn=None):
        self = super().__new__(cls)
        if callable(fn):
            self.__init__()
            return self(fn)
        return self

    def __init__(self, fn=None):
        pass

    def _enter(self):
        state.grad_enabled = True


class set_grad_enabled(_GradModeSwitch):
    """`set_grad_enabled(False)` switches at once (a plain call works); as a context manager it restores."""

    def __init__(self, mode):
        self.mode = bool(mode)
        self._before = (state.grad_enabled, state.inference)
        state.grad_enabled = self.mode

    def __enter__(self):
        self._saved = self._before

    def _enter(self):
        state.grad_enabled = self.mode

    def __call__(self, fn):
        # used as a decorator: __init__ switched the mode when the decorator was built; undo that now (as torch)
        state.grad_enabled, state.inference = self._before
        return super().__call__(fn)

    def clone(self):
        return _FixedMode(self.mode)


class _FixedMode(_GradModeSwitch):
    def __init__(self, mode):
        self.mode = mode

    def _enter(self):
        state.grad_enabled = self.mode

    def clone(self):
        return _FixedMode(self.mode)


class inference_mode(_GradModeSwitch):
    """Like no_grad, and tensors made inside are marked as inference tensors."""

    def __new__(cls, mode=True):
        self = super().__new__(cls)
        if callable(mode):
            self.__init__()
            return self(mode)
        return self

    def __init__(self, mode=True):
        self.mode = bool(mode) if not callable(mode) else True

    def _enter(self):
        if self.mode:
            state.grad_enabled = False
            state.inference = True
        else:
            state.inference = False

    def clone(self):
        return inference_mode(self.mode)


for _switch in (no_grad, enable_grad, set_grad_enabled, inference_mode):
    _switch.__module__ = "torch.autograd.grad_mode"  # reprs read as PyTorch's: <torch.autograd.grad_mode.no_grad ...>
del _switch
