"""2-D toy classification sets for decision boundaries.

Each returns ``X (n_samples, 2)`` float64 and ``y (n_samples,)`` int64, made
from its own ``numpy.random.default_rng(seed)`` so results never depend on
global state.
"""
import numpy as np


def _check(n_samples, noise, who):
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 2:
        raise ValueError(f"{who}: n_samples must be an integer >= 2, got {n_samples!r}")
    if not isinstance(noise, (int, float)) or noise < 0:
        raise ValueError(f"{who}: noise must be a number >= 0, got {noise!r}")


def _finish(rng, X, y, noise):
    X = X + rng.normal(scale=noise, size=X.shape)
    order = rng.permutation(len(y))
    return X[order], y[order].astype(np.int64)


def make_moons(n_samples=200, noise=0.1, seed=0):
    """Two interleaving half circles (class 0 on top, class 1 below)."""
    _check(n_samples, noise, "make_moons")
    rng = np.random.default_rng(seed)
    n0 = n_samples // 2
    n1 = n_samples - n0
    t0 = np.linspace(0, np.pi, n0)
    t1 = np.linspace(0, np.pi, n1)
    X = np.vstack([np.c_[np.cos(t0), np.sin(t0)], np.c_[1 - np.cos(t1), 0.5 - np.sin(t1)]])
    return _finish(rng, X, np.r_[np.zeros(n0), np.ones(n1)], noise)


def make_circles(n_samples=200, noise=0.05, factor=0.5, seed=0):
    """A small circle (class 1) inside a large one (class 0)."""
    _check(n_samples, noise, "make_circles")
    if not 0 < factor < 1:
        raise ValueError(f"make_circles: factor must lie in (0, 1), got {factor!r}")
    rng = np.random.default_rng(seed)
    n0 = n_samples // 2
    n1 = n_samples - n0
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n1, endpoint=False)
    X = np.vstack([np.c_[np.cos(t0), np.sin(t0)], factor * np.c_[np.cos(t1), np.sin(t1)]])
    return _finish(rng, X, np.r_[np.zeros(n0), np.ones(n1)], noise)


def make_spirals(n_samples=300, noise=0.2, n_classes=3, turns=1.0, seed=0):
    """``n_classes`` interleaved spiral arms (the classic CS231n set)."""
    _check(n_samples, noise, "make_spirals")
    if not isinstance(n_classes, int) or n_classes < 2:
        raise ValueError(f"make_spirals: n_classes must be an integer >= 2, got {n_classes!r}")
    rng = np.random.default_rng(seed)
    per = np.full(n_classes, n_samples // n_classes)
    per[: n_samples % n_classes] += 1
    Xs, ys = [], []
    for k, n in enumerate(per):
        r = np.linspace(0.05, 1.0, n)
        t = np.linspace(0, 2 * np.pi * turns, n) + 2 * np.pi * k / n_classes
        t = t + rng.normal(scale=noise, size=n)
        Xs.append(np.c_[r * np.sin(t), r * np.cos(t)])
        ys.append(np.full(n, k))
    return _finish(rng, np.vstack(Xs), np.concatenate(ys), 0.0)


def make_xor(n_samples=200, noise=0.1, seed=0):
    """Four clusters at (+-1, +-1); the class is 1 where the signs differ (XOR)."""
    _check(n_samples, noise, "make_xor")
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n_samples, 2))
    X = np.sign(X) * (0.5 + 0.5 * np.abs(X))  # push points away from the axes
    y = (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(np.int64)
    return _finish(rng, X, y, noise)


def make_blobs(n_samples=200, noise=0.5, centers=((-1.5, -1.0), (1.5, 1.0)), seed=0):
    """Gaussian clusters, one class per centre, spread ``noise``."""
    _check(n_samples, noise, "make_blobs")
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or centers.shape[1] != 2 or len(centers) < 2:
        raise ValueError(f"make_blobs: centers must be at least two (x, y) pairs, got shape {centers.shape}")
    rng = np.random.default_rng(seed)
    k = len(centers)
    y = np.arange(n_samples) % k
    return _finish(rng, centers[y], y, noise)
