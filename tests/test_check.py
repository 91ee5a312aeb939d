"""Exercise checks: the reference solution passes; every kind of wrong answer gets feedback, never a traceback."""
import math

import numpy as np
import pytest

from dlcourse import check, solutions

NAMES = check.exercises()


def test_every_notebook_has_at_least_three_exercises():
    for nb in ("ex00", "ex01", "ex02", "ex03", "ex04", "ex05", "ex06"):
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
    stub = check.ex01_neuron(lambda x, w, b: None)
    assert stub.status == "unanswered" and "returned None" in repr(stub) and "Hint:" not in repr(stub)
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
