"""GAN training steps for ``dlcourse.nn`` models, with every gradient written out.

D maps points ``(N, d)`` to logits ``(N, 1)``; G maps noise ``(N, k)`` to points ``(N, d)``. With
s = sigmoid(logit), mean-reduced losses and their gradients with respect to the logits:

- D:  BCE(real, 1 - smoothing) + BCE(fake, 0);  dL/dlogit = (s - target) / N for each half
- G, non-saturating:  mean(-log s)      = mean(softplus(-logit)),  dL/dlogit = (s - 1) / N
- G, minimax:         mean(log(1 - s))  = -mean(softplus(logit)),  dL/dlogit = -s / N

The generator never sees data: its gradient is D's *input* gradient ``D.backward(dL/dlogit)``,
passed on into ``G.backward``. Same losses as ``dlcourse.models.gan`` (the torch version).
"""
import numpy as np

GAN_LOSSES = ("non-saturating", "minimax")


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # stable for large |x|


def _logits(d, who):
    d = np.asarray(d, dtype=np.float64)
    if d.ndim != 2 or d.shape[1] != 1:
        raise ValueError(f"{who}: the discriminator must return logits of shape (N, 1), got {d.shape}")
    return d


def discriminator_loss_and_grad(real_logits, fake_logits, label_smoothing=0.0):
    """``(loss, grad_real, grad_fake)``: the discriminator's loss and its gradients wrt both logit arrays (same shapes)."""
    if not 0 <= label_smoothing < 0.5:
        raise ValueError(f"label_smoothing must lie in [0, 0.5), got {label_smoothing!r}")
    r, f = np.asarray(real_logits, dtype=np.float64), np.asarray(fake_logits, dtype=np.float64)
    target = 1.0 - label_smoothing
    # BCE with logits: softplus(x) - target * x
    loss = np.mean(np.logaddexp(0, r) - target * r) + np.mean(np.logaddexp(0, f))
    return float(loss), (_sigmoid(r) - target) / r.size, _sigmoid(f) / f.size


def generator_loss_and_grad(fake_logits, loss="non-saturating"):
    """``(loss, grad)``: the generator's loss on D's logits for fakes, and its gradient wrt those logits."""
    f = np.asarray(fake_logits, dtype=np.float64)
    if loss == "non-saturating":
        return float(np.mean(np.logaddexp(0, -f))), (_sigmoid(f) - 1.0) / f.size
    if loss == "minimax":
        return float(-np.mean(np.logaddexp(0, f))), -_sigmoid(f) / f.size
    raise ValueError(f"loss must be one of {', '.join(GAN_LOSSES)}; got {loss!r}")


def discriminator_step(generator, discriminator, optimizer, real, z, label_smoothing=0.0):
    """One update of D on ``real (N, d)`` and fakes ``G(z)``; G is not changed. Returns D's loss.

    Real and fake points go through D as one batch, so a single backward pass fills D's gradients.
    """
    fake = generator(z)
    logits = _logits(discriminator(np.concatenate([real, fake])), "discriminator_step")
    n = len(real)
    loss, g_real, g_fake = discriminator_loss_and_grad(logits[:n], logits[n:], label_smoothing)
    optimizer.zero_grad()
    discriminator.backward(np.concatenate([g_real, g_fake]))
    optimizer.step()
    return loss


def generator_point_grad(generator, discriminator, z, loss="non-saturating"):
    """``(points, loss, grad)``: generated points ``G(z) (N, d)``, G's loss, and ``dL/dx (N, d)`` for each point.

    ``-grad`` is where the generator's loss wants each point to move. Leaves D's parameter gradients zero.
    """
    points = generator(z)
    value, g_logit = generator_loss_and_grad(_logits(discriminator(points), "generator_step"), loss)
    grad = discriminator.backward(g_logit)  # D's input gradient: how the loss changes as a point moves
    discriminator.zero_grad()  # D is not trained in G's step; drop what its backward accumulated
    return points, value, grad


def generator_step(generator, discriminator, optimizer, z, loss="non-saturating"):
    """One update of G through a fixed D: D's input gradient is G's output gradient. Returns G's loss."""
    _, value, grad = generator_point_grad(generator, discriminator, z, loss)
    optimizer.zero_grad()
    generator.backward(grad)
    optimizer.step()
    return value
