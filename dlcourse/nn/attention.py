"""Multi-head attention and the Transformer encoder layer, with torch.nn's names, shapes and mask rules."""
import copy
import math

import numpy as np

from . import functional as F
from . import init
from ._checks import as_float_array, check_grad_shape, positive_int, require_forward
from .activation import ACTIVATION_MODULES
from .layers import Dropout
from .linear import Linear
from .module import Module, Parameter, Sequential
from .normalization import LayerNorm


def generate_square_subsequent_mask(sz):
    """The causal mask for ``MultiheadAttention``, as torch's ``nn.Transformer.generate_square_subsequent_mask``:
    a float ``(sz, sz)`` array, 0 on and below the diagonal and -inf above, so position i sees positions 0..i."""
    sz = positive_int(sz, "generate_square_subsequent_mask", "sz")
    return np.triu(np.full((sz, sz), -np.inf), k=1)


def _float_mask(mask, who, name):
    """torch.nn.MultiheadAttention's rule: boolean True = may NOT attend (-> -inf); a float mask is added."""
    m = np.asarray(mask)
    if m.dtype == bool:
        return np.where(m, -np.inf, 0.0)
    if not np.issubdtype(m.dtype, np.floating):
        raise TypeError(f"{who}: {name} must be boolean (True = may not attend) or float (added to the scores), "
                        f"got dtype {m.dtype}")
    return m.astype(np.float64, copy=False)


class MultiheadAttention(Module):
    """Multi-head scaled dot-product attention, as torch.nn.MultiheadAttention.

    Each of ``num_heads`` heads projects query, key and value to ``head_dim = embed_dim // num_heads``
    features, attends with ``softmax(q k^T / sqrt(head_dim) + mask) v``, and the heads' outputs, side by side,
    pass through ``out_proj``.

    Parameters (torch's names, shapes and initialisation): ``in_proj_weight (3E, E)`` (rows: query, key, value
    projections; Xavier-uniform), ``in_proj_bias (3E,)`` (zeros), ``out_proj`` a ``Linear(E, E)`` (bias zeroed).
    ``dropout`` is applied to the attention weights in training, as in torch.

    Shapes, with L target and S source length, N batch, E = embed_dim:
    query ``(L, N, E)``, key and value ``(S, N, E)`` (``(N, L, E)``/``(N, S, E)`` with ``batch_first=True``),
    or unbatched ``(L, E)``/``(S, E)``. ``forward`` returns ``(attn_output, attn_weights)``: the output has the
    query's shape; the weights are ``(N, L, S)`` averaged over heads, ``(N, num_heads, L, S)`` with
    ``average_attn_weights=False`` (no N for unbatched input), or None with ``need_weights=False``.

    Masks (torch's rules): ``attn_mask`` ``(L, S)`` or ``(N * num_heads, L, S)`` (``(num_heads, L, S)``
    unbatched); ``key_padding_mask`` ``(N, S)`` (``(S,)`` unbatched). A boolean True means "may NOT attend";
    a float mask is added to the scores. ``is_causal=True`` is only a hint that ``attn_mask`` is the causal
    mask (``generate_square_subsequent_mask(L)``); as in torch it needs ``attn_mask``. A query whose keys are
    all masked gets zero weights and output ``out_proj.bias`` (torch gives NaN there when need_weights=True).

    After every forward, ``attn_weights_per_head`` holds the softmax probabilities of every head,
    ``(N, num_heads, L, S)`` (N = 1 for unbatched input), before attention dropout.
    ``backward(grad_output)`` returns ``(grad_query, grad_key, grad_value)``, each shaped like its input, and
    adds every parameter gradient; for self-attention (the same x as query, key and value) the gradient
    w.r.t. x is their sum.
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, batch_first=False):
        super().__init__()
        self.embed_dim = positive_int(embed_dim, "MultiheadAttention", "embed_dim")
        self.num_heads = positive_int(num_heads, "MultiheadAttention", "num_heads")
        if self.embed_dim % self.num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim ({self.embed_dim}) must be divisible by num_heads "
                             f"({self.num_heads}); each head gets embed_dim // num_heads features")
        self.head_dim = self.embed_dim // self.num_heads
        self.batch_first = bool(batch_first)
        E = self.embed_dim
        self.in_proj_weight = init.xavier_uniform_(Parameter(np.empty((3 * E, E))))
        self.in_proj_bias = Parameter(np.zeros(3 * E)) if bias else None
        self.out_proj = Linear(E, E, bias=bias)
        if bias:
            self.out_proj.bias.data[...] = 0.0
        self.dropout = float(dropout)
        self.attn_dropout = Dropout(dropout)
        self.attn_weights_per_head = None
        self._cache = None

    # -- input handling ---------------------------------------------------------------------------
    def _to_internal(self, x, name):
        """Input in any accepted layout -> (N, len, E), plus whether it had a batch dimension."""
        x = as_float_array(x, "MultiheadAttention", name, dtype=self.in_proj_weight.data.dtype)
        layout = "(N, L, E)" if self.batch_first else "(L, N, E)"
        if x.ndim not in (2, 3) or x.shape[-1] != self.embed_dim:
            raise ValueError(f"MultiheadAttention(embed_dim={self.embed_dim}) expects {name} of shape {layout} or "
                             f"unbatched (L, E) with E = {self.embed_dim}, got {tuple(x.shape)}")
        if x.ndim == 2:
            return x[None]
        return x if self.batch_first else x.transpose(1, 0, 2)

    def _from_internal(self, x, batched):
        if not batched:
            return x[0]
        return x if self.batch_first else x.transpose(1, 0, 2)

    def _merge_masks(self, attn_mask, key_padding_mask, is_causal, N, L, S, batched):
        """One float mask broadcasting to the scores (N, heads, L, S), or None."""
        who = "MultiheadAttention"
        if is_causal and attn_mask is None:
            raise ValueError(f"{who}: is_causal=True is a hint that attn_mask is the causal mask, so it needs "
                             "attn_mask as well (as torch does); pass generate_square_subsequent_mask(L)")
        mask = None
        if attn_mask is not None:
            mask = _float_mask(attn_mask, who, "attn_mask")
            heads = (N * self.num_heads, L, S) if batched else (self.num_heads, L, S)
            if mask.shape == (L, S):
                pass
            elif mask.shape == heads:
                mask = mask.reshape(-1, self.num_heads, L, S)
            else:
                raise ValueError(f"{who}: attn_mask must have shape (L, S) = {(L, S)} or "
                                 f"({'N * ' if batched else ''}num_heads, L, S) = {heads}, got {mask.shape}")
        if key_padding_mask is not None:
            pad = _float_mask(key_padding_mask, who, "key_padding_mask")
            want = (N, S) if batched else (S,)
            if pad.shape != want:
                raise ValueError(f"{who}: key_padding_mask must have shape {'(N, S)' if batched else '(S,)'} = "
                                 f"{want}, got {pad.shape}")
            pad = pad.reshape(N, 1, 1, S)
            mask = pad if mask is None else mask + pad
        return mask

    # -- forward and backward ------------------------------------------------------------------------
    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        """Returns ``(attn_output, attn_weights)``; see the class docstring for shapes and masks."""
        self_attention = query is key and key is value
        batched = np.ndim(query) == 3
        q_in = self._to_internal(query, "query")
        k_in = q_in if self_attention else self._to_internal(key, "key")
        v_in = k_in if key is value else self._to_internal(value, "value")
        if not (np.ndim(key) == np.ndim(value) == np.ndim(query)) or k_in.shape != v_in.shape \
                or k_in.shape[0] != q_in.shape[0]:
            raise ValueError(f"MultiheadAttention: key and value must have the same shape, with the query's batch "
                             f"size; got query {np.shape(query)}, key {np.shape(key)}, value {np.shape(value)}")
        N, L, E = q_in.shape
        S, h, d = k_in.shape[1], self.num_heads, self.head_dim
        mask = self._merge_masks(attn_mask, key_padding_mask, is_causal, N, L, S, batched)

        W = self.in_proj_weight.data
        b = np.zeros(3 * E, W.dtype) if self.in_proj_bias is None else self.in_proj_bias.data
        if self_attention:  # one matrix product for all three projections
            qkv = q_in @ W.T
            qkv += b  # in place: a fresh temporary of this size costs more than the addition
            q, k, v = np.split(qkv, 3, axis=-1)
        else:
            q, k, v = (x @ W[i * E:(i + 1) * E].T + b[i * E:(i + 1) * E] for i, x in enumerate((q_in, k_in, v_in)))
        # split the features into heads: (N, len, E) -> (N, h, len, d)
        qh = q.reshape(N, L, h, d).transpose(0, 2, 1, 3) * (1.0 / math.sqrt(d))
        kh = k.reshape(N, S, h, d).transpose(0, 2, 1, 3)
        vh = v.reshape(N, S, h, d).transpose(0, 2, 1, 3)
        probs = F._attention_probs(qh, kh, mask)
        dropped = self.training and self.dropout > 0
        weights = self.attn_dropout(probs) if dropped else probs
        heads_out = (weights @ vh).transpose(0, 2, 1, 3).reshape(N, L, E)  # heads side by side
        out = self.out_proj(heads_out)
        self.attn_weights_per_head = probs
        self._cache = (q_in, k_in, v_in, qh, kh, vh, probs, weights, dropped, batched)
        if not need_weights:
            returned = None
        else:
            returned = weights.mean(axis=1) if average_attn_weights else weights
            returned = returned if batched else returned[0]
        return self._from_internal(out, batched), returned

    def backward(self, grad_output):
        """``(grad_query, grad_key, grad_value)`` from the gradient w.r.t. attn_output (the weights get none)."""
        require_forward(self._cache, "MultiheadAttention")
        q_in, k_in, v_in, qh, kh, vh, probs, weights, dropped, batched = self._cache
        N, L, E = q_in.shape
        S, h, d = k_in.shape[1], self.num_heads, self.head_dim
        g = as_float_array(grad_output, "MultiheadAttention.backward", "grad_output", dtype=q_in.dtype)
        check_grad_shape(g, self._from_internal(q_in, batched).shape, "MultiheadAttention")
        g = g[None] if not batched else g if self.batch_first else g.transpose(1, 0, 2)
        g_heads = self.out_proj.backward(g).reshape(N, L, h, d).transpose(0, 2, 1, 3)
        g_vh = weights.transpose(0, 1, 3, 2) @ g_heads
        g_weights = g_heads @ vh.transpose(0, 1, 3, 2)
        if dropped:
            g_weights = self.attn_dropout.backward(g_weights)
        g_scores = F.softmax_backward(probs, g_weights, out=g_weights)  # g_weights is ours to overwrite
        g_qh = (g_scores @ kh) * (1.0 / math.sqrt(d))  # qh already carries the scale
        g_kh = g_scores.transpose(0, 1, 3, 2) @ qh
        W = self.in_proj_weight.data
        grads = []
        for i, (x, gh, n) in enumerate(((q_in, g_qh, L), (k_in, g_kh, S), (v_in, g_vh, S))):
            gp = gh.transpose(0, 2, 1, 3).reshape(N * n, E)  # heads back side by side
            rows = slice(i * E, (i + 1) * E)
            self.in_proj_weight.grad[rows] += gp.T @ x.reshape(N * n, E)
            if self.in_proj_bias is not None:
                self.in_proj_bias.grad[rows] += gp.sum(axis=0)
            grads.append(self._from_internal((gp @ W[rows]).reshape(N, n, E), batched))
        return tuple(grads)

    def extra_repr(self):
        return (f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, dropout={self.dropout}, "
                f"batch_first={self.batch_first}")


class TransformerEncoderLayer(Module):
    """One Transformer encoder block, as torch.nn.TransformerEncoderLayer.

    ``norm_first=False`` (post-norm, the 2017 paper): ``x = norm1(x + sa(x)); x = norm2(x + ff(x))``.
    ``norm_first=True`` (pre-norm, easier to train deep): ``x = x + sa(norm1(x)); x = x + ff(norm2(x))``.
    Here ``sa(x) = dropout1(self_attn(x, x, x))`` and ``ff(x) = dropout2(linear2(dropout(activation(linear1(x)))))``;
    ``activation`` is ``'relu'`` or ``'gelu'`` (exact, erf-based). Sub-modules carry torch's names, so
    ``load_state_dict(torch_layer.state_dict())`` works.

    Shapes: src ``(L, N, d_model)``, ``(N, L, d_model)`` with ``batch_first=True``, or unbatched
    ``(L, d_model)`` -> same. ``src_mask``, ``src_key_padding_mask`` and ``is_causal`` follow
    ``MultiheadAttention``'s rules. ``backward(grad)`` returns the gradient w.r.t. src.
    """

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu", layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True):
        super().__init__()
        if activation not in ("relu", "gelu"):
            raise ValueError(f"TransformerEncoderLayer: activation must be 'relu' or 'gelu', got {activation!r}")
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias)
        self.norm_first = bool(norm_first)
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = ACTIVATION_MODULES[activation]()
        self._src_shape = None

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        out, _ = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                need_weights=False, is_causal=is_causal)
        return self.dropout1(out)

    def _sa_backward(self, g):
        return sum(self.self_attn.backward(self.dropout1.backward(g)))  # x was query, key and value

    def _ff_block(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def _ff_backward(self, g):
        for m in (self.dropout2, self.linear2, self.dropout, self.activation, self.linear1):
            g = m.backward(g)
        return g

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        x = as_float_array(src, "TransformerEncoderLayer", "src", dtype=self.linear1.weight.data.dtype)
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
        self._src_shape = x.shape
        return x

    def backward(self, grad_output):
        require_forward(self._src_shape, "TransformerEncoderLayer")
        g = as_float_array(grad_output, "TransformerEncoderLayer.backward", "grad_output",
                           dtype=self.linear1.weight.data.dtype)
        check_grad_shape(g, self._src_shape, "TransformerEncoderLayer")
        if self.norm_first:  # each residual branch adds its gradient to the skip path's
            g = g + self.norm2.backward(self._ff_backward(g))
            return g + self.norm1.backward(self._sa_backward(g))
        g = self.norm2.backward(g)
        g = self.norm1.backward(g + self._ff_backward(g))
        return g + self._sa_backward(g)

    def extra_repr(self):
        return f"norm_first={self.norm_first}"


class TransformerEncoder(Module):
    """A stack of ``num_layers`` copies of ``encoder_layer`` (independent weights), as torch.nn.TransformerEncoder.

    The copies sit in ``layers`` (``layers.0``, ``layers.1``, ... as in torch's state_dict), followed by an
    optional final ``norm`` module (e.g. a LayerNorm, usual after pre-norm layers). Shapes as the layer's;
    ``forward(src, mask=None, src_key_padding_mask=None, is_causal=False)`` passes the masks to every layer;
    ``backward(grad)`` returns the gradient w.r.t. src.
    """

    def __init__(self, encoder_layer, num_layers, norm=None):
        super().__init__()
        if not isinstance(encoder_layer, TransformerEncoderLayer):
            raise TypeError(f"TransformerEncoder takes a dlcourse.nn.TransformerEncoderLayer, got "
                            f"{type(encoder_layer).__name__}")
        num_layers = positive_int(num_layers, "TransformerEncoder", "num_layers")
        if norm is not None and not isinstance(norm, Module):
            raise TypeError(f"TransformerEncoder: norm must be a dlcourse.nn module or None, got {type(norm).__name__}")
        self.layers = Sequential(*(copy.deepcopy(encoder_layer) for _ in range(num_layers)))
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=False):
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=is_causal)
        return x if self.norm is None else self.norm(x)

    def backward(self, grad_output):
        g = grad_output if self.norm is None else self.norm.backward(grad_output)
        for layer in reversed(list(self.layers)):
            g = layer.backward(g)
        return g

    def extra_repr(self):
        return f"num_layers={self.num_layers}"
