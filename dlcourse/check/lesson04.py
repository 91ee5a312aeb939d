"""Checks for lesson 04, forward and backward propagation."""
import numpy as np

from .. import solutions as S
from ._core import exercise, _Wrong, _call, _close, _number, _same_array


@exercise("dy/dz = 1 - tanh(z)^2 with z = x w + b; then dz/dx = w, dz/dw = x, dz/db = 1.")
def ex04_chain_rule(answer):
    if not isinstance(answer, dict) or set(answer) != {"x", "w", "b"}:
        raise _Wrong("expected a dict with keys 'x', 'w' and 'b'.")
    want = S.ex04_chain_rule
    for k in "xwb":
        _close(_number(answer[k]), want[k], f"dy/d{k}", rtol=1e-4)
    return "chain rule applied correctly."


@exercise("dx = grad_out @ W, dW = grad_out.T @ x, db = grad_out summed over the batch.")
def ex04_linear_backward(answer):
    rng = np.random.default_rng(2)
    x, W, g = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal((4, 2))
    out = _call(answer, x, W, g)
    if not isinstance(out, tuple) or len(out) != 3:
        raise _Wrong("return three arrays (dx, dW, db).")
    for got, want, what in zip(out, S.ex04_linear_backward(x, W, g), ("dx", "dW", "db")):
        _same_array(got, want, what)
    return "dx, dW and db all match."


@exercise("Combine dL/dp = (p - y) / (p (1 - p)) with dp/dz = p (1 - p).")
def ex04_output_delta(answer):
    p, y = np.array([0.9, 0.2, 0.5]), np.array([1.0, 0.0, 1.0])
    _same_array(_call(answer, p, y), S.ex04_output_delta(p, y), "delta")
    return "δ = p - y: the famous clean gradient of sigmoid + cross-entropy."
