"""Lesson 10 exercises: the typical wrong answers get feedback that names the mistake."""
import numpy as np

import dlcourse as dl
from dlcourse import check


def _sig(x):
    return 1 / (1 + np.exp(-x))


def test_optimal_discriminator_mistakes():
    assert check.ex10_optimal_discriminator(lambda pd, pg: pd / (pd + pg))
    assert "swapped" in repr(check.ex10_optimal_discriminator(lambda pd, pg: pg / (pd + pg)))
    assert "not a probability" in repr(check.ex10_optimal_discriminator(lambda pd, pg: pd / pg))
    assert "p_g = p_data" in repr(check.ex10_optimal_discriminator(lambda pd, pg: np.full_like(pd, 0.5)))
    assert "shape" in repr(check.ex10_optimal_discriminator(lambda pd, pg: (pd / (pd + pg))[:3]))


def test_discriminator_grads_mistakes():
    right = lambda r, f, s: ((_sig(r) - (1 - s)) / len(r), _sig(f) / len(f))
    assert check.ex10_discriminator_grads(right)
    fb = check.ex10_discriminator_grads(lambda r, f, s: ((_sig(r) - 1) / len(r), _sig(f) / len(f)))
    assert "ignored the label smoothing" in repr(fb) and "Hint" in repr(fb)
    fb = check.ex10_discriminator_grads(lambda r, f, s: (_sig(r) - (1 - s), _sig(f) / len(f)))
    assert "batch *mean*" in repr(fb)
    fb = check.ex10_discriminator_grads(lambda r, f, s: ((_sig(r) - (1 - s)) / (len(r) + len(f)),
                                                         _sig(f) / (len(r) + len(f))))
    assert "own batch" in repr(fb)
    fb = check.ex10_discriminator_grads(lambda r, f, s: ((_sig(r) - (1 - s)) / len(r), (_sig(f) - s) / len(f)))
    assert "real labels only" in repr(fb)
    fb = check.ex10_discriminator_grads(lambda r, f, s: ((_sig(r) - (1 - s)) / len(r), -_sig(f) / len(f)))
    assert "sign is flipped" in repr(fb)
    assert "pair" in repr(check.ex10_discriminator_grads(lambda r, f, s: _sig(r)))
    fb = check.ex10_discriminator_grads(lambda r, f, s: ((_sig(r) - s) / len(r), _sig(f) / len(f)))
    assert "not smoothing" in repr(fb)
    fb = check.ex10_discriminator_grads(lambda r, f, s: right(r, f, s)[::-1])
    assert "(grad_fake, grad_real)" in repr(fb)
    fb = check.ex10_discriminator_grads(lambda r, f, s: dl.nn.gan.discriminator_loss_and_grad(r, f, s)[1:])
    assert "write it yourself" in repr(fb)
    assert dl.nn.gan.discriminator_loss_and_grad(np.zeros((2, 1)), np.zeros((2, 1)))[0] > 0  # switched back on


def _step(sign=1.0, loss="non-saturating", zero=True, mean=True, step=True, step_d=False):
    """A hand-written generator step with one optional mistake."""
    def answer(G, D, opt, z):
        logits = D(G(z))
        s = _sig(logits)
        g = (s - 1) if loss == "non-saturating" else -s
        grad_x = D.backward(sign * g / (len(z) if mean else 1))
        if zero:
            opt.zero_grad()
        G.backward(grad_x)
        if step:
            opt.step()
        if step_d:
            for p in D.parameters():
                p.data -= 0.1 * p.grad
        return float(np.mean(np.logaddexp(0, -logits)))
    return answer


def test_generator_step_mistakes():
    assert check.ex10_generator_step(_step())
    assert "minimax" in repr(check.ex10_generator_step(_step(loss="minimax")))
    assert "uphill" in repr(check.ex10_generator_step(_step(sign=-1.0)))
    assert "zero_grad" in repr(check.ex10_generator_step(_step(zero=False)))
    assert "batch mean" in repr(check.ex10_generator_step(_step(mean=False)))
    assert "optimizer.step" in repr(check.ex10_generator_step(_step(step=False)))
    assert "D's weights changed" in repr(check.ex10_generator_step(_step(step_d=True)))
    fb = check.ex10_generator_step(lambda G, D, opt, z: dl.nn.gan.generator_step(G, D, opt, z))
    assert "write it yourself" in repr(fb) and not fb
    assert "G's loss" in repr(check.ex10_generator_step(lambda G, D, opt, z: _step()(G, D, opt, z) + 1))
    assert "not answered yet" in repr(check.ex10_generator_step(lambda G, D, opt, z: None))


