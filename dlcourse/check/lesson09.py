"""Checks for lesson 09, autoencoders."""
import numpy as np

from .. import nn
from ._key import S
from ._core import exercise, _Wrong, _call, _same_array, _same_count, _name_mistake, _number


@exercise("An AutoEncoder mirrors its encoder: count every Linear layer of the encoder (784 -> 256 -> 64 -> 16) "
          "and of the decoder (16 -> 64 -> 256 -> 784). A Linear(a, b) has a * b weights and b biases.")
def ex09_autoencoder_parameters(answer):
    got = _number(answer, "a whole number")
    enc_w = 784 * 256 + 256 * 64 + 64 * 16
    dec_w = 16 * 64 + 64 * 256 + 256 * 784
    mistakes = [(enc_w + 256 + 64 + 16, "that is the encoder alone; the decoder mirrors it with its own weights."),
                (dec_w + 64 + 256 + 784, "that is the decoder alone; add the encoder."),
                (enc_w + dec_w, "you forgot the biases: each Linear(a, b) also has b of them."),
                (2 * (enc_w + 256 + 64 + 16), "the decoder's biases differ from the encoder's: they have the "
                                               "sizes of the decoder's outputs (64, 256, 784), not 256, 64, 16.")]
    _name_mistake(got, mistakes, rtol=1e-12)
    _same_count(got, S.ex09_autoencoder_parameters)
    return "encoder and decoder together, weights and biases."


@exercise("Go backwards through x_hat = relu(x W1^T + b1) W2^T + b2. With D = x.size entries, "
          "dL/dx_hat = 2 (x_hat - x) / D; then dW2 = g^T z and db2 = g summed over the batch; the gradient "
          "reaching h = x W1^T + b1 is (g W2) where h > 0, else 0; then dW1 and db1 the same way.")
def ex09_autoencoder_backward(answer):
    rng = np.random.default_rng(9)
    n, d, k = 6, 5, 3
    x = rng.random((n, d))
    W1, b1, W2, b2 = rng.normal(0, 0.6, (k, d)), rng.normal(0, 0.3, k), rng.normal(0, 0.6, (d, k)), rng.normal(0, 0.3, d)
    out = _call(answer, x, W1, b1, W2, b2)
    if not isinstance(out, tuple) or len(out) != 5:
        raise _Wrong("return five things: (loss, dW1, db1, dW2, db2).")
    loss, dW1, db1, dW2, db2 = out
    # the same network in dlcourse.nn, whose backward is tested against torch
    enc, dec = nn.Linear(d, k), nn.Linear(k, d)
    enc.load_state_dict({"weight": W1, "bias": b1})
    dec.load_state_dict({"weight": W2, "bias": b2})
    model, mse = nn.Sequential(enc, nn.ReLU(), dec), nn.MSELoss()
    want_loss = float(mse(model(x), x))
    model.backward(mse.backward())
    h = x @ W1.T + b1
    z = np.maximum(h, 0)
    x_hat = z @ W2.T + b2
    got_loss = _number(loss, "a number for the loss")
    if np.isclose(got_loss, ((x_hat - x) ** 2).sum() / n, rtol=1e-6):
        raise _Wrong("loss: you divided by the batch size only; MSELoss averages over every entry (N * D).")
    if not np.isclose(got_loss, want_loss, rtol=1e-6):
        raise _Wrong(f"your loss is {got_loss:.6g}: the mean of (x_hat - x)^2 over all entries.")
    g = 2 * (x_hat - x) / x.size
    _name_mistake(dW2, [((x_hat - x).T @ z / x.size, "dW2: you forgot the factor 2 from the square."),
                        (2 * (x_hat - x).T @ z / n, "dW2: the loss averages over N * D entries, so g = 2 (x_hat - x) / (N * D)."),
                        (z.T @ g, "dW2 is transposed: it must have W2's shape (out, in); use g^T z.")])
    _same_array(dW2, dec.weight.grad, "dW2")
    _same_array(db2, dec.bias.grad, "db2")
    no_mask = g @ W2
    _name_mistake(dW1, [(no_mask.T @ x, "dW1: you forgot ReLU's gradient: units with h <= 0 pass no gradient back."),
                        (x.T @ (no_mask * (h > 0)), "dW1 is transposed: it must have W1's shape (out, in).")])
    _same_array(dW1, enc.weight.grad, "dW1")
    _same_array(db1, enc.bias.grad, "db1")
    return "loss and all four gradients match dlcourse.nn on fresh inputs: one training step is yours."


@exercise("Differentiate the KL term per code dimension: -1/2 (1 + v - mu^2 - exp(v)) with v = log_var. "
          "d/dmu gives mu, d/dv gives (exp(v) - 1) / 2; the mean over the batch divides both by N.")
def ex09_kl_gradient(answer):
    rng = np.random.default_rng(19)
    mu, log_var = rng.normal(0, 1, (5, 3)), rng.normal(0, 0.8, (5, 3))
    out = _call(answer, mu, log_var)
    if not isinstance(out, tuple) or len(out) != 3:
        raise _Wrong("return three things: (kl, dmu, dlog_var).")
    kl, dmu, dlv = out
    n, var = len(mu), np.exp(log_var)
    want_kl, want_mu, want_lv = S.ex09_kl_gradient(mu, log_var)
    got_kl = _number(kl, "a number for kl")
    _name_mistake(got_kl, [(want_kl * n, "kl: you summed over the batch; average it (divide by N)."),
                           (2 * want_kl, "kl: you forgot the factor 1/2."),
                           (-want_kl, "kl: the sign is flipped; KL is never negative.")], rtol=1e-6)
    if not np.isclose(got_kl, want_kl, rtol=1e-6):
        raise _Wrong(f"your kl is {got_kl:.6g}.")
    _name_mistake(dmu, [(mu, "dmu: you forgot that the batch mean divides the gradient by N."),
                        (-mu / n, "dmu: the sign is flipped; mu^2 enters KL with +1/2.")], rtol=1e-6)
    _same_array(dmu, want_mu, "dmu")
    _name_mistake(dlv, [(0.5 * (var - 1), "dlog_var: divide by N (the mean over the batch)."),
                        ((var - 1) / n, "dlog_var: you lost the factor 1/2."),
                        (0.5 * (1 - var) / n, "dlog_var: the sign is flipped; exp(log_var) enters KL with +1/2."),
                        (np.full_like(var, -0.5 / n), "dlog_var: you dropped the exp(log_var) term; its derivative "
                                                      "is exp(log_var) itself.")], rtol=1e-6)
    _same_array(dlv, want_lv, "dlog_var")
    return "kl and both gradients match: at mu = 0, log_var = 0 (the prior) both gradients vanish."
