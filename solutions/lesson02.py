"""Reference solutions for lesson 02, activation functions."""
import math

import numpy as np


def ex02_relu_grad(x):
    return (x > 0).astype(float)


def ex02_softmax(z):
    """Row-wise softmax of z (N, C); subtracting the row max avoids overflow."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# tags: independent yes/no per output; steering: a range of exactly (-1, 1); delay: any real number
ex02_output_activation = {"tags": "sigmoid", "steering": "tanh", "delay": "identity"}

# ReLU zeroes half of its input's variance; only Var(w) = 2 / fan_in makes fan_in * Var(w) * 1/2 = 1
ex02_init_predict = "he"


def ex02_he_normal(fan_in, fan_out):
    """He/Kaiming normal weight of a Linear(fan_in, fan_out): shape (fan_out, fan_in), std sqrt(2 / fan_in)."""
    return np.random.normal(0.0, math.sqrt(2.0 / fan_in), (fan_out, fan_in))


# backward through a square sigmoid layer: Var grows by fan * Var(w) * sigmoid'^2 = c^2 * (1/4)^2 at best
ex02_sigmoid_weight_scale = 4.0
