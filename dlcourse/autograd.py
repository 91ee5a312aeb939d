"""A scalar reverse-mode autograd engine, small enough to read in one sitting.

Every operation creates a ``Value`` that remembers its inputs and a closure
``_backward`` that pushes its gradient to them (the chain rule, one node at a
time). ``backward()`` visits nodes in reverse topological order, so a node
used several times receives the *sum* of the gradients from every use.

Gradients of leaves (the Values you created yourself) accumulate, as in
torch: calling ``backward()`` twice adds the second pass onto the first.
Intermediate nodes show the gradient of the latest pass. Call ``zero_grad()``
on the output to clear every node of its graph before a new pass.
"""
import math

_Number = (int, float)


def _lift(other, op):
    if isinstance(other, Value):
        return other
    if isinstance(other, bool) or not isinstance(other, _Number):
        raise TypeError(f"Value {op} {type(other).__name__}: a Value combines with Values, ints or floats only")
    return Value(other)


class Value:
    """A scalar in a compute graph: ``data``, its gradient ``grad``, and how it was made (``op``)."""

    __slots__ = ("data", "grad", "_prev", "_backward", "op", "label")

    def __init__(self, data, _children=(), op="", label=""):
        if isinstance(data, bool) or not isinstance(data, _Number):
            raise TypeError(f"Value holds an int or float, got {type(data).__name__}")
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._backward = None
        self.op = op
        self.label = label

    # -- arithmetic -------------------------------------------------------------
    def __add__(self, other):
        other = _lift(other, "+")
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _lift(other, "*")
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        if isinstance(k, Value) or isinstance(k, bool) or not isinstance(k, _Number):
            raise TypeError("Value ** k: the exponent must be a plain int or float "
                            "(for x ** y with both Values use (y * x.log()).exp())")
        if self.data == 0 and k < 1:
            raise ZeroDivisionError(f"0 ** {k}: the derivative k * x ** (k - 1) is undefined at x = 0")
        if self.data < 0 and not float(k).is_integer():
            raise ValueError(f"({self.data}) ** {k}: a negative base needs an integer exponent")
        out = Value(self.data ** k, (self,), f"**{k:g}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-_lift(other, "-"))

    def __truediv__(self, other):
        other = _lift(other, "/")
        if other.data == 0:
            raise ZeroDivisionError("Value division by zero")
        return self * other ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return _lift(other, "-") - self

    def __rtruediv__(self, other):
        return _lift(other, "/") / self

    # -- functions -------------------------------------------------------------
    def _unary(self, value, local_grad, op):
        """A node whose gradient is ``local_grad * out.grad`` (local_grad fixed at forward time)."""
        out = Value(value, (self,), op)

        def _backward():
            self.grad += local_grad * out.grad
        out._backward = _backward
        return out

    def exp(self):
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp({self.data}) overflows a float; scale the input down") from None
        return self._unary(e, e, "exp")

    def log(self):
        if self.data <= 0:
            raise ValueError(f"log({self.data}): log is only defined for positive numbers")
        return self._unary(math.log(self.data), 1.0 / self.data, "log")

    def tanh(self):
        t = math.tanh(self.data)
        return self._unary(t, 1.0 - t * t, "tanh")

    def relu(self):
        return self._unary(max(self.data, 0.0), float(self.data > 0), "relu")

    def sigmoid(self):
        x = self.data
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        return self._unary(s, s * (1.0 - s), "sigmoid")

    # -- graph -------------------------------------------------------------------
    def topological_order(self):
        """Every node this value depends on, inputs before the nodes that use them."""
        order, seen = [], set()
        stack = [(self, False)]
        while stack:  # iterative DFS: deep graphs do not hit Python's recursion limit
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in node._prev if id(child) not in seen)
        return order

    def backward(self):
        """Add d(self)/d(leaf) to every leaf's ``grad``; set intermediate nodes' ``grad`` afresh."""
        order = self.topological_order()
        for node in order:
            if node._prev:
                node.grad = 0.0
        self.grad += 1.0
        for node in reversed(order):
            if node._backward is not None:
                node._backward()

    def zero_grad(self):
        for node in self.topological_order():
            node.grad = 0.0

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.4g}, grad={self.grad:.4g})"
