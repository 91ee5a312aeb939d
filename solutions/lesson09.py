"""Reference solutions for lesson 09, autoencoders."""
import numpy as np

# encoder 784 -> 256 -> 64 -> 16 and decoder 16 -> 64 -> 256 -> 784, weights plus biases
ex09_autoencoder_parameters = (784 * 256 + 256 + 256 * 64 + 64 + 64 * 16 + 16) + (16 * 64 + 64 + 64 * 256 + 256 + 256 * 784 + 784)


def ex09_autoencoder_backward(x, W1, b1, W2, b2):
    """Loss and gradients of mean((relu(x W1^T + b1) W2^T + b2 - x)^2): returns (loss, dW1, db1, dW2, db2)."""
    h = x @ W1.T + b1
    z = np.maximum(h, 0)
    x_hat = z @ W2.T + b2
    loss = np.mean((x_hat - x) ** 2)
    g = 2 * (x_hat - x) / x.size          # dL/dx_hat: the mean runs over every entry
    dW2, db2 = g.T @ z, g.sum(axis=0)
    gh = (g @ W2) * (h > 0)               # back through the decoder's weights and the ReLU
    dW1, db1 = gh.T @ x, gh.sum(axis=0)
    return loss, dW1, db1, dW2, db2


def ex09_kl_gradient(mu, log_var):
    """KL(N(mu, exp(log_var)) || N(0, 1)) summed over the code, averaged over the batch; and its gradients."""
    n = len(mu)
    kl = -0.5 * np.sum(1 + log_var - mu ** 2 - np.exp(log_var)) / n
    return kl, mu / n, 0.5 * (np.exp(log_var) - 1) / n
