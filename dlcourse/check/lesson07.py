"""Checks for lesson 07, recurrent networks (RNN, LSTM, GRU)."""
import numpy as np

from ._core import _call, _matches, _name_mistake, _same_array, _same_count, _Wrong, exercise, _rng
from ._key import S


@exercise("Count layer by layer. A GRU layer has 3 gate blocks (r, z, n), each with W_ih (hidden x layer input), "
          "W_hh (hidden x hidden) and two bias vectors (torch keeps b_ih and b_hh apart). Layer 1 reads the "
          "input (10 features); layer 2 reads layer 1's hidden state (20 features).")
def ex07_gru_parameters(answer):
    def gru_layer(inputs, gates=3, biases=2):
        return gates * (20 * inputs + 20 * 20 + biases * 20)
    mistakes = [(2 * gru_layer(10), "layer 2 reads layer 1's hidden state h_t (20 features), not the input x_t (10)"),
                (2 * gru_layer(20), "layer 1 reads the input x_t, which has 10 features, not 20"),
                (gru_layer(10), "that is layer 1 alone; num_layers=2 stacks a second GRU layer on top"),
                (gru_layer(10, biases=1) + gru_layer(20, biases=1),
                 "torch keeps two bias vectors per gate block, b_ih and b_hh; you counted one"),
                (gru_layer(10, biases=0) + gru_layer(20, biases=0), "you forgot the biases (two vectors of 20 per gate block)"),
                (gru_layer(10, gates=4) + gru_layer(20, gates=4), "4 gate blocks is an LSTM (i, f, g, o); a GRU has 3 (r, z, n)"),
                (gru_layer(10, gates=1) + gru_layer(20, gates=1), "that is a plain RNN (one block per layer); a GRU has 3 (r, z, n)")]
    if isinstance(answer, (int, float, np.number)) and not isinstance(answer, bool):
        _name_mistake(answer, mistakes, rtol=1e-12)
    _same_count(answer, S.ex07_gru_parameters)
    return "layer 1: 3 x (200 + 400 + 20 + 20) = 1,920; layer 2: 3 x (400 + 400 + 20 + 20) = 2,520."


@exercise("Compute one norm over all the arrays together, sqrt(sum of every squared entry); if it is larger "
          "than max_norm, multiply every array by max_norm / norm.")
def ex07_clip_grad_norm(answer):
    rng = _rng(70)
    for max_norm, scale in ((2.0, 3.0), (5.0, 0.1)):  # one case that must be clipped, one that must not
        grads = [rng.standard_normal((3, 4)) * scale, rng.standard_normal(4) * scale]
        got = _call(answer, [g.copy() for g in grads], max_norm)
        if not isinstance(got, (list, tuple)) or len(got) != 2:
            raise _Wrong("return a list with one clipped array per gradient, in the same order.")
        flat = np.concatenate([g.ravel() for g in grads])  # clipping the parts = clipping them joined
        want_flat = np.asarray(S.ex07_clip_grad_norm([flat], max_norm)).reshape(-1)
        want = [want_flat[:12].reshape(3, 4), want_flat[12:]]
        per_array = [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads]
        if all(_matches(a, w) for a, w in zip(got, per_array)) and not all(_matches(a, w) for a, w in zip(got, want)):
            raise _Wrong("you clipped each array by its own norm; clip_grad_norm_ uses one norm over all "
                         "of them, so the direction of the whole gradient is kept.")
        clipped = [np.clip(g, -max_norm, max_norm) for g in grads]
        if all(_matches(a, c) for a, c in zip(got, clipped)) and not all(_matches(a, w) for a, w in zip(got, want)):
            raise _Wrong("you clipped each entry to [-max_norm, max_norm] (clip_grad_value_); rescale by the norm.")
        total = np.linalg.norm(flat)
        if total > max_norm and all(_matches(a, g / total) for a, g in zip(got, grads)):
            raise _Wrong("you rescaled to norm 1; scale every array by max_norm / norm so the total norm becomes max_norm.")
        if total > max_norm and all(_matches(a, g * total / max_norm) for a, g in zip(got, grads)):
            raise _Wrong("the factor is upside down: multiply by max_norm / norm, not norm / max_norm.")
        if max_norm == 5.0 and not all(_matches(a, g) for a, g in zip(got, grads)):
            raise _Wrong("a gradient whose norm is already below max_norm must stay unchanged.")
        for i, (a, w) in enumerate(zip(got, want)):
            _same_array(a, w, f"clipped gradient {i}")
    return "one norm for the whole gradient: its direction is kept, only its length is capped."


@exercise("Start with dz = grad_h * tanh'(z), where tanh'(z) = 1 - h**2. Then z = x W_ih^T + h_prev W_hh^T + b "
          "is a Linear layer in two inputs: dx = dz W_ih, dW_ih = dz^T x, and the same for h_prev and W_hh.")
def ex07_rnn_step_backward(answer):
    rng = _rng(71)
    n, i, hid = 5, 3, 4
    x, h_prev = rng.standard_normal((n, i)), np.tanh(rng.standard_normal((n, hid)))
    W_ih, W_hh, b = rng.standard_normal((hid, i)) * 0.7, rng.standard_normal((hid, hid)) * 0.7, rng.standard_normal(hid)
    h = np.tanh(x @ W_ih.T + h_prev @ W_hh.T + b)
    grad_h = rng.standard_normal((n, hid))
    got = _call(answer, x, h_prev, W_ih, W_hh, b, h, grad_h)
    if not isinstance(got, (list, tuple)) or len(got) != 5:
        raise _Wrong("return five arrays: dx, dh_prev, dW_ih, dW_hh, db.")
    want = S.ex07_rnn_step_backward(x, h_prev, W_ih, W_hh, b, h, grad_h)
    names = ("dx", "dh_prev", "dW_ih", "dW_hh", "db")
    for dz, message in ((grad_h, "you left out the derivative of tanh: multiply grad_h by 1 - h**2 first"),
                        (grad_h * (1 - h), "tanh'(z) is 1 - h**2, not 1 - h"),
                        (grad_h * h * (1 - h), "h * (1 - h) is the sigmoid's derivative; tanh's is 1 - h**2")):
        if _matches(got[0], dz @ W_ih) or _matches(got[4], dz.sum(axis=0)):
            raise _Wrong(message + ".")
    dz = grad_h * (1 - h ** 2)
    for name, got_i, skipped in (("dh_prev", got[1], grad_h @ W_hh), ("dW_ih", got[2], grad_h.T @ x),
                                 ("dW_hh", got[3], grad_h.T @ h_prev)):
        if _matches(got_i, skipped):
            raise _Wrong(f"your {name} uses grad_h where it needs dz = grad_h * (1 - h**2): every gradient behind "
                         f"the tanh goes through its derivative.")
    if _matches(got[2], x.T @ dz) or _matches(got[3], h_prev.T @ dz):
        raise _Wrong("dW_ih and dW_hh have the shapes of W_ih (hidden, input) and W_hh: dW_ih = dz^T x, dW_hh = dz^T h_prev (you computed their transposes).")
    if _matches(got[1], dz @ W_hh.T) and not _matches(got[1], want[1]):
        raise _Wrong("dh_prev = dz W_hh (z uses h_prev W_hh^T, so the gradient multiplies by W_hh, not W_hh^T).")
    for name, g, w in zip(names, got, want):
        _same_array(g, w, name)
    return "all five gradients match; dh_prev is what BPTT passes on to the step before."


@exercise("c_t reaches the loss two ways: directly (grad_c) and through h_t = o * tanh(c_t). Add both to get "
          "dL/dc_t, then follow c_t = f * c_prev + i * g back to c_prev.")
def ex07_lstm_cell_backward(answer):
    rng = _rng(72)
    shape = (4, 6)
    grad_h, grad_c, c = rng.standard_normal(shape), rng.standard_normal(shape), rng.standard_normal(shape) * 1.5
    f, o = rng.uniform(0.05, 0.95, shape), rng.uniform(0.05, 0.95, shape)
    got = _call(answer, grad_h, grad_c, f, o, c)
    want = S.ex07_lstm_cell_backward(grad_h, grad_c, f, o, c)
    through_h = grad_h * o * (1 - np.tanh(c) ** 2)
    _name_mistake(got, [
        (grad_c * f, "you followed only the direct path; c_t also reaches the loss through h_t = o * tanh(c_t)"),
        (through_h * f, "you forgot grad_c, the gradient arriving at c_t from the later steps"),
        (grad_c + through_h, "that is dL/dc_t; one more step back: c_t = f * c_prev + ..., so multiply by f"),
        ((grad_c + grad_h * o * (1 - np.tanh(c))) * f, "tanh'(c) is 1 - tanh(c)**2"),
        ((grad_c + grad_h * o) * f, "you left out tanh'(c) = 1 - tanh(c)**2 on the path through h_t"),
        ((grad_c + grad_h * o * (1 - c ** 2)) * f,
         "1 - c**2 would be tanh's derivative if c were tanh of something; here h_t = o * tanh(c_t), so use 1 - tanh(c)**2"),
        ((grad_c + grad_h * o * np.tanh(c) * (1 - np.tanh(c))) * f,
         "tanh(c) * (1 - tanh(c)) mixes up tanh with the sigmoid; tanh'(c) = 1 - tanh(c)**2"),
        ((grad_c + grad_h * (1 - np.tanh(c) ** 2)) * f, "you forgot the output gate: h_t = o * tanh(c_t), so the path through h_t is multiplied by o"),
    ], rtol=1e-6)
    _same_array(got, want, "dL/dc_prev")
    return "the cell state's gradient is multiplied only by f per step: with f near 1 it survives long lags."
