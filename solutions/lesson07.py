"""Reference solutions for lesson 07, recurrent networks."""
import numpy as np

# torch.nn.GRU(input_size=10, hidden_size=20, num_layers=2): 3 gate blocks per layer, each with W_ih (20, layer input),
# W_hh (20, 20), b_ih and b_hh (20,); layer 1's input has 10 features, layer 2's is layer 1's hidden state (20)
ex07_gru_parameters = 3 * (20 * 10 + 20 * 20 + 20 + 20) + 3 * (20 * 20 + 20 * 20 + 20 + 20)


def ex07_clip_grad_norm(grads, max_norm):
    """One norm over all arrays together; if it exceeds max_norm, scale every array by the same factor."""
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    scale = min(1.0, max_norm / total)
    return [g * scale for g in grads]


def ex07_rnn_step_backward(x, h_prev, W_ih, W_hh, b, h, grad_h):
    """h = tanh(x W_ih^T + h_prev W_hh^T + b); x (N, I), h_prev and h (N, H)."""
    dz = grad_h * (1 - h ** 2)          # through tanh: tanh'(z) = 1 - tanh(z)^2 = 1 - h^2
    return dz @ W_ih, dz @ W_hh, dz.T @ x, dz.T @ h_prev, dz.sum(axis=0)


def ex07_lstm_cell_backward(grad_h, grad_c, f, o, c):
    """dL/dc_{t-1} of an LSTM step: c = f * c_prev + i * g, h = o * tanh(c).

    grad_h and grad_c are the gradients arriving at h_t and at c_t from later steps."""
    dc = grad_c + grad_h * o * (1 - np.tanh(c) ** 2)   # c_t reaches the loss directly and through h_t
    return dc * f                                       # the only path from c_{t-1} to c_t: times f
