"""Decision regions and loss curves."""
import numpy as np


def plot_decision_regions(ax, predict, X, y, resolution=150, margin=0.5, cmap="PuOr", alpha=0.35):
    """Shade the class that ``predict`` gives over the plane, then scatter ``X`` coloured by ``y``.

    ``predict(points (M, 2)) -> (M,)`` class labels or probabilities of class 1.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_regions draws 2-D inputs; X has shape {X.shape}")
    (x0, y0), (x1, y1) = X.min(0) - margin, X.max(0) + margin
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    z = np.asarray(predict(np.c_[gx.ravel(), gy.ravel()])).reshape(gx.shape)
    ax.contourf(gx, gy, z, levels=20 if z.dtype.kind == "f" else np.arange(z.max() + 2) - 0.5,
                cmap=cmap, alpha=alpha)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, edgecolors="k", linewidths=0.4, s=18)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    return ax


def plot_loss_curves(ax, curves, logy=False, xlabel="step", ylabel="loss"):
    """One line per ``name -> sequence of losses``; non-finite values end a line where they start."""
    for name, values in curves.items():
        v = np.asarray(values, dtype=np.float64)
        bad = ~np.isfinite(v)
        if bad.any():
            v = v[: np.argmax(bad)]
            name = f"{name} (diverged)"
        ax.plot(np.arange(len(v)), v, label=name)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


def plot_confusion_matrix(ax, cm, labels=None, title="confusion matrix"):
    """Counts with true classes as rows and predictions as columns; the diagonal is what went right."""
    cm = np.asarray(cm)
    ax.imshow(cm, cmap="Blues")
    labels = labels if labels is not None else [str(i) for i in range(len(cm))]
    ax.set(xticks=range(len(cm)), yticks=range(len(cm)), xticklabels=labels, yticklabels=labels,
           xlabel="predicted", ylabel="true", title=title)
    ax.grid(False)
    for i in range(len(cm)):
        for j in range(len(cm)):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=8,
                    color="white" if cm[i, j] > cm.max() / 2 else "black")
    return ax


def plot_roc(ax, fpr, tpr, auc_value=None, label="model"):
    """ROC curve with the chance diagonal."""
    ax.plot(fpr, tpr, label=label + (f" (AUC {auc_value:.3f})" if auc_value is not None else ""))
    ax.plot([0, 1], [0, 1], ls="--", color="0.6", label="chance")
    ax.set(xlabel="false-positive rate", ylabel="true-positive rate", title="ROC curve", xlim=(0, 1), ylim=(0, 1.01))
    ax.legend(loc="lower right")
    return ax
