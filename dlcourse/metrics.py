"""Classification metrics beyond accuracy, in NumPy (inputs: arrays or torch tensors)."""
import math

import numpy as np


def _np(a):
    return a.detach().cpu().numpy() if hasattr(a, "detach") else np.asarray(a)


def _labels(y_true, y_pred):
    y_true, y_pred = _np(y_true).reshape(-1), _np(y_pred).reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has {y_true.size} labels but y_pred has {y_pred.size}")
    return y_true.astype(np.int64), y_pred.astype(np.int64)


def accuracy(y_true, y_pred):
    y_true, y_pred = _labels(y_true, y_pred)
    return float(np.mean(y_true == y_pred)) if y_true.size else float("nan")


def confusion_matrix(y_true, y_pred, num_classes=None):
    """``cm[i, j]`` = number of samples of true class i predicted as class j."""
    y_true, y_pred = _labels(y_true, y_pred)
    k = num_classes or int(max(y_true.max(initial=0), y_pred.max(initial=0)) + 1)
    if y_true.size and (min(y_true.min(), y_pred.min()) < 0 or max(y_true.max(), y_pred.max()) >= k):
        raise ValueError(f"labels must lie in [0, {k - 1}]")
    return np.bincount(y_true * k + y_pred, minlength=k * k).reshape(k, k)


def precision_recall_f1(y_true, y_pred, average="binary"):
    """Precision, recall and F1: for class 1 (``'binary'``) or averaged over classes (``'macro'``)."""
    cm = confusion_matrix(y_true, y_pred)
    tp = np.diag(cm).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.nan_to_num(tp / cm.sum(axis=0))
        recall = np.nan_to_num(tp / cm.sum(axis=1))
        f1 = np.nan_to_num(2 * precision * recall / (precision + recall))
    if average == "binary":
        if cm.shape[0] > 2:
            raise ValueError("average='binary' needs two classes; use average='macro'")
        i = min(1, cm.shape[0] - 1)
        return {"precision": float(precision[i]), "recall": float(recall[i]), "f1": float(f1[i])}
    if average == "macro":
        return {"precision": float(precision.mean()), "recall": float(recall.mean()), "f1": float(f1.mean())}
    raise ValueError(f"average must be 'binary' or 'macro', got {average!r}")


def roc_curve(y_true, scores):
    """False- and true-positive rates as the threshold sweeps down through the scores (binary labels)."""
    y = _np(y_true).reshape(-1).astype(np.int64)
    s = _np(scores).reshape(-1).astype(np.float64)
    if y.shape != s.shape:
        raise ValueError(f"y_true has {y.size} labels but scores has {s.size} values")
    if set(np.unique(y)) - {0, 1} or len(np.unique(y)) < 2:
        raise ValueError("roc_curve needs binary labels 0/1 with both classes present")
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    last_of_each_score = np.r_[np.flatnonzero(np.diff(s)), y.size - 1]
    tps = np.cumsum(y)[last_of_each_score]
    fps = (last_of_each_score + 1) - tps
    tpr = np.r_[0.0, tps / tps[-1]]
    fpr = np.r_[0.0, fps / fps[-1]]
    return fpr, tpr, np.r_[np.inf, s[last_of_each_score]]


def auc(fpr, tpr):
    """Area under a curve by the trapezoidal rule (e.g. the ROC curve: 0.5 chance, 1.0 perfect)."""
    return float(np.trapezoid(tpr, fpr))


def mcnemar(correct_a, correct_b):
    """Paired comparison of two classifiers on the same test set (exact McNemar test).

    ``correct_a``, ``correct_b``: booleans (N,), whether each model got each example right.
    Only the discordant examples count: ``only_a`` right for A alone, ``only_b`` for B alone.
    If the models were equally good, each discordant example would be a fair coin flip, so the
    two-sided p-value is the binomial probability of a split at least this uneven.
    Returns ``(only_a, only_b, p_value)``.
    """
    a, b = _np(correct_a).reshape(-1), _np(correct_b).reshape(-1)
    if a.shape != b.shape:
        raise ValueError(f"mcnemar: correct_a has {a.size} entries but correct_b has {b.size}")
    if a.dtype != bool or b.dtype != bool:
        raise TypeError(f"mcnemar: expected boolean arrays (right or wrong per example), got {a.dtype} and {b.dtype}")
    only_a, only_b = int(np.sum(a & ~b)), int(np.sum(b & ~a))
    n, k = only_a + only_b, min(only_a, only_b)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n  # P(X <= k), X ~ Binomial(n, 1/2)
    return only_a, only_b, min(1.0, 2 * tail)
