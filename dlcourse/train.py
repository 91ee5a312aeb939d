"""One fit loop for every PyTorch model in the course.

``fit`` trains with a progress bar, records per-epoch history for train and validation, can
redraw one live figure, stops early when validation stops improving (restoring the best
weights), clips gradients, and stops at the first non-finite loss with a hint instead of
training on NaN. ``save_checkpoint`` writes atomically; ``load_checkpoint`` uses torch's
weights-only loader.
"""
import copy
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from ._env import device as default_device


@dataclass
class History:
    """Per-epoch records: ``history['val_loss']`` is a list with one value per epoch."""
    records: list = field(default_factory=list)
    stopped: str = ""  # why training ended early, if it did
    best_epoch: int = None

    def __getitem__(self, key):
        return [r.get(key, float("nan")) for r in self.records]

    def __len__(self):
        return len(self.records)

    def as_dict(self):
        keys = sorted({k for r in self.records for k in r})
        return {"metrics": {k: [float(v) for v in self[k]] for k in keys}, "stopped": self.stopped,
                "best_epoch": -1 if self.best_epoch is None else int(self.best_epoch)}

    @classmethod
    def from_dict(cls, d):
        metrics = d["metrics"]
        n = max((len(v) for v in metrics.values()), default=0)
        records = [{k: v[i] for k, v in metrics.items()} for i in range(n)]
        return cls(records, d["stopped"], None if d["best_epoch"] < 0 else d["best_epoch"])


def _correct(out, y):
    """Number of correct predictions for class scores (N, C) or one logit per sample; None for regression."""
    if y.dtype in (torch.long, torch.int) and out.ndim == 2 and out.shape[1] > 1:
        return (out.argmax(1) == y).sum().item()
    if out.ndim == 2 and out.shape[1] == 1 and y.dtype.is_floating_point and torch.all((y == 0) | (y == 1)):
        return ((out[:, 0] > 0).float() == y.reshape(-1)).sum().item()
    return None


def _prepare(out, y):
    """Targets for a single-output model are reshaped to (N, 1), the shape torch's losses expect."""
    return y.reshape(-1, 1) if out.ndim == 2 and out.shape[1] == 1 and y.ndim == 1 else y


def evaluate(model, loader, loss_fn, device=None):
    """Mean loss (and accuracy for classification) of ``model`` on ``loader``, in eval mode."""
    device = device or next(model.parameters()).device
    model.eval()
    total, correct, n, is_cls = 0.0, 0, 0, True
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            out = model(xb)
            total += loss_fn(out, _prepare(out, yb)).item() * len(xb)
            c = _correct(out, yb)
            is_cls = is_cls and c is not None
            correct += c or 0
            n += len(xb)
    result = {"loss": total / max(n, 1)}
    if is_cls:
        result["accuracy"] = correct / max(n, 1)
    return result


def accuracy(model, X, y, batch_size=1024, per_sample=False):
    """Share of ``X``'s samples (array or tensor, any shape the model takes) whose top score is ``y``, in eval mode.

    ``per_sample=True`` returns the booleans ``(N,)`` instead (right or wrong per sample), e.g. for
    :func:`dlcourse.metrics.paired_difference`.
    """
    X = torch.as_tensor(np.asarray(X) if not torch.is_tensor(X) else X)
    y = np.asarray(y.cpu() if torch.is_tensor(y) else y).reshape(-1)
    if len(X) != len(y):
        raise ValueError(f"accuracy: X has {len(X)} samples but y has {len(y)} labels")
    if len(y) == 0:
        raise ValueError("accuracy: no samples")
    param = next(model.parameters())
    X = X.to(param.dtype) if X.is_floating_point() else X   # e.g. float64 NumPy data for a float32 model
    device = param.device
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model(X[i:i + batch_size].to(device)).argmax(1).cpu() for i in range(0, len(X), batch_size)])
    correct = pred.numpy() == y
    return correct if per_sample else float(correct.mean())


class LivePlot:
    """Loss (and accuracy) curves redrawn in one figure, updated in place in a notebook.

    Redraws at most once per ``min_interval`` seconds (a redraw costs ~0.1 s), plus a final one.
    """

    def __init__(self, min_interval=1.0):
        import time
        self._clock, self.min_interval, self._last = time.perf_counter, min_interval, float("-inf")
        import matplotlib.pyplot as plt
        from IPython.display import display
        self.fig, self.axes = plt.subplots(1, 2, figsize=(9, 3.2))
        plt.close(self.fig)  # shown through the display handle only, not again at cell end
        self.handle = display(self.fig, display_id=True)  # None outside IPython: then the curves are kept, not shown

    def update(self, history, force=False):
        if not force and self._clock() - self._last < self.min_interval:
            return
        self._last = self._clock()
        for ax, metric in zip(self.axes, ("loss", "accuracy")):
            ax.clear()
            for split in ("train", "val"):
                values = history[f"{split}_{metric}"]
                if not np.all(np.isnan(values)):
                    ax.plot(range(1, len(values) + 1), values, label=split)
            ax.set(xlabel="epoch", title=metric)
            ax.legend()
        if self.handle is not None:
            self.handle.update(self.fig)


def fit(model, train_loader, loss_fn, optimizer, epochs=10, val_loader=None, early_stopping=None,
        clip_grad_norm=None, device=None, progress=True, live_plot=False, verbose=True):
    """Train ``model`` in place and return its ``History``.

    early_stopping: stop after this many epochs without a better validation loss, and restore
    the best weights. clip_grad_norm: rescale gradients whose total norm exceeds this value.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive integer, got {epochs!r}")
    if early_stopping is not None and val_loader is None:
        raise ValueError("fit: early_stopping watches the validation loss, so it needs a val_loader")
    device = device or default_device()
    model.to(device)
    history = History()
    best_loss, best_state, waited = float("inf"), None, 0
    plot = LivePlot() if live_plot else None
    epoch_iter = range(1, epochs + 1)
    if progress:
        from tqdm.auto import tqdm
        epoch_iter = tqdm(epoch_iter, desc="training", unit="epoch", leave=False)
    step = 0
    for epoch in epoch_iter:
        model.train()
        total, correct, n, is_cls = 0.0, 0, 0, True
        for xb, yb in train_loader:
            step += 1
            xb, yb = xb.to(device), yb.to(device)
            optimizer.zero_grad()
            out = model(xb)
            loss = loss_fn(out, _prepare(out, yb))
            if not torch.isfinite(loss):
                lr = optimizer.param_groups[0].get("lr")
                history.stopped = (f"Training stopped at epoch {epoch}, step {step}: the loss became {loss.item()}. "
                                   f"Lower the learning rate (now {lr}), check the inputs for NaN/inf, "
                                   "or clip gradients with clip_grad_norm=1.0.")
                if verbose:
                    print(history.stopped)
                return history
            loss.backward()
            if clip_grad_norm is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip_grad_norm)
            optimizer.step()
            total += loss.item() * len(xb)
            c = _correct(out.detach(), yb)
            is_cls = is_cls and c is not None
            correct += c or 0
            n += len(xb)
        record = {"epoch": epoch, "train_loss": total / n}
        if is_cls:
            record["train_accuracy"] = correct / n
        if val_loader is not None:
            record.update({f"val_{k}": v for k, v in evaluate(model, val_loader, loss_fn, device).items()})
        history.records.append(record)
        if progress:
            epoch_iter.set_postfix({k: f"{v:.4f}" for k, v in record.items() if k != "epoch"})
        if plot:
            plot.update(history)
        if early_stopping is not None:
            if record["val_loss"] < best_loss:
                best_loss, waited, history.best_epoch = record["val_loss"], 0, epoch
                best_state = copy.deepcopy(model.state_dict())
            else:
                waited += 1
                if waited >= early_stopping:
                    history.stopped = (f"Early stopping at epoch {epoch}: no better validation loss for "
                                       f"{early_stopping} epochs; restored the weights of epoch {history.best_epoch}.")
                    break
    if best_state is not None:
        model.load_state_dict(best_state)
    if plot:
        plot.update(history, force=True)
    return history


def save_checkpoint(path, model, optimizer=None, history=None):
    """Save model (+ optimizer, history) to ``path``. Written to a temporary file and renamed, so an
    interrupted save never damages the previous checkpoint."""
    path = Path(path)
    payload = {"model": model.state_dict(),
               "optimizer": optimizer.state_dict() if optimizer is not None else None,
               "history": history.as_dict() if history is not None else None}
    tmp = path.with_name(path.name + ".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)  # atomic on the same file system


def load_checkpoint(path, model, optimizer=None):
    """Load what ``save_checkpoint`` wrote (weights-only: no arbitrary code runs); return the History or None."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # truncated or foreign files, pickles holding code: torch's errors are pages long
        first = (str(e).strip().splitlines() or [""])[0]
        raise ValueError(f"{path} is not a dlcourse checkpoint, or the file is damaged: "
                         f"{type(e).__name__}: {first}") from e
    if not isinstance(payload, dict) or set(payload) != {"model", "optimizer", "history"}:
        found = sorted(payload) if isinstance(payload, dict) else type(payload).__name__
        raise ValueError(f"{path} is not a dlcourse checkpoint: expected the keys model, optimizer and history "
                         f"(written by dlcourse.train.save_checkpoint), found {found}")
    own = model.state_dict()  # check everything first, so a mismatch leaves the model untouched
    saved = payload["model"]
    wrong = [k for k in own if k not in saved or tuple(saved[k].shape) != tuple(own[k].shape)]
    extra = [k for k in saved if k not in own]
    if wrong or extra:
        raise ValueError(f"the checkpoint {path} was saved from a different architecture: entries missing or "
                         f"of another shape: {wrong}; unexpected entries: {extra}")
    model.load_state_dict(saved)
    if optimizer is not None:
        if payload["optimizer"] is None:
            raise ValueError(f"{path} holds no optimizer state")
        optimizer.load_state_dict(payload["optimizer"])
    return History.from_dict(payload["history"]) if payload["history"] is not None else None


def summary(model, input_shape, device="cpu"):
    """Table of every leaf layer: name, output shape, parameters. Runs one forward pass on zeros."""
    rows, hooks = [], []
    for name, module in model.named_modules():
        if next(module.children(), None) is None and name:
            def hook(mod, inp, out, name=name):
                rows.append((name, type(mod).__name__, tuple(out.shape), sum(p.numel() for p in mod.parameters())))
            hooks.append(module.register_forward_hook(hook))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model.to(device)(torch.zeros(*input_shape, device=device))
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    total = sum(p.numel() for p in model.parameters())
    lines = [f"{'layer':<24}{'type':<14}{'output shape':<22}{'params':>10}"]
    lines += [f"{n:<24}{t:<14}{str(s):<22}{p:>10,}" for n, t, s, p in rows]
    lines.append(f"{'total':<60}{total:>10,}")
    return "\n".join(lines)
