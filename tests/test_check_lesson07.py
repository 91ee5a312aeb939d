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
    assert "Hint" not in repr(check.ex07_gru_parameters(None))


def test_parameter_count_mistakes():
    def fb(n):
        return repr(check.ex07_gru_parameters(n))
    assert check.ex07_gru_parameters(4440).passed
    assert "not the input x_t" in fb(3840)          # layer 2 counted with the 10 input features
    assert "not 20" in fb(5040)                     # layer 1 counted with 20 input features
    assert "layer 1 alone" in fb(1920)
    assert "two bias vectors" in fb(4320)
    assert "forgot the biases" in fb(4200)
    assert "LSTM" in fb(5920)
    assert "plain RNN" in fb(1480)
    wrong = check.ex07_gru_parameters(4441)
    assert not wrong and "Hint" in repr(wrong) and "4441" in repr(wrong) and "np." not in repr(wrong)


def test_clip_grad_norm_mistakes():
    per_array = lambda grads, m: [g * min(1.0, m / np.linalg.norm(g)) for g in grads]
    assert "its own norm" in repr(check.ex07_clip_grad_norm(per_array))
    assert "clip_grad_value_" in repr(check.ex07_clip_grad_norm(lambda grads, m: [np.clip(g, -m, m) for g in grads]))
    always = lambda grads, m: [g * m / np.sqrt(sum((x ** 2).sum() for x in grads)) for g in grads]
    assert "must stay unchanged" in repr(check.ex07_clip_grad_norm(always))
    assert "return a list" in repr(check.ex07_clip_grad_norm(lambda grads, m: grads[0]))


def test_clip_grad_norm_rescaled_to_one_or_inverted():
    def total(grads):
        return np.sqrt(sum((g ** 2).sum() for g in grads))
    to_one = lambda grads, m: [g / total(grads) if total(grads) > m else g for g in grads]
    assert "rescaled to norm 1" in repr(check.ex07_clip_grad_norm(to_one))
    inverted = lambda grads, m: [g * min(1.0, total(grads) / m) for g in grads]
    assert not check.ex07_clip_grad_norm(inverted)
    upside_down = lambda grads, m: [g * total(grads) / m if total(grads) > m else g for g in grads]
    assert "upside down" in repr(check.ex07_clip_grad_norm(upside_down))


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

    def skipped_tanh(which):
        def f(x, h_prev, W_ih, W_hh, b, h, grad_h):
            out = list(ref(x, h_prev, W_ih, W_hh, b, h, grad_h))
            out[which] = {1: grad_h @ W_hh, 2: grad_h.T @ x, 3: grad_h.T @ h_prev}[which]
            return tuple(out)
        return f
    for which, name in ((1, "dh_prev"), (2, "dW_ih"), (3, "dW_hh")):
        text = repr(check.ex07_rnn_step_backward(skipped_tanh(which)))
        assert f"your {name} uses grad_h" in text, text


def test_lstm_cell_backward_mistakes():
    def fb(fn):
        return repr(check.ex07_lstm_cell_backward(fn))
    assert "only the direct path" in fb(lambda gh, gc, f, o, c: gc * f)
    assert "forgot grad_c" in fb(lambda gh, gc, f, o, c: gh * o * (1 - np.tanh(c) ** 2) * f)
    assert "multiply by f" in fb(lambda gh, gc, f, o, c: gc + gh * o * (1 - np.tanh(c) ** 2))
    assert "1 - tanh(c)**2" in fb(lambda gh, gc, f, o, c: (gc + gh * o * (1 - np.tanh(c))) * f)
    assert "left out tanh'" in fb(lambda gh, gc, f, o, c: (gc + gh * o) * f)
    assert "forgot the output gate" in fb(lambda gh, gc, f, o, c: (gc + gh * (1 - np.tanh(c) ** 2)) * f)
    assert "1 - c**2" in fb(lambda gh, gc, f, o, c: (gc + gh * o * (1 - c ** 2)) * f)
    assert "sigmoid" in fb(lambda gh, gc, f, o, c: (gc + gh * o * np.tanh(c) * (1 - np.tanh(c))) * f)
    assert "differs" in fb(lambda gh, gc, f, o, c: (gc + gh * o * (1 - np.tanh(c) ** 2)) * (1 - f))
