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
])
def test_adamw_mistakes(answer, says):
    fb = check.ex12_adamw_first_step(answer)
    assert not fb and says in repr(fb) and "Hint" in repr(fb)


@pytest.mark.parametrize("answer, says", [
    (lambda w, x, b: w * x, "instead of x - baseline"),
    (lambda w, x, b: np.broadcast_to(w, x.shape), "that is the gradient"),
    (lambda w, x, b: np.broadcast_to(np.abs(w), x.shape), "|gradient|"),
    (lambda w, x, b: w * (x - b) / 2, "not w / 2"),
    (lambda w, x, b: w * (b - x), "sign is flipped"),
    (lambda w, x, b: w * (x - b) + 1, "differs from the expected"),
])
def test_ig_linear_mistakes(answer, says):
    fb = check.ex12_ig_linear(answer)
    assert not fb and says in repr(fb) and "Hint" in repr(fb)


def test_ig_linear_reference_equals_dl_interpret():
    """The closed form is what dl.interpret.integrated_gradients computes for a linear model."""
    from dlcourse import interpret
    torch.manual_seed(0)
    lin = torch.nn.Linear(5, 3).double()
    x, b = torch.randn(4, 5, dtype=torch.float64), torch.randn(5, dtype=torch.float64)
    ig = interpret.integrated_gradients(lin, x, target=2, baseline=b, steps=3)
    w = lin.weight[2].detach().numpy()
    np.testing.assert_allclose(ig.attributions, solutions.ex12_ig_linear(w, x.numpy(), b.numpy()), atol=1e-12)
