"""Checks for lesson 02, activation functions."""
import numpy as np

from .. import solutions as S
from ._core import exercise, _Wrong, _call, _close, _number, _same_array


@exercise("The slope of ReLU is 1 where x > 0 and 0 elsewhere (torch uses 0 at exactly 0).")
def ex02_relu_grad(answer):
    x = np.array([-2.0, -0.5, 0.0, 0.3, 4.0])
    _same_array(_call(answer, x), S.ex02_relu_grad(x), "derivative")
    return "ReLU passes the gradient through where it is active and blocks it elsewhere."


@exercise("Subtract each row's max before np.exp; then divide by the row sums (keepdims=True).")
def ex02_softmax(answer):
    z = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 999.0], [-5.0, 0.0, 5.0]])
    got = _call(answer, z)
    _same_array(got, S.ex02_softmax(z), "softmax")
    return "stable even for logits of 1000."


@exercise("Binary -> one probability; several classes -> probabilities that sum to 1; "
          "regression -> any real number.")
def ex02_output_activation(answer):
    if not isinstance(answer, dict):
        raise _Wrong(f"expected a dict like {{'binary': ..., 'multiclass': ..., 'regression': ...}}, "
                     f"got {type(answer).__name__}.")
    wrong = [k for k, v in S.ex02_output_activation.items()
             if str(answer.get(k, "")).strip().lower().replace("linear", "identity").replace("none", "identity") != v]
    if wrong:
        raise _Wrong(f"look again at: {', '.join(wrong)}.")
    return "sigmoid, softmax and no activation (identity)."


@exercise("sigmoid'(x) = s (1 - s) with s = sigmoid(x); where is s (1 - s) largest?")
def ex02_sigmoid_max_slope(answer):
    _close(_number(answer), S.ex02_sigmoid_max_slope, "slope")
    return "at most 0.25: every sigmoid layer shrinks the gradient at least fourfold."
