"""Choosing hyperparameters: grid search, random search and the learning-rate range test.

A search space is a dict ``name -> values``: a list of values (tried as given), or a distribution,
``uniform(lo, hi)``, ``loguniform(lo, hi)`` (uniform in log(value): as many draws between 1e-4 and
1e-3 as between 1e-3 and 1e-2) or ``choice(a, b, ...)``. Random search draws from the distributions;
grid search places ``points`` evenly on each continuous range (in log space for ``loguniform``).

The objective gets one dict of parameters and returns the VALIDATION score (higher is better unless
``maximize=False``), or a dict with that score under "score" plus anything else to keep (a test
score the caller reads only for the chosen trial, a training time ...). The best trial is picked by
the validation score alone.
"""
import copy
import itertools
import math
from dataclasses import dataclass, field

import numpy as np


class _Distribution:
    def __repr__(self):
        return f"{type(self).__name__}({', '.join(map(repr, self._args))})"


class uniform(_Distribution):
    """Every value in [lo, hi] equally likely."""

    def __init__(self, lo, hi):
        if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi:
            raise ValueError(f"uniform(lo, hi) needs finite lo < hi; got lo={lo!r}, hi={hi!r}")
        self.lo, self.hi, self._args = float(lo), float(hi), (lo, hi)

    def sample(self, rng):
        return float(rng.uniform(self.lo, self.hi))

    def grid(self, points):
        return [float(v) for v in np.linspace(self.lo, self.hi, points)]


class loguniform(_Distribution):
    """log(value) uniform in [log lo, log hi]: every factor of ten in the range equally likely."""

    def __init__(self, lo, hi):
        if not (np.isfinite(lo) and np.isfinite(hi)) or lo <= 0 or lo >= hi:
            raise ValueError(f"loguniform(lo, hi) needs 0 < lo < hi (finite); got lo={lo!r}, hi={hi!r}")
        self.lo, self.hi, self._args = float(lo), float(hi), (lo, hi)

    def sample(self, rng):
        # clip: exp(log(hi)) can land one rounding step above hi
        return float(np.clip(np.exp(rng.uniform(np.log(self.lo), np.log(self.hi))), self.lo, self.hi))

    def grid(self, points):
        return [float(v) for v in np.geomspace(self.lo, self.hi, points)]


class choice(_Distribution):
    """One of the given values, each equally likely."""

    def __init__(self, *values):
        if not values:
            raise ValueError("choice(...) needs at least one value, got none")
        self.values, self._args = list(values), values

    def sample(self, rng):
        return self.values[rng.integers(len(self.values))]


def _check_space(space, who):
    if not isinstance(space, dict) or not space:
        raise ValueError(f"{who}: space must be a non-empty dict name -> list of values or distribution; "
                         f"got {space!r}")
    out = {}
    for name, values in space.items():
        if isinstance(values, (list, tuple)):
            if not values:
                raise ValueError(f"{who}: the value list for {name!r} is empty")
            values = choice(*values)
        if not isinstance(values, _Distribution):
            raise TypeError(f"{who}: {name!r} must be a list of values or uniform/loguniform/choice; "
                            f"got {type(values).__name__}")
        out[name] = values
    return out


@dataclass
class Trial:
    """One evaluated setting: its place in the run (0, 1, ...), the parameters and the validation score."""
    order: int
    params: dict
    score: float
    info: dict = field(default_factory=dict)


@dataclass
class SearchResult:
    """All trials in the order they ran, and the one with the best validation score."""
    trials: list
    best: Trial
    note: str = ""
    maximize: bool = True

    def best_so_far(self):
        """(n_trials,) the best validation score after each trial: the curve to compare searches by."""
        scores = np.array([t.score for t in self.trials])
        scores = np.where(np.isnan(scores), -np.inf if self.maximize else np.inf, scores)
        return np.maximum.accumulate(scores) if self.maximize else np.minimum.accumulate(scores)

    def table(self):
        """One row per trial (a list of dicts: order, each parameter, score, the objective's extras)."""
        return [{"order": t.order, **t.params, "score": t.score, **t.info} for t in self.trials]


def _run(objective, settings, maximize, note=""):
    trials = []
    for order, params in enumerate(settings):
        out = objective(dict(params))
        info = {}
        if isinstance(out, dict):
            if "score" not in out:
                raise ValueError(f"the objective returned a dict without 'score' (the validation score): {out!r}")
            info = {k: v for k, v in out.items() if k != "score"}
            out = out["score"]
        if isinstance(out, bool) or not isinstance(out, (int, float, np.integer, np.floating)):
            raise TypeError(f"the objective must return the validation score (a number) or a dict with 'score'; "
                            f"got {type(out).__name__} for {params}")
        trials.append(Trial(order, dict(params), float(out), info))
    # a NaN score (a diverged run) never wins; ties go to the earlier trial
    worst = -math.inf if maximize else math.inf
    key = [worst if math.isnan(t.score) else t.score for t in trials]
    best = trials[int(np.argmax(key) if maximize else np.argmin(key))]
    return SearchResult(trials, best, note, maximize)


def grid_search(objective, space, points=None, budget=None, maximize=True):
    """Try every combination of the values on each axis (the Cartesian product), in order.

    Lists are used as given. A continuous range needs a number of points: ``points`` (one number
    for every range, or a dict name -> number), or ``budget``: the largest equal number of points per
    range whose grid has at most ``budget`` trials (``result.note`` says which grid that is, so a
    random search can be given the same number of trials).
    """
    who = "grid_search"
    space = _check_space(space, who)
    ranges = [n for n, d in space.items() if not isinstance(d, choice)]
    fixed = math.prod(len(d.values) for d in space.values() if isinstance(d, choice))
    note = ""
    if ranges and points is None:
        if budget is None:
            raise ValueError(f"{who}: {ranges} are continuous ranges; give points (per range) or a trial budget")
        if isinstance(budget, bool) or not isinstance(budget, int) or budget < fixed:
            raise ValueError(f"{who}: budget must be an integer >= {fixed} (the product of the value lists); "
                             f"got {budget!r}")
        k = max(1, int((budget / fixed) ** (1 / len(ranges)) + 1e-9))
        while fixed * (k + 1) ** len(ranges) <= budget:  # guard the float root against rounding down
            k += 1
        points = k
        note = (f"{k} points on each of {len(ranges)} range(s): {fixed * k ** len(ranges)} trials "
                f"for a budget of {budget}")
    per_axis = points if isinstance(points, dict) else {n: points for n in ranges}
    for n in ranges:
        p = per_axis.get(n)
        if isinstance(p, bool) or not isinstance(p, int) or p < 1:
            raise ValueError(f"{who}: the range {n!r} needs a positive integer number of points, got {p!r}")
    axes = [d.values if isinstance(d, choice) else d.grid(per_axis[n]) for n, d in space.items()]
    settings = [dict(zip(space, combo)) for combo in itertools.product(*axes)]
    if budget is not None and len(settings) > budget:
        raise ValueError(f"{who}: the grid has {len(settings)} trials, more than the budget {budget}")
    return _run(objective, settings, maximize, note)


def random_search(objective, space, n_trials, seed=0, maximize=True):
    """``n_trials`` settings drawn independently from the space (lists: any value equally likely).

    The same seed draws the same settings, whatever the objective does with its own randomness.
    """
    who = "random_search"
    space = _check_space(space, who)
    if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 1:
        raise ValueError(f"{who}: n_trials must be a positive integer, got {n_trials!r}")
    rng = np.random.default_rng(seed)
    settings = [{n: d.sample(rng) for n, d in space.items()} for _ in range(n_trials)]
    return _run(objective, settings, maximize)


@dataclass
class LRRangeResult:
    """lrs and smoothed losses per step (raw: unsmoothed); suggested = lr_at_min / 10."""
    lrs: np.ndarray
    losses: np.ndarray
    raw_losses: np.ndarray
    lr_at_min: float
    suggested: float
    diverged: bool


def _batches(data):
    """Batches (x, y) forever: a DataLoader (or list of batches) cycled, or one (X, y) pair repeated."""
    import torch
    if isinstance(data, tuple) and len(data) == 2 and all(isinstance(a, torch.Tensor) for a in data):
        while True:
            yield data
    while True:
        empty = True
        for batch in data:
            empty = False
            yield batch
        if empty:
            raise ValueError("lr_range_test: the data gave no batches")


def lr_range_test(model, loss_fn, data, lr_min=1e-6, lr_max=1.0, steps=100, optimizer=None,
                  smoothing=0.9, diverge=4.0):
    """Leslie Smith's test: train ``steps`` steps with the learning rate growing exponentially from
    ``lr_min`` to ``lr_max``, recording the loss; stop once it explodes.

    model: a torch model, trained during the test and then restored to the weights (and train/eval
    mode) it came with, so the test has no lasting effect; or a function returning a fresh model.
    data: a DataLoader (cycled), or (X, y) tensors used as one batch every step.
    optimizer: a function (params, lr) -> torch optimizer; default plain SGD.
    smoothing: the loss is an exponential moving average, debiased like Adam's
    (avg = s * avg + (1 - s) * loss; shown avg / (1 - s^k)).
    Stops when the smoothed loss is non-finite or above ``diverge`` times its minimum so far.
    Suggests a tenth of the lr at the minimum smoothed loss: the minimum often lies at or past the
    largest stable lr (the average lags, and an unstable run needs a few steps to blow up), so a
    tenth of it is a stable lr at which the loss still falls fast.
    """
    import torch
    who = "lr_range_test"
    if not (0 < lr_min < lr_max):
        raise ValueError(f"{who}: needs 0 < lr_min < lr_max; got lr_min={lr_min!r}, lr_max={lr_max!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 2:
        raise ValueError(f"{who}: steps must be an integer >= 2, got {steps!r}")
    if not 0 <= smoothing < 1:
        raise ValueError(f"{who}: smoothing must be in [0, 1), got {smoothing!r}")
    if diverge <= 1:
        raise ValueError(f"{who}: diverge must be > 1 (a factor above the best loss), got {diverge!r}")
    if not isinstance(model, torch.nn.Module):
        if not callable(model):
            raise TypeError(f"{who}: model must be a torch model or a function returning one, "
                            f"got {type(model).__name__}")
        model = model()
    make_opt = optimizer or (lambda params, lr: torch.optim.SGD(params, lr=lr))
    saved, was_training = copy.deepcopy(model.state_dict()), model.training
    lrs = lr_min * (lr_max / lr_min) ** (np.arange(steps) / (steps - 1))
    opt = make_opt(model.parameters(), lrs[0])
    raw, smooth, avg, best, diverged = [], [], 0.0, math.inf, False
    model.train()
    try:
        for k, (lr, (xb, yb)) in enumerate(zip(lrs, _batches(data)), start=1):
            for group in opt.param_groups:
                group["lr"] = lr
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            value = loss.item()
            avg = smoothing * avg + (1 - smoothing) * value
            s = avg / (1 - smoothing ** k)
            raw.append(value)
            smooth.append(s)
            if not math.isfinite(s) or s > diverge * best:
                diverged = True
                break
            best = min(best, s)
            loss.backward()
            opt.step()
    finally:
        model.load_state_dict(saved)
        model.train(was_training)
        opt.zero_grad(set_to_none=True)
    losses = np.array(smooth)
    finite = np.where(np.isfinite(losses), losses, np.inf)
    lr_at_min = float(lrs[int(np.argmin(finite))])
    return LRRangeResult(lrs[:len(losses)], losses, np.array(raw), lr_at_min, lr_at_min / 10, diverged)
