"""Checks for lesson 05, ANNs for tabular data."""
import numpy as np

from .. import nn
from ._key import S
from ._core import exercise, _Wrong, _call, _close, _matches, _number, _same_array, _rng


@exercise("Compute mean and std (X_train.std(axis=0), dividing by N) on X_train only, per feature, "
          "then apply the same numbers to both arrays.")
def ex05_standardize(answer):
    rng = _rng(3)
    X_train, X_other = rng.normal(5, 3, (40, 4)), rng.normal(6, 2, (10, 4))
    out = _call(answer, X_train, X_other)
    if not isinstance(out, tuple) or len(out) != 2:
        raise _Wrong("return a pair (train_scaled, other_scaled).")
    want = S.ex05_standardize(X_train, X_other)
    mean, std1 = X_train.mean(0), X_train.std(0, ddof=1)
    if _matches(out[0], (X_train - mean) / std1):
        raise _Wrong("you used the sample std (ddof=1); use X_train.std(axis=0), the same as the mean's population.")
    if _matches(out[0], (X_train - X_train.mean()) / X_train.std()):
        raise _Wrong("you used one mean and std for the whole array; compute them per feature (axis=0).")
    _same_array(out[0], want[0], "scaled training data")
    if np.allclose(np.asarray(out[1]).mean(axis=0), 0):
        raise _Wrong("the second array was scaled with its own statistics: that leaks information from it.")
    _same_array(out[1], want[1], "scaled other data")
    return "training statistics applied to both: no leakage."


@exercise("precision = TP / (TP + FP): of those predicted to churn, how many did; recall = TP / (TP + FN).")
def ex05_precision_recall(answer):
    if not isinstance(answer, dict) or set(answer) != {"precision", "recall"}:
        raise _Wrong("expected a dict with keys 'precision' and 'recall'.")
    got = {k: _number(answer[k], f"a number for {k}") for k in ("precision", "recall")}
    want = S.ex05_precision_recall
    if all(want[j].matches(got[k], rtol=1e-3) for k, j in (("precision", "recall"), ("recall", "precision"))):
        raise _Wrong("you swapped them: precision divides by everyone *flagged* (TP + FP), "
                     "recall by everyone who *really* churns (TP + FN).")
    if any(abs(v - 85 / 100) < 1e-3 for v in got.values()):
        raise _Wrong("0.85 is the accuracy (TN + TP) / all; precision and recall only look at the class 'churns'.")
    for k in ("precision", "recall"):
        _close(got[k], want[k], k, rtol=1e-3)
    return "precision uses the flagged column, recall the true-churner row."


_LOSS_MISTAKES = {
    ("churn", "CrossEntropyLoss"): "CrossEntropyLoss wants one score per class (two outputs); the churn model "
                                   "gives one score, which BCEWithLogitsLoss turns into a probability",
    ("digits", "BCEWithLogitsLoss"): "BCEWithLogitsLoss is for yes/no; ten exclusive classes need a softmax over ten scores",
    ("churn", "MSELoss"): "MSE on a 0/1 label treats the class as a number; a probability wants a log-likelihood loss",
    ("digits", "MSELoss"): "digit 7 is not 'more' than digit 3: classes are not numbers",
    ("demand", "BCEWithLogitsLoss"): "units sold is a number, not a yes/no",
    ("demand", "CrossEntropyLoss"): "units sold is a number, not one of a few classes",
}


@exercise("Two classes from one score -> BCEWithLogitsLoss; several classes -> CrossEntropyLoss; a number -> MSELoss.")
def ex05_loss_for_task(answer):
    if not isinstance(answer, dict) or set(answer) != set(S.ex05_loss_for_task):
        raise _Wrong("expected a dict with the keys 'churn', 'digits' and 'demand'.")
    for task, want in S.ex05_loss_for_task.items():
        got = str(answer[task]).replace("torch.", "").replace("nn.", "").replace("()", "")
        if not want.matches(got):
            reason = _LOSS_MISTAKES.get((task, got), f"{got!r} is not one of the three class names given")
            raise _Wrong(f"{task}: {reason}.")
    return "the loss follows the kind of target: yes/no, one of many classes, or a number."


@exercise("Each output depends only on its own input: what is dy/dx for a unit that was kept, and for one that was dropped?")
def ex05_dropout_backward(answer):
    p = 0.3
    rng = _rng(11)
    x, grad_out = rng.standard_normal((6, 5)) + 2.0, rng.standard_normal((6, 5))
    layer = nn.Dropout(p)
    state = np.random.get_state()
    np.random.seed(5)
    out = layer(x)
    np.random.set_state(state)  # leave the learner's random stream as it was
    keep = (out != 0).astype(np.float64)
    want = layer.backward(grad_out)
    got = _call(answer, grad_out, keep, p)
    mistakes = [(grad_out * keep, "you forgot the 1/(1-p) scale: forward multiplied the kept units by it, "
                                  "so their gradient is scaled too"),
                (grad_out * keep * (1 - p), "you multiplied by (1-p); inverted dropout divides by it"),
                (grad_out / (1 - p), "dropped units gave nothing to the output, so their gradient is 0: multiply by keep"),
                (grad_out * (1 - keep) / (1 - p), "you used the dropped units; keep is 1 for the units that stay"),
                (grad_out, "gradient passed unchanged: in training, dropout zeroes and rescales it")]
    for wrong, message in mistakes:
        if _matches(got, wrong):
            raise _Wrong(message + ".")
    _same_array(got, want, "gradient")
    return "matches dlcourse.nn.Dropout.backward on fresh inputs."


@exercise("Write x_hat = (x - mean) / sqrt(var + eps) with the biased variance (divide by N). For dx, sum the "
          "lesson's d x_hat_i / d x_k times g_i = grad_out_i * gamma over the batch rows i: each of its three "
          "terms gives one part of dx, and all three share the factor 1 / sqrt(var + eps).")
def ex05_batchnorm(answer):
    rng = _rng(12)
    n, c, eps = 8, 3, 1e-5
    x = rng.normal(2.0, 3.0, (n, c))
    gamma, beta, grad_out = rng.normal(1, 0.5, c), rng.normal(0, 1, c), rng.standard_normal((n, c))
    bn = nn.BatchNorm1d(c, eps=eps)
    bn.weight.data[...], bn.bias.data[...] = gamma, beta
    out = bn(x)
    dx = bn.backward(grad_out)
    got = _call(answer, x, gamma, beta, grad_out)
    if not isinstance(got, tuple) or len(got) != 4:
        raise _Wrong("return four arrays: out, dx, dgamma, dbeta.")
    g_out, g_dx, g_dgamma, g_dbeta = got
    inv_std = 1 / np.sqrt(x.var(0) + eps)
    x_hat = (x - x.mean(0)) * inv_std
    unbiased = gamma * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + beta
    if _matches(g_out, unbiased):
        raise _Wrong("out: you used the unbiased variance (divided by N-1); in training batch norm divides by N "
                     "(torch uses N-1 only for running_var).")
    if _matches(g_out, x_hat):
        raise _Wrong("out: you returned x_hat; scale by gamma and shift by beta.")
    _same_array(g_out, out, "out")
    _same_array(g_dbeta, bn.bias.grad, "dbeta")
    if _matches(g_dgamma, grad_out.sum(0)):
        raise _Wrong("dgamma: out = gamma * x_hat + beta, so dgamma sums grad_out * x_hat, not grad_out alone.")
    _same_array(g_dgamma, bn.weight.grad, "dgamma")
    g = grad_out * gamma
    mistakes = [(g * inv_std, "you forgot the terms through the mean and variance: the batch mean and variance "
                              "depend on every x, so subtract mean(g) and x_hat * mean(g * x_hat)"),
                (inv_std * (g - g.mean(0)), "you kept the term through the mean but forgot the one through the "
                                           "variance: also subtract x_hat * mean(g * x_hat)"),
                (inv_std * (g - x_hat * (g * x_hat).mean(0)), "you forgot the term through the mean: also subtract mean(g)"),
                (inv_std * (grad_out - grad_out.mean(0) - x_hat * (grad_out * x_hat).mean(0)),
                 "you forgot gamma: the gradient reaching x_hat is grad_out * gamma")]
    for wrong, message in mistakes:
        if _matches(g_dx, wrong):
            raise _Wrong("dx: " + message + ".")
    _same_array(g_dx, dx, "dx")
    return "out, dx, dgamma and dbeta match dlcourse.nn.BatchNorm1d in training mode."
