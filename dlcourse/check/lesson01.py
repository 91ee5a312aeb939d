"""Checks for lesson 01, neurons, weights and biases."""
import numpy as np

from .. import solutions as S
from ._core import exercise, _call, _close, _number, _same_array, _same_count, _same_shape


@exercise("z = w1*x1 + w2*x2 + w3*x3 + b, before any activation.")
def ex01_pre_activation(answer):
    _close(_number(answer), S.ex01_pre_activation, "z")
    return "z = -0.9."


@exercise("z = x @ w + b gives one number per row; then apply 1 / (1 + np.exp(-z)).")
def ex01_neuron(answer):
    rng = np.random.default_rng(0)
    for n, d in [(5, 3), (1, 2), (4, 1)]:
        x, w, b = rng.standard_normal((n, d)), rng.standard_normal(d), float(rng.standard_normal())
        _same_array(_call(answer, x, w, b), S.ex01_neuron(x, w, b), f"output for x of shape {(n, d)}")
    return "your neuron matches on three batch shapes."


@exercise("Each Linear(n_in, n_out) has n_in * n_out weights plus n_out biases.")
def ex01_parameter_count(answer):
    _same_count(answer, S.ex01_parameter_count)
    return "1441 parameters: most of them in the 32 × 32 layer."


@exercise("torch and dlcourse store Linear weights as (out_features, in_features).")
def ex01_weight_shape(answer):
    _same_shape(answer, S.ex01_weight_shape)
    return "(out_features, in_features) = (5, 10)."
