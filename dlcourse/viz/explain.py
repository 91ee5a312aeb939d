"""Pictures for lesson 12: attribution maps beside their images, the learning-rate range test, search trials."""
import numpy as np

from .images import tile_images
from .network import EDGE_CMAP


def plot_attributions(axes, images, maps, cols=None):
    """The images in ``axes[0]``, then one attribution map per method in each following axes, tiled alike.

    images: (N, 1, H, W), (N, H, W) or flat (N, H*W); maps: dict method -> array holding N maps of
    the same size; cols: images per row (default 4), a sample sits at the same place in every panel.
    Each map is scaled by its own largest |value| (methods have different units and images different
    strengths), so colours compare places within a map, not maps with each other.
    Maps with negative values use the signed palette (purple < 0 < orange) on [-1, 1], others its
    orange half on [0, 1]; zero is white in both.
    """
    n = len(images)
    cols = cols or min(n, 4)
    imgs = tile_images(images, cols)
    if len(axes) != len(maps) + 1:
        raise ValueError(f"plot_attributions: needs {len(maps) + 1} axes (the images + {len(maps)} maps), "
                         f"got {len(axes)}")
    axes[0].imshow(imgs, cmap="gray_r")
    axes[0].set_title("input")
    for ax, (name, m) in zip(axes[1:], maps.items()):
        m = np.asarray(m, dtype=np.float64)
        if len(m) != n or m[0].size != np.asarray(images[0]).size:
            raise ValueError(f"plot_attributions: map {name!r} must hold {n} maps like the images "
                             f"{np.shape(images)}; got shape {m.shape}")
        scale = np.abs(m.reshape(n, -1)).max(1).reshape(n, *([1] * (m.ndim - 1)))
        m = m / np.where(scale > 0, scale, 1)
        signed = (m < 0).any()
        ax.imshow(tile_images(m.reshape(np.shape(images)), cols), cmap=EDGE_CMAP if signed else "Oranges",
                  vmin=-1 if signed else 0, vmax=1)
        ax.set_title(name)
    for ax in axes:
        ax.axis("off")
    return axes


def plot_lr_range(ax, result):
    """Smoothed loss against the learning rate (log axis), the raw loss faintly, the minimum and the suggestion."""
    ax.plot(result.lrs, result.raw_losses, color="0.75", lw=1, label="loss per step")
    ax.plot(result.lrs, result.losses, label="smoothed")
    ax.axvline(result.lr_at_min, ls=":", color="0.4", label=f"minimum at {result.lr_at_min:.2g}")
    ax.axvline(result.suggested, ls="--", color="C1", label=f"suggested {result.suggested:.2g}")
    kept = result.losses[:-1] if result.diverged else result.losses
    if np.isfinite(kept).any():  # the step that exploded would squash the rest of the curve
        ax.set_ylim(None, 1.1 * np.nanmax(np.where(np.isfinite(kept), kept, np.nan)))
    ax.set(xscale="log", xlabel="learning rate", ylabel="training loss",
           title="learning-rate range test" + (" (stopped: loss exploded)" if result.diverged else ""))
    ax.legend()
    return ax


def plot_search(ax, results, param, logx=False):
    """Validation score of every trial against one parameter, one colour per search; the best ringed.

    results: dict name -> SearchResult (e.g. {"grid": ..., "random": ...}).
    """
    for i, (name, res) in enumerate(results.items()):
        x = [t.params[param] for t in res.trials]
        ax.scatter(x, [t.score for t in res.trials], s=18, color=f"C{i}", label=f"{name} ({len(x)} trials)")
        ax.scatter([res.best.params[param]], [res.best.score], s=120, facecolors="none", edgecolors=f"C{i}", lw=2)
    ax.set(xscale="log" if logx else "linear", xlabel=param, ylabel="validation score")
    ax.legend()
    return ax
