"""Lesson 07 exercises: the reference passes, the typical wrong answers are named."""
import numpy as np

from dlcourse import check
from reference import solutions


def test_lesson07_has_at_least_three_exercises_and_references_pass():
    names = [n for n in check.exercises() if n.startswith("ex07")]
    assert len(names) >= 3
    for name in names:
        assert getattr(check, name)(getattr(solutions, name)).passed


def test_unanswered_shows_no_hint():
    text = repr(check.ex07_rnn_step_backward(lambda *a: None))
    assert "not answered yet" in text and "Hint" not in text
    assert "Hint" not in repr(check.ex07_lstm_parameters(None))


def test_parameter_count_mistakes():
    assert "one gate" in repr(check.ex07_lstm_parameters(640))
    assert "two bias vectors" in repr(check.ex07_lstm_parameters(2480))
    assert "GRU" in repr(check.ex07_lstm_parameters(1920))
    assert "forgot the biases" in repr(check.ex07_lstm_parameters(2400))
    fb = check.ex07_lstm_parameters(2561)
    assert not fb and "Hint" in repr(fb) and "2561" in repr(fb) and "np." not in repr(fb)


def test_clip_grad_norm_mistakes():
    per_array = lambda grads, m: [g * min(1.0, m / np.linalg.norm(g)) for g in grads]
    assert "its own norm" in repr(check.ex07_clip_grad_norm(per_array))
    assert "clip_grad_value_" in repr(check.ex07_clip_grad_norm(lambda grads, m: [np.clip(g, -m, m) for g in grads]))
    always = lambda grads, m: [g * m / np.sqrt(sum((x ** 2).sum() for x in grads)) for g in grads]
    assert "must stay unchanged" in repr(check.ex07_clip_grad_norm(always))
    assert "return a list" in repr(check.ex07_clip_grad_norm(lambda grads, m: grads[0]))


def test_rnn_step_backward_mistakes():
    ref = solutions.ex07_rnn_step_backward

    def with_dz(dz_of):
        def f(x, h_prev, W_ih, W_hh, b, h, grad_h):
            dz = dz_of(grad_h, h)
            return dz @ W_ih, dz @ W_hh, dz.T @ x, dz.T @ h_prev, dz.sum(0)
        return f
    assert "derivative of tanh" in repr(check.ex07_rnn_step_backward(with_dz(lambda g, h: g)))
    assert "not 1 - h" in repr(check.ex07_rnn_step_backward(with_dz(lambda g, h: g * (1 - h))))
    assert "sigmoid" in repr(check.ex07_rnn_step_backward(with_dz(lambda g, h: g * h * (1 - h))))

    def transposed(*args):
        dx, dh, dwi, dwh, db = ref(*args)
        return dx, dh, dwi.T, dwh.T, db
    assert "transposes" in repr(check.ex07_rnn_step_backward(transposed))

    def wrong_dh(x, h_prev, W_ih, W_hh, b, h, grad_h):
        dx, dh, dwi, dwh, db = ref(x, h_prev, W_ih, W_hh, b, h, grad_h)
        return dx, (grad_h * (1 - h ** 2)) @ W_hh.T, dwi, dwh, db
    assert "not W_hh^T" in repr(check.ex07_rnn_step_backward(wrong_dh))
    assert "five arrays" in repr(check.ex07_rnn_step_backward(lambda *a: a[0]))


def test_lstm_cell_backward_mistakes():
    def fb(fn):
        return repr(check.ex07_lstm_cell_backward(fn))
    assert "only the direct path" in fb(lambda gh, gc, f, o, c: gc * f)
    assert "forgot grad_c" in fb(lambda gh, gc, f, o, c: gh * o * (1 - np.tanh(c) ** 2) * f)
    assert "multiply by f" in fb(lambda gh, gc, f, o, c: gc + gh * o * (1 - np.tanh(c) ** 2))
    assert "1 - tanh(c)**2" in fb(lambda gh, gc, f, o, c: (gc + gh * o * (1 - np.tanh(c))) * f)
    assert "left out tanh'" in fb(lambda gh, gc, f, o, c: (gc + gh * o) * f)
    assert "differs" in fb(lambda gh, gc, f, o, c: (gc + gh * (1 - np.tanh(c) ** 2)) * f)
