"""LatentExplorer driven headlessly: the sliders move the point, the models decode what is shown, errors teach."""
import base64

import numpy as np
import pytest
import torch

from dlcourse import data, models, widgets


@pytest.fixture(scope="module")
def explorer():
    torch.manual_seed(0)
    ae, den = models.AutoEncoder(64, (16,), 2), models.AutoEncoder(64, (16,), 4)  # untrained: cheap, same interface
    return widgets.LatentExplorer(ae, den, x=0.5, y=0.5, start=0, end=6, noise=0.3)


def test_display_bundle_has_picture_and_stable_text(explorer):
    bundle = explorer._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert bundle["text/plain"] == "LatentExplorer: point (0.50, 0.50), interpolating 0 → 6, noise 0.30"


def test_every_action_changes_the_picture(explorer):
    for desc, act in explorer.actions():
        before = explorer.image.value
        act()
        assert explorer.image.value != before, desc


def test_point_and_images_follow_the_models(explorer):
    w = explorer
    w.x.value, w.y.value = 0.0, 1.0
    lo, hi = w._limits[0]
    np.testing.assert_allclose(np.r_[w._ae_point.get_data()].ravel(), [lo[0], hi[1]])
    z = torch.tensor([[lo[0], hi[1]]], dtype=w._dtype)
    with torch.no_grad():
        want = w.autoencoder.decode(z).numpy().reshape(8, 8)
    np.testing.assert_allclose(w._images["ae"].get_array(), want, rtol=1e-5, atol=1e-6)
    # PCA decodes its own point: mean + code @ components
    lo_p, hi_p = w._limits[1]
    want_pca = (w.pca_mean + np.array([lo_p[0], hi_p[1]]) @ w.pca_components).clip(0, 1)
    np.testing.assert_allclose(w._images["pca"].get_array(), want_pca.reshape(8, 8))
    # interpolation: STEPS images from the start digit's code to the end digit's code
    w.start.value, w.end.value = 3, 3
    strip = np.asarray(w._strip.get_array())
    assert strip.shape == (8, 71)
    np.testing.assert_allclose(strip[:, :8], strip[:, -8:], rtol=1e-6)  # same start and end digit
    assert w.digits.y_test[w.examples[3]] == 3


def test_noise_slider_and_psnr(explorer):
    w = explorer
    w.noise.value = 0.0
    clean = w.digits.X_test[w.examples[w.start.value]]
    np.testing.assert_allclose(np.asarray(w._images["noisy"].get_array()).ravel(), clean)
    w.noise.value = 0.5
    assert w.psnr_noisy < 15 and "dB" in w.info.value


def test_trains_its_own_models_when_none_given():
    small = data.load_digits(flat=True, seed=0)
    w = widgets.LatentExplorer(digits=small)
    assert w.codes.shape == (len(small.X_test), 2)
    assert "LatentExplorer" in w.summary()


def test_errors_teach():
    with pytest.raises(TypeError, match="autoencoder must be a torch.nn.Module"):
        widgets.LatentExplorer(autoencoder="model", denoiser=models.AutoEncoder(64, (4,), 2))
    with pytest.raises(ValueError, match=r"must give 2-D codes \(N, 2\); got shape \(360, 3\)"):
        widgets.LatentExplorer(models.AutoEncoder(64, (4,), 3), models.AutoEncoder(64, (4,), 2))
    with pytest.raises(ValueError, match="digits must be a Split from dl.data.load_digits"):
        widgets.LatentExplorer(models.AutoEncoder(64, (4,), 2), models.AutoEncoder(64, (4,), 2),
                               digits=data.load_digits())
    with pytest.raises(ValueError, match="noise must be a number from 0 to 0.6; got 2"):
        widgets.LatentExplorer(models.AutoEncoder(64, (4,), 2), models.AutoEncoder(64, (4,), 2), noise=2)


def test_update_is_fast(explorer):
    assert widgets.median_update_ms(explorer, repeats=3) < 200  # 50 ms is the goal; generous for busy CI machines
