"""Copies: clone, dtype conversion, and the copy that starts a leaf's .grad under create_graph."""
from ..autograd.function import Function


class Clone(Function):
    """a copy in new memory:  da = g"""
    node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, a):
        return a._data.copy()

    @staticmethod
    def backward(ctx, g):
        return g


class ToCopy(Function):
    """a converted to another dtype:  da = g (the engine converts it back to a's dtype)"""
    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a, np_dtype):
        return a._data.astype(np_dtype)

    @staticmethod
    def backward(ctx, g):
        return g, None


class CopyBackwards(Function):
    """the first gradient stored in a leaf's .grad when create_graph=True:  da = g"""
    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, a):
        return a._data.copy()

    @staticmethod
    def backward(ctx, g):
        return g
