"""minigrad's differentiable operations, each a Function (see minigrad/autograd/function.py)."""
