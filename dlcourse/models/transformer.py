"""Transformers in PyTorch: an encoder classifier and a small character-level GPT.

Both are built from ``torch.nn.TransformerEncoder`` (the same block lesson 08 writes in NumPy):
self-attention and a feed-forward network, each wrapped in a residual connection and LayerNorm.
"""

import numpy as np
import torch
from torch import nn

from ..data.text import encode_chars
from ..nn.embedding import sinusoidal_positions  # one formula for NumPy and torch


def _positive(value, name, who):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{who}: {name} must be a positive integer, got {value!r}")
    return int(value)


def _encoder(d_model, nhead, num_layers, dim_feedforward, dropout, activation, who):
    for name, v in (("d_model", d_model), ("nhead", nhead), ("num_layers", num_layers),
                    ("dim_feedforward", dim_feedforward)):
        _positive(v, name, who)
    if d_model % nhead:
        raise ValueError(f"{who}: d_model ({d_model}) must be divisible by nhead ({nhead}): "
                         "each head gets d_model / nhead dimensions")
    layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation=activation,
                                       batch_first=True, norm_first=True)
    return nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)


class TransformerClassifier(nn.Module):
    """Embeddings + sinusoidal positions -> TransformerEncoder -> pooling over positions -> Linear head.

    Give ``vocab_size`` for token input ``(N, T)`` of integer ids (token embeddings), or ``in_features``
    for real-valued input ``(N, T, in_features)``, e.g. patches of a signal (a Linear "patch embedding").
    ``pooling='mean'`` averages the T outputs; ``'cls'`` prepends a learned [CLS] token and reads its output.
    Returns scores ``(N, num_classes)``.
    """

    def __init__(self, num_classes, vocab_size=None, in_features=None, d_model=64, nhead=4, num_layers=2,
                 dim_feedforward=128, dropout=0.0, max_len=1024, pooling="mean"):
        super().__init__()
        who = "TransformerClassifier"
        if (vocab_size is None) == (in_features is None):
            raise ValueError(f"{who}: give exactly one of vocab_size (token ids) or in_features (real-valued input)")
        if pooling not in ("mean", "cls"):
            raise ValueError(f"{who}: pooling must be 'mean' or 'cls', got {pooling!r}")
        num_classes, max_len = _positive(num_classes, "num_classes", who), _positive(max_len, "max_len", who)
        if vocab_size is not None:
            self.embed = nn.Embedding(_positive(vocab_size, "vocab_size", who), d_model)
        else:
            self.embed = nn.Linear(_positive(in_features, "in_features", who), d_model)
        self.tokens, self.pooling = vocab_size is not None, pooling
        self.cls = nn.Parameter(torch.zeros(1, 1, d_model)) if pooling == "cls" else None
        self.register_buffer("positions", torch.tensor(sinusoidal_positions(max_len + 1, d_model),
                                                       dtype=torch.get_default_dtype()), persistent=False)
        self.encoder = _encoder(d_model, nhead, num_layers, dim_feedforward, dropout, "relu", who)
        self.norm = nn.LayerNorm(d_model)  # pre-norm blocks leave the last output un-normalised
        self.head = nn.Linear(d_model, num_classes)

    def _inputs(self, x):
        """Checked input -> embeddings + positions ``(N, T', d_model)`` (T' = T + 1 with a [CLS] token)."""
        who = "TransformerClassifier"
        if self.tokens and (x.ndim != 2 or x.dtype not in (torch.int64, torch.int32)):
            raise ValueError(f"{who} with vocab_size expects integer ids (N, T), got {tuple(x.shape)} {x.dtype}")
        if not self.tokens and (x.ndim != 3 or x.shape[-1] != self.embed.in_features):
            raise ValueError(f"{who} with in_features={self.embed.in_features} expects (N, T, "
                             f"{self.embed.in_features}), got {tuple(x.shape)}")
        if x.shape[1] > len(self.positions) - 1:
            raise ValueError(f"{who}: sequence length {x.shape[1]} exceeds max_len {len(self.positions) - 1}")
        h = self.embed(x)
        if self.cls is not None:
            h = torch.cat([self.cls.expand(len(h), -1, -1), h], dim=1)
        return h + self.positions[:h.shape[1]]

    def _pool(self, h):
        h = self.norm(h)
        return self.head(h[:, 0] if self.cls is not None else h.mean(dim=1))

    def forward(self, x, attention="learned"):
        """Scores ``(N, num_classes)``. ``attention='uniform'`` is an ablation: every query averages all
        positions' values with equal weights (the learned values and output projection are kept), which
        shows how much the model's predictions depend on *where* it attends."""
        if attention not in ("learned", "uniform"):
            raise ValueError(f"TransformerClassifier: attention must be 'learned' or 'uniform', got {attention!r}")
        h = self._inputs(x)
        if attention == "learned":
            return self._pool(self.encoder(h))
        for layer in self.encoder.layers:  # pre-norm: h + attention(norm1(h)), then h + feed-forward(norm2(h))
            a = layer.self_attn
            d = a.embed_dim
            v = nn.functional.linear(layer.norm1(h), a.in_proj_weight[2 * d:], a.in_proj_bias[2 * d:])
            h = h + layer.dropout1(a.out_proj(v.mean(dim=1, keepdim=True).expand_as(v)))
            h = h + layer._ff_block(layer.norm2(h))
        return self._pool(h)

    def attention_weights(self, x):
        """Every layer's and head's attention for a batch ``x`` (the input :meth:`forward` takes):
        NumPy ``(num_layers, N, nhead, T', T')``, T' = T (+ 1 for the [CLS] token, position 0).

        Row t holds query position t's weights over key positions; each row sums to 1. The layers are
        re-run one by one exactly as :meth:`forward` runs them, in eval mode, without gradients.
        """
        was_training = self.training
        self.eval()
        maps = []
        with torch.no_grad():
            h = self._inputs(torch.as_tensor(x).to(next(self.parameters()).device))
            for layer in self.encoder.layers:  # pre-norm layers: attention reads norm1 of the layer's input
                z = layer.norm1(h)
                maps.append(layer.self_attn(z, z, z, need_weights=True, average_attn_weights=False)[1])
                h = layer(h)
        self.train(was_training)
        return torch.stack(maps).double().cpu().numpy()


def _check_sampling(temperature, top_k, vocab_size, who):
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not temperature > 0:
        raise ValueError(f"{who}: temperature must be a number > 0, got {temperature!r}")
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer))
                              or not 1 <= top_k <= vocab_size):
        raise ValueError(f"{who}: top_k must be None or an integer from 1 to {vocab_size}, got {top_k!r}")


def sampling_probs(logits, temperature=1.0, top_k=None):
    """The distribution a sampler draws from: ``softmax(logits / temperature)`` over the scores kept by top-k.

    ``logits``: scores ``(V,)``. Temperature below 1 sharpens, above 1 flattens. With ``top_k``, every score
    below the k-th largest gets probability 0 and the rest are renormalised (scores tied with the k-th
    largest are all kept, so more than k may survive). Returns float64 probabilities ``(V,)`` summing to 1.
    """
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim != 1 or logits.size == 0 or not np.all(np.isfinite(logits)):
        raise ValueError(f"sampling_probs: logits must be a non-empty 1-D array of finite scores, got shape "
                         f"{logits.shape}")
    _check_sampling(temperature, top_k, logits.size, "sampling_probs")
    scores = logits / temperature
    if top_k is not None:
        scores = np.where(scores < np.sort(scores)[-top_k], -np.inf, scores)
    p = np.exp(scores - scores.max())  # shifting by the max avoids overflow and leaves the softmax unchanged
    return p / p.sum()


class CharGPT(nn.Module):
    """A decoder-only (GPT-style) character language model.

    ``chars`` is the vocabulary (e.g. ``corpus.chars``); token and learned position embeddings feed
    ``n_layers`` causal Transformer blocks, and a Linear head gives next-character scores.
    ``forward(idx)``: ids ``(N, T)`` with ``T <= block_size`` -> logits ``(N, T, vocab_size)``, where
    position t only sees positions ``<= t`` (the causal mask).
    """

    def __init__(self, chars, block_size=64, d_model=64, n_heads=4, n_layers=2, dropout=0.0):
        super().__init__()
        who = "CharGPT"
        chars = list(chars)
        if not chars or any(not isinstance(c, str) or len(c) != 1 for c in chars) or len(set(chars)) != len(chars):
            raise ValueError(f"{who}: chars must be distinct single characters (e.g. corpus.chars)")
        self.chars, self._index = chars, {c: i for i, c in enumerate(chars)}
        self.block_size = _positive(block_size, "block_size", who)
        self.tok = nn.Embedding(len(chars), d_model)
        self.pos = nn.Embedding(self.block_size, d_model)
        self.blocks = _encoder(d_model, n_heads, n_layers, 4 * d_model, dropout, "gelu", who)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, len(chars))
        self.register_buffer("causal_mask", nn.Transformer.generate_square_subsequent_mask(self.block_size),
                             persistent=False)

    @property
    def vocab_size(self):
        return len(self.chars)

    def forward(self, idx):
        if idx.ndim != 2 or idx.dtype not in (torch.int64, torch.int32):
            raise ValueError(f"CharGPT expects integer ids (N, T), got {tuple(idx.shape)} {idx.dtype}")
        T = idx.shape[1]
        if not 1 <= T <= self.block_size:
            raise ValueError(f"CharGPT: sequence length must be 1..block_size={self.block_size}, got {T}")
        h = self.tok(idx) + self.pos(torch.arange(T, device=idx.device))
        h = self.blocks(h, mask=self.causal_mask[:T, :T].to(h.dtype), is_causal=True)
        return self.head(self.norm(h))

    def encode(self, text):
        """str -> int64 tensor of ids; characters outside the vocabulary are an error."""
        return torch.from_numpy(encode_chars(text, self._index, "CharGPT"))

    @torch.no_grad()
    def next_char_probs(self, prompt, temperature=1.0, top_k=None):
        """Probabilities ``(vocab_size,)`` (NumPy) of the character after ``prompt`` (its last block_size chars).

        The model's scores go through :func:`sampling_probs` (temperature, then top-k).
        """
        ids = self.encode(prompt)
        if len(ids) == 0:
            raise ValueError("CharGPT: the prompt must contain at least one character")
        _check_sampling(temperature, top_k, self.vocab_size, "CharGPT")  # before the forward pass
        was_training = self.training
        self.eval()
        device = next(self.parameters()).device
        logits = self(ids[-self.block_size:][None].to(device))[0, -1]
        self.train(was_training)
        return sampling_probs(logits.double().cpu().numpy(), temperature, top_k)

    @torch.no_grad()
    def attention_weights(self, prompt):
        """Every head's attention for ``prompt`` (its last block_size chars): NumPy ``(n_layers, n_heads, T, T)``.

        Row t holds query position t's weights over key positions; each row sums to 1 and is 0 right of the
        diagonal (the causal mask). The blocks are re-run one by one exactly as :meth:`forward` runs them.
        """
        ids = self.encode(prompt)[-self.block_size:]
        if len(ids) == 0:
            raise ValueError("CharGPT: the prompt must contain at least one character")
        was_training = self.training
        self.eval()
        device = next(self.parameters()).device
        T = len(ids)
        h = self.tok(ids[None].to(device)) + self.pos(torch.arange(T, device=device))
        mask = self.causal_mask[:T, :T].to(h.dtype)
        maps = []
        for layer in self.blocks.layers:  # pre-norm blocks: attention reads norm1 of the block's input
            x = layer.norm1(h)
            maps.append(layer.self_attn(x, x, x, attn_mask=mask, need_weights=True, average_attn_weights=False)[1][0])
            h = layer(h, src_mask=mask, is_causal=True)
        self.train(was_training)
        return torch.stack(maps).double().cpu().numpy()

    def generate(self, prompt, n, temperature=1.0, top_k=None, seed=0):
        """``prompt`` followed by ``n`` sampled characters (str), one at a time from :meth:`next_char_probs`.

        Sampling draws from a NumPy generator seeded with ``seed``: the same call gives the same text.
        """
        n = int(n) if isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 0 else None
        if n is None:
            raise ValueError("CharGPT.generate: n (characters to add) must be an integer >= 0")
        rng = np.random.default_rng(seed)
        text = prompt
        for _ in range(n):
            p = self.next_char_probs(text, temperature, top_k)
            text += self.chars[rng.choice(self.vocab_size, p=p / p.sum())]
        return text
