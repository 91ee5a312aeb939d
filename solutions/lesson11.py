"""Reference solutions for lesson 11, comparing architectures."""
import numpy as np

# Conv1dNet(length=80): lengths 39, 20, 10; MACs per position C_out * C_in * k; then Linear(250, 10)
ex11_conv1d_macs = 39 * 25 * 1 * 5 + 20 * 25 * 25 * 3 + 10 * 25 * 25 * 3 + 250 * 10


def ex11_gru_params(input_size, hidden_size, bidirectional):
    """3 gates, each with W_ih (h x in), W_hh (h x h), b_ih and b_hh (h each), per direction."""
    h = hidden_size
    return (2 if bidirectional else 1) * 3 * (h * input_size + h * h + 2 * h)


def ex11_unshuffle_weights(weight, permutation):
    """Column j multiplied input permutation[j]; on the real signal that input sits at position permutation[j]."""
    return weight[:, np.argsort(permutation)]
