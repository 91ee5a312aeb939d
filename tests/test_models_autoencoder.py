"""Autoencoder models: shapes, the VAE's loss and sampling, training that really reduces the error, errors that teach."""
import numpy as np
import pytest
import torch

from dlcourse import models
from dlcourse.data import load_digits


@pytest.fixture(scope="module")
def digits():
    return load_digits(flat=True, seed=0)


def test_dense_autoencoder_shapes_and_mirror():
    ae = models.AutoEncoder(64, (32, 16), 3)
    x = torch.rand(5, 64)
    assert ae.encode(x).shape == (5, 3)
    out = ae(x)
    assert out.shape == (5, 64) and out.min().item() >= 0 and out.max().item() <= 1  # sigmoid output
    widths = [m.out_features for m in ae.modules() if isinstance(m, torch.nn.Linear)]
    assert widths == [32, 16, 3, 16, 32, 64]
    linear = models.AutoEncoder(8, (4,), 2, output="linear")
    assert not isinstance(linear.decoder[-1], torch.nn.Sigmoid)


def test_conv_autoencoder_shapes():
    for size, channels in ((8, (16, 32)), (16, (8, 16, 32))):
        ae = models.ConvAutoEncoder(size, channels, latent=5)
        x = torch.rand(3, 1, size, size)
        assert ae.encode(x).shape == (3, 5)
        assert ae(x).shape == (3, 1, size, size)
    with pytest.raises(ValueError, match=r"expected images \(N, 1, 8, 8\)"):
        models.ConvAutoEncoder(8)(torch.rand(3, 64))


def test_vae_loss_matches_the_formula_and_is_zero_kl_at_the_prior():
    torch.manual_seed(0)
    x = torch.rand(4, 6)
    x_hat = torch.rand(4, 6) * 0.98 + 0.01
    mu, log_var = torch.randn(4, 2), torch.randn(4, 2)
    total, rec, kl = models.VAE.loss(x, x_hat, mu, log_var, beta=0.5)
    bce = -(x * x_hat.log() + (1 - x) * (1 - x_hat).log()).sum() / 4
    var = log_var.exp()
    kl_ref = 0.5 * (var + mu ** 2 - 1 - log_var).sum() / 4  # KL(N(mu, var) || N(0, 1)), per sample
    assert torch.allclose(rec, bce, atol=1e-5) and torch.allclose(kl, kl_ref, atol=1e-6)
    assert torch.allclose(total, rec + 0.5 * kl)
    assert abs(float(models.VAE.loss(x, x_hat, torch.zeros(4, 2), torch.zeros(4, 2))[2])) < 1e-7


def test_vae_reparameterisation_in_training_mean_in_eval():
    vae = models.VAE(6, (8,), 2)
    x = torch.rand(3, 6)
    vae.eval()
    a, mu, log_var = vae(x)
    assert torch.equal(a, vae(x)[0]) and torch.allclose(a, vae.decode(mu))  # eval: the mean code, no noise
    vae.train()
    torch.manual_seed(1)
    b = vae(x)[0]
    assert not torch.allclose(a, b)  # training: a sampled code
    out = vae(x)
    out[0].sum().backward()  # gradients reach mu's and log_var's layers through the sample
    assert vae.mu.weight.grad.abs().sum() > 0 and vae.log_var.weight.grad.abs().sum() > 0
    s = vae.sample(7, generator=torch.Generator().manual_seed(0))
    assert s.shape == (7, 6) and torch.equal(s, vae.sample(7, generator=torch.Generator().manual_seed(0)))


def test_training_beats_pca_at_two_dimensions(digits):
    """The lesson's claim, small: a 2-D non-linear autoencoder reconstructs held-out digits better than PCA-2."""
    torch.manual_seed(0)
    ae = models.AutoEncoder(64, (128,), 2)
    losses = models.fit_autoencoder(ae, digits.X_train, epochs=40, seed=0)
    assert losses[-1] < 0.5 * losses[0]
    mean = digits.X_train.mean(0)
    V = np.linalg.svd(digits.X_train - mean, full_matrices=False)[2][:2]
    pca = np.mean(((digits.X_test - mean) @ V.T @ V + mean - digits.X_test) ** 2)
    ae_err = models.reconstruction_error(ae, digits.X_test)
    assert ae_err.shape == (len(digits.X_test),)
    assert ae_err.mean() < 0.9 * pca


def test_denoising_and_vae_training_run(digits):
    torch.manual_seed(0)
    den = models.AutoEncoder(64, (64,), 8)
    losses = models.fit_autoencoder(den, digits.X_train[:300], epochs=5, noise=0.3, seed=0)
    assert len(losses) == 5 and losses[-1] < losses[0]
    vae = models.VAE(64, (64,), 2)
    losses = models.fit_autoencoder(vae, digits.X_train[:300], epochs=5, seed=0)
    assert losses[-1] < losses[0]
    assert not vae.training  # handed back in eval mode
    conv = models.ConvAutoEncoder(8, (4, 8), 4)
    losses = models.fit_autoencoder(conv, digits.X_train[:200].reshape(-1, 1, 8, 8), epochs=3, seed=0)
    assert losses[-1] < losses[0]


def test_same_seed_same_training(digits):
    runs = []
    for _ in range(2):
        torch.manual_seed(3)
        ae = models.AutoEncoder(64, (16,), 2)
        runs.append(models.fit_autoencoder(ae, digits.X_train[:200], epochs=3, noise=0.2, seed=3))
    assert runs[0] == runs[1]


@pytest.mark.parametrize("make, match", [
    (lambda: models.AutoEncoder(64, 128, 2), r"hidden must be a non-empty tuple"),
    (lambda: models.AutoEncoder(64, (128,), 0), r"latent must be a positive integer, got 0"),
    (lambda: models.AutoEncoder(64, (), 2), r"hidden must be a non-empty tuple"),
    (lambda: models.AutoEncoder(64, (8,), 2, output="relu"), r"output must be one of sigmoid, linear"),
    (lambda: models.ConvAutoEncoder(12, (8, 16, 32)), r"image_size 12 must be divisible by 2 \*\* 3"),
    (lambda: models.VAE(64, (8,), 2.5), r"latent must be a positive integer"),
    (lambda: models.VAE(4, (4,), 2).sample(0), r"n must be a positive integer, got 0"),
    (lambda: models.fit_autoencoder(models.AutoEncoder(4, (4,), 2), np.zeros((3, 4)), epochs=0),
     r"epochs must be a positive integer"),
    (lambda: models.fit_autoencoder(models.AutoEncoder(4, (4,), 2), np.zeros((3, 4)), noise=-1),
     r"noise must be a number >= 0"),
    (lambda: models.VAE.loss(torch.zeros(2, 3), torch.zeros(2, 4), torch.zeros(2, 1), torch.zeros(2, 1)),
     r"x has shape \(2, 3\) but x_hat has \(2, 4\)"),
])
def test_errors_teach(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_fit_autoencoder_rejects_other_models():
    with pytest.raises(TypeError, match="got Linear"):
        models.fit_autoencoder(torch.nn.Linear(2, 2), np.zeros((3, 2)))


def test_identity_activation_makes_a_linear_autoencoder():
    """activation_name='identity' with a linear output: the whole autoencoder is an affine map."""
    torch.manual_seed(0)
    ae = models.AutoEncoder(6, hidden=(5,), latent=2, activation_name="identity", output="linear").double()
    assert not any(isinstance(m, (torch.nn.ReLU, torch.nn.Sigmoid)) for m in ae.modules())
    a, b = torch.rand(4, 6, dtype=torch.float64), torch.rand(4, 6, dtype=torch.float64)
    with torch.no_grad():
        assert torch.allclose(ae(0.3 * a + 0.7 * b), 0.3 * ae(a) + 0.7 * ae(b), atol=1e-12)
        relu = models.AutoEncoder(6, hidden=(5,), latent=2, output="linear").double()
        assert not torch.allclose(relu(0.3 * a + 0.7 * b), 0.3 * relu(a) + 0.7 * relu(b), atol=1e-6)
