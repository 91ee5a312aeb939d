"""Checks for lesson 05, ANNs for tabular data."""
import numpy as np

from ._key import S
from ._core import exercise, _Wrong, _call, _close, _number, _same_array


@exercise("Compute mean and std on X_train only (axis=0), then apply the same numbers to both arrays.")
def ex05_standardize(answer):
    rng = np.random.default_rng(3)
    X_train, X_other = rng.normal(5, 3, (40, 4)), rng.normal(6, 2, (10, 4))
    out = _call(answer, X_train, X_other)
    if not isinstance(out, tuple) or len(out) != 2:
        raise _Wrong("return a pair (train_scaled, other_scaled).")
    want = S.ex05_standardize(X_train, X_other)
    _same_array(out[0], want[0], "scaled training data")
    if np.allclose(np.asarray(out[1]).mean(axis=0), 0):
        raise _Wrong("the second array was scaled with its own statistics: that leaks information from it.")
    _same_array(out[1], want[1], "scaled other data")
    return "training statistics applied to both: no leakage."


@exercise("precision = TP / (TP + FP): of those predicted to churn, how many did; recall = TP / (TP + FN).")
def ex05_precision_recall(answer):
    if not isinstance(answer, dict) or set(answer) != {"precision", "recall"}:
        raise _Wrong("expected a dict with keys 'precision' and 'recall'.")
    for k in ("precision", "recall"):
        _close(_number(answer[k]), S.ex05_precision_recall[k], k, rtol=1e-3)
    return "precision 0.778, recall 0.875."


@exercise("Two classes from one score -> BCEWithLogitsLoss; several classes -> CrossEntropyLoss; a number -> MSELoss.")
def ex05_loss_for_task(answer):
    if not isinstance(answer, dict):
        raise _Wrong(f"expected a dict like {{'churn': ..., 'digits': ..., 'demand': ...}}, got {type(answer).__name__}.")
    wrong = [k for k, v in S.ex05_loss_for_task.items() if not v.matches(str(answer.get(k, "")).replace("nn.", ""))]
    if wrong:
        raise _Wrong(f"look again at: {', '.join(wrong)}.")
    return "the loss follows the kind of target."
