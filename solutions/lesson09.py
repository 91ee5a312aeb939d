"""Reference solutions for lesson 09, autoencoders."""
import numpy as np

# the largest hidden width h with AutoEncoder(64, (h,), 8) no bigger than ConvAutoEncoder(8, (16, 32), 8):
# (64h + h) + (8h + 8) + (8h + h) + (64h + 64) = 146h + 72 <= 11,753
ex09_parameter_budget = (11_753 - 72) // 146


def ex09_autoencoder_backward(x, W1, b1, W2, b2):
    """Loss and gradients of mean((relu(x W1^T + b1) W2^T + b2 - x)^2): returns (loss, dW1, db1, dW2, db2)."""
    h = x @ W1.T + b1
    a = np.maximum(h, 0)
    x_hat = a @ W2.T + b2
    loss = np.mean((x_hat - x) ** 2)
    g = 2 * (x_hat - x) / x.size          # dL/dx_hat: the mean runs over all N * D entries
    dW2, db2 = g.T @ a, g.sum(axis=0)
    gh = (g @ W2) * (h > 0)               # back through the decoder's weights and the ReLU
    dW1, db1 = gh.T @ x, gh.sum(axis=0)
    return loss, dW1, db1, dW2, db2


def ex09_kl_gradient(mu, log_var):
    """KL(N(mu, exp(log_var)) || N(0, 1)) summed over the code, averaged over the batch; and its gradients."""
    n = len(mu)
    kl = -0.5 * np.sum(1 + log_var - mu ** 2 - np.exp(log_var)) / n
    return kl, mu / n, 0.5 * (np.exp(log_var) - 1) / n
