"""Reference solutions for lesson 08, Transformers and attention."""
import numpy as np


def ex08_causal_mask(T):
    """Boolean (T, T) mask in torch.nn.MultiheadAttention's convention: True = may NOT attend.

    Query i may look at keys j <= i, so the forbidden entries are those above the diagonal (j > i).
    """
    return np.triu(np.ones((T, T), dtype=bool), k=1)


def ex08_attention_backward(Q, K, V, grad_out):
    """One head of scaled dot-product attention, forward and backward.

    Q: (L, d), K: (S, d), V: (S, d_v), grad_out: (L, d_v). Returns out (L, d_v), dQ, dK, dV.
    """
    d = Q.shape[1]
    scores = Q @ K.T / np.sqrt(d)                         # (L, S)
    P = np.exp(scores - scores.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)                     # softmax over the keys of each query
    out = P @ V
    dV = P.T @ grad_out
    dP = grad_out @ V.T
    # softmax backward, row by row: dS = P * (dP - sum_j dP_j P_j)
    dS = P * (dP - (dP * P).sum(axis=1, keepdims=True))
    dQ = dS @ K / np.sqrt(d)
    dK = dS.T @ Q / np.sqrt(d)
    return out, dQ, dK, dV


# TransformerEncoderLayer(d_model=32, nhead=8, dim_feedforward=64):
# self-attention in_proj 3*32*32 + 3*32, out_proj 32*32 + 32; linear1 32*64 + 64; linear2 64*32 + 32;
# two LayerNorms 2 * (32 + 32). The number of heads does not change the count.
ex08_encoder_parameters = (3 * 32 * 32 + 3 * 32) + (32 * 32 + 32) + (32 * 64 + 64) + (64 * 32 + 32) + 2 * (2 * 32)

# Losses in nats per character: a uniform guess over 65 characters costs ln 65 on every character;
# a loss of ln 4 = 1.386 means the model is as unsure as a uniform choice among e^1.386 = 4 characters.
ex08_loss_in_nats = {"uniform_loss": float(np.log(65)), "perplexity": float(np.exp(np.log(4.0)))}
