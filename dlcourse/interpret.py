"""Which inputs did the model use? Four ways to ask a trained model.

- ``saliency``: the gradient of the target class's score with respect to each input value.
- ``occlusion``: cover a patch with a baseline value and measure how much the class probability falls.
- ``integrated_gradients``: average the gradient along the straight path from a baseline to the
  input, times the difference; the attributions then add up to f(x) - f(baseline) ("completeness").
- ``permutation_importance``: shuffle one column of a table and measure how much the metric falls.

The first three take a torch classifier whose output is (N, C) class scores (logits). They put the
model in eval mode (dropout off, batch norm uses its running statistics), switch off its parameters'
gradients so nothing is accumulated into them, and restore both afterwards. Inputs may be NumPy
arrays or tensors; the attributions come back as NumPy arrays.
"""
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np
import torch


@contextmanager
def _attribution_mode(model):
    """Eval mode and frozen parameters inside the block; the model's own settings restored after it."""
    was_training = model.training
    flags = [p.requires_grad for p in model.parameters()]
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p, flag in zip(model.parameters(), flags):
            p.requires_grad_(flag)
        model.train(was_training)


def _as_input(model, x, who):
    """x as a float tensor on the model's device and dtype, with a batch dimension."""
    first = next(model.parameters(), None)
    dtype = first.dtype if first is not None else torch.get_default_dtype()
    device = first.device if first is not None else "cpu"
    if not isinstance(x, (np.ndarray, torch.Tensor)):
        raise TypeError(f"{who}: x must be a NumPy array or a torch tensor (N, ...), got {type(x).__name__}")
    x = torch.as_tensor(x).detach().to(device=device, dtype=dtype)
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"{who}: x must be a batch (N, ...) with N >= 1 and at least one feature; "
                         f"got shape {tuple(x.shape)} (add a batch axis with x[None])")
    return x


def _scores(model, x, who):
    """The model's class scores (N, C); a single output column counts as one class."""
    out = model(x)
    if out.ndim == 1:
        out = out[:, None]
    if out.ndim != 2 or len(out) != len(x):
        raise ValueError(f"{who}: the model must return class scores (N, C) = ({len(x)}, C); "
                         f"got output of shape {tuple(out.shape)}")
    return out


def _targets(target, scores, who):
    """One class index per sample: the predicted class when target is None."""
    n, c = scores.shape
    if target is None:
        return scores.argmax(1)
    t = torch.as_tensor(np.asarray(target) if not isinstance(target, torch.Tensor) else target)
    if t.dtype.is_floating_point or t.dtype == torch.bool:
        raise TypeError(f"{who}: target must be integer class indices, got dtype {t.dtype}")
    t = t.to(scores.device).long().reshape(-1)
    if len(t) == 1:
        t = t.expand(n)
    if len(t) != n:
        raise ValueError(f"{who}: target needs one class per sample ({n}) or a single class; got {len(t)}")
    if (t < 0).any() or (t >= c).any():
        raise ValueError(f"{who}: target must lie in [0, {c - 1}] for a model with {c} outputs; "
                         f"got {t.min().item()}..{t.max().item()}")
    return t


def _baseline(baseline, x, who):
    """The reference input, broadcast to x's shape: a number, one sample (x.shape[1:]) or a batch."""
    b = torch.as_tensor(0.0 if baseline is None else baseline).to(device=x.device, dtype=x.dtype)
    if b.shape not in ((), x.shape[1:], x.shape):
        raise ValueError(f"{who}: baseline must be a number, one sample of shape {tuple(x.shape[1:])} "
                         f"or a batch of shape {tuple(x.shape)}; got shape {tuple(b.shape)}")
    return b.expand_as(x)


def _input_gradient(model, x, target):
    """d score[i, target[i]] / d x[i] for every sample (samples do not interact in eval mode)."""
    x = x.clone().requires_grad_(True)
    picked = model(x).reshape(len(x), -1).gather(1, target[:, None]).sum()
    (grad,) = torch.autograd.grad(picked, x)
    return grad


def saliency(model, x, target=None, times_input=False):
    """|d score_target / d x|: how strongly a small change of each input value moves the class score.

    x: (N, ...) inputs; target: None (the predicted class), one class for all, or (N,) classes.
    times_input: return gradient x input (signed, no absolute value) instead, a first-order estimate
    of each value's contribution relative to an all-zero input. Returns (N, ...) like x.
    """
    x = _as_input(model, x, "saliency")
    with _attribution_mode(model):
        with torch.no_grad():
            t = _targets(target, _scores(model, x, "saliency"), "saliency")
        grad = _input_gradient(model, x, t)
    return (grad * x if times_input else grad.abs()).cpu().numpy()


def _windows(size, window, stride):
    """Start positions of windows that cover every position of an axis (the last one aligned to its end)."""
    starts = list(range(0, size - window + 1, stride))
    if starts[-1] != size - window:
        starts.append(size - window)
    return starts


def occlusion(model, x, target=None, window=2, stride=1, baseline=0.0, score="probability"):
    """How much the target class's score falls when a patch of the input is replaced by ``baseline``.

    x: (N, C, H, W) images (2-D patches over H, W, all channels at once), or (N, C, L) / (N, F)
    sequences and tables (1-D windows). window, stride: an int, or one per spatial axis.
    score: "probability" (softmax; sigmoid for a single output) or "logit" (the raw score).
    Returns (N, H, W), (N, L) or (N, F): each position holds the mean drop over the patches that
    cover it (positive: hiding it hurt the prediction).
    """
    who = "occlusion"
    x = _as_input(model, x, who)
    if score not in ("probability", "logit"):
        raise ValueError(f"{who}: score must be 'probability' or 'logit', got {score!r}")
    if x.ndim > 4:
        raise ValueError(f"{who}: x must be (N, F), (N, C, L) or (N, C, H, W); got shape {tuple(x.shape)}")
    spatial = x.shape[2:] if x.ndim > 2 else x.shape[1:]
    window = (window,) * len(spatial) if np.ndim(window) == 0 else tuple(window)
    stride = (stride,) * len(spatial) if np.ndim(stride) == 0 else tuple(stride)
    for name, v in (("window", window), ("stride", stride)):
        if len(v) != len(spatial) or any(isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1
                                         for k in v):
            raise ValueError(f"{who}: {name} must be a positive int or {len(spatial)} of them, got {v}")
    if any(w > s for w, s in zip(window, spatial)):
        raise ValueError(f"{who}: window {window} is larger than the input's spatial size {tuple(spatial)}")
    b = _baseline(baseline, x, who)

    def prob(inp):
        s = _scores(model, inp, who)
        if score == "logit":
            return s
        return torch.sigmoid(s) if s.shape[1] == 1 else torch.softmax(s, 1)

    drop = torch.zeros((len(x), *spatial), dtype=x.dtype, device=x.device)
    count = torch.zeros(tuple(spatial), dtype=x.dtype, device=x.device)
    with _attribution_mode(model), torch.no_grad():
        p = prob(x)
        t = _targets(target, p, who)[:, None]
        reference = p.gather(1, t)[:, 0]
        grids = [_windows(s, w, st) for s, w, st in zip(spatial, window, stride)]
        for start in np.stack(np.meshgrid(*grids, indexing="ij"), -1).reshape(-1, len(spatial)):
            patch = tuple(slice(int(s), int(s) + w) for s, w in zip(start, window))
            where = (Ellipsis, *patch)  # the same patch in every sample and channel
            covered = x.clone()
            covered[where] = b[where]
            drop[(slice(None), *patch)] += (reference - prob(covered).gather(1, t)[:, 0]).reshape(
                -1, *([1] * len(spatial)))
            count[patch] += 1
    return (drop / count).cpu().numpy()


class IntegratedGradients(NamedTuple):
    """attributions: like x; gap: (N,) sum of attributions minus (f(x) - f(baseline)), 0 when exact."""
    attributions: np.ndarray
    gap: np.ndarray


_MAX_PATH_BATCH = 2048  # inputs per backward pass in integrated_gradients


def integrated_gradients(model, x, target=None, baseline=None, steps=50):
    """(x - baseline) times the mean gradient of the target's score (logit) along the straight path.

    The path integral is taken by the midpoint rule: gradients at alpha = (k + 1/2) / steps for
    k = 0 .. steps-1, in batches of at most about 2,048 inputs (N * steps in all). baseline: None (zeros), a number, one
    sample or a batch. Returns ``IntegratedGradients(attributions (N, ...), gap (N,))``: the gap
    measures how far the sum of attributions is from f(x) - f(baseline); it falls as steps grow, like
    1/steps^2 for a smooth model (tanh) and more slowly for a ReLU network, whose gradient jumps.
    """
    who = "integrated_gradients"
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"{who}: steps must be an integer >= 1, got {steps!r}")
    x = _as_input(model, x, who)
    b = _baseline(baseline, x, who)
    with _attribution_mode(model):
        with torch.no_grad():
            ends = _scores(model, torch.cat([x, b]), who)
            t = _targets(target, ends[:len(x)], who)
            f_x, f_b = ends[:len(x)].gather(1, t[:, None])[:, 0], ends[len(x):].gather(1, t[:, None])[:, 0]
        alphas = (torch.arange(steps, dtype=x.dtype, device=x.device) + 0.5) / steps
        grad_sum = torch.zeros_like(x)
        per_batch = max(1, _MAX_PATH_BATCH // len(x))  # path points per backward pass: bounds the memory
        for chunk in alphas.split(per_batch):
            path = (b + chunk.reshape(len(chunk), *([1] * x.ndim)) * (x - b)).reshape(len(chunk) * len(x), *x.shape[1:])
            grad_sum += _input_gradient(model, path, t.repeat(len(chunk))).reshape(len(chunk), *x.shape).sum(0)
    attributions = (x - b) * grad_sum / steps
    gap = attributions.reshape(len(x), -1).sum(1) - (f_x - f_b)
    return IntegratedGradients(attributions.cpu().numpy(), gap.cpu().numpy())


def _predictor(model):
    """A function X (NumPy) -> predictions, for a torch model, a scikit-learn estimator or a callable."""
    if isinstance(model, torch.nn.Module):
        def predict(X):
            with _attribution_mode(model), torch.no_grad():
                out = _scores(model, _as_input(model, X, "permutation_importance"), "permutation_importance")
            # class labels for a classifier, the value itself for a one-output regressor
            return (out.argmax(1) if out.shape[1] > 1 else out[:, 0]).cpu().numpy()
        return predict
    if hasattr(model, "predict"):
        return model.predict
    if callable(model):
        return model
    raise TypeError("permutation_importance: expected a torch model, an estimator with .predict or a "
                    f"function X -> predictions; got {type(model).__name__}")


def _r2(y, pred):
    y, pred = np.asarray(y, dtype=np.float64), np.asarray(pred, dtype=np.float64).reshape(np.shape(y))
    return 1.0 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2)


METRICS = {"accuracy": lambda y, pred: float(np.mean(np.asarray(pred).reshape(np.shape(y)) == y)), "r2": _r2}


class PermutationImportance(NamedTuple):
    """baseline: the metric on the intact table; importances: (F, n_repeats) drops; mean, std: (F,)."""
    baseline: float
    importances: np.ndarray
    mean: np.ndarray
    std: np.ndarray


def permutation_importance(model, X, y, metric="accuracy", n_repeats=5, seed=0):
    """Drop in ``metric`` when one column of X is shuffled, breaking its link to y, the rest intact.

    model: a torch model (classifier: argmax; one output: the value, so wrap a one-logit binary
    classifier in a function returning logit > 0), a scikit-learn estimator (its .predict) or a
    function X -> predictions. X: (N, F); metric: "accuracy", "r2" or a function
    (y_true, y_pred) -> score where higher is better. Every column is shuffled by the same n_repeats
    row permutations, drawn as scikit-learn draws them, so with the same seed and metric both give the
    same numbers. A column the model ignores gets exactly 0; std (over repeats, ddof 0) shows the noise.
    """
    who = "permutation_importance"
    predict = _predictor(model)
    X = np.asarray(X.detach().cpu() if isinstance(X, torch.Tensor) else X)
    y = np.asarray(y.detach().cpu() if isinstance(y, torch.Tensor) else y)
    if X.ndim != 2 or len(X) < 2:
        raise ValueError(f"{who}: X must be a table (N, F) with N >= 2; got shape {X.shape}")
    if len(y) != len(X):
        raise ValueError(f"{who}: y must have one value per row of X ({len(X)}); got {len(y)}")
    if isinstance(n_repeats, bool) or not isinstance(n_repeats, (int, np.integer)) or n_repeats < 1:
        raise ValueError(f"{who}: n_repeats must be an integer >= 1, got {n_repeats!r}")
    if isinstance(metric, str):
        if metric not in METRICS:
            raise ValueError(f"{who}: metric must be one of {sorted(METRICS)} or a function; got {metric!r}")
        metric = METRICS[metric]
    baseline = float(metric(y, predict(X)))
    # scikit-learn's scheme: the same seed for every column, then each repeat shuffles the column again
    column_seed = np.random.RandomState(seed).randint(np.iinfo(np.int32).max + 1)
    importances = np.empty((X.shape[1], n_repeats))
    for j in range(X.shape[1]):
        rng, order, shuffled = np.random.RandomState(column_seed), np.arange(len(X)), X.copy()
        for r in range(n_repeats):
            rng.shuffle(order)
            shuffled[:, j] = shuffled[order, j]  # a shuffle of a shuffle is still a uniform shuffle
            importances[j, r] = baseline - metric(y, predict(shuffled))
    return PermutationImportance(baseline, importances, importances.mean(1), importances.std(1))
