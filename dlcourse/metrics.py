"""Classification metrics beyond accuracy, and measures of generated samples, in NumPy (inputs: arrays or torch tensors)."""
import math
from typing import NamedTuple

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


class PairedDifference(NamedTuple):
    delta: float      # accuracy of B minus accuracy of A on the same examples
    se: float         # its standard error, about sqrt(disagree / n)
    disagree: float   # share of examples where exactly one of the two is right


def paired_difference(correct_a, correct_b):
    """Accuracy difference B - A of two classifiers on the same examples, with its paired standard error.

    ``correct_a``, ``correct_b``: booleans (N,), whether each model got each example right. The per-example
    difference d = correct_b - correct_a is -1, 0 or +1, so its variance is disagree - delta**2 and the
    standard error of the mean is ``sqrt((disagree - delta**2) / N)``: only the examples on which the two
    models disagree add noise, which makes this far smaller than two unpaired standard errors.
    """
    a, b = _np(correct_a).reshape(-1), _np(correct_b).reshape(-1)
    if a.shape != b.shape:
        raise ValueError(f"paired_difference: correct_a has {a.size} entries but correct_b has {b.size}")
    if a.dtype != bool or b.dtype != bool:
        raise TypeError(f"paired_difference: expected boolean arrays (right or wrong per example), "
                        f"got {a.dtype} and {b.dtype}")
    if a.size == 0:
        raise ValueError("paired_difference: no examples")
    d = b.astype(np.float64) - a
    delta, disagree = float(d.mean()), float(np.mean(a != b))
    return PairedDifference(delta, math.sqrt(max(disagree - delta ** 2, 0.0) / a.size), disagree)


class ModeCoverage(NamedTuple):
    covered: int         # modes holding at least their minimum share of the generated points
    n_modes: int
    high_quality: float  # share of generated points within k sigma of some mode
    counts: np.ndarray   # (K,) generated points within k sigma of each mode


def _points(x, who, name):
    x = _np(x)
    if x.ndim != 2 or x.shape[1] != 2 or len(x) == 0 or not np.issubdtype(x.dtype, np.number):
        raise ValueError(f"{who}: {name} must be numeric points of shape (N, 2), got shape {tuple(x.shape)}")
    return x.astype(np.float64)


def mode_coverage(samples, centres, sigma, k=3.0, min_share=0.2):
    """How many modes a generator covers, and how many of its points are good (on some mode).

    ``samples (N, 2)``: generated points; ``centres (K, 2)``: the target's modes, spread ``sigma``.
    A point is *high quality* when it lies within ``k * sigma`` of its nearest centre; it then counts
    for that mode. A mode is *covered* when it holds at least ``min_share`` of its fair share
    ``N / K`` of the points (the default 0.2: a fifth of what an ideal generator would put there).
    """
    x, c = _points(samples, "mode_coverage", "samples"), _points(centres, "mode_coverage", "centres")
    if not sigma > 0 or not k > 0 or not 0 < min_share <= 1:
        raise ValueError(f"mode_coverage: need sigma > 0, k > 0 and 0 < min_share <= 1; got sigma={sigma!r}, "
                         f"k={k!r}, min_share={min_share!r}")
    dist = np.linalg.norm(x[:, None, :] - c[None, :, :], axis=2)
    nearest = dist.argmin(axis=1)
    good = dist[np.arange(len(x)), nearest] <= k * sigma
    counts = np.bincount(nearest[good], minlength=len(c))
    covered = int(np.sum(counts >= min_share * len(x) / len(c)))
    return ModeCoverage(covered, len(c), float(good.mean()), counts)


def energy_distance(x, y):
    """Energy distance between two samples: ``2 E|X - Y| - E|X - X'| - E|Y - Y'|`` (Euclidean norms).

    ``x (N, D)``, ``y (M, D)``. Zero when the two distributions are equal, positive otherwise; no
    kernel or bandwidth to choose. Computed as a V-statistic (every pair, including a point with
    itself), so it is never negative; for two samples of one distribution it shrinks like 1/N.
    """
    x, y = _np(x).astype(np.float64), _np(y).astype(np.float64)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1] or not len(x) or not len(y):
        raise ValueError(f"energy_distance: x and y must be non-empty (N, D) and (M, D) arrays with the same D, "
                         f"got shapes {tuple(x.shape)} and {tuple(y.shape)}")
    mean_dist = lambda a, b: np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2).mean()
    return float(2 * mean_dist(x, y) - mean_dist(x, x) - mean_dist(y, y))
