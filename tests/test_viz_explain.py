"""Drawings for attributions, the learning-rate range test and search trials."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from dlcourse import tuning, viz


def test_attribution_panels_tile_images_and_scaled_maps(rng):
    images = rng.random((3, 1, 8, 8))
    signed, positive = rng.normal(size=(3, 8, 8)), rng.random((3, 1, 8, 8))
    fig, axes = plt.subplots(1, 3)
    viz.plot_attributions(axes, images, {"IG": signed, "saliency": positive})
    shown = [ax.images[0].get_array() for ax in axes]
    np.testing.assert_array_equal(shown[0], viz.tile_images(images, 3))  # 3 images: one row
    # each map divided by its own largest |value|; the gap columns stay NaN (background)
    expected = signed / np.abs(signed).reshape(3, -1).max(1)[:, None, None]
    np.testing.assert_allclose(shown[1].filled(np.nan), viz.tile_images(expected, 3))
    assert axes[1].images[0].get_clim() == (-1, 1) and axes[2].images[0].get_clim() == (0, 1)
    assert [ax.get_title() for ax in axes] == ["input", "IG", "saliency"]
    with pytest.raises(ValueError, match=r"needs 3 axes .* got 2"):
        viz.plot_attributions(axes[:2], images, {"IG": signed, "saliency": positive})
    with pytest.raises(ValueError, match=r"map 'IG' must hold 3 maps .* got shape \(2, 8, 8\)"):
        viz.plot_attributions(axes[:2], images, {"IG": signed[:2]})
    plt.close(fig)


def test_lr_range_and_search_plots():
    X = torch.randn(64, 3)
    y = X @ torch.ones(3, 1)
    res = tuning.lr_range_test(torch.nn.Linear(3, 1), torch.nn.functional.mse_loss, (X, y), lr_max=100.0,
                               steps=60)
    fig, (a, b) = plt.subplots(1, 2)
    viz.plot_lr_range(a, res)
    assert a.get_xscale() == "log" and "exploded" in a.get_title()
    assert a.get_ylim()[1] < res.losses[-1]  # the exploding step is cut off
    space = {"lr": tuning.loguniform(1e-3, 1)}
    grid = tuning.grid_search(lambda p: -abs(np.log10(p["lr"]) + 1), space, budget=5)
    rand = tuning.random_search(lambda p: -abs(np.log10(p["lr"]) + 1), space, 5)
    viz.plot_search(b, {"grid": grid, "random": rand}, "lr", logx=True)
    assert [t.get_text() for t in b.get_legend().get_texts()] == ["grid (5 trials)", "random (5 trials)"]
    plt.close(fig)
