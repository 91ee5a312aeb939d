"""GAN targets (dl.data.gan_target & co.) and the sample measures (mode coverage, energy distance)."""
import numpy as np
import pytest
import torch

import dlcourse as dl
from dlcourse.metrics import energy_distance, mode_coverage


@pytest.mark.parametrize("name,modes", [("ring", 8), ("grid", 25), ("moons", 8), ("spiral", 10)])
def test_targets_shapes_seeding_and_coverage(name, modes):
    t = dl.data.gan_target(name)
    x = t.sample(2000, seed=3)
    assert x.shape == (2000, 2) and x.dtype == np.float64 and t.centres.shape == (modes, 2)
    np.testing.assert_array_equal(x, t.sample(2000, seed=3))
    assert not np.array_equal(x, t.sample(2000, seed=4))
    cov = mode_coverage(x, t.centres, t.sigma)
    assert cov.covered == modes and cov.n_modes == modes and cov.high_quality > 0.95  # real data covers every mode


def test_ring_and_grid_geometry():
    ring = dl.data.make_ring(n_modes=6, radius=3.0, sigma=0.1)
    np.testing.assert_allclose(np.linalg.norm(ring.centres, axis=1), 3.0)
    x = ring.sample(6000, seed=0)
    d = np.linalg.norm(x[:, None] - ring.centres[None], axis=2).min(1)
    assert 0.08 < np.sqrt(np.mean(d ** 2) / 2) < 0.12  # per-axis spread is sigma
    grid = dl.data.make_grid(side=3, spacing=2.0)
    assert sorted(set(grid.centres[:, 0])) == [-2.0, 0.0, 2.0]


def test_generator_argument_is_used():
    t = dl.data.gan_target("moons")
    a = t.sample(5, np.random.default_rng(7))
    np.testing.assert_array_equal(a, t.sample(5, np.random.default_rng(7)))


@pytest.mark.parametrize("call,match", [
    (lambda: dl.data.gan_target("circle"), "one of ring, grid"),
    (lambda: dl.data.make_ring(n_modes=1), "n_modes"),
    (lambda: dl.data.make_ring(sigma=0), "sigma"),
    (lambda: dl.data.make_grid(side=2.5), "side"),
    (lambda: dl.data.gan_target("ring").sample(0), "positive integer"),
    (lambda: mode_coverage(np.zeros((5, 3)), np.zeros((2, 2)), 0.1), r"shape \(N, 2\)"),
    (lambda: mode_coverage(np.zeros((5, 2)), np.zeros((2, 2)), 0.0), "sigma > 0"),
    (lambda: energy_distance(np.zeros((5, 2)), np.zeros((5, 3))), "same D"),
])
def test_bad_input_is_explained(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_mode_coverage_counts_collapse_and_quality():
    ring = dl.data.gan_target("ring")
    rng = np.random.default_rng(0)
    one = ring.centres[2] + 0.01 * rng.standard_normal((400, 2))
    cov = mode_coverage(one, ring.centres, ring.sigma)
    assert cov.covered == 1 and cov.high_quality == 1.0 and cov.counts[2] == 400
    far = mode_coverage(one + 1.0, ring.centres, ring.sigma)  # well away from every mode
    assert far.covered == 0 and far.high_quality == 0.0
    # min_share: a mode with 5 of 400 points (fair share 50) is covered at 0.1 but not at 0.2
    mixed = np.vstack([one[:395], ring.centres[[5]].repeat(5, 0)])
    assert mode_coverage(mixed, ring.centres, ring.sigma, min_share=0.1).covered == 2
    assert mode_coverage(mixed, ring.centres, ring.sigma, min_share=0.2).covered == 1
    assert mode_coverage(torch.tensor(one), ring.centres, ring.sigma).covered == 1  # tensors accepted


def test_energy_distance_properties():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((300, 2)), rng.standard_normal((300, 2))
    assert energy_distance(x, x) == pytest.approx(0.0, abs=1e-12)
    assert energy_distance(x, y) == pytest.approx(energy_distance(y, x))
    near, far = energy_distance(x, y + 0.5), energy_distance(x, y + 2.0)
    assert energy_distance(x, y) < near < far
    # for point masses it is 2|a - b|
    assert energy_distance(np.zeros((1, 2)), np.array([[3.0, 4.0]])) == pytest.approx(10.0)
