"""Reference solutions for lesson 04, forward and backward propagation."""
import numpy as np

from dlcourse import nn
from dlcourse._env import numpy_seed


# y = tanh(x * w + b) at x = 1.0, w = 0.5, b = -0.2: dy/dz = 1 - tanh(0.3)^2, then dz/dx = w, dz/dw = x, dz/db = 1
_dy_dz = 1 - np.tanh(1.0 * 0.5 - 0.2) ** 2
ex04_chain_rule = {"x": _dy_dz * 0.5, "w": _dy_dz * 1.0, "b": _dy_dz}


def ex04_linear_backward(x, W, grad_out):
    """Gradients of y = x W^T + b: x (N, in), W (out, in), grad_out (N, out)."""
    return grad_out @ W, grad_out.T @ x, grad_out.sum(axis=0)


def ex04_output_delta(p, y):
    """dL/dz for sigmoid outputs p (N,) and the mean binary cross-entropy against labels y (N,)."""
    return (p - y) / len(p)


def _stepper_prediction():
    """BackpropStepper(target=0)'s first pass, redone with dlcourse.nn: the same seed gives the same weights."""
    with numpy_seed(0):
        linears = [nn.Linear(2, 3), nn.Linear(3, 2), nn.Linear(2, 1)]
    a = np.array([[0.5, -1.0]])
    for lin, act in zip(linears, (np.tanh, np.tanh, lambda z: 1 / (1 + np.exp(-z)))):
        hidden, a = a, act(lin(a))
    delta = float(a[0, 0]) - 0.0                      # sigmoid + cross-entropy: p - y, here y = 0
    w = float(linears[2].weight.data[0, 1])           # edge from the lower hidden-2 node to the output
    return {"delta": delta, "w_after": w - 1.0 * delta * float(hidden[0, 1])}   # SGD, lr = 1


ex04_predict_update = _stepper_prediction()
