"""Lesson 09's exercises: the reference passes, and the typical wrong answers are named."""
import numpy as np
import pytest

from dlcourse import check
from reference import solutions

NAMES = [n for n in check.exercises() if n.startswith("ex09")]


def test_three_exercises_and_references_pass():
    assert len(NAMES) >= 3
    for name in NAMES:
        assert getattr(check, name)(getattr(solutions, name)), name


def test_stubs_are_unanswered_without_hint():
    for name, stub in (("ex09_parameter_budget", None), ("ex09_autoencoder_backward", lambda *a: None),
                       ("ex09_kl_gradient", lambda *a: None)):
        fb = getattr(check, name)(stub)
        assert fb.status == "unanswered" and "Hint" not in repr(fb)


@pytest.mark.parametrize("answer, says", [
    (81, "forget the biases"), (160, "encoder alone"), (87, "2-D code"), (11_752, "asks for the hidden width"),
    (80.0068, "whole number of units"), (70, "wider hidden layer fits too"), (82, "more than 11,753"),
])
def test_parameter_budget_mistakes(answer, says):
    fb = check.ex09_parameter_budget(answer)
    assert not fb and says in repr(fb) and "Hint" in repr(fb)


def test_parameter_budget_matches_the_models():
    """The check's closed form (146 h + 72) is the real count, and the budget is the real ConvAutoEncoder's."""
    from dlcourse import models
    count = lambda m: sum(p.numel() for p in m.parameters())
    h = solutions.ex09_parameter_budget
    assert count(models.ConvAutoEncoder(8, (16, 32), latent=8)) == 11_753
    assert count(models.AutoEncoder(64, (h,), 8)) <= 11_753 < count(models.AutoEncoder(64, (h + 1,), 8))
    assert check.ex09_parameter_budget(h) and check.ex09_parameter_budget(np.int64(h))


def _backward(change):
    def f(x, W1, b1, W2, b2):
        h = x @ W1.T + b1
        z = np.maximum(h, 0)
        x_hat = z @ W2.T + b2
        return change(x, W1, W2, h, z, x_hat)
    return f


def test_backward_mistakes():
    ref = solutions.ex09_autoencoder_backward
    d = 5  # features in the check's inputs
    per_sample = _backward(lambda x, W1, W2, h, a, xh: (((xh - x) ** 2).sum() / len(x),) + ref(x, W1, 0, W2, 0)[1:])
    assert "batch size N only" in repr(check.ex09_autoencoder_backward(per_sample))
    per_feature = _backward(lambda x, W1, W2, h, a, xh: (((xh - x) ** 2).sum() / d,) + ref(x, W1, 0, W2, 0)[1:])
    assert "number of features D only" in repr(check.ex09_autoencoder_backward(per_feature))

    def grads(scale=2.0, per=None, mask=True, transpose_w2=False, db2_mean=False, db1_mask=True, as_list=False):
        def change(x, W1, W2, h, a, xh):
            g = scale * (xh - x) / (per or x.size)
            gh = (g @ W2) * ((h > 0) if mask else 1)
            out = (np.mean((xh - x) ** 2), gh.T @ x, gh.sum(0) if db1_mask else (g @ W2).sum(0),
                   a.T @ g if transpose_w2 else g.T @ a, g.mean(0) if db2_mean else g.sum(0))
            return list(out) if as_list else out
        return _backward(change)
    assert "factor 2" in repr(check.ex09_autoencoder_backward(grads(scale=1.0)))
    assert "batch size N only" in repr(check.ex09_autoencoder_backward(grads(per=6)))
    assert "number of features D only" in repr(check.ex09_autoencoder_backward(grads(per=d)))
    assert "transposed" in repr(check.ex09_autoencoder_backward(grads(transpose_w2=True)))
    assert "g.mean(0)" in repr(check.ex09_autoencoder_backward(grads(db2_mean=True)))
    assert "ReLU's gradient: units" in repr(check.ex09_autoencoder_backward(grads(mask=False)))
    assert "ReLU's gradient here" in repr(check.ex09_autoencoder_backward(grads(db1_mask=False)))
    assert check.ex09_autoencoder_backward(grads())
    assert check.ex09_autoencoder_backward(grads(as_list=True))


def test_kl_mistakes():
    ref = solutions.ex09_kl_gradient
    n = 5

    def kl(kl_scale=1.0, mu_scale=1.0, lv=None):
        def f(mu, log_var):
            k, dmu, dlv = ref(mu, log_var)
            return k * kl_scale, dmu * mu_scale, dlv if lv is None else lv(mu, log_var)
        return f
    assert "summed over the batch" in repr(check.ex09_kl_gradient(kl(kl_scale=n)))
    assert "torch.mean habit" in repr(check.ex09_kl_gradient(kl(kl_scale=1 / 3)))   # k = 3 code dimensions
    assert "stray 1/2" in repr(check.ex09_kl_gradient(kl(mu_scale=0.5)))
    assert "N * k" in repr(check.ex09_kl_gradient(kl(mu_scale=1 / 3)))
    assert "factor 1/2" in repr(check.ex09_kl_gradient(kl(kl_scale=2)))
    assert "sign is flipped" in repr(check.ex09_kl_gradient(kl(kl_scale=-1)))
    assert "divides the gradient by N" in repr(check.ex09_kl_gradient(kl(mu_scale=n)))
    assert "divide by N" in repr(check.ex09_kl_gradient(kl(lv=lambda m, v: 0.5 * (np.exp(v) - 1))))
    assert "lost the factor 1/2" in repr(check.ex09_kl_gradient(kl(lv=lambda m, v: (np.exp(v) - 1) / n)))
    assert "dropped the exp" in repr(check.ex09_kl_gradient(kl(lv=lambda m, v: np.full_like(v, -0.5 / n))))
    assert "np.int" not in repr(check.ex09_kl_gradient(kl(kl_scale=3)))
