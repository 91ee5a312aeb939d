"""Reference solutions for lesson 12, challenges and remedies."""
import numpy as np


def ex12_adamw_first_step(w, g, lr, wd):
    """Weights after one step from a fresh state: (torch.optim.Adam with weight_decay, torch.optim.AdamW)."""
    betas, eps = (0.9, 0.999), 1e-8  # torch's defaults
    def adam_step(grad):
        m_hat = (1 - betas[0]) * grad / (1 - betas[0])         # bias-corrected first moment at step 1
        v_hat = (1 - betas[1]) * grad ** 2 / (1 - betas[1])    # and second moment
        return lr * m_hat / (np.sqrt(v_hat) + eps)
    adam_l2 = w - adam_step(g + wd * w)               # the penalty's gradient joins g
    adamw = w * (1 - lr * wd) - adam_step(g)          # decay applied to the weights directly
    return adam_l2, adamw


def ex12_ig_relu(w, b, x, baseline):
    """Integrated gradients of s(x) = relu(w . x + b): the gradient is w where the pre-activation is positive.

    Along the path the pre-activation runs in a straight line from z0 = w . baseline + b to z1 = w . x + b,
    so the average gradient is w times the share of the path with z > 0, (relu(z1) - relu(z0)) / (z1 - z0).
    """
    z0, z1 = baseline @ w + b, x @ w + b
    same = np.isclose(z1, z0)
    share = np.where(same, (z0 > 0).astype(float),
                     (np.maximum(z1, 0) - np.maximum(z0, 0)) / np.where(same, 1.0, z1 - z0))
    return (x - baseline) * w * share[:, None]


def ex12_signals_needed(disagree, delta):
    """Smallest n with delta >= 2 * sqrt((disagree - delta**2) / n): the paired difference is two standard errors."""
    return int(np.ceil(4 * (disagree - delta ** 2) / delta ** 2))
