"""Lesson 10 exercises: the typical wrong answers get feedback that names the mistake."""
import numpy as np

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


def test_generator_backward_mistakes():
    right = lambda D, x: D.backward((_sig(D(x)) - 1) / len(x))
    assert check.ex10_generator_backward(right)
    assert "minimax" in repr(check.ex10_generator_backward(lambda D, x: D.backward(-_sig(D(x)) / len(x))))
    assert "batch mean" in repr(check.ex10_generator_backward(lambda D, x: D.backward(_sig(D(x)) - 1)))
    assert "sign is flipped" in repr(check.ex10_generator_backward(lambda D, x: -right(D, x)))
    assert "D.backward" in repr(check.ex10_generator_backward(lambda D, x: (_sig(D(x)) - 1) / len(x)))

    def last_forward_elsewhere(D, x):
        g = right(D, x)
        D(x[:3])  # leaves D's cache on another batch: the check must still name the mistake
        return -g
    assert "sign is flipped" in repr(check.ex10_generator_backward(last_forward_elsewhere))
