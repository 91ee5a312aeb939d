"""Checks for lesson 10, generative adversarial networks."""
import copy

import numpy as np

from .. import nn, optim
from .._env import numpy_seed
from ..nn import gan
from ..nn.gan import discriminator_loss_and_grad
from ._key import S
from ._core import (exercise, _LearnerError, _Wrong, _array, _call, _close, _matches, _name_mistake, _number,
                    _same_array, _rng)


@exercise("For a fixed G, D maximises p_data(x) log D(x) + p_g(x) log(1 - D(x)) at every x separately: "
          "set the derivative with respect to D(x) to zero.")
def ex10_optimal_discriminator(answer):
    rng = _rng(10)
    p_data, p_g = rng.uniform(0.05, 2.0, 12), rng.uniform(0.05, 2.0, 12)
    got = _array(_call(answer, p_data, p_g), p_data.shape, "D*(x)")
    _name_mistake(got, [
        (p_g / (p_data + p_g), "you swapped the two densities: D* is the probability that x is *real*, so it grows "
                               "with p_data."),
        (p_data / p_g, "a ratio of densities is not a probability (it can exceed 1): divide by p_data + p_g."),
        (np.full_like(p_data, 0.5), "1/2 is D* only where p_g = p_data, the end of a successful game."),
    ], rtol=1e-6)
    _same_array(got, S.ex10_optimal_discriminator(p_data, p_g), "D*(x)")
    return "D*(x) = p_data / (p_data + p_g): 1/2 everywhere exactly when the generator matches the data."


@exercise("Each half of D's loss is a batch mean of BCE-with-logits, softplus(x) - t x, whose derivative is "
          "sigmoid(x) - t; with label smoothing the real target t is 1 - smoothing, the fake target stays 0.")
def ex10_discriminator_grads(answer):
    rng = _rng(11)
    real, fake, smooth = rng.normal(1, 2, (8, 1)), rng.normal(-1, 2, (6, 1)), 0.1
    out = _without_library(answer, real, fake, smooth, names=("discriminator_loss_and_grad",))
    if not isinstance(out, tuple) or len(out) != 2:
        raise _Wrong("return a pair (grad_real, grad_fake).")
    _, want_r, want_f = discriminator_loss_and_grad(real, fake, smooth)
    if _matches(out[0], want_f) and _matches(out[1], want_r):
        raise _Wrong("you returned (grad_fake, grad_real): the real logits' gradient comes first.")
    got_r, got_f = _array(out[0], real.shape, "grad_real"), _array(out[1], fake.shape, "grad_fake")
    s_r, s_f = 1 / (1 + np.exp(-real)), 1 / (1 + np.exp(-fake))
    _name_mistake(got_r, [
        ((s_r - 1) / len(real), "grad_real: you ignored the label smoothing; the real target is 1 - smoothing."),
        ((s_r - smooth) / len(real), "grad_real: the real target is 1 - smoothing, not smoothing (smoothing moves "
                                     "it a little *down* from 1)."),
        (s_r - (1 - smooth), "grad_real: the loss is a batch *mean*; divide by the number of real points."),
        ((1 - smooth - s_r) / len(real), "grad_real: the sign is flipped; d/dx of softplus(x) - t x is sigmoid(x) - t."),
        ((s_r - 1 + smooth) / (len(real) + len(fake)), "grad_real: each half is averaged over its own batch, "
                                                        "not over real and fake together."),
    ])
    _same_array(got_r, want_r, "grad_real")
    _name_mistake(got_f, [
        ((s_f - smooth) / len(fake), "grad_fake: smoothing applies to the real labels only; the fake target stays 0."),
        (s_f, "grad_fake: the loss is a batch *mean*; divide by the number of fake points."),
        (-s_f / len(fake), "grad_fake: the sign is flipped; pushing a fake's logit up must raise D's loss."),
    ])
    _same_array(got_f, want_f, "grad_fake")
    return "these are the logit gradients dlcourse.nn.gan.discriminator_step feeds into D.backward."


def _without_library(answer, *args, names):
    """Call the learner's function while ``dlcourse.nn.gan``'s helpers ``names`` refuse to work: the exercise
    asks for what they compute."""
    saved, used = {name: getattr(gan, name) for name in names}, []

    def refuse(*_, **__):
        used.append(True)
        raise RuntimeError("dlcourse.nn.gan's helpers are switched off in this exercise")
    try:
        for name in names:
            setattr(gan, name, refuse)
        return _call(answer, *args)
    except _LearnerError:
        if used:
            raise _Wrong(f"write it yourself: dlcourse.nn.gan.{'/'.join(names)} is what the check compares "
                         "with.") from None
        raise
    finally:
        for name, fn in saved.items():
            setattr(gan, name, fn)


@exercise("x = G(z); logits = D(x); the logit gradient of mean(-log sigmoid(logit)) is (sigmoid(logit) - 1) / N; "
          "D.backward turns it into dL/dx, G.backward(dL/dx) fills G's gradients; zero them first, then step.")
def ex10_generator_step(answer):
    with numpy_seed(12):
        G = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
        D = nn.Sequential(nn.Linear(2, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
        z = np.random.standard_normal((10, 2))
        stale = [np.random.standard_normal(p.shape) for p in G.parameters()]  # left over from an earlier backward
    lr = 0.1

    def fresh():
        g, d = copy.deepcopy(G), copy.deepcopy(D)
        for p, old in zip(g.parameters(), stale):
            p.grad[...] = old
        return g, d, optim.SGD(g.parameters(), lr=lr)  # plain SGD: unlike Adam, the step shows the gradient's size

    g, d, opt = fresh()
    want_loss = gan.generator_step(g, d, opt, z, "non-saturating")
    want = np.concatenate([p.data.ravel() for p in g.parameters()])
    g, d, opt = fresh()
    gan.generator_step(g, d, opt, z, "minimax")
    minimax = np.concatenate([p.data.ravel() for p in g.parameters()])
    before = np.concatenate([p.data.ravel() for p in G.parameters()])
    grad = (before - want) / lr
    old = np.concatenate([s.ravel() for s in stale])

    g, d, opt = fresh()
    loss = _without_library(answer, g, d, opt, z, names=("generator_loss_and_grad", "generator_point_grad",
                                                          "generator_step"))
    if any(not np.array_equal(a.data, b.data) for a, b in zip(d.parameters(), D.parameters())):
        raise _Wrong("D's weights changed: in G's step only G is updated (D.backward is only the way to dL/dx; "
                     "do not step D).")
    got = np.concatenate([p.data.ravel() for p in g.parameters()])
    if np.array_equal(got, before):
        raise _Wrong("G's weights did not change: end with optimizer.step().")
    _name_mistake(got, [
        (minimax, "that is a step on the minimax loss, logit gradient -sigmoid / N; the non-saturating loss "
                  "-log sigmoid(logit) has (sigmoid - 1) / N."),
        (before + lr * grad, "G moved uphill: the sign of the gradient is flipped (d/dlogit of -log sigmoid is "
                             "sigmoid - 1)."),
        (want - lr * old, "G's old gradients were added to the new ones: call optimizer.zero_grad() before "
                          "G.backward."),
        (before - lr * len(z) * grad, "the loss is a batch mean: divide the logit gradient by N."),
    ], rtol=1e-6)
    _same_array(got, want, "G's weights after the step")
    _close(_number(loss, "G's loss (a number)"), want_loss, "G's loss")
    return "one generator update: D's input gradient flows into G.backward, and only G's optimizer steps."
