"""Reference solutions for lesson 10, generative adversarial networks."""
import numpy as np


def ex10_optimal_discriminator(p_data, p_g):
    """Maximising p_data log D + p_g log(1 - D) pointwise: p_data / D = p_g / (1 - D)."""
    return p_data / (p_data + p_g)


def ex10_discriminator_grads(real_logits, fake_logits, smoothing):
    """Mean BCE-with-logits on each half: d/dx [softplus(x) - t x] = sigmoid(x) - t, divided by the batch size."""
    sigmoid = lambda x: 1 / (1 + np.exp(-x))
    return ((sigmoid(real_logits) - (1 - smoothing)) / len(real_logits),
            sigmoid(fake_logits) / len(fake_logits))


def ex10_generator_step(G, D, optimizer, z):
    """Non-saturating loss mean(softplus(-logit)): d/dlogit = (sigmoid(logit) - 1) / N, back through D into G."""
    x = G(z)
    logits = D(x)
    s = 1 / (1 + np.exp(-logits))
    grad_x = D.backward((s - 1) / len(z))   # D's input gradient; D's own weights are not stepped
    optimizer.zero_grad()
    G.backward(grad_x)
    optimizer.step()
    return float(np.mean(np.logaddexp(0, -logits)))
