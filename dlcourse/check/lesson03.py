"""Checks for lesson 03, loss and optimisation."""
import numpy as np

from .. import solutions as S
from ._core import exercise, _Wrong, _call, _close, _number, _same_array


@exercise("Average the squared differences: ((2-1)^2 + (0-0)^2 + (1-3)^2) / 3.")
def ex03_mse(answer):
    _close(_number(answer), S.ex03_mse, "MSE")
    return "MSE = 5/3."


@exercise("Cross-entropy = -log(softmax(logits)[target]).")
def ex03_cross_entropy(answer):
    _close(_number(answer), S.ex03_cross_entropy, "loss", rtol=1e-4)
    return f"about {S.ex03_cross_entropy:.4f}."


@exercise("torch's rule: buf = grad on the first step, else momentum * buf + grad; then w - lr * buf.")
def ex03_momentum_step(answer):
    rng = np.random.default_rng(1)
    w, buf, want_buf = rng.standard_normal(3), None, None
    want_w = w.copy()
    for step in range(3):
        g = rng.standard_normal(3)
        out = _call(answer, w, g, buf, 0.1, 0.9)
        if not isinstance(out, tuple) or len(out) != 2:
            raise _Wrong("return a pair (new_w, new_buf).")
        want_w, want_buf = S.ex03_momentum_step(want_w, g, want_buf, 0.1, 0.9)
        _same_array(out[0], want_w, f"new w at step {step + 1}")
        _same_array(out[1], want_buf, f"new buf at step {step + 1}")
        w, buf = np.asarray(out[0]), np.asarray(out[1])
    return "three steps match torch's SGD with momentum."


@exercise("One step maps w to w - lr * 20 w = (1 - 20 lr) w. When does |1 - 20 lr| exceed 1?")
def ex03_divergence_lr(answer):
    _close(_number(answer), S.ex03_divergence_lr, "threshold")
    return "any learning rate above 0.1 makes each step overshoot further."
