"""A minimal training loop for NumPy models: the five steps of learning, repeated."""
import numpy as np

from .module import Module


def fit(model, loss_fn, optimizer, X, y, epochs=100, batch_size=None, seed=0, verbose=True):
    """Train ``model`` in place; return the mean loss of every epoch as an array.

    Each step: forward, loss, backward (from ``loss_fn.backward()``), update. Full batch
    when ``batch_size`` is None, else shuffled mini-batches drawn with ``seed``.
    Training stops at the first non-finite loss and says so (the returned losses end
    with that value), instead of filling the model with NaN.
    """
    if not isinstance(model, Module):
        raise TypeError(f"fit trains dlcourse.nn models; got {type(model).__name__} (use dlcourse.train for torch)")
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"fit: X has {len(X)} samples but y has {len(y)}")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive integer, got {epochs!r}")
    if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
        raise ValueError(f"fit: batch_size must be a positive integer or None, got {batch_size!r}")
    rng = np.random.default_rng(seed)
    model.train()
    history = []
    for epoch in range(epochs):
        order = rng.permutation(len(X)) if batch_size else np.arange(len(X))
        step = batch_size or len(X)
        total = 0.0
        for start in range(0, len(X), step):
            idx = order[start:start + step]
            optimizer.zero_grad()
            with np.errstate(over="ignore", invalid="ignore"):
                loss = float(loss_fn(model(X[idx]), y[idx]))
                if not np.isfinite(loss):
                    history.append(loss)
                    if verbose:
                        print(f"Training stopped in epoch {epoch + 1}: the loss became {loss}. "
                              "Lower the learning rate, or check the inputs for NaN/inf.")
                    return np.array(history)
                model.backward(loss_fn.backward())
            optimizer.step()
            total += loss * len(idx)
        history.append(total / len(X))
    return np.array(history)


def accuracy(scores, y):
    """Share of correct predictions. ``scores``: (N, C) class scores, or (N,)/(N, 1) probabilities of class 1."""
    scores, y = np.asarray(scores), np.asarray(y).reshape(-1)
    pred = scores.argmax(axis=1) if scores.ndim == 2 and scores.shape[1] > 1 else (scores.reshape(-1) > 0.5)
    return float(np.mean(pred.astype(y.dtype) == y))
