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



def ex08_sampling_probs(logits, temperature, top_k):
    """The distribution CharGPT samples from (as dl.models.sampling_probs): scores (V,) -> probabilities (V,).

    Divide by the temperature; with top_k, drop every score below the k-th largest (ties with it stay);
    softmax over what is left, so the kept probabilities sum to 1.
    """
    scores = np.asarray(logits, dtype=float) / temperature
    if top_k is not None:
        scores = np.where(scores < np.sort(scores)[-top_k], -np.inf, scores)
    p = np.exp(scores - scores.max())
    return p / p.sum()
