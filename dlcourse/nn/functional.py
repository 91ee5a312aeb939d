"""Activation functions and their derivatives, as plain NumPy functions.

Each ``f`` has a partner ``f_grad`` giving df/dx element-wise, so lessons can
plot both and modules can reuse them in backward. ``ACTIVATIONS`` maps a name
to ``(f, f_grad)`` for explorers.
"""
import numpy as np
from scipy.special import erf


def identity(x):
    return np.asarray(x, dtype=np.float64)


def identity_grad(x):
    return np.ones_like(x, dtype=np.float64)


def relu(x):
    return np.maximum(x, 0.0)


def relu_grad(x):
    # torch's convention: the derivative at exactly 0 is 0
    return (np.asarray(x) > 0).astype(np.float64)


def leaky_relu(x, negative_slope=0.01):
    x = np.asarray(x, dtype=np.float64)
    return np.where(x > 0, x, negative_slope * x)


def leaky_relu_grad(x, negative_slope=0.01):
    return np.where(np.asarray(x) > 0, 1.0, negative_slope)


def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    # exp of a non-positive number only: no overflow for large |x|
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x):
    return np.tanh(x)


def tanh_grad(x):
    return 1.0 - np.tanh(x) ** 2


_SQRT2 = np.sqrt(2.0)
_SQRT_2_OVER_PI = np.sqrt(2.0 / np.pi)


def gelu(x, approximate="none"):
    """GELU as in torch: exact ``x * Phi(x)`` or the ``'tanh'`` approximation."""
    x = np.asarray(x, dtype=np.float64)
    if approximate == "tanh":
        return 0.5 * x * (1.0 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x ** 3)))
    if approximate != "none":
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return 0.5 * x * (1.0 + erf(x / _SQRT2))


def gelu_grad(x, approximate="none"):
    x = np.asarray(x, dtype=np.float64)
    if approximate == "tanh":
        u = _SQRT_2_OVER_PI * (x + 0.044715 * x ** 3)
        t = np.tanh(u)
        du = _SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x ** 2)
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t ** 2) * du
    if approximate != "none":
        raise ValueError(f"gelu_grad: approximate must be 'none' or 'tanh', got {approximate!r}")
    cdf = 0.5 * (1.0 + erf(x / _SQRT2))
    pdf = np.exp(-0.5 * x ** 2) / np.sqrt(2.0 * np.pi)
    return cdf + x * pdf


def softmax(x, dim=-1):
    """Probabilities along ``dim``; subtracting the max keeps exp from overflowing."""
    x = np.asarray(x, dtype=np.float64)
    z = x - x.max(axis=dim, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=dim, keepdims=True)


def log_softmax(x, dim=-1):
    x = np.asarray(x, dtype=np.float64)
    z = x - x.max(axis=dim, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=dim, keepdims=True))


def softmax_backward(y, grad_output, dim=-1):
    """Vector-Jacobian product of softmax given its output ``y``: y * (g - <g, y>)."""
    return y * (grad_output - (grad_output * y).sum(axis=dim, keepdims=True))


ACTIVATIONS = {
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "gelu": (gelu, gelu_grad),
    "identity": (identity, identity_grad),
}


def get_activation(name):
    """``(f, f_grad)`` for a name in ``ACTIVATIONS``; a ValueError lists the choices."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}") from None
