"""Checks for lesson 10, generative adversarial networks."""
import numpy as np

from .. import nn
from .._env import numpy_seed
from ..nn.gan import discriminator_loss_and_grad, generator_loss_and_grad
from ._key import S
from ._core import exercise, _Wrong, _array, _call, _matches, _name_mistake, _same_array


@exercise("For a fixed G, D maximises p_data(x) log D(x) + p_g(x) log(1 - D(x)) at every x separately: "
          "set the derivative with respect to D(x) to zero.")
def ex10_optimal_discriminator(answer):
    rng = np.random.default_rng(10)
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
    rng = np.random.default_rng(11)
    real, fake, smooth = rng.normal(1, 2, (8, 1)), rng.normal(-1, 2, (6, 1)), 0.1
    out = _call(answer, real, fake, smooth)
    if not isinstance(out, tuple) or len(out) != 2:
        raise _Wrong("return a pair (grad_real, grad_fake).")
    got_r, got_f = _array(out[0], real.shape, "grad_real"), _array(out[1], fake.shape, "grad_fake")
    _, want_r, want_f = discriminator_loss_and_grad(real, fake, smooth)
    s_r, s_f = 1 / (1 + np.exp(-real)), 1 / (1 + np.exp(-fake))
    _name_mistake(got_r, [
        ((s_r - 1) / len(real), "grad_real: you ignored the label smoothing; the real target is 1 - smoothing."),
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


@exercise("Run D forward on x, take the gradient of mean(softplus(-logit)) with respect to the logits "
          "(shape (N, 1)), then let D.backward carry it back to its input.")
def ex10_generator_backward(answer):
    with numpy_seed(12):
        D = nn.Sequential(nn.Linear(2, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
        x = np.random.normal(0, 1.5, (10, 2))
    logits = D(x)
    _, g_logit = generator_loss_and_grad(logits, "non-saturating")
    want = D.backward(g_logit)
    D.zero_grad()
    got = _call(answer, D, x)
    if _matches(got, g_logit):
        raise _Wrong("that is the gradient with respect to D's logits (N, 1); pass it through D.backward to "
                     "reach the points (N, 2).")
    got = _array(got, x.shape, "dL/dx")
    D(x)  # the answer may have run D on other inputs last; backward below needs this batch's forward
    s = 1 / (1 + np.exp(-logits))
    _name_mistake(got, [
        (D.backward(-s / len(x)), "that is the minimax loss's gradient, -sigmoid / N; the non-saturating loss "
                                  "-log sigmoid(logit) has (sigmoid - 1) / N."),
        (D.backward(s - 1), "the loss is a batch mean: divide the logit gradient by N."),
        (-want, "the sign is flipped: you returned the direction the points move (-dL/dx), not dL/dx."),
    ])
    D.zero_grad()
    _same_array(got, want, "dL/dx")
    return "the generator's whole training signal is this input gradient of D (it then flows into G.backward)."
