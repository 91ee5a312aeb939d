"""Generated grey images of textures and shapes, for looking inside a CNN.

Six classes, large enough (32x32 by default) for three convolution layers to see different scales:
textures that fill the image (stripes in two orientations, a checkerboard) and outlines drawn
somewhere in it (a ring, a square, a cross). Period, phase, size, position and line width vary;
Gaussian pixel noise is added. Everything comes from ``numpy.random.default_rng(seed)``: the same
seed gives the same images on any machine, offline.
"""
import numpy as np

from .tabular import split

SHAPE_CLASSES = ["horizontal stripes", "vertical stripes", "checkerboard", "ring", "square", "cross"]


def _draw(kind, rng, size):
    """One noiseless (size, size) image in [0, 1] of class ``kind`` (an index into SHAPE_CLASSES)."""
    r, c = np.mgrid[0:size, 0:size].astype(np.float64)
    if kind < 3:  # textures: a square wave of random period and phase over the whole image
        period = rng.uniform(4.0, 8.0)
        phase_r, phase_c = rng.uniform(0, period, 2)
        rows = np.floor((r + phase_r) / (period / 2)) % 2
        cols = np.floor((c + phase_c) / (period / 2)) % 2
        return [rows, cols, (rows + cols) % 2][kind]
    # outlines: random centre and radius, drawn with a line 1.5 to 2.5 pixels wide
    radius = rng.uniform(0.22, 0.38) * size
    cy, cx = rng.uniform(radius + 2, size - radius - 2, 2)
    half_width = rng.uniform(0.75, 1.25)
    dy, dx = r - cy, c - cx
    if kind == 3:
        dist = np.abs(np.hypot(dy, dx) - radius)
    elif kind == 4:
        dist = np.abs(np.maximum(np.abs(dy), np.abs(dx)) - radius)
    else:
        dist = np.where(np.maximum(np.abs(dy), np.abs(dx)) <= radius, np.minimum(np.abs(dy), np.abs(dx)), np.inf)
    return (dist <= half_width).astype(np.float64)


def make_shapes(n_per_class=250, size=32, noise=0.25, val_size=0.15, test_size=0.2, seed=0):
    """Textures and outlines: ``Split`` with images (N, 1, size, size) and labels 0..5 (SHAPE_CLASSES).

    Pixels are 0 (background) or 1 (pattern) plus N(0, noise^2) noise. The split is stratified;
    images are not standardised (they already lie around [0, 1]).
    """
    if isinstance(n_per_class, bool) or not isinstance(n_per_class, (int, np.integer)) or n_per_class < 5:
        raise ValueError(f"make_shapes: n_per_class must be an integer >= 5, got {n_per_class!r}")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 16:
        raise ValueError(f"make_shapes: size must be an integer >= 16 (pixels per side), got {size!r}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or noise < 0:
        raise ValueError(f"make_shapes: noise must be a number >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(SHAPE_CLASSES)), n_per_class)
    X = np.stack([_draw(k, rng, size) for k in y])
    X += rng.normal(scale=noise, size=X.shape)
    s = split(X.reshape(len(X), -1), y.astype(np.int64), val_size=val_size, test_size=test_size,
              standardize=False, seed=seed, target_names=SHAPE_CLASSES)
    s.X_train, s.X_val, s.X_test = (A.reshape(-1, 1, size, size) for A in (s.X_train, s.X_val, s.X_test))
    return s


__all__ = ["make_shapes", "SHAPE_CLASSES"]
