"""Reference solutions for lesson 12, challenges and remedies."""
import numpy as np


def ex12_adamw_first_step(w, g, lr, weight_decay, betas=(0.9, 0.999), eps=1e-8):
    """Weights after one step from a fresh state: (torch.optim.Adam with weight_decay, torch.optim.AdamW)."""
    def adam_step(grad):
        m_hat = (1 - betas[0]) * grad / (1 - betas[0])         # bias-corrected first moment at step 1
        v_hat = (1 - betas[1]) * grad ** 2 / (1 - betas[1])    # and second moment
        return lr * m_hat / (np.sqrt(v_hat) + eps)
    adam_l2 = w - adam_step(g + weight_decay * w)               # the penalty's gradient joins g
    adamw = w * (1 - lr * weight_decay) - adam_step(g)          # decay applied to the weights directly
    return adam_l2, adamw


def ex12_ig_linear(w, x, baseline):
    """Integrated gradients of s(x) = w . x + b: the gradient is w everywhere, so IG = (x - baseline) * w."""
    return (x - baseline) * w
