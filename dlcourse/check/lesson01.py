"""Checks for lesson 01, neurons, weights and biases."""
import math

import numpy as np

from ._key import S
from ._core import exercise, _Wrong, _call, _close, _number, _same_array, _same_count, _same_shape, _rng


@exercise("z = w1*x1 + w2*x2 + w3*x3 + b, before any activation.")
def ex01_pre_activation(answer):
    value, z = _number(answer), S.ex01_pre_activation
    if 0 < value < 1 and z.matches(math.log(value / (1 - value)), rtol=1e-2):  # undo a sigmoid
        raise _Wrong("that is the output after the sigmoid; z is the value before the activation.")
    if z.matches(value + 0.1):
        raise _Wrong("the weighted sum is right, but the bias is missing.")
    _close(value, z, "z")
    return "weighted sum plus bias, before the activation."


@exercise("z = x @ w + b gives one number per row; then apply 1 / (1 + np.exp(-z)).")
def ex01_neuron(answer):
    rng = _rng(0)
    for n, d in [(5, 3), (1, 2), (4, 1)]:
        x, w, b = rng.standard_normal((n, d)), rng.standard_normal(d), float(rng.standard_normal())
        got, want = _call(answer, x, w, b), S.ex01_neuron(x, w, b)
        if np.shape(got) == (n, d):
            raise _Wrong("your output has one number per input feature: sum the products over each row "
                         "(x @ w) to get one number per sample.")
        if np.shape(got) == want.shape and np.allclose(got, x @ w + b):
            raise _Wrong("your function returns z: apply the sigmoid to it.")
        _same_array(got, want, f"output for x of shape {(n, d)}")
    return "your neuron matches on three batch shapes."


@exercise("Each Linear(n_in, n_out) has n_in * n_out weights plus n_out biases.")
def ex01_parameter_count(answer):
    if _number(answer, "a whole number") == 10 * 32 + 32 * 32 + 32 * 1:
        raise _Wrong("you counted the weights only: every neuron in a layer also has one bias.")
    _same_count(answer, S.ex01_parameter_count)
    return "most of them sit in the 32 × 32 layer: width squared."


@exercise("torch and dlcourse store Linear weights as (out_features, in_features).")
def ex01_weight_shape(answer):
    if isinstance(answer, tuple) and S.ex01_weight_shape.matches(answer[::-1]):
        raise _Wrong("that is (in_features, out_features): torch keeps one row per output neuron.")
    _same_shape(answer, S.ex01_weight_shape)
    return "one row of weights per output neuron."


@exercise("The sigmoid is above 0.5 exactly where z = w1 x1 + w2 x2 + b > 0. Write z at each of the four "
          "corners: which sign must b have, and how large must w1 + w2 be compared with -b?")
def ex01_and_gate(answer):
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise _Wrong(f"expected three numbers (w1, w2, b), got {answer!r}.")
    w1, w2, b = (_number(v) for v in answer)
    wrong = []
    for x1, x2 in [(0, 0), (0, 1), (1, 0), (1, 1)]:
        z = w1 * x1 + w2 * x2 + b
        if (z > 0) != (x1 == x2 == 1):
            wrong.append(f"({x1}, {x2}) gives z = {z:+.2f}, output {'above' if z > 0 else 'at or below'} 0.5")
    if wrong:
        raise _Wrong("; ".join(wrong) + ". " + ("The bias is what keeps (0, 0) off: it must be negative."
                                                 if b >= 0 else "Compare each z with the threshold z = 0."))
    return "a single neuron computes AND: the line z = 0 separates (1, 1) from the other three corners."
