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
    for name, stub in (("ex09_autoencoder_parameters", None), ("ex09_autoencoder_backward", lambda *a: None),
                       ("ex09_kl_gradient", lambda *a: None)):
        fb = getattr(check, name)(stub)
        assert fb.status == "unanswered" and "Hint" not in repr(fb)


@pytest.mark.parametrize("answer, says", [
    (218_448, "encoder alone"), (219_216, "decoder alone"), (436_224, "forgot the biases"),
    (2 * 218_448, "sizes of the decoder's outputs"), (437_665, "you counted 437665"),
])
def test_parameter_count_mistakes(answer, says):
    fb = check.ex09_autoencoder_parameters(answer)
    assert not fb and says in repr(fb) and "Hint" in repr(fb)


def _backward(change):
    def f(x, W1, b1, W2, b2):
        h = x @ W1.T + b1
        z = np.maximum(h, 0)
        x_hat = z @ W2.T + b2
        return change(x, W1, W2, h, z, x_hat)
    return f


def test_backward_mistakes():
    ref = solutions.ex09_autoencoder_backward
    per_sample = _backward(lambda x, W1, W2, h, z, xh: (((xh - x) ** 2).sum() / len(x),) + ref(x, W1, 0, W2, 0)[1:])
    assert "batch size only" in repr(check.ex09_autoencoder_backward(per_sample))

    def grads(scale=2.0, per=None, mask=True, transpose_w2=False):
        def change(x, W1, W2, h, z, xh):
            g = scale * (xh - x) / (per or x.size)
            gh = (g @ W2) * ((h > 0) if mask else 1)
            return np.mean((xh - x) ** 2), gh.T @ x, gh.sum(0), (z.T @ g if transpose_w2 else g.T @ z), g.sum(0)
        return _backward(change)
    assert "factor 2" in repr(check.ex09_autoencoder_backward(grads(scale=1.0)))
    assert "N * D entries" in repr(check.ex09_autoencoder_backward(grads(per=6)))
    assert "transposed" in repr(check.ex09_autoencoder_backward(grads(transpose_w2=True)))
    assert "ReLU's gradient" in repr(check.ex09_autoencoder_backward(grads(mask=False)))
    assert check.ex09_autoencoder_backward(grads())


def test_kl_mistakes():
    ref = solutions.ex09_kl_gradient
    n = 5

    def kl(kl_scale=1.0, mu_scale=1.0, lv=None):
        def f(mu, log_var):
            k, dmu, dlv = ref(mu, log_var)
            return k * kl_scale, dmu * mu_scale, dlv if lv is None else lv(mu, log_var)
        return f
    assert "summed over the batch" in repr(check.ex09_kl_gradient(kl(kl_scale=n)))
    assert "factor 1/2" in repr(check.ex09_kl_gradient(kl(kl_scale=2)))
    assert "sign is flipped" in repr(check.ex09_kl_gradient(kl(kl_scale=-1)))
    assert "divides the gradient by N" in repr(check.ex09_kl_gradient(kl(mu_scale=n)))
    assert "divide by N" in repr(check.ex09_kl_gradient(kl(lv=lambda m, v: 0.5 * (np.exp(v) - 1))))
    assert "lost the factor 1/2" in repr(check.ex09_kl_gradient(kl(lv=lambda m, v: (np.exp(v) - 1) / n)))
    assert "dropped the exp" in repr(check.ex09_kl_gradient(kl(lv=lambda m, v: np.full_like(v, -0.5 / n))))
    assert "np.int" not in repr(check.ex09_kl_gradient(kl(kl_scale=3)))
