"""GAN models (torch), train_gan, and the NumPy GAN steps (dl.nn.gan) against torch autograd."""
import numpy as np
import pytest
import torch

import dlcourse as dl
from dlcourse import nn
from dlcourse.nn import gan as npgan


def test_model_shapes_and_ranges():
    torch.manual_seed(0)
    G, D = dl.models.MLPGenerator(latent_dim=3, hidden=16, layers=3), dl.models.MLPDiscriminator(hidden=16)
    x = G(torch.randn(7, 3))
    assert x.shape == (7, 2) and D(x).shape == (7,)
    cg, cd = dl.models.ConvGenerator(latent_dim=16, channels=8), dl.models.ConvDiscriminator(channels=8)
    img = cg(torch.randn(5, 16))
    assert img.shape == (5, 1, 8, 8) and img.abs().max() <= 1
    assert cd(img).shape == (5,)
    with pytest.raises(ValueError, match="hidden"):
        dl.models.MLPGenerator(hidden=0)


def test_torch_losses_match_their_formulas():
    r, f = torch.randn(6), torch.randn(5)
    s = torch.sigmoid
    want_d = -(0.9 * torch.log(s(r)) + 0.1 * torch.log(1 - s(r))).mean() - torch.log(1 - s(f)).mean()
    torch.testing.assert_close(dl.models.discriminator_loss(r, f, label_smoothing=0.1), want_d)
    torch.testing.assert_close(dl.models.generator_loss(f, "non-saturating"), -torch.log(s(f)).mean())
    torch.testing.assert_close(dl.models.generator_loss(f, "minimax"), torch.log(1 - s(f)).mean())
    with pytest.raises(ValueError, match="non-saturating, minimax"):
        dl.models.generator_loss(f, "wasserstein")
    with pytest.raises(ValueError, match="label_smoothing"):
        dl.models.discriminator_loss(r, f, label_smoothing=0.6)


def _numpy_pair(seed=0):
    with dl._env.numpy_seed(seed):
        G = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
        D = nn.Sequential(nn.Linear(2, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
    return G, D


def _torch_copy(module, act):
    lin = [m for m in module if isinstance(m, nn.Linear)]
    t = torch.nn.Sequential(torch.nn.Linear(2, 8), act, torch.nn.Linear(8, lin[1].out_features)).double()
    t.load_state_dict({f"{i}.{k}": torch.tensor(getattr(m, k).data) for i, m in zip((0, 2), lin)
                       for k in ("weight", "bias")})
    return t


@pytest.mark.parametrize("loss", dl.models.GAN_LOSSES)
def test_numpy_generator_gradient_matches_torch(loss):
    G, D = _numpy_pair()
    tG, tD = _torch_copy(G, torch.nn.ReLU()), _torch_copy(D, torch.nn.LeakyReLU(0.2))
    z = np.random.default_rng(1).standard_normal((16, 2))
    points, value, grad = npgan.generator_point_grad(G, D, z, loss)
    x = tG(torch.tensor(z)).detach().requires_grad_(True)
    tl = dl.models.generator_loss(tD(x).squeeze(-1), loss)
    tl.backward()
    assert value == pytest.approx(tl.item(), rel=1e-10)
    np.testing.assert_allclose(grad, x.grad.numpy(), rtol=1e-9, atol=1e-12)
    assert all(np.all(p.grad == 0) for p in D.parameters())  # G's step leaves D untouched
    G.backward(grad)  # and the chain continues into G exactly as torch's does
    tG.zero_grad()
    dl.models.generator_loss(tD(tG(torch.tensor(z))).squeeze(-1), loss).backward()
    np.testing.assert_allclose(G[0].weight.grad, tG[0].weight.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_numpy_discriminator_step_matches_torch():
    G, D = _numpy_pair(1)
    tD = _torch_copy(D, torch.nn.LeakyReLU(0.2))
    rng = np.random.default_rng(2)
    real, z = rng.standard_normal((10, 2)), rng.standard_normal((12, 2))
    fake = G(z)
    opt = dl.optim.SGD(D.parameters(), lr=0.1)
    loss = npgan.discriminator_step(G, D, opt, real, z, label_smoothing=0.1)
    tl = dl.models.discriminator_loss(tD(torch.tensor(real)).squeeze(-1), tD(torch.tensor(fake)).squeeze(-1), 0.1)
    tl.backward()
    assert loss == pytest.approx(tl.item(), rel=1e-10)
    with torch.no_grad():
        for p in tD.parameters():
            p -= 0.1 * p.grad
    np.testing.assert_allclose(D[0].weight.data, tD[0].weight.detach().numpy(), rtol=1e-9, atol=1e-12)


def test_numpy_logit_gradients_by_finite_differences():
    r, f = np.random.default_rng(3).normal(size=(2, 5, 1))
    for loss in npgan.GAN_LOSSES:
        _, g = npgan.generator_loss_and_grad(f, loss)
        num = dl.gradcheck.numerical_gradient(lambda: npgan.generator_loss_and_grad(f, loss)[0], f)
        assert dl.gradcheck.rel_error(g, num) < 1e-7
    _, gr, gf = npgan.discriminator_loss_and_grad(r, f, 0.2)
    assert dl.gradcheck.rel_error(gr, dl.gradcheck.numerical_gradient(
        lambda: npgan.discriminator_loss_and_grad(r, f, 0.2)[0], r)) < 1e-7
    assert dl.gradcheck.rel_error(gf, dl.gradcheck.numerical_gradient(
        lambda: npgan.discriminator_loss_and_grad(r, f, 0.2)[0], f)) < 1e-7
    with pytest.raises(ValueError, match="loss must be"):
        npgan.generator_loss_and_grad(f, "hinge")
    G, _ = _numpy_pair()
    with pytest.raises(ValueError, match=r"logits of shape \(N, 1\)"):
        npgan.generator_point_grad(G, G, np.zeros((3, 2)))  # a "discriminator" with two outputs


def test_train_gan_learns_the_ring_and_records_history():
    ring = dl.data.gan_target("ring")
    ref, rng = ring.sample(500, seed=9), np.random.default_rng(0)
    dl.seed(0)
    G, D = dl.models.MLPGenerator(hidden=64), dl.models.MLPDiscriminator(hidden=64)
    z = torch.randn(500, 2, dtype=torch.float64)
    h = dl.models.train_gan(G.double(), D.double(), lambda n: ring.sample(n, rng), 300, batch_size=128,
                            lr_g=2e-3, lr_d=2e-3, callback=lambda g: dl.metrics.energy_distance(g(z).numpy(), ref),
                            every=100)
    assert len(h["d_loss"]) == len(h["g_loss"]) == 300
    assert [s for s, _ in h["snapshots"]] == [0, 100, 200, 300]
    assert h["snapshots"][-1][1] < h["snapshots"][0][1] / 3  # it learned something in 300 rounds
    assert G.training  # the callback's eval mode is undone


def test_train_gan_validates_and_stops_on_nan():
    G, D = dl.models.MLPGenerator(hidden=4), dl.models.MLPDiscriminator(hidden=4)
    sample = lambda n: torch.zeros(n, 2)
    for kwargs, match in [(dict(steps=0), "steps"), (dict(steps=1, d_steps=0), "d_steps"),
                          (dict(steps=1, loss="wgan"), "loss must be"),
                          (dict(steps=1, label_smoothing=0.5), "label_smoothing")]:
        with pytest.raises(ValueError, match=match):
            dl.models.train_gan(G, D, sample, **kwargs)
    with pytest.raises(FloatingPointError, match="lower the learning rates"):
        dl.models.train_gan(G, D, lambda n: torch.full((n, 2), float("nan")), 2)
