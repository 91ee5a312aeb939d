"""Pictures of a ``dlcourse.compare.Comparison``: the Pareto picture (metric vs a cost) and learning curves.

Each function draws on ``ax`` when given one, else on a new pyplot figure, and returns the figure.
"""
import numpy as np

COSTS = {"params": "parameters", "macs_per_sample": "multiply-accumulates per sample",
         "train_seconds": "training time (s)", "latency_us": "inference latency (µs per sample)",
         "activation_kib": "activation memory (KiB per batch)"}


def pareto_front(costs, scores, higher_is_better=True):
    """Indices of the points no other point beats: none has a cost as low and a score as good, one of
    them strictly. Sorted by cost."""
    costs, scores = np.asarray(costs, dtype=float), np.asarray(scores, dtype=float)
    if costs.shape != scores.shape or costs.ndim != 1:
        raise ValueError(f"pareto_front: costs and scores must be 1-D of one length; "
                         f"got {costs.shape} and {scores.shape}")
    s = scores if higher_is_better else -scores
    front = [i for i in range(len(costs))
             if not any(costs[j] <= costs[i] and s[j] >= s[i] and (costs[j] < costs[i] or s[j] > s[i])
                        for j in range(len(costs)))]
    return sorted(front, key=lambda i: (costs[i], -s[i]))


def _axes(ax, size=(6, 3.8)):
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=size)
    return ax


def _metric_label(result):
    arrow = "higher is better" if result.metric.higher_is_better else "lower is better"
    return f"{result.metric.name} ({arrow})"


def plot_pareto(result, x="params", ax=None, logx=True):
    """Test metric (mean over seeds, error bar = sample standard deviation; no bar for a single seed, which
    has no spread to show) against a cost column of the table (``COSTS``), one labelled point per candidate;
    the Pareto front as a dashed line."""
    if x not in COSTS:
        raise ValueError(f"plot_pareto: x must be one of {sorted(COSTS)}, got {x!r}")
    ax = _axes(ax)
    rows = result.rows
    costs = np.array([r[x] for r in rows], dtype=float)
    means = np.array([r["test_mean"] for r in rows])
    spreads = np.array([r["test_std"] for r in rows])
    for r, c, m, s in zip(rows, costs, means, spreads):
        ax.errorbar([c], [m], yerr=[s] if len(r["test_per_seed"]) > 1 else None, fmt="o", capsize=3)
        ax.annotate(r["name"], (c, m), textcoords="offset points", xytext=(5, 5), fontsize=8)
    front = pareto_front(costs, means, result.metric.higher_is_better)
    ax.plot(costs[front], means[front], "--", color="0.4", lw=1, label="Pareto front", zorder=0)
    if logx:
        from matplotlib.ticker import NullFormatter
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())  # labels on minor ticks collide over a short range
    ax.set(xlabel=COSTS[x], ylabel=f"test {_metric_label(result)}", title=f"test {result.metric.name} vs {x}")
    ax.legend(fontsize=8)
    return ax.figure


def mean_curve(curves, x="step", y="val_metric"):
    """Mean and sample standard deviation over seeds of one quantity of a candidate's curves, at the
    seeds' common recording points (cut to the shortest curve; x = the seeds' mean step or seconds)."""
    n = min(len(c[y]) for c in curves)
    xs = np.mean([c[x][:n] for c in curves], axis=0)
    ys = np.array([c[y][:n] for c in curves], dtype=float)
    spread = ys.std(axis=0, ddof=1) if len(curves) > 1 else np.zeros(n)
    return xs, ys.mean(axis=0), spread


def plot_learning_curves(result, x="step", y="val_metric", ax=None):
    """One line per candidate (mean over seeds) with a band of ± one sample standard deviation,
    on shared axes. x: 'step' or 'seconds' (training time); y: 'val_metric' or 'train_loss'."""
    if x not in ("step", "seconds"):
        raise ValueError(f"plot_learning_curves: x must be 'step' or 'seconds', got {x!r}")
    if y not in ("val_metric", "train_loss"):
        raise ValueError(f"plot_learning_curves: y must be 'val_metric' or 'train_loss', got {y!r}")
    ax = _axes(ax)
    for name, curves in result.curves.items():
        xs, mean, spread = mean_curve(curves, x, y)
        (line,) = ax.plot(xs, mean, label=name)
        ax.fill_between(xs, mean - spread, mean + spread, color=line.get_color(), alpha=0.2, lw=0)
    ylabel = f"validation {_metric_label(result)}" if y == "val_metric" else "training loss"
    ax.set(xlabel="step" if x == "step" else "training time (s)", ylabel=ylabel)
    ax.legend(fontsize=8)
    return ax.figure
