"""Reference solutions for lesson 03, loss and optimisation."""
import numpy as np


ex03_mse = ((2 - 1) ** 2 + (0 - 0) ** 2 + (1 - 3) ** 2) / 3
ex03_cross_entropy = float(-np.log(np.exp(2.0) / np.exp([2.0, 1.0, 0.1]).sum()))


def ex03_momentum_step(w, grad, buf, lr, momentum):
    """One step of torch's SGD with momentum (buf starts as None)."""
    buf = grad.copy() if buf is None else momentum * buf + grad
    return w - lr * buf, buf


ex03_divergence_lr = 0.1  # f(w) = 10 w^2: w <- w (1 - 20 lr), unstable once |1 - 20 lr| > 1
