"""Fully connected layer, shaped exactly like torch.nn.Linear."""
import numpy as np

from ._checks import as_float_array, positive_int, require_forward, check_grad_shape
from .module import Module, Parameter


class Linear(Module):
    """y = x W^T + b.

    Shapes: x ``(*, in_features)`` -> y ``(*, out_features)``;
    ``weight (out_features, in_features)``, ``bias (out_features,)``.
    Initialised like torch: U(-1/sqrt(in_features), 1/sqrt(in_features)),
    drawn from NumPy's global generator (seed it with ``dlcourse.seed``).
    """

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = positive_int(in_features, "Linear", "in_features")
        self.out_features = positive_int(out_features, "Linear", "out_features")
        bound = 1.0 / np.sqrt(self.in_features)
        self.weight = Parameter(np.random.uniform(-bound, bound, (self.out_features, self.in_features)))
        self.bias = Parameter(np.random.uniform(-bound, bound, self.out_features)) if bias else None
        self._x = None

    def forward(self, x):
        x = as_float_array(x, "Linear", dtype=self.weight.data.dtype)
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(f"Linear(in_features={self.in_features}) got input of shape {tuple(x.shape)}: "
                             f"last dimension must be {self.in_features}")
        self._x = x
        y = x @ self.weight.data.T
        if self.bias is not None:
            y = y + self.bias.data
        return y

    def backward(self, grad_output):
        require_forward(self._x, "Linear")
        g = as_float_array(grad_output, "Linear.backward", "grad_output", dtype=self._x.dtype)
        check_grad_shape(g, self._x.shape[:-1] + (self.out_features,), "Linear")
        x2 = self._x.reshape(-1, self.in_features)
        g2 = g.reshape(-1, self.out_features)
        self.weight.grad += g2.T @ x2
        if self.bias is not None:
            self.bias.grad += g2.sum(axis=0)
        return g @ self.weight.data

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
