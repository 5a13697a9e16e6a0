"""Typical wrong answers to practice 12; check() must reject each one with the hint fragment named here."""
import math

import minigrad as torch

# ---------------------------------------------------------------------------------------------- 12.1


def passes_swapped(n, m):
    return m, n


def passes_one_each(n, m):
    return 1, 1


# ---------------------------------------------------------------------------------------------- 12.2


def _dual_class(product=True, reflected=True, chained_power=True):
    """A learner's Dual, with one of the typical mistakes switched on."""
    class Dual:
        def __init__(self, value, tangent=0.0):
            self.value, self.tangent = float(value), float(tangent)

        def __add__(self, other):
            other = other if isinstance(other, Dual) else Dual(other)
            return Dual(self.value + other.value, self.tangent + other.tangent)

        def __mul__(self, other):
            other = other if isinstance(other, Dual) else Dual(other)
            if product:
                return Dual(self.value * other.value, self.tangent * other.value + self.value * other.tangent)
            return Dual(self.value * other.value, self.tangent * other.tangent)  # bug: not the product rule

        def __neg__(self):
            return self * -1

        def __sub__(self, other):
            return self + (-other)

        def __pow__(self, n):
            inner = self.tangent if chained_power else 1.0  # bug when False: the inner tangent is dropped
            return Dual(self.value**n, n * self.value ** (n - 1) * inner)

        def sin(self):
            return Dual(math.sin(self.value), math.cos(self.value) * self.tangent)

        def exp(self):
            return Dual(math.exp(self.value), math.exp(self.value) * self.tangent)

    if reflected:
        Dual.__radd__, Dual.__rmul__ = Dual.__add__, Dual.__mul__
        Dual.__rsub__ = lambda self, other: Dual(other) - self
    return Dual


def dual_seeded_with_zero(f, x0):
    y = f(_dual_class()(x0, 0.0))
    return y.value, y.tangent


def dual_without_product_rule(f, x0):
    y = f(_dual_class(product=False)(x0, 1.0))
    return y.value, y.tangent


def dual_without_reflected_ops(f, x0):
    y = f(_dual_class(reflected=False)(x0, 1.0))
    return y.value, y.tangent


def dual_power_not_chained(f, x0):
    y = f(_dual_class(chained_power=False)(x0, 1.0))
    return y.value, y.tangent


def dual_by_difference_quotient(f, x0):
    h = 1e-6
    value = f(x0)
    return value, (f(x0 + h) - value) / h


def dual_by_reverse_mode(f, x0):
    x = torch.tensor(x0, requires_grad=True)
    y = f(x)
    y.backward()
    return y.item(), x.grad.item()


# ---------------------------------------------------------------------------------------------- 12.3


def order_recursive(root):
    order, visited = [], set()

    def visit(node):
        if node not in visited:
            visited.add(node)
            for parent in node._parents:
                visit(parent)
            order.append(node)
    visit(root)
    return order


def order_without_visited_set(root):
    order = []

    def visit(node):
        for parent in node._parents:
            visit(parent)
        order.append(node)
    visit(root)
    return order


def order_root_first(root):
    order, visited, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if node not in visited:
            visited.add(node)
            order.append(node)  # bug: added when first reached, before its parents
            stack.extend(node._parents)
    return order


def order_of_names(root):
    return [node.name for node in order_recursive(root)]


# ---------------------------------------------------------------------------------------------- 12.4


def _minitensor(assign=False, reflected=True, recursive=False, reset=True, reset_leaves=False, ordered=True):
    """A learner's MiniTensor, with one of the typical mistakes switched on."""
    class MiniTensor:
        def __init__(self, data, parents=(), op=""):
            self.data, self.grad = float(data), 0.0
            self._parents, self._op = parents, op
            self._backward = lambda: None

        def _give(self, amount):
            self.grad = amount if assign else self.grad + amount  # bug when assign: = instead of +=

        def __add__(self, other):
            other = other if isinstance(other, MiniTensor) else MiniTensor(other)
            out = MiniTensor(self.data + other.data, (self, other), "+")

            def _backward():
                self._give(out.grad)
                other._give(out.grad)
            out._backward = _backward
            return out

        def __mul__(self, other):
            other = other if isinstance(other, MiniTensor) else MiniTensor(other)
            out = MiniTensor(self.data * other.data, (self, other), "*")

            def _backward():
                self._give(other.data * out.grad)
                other._give(self.data * out.grad)
            out._backward = _backward
            return out

        def __pow__(self, n):
            out = MiniTensor(self.data**n, (self,), f"**{n}")

            def _backward():
                self._give(n * self.data ** (n - 1) * out.grad)
            out._backward = _backward
            return out

        def __neg__(self):
            return self * -1

        def __sub__(self, other):
            return self + (-other)

        def _order(self):
            if recursive:
                return order_recursive(self)
            order, visited, stack = [], set(), [(self, False)]
            while stack:
                node, done = stack.pop()
                if done:
                    order.append(node)
                elif node not in visited:
                    visited.add(node)
                    stack.append((node, True))
                    stack.extend((parent, False) for parent in node._parents)
            return order

        def backward(self):
            if not ordered:  # bug: each node's rule runs as soon as the node is reached from the root
                self.grad, stack, seen = 1.0, [self], set()
                while stack:
                    node = stack.pop()
                    if node not in seen:
                        seen.add(node)
                        node._backward()
                        stack.extend(node._parents)
                return
            order = self._order()
            for node in order:
                if (reset and node._parents) or reset_leaves:
                    node.grad = 0.0
            self.grad = 1.0
            for node in reversed(order):
                node._backward()

    if reflected:
        MiniTensor.__radd__ = lambda self, other: self + other
        MiniTensor.__rmul__ = lambda self, other: self * other
        MiniTensor.__rsub__ = lambda self, other: other + (-self)
    return MiniTensor


def minitensor_assigns():
    return _minitensor(assign=True)


def minitensor_without_reflected_ops():
    return _minitensor(reflected=False)


def minitensor_recursive_sort():
    return _minitensor(recursive=True)


def minitensor_keeps_intermediate_grads():
    return _minitensor(reset=False)


def minitensor_resets_leaves_too():
    return _minitensor(reset_leaves=True)


def minitensor_without_topological_order():
    return _minitensor(ordered=False)


def _unwritten_topological_order(root):
    raise NotImplementedError()


def minitensor_before_12_3_is_done():
    cls = _minitensor()
    cls._order = lambda self: _unwritten_topological_order(self)
    return cls


def minitensor_prints_in_backward():
    cls = _minitensor()
    order = cls._order

    def chatty_order(self):
        for node in order(self):
            print("visiting", node.data, node.grad)  # prints once per node of every graph, 5,000 times in the chain
        return order(self)
    cls._order = chatty_order
    return cls


def minitensor_instance_not_class():
    return _minitensor()(2.0)


WRONG_ANSWERS = [
    ("12.1", passes_swapped, "swapped"),
    ("12.1", passes_one_each, "not all of it"),
    ("12.2", dual_seeded_with_zero, "seed the tangent with 1"),
    ("12.2", dual_without_product_rule, "product rule"),
    ("12.2", dual_without_reflected_ops, "define __radd__, __rmul__"),
    ("12.2", dual_power_not_chained, "the power rule is chained too"),
    ("12.2", dual_by_difference_quotient, "difference quotient"),
    ("12.2", dual_by_reverse_mode, "minigrad's autograd"),
    ("12.3", order_recursive, "recursion limit"),
    ("12.3", order_without_visited_set, "keep a set of the nodes already visited"),
    ("12.3", order_root_first, "parents first, root last"),
    ("12.3", order_of_names, "expected a list of the graph's nodes"),
    ("12.4", minitensor_assigns, "use += (not =)"),
    ("12.4", minitensor_without_reflected_ops, "define __radd__, __rmul__"),
    ("12.4", minitensor_recursive_sort, "recursion limit"),
    ("12.4", minitensor_keeps_intermediate_grads, "intermediate nodes kept their grad"),
    ("12.4", minitensor_resets_leaves_too, "the leaves must accumulate"),
    ("12.4", minitensor_without_topological_order, "reverse topological order"),
    ("12.4", minitensor_before_12_3_is_done, "not written yet"),
    ("12.4", minitensor_prints_in_backward, "a print inside a loop"),
    ("12.4", minitensor_instance_not_class, "expected a class"),
]
