"""Activation modules (torch.nn names). Each keeps what backward needs from forward."""
from . import functional as F
from ._checks import as_float_array, check_grad_shape, require_forward
from .module import Module


class _Elementwise(Module):
    """y = f(x) element-wise; backward multiplies by f'(x) at the stored input.

    Subclasses provide ``_f`` and its derivative ``_df``.
    """

    def __init__(self):
        super().__init__()
        self._x = None

    def forward(self, x):
        x = as_float_array(x, type(self).__name__)
        self._x = x
        return self._f(x)

    def backward(self, grad_output):
        require_forward(self._x, type(self).__name__)
        g = as_float_array(grad_output, f"{type(self).__name__}.backward", "grad_output", dtype=self._x.dtype)
        check_grad_shape(g, self._x.shape, type(self).__name__)
        return g * self._df(self._x)


class ReLU(_Elementwise):
    """max(0, x). Shapes: any -> same."""
    _f = staticmethod(F.relu)
    _df = staticmethod(F.relu_grad)


class Sigmoid(_Elementwise):
    """1 / (1 + exp(-x)). Shapes: any -> same."""
    _f = staticmethod(F.sigmoid)
    _df = staticmethod(F.sigmoid_grad)


class Tanh(_Elementwise):
    """tanh(x). Shapes: any -> same."""
    _f = staticmethod(F.tanh)
    _df = staticmethod(F.tanh_grad)


class LeakyReLU(_Elementwise):
    """x if x > 0 else negative_slope * x. Shapes: any -> same."""

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = float(negative_slope)

    def _f(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def _df(self, x):
        return F.leaky_relu_grad(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class GELU(_Elementwise):
    """x * Phi(x) (``approximate='none'``) or its tanh approximation. Shapes: any -> same."""

    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def _f(self, x):
        return F.gelu(x, self.approximate)

    def _df(self, x):
        return F.gelu_grad(x, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Softmax(Module):
    """Probabilities along ``dim``. Shapes: any -> same; each slice along dim sums to 1."""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim
        self._y = None

    def forward(self, x):
        x = as_float_array(x, "Softmax")
        if x.ndim == 0 or not -x.ndim <= self.dim < x.ndim:
            raise ValueError(f"Softmax(dim={self.dim}) got input of shape {tuple(x.shape)}: "
                             f"dim must lie in [-{max(x.ndim, 1)}, {max(x.ndim, 1) - 1}]")
        self._y = F.softmax(x, self.dim)
        return self._y

    def backward(self, grad_output):
        require_forward(self._y, "Softmax")
        g = as_float_array(grad_output, "Softmax.backward", "grad_output", dtype=self._y.dtype)
        check_grad_shape(g, self._y.shape, "Softmax")
        return F.softmax_backward(self._y, g, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


# name -> module class, the same names as nn.functional.ACTIVATIONS (None: no activation)
ACTIVATION_MODULES = {"relu": ReLU, "leaky_relu": LeakyReLU, "sigmoid": Sigmoid, "tanh": Tanh, "gelu": GELU,
                      "identity": None}
