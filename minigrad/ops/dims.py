"""Dimension arguments as PyTorch reads them: negative dims count from the end, a 0-d tensor accepts dim 0
and -1, anything else is PyTorch's IndexError (never numpy's AxisError)."""


def wrap_dim(dim, ndim):
    """`dim` as a non-negative dim of a tensor with `ndim` dims."""
    n = max(ndim, 1)  # a 0-d tensor takes dim 0 and -1, as if it had one dim
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def wrap_dims(dims, ndim):
    """A dim or a sequence of dims as a sorted tuple of distinct non-negative dims (None: all of them)."""
    if dims is None:
        return tuple(range(ndim))
    if isinstance(dims, int):
        return (wrap_dim(dims, ndim),)
    wrapped = []
    for d in dims:
        d = wrap_dim(d, ndim)
        if d in wrapped:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        wrapped.append(d)
    return tuple(sorted(wrapped))
