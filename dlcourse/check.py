"""Exercise checks: call ``dl.check.<exercise>(answer)`` and read the feedback.

A check never raises: a wrong type, a wrong shape, NaN, ``None`` or a function that
crashes all come back as feedback with a hint. The returned ``Feedback`` is truthy
only when the answer is right, so tests can use it too.
"""
import functools
import math

import numpy as np

from . import solutions as S

EXERCISES = {}


class Feedback:
    ICONS = {"correct": "✅", "wrong": "❌", "unanswered": "✏️", "error": "⚠️"}

    def __init__(self, exercise, status, message, hint=""):
        self.exercise, self.status, self.message, self.hint = exercise, status, message, hint

    @property
    def passed(self):
        return self.status == "correct"

    def __bool__(self):
        return self.passed

    def __repr__(self):
        text = f"{self.ICONS[self.status]} {self.exercise}: {self.message}"
        if self.hint and not self.passed:
            text += f"\n   Hint: {self.hint}"
        return text


class _Wrong(Exception):
    """Raised inside a check to report what is wrong with an answer."""


def exercise(hint):
    """Register a check; turn every failure, including the learner's own exceptions, into feedback."""
    def wrap(check):
        name = check.__name__

        @functools.wraps(check)
        def run(answer=None):
            if answer is None:
                return Feedback(name, "unanswered", "not answered yet: replace None with your answer.", hint)
            try:
                message = check(answer)
            except _Wrong as e:
                return Feedback(name, "wrong", f"not yet. {e}", hint)
            except _LearnerError as e:
                return Feedback(name, "error", f"your code raised {e}", hint)
            except Exception as e:  # anything else is still feedback, never a traceback
                return Feedback(name, "error", f"the check could not use this answer ({type(e).__name__}: {e})", hint)
            return Feedback(name, "correct", message or "correct!")
        EXERCISES[name] = run
        return run
    return wrap


class _LearnerError(Exception):
    pass


def _call(fn, *args):
    """Call the learner's function; its exceptions become _LearnerError, its result is returned."""
    if not callable(fn):
        raise _Wrong(f"expected a function (def ...), got {type(fn).__name__}.")
    try:
        with np.errstate(all="ignore"):  # overflow shows up as NaN in the feedback instead
            out = fn(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    except Exception as e:
        raise _LearnerError(f"{type(e).__name__}: {e}") from None
    if out is None:
        raise _Wrong("your function returned None: finish it and end with a return statement.")
    return out


def _number(answer, what="a number"):
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)) \
            and not (isinstance(answer, np.ndarray) and answer.size == 1):
        raise _Wrong(f"expected {what}, got {type(answer).__name__}.")
    value = float(np.asarray(answer).reshape(()))
    if not math.isfinite(value):
        raise _Wrong(f"your answer is {value}; expected a finite number.")
    return value


def _close(got, want, what="value", rtol=1e-6, atol=1e-9):
    if not math.isclose(got, want, rel_tol=rtol, abs_tol=atol):
        raise _Wrong(f"your {what} is {got:.6g}.")


def _array(answer, shape, what="array"):
    try:
        arr = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        raise _Wrong(f"expected a numeric {what}, got {type(answer).__name__}.") from None
    if arr.shape != tuple(shape):
        raise _Wrong(f"your {what} has shape {arr.shape}; expected shape {tuple(shape)}.")
    if not np.all(np.isfinite(arr)):
        raise _Wrong(f"your {what} contains NaN or inf.")
    return arr


def _same_array(got, want, what="result"):
    got = _array(got, np.shape(want), what)
    if not np.allclose(got, want, rtol=1e-6, atol=1e-9):
        worst = np.unravel_index(np.argmax(np.abs(got - want)), got.shape) if got.ndim else ()
        raise _Wrong(f"your {what} differs from the expected one (e.g. at index {worst}: "
                     f"{got[worst]:.6g} instead of {want[worst]:.6g}).")


def _same_shape(answer, want):
    try:
        got = tuple(int(v) for v in answer)
    except (TypeError, ValueError):
        raise _Wrong(f"expected a shape such as (2, 3), got {answer!r}.") from None
    if got != tuple(want):
        raise _Wrong(f"your shape is {got}.")


def _same_count(answer, want, verb="counted"):
    got = _number(answer, "a whole number")
    if got != want:
        raise _Wrong(f"you {verb} {got:g}.")


# -- 00 ------------------------------------------------------------------------------------
@exercise("np.zeros takes the shape as a tuple: np.zeros((rows, cols)).")
def ex00_zeros(answer):
    arr = _array(answer, (3, 4))
    if np.any(arr != 0):
        raise _Wrong("the shape is right but some entries are not 0.")
    return "a (3, 4) array of zeros."


@exercise("(a, b) @ (b, c) gives (a, c): the inner sizes must agree and disappear.")
def ex00_matmul_shape(answer):
    _same_shape(answer, S.ex00_matmul_shape)
    return "(5, 3) @ (3, 2) -> (5, 2)."


@exercise("Call dl.seed(7) in the same cell, right before np.random.rand().")
def ex00_seeded_draw(answer):
    _close(_number(answer), S.ex00_seeded_draw, "number")
    return "same seed, same number: that is what makes the course reproducible."


# -- 01 ------------------------------------------------------------------------------------
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


# -- 02 ------------------------------------------------------------------------------------
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


# -- 03 ------------------------------------------------------------------------------------
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


# -- 04 ------------------------------------------------------------------------------------
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


# -- 05 ------------------------------------------------------------------------------------
@exercise("Compute mean and std on X_train only (axis=0), then apply the same numbers to both arrays.")
def ex05_standardize(answer):
    rng = np.random.default_rng(3)
    X_train, X_other = rng.normal(5, 3, (40, 4)), rng.normal(6, 2, (10, 4))
    out = _call(answer, X_train, X_other)
    if not isinstance(out, tuple) or len(out) != 2:
        raise _Wrong("return a pair (train_scaled, other_scaled).")
    want = S.ex05_standardize(X_train, X_other)
    _same_array(out[0], want[0], "scaled training data")
    if np.allclose(np.asarray(out[1]).mean(axis=0), 0):
        raise _Wrong("the second array was scaled with its own statistics: that leaks information from it.")
    _same_array(out[1], want[1], "scaled other data")
    return "training statistics applied to both: no leakage."


@exercise("precision = TP / (TP + FP): of those predicted to churn, how many did; recall = TP / (TP + FN).")
def ex05_precision_recall(answer):
    if not isinstance(answer, dict) or set(answer) != {"precision", "recall"}:
        raise _Wrong("expected a dict with keys 'precision' and 'recall'.")
    for k in ("precision", "recall"):
        _close(_number(answer[k]), S.ex05_precision_recall[k], k, rtol=1e-3)
    return "precision 0.778, recall 0.875."


@exercise("Two classes from one score -> BCEWithLogitsLoss; several classes -> CrossEntropyLoss; a number -> MSELoss.")
def ex05_loss_for_task(answer):
    if not isinstance(answer, dict):
        raise _Wrong(f"expected a dict like {{'churn': ..., 'digits': ..., 'demand': ...}}, got {type(answer).__name__}.")
    wrong = [k for k, v in S.ex05_loss_for_task.items() if str(answer.get(k, "")).replace("nn.", "") != v]
    if wrong:
        raise _Wrong(f"look again at: {', '.join(wrong)}.")
    return "the loss follows the kind of target."


# -- 06 ------------------------------------------------------------------------------------
@exercise("output = floor((H + 2 p - d (k - 1) - 1) / s) + 1 with H = 28, k = 5, s = 2, p = 1, d = 1.")
def ex06_output_size(answer):
    _same_count(answer, S.ex06_output_size, verb="got")
    return "13 × 13."


@exercise("Each of the 16 filters has in_channels × 5 × 5 weights, plus one bias per filter.")
def ex06_conv_parameters(answer):
    _same_count(answer, S.ex06_conv_parameters)
    return "1216: a dense layer between two 32×32×3 images would need over 9 million."


@exercise("Reshape (H, W) to (H/2, 2, W/2, 2) and take the max over axes 1 and 3, or loop over 2×2 blocks.")
def ex06_max_pool(answer):
    img = np.random.default_rng(4).standard_normal((6, 8))
    _same_array(_call(answer, img), S.ex06_max_pool(img), "pooled image")
    return "each output keeps the strongest response of its 2×2 block."


def exercises():
    """Names of every checked exercise."""
    return sorted(EXERCISES)
