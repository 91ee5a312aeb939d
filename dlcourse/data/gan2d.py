"""2-D target distributions for GANs, each with the mode centres needed to measure mode coverage.

``gan_target(name)`` returns a ``Target2D``: ``sample(n, seed)`` draws ``(n, 2)`` float64 points,
``centres (K, 2)`` are the modes and ``sigma`` the radius scale for coverage (a generated point
within ``k * sigma`` of a centre counts as a sample of that mode, see
``dlcourse.metrics.mode_coverage``). Mixtures (ring, grid) have true Gaussian modes; for the
curves (moons, spiral) the "modes" are anchor points spread evenly along the curve, with
``sigma`` a third of the gap between anchors, so that 3 sigma reaches halfway to the next one.
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

TARGETS = ("ring", "grid", "moons", "spiral")


@dataclass(frozen=True)
class Target2D:
    name: str
    centres: np.ndarray  # (K, 2) mode centres (anchors along the curve for moons and spiral)
    sigma: float         # spread of one mode (the coverage radius unit)
    _draw: Callable      # (rng, n) -> (n, 2)

    @property
    def n_modes(self):
        return len(self.centres)

    def sample(self, n, seed=None):
        """``n`` points ``(n, 2)``; ``seed``: an int or a ``numpy.random.Generator`` (None: fresh entropy)."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"Target2D.sample: n must be a positive integer, got {n!r}")
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        return self._draw(rng, int(n))

    def __repr__(self):
        return f"Target2D({self.name!r}, {self.n_modes} modes, sigma={self.sigma:g})"


def _mixture(centres, sigma):
    def draw(rng, n):
        return centres[rng.integers(len(centres), size=n)] + rng.normal(scale=sigma, size=(n, 2))
    return draw


def _positive(value, who, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not value > 0:
        raise ValueError(f"{who}: {name} must be a number > 0, got {value!r}")
    return float(value)


def make_ring(n_modes=8, radius=2.0, sigma=0.05):
    """``n_modes`` Gaussians of spread ``sigma`` evenly spaced on a circle of ``radius``.

    The classic test uses 8 modes, radius 2 and sigma 0.02; the default 0.05 reaches full coverage in
    fewer training steps (the coverage radius grows with sigma).
    """
    if isinstance(n_modes, bool) or not isinstance(n_modes, (int, np.integer)) or n_modes < 2:
        raise ValueError(f"make_ring: n_modes must be an integer >= 2, got {n_modes!r}")
    radius, sigma = _positive(radius, "make_ring", "radius"), _positive(sigma, "make_ring", "sigma")
    angle = 2 * np.pi * np.arange(n_modes) / n_modes
    centres = radius * np.c_[np.cos(angle), np.sin(angle)]
    return Target2D("ring", centres, sigma, _mixture(centres, sigma))


def make_grid(side=5, spacing=1.0, sigma=0.05):
    """``side x side`` Gaussians of spread ``sigma`` on a square grid centred at 0, ``spacing`` apart."""
    if isinstance(side, bool) or not isinstance(side, (int, np.integer)) or side < 2:
        raise ValueError(f"make_grid: side must be an integer >= 2, got {side!r}")
    spacing, sigma = _positive(spacing, "make_grid", "spacing"), _positive(sigma, "make_grid", "sigma")
    axis = (np.arange(side) - (side - 1) / 2) * spacing
    centres = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)
    return Target2D("grid", centres, sigma, _mixture(centres, sigma))


def _curve(name, point, t_range, n_anchors, noise):
    """A noisy curve ``point(t)`` for t uniform in ``t_range``; anchors at evenly spaced t."""
    lo, hi = t_range
    step = (hi - lo) / n_anchors
    t_anchor = lo + step * (np.arange(n_anchors) + 0.5)
    centres = point(t_anchor)
    gap = np.median(np.linalg.norm(np.diff(centres, axis=0), axis=1))

    def draw(rng, n):
        return point(rng.uniform(lo, hi, size=n)) + rng.normal(scale=noise, size=(n, 2))
    return Target2D(name, centres, float(gap / 3), draw)


def make_gan_moons(noise=0.05):
    """Two interleaving half circles (radius 1), centred at 0; 8 anchors (4 per moon)."""
    noise = _positive(noise, "make_gan_moons", "noise")

    def point(t):  # t in [0, 2 pi): the first half is the upper moon, the second the lower
        upper = t < np.pi
        s = np.where(upper, t, t - np.pi)
        x = np.where(upper, np.cos(s), 1 - np.cos(s))
        y = np.where(upper, np.sin(s), 0.5 - np.sin(s))
        return np.c_[x - 0.5, y - 0.25]
    return _curve("moons", point, (0.0, 2 * np.pi), 8, noise)


def make_gan_spiral(turns=1.5, radius=2.0, noise=0.05):
    """An Archimedean spiral from the centre out to ``radius`` over ``turns`` turns; 10 anchors."""
    turns, radius = _positive(turns, "make_gan_spiral", "turns"), _positive(radius, "make_gan_spiral", "radius")
    noise = _positive(noise, "make_gan_spiral", "noise")

    def point(t):  # t in [0.15, 1]: start a little away from the centre, where the turns crowd
        angle = 2 * np.pi * turns * t
        return radius * t[:, None] * np.c_[np.cos(angle), np.sin(angle)]
    return _curve("spiral", point, (0.15, 1.0), 10, noise)


def gan_target(name="ring"):
    """The named target with default settings: 'ring' (8 modes, radius 2, sigma 0.05), 'grid' (5x5, sigma 0.05),
    'moons' or 'spiral' (noise 0.05)."""
    makers = {"ring": make_ring, "grid": make_grid, "moons": make_gan_moons, "spiral": make_gan_spiral}
    if name not in makers:
        raise ValueError(f"gan_target: name must be one of {', '.join(TARGETS)}; got {name!r}")
    return makers[name]()
