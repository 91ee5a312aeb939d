"""Autoencoders: encoder -> small latent code -> decoder, trained to give back their own input.

``AutoEncoder`` (dense), ``ConvAutoEncoder`` (images) and ``VAE`` (a variational autoencoder that
can also generate) share one interface: ``encode(x) -> z``, ``decode(z) -> x_hat``, ``forward(x)``.
``fit_autoencoder`` trains any of them on unlabelled data, optionally corrupting the input with
noise (a denoising autoencoder).
"""
import math

import numpy as np
import torch
from torch import nn

from .mlp import activation

OUTPUTS = ("sigmoid", "linear")


def _sizes(who, **sizes):
    """Check layer sizes: a positive int, or for ``hidden``/``channels`` a non-empty sequence of them."""
    out = {}
    for name, value in sizes.items():
        many = name in ("hidden", "channels")
        values = tuple(value) if many and isinstance(value, (tuple, list)) else (value,)
        if (many and not isinstance(value, (tuple, list))) or not values or any(
                isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in values):
            kind = "a non-empty tuple of positive integers" if many else "a positive integer"
            raise ValueError(f"{who}: {name} must be {kind}, got {value!r}")
        out[name] = values if many else value
    return out


def _dense(sizes, activation_name):
    """Linear layers between consecutive ``sizes``, an activation after each but the last."""
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(activation(activation_name))
    return layers


def _output_layer(who, output):
    if output not in OUTPUTS:
        raise ValueError(f"{who}: output must be one of {', '.join(OUTPUTS)}, got {output!r}")
    return [nn.Sigmoid()] if output == "sigmoid" else []


class AutoEncoder(nn.Module):
    """in_features -> hidden ... -> latent -> reversed(hidden) ... -> in_features, fully connected.

    The code ``z = encode(x)`` is linear (no activation), so it can take any value. ``output='sigmoid'``
    keeps reconstructions in [0, 1] (pixels); ``'linear'`` suits standardised tables.
    Input ``(N, in_features)``, code ``(N, latent)``, output ``(N, in_features)``.
    """

    def __init__(self, in_features=64, hidden=(128,), latent=2, activation_name="relu", output="sigmoid"):
        super().__init__()
        hidden = _sizes("AutoEncoder", in_features=in_features, hidden=hidden, latent=latent)["hidden"]
        self.in_features, self.latent, self.output = in_features, latent, output
        self.encoder = nn.Sequential(*_dense([in_features, *hidden, latent], activation_name))
        self.decoder = nn.Sequential(*_dense([latent, *hidden[::-1], in_features], activation_name),
                                     *_output_layer("AutoEncoder", output))

    def encode(self, x):
        return self.encoder(x)

    def decode(self, z):
        return self.decoder(z)

    def forward(self, x):
        return self.decode(self.encode(x))


class ConvAutoEncoder(nn.Module):
    """Images (N, 1, S, S) -> stride-2 convolutions -> Linear -> code (N, latent) -> mirror image back.

    Each entry of ``channels`` is a Conv2d(3x3, stride 2, padding 1) + activation, halving the side;
    the decoder undoes each with a ConvTranspose2d(3x3, stride 2, padding 1, output_padding 1),
    which doubles it. ``image_size`` must be divisible by 2 ** len(channels) (8 for 8x8 digits,
    16 for ``load_digits(upsample=2)``). Output in [0, 1] (sigmoid).
    """

    def __init__(self, image_size=8, channels=(16, 32), latent=8, activation_name="relu"):
        super().__init__()
        channels = _sizes("ConvAutoEncoder", image_size=image_size, channels=channels, latent=latent)["channels"]
        if image_size % 2 ** len(channels):
            raise ValueError(f"ConvAutoEncoder: image_size {image_size} must be divisible by 2 ** {len(channels)} "
                             "(each convolution halves the side)")
        self.image_size, self.latent = image_size, latent
        side = image_size // 2 ** len(channels)
        flat = channels[-1] * side * side
        enc, c_in = [], 1
        for c_out in channels:
            enc += [nn.Conv2d(c_in, c_out, 3, stride=2, padding=1), activation(activation_name)]
            c_in = c_out
        self.encoder = nn.Sequential(*enc, nn.Flatten(), nn.Linear(flat, latent))
        dec = [nn.Linear(latent, flat), activation(activation_name), nn.Unflatten(1, (channels[-1], side, side))]
        outs = [*channels[-2::-1], 1]
        for i, c_out in enumerate(outs):
            dec.append(nn.ConvTranspose2d(c_in, c_out, 3, stride=2, padding=1, output_padding=1))
            dec.append(activation(activation_name) if i < len(outs) - 1 else nn.Sigmoid())
            c_in = c_out
        self.decoder = nn.Sequential(*dec)

    def encode(self, x):
        if x.ndim != 4 or x.shape[1:] != (1, self.image_size, self.image_size):
            raise ValueError(f"ConvAutoEncoder: expected images (N, 1, {self.image_size}, {self.image_size}), "
                             f"got shape {tuple(x.shape)}")
        return self.encoder(x)

    def decode(self, z):
        return self.decoder(z)

    def forward(self, x):
        return self.decode(self.encode(x))


class VAE(nn.Module):
    """A variational autoencoder for inputs in [0, 1]: x -> (mu, log_var) -> z = mu + sigma * eps -> x_hat.

    The encoder gives a Gaussian over codes, ``q(z|x) = N(mu, diag(exp(log_var)))``; training samples
    one code from it by the reparameterisation ``z = mu + exp(log_var / 2) * eps``, ``eps ~ N(0, I)``,
    so the sample is a differentiable function of mu and log_var. The KL term pulls q(z|x) towards the
    prior N(0, I), which is what makes ``sample(n)`` (decoding prior draws) give plausible inputs.
    Input ``(N, in_features)``; ``forward`` returns ``(x_hat, mu, log_var)``, shapes (N, in), (N, latent) x 2.
    """

    def __init__(self, in_features=64, hidden=(128,), latent=2, activation_name="relu"):
        super().__init__()
        hidden = _sizes("VAE", in_features=in_features, hidden=hidden, latent=latent)["hidden"]
        self.in_features, self.latent = in_features, latent
        self.body = nn.Sequential(*_dense([in_features, *hidden], activation_name), activation(activation_name))
        self.mu = nn.Linear(hidden[-1], latent)
        self.log_var = nn.Linear(hidden[-1], latent)
        self.decoder = nn.Sequential(*_dense([latent, *hidden[::-1], in_features], activation_name), nn.Sigmoid())

    def encode(self, x):
        """The mean code ``mu`` (N, latent): the deterministic summary used for maps and anomaly scores."""
        return self.mu(self.body(x))

    def decode(self, z):
        return self.decoder(z)

    def forward(self, x):
        h = self.body(x)
        mu, log_var = self.mu(h), self.log_var(h)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu) if self.training else mu
        return self.decode(z), mu, log_var

    @staticmethod
    def loss(x, x_hat, mu, log_var, beta=1.0):
        """``(total, reconstruction, kl)``, each a scalar tensor averaged over the batch.

        reconstruction = binary cross-entropy summed over the input's features;
        kl = KL(N(mu, sigma^2) || N(0, 1)) summed over the code = -1/2 sum(1 + log_var - mu^2 - exp(log_var));
        total = reconstruction + beta * kl (the negative evidence lower bound when beta = 1).
        """
        if x.shape != x_hat.shape:
            raise ValueError(f"VAE.loss: x has shape {tuple(x.shape)} but x_hat has {tuple(x_hat.shape)}")
        if mu.shape != log_var.shape:
            raise ValueError(f"VAE.loss: mu has shape {tuple(mu.shape)} but log_var has {tuple(log_var.shape)}")
        rec = nn.functional.binary_cross_entropy(x_hat, x, reduction="sum") / len(x)
        kl = -0.5 * torch.sum(1 + log_var - mu.pow(2) - log_var.exp()) / len(x)
        return rec + beta * kl, rec, kl

    @torch.no_grad()
    def sample(self, n, generator=None):
        """``n`` new inputs (n, in_features): decode codes drawn from the prior N(0, I)."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"VAE.sample: n must be a positive integer, got {n!r}")
        p = next(self.parameters())
        z = torch.randn(n, self.latent, generator=generator, dtype=p.dtype).to(p.device)
        return self.decode(z)


def fit_autoencoder(model, X, epochs=30, lr=3e-3, batch_size=64, noise=0.0, seed=0, weight_decay=0.0):
    """Train ``model`` (AutoEncoder, ConvAutoEncoder or VAE) to reconstruct ``X``; return the loss per epoch.

    No labels: the target is the input itself. With ``noise > 0`` each batch is corrupted with fresh
    Gaussian noise of that standard deviation (clipped to [0, 1] for sigmoid models) and the model
    must return the *clean* batch: a denoising autoencoder. Plain models use the mean squared error,
    a VAE its own ``VAE.loss``. Adam, shuffled mini-batches, everything seeded with ``seed``; CPU.
    ``X``: array or tensor (N, ...) in the model's input shape, on the CPU.
    """
    if not isinstance(model, (AutoEncoder, ConvAutoEncoder, VAE)):
        raise TypeError(f"fit_autoencoder trains AutoEncoder, ConvAutoEncoder or VAE; got {type(model).__name__}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit_autoencoder: epochs must be a positive integer, got {epochs!r}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not 0 <= noise < math.inf:
        raise ValueError(f"fit_autoencoder: noise must be a number >= 0, got {noise!r}")
    X = torch.as_tensor(np.asarray(X), dtype=next(model.parameters()).dtype)  # float32, or float64 after .double()
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)  # the VAE's sampling noise
    clip = getattr(model, "output", "sigmoid") == "sigmoid"  # noisy pixels stay pixels
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    model.train()
    losses = []
    for _ in range(epochs):
        order, total = torch.randperm(len(X), generator=g), 0.0
        for start in range(0, len(X), batch_size):
            xb = X[order[start:start + batch_size]]
            inp = xb
            if noise:
                inp = xb + noise * torch.randn(xb.shape, generator=g, dtype=xb.dtype)
                inp = inp.clamp(0, 1) if clip else inp
            opt.zero_grad()
            if isinstance(model, VAE):
                loss = model.loss(xb, *model(inp))[0]
            else:
                loss = nn.functional.mse_loss(model(inp), xb)
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        losses.append(total / len(X))
    model.eval()
    return losses


@torch.no_grad()
def reconstruction_error(model, X):
    """Mean squared error per sample between ``X`` and ``model``'s reconstruction, as a NumPy array (N,).

    The anomaly score of an autoencoder: inputs unlike its training data reconstruct badly.
    """
    model.eval()
    X = torch.as_tensor(np.asarray(X), dtype=next(model.parameters()).dtype)
    out = model(X)
    out = out[0] if isinstance(out, tuple) else out
    return ((out - X) ** 2).reshape(len(X), -1).mean(1).numpy()


__all__ = ["AutoEncoder", "ConvAutoEncoder", "VAE", "fit_autoencoder", "reconstruction_error"]
