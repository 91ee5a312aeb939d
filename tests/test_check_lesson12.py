"""Lesson 12's exercises: the references pass and agree with torch, and the typical wrong answers are named."""
import numpy as np
import pytest
import torch

from dlcourse import check
from reference import solutions

NAMES = [n for n in check.exercises() if n.startswith("ex12")]


def test_references_pass_and_stubs_are_unanswered_without_hint():
    assert len(NAMES) >= 2
    for name in NAMES:
        assert getattr(check, name)(getattr(solutions, name)), name
        fb = getattr(check, name)(lambda *a: None)
        assert fb.status == "unanswered" and "Hint" not in repr(fb)


def test_adamw_reference_is_torchs_first_step():
    rng = np.random.default_rng(0)
    w, g = rng.normal(0, 1, 5), rng.normal(0, 0.1, 5)
    g[1] = 0.0
    want = []
    for cls in (torch.optim.Adam, torch.optim.AdamW):
        p = torch.nn.Parameter(torch.tensor(w))
        opt = cls([p], lr=0.01, weight_decay=0.3)
        p.grad = torch.tensor(g)
        opt.step()
        want.append(p.detach().numpy())
    for got, ref in zip(solutions.ex12_adamw_first_step(w, g, 0.01, 0.3), want):
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-15)


def _adam(grad, lr, correct=True):
    return lr * (0.1 * grad / 0.1 if correct else 0.1 * grad) / (
        (np.sqrt(0.001 * grad ** 2 / 0.001) if correct else np.sqrt(0.001) * np.abs(grad)) + 1e-8)


@pytest.mark.parametrize("answer, says", [
    (lambda w, g, lr, wd: (w * (1 - lr * wd) - _adam(g, lr),) * 2, "that is AdamW's update"),
    (lambda w, g, lr, wd: (w - _adam(g, lr), w * (1 - lr * wd) - _adam(g, lr)), "left out the penalty"),
    (lambda w, g, lr, wd: (w - _adam(g + wd * w, lr, correct=False), w), "bias correction"),
    (lambda w, g, lr, wd: (w - _adam(g + wd * w, lr),) * 2, "Adam + L2 again"),
    (lambda w, g, lr, wd: (w - _adam(g + wd * w, lr), w * (1 - wd) - _adam(g, lr)), "(1 - lr * wd), not (1 - wd)"),
    (lambda w, g, lr, wd: (w - _adam(g + wd * w, lr), w - _adam(g, lr)), "left out the decay"),
    (lambda w, g, lr, wd: w, "return two arrays"),
    (lambda w, g, lr, wd: (w - _adam(g + 2 * wd * w, lr), w * (1 - lr * wd) - _adam(g, lr)), "not 2 * wd * w"),
    (lambda w, g, lr, wd: (w - _adam(g + 10 * wd * w, lr), w * (1 - lr * wd) - _adam(g, lr)), "not a multiple"),
    (lambda w, g, lr, wd: (w - _adam(g + wd / 2 * w, lr), w * (1 - lr * wd) - _adam(g, lr)), "not wd/2 * w"),
    (lambda w, g, lr, wd: (w - lr * g / np.sqrt((g + wd * w) ** 2 + 1e-8) - lr * wd * w / np.sqrt((g + wd * w) ** 2 + 1e-8),
                           w * (1 - lr * wd) - _adam(g, lr)), "outside the square root"),
    (lambda w, g, lr, wd: (w - lr * (g + wd * w), w * (1 - lr * wd) - lr * g), "plain SGD"),
    (lambda w, g, lr, wd: (w - _adam(g + wd * w, lr), w * (1 - lr * wd) - lr * g), "SGD with weight decay"),
    (lambda w, g, lr, wd: (w - _adam(g + wd * w, lr), (w - _adam(g, lr)) * (1 - lr * wd)), "before the Adam step"),
    (lambda w, g, lr, wd: (w - _adam(g + wd * w, lr), w * (1 - lr * wd) - lr * g / np.sqrt(g ** 2 + 1e-8)),
     "tiny"),
])
def test_adamw_mistakes(answer, says):
    fb = check.ex12_adamw_first_step(answer)
    assert not fb and says in repr(fb) and "Hint" in repr(fb)


def _ig_relu_numeric(w, b, x, baseline, steps=20000):
    """Integrated gradients by brute force: the midpoint rule over the path, gradient of relu(w . x + b)."""
    alphas = (np.arange(steps) + 0.5) / steps
    z = (baseline @ w + b) + alphas[None, :] * ((x - baseline) @ w)[:, None]      # (N, steps)
    return (x - baseline) * w * (z > 0).mean(1)[:, None]


def test_ig_relu_reference_equals_the_integral_and_is_complete():
    rng = np.random.default_rng(5)
    w, b = rng.normal(0, 1, 4), -0.2
    x, baseline = rng.normal(0, 1, (30, 4)), rng.normal(0, 1, 4)
    got = solutions.ex12_ig_relu(w, b, x, baseline)
    np.testing.assert_allclose(got, _ig_relu_numeric(w, b, x, baseline), atol=1e-3)
    relu = lambda z: np.maximum(z, 0)
    np.testing.assert_allclose(got.sum(1), relu(x @ w + b) - relu(baseline @ w + b), atol=1e-12)


def _share(w, b, x, baseline):
    z0, z1 = baseline @ w + b, x @ w + b
    return ((np.maximum(z1, 0) - np.maximum(z0, 0)) / (z1 - z0))[:, None]


@pytest.mark.parametrize("answer, says", [
    (lambda w, b, x, x0: (x - x0) * w, "linear score"),
    (lambda w, b, x, x0: (x - x0) * w * (x @ w + b > 0)[:, None], "gradient at x alone"),
    (lambda w, b, x, x0: x * w * (x @ w + b > 0)[:, None], "gradient x input"),
    (lambda w, b, x, x0: np.broadcast_to(w, x.shape) * (x @ w + b > 0)[:, None], "saliency"),
    (lambda w, b, x, x0: (x - x0) * w * (np.maximum(x @ w + b, 0) / ((x - x0) @ w))[:, None], "off at the baseline"),
    (lambda w, b, x, x0: -(x - x0) * w * _share(w, b, x, x0), "sign is flipped"),
    (lambda w, b, x, x0: (x - x0) * w * _share(w, b, x, x0) + 0.01, "differs from the expected"),
    (lambda w, b, x, x0: ((x - x0) * w * _share(w, b, x, x0)).sum(1), "one attribution per input value"),
])
def test_ig_relu_mistakes(answer, says):
    fb = check.ex12_ig_relu(answer)
    assert not fb and says in repr(fb) and "Hint" in repr(fb)


def test_signals_needed_reference_is_the_smallest_n():
    for d, delta in [(0.16, 0.011), (0.5, 0.3), (0.35, 0.25), (0.6, 0.15)]:
        n = solutions.ex12_signals_needed(d, delta)
        se = lambda m: np.sqrt((d - delta ** 2) / m)
        assert delta >= 2 * se(n) and delta < 2 * se(n - 1)


@pytest.mark.parametrize("answer, says", [
    (lambda d, delta: 4 * (d - delta ** 2) / delta ** 2, "round up:"),
    (lambda d, delta: np.floor(4 * (d - delta ** 2) / delta ** 2), "not down"),
    (lambda d, delta: np.ceil((d - delta ** 2) / delta ** 2), "one standard error"),
    (lambda d, delta: np.ceil(4 * d / delta ** 2), "not d"),
    (lambda d, delta: np.ceil(2 * np.sqrt(d - delta ** 2) / delta), "square root"),
    (lambda d, delta: np.ceil(4 * (d - delta ** 2) / delta ** 2) + 1, "differs from the expected"),
])
def test_signals_needed_mistakes(answer, says):
    fb = check.ex12_signals_needed(answer)
    assert not fb and says in repr(fb) and "Hint" in repr(fb)
