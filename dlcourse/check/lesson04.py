"""Checks for lesson 04, forward and backward propagation."""
import functools
import math

import numpy as np

from ._key import S
from ._core import exercise, _Wrong, _array, _call, _close, _number, _same_array, _rng


@exercise("Name z = x w + b. Then dy/dx = dy/dz · dz/dx, and likewise for w and b: which local factor "
          "does each of x, w and b contribute, and what is the derivative of tanh at z?")
def ex04_chain_rule(answer):
    if not isinstance(answer, dict) or set(answer) != {"x", "w", "b"}:
        raise _Wrong("expected a dict with keys 'x', 'w' and 'b'.")
    got = {k: _number(answer[k], f"a number for '{k}'") for k in "xwb"}
    x, w, want = 1.0, 0.5, S.ex04_chain_rule
    near = lambda a, b: math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-6)
    if near(got["x"], w) and near(got["w"], x) and near(got["b"], 1.0):
        raise _Wrong("those are dz/dx, dz/dw and dz/db only: multiply each by tanh's derivative dy/dz at z.")
    if want["w"].matches(got["x"], rtol=1e-3) and want["x"].matches(got["w"], rtol=1e-3):
        raise _Wrong("dy/dx and dy/dw are swapped: z = x w + b changes with x at rate w, and with w at rate x.")
    if got["b"] and near(got["x"] / got["b"], w) and near(got["w"] / got["b"], x) \
            and not want["b"].matches(got["b"], rtol=1e-3):
        raise _Wrong(f"the local factors are right, but your dy/dz = {got['b']:.4g} is not tanh'(z) at "
                     f"z = x w + b = 0.3: tanh'(z) = 1 - tanh(z)², bias included.")
    for k in "xwb":
        _close(got[k], want[k], f"dy/d{k}", rtol=1e-4)
    return "each gradient is tanh'(z) times the local factor that x, w or b contributes to z."


@exercise("Each gradient has the shape of what it belongs to: dx like x (N, in), dW like W (out, in), db like "
          "b (out,). Which product of grad_out (N, out) with W or x has that shape? The bias is added to "
          "every sample of the batch.")
def ex04_linear_backward(answer):
    rng = _rng(2)
    x, W, g = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal((4, 2))
    out = _call(answer, x, W, g)
    if not isinstance(out, tuple) or len(out) != 3:
        raise _Wrong("return three arrays (dx, dW, db).")
    dx, dW, db = (np.asarray(o, dtype=np.float64) if np.ndim(o) else o for o in out)
    want = S.ex04_linear_backward(x, W, g)
    if np.shape(dW) == (3, 2) and np.allclose(dW, want[1].T):
        raise _Wrong("your dW is transposed: it has shape (in, out), but W is (out, in). Use grad_out.T @ x.")
    if np.shape(db) == (4, 2):
        raise _Wrong("your db has one row per sample: the same bias is used by every sample, so add their "
                     "contributions over the batch (axis 0).")
    if np.shape(db) == (4,):
        raise _Wrong("your db has one value per sample: sum over the batch axis (axis 0), not over the outputs.")
    if np.shape(db) == (2,) and np.allclose(db, g.mean(axis=0)):
        raise _Wrong("you averaged db over the batch: grad_out already carries the loss's 1/N, so sum it.")
    for got, w, what in zip((dx, dW, db), want, ("dx", "dW", "db")):
        _same_array(got, w, what)
    return "dx, dW and db match: two matrix products and one sum, no loop over samples."


@exercise("Write L for one sample as -[y log p + (1 - y) log(1 - p)], differentiate with respect to p, then "
          "multiply by the sigmoid's slope dp/dz = p (1 - p). The mean over N samples scales each one's share.")
def ex04_output_delta(answer):
    p, y = np.array([0.9, 0.2, 0.5, 0.7]), np.array([1.0, 0.0, 1.0, 0.0])
    got = _array(_call(answer, p, y), p.shape, "delta")
    n = len(p)
    if np.allclose(got, y - p) or np.allclose(got, (y - p) / n):
        raise _Wrong("the sign is flipped: you used y - p. The loss grows as p moves away from y, so dL/dz = p - y (per sample).")
    if np.allclose(got, p - y):
        raise _Wrong(f"that is the gradient of one sample's loss; L is the mean over the batch of {n}, so each "
                     f"sample's share is divided by N.")
    if np.allclose(got, (p - y) / (p * (1 - p))) or np.allclose(got, (p - y) / (p * (1 - p)) / n):
        raise _Wrong("that is dL/dp; the question asks for dL/dz: multiply by dp/dz = p (1 - p).")
    _same_array(got, S.ex04_output_delta(p, y), "delta")
    rng = _rng(23)  # and a batch graders can draw anew (dl.check.grading)
    p, y = rng.uniform(0.05, 0.95, 6), rng.integers(0, 2, 6).astype(np.float64)
    _same_array(_array(_call(answer, p, y), p.shape, "delta"), S.ex04_output_delta(p, y), "delta for a batch of 6")
    return "the sigmoid's slope cancels the division by p(1 - p): each sample's δ is its error p - y, over N."


@functools.lru_cache(maxsize=1)
def _stepper_numbers():
    """What BackpropStepper(target=0) itself computes in its first pass (δ at the output, the updated weight)."""
    from ..widgets.backprop import BackpropStepper
    w = BackpropStepper(target=0)
    while w.stages[w.stage] != "update":
        w.step()
    hidden = w.a[w.L - 1][0, 1]
    return float(w.delta[w.L][0, 0]), float(w.linears[-1].weight.data[0, 1]), float(hidden), float(w.a[w.L][0, 0])


@exercise("For a mean loss over N examples, δ at the output is (ŷ - y)/N; the stepper has one example. "
          "The edge's gradient is δ times the activation at the edge's start (read its sign!), and SGD "
          "subtracts lr times the gradient.")
def ex04_predict_update(answer):
    if not isinstance(answer, dict) or set(answer) != {"delta", "w_after"}:
        raise _Wrong("expected a dict with keys 'delta' and 'w_after'.")
    delta, w_after = _number(answer["delta"], "a number for 'delta'"), _number(answer["w_after"], "a number for 'w_after'")
    want_delta, want_w, a, p = _stepper_numbers()
    w_before = want_w + want_delta * a  # undo the update: w_after = w_before - lr * delta * a, lr = 1
    tol = 0.02  # read from the picture's two decimals
    if abs(delta - (p - 1)) < tol:
        raise _Wrong("that δ is for target 1: this stepper was made with target=0.")
    if abs(delta + want_delta) < tol:
        raise _Wrong("your δ has the wrong sign: you used y - ŷ. δ = dL/dz = ŷ - y.")
    if abs(delta - want_delta) >= tol:
        raise _Wrong(f"your δ is {delta:.3g}; δ at a sigmoid output with cross-entropy is (ŷ - y)/N, "
                     "and here N = 1.")
    if abs(w_after - w_before) < tol:
        raise _Wrong("the weight did not change in your prediction: its gradient δ·a is not zero.")
    if abs(w_after - (w_before + want_delta * a)) < tol:
        raise _Wrong("your weight went down. To lower ŷ that seems right, but the activation at the edge's "
                     "start is negative, so dL/dw = δ·a < 0, and w - lr·dL/dw goes up.")
    if abs(w_after - (w_before - want_delta)) < tol or abs(w_after - (w_before + want_delta)) < tol:
        raise _Wrong("dL/dw is δ times the activation at the edge's start, not δ alone.")
    if abs(w_after - want_w) >= tol:
        raise _Wrong(f"your updated weight is {w_after:.3g}: start from the weight on that edge and subtract "
                     "lr · δ · a.")
    return ("both right. A negative activation flips the sign of the weight's gradient: the weight grows "
            "so that, through that negative activation, the output falls.")
