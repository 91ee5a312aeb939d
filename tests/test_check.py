"""Exercise checks: the reference solution passes; every kind of wrong answer gets feedback, never a traceback."""
import math

import numpy as np
import pytest

from dlcourse import check
from reference import solutions

NAMES = check.exercises()


def test_every_notebook_has_at_least_three_exercises():
    for nb in ("ex00", "ex01", "ex02", "ex03", "ex04", "ex05", "ex06", "ex07", "ex08", "ex09", "ex10"):
        assert sum(n.startswith(nb) for n in NAMES) >= 3, nb


@pytest.mark.parametrize("name", NAMES)
def test_reference_solution_passes(name):
    fb = getattr(check, name)(getattr(solutions, name))
    assert fb.passed, fb
    assert repr(fb).startswith("✅")


def _raiser(*args):
    raise RuntimeError("boom")


WRONG = [None, "text", [1, 2], np.zeros((7, 7)), float("nan"), math.inf, -1, 0.123, {"a": 1}, (1,),
         _raiser, lambda *a: None, lambda *a: np.nan, lambda *a: "x", lambda *a: (1, 2, 3), object()]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("answer", WRONG, ids=range(len(WRONG)))
def test_wrong_answers_get_feedback_not_tracebacks(name, answer):
    fb = getattr(check, name)(answer)
    assert not fb.passed
    assert fb.status in {"wrong", "unanswered", "error"}
    text = repr(fb)
    assert name in text and "Traceback" not in text
    assert ("Hint:" in text) == (fb.status != "unanswered")  # the hint comes only after an attempt
    assert fb.status == "unanswered" or answer is not None  # None (or a stub returning None) is no attempt


def test_feedback_kinds():
    assert check.ex01_neuron(None).status == "unanswered"
    assert check.ex01_neuron(_raiser).status == "error"
    assert "RuntimeError: boom" in repr(check.ex01_neuron(_raiser))
    stub = check.ex01_neuron(lambda x, w, b: None)  # the notebook's stub, not yet written
    assert stub.status == "unanswered" and "returned None" in repr(stub) and "Hint" not in repr(stub)
    assert "shape" in repr(check.ex00_zeros(np.zeros((4, 3))))
    assert "NaN" in repr(check.ex02_softmax(lambda z: np.exp(z) / np.exp(z).sum(1, keepdims=True)))


def test_common_near_misses_are_rejected():
    assert not check.ex01_parameter_count(10 * 32 + 32 * 32 + 32)  # forgot the biases
    assert not check.ex01_weight_shape((10, 5))  # in/out swapped
    assert not check.ex02_relu_grad(lambda x: (x >= 0).astype(float))  # slope 1 at 0
    assert not check.ex03_momentum_step(lambda w, g, b, lr, m: (w - lr * g, g))  # no momentum
    assert not check.ex04_linear_backward(lambda x, W, g: (g @ W, x.T @ g, g.sum(0)))  # dW transposed
    own_stats = lambda a, b: ((a - a.mean(0)) / a.std(0), (b - b.mean(0)) / b.std(0))
    assert "leaks" in repr(check.ex05_standardize(own_stats))  # test data scaled with its own statistics
    assert not check.ex06_conv_parameters(3 * 16 * 5 * 5)  # forgot the biases


def test_lessons_00_and_01_name_the_likely_mistake():
    cases = [
        (check.ex00_zeros, np.zeros((4, 3)), "rows first"),
        (check.ex00_matmul_shape, (5, 3), "disappears"),
        (check.ex00_matmul_shape, (2, 5), "swapped"),
        (check.ex00_seeded_draw, 3.0, "cannot come from it"),
        (check.ex01_pre_activation, 1 / (1 + np.exp(0.9)), "after the sigmoid"),
        (check.ex01_pre_activation, -1.0, "bias is missing"),
        (check.ex01_neuron, lambda x, w, b: x @ w + b, "returns z"),
        (check.ex01_neuron, lambda x, w, b: 1 / (1 + np.exp(-(x * w + b))), "one number per sample"),
        (check.ex01_parameter_count, 10 * 32 + 32 * 32 + 32, "weights only"),
        (check.ex01_weight_shape, (10, 5), "(in_features, out_features)"),
        (check.ex01_and_gate, (1.0, 1.0, 0.0), "must be negative"),
        (check.ex01_and_gate, (1.0, 1.0, -0.5), "(0, 1) gives z = +0.50"),
        (check.ex01_and_gate, (1.0, 1.0, -2.5), "(1, 1) gives z = -0.50"),
        (check.ex01_and_gate, (1.0, 1.0), "three numbers"),
    ]
    for fn, answer, words in cases:
        fb = fn(answer)
        assert not fb.passed and words in repr(fb), (fn.__name__, repr(fb))
    assert check.ex01_and_gate((2.0, 3.0, -4.0))  # any weights that separate (1, 1) pass


def test_lesson_02_names_the_likely_mistake():
    def softmax_over(axis, keepdims=True, row_max=True):
        def f(z):
            e = np.exp(z - (z.max(axis=axis, keepdims=keepdims) if row_max else z.max()))
            return e / e.sum(axis=axis, keepdims=keepdims)
        return f

    he = lambda std, shape=lambda i, o: (o, i): lambda i, o: np.random.normal(0.0, std(i, o), shape(i, o))
    cases = [
        (check.ex02_relu_grad, lambda x: (x >= 0).astype(float), "x >= 0"),
        (check.ex02_relu_grad, lambda x: np.maximum(x, 0), "ReLU itself"),
        (check.ex02_softmax, lambda z: np.exp(z) / np.exp(z).sum(1, keepdims=True), "overflows"),
        (check.ex02_softmax, softmax_over(1, row_max=False), "max of the whole array"),
        (check.ex02_softmax, softmax_over(1, keepdims=False), "keepdims=True"),
        (check.ex02_softmax, softmax_over(0), "axis 0"),
        (check.ex02_softmax, softmax_over(None), "sum of every entry"),
        (check.ex02_output_activation, {"tags": "softmax", "steering": "tanh", "delay": "identity"}, "compete"),
        (check.ex02_output_activation, {"tags": "sigmoid", "steering": "sigmoid", "delay": "identity"}, "steer left"),
        (check.ex02_output_activation, {"tags": "sigmoid", "steering": "identity", "delay": "identity"},
         "beyond full left"),
        (check.ex02_output_activation, {"tags": "sigmoid", "steering": "tanh", "delay": "relu"}, "early train"),
        (check.ex02_output_activation, {"tags": "sigmoid", "steering": "tanh", "delay": "tanh"}, "a minute late"),
        (check.ex02_output_activation, {"tags": "sigmoid", "steering": "tanh"}, "no key 'delay'"),
        (check.ex02_output_activation, {"tags": "sigmoid", "steering": "tanh", "delay": "softplus"},
         "not one of"),
        (check.ex02_init_predict, "xavier", "halves the variance"),
        (check.ex02_init_predict, "default", "1/(3 fan_in)"),
        (check.ex02_init_predict, ["he", "xavier"], "halves the variance"),
        (check.ex02_init_predict, "kaiming", "one of 'default', 'xavier', 'he'"),
        (check.ex02_he_normal, he(lambda i, o: 2 / i), "variance 2 / fan_in used as the std"),
        (check.ex02_he_normal, he(lambda i, o: np.sqrt(1 / i)), "factor 2"),
        (check.ex02_he_normal, he(lambda i, o: np.sqrt(2 / o)), "fan_out"),
        (check.ex02_he_normal, he(lambda i, o: np.sqrt(2 / (i + o))), "Xavier"),
        (check.ex02_he_normal, he(lambda i, o: np.sqrt(2 / i), lambda i, o: (i, o)), "(out_features, in_features)"),
        (check.ex02_he_normal, lambda i, o: np.random.uniform(-1, 1, (o, i)) * np.sqrt(6 / i), "not normally"),
        (check.ex02_he_normal, lambda i, o: 0.01 + np.random.normal(0, np.sqrt(2 / i), (o, i)), "centred at 0"),
        (check.ex02_sigmoid_weight_scale, 0.25, "largest slope"),
        (check.ex02_sigmoid_weight_scale, 16, "square root"),
        (check.ex02_sigmoid_weight_scale, 1, "three quarters"),
        (check.ex02_sigmoid_weight_scale, 2, "squared c but not the slope"),
        (check.ex02_sigmoid_weight_scale, np.sqrt(2), "He's gain"),
    ]
    for fn, answer, words in cases:
        fb = fn(answer)
        assert fb.status == "wrong" and words in repr(fb), (fn.__name__, repr(fb))
        assert "np.int64" not in repr(fb) and "np.float64" not in repr(fb)
    assert check.ex02_he_normal(lambda i, o: np.random.randn(o, i) * np.sqrt(2 / i))  # another correct way
    assert check.ex02_init_predict(["he"]) and check.ex02_relu_grad(lambda x: x > 0)
    assert check.ex02_output_activation({"tags": "Sigmoid", "steering": "tanh", "delay": "none"})  # as learners type it


def _softmax_rows(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_lesson_03_names_the_likely_mistake():
    ce = solutions.ex03_ce_backward
    onehot = lambda z, t: np.eye(z.shape[1])[t]
    cases = [
        (check.ex03_mse, 5.0, "did not divide"),
        (check.ex03_mse, 2.5, "N - 1"),
        (check.ex03_mse, 1.0, "MAE"),
        (check.ex03_mse, math.sqrt(5 / 3), "RMSE"),
        (check.ex03_cross_entropy, 0.1753, "probability of the true class"),
        (check.ex03_cross_entropy, -1.741, "sign"),
        (check.ex03_cross_entropy, 0.7562, "base 10"),
        (check.ex03_cross_entropy, 0.2413, "top pick"),
        (check.ex03_cross_entropy, 0.8247, "1 - p"),
        (check.ex03_cross_entropy, 1.0986, "raw logits"),
        (check.ex03_momentum_step, lambda w, g, b, lr, m: (w - lr * g, g), "only the current gradient"),
        (check.ex03_momentum_step,
         lambda w, g, b, lr, m: (lambda nb: (w - lr * nb, nb))(g.copy() if b is None else m * b + (1 - m) * g),
         "(1 - momentum)"),
        (check.ex03_momentum_step,
         lambda w, g, b, lr, m: (w - lr * (g if b is None else b), g.copy() if b is None else m * b + g),
         "old buffer"),
        (check.ex03_divergence_lr, 0.1, "10 w^2"),
        (check.ex03_divergence_lr, 0.125, "lands on the minimum"),
        (check.ex03_divergence_lr, 0.5, "8 w"),
        (check.ex03_ce_backward, lambda z, t: -ce(z, t), "y - p"),
        (check.ex03_ce_backward, lambda z, t: len(t) * ce(z, t), "divide by N"),
        (check.ex03_ce_backward, lambda z, t: (_softmax_rows(z) - t[:, None]) / len(t), "one-hot"),
        (check.ex03_ce_backward, lambda z, t: _softmax_rows(z) / len(t), "subtract the one-hot"),
        (check.ex03_ce_backward, lambda z, t: (z - onehot(z, t)) / len(t), "instead of the softmax"),
        (check.ex03_ce_backward, lambda z, t: (np.exp(z) / np.exp(z).sum(0) - onehot(z, t)) / len(t), "axis 0"),
        (check.ex03_ce_backward, lambda z, t: ce(z, t)[:, :-1], "shape"),
    ]
    for fn, answer, words in cases:
        fb = fn(answer)
        assert not fb.passed and words in repr(fb) and "Hint" in repr(fb), (fn.__name__, words, repr(fb))
    # answers rounded the way a learner types them still pass
    assert check.ex03_mse(1.667) and check.ex03_cross_entropy(1.741) and check.ex03_divergence_lr(0.25)


def test_lesson_04_names_the_likely_mistake():
    dz = 1 - np.tanh(0.3) ** 2  # y = tanh(x w + b) at x = 1, w = 0.5, b = -0.2
    stepper = solutions.ex04_predict_update
    cases = [
        (check.ex04_chain_rule, {"x": 0.5, "w": 1.0, "b": 1.0}, "multiply each by tanh's derivative"),
        (check.ex04_chain_rule, {"x": dz, "w": dz * 0.5, "b": dz}, "swapped"),
        (check.ex04_chain_rule, {"x": 0.5 * (1 - np.tanh(0.3)), "w": 1 - np.tanh(0.3), "b": 1 - np.tanh(0.3)},
         "1 - tanh(z)²"),
        (check.ex04_linear_backward, lambda x, W, g: (g @ W, x.T @ g, g.sum(0)), "dW is transposed"),
        (check.ex04_linear_backward, lambda x, W, g: (g @ W, g.T @ x, g), "one row per sample"),
        (check.ex04_linear_backward, lambda x, W, g: (g @ W, g.T @ x, g.sum(1)), "not over the outputs"),
        (check.ex04_linear_backward, lambda x, W, g: (g @ W, g.T @ x, g.mean(0)), "you averaged db"),
        (check.ex04_output_delta, lambda p, y: y - p, "you used y - p"),
        (check.ex04_output_delta, lambda p, y: p - y, "divided by N"),
        (check.ex04_output_delta, lambda p, y: (p - y) / (p * (1 - p)) / len(p), "that is dL/dp"),
        (check.ex04_predict_update, {"delta": -stepper["delta"], "w_after": stepper["w_after"]}, "used y - ŷ"),
        (check.ex04_predict_update, {"delta": stepper["delta"] - 1, "w_after": 0.18}, "target 1"),
        (check.ex04_predict_update, {"delta": 0.56, "w_after": 0.39 - 0.56 * 0.47}, "went down"),
        (check.ex04_predict_update, {"delta": 0.56, "w_after": 0.39 - 0.56}, "not δ alone"),
        (check.ex04_predict_update, {"delta": 0.56, "w_after": 0.39}, "did not change"),
        (check.ex04_predict_update, {"delta": 0.56}, "keys 'delta' and 'w_after'"),
    ]
    for fn, answer, words in cases:
        fb = fn(answer)
        assert not fb.passed and words in repr(fb), (fn.__name__, repr(fb))
    # values read off the stepper's picture (two decimals) pass, and the check agrees with the stepper itself
    assert check.ex04_predict_update({"delta": 0.56, "w_after": 0.39 + 0.56 * 0.47})
    from dlcourse.widgets import BackpropStepper
    w = BackpropStepper(target=0)
    while w.stages[w.stage] != "update":
        w.step()
    assert w.delta[-1][0, 0] == pytest.approx(stepper["delta"], rel=1e-12)
    assert w.linears[-1].weight.data[0, 1] == pytest.approx(stepper["w_after"], rel=1e-12)


def test_answer_key_agrees_with_the_solutions():
    import json

    from dlcourse.check._key import KEY_FILE
    from reference import build_key
    assert build_key() == json.loads(KEY_FILE.read_text()), \
        "the answer key is out of date: run python solutions/build_key.py and commit dlcourse/check/answer_key.json"


def test_checks_work_without_the_solutions():
    """Everything in this file runs with the solutions unimportable (tests/conftest.py); prove the block holds."""
    import importlib
    for name in ("solutions", "solutions.lesson01", "dlcourse.solutions"):
        with pytest.raises(ImportError, match="cannot be imported"):
            importlib.import_module(name)
    import json
    import re

    from dlcourse.check._key import KEY_FILE
    for name, entry in json.loads(KEY_FILE.read_text()).items():  # value answers are stored as hashes only
        if entry["kind"] == "value":
            assert all(re.fullmatch("[0-9a-f]{20}", h) for h in entry["data"].values()), name
        elif entry["kind"] == "dict":
            assert all(re.fullmatch("[0-9a-f]{20}", h) for d in entry["data"].values() for h in d.values()), name


def test_sealed_answers_match_with_the_checks_tolerance():
    from dlcourse.check._key import Sealed, value_hashes
    third = Sealed("x", value_hashes(5 / 3))
    assert third.matches(1.6667, rtol=1e-3) and third.matches(5 / 3) and not third.matches(1.7, rtol=1e-3)
    count = Sealed("n", value_hashes(150_529_000))
    assert count.matches(150_529_000, rtol=1e-12) and not count.matches(150_529_001, rtol=1e-12)
    shape = Sealed("s", value_hashes((5, 10)))
    assert shape.matches((5, 10)) and not shape.matches((10, 5)) and not shape.matches("(5, 10)")
    assert Sealed("w", value_hashes("Softmax")).matches(" softmax ")


def test_lesson05_near_misses_name_the_mistake():
    sd1 = lambda a, b: ((a - a.mean(0)) / a.std(0, ddof=1), (b - a.mean(0)) / a.std(0, ddof=1))
    assert "ddof=1" in repr(check.ex05_standardize(sd1))
    assert "swapped" in repr(check.ex05_precision_recall({"precision": 35 / 40, "recall": 35 / 45}))
    assert "accuracy" in repr(check.ex05_precision_recall({"precision": 0.85, "recall": 0.85}))
    assert not check.ex05_precision_recall({"precision": 35 / 45, "recall": 0.8})
    fb = check.ex05_loss_for_task({"churn": "CrossEntropyLoss", "digits": "CrossEntropyLoss", "demand": "MSELoss"})
    assert "one score per class" in repr(fb)
    assert check.ex05_loss_for_task({"churn": "nn.BCEWithLogitsLoss", "digits": "CrossEntropyLoss", "demand": "MSELoss"})
    drop = lambda scale: (lambda g, keep, p: g * keep * scale(p))
    assert "1/(1-p)" in repr(check.ex05_dropout_backward(drop(lambda p: 1)))
    assert "multiplied by (1-p)" in repr(check.ex05_dropout_backward(drop(lambda p: 1 - p)))
    assert "multiply by keep" in repr(check.ex05_dropout_backward(lambda g, keep, p: g / (1 - p)))
    ref = solutions.ex05_batchnorm

    def bn(dx=None, var_ddof=0, dgamma=None):
        def f(x, gamma, beta, g, eps=1e-5):
            out, dx_, dgamma_, dbeta = ref(x, gamma, beta, g, eps)
            if var_ddof:
                out = gamma * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + beta
            inv_std = 1 / np.sqrt(x.var(0) + eps)
            return out, dx(x, gamma, g, inv_std) if dx else dx_, dgamma(g) if dgamma else dgamma_, dbeta
        return f
    assert "unbiased variance" in repr(check.ex05_batchnorm(bn(var_ddof=1)))
    assert "grad_out * x_hat" in repr(check.ex05_batchnorm(bn(dgamma=lambda g: g.sum(0))))
    assert "mean and variance" in repr(check.ex05_batchnorm(bn(dx=lambda x, gm, g, s: g * gm * s)))
    no_var = lambda x, gm, g, s: s * (g * gm - (g * gm).mean(0))
    assert "through the variance" in repr(check.ex05_batchnorm(bn(dx=no_var)))
    for name in ("ex05_precision_recall", "ex05_dropout_backward", "ex05_batchnorm"):  # plain ints in messages
        assert "np.int" not in repr(getattr(check, name)({"precision": 1, "recall": 2} if "recall" in name else _raiser))


def test_sealed_answers_accept_what_the_tolerance_accepts():
    """The key must give the verdicts a plain comparison gave: within rtol passes, far outside fails."""
    from dlcourse.check._key import Sealed, value_hashes
    rng = np.random.default_rng(7)
    for value in rng.lognormal(0, 3, 200) * rng.choice([-1, 1], 200):
        sealed = Sealed("v", value_hashes(value))
        for rtol in (1e-2, 1e-3, 1e-4, 1e-6):
            near = value * (1 + rng.uniform(-0.9, 0.9) * rtol)
            far = value * (1 + rng.choice([-1, 1]) * 25 * rtol)
            assert sealed.matches(near, rtol) and not sealed.matches(far, rtol), (value, rtol)
