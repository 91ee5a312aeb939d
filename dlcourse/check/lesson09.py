"""Checks for lesson 09, autoencoders."""
import numpy as np

from .. import nn
from ._key import S
from ._core import exercise, _Wrong, _call, _same_array, _same_count, _name_mistake, _number, _rng


@exercise("Write the count of AutoEncoder(64, hidden=(h,), latent=8) as a function of h: the encoder is "
          "Linear(64, h) and Linear(h, 8), the decoder Linear(8, h) and Linear(h, 64), and a Linear(a, b) has "
          "a * b weights and b biases. Set it <= 11,753 and solve for the largest whole h.")
def ex09_parameter_budget(answer):
    got = _number(answer, "a whole number (the hidden width h)")
    budget = 11_753  # ConvAutoEncoder(8, (16, 32), latent=8), printed in the lesson
    if got == budget - 1 or got == budget:
        raise _Wrong("that is a parameter count; the question asks for the hidden width h.")
    if got != int(got):
        raise _Wrong("a layer has a whole number of units: round the width down (rounding up breaks the budget).")
    h = int(got)
    dense = 146 * h + 72  # (64h + h) + (8h + 8) + (8h + h) + (64h + 64)
    mistakes = [(budget // 144 + 0.0, "with 81 units the model has 11,898 parameters, over the budget: did you "
                                       "forget the biases (each Linear(a, b) has b of them), or round up?"),
                (float((budget - 8) // 73), "that budget holds the encoder alone; the decoder has its own weights."),
                (float((budget - 66) // 134), "that is the width for a 2-D code; the convolutional model has an "
                                               "8-D code, so compare with latent=8.")]
    _name_mistake(got, mistakes, rtol=1e-12)
    if dense > budget:
        raise _Wrong(f"with h = {h} the dense autoencoder has {dense:,} parameters, more than 11,753.")
    if dense + 146 <= budget:
        raise _Wrong(f"h = {h} fits ({dense:,} parameters), but a wider hidden layer fits too: find the largest.")
    _same_count(got, S.ex09_parameter_budget, "answered")
    return (f"h = {h}: {dense:,} parameters against the convolutional model's 11,753. Train "
            f"AutoEncoder(64, ({h},), 8) for 60 epochs and compare the two test errors at equal size.")


@exercise("Go backwards through x_hat = a W2^T + b2 with a = relu(h), h = x W1^T + b1. MSELoss averages over "
          "all N * D entries of x (x.size), so dL/dx_hat = g = 2 (x_hat - x) / (N * D); then dW2 = g^T a and "
          "db2 = g summed over the batch; the gradient reaching h is (g W2) where h > 0, else 0; dW1 and db1 "
          "follow from it the same way.")
def ex09_autoencoder_backward(answer):
    rng = _rng(9)  # fixed inputs, not the lesson's data
    n, d, k = 6, 5, 3
    x = rng.random((n, d))
    W1, b1, W2, b2 = rng.normal(0, 0.6, (k, d)), rng.normal(0, 0.3, k), rng.normal(0, 0.6, (d, k)), rng.normal(0, 0.3, d)
    out = _call(answer, x, W1, b1, W2, b2)
    if not isinstance(out, (tuple, list)) or len(out) != 5:
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
    a = np.maximum(h, 0)
    x_hat = a @ W2.T + b2
    sq = (x_hat - x) ** 2
    got_loss = _number(loss, "a number for the loss")
    _name_mistake(got_loss, [(sq.sum() / n, "loss: you divided by the batch size N only; MSELoss averages over "
                                            "every entry (N * D)."),
                             (sq.sum() / d, "loss: you divided by the number of features D only; MSELoss averages "
                                            "over every entry (N * D).")], rtol=1e-6)
    if not np.isclose(got_loss, want_loss, rtol=1e-6):
        raise _Wrong(f"your loss is {got_loss:.6g}: the mean of (x_hat - x)^2 over all entries.")
    g = 2 * (x_hat - x) / x.size
    _name_mistake(dW2, [(g.T @ a / 2, "dW2: you forgot the factor 2 from the square."),
                        (g.T @ a * d, "dW2: you divided by the batch size N only; the loss averages over N * D "
                                      "entries, so g = 2 (x_hat - x) / (N * D)."),
                        (g.T @ a * n, "dW2: you divided by the number of features D only; the loss averages over "
                                      "N * D entries, so g = 2 (x_hat - x) / (N * D)."),
                        (a.T @ g, "dW2 is transposed: it must have W2's shape (out, in); use g^T a.")])
    _same_array(dW2, dec.weight.grad, "dW2")
    _name_mistake(db2, [(g.mean(0), "db2: you averaged g over the batch (g.mean(0)); the 1/(N * D) is already in "
                                    "g, so sum it over the batch.")])
    _same_array(db2, dec.bias.grad, "db2")
    no_mask = g @ W2
    _name_mistake(dW1, [(no_mask.T @ x, "dW1: you forgot ReLU's gradient: units with h <= 0 pass no gradient back."),
                        (x.T @ (no_mask * (h > 0)), "dW1 is transposed: it must have W1's shape (out, in).")])
    _same_array(dW1, enc.weight.grad, "dW1")
    _name_mistake(db1, [(no_mask.sum(0), "db1: you forgot ReLU's gradient here (dW1 has it): sum (g W2) * (h > 0), "
                                         "not g W2."),
                        ((no_mask * (h > 0)).mean(0), "db1: you averaged over the batch; sum it, as for db2.")])
    _same_array(db1, enc.bias.grad, "db1")
    return "loss and all four gradients match dlcourse.nn on the check's inputs: one training step is yours."


@exercise("Differentiate the KL term per code dimension: -1/2 (1 + v - mu^2 - exp(v)) with v = log_var. "
          "d/dmu gives mu, d/dv gives (exp(v) - 1) / 2; the mean over the batch divides both by N.")
def ex09_kl_gradient(answer):
    rng = _rng(19)
    mu, log_var = rng.normal(0, 1, (5, 3)), rng.normal(0, 0.8, (5, 3))
    out = _call(answer, mu, log_var)
    if not isinstance(out, tuple) or len(out) != 3:
        raise _Wrong("return three things: (kl, dmu, dlog_var).")
    kl, dmu, dlv = out
    (n, k), var = mu.shape, np.exp(log_var)
    want_kl, want_mu, want_lv = S.ex09_kl_gradient(mu, log_var)
    got_kl = _number(kl, "a number for kl")
    _name_mistake(got_kl, [(want_kl * n, "kl: you summed over the batch; average it (divide by N)."),
                           (want_kl / k, "kl: you averaged over all N * k entries (the torch.mean habit); sum over "
                                         "the k code dimensions, then average over the N samples."),
                           (2 * want_kl, "kl: you forgot the factor 1/2."),
                           (-want_kl, "kl: the sign is flipped; KL is never negative.")], rtol=1e-6)
    if not np.isclose(got_kl, want_kl, rtol=1e-6):
        raise _Wrong(f"your kl is {got_kl:.6g}.")
    _name_mistake(dmu, [(mu, "dmu: you forgot that the batch mean divides the gradient by N."),
                        (-mu / n, "dmu: the sign is flipped; mu^2 enters KL with +1/2."),
                        (0.5 * mu / n, "dmu: a stray 1/2; the derivative of 1/2 mu^2 is mu, the 1/2 cancels."),
                        (mu / (n * k), "dmu: you divided by N * k (a mean over all entries); KL sums over the code "
                                       "and averages over the N samples only.")], rtol=1e-6)
    _same_array(dmu, want_mu, "dmu")
    _name_mistake(dlv, [(0.5 * (var - 1), "dlog_var: divide by N (the mean over the batch)."),
                        (0.5 * (var - 1) / (n * k), "dlog_var: you divided by N * k (a mean over all entries); "
                                                    "divide by N only."),
                        ((var - 1) / n, "dlog_var: you lost the factor 1/2."),
                        (0.5 * (1 - var) / n, "dlog_var: the sign is flipped; exp(log_var) enters KL with +1/2."),
                        (np.full_like(var, -0.5 / n), "dlog_var: you dropped the exp(log_var) term; its derivative "
                                                      "is exp(log_var) itself.")], rtol=1e-6)
    _same_array(dlv, want_lv, "dlog_var")
    return "kl and both gradients match: at mu = 0, log_var = 0 (the prior) both gradients vanish."
