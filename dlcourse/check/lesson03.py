"""Checks for lesson 03, loss and optimisation."""

import numpy as np

from ._key import S
from ._core import exercise, _Wrong, _array, _call, _close, _name_mistake, _number, _same_array, _rng


@exercise("Square each prediction's error, then average over the predictions.")
def ex03_mse(answer):
    value = _number(answer)
    want = S.ex03_mse
    for undo, message in [  # each turns a typical wrong answer back into the right one
        (value / 3, "you added the squared errors but did not divide by their number: MSE is a mean."),
        (value / 1.5, "you divided by N - 1 = 2; the MSE averages over all N = 3 predictions."),
        (value ** 2, "you took a square root at the end (that is the RMSE); the MSE stops at the mean."),
    ]:
        if want.matches(undo, rtol=1e-3) and not want.matches(value, rtol=1e-3):
            raise _Wrong(message)
    _name_mistake(value, [(1.0, "you averaged the absolute errors (that is the MAE); square each error first.")])
    _close(value, want, "MSE", rtol=1e-3)
    return "right: the one error of size 2 contributes 4 of the squared total, so large misses dominate the MSE."


@exercise("Turn the logits into probabilities with softmax; the loss is minus the natural log of the "
          "true class's probability.")
def ex03_cross_entropy(answer):
    value = _number(answer)
    z = np.array([0.5, 2.0, -1.0])
    p = np.exp(z) / np.exp(z).sum()
    _name_mistake(value, [
        (p[0], "that is the probability of the true class; the loss is -log of it."),
        (np.log(p[0]), "check the sign: log p is negative, the loss is -log p (a positive number)."),
        (-np.log10(p[0]), "use the natural logarithm (np.log), not log base 10."),
        (1 - p[0], "that is 1 - p; cross-entropy is -log p."),
        (-np.log(z[0] / z.sum()), "you normalised the raw logits; softmax exponentiates them first."),
        (-np.log(p[1]), "that is the loss for class 1, the model's top pick; the true class is class 0."),
        (-np.log(p[2]), "that is the loss for class 2; the true class is class 0."),
    ])
    _close(value, S.ex03_cross_entropy, "loss", rtol=1e-3)
    return ("right: the model bets on class 1 and gives the true class less than one chance in five, so the loss "
            "is well above the 0 of a confident, correct answer.")


@exercise("torch's rule: buf = grad on the first step, else momentum * buf + grad; then w - lr * buf.")
def ex03_momentum_step(answer):
    rng = _rng(1)
    lr, mu = 0.1, 0.9
    w, buf = rng.standard_normal(3), None
    for step in range(1, 4):
        g = rng.standard_normal(3)
        out = _call(answer, w, g, buf, lr, mu)
        if not isinstance(out, tuple) or len(out) != 2:
            raise _Wrong("return a pair (new_w, new_buf).")
        want_w, want_buf = S.ex03_momentum_step(w, g, buf, lr, mu)
        new_w = _array(out[0], want_w.shape, f"new w at step {step}")
        new_buf = _array(out[1], want_buf.shape, f"new buf at step {step}")
        if buf is not None:
            _name_mistake(new_w, [
                (w - lr * g, "your step uses only the current gradient: w must move by lr * buf."),
                (w - lr * (mu * buf + (1 - mu) * g), "you damped the new gradient with (1 - momentum); "
                 "torch's SGD adds it in full: buf = momentum * buf + grad."),
                (w - lr * (buf + mu * g), "momentum multiplies the old buffer, not the new gradient."),
                (w - lr * buf, "you stepped with the old buffer; update buf first, then w - lr * buf."),
            ], rtol=1e-9)
        _same_array(new_w, want_w, f"new w at step {step}")
        _same_array(new_buf, want_buf, f"new buf at step {step}")
        w, buf = want_w, want_buf
    return "three steps match torch's SGD with momentum: the buffer remembers past gradients, decaying by 0.9 a step."


@exercise("Write one step as w <- (1 - c * lr) w, with c from the derivative of 4 w^2. "
          "When does |1 - c * lr| exceed 1?")
def ex03_divergence_lr(answer):
    value = _number(answer)
    _name_mistake(value, [
        (0.1, "0.1 is the threshold for 10 w^2 from the lesson; redo the factor for 4 w^2."),
        (0.125, "at lr = 1/8 the factor 1 - 8 lr is 0: one step lands on the minimum. Divergence starts "
                "where the factor drops below -1."),
        (0.5, "the gradient of 4 w^2 is 8 w, not 4 w: don't forget the 2 from the derivative."),
    ], rtol=1e-6)
    _close(value, S.ex03_divergence_lr, "threshold")
    return "right: beyond that the factor 1 - 8 lr is below -1, so every step overshoots further than the last."


@exercise("p = softmax(logits) row by row; subtract 1 at each row's true class (one-hot); divide by N "
          "because the loss is a mean over the batch.")
def ex03_ce_backward(answer):
    from ..nn import CrossEntropyLoss

    rng = _rng(3)  # fresh inputs, not the ones in the lesson
    for n, c in ((5, 4), (2, 3)):
        logits, targets = 2 * rng.standard_normal((n, c)), rng.integers(0, c, n)
        loss = CrossEntropyLoss()
        loss(logits, targets)
        want = loss.backward()
        got = _array(_call(answer, logits, targets), want.shape, "gradient")
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        onehot = np.eye(c)[targets]
        _name_mistake(got, [
            (-want, "you computed y - p; the gradient is p - y (raising the true class's logit must lower the loss)."),
            (n * want, "you forgot to divide by N: the loss is the mean over the batch, so each row gets 1/N."),
            ((p - targets[:, None]) / n, "you subtracted the class index from every entry; one-hot encode the "
             "targets (np.eye(C)[targets]) and subtract 1 only at the true class."),
            (p - targets[:, None], "you subtracted the class index from every entry and did not divide by N; "
             "one-hot encode the targets and take the mean."),
            (p / n, "you forgot to subtract the one-hot targets: the gradient is (p - y) / N."),
            ((logits - onehot) / n, "you used the logits instead of the softmax probabilities p."),
            ((np.exp(logits) / np.exp(logits).sum(0) - onehot) / n,
             "your softmax normalises over the batch (axis 0); each row (sample) must sum to 1."),
        ], rtol=1e-6)
        _same_array(got, want, "gradient")
    return "your backward agrees with dl.nn.CrossEntropyLoss on fresh logits: softmax and log cancel into (p - y) / N."
