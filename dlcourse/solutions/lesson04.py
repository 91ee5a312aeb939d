"""Reference solutions for lesson 04, forward and backward propagation."""
import numpy as np


# y = tanh(x * w + b) at x = 1.0, w = 0.5, b = -0.2: dy/dz = 1 - tanh(0.3)^2, then dz/dx = w, dz/dw = x, dz/db = 1
_dy_dz = 1 - np.tanh(1.0 * 0.5 - 0.2) ** 2
ex04_chain_rule = {"x": _dy_dz * 0.5, "w": _dy_dz * 1.0, "b": _dy_dz}


def ex04_linear_backward(x, W, grad_out):
    """Gradients of y = x W^T + b: x (N, in), W (out, in), grad_out (N, out)."""
    return grad_out @ W, grad_out.T @ x, grad_out.sum(axis=0)


def ex04_output_delta(p, y):
    """dL/dz for a sigmoid output p = sigmoid(z) with binary cross-entropy against y."""
    return p - y
