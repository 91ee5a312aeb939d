"""Reference solutions for lesson 01, neurons, weights and biases."""
import numpy as np


ex01_pre_activation = 0.5 * 1.0 + (-0.25) * 2.0 + 1.0 * (-1.0) + 0.1   # w·x + b = -0.9


def ex01_neuron(x, w, b):
    """Sigmoid neuron for a batch: x (N, d), w (d,), b scalar -> (N,)."""
    z = x @ w + b
    return 1.0 / (1.0 + np.exp(-z))


ex01_parameter_count = (10 * 32 + 32) + (32 * 32 + 32) + (32 * 1 + 1)  # 1441
ex01_weight_shape = (5, 10)  # nn.Linear(10, 5).weight: (out_features, in_features)


ex01_and_gate = (1.0, 1.0, -1.5)  # z > 0 only when both inputs are 1
