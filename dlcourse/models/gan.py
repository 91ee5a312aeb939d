"""GAN generator/discriminator pairs (small MLPs for 2-D points, small convolutional nets for 8x8 digits)
and one training loop for both.

The game: the discriminator D maps a point (or image) to one logit, high for "real"; the generator G
maps noise z to a sample and wants D to call it real. With s = sigmoid(logit):

- D minimises  BCE(D(x), 1) + BCE(D(G(z)), 0)   (real target 1 - label_smoothing with smoothing)
- G, "minimax":         minimises  log(1 - s(D(G(z))))   = -softplus(D(G(z)))
- G, "non-saturating":  minimises  -log s(D(G(z)))       =  softplus(-D(G(z)))

Both generator losses push the same way; the minimax one has almost no gradient while D easily
rejects the fakes (s near 0), which is exactly the situation at the start of training.
"""
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

GAN_LOSSES = ("non-saturating", "minimax")


def _mlp(sizes, act):
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


def _sizes(who, in_dim, hidden, layers, out_dim):
    for name, v in (("in/latent dim", in_dim), ("hidden", hidden), ("layers", layers), ("out_dim", out_dim)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{who}: {name} must be a positive integer, got {v!r}")
    return [in_dim] + [hidden] * layers + [out_dim]


class MLPGenerator(nn.Module):
    """z ``(N, latent_dim)`` -> point ``(N, out_dim)``: ``layers`` hidden ReLU layers of width ``hidden``, linear output."""

    def __init__(self, latent_dim=2, hidden=128, layers=2, out_dim=2):
        super().__init__()
        self.latent_dim = latent_dim
        self.net = _mlp(_sizes("MLPGenerator", latent_dim, hidden, layers, out_dim), nn.ReLU)

    def forward(self, z):
        return self.net(z)


class MLPDiscriminator(nn.Module):
    """point ``(N, in_dim)`` -> logit ``(N,)``: ``layers`` hidden LeakyReLU(0.2) layers of width ``hidden``."""

    def __init__(self, in_dim=2, hidden=128, layers=2):
        super().__init__()
        self.net = _mlp(_sizes("MLPDiscriminator", in_dim, hidden, layers, 1), lambda: nn.LeakyReLU(0.2))

    def forward(self, x):
        return self.net(x).squeeze(-1)


class ConvGenerator(nn.Module):
    """z ``(N, latent_dim)`` -> image ``(N, 1, 8, 8)`` in [-1, 1] (tanh).

    Linear to ``2 c x 2 x 2``, then two transposed convolutions (kernel 4, stride 2, padding 1), each
    doubling the side: 2 -> 4 (batch norm, ReLU) -> 8.
    """

    def __init__(self, latent_dim=16, channels=32):
        super().__init__()
        self.latent_dim, c = latent_dim, channels
        self.project = nn.Sequential(nn.Linear(latent_dim, 2 * c * 4), nn.BatchNorm1d(2 * c * 4), nn.ReLU(),
                                     nn.Unflatten(1, (2 * c, 2, 2)))
        self.up = nn.Sequential(nn.ConvTranspose2d(2 * c, c, 4, stride=2, padding=1), nn.BatchNorm2d(c), nn.ReLU(),
                                nn.ConvTranspose2d(c, 1, 4, stride=2, padding=1), nn.Tanh())

    def forward(self, z):
        return self.up(self.project(z))


class ConvDiscriminator(nn.Module):
    """image ``(N, 1, 8, 8)`` -> logit ``(N,)``: two stride-2 convolutions (8 -> 4 -> 2), LeakyReLU(0.2), Linear."""

    def __init__(self, channels=32):
        super().__init__()
        c = channels
        self.net = nn.Sequential(nn.Conv2d(1, c, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
                                 nn.Conv2d(c, 2 * c, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
                                 nn.Flatten(), nn.Linear(2 * c * 4, 1))

    def forward(self, x):
        return self.net(x).squeeze(-1)


def discriminator_loss(real_logits, fake_logits, label_smoothing=0.0):
    """BCE on real logits (target ``1 - label_smoothing``) plus BCE on fake logits (target 0), each a batch mean."""
    if not 0 <= label_smoothing < 0.5:
        raise ValueError(f"label_smoothing must lie in [0, 0.5), got {label_smoothing!r}")
    real = F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, 1.0 - label_smoothing))
    return real + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))


def generator_loss(fake_logits, loss="non-saturating"):
    """``softplus(-logit)`` (non-saturating, -log D) or ``-softplus(logit)`` (minimax, log(1 - D)), batch mean."""
    if loss == "non-saturating":
        return F.softplus(-fake_logits).mean()
    if loss == "minimax":
        return -F.softplus(fake_logits).mean()
    raise ValueError(f"loss must be one of {', '.join(GAN_LOSSES)}; got {loss!r}")


def _positive_int(v, name):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
        raise ValueError(f"train_gan: {name} must be a positive integer, got {v!r}")
    return int(v)


def train_gan(generator, discriminator, sample_real, steps, batch_size=256, lr_g=1e-3, lr_d=1e-3,
              betas=(0.5, 0.999), loss="non-saturating", d_steps=1, g_steps=1, label_smoothing=0.0,
              callback=None, every=100):
    """Train a GAN with Adam for ``steps`` rounds; returns the history ``{'d_loss': [...], 'g_loss': [...],
    'snapshots': [(step, callback(generator)), ...]}``.

    One round: ``d_steps`` discriminator updates (each on a fresh real batch ``sample_real(batch_size)`` and
    fresh fakes), then ``g_steps`` generator updates. Noise z is standard normal of ``generator.latent_dim``,
    drawn from torch's global generator (seed with ``dlcourse.seed``). ``callback(generator)`` runs in eval
    mode without gradients at round 0 and every ``every`` rounds after, and after the last one.
    """
    steps, batch_size = _positive_int(steps, "steps"), _positive_int(batch_size, "batch_size")
    d_steps, g_steps, every = (_positive_int(v, n) for v, n in ((d_steps, "d_steps"), (g_steps, "g_steps"),
                                                                 (every, "every")))
    generator_loss(torch.zeros(1), loss)  # validates the loss name before any work
    discriminator_loss(torch.zeros(1), torch.zeros(1), label_smoothing)
    device = next(generator.parameters()).device
    dtype = next(generator.parameters()).dtype
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr_g, betas=betas)
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr_d, betas=betas)
    noise = lambda: torch.randn(batch_size, generator.latent_dim, device=device, dtype=dtype)
    history = {"d_loss": [], "g_loss": [], "snapshots": []}

    def snapshot(step):
        if callback is not None:
            generator.eval()
            with torch.no_grad():
                history["snapshots"].append((step, callback(generator)))
            generator.train()

    snapshot(0)
    for step in range(1, steps + 1):
        for _ in range(d_steps):
            real = torch.as_tensor(sample_real(batch_size), device=device, dtype=dtype)
            with torch.no_grad():
                fake = generator(noise())
            d = discriminator_loss(discriminator(real), discriminator(fake), label_smoothing)
            opt_d.zero_grad()
            d.backward()
            opt_d.step()
        for _ in range(g_steps):
            g = generator_loss(discriminator(generator(noise())), loss)
            opt_g.zero_grad()
            g.backward()  # also fills D's gradients; opt_d.zero_grad() clears them before D's next step
            opt_g.step()
        if not (torch.isfinite(d) and torch.isfinite(g)):
            raise FloatingPointError(f"train_gan: a loss became NaN/inf at round {step}; lower the learning rates")
        history["d_loss"].append(float(d.detach()))
        history["g_loss"].append(float(g.detach()))
        if step % every == 0 or step == steps:
            snapshot(step)
    return history
