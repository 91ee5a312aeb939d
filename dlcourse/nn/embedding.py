"""Token embeddings (torch.nn.Embedding) and the sinusoidal positional encoding of "Attention Is All You Need"."""
import numpy as np

from ._checks import as_float_array, check_grad_shape, positive_int, require_forward
from .module import Module, Parameter


class Embedding(Module):
    """A lookup table: index i -> row i of ``weight``.

    Shapes: integer indices ``(*)`` -> ``(*, embedding_dim)``; ``weight (num_embeddings, embedding_dim)``
    drawn from N(0, 1) as in torch. The row ``padding_idx`` (if given) starts at zero and never gets a
    gradient, so a padding token stays a zero vector. ``backward(grad_output)`` adds each output row's
    gradient to the row it was read from (an index used k times collects k contributions) and returns None:
    integer indices have no gradient.
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        self.num_embeddings = positive_int(num_embeddings, "Embedding", "num_embeddings")
        self.embedding_dim = positive_int(embedding_dim, "Embedding", "embedding_dim")
        if padding_idx is not None:
            n = self.num_embeddings
            if isinstance(padding_idx, bool) or not isinstance(padding_idx, (int, np.integer)) \
                    or not -n <= padding_idx < n:
                raise ValueError(f"Embedding({n}, {self.embedding_dim}): padding_idx must be an integer in "
                                 f"[{-n}, {n - 1}], got {padding_idx!r}")
            padding_idx = int(padding_idx) % n  # torch counts a negative padding_idx from the end
        self.padding_idx = padding_idx
        self.weight = Parameter(np.random.standard_normal((self.num_embeddings, self.embedding_dim)))
        if padding_idx is not None:
            self.weight.data[padding_idx] = 0.0
        self._indices = None

    def _check_indices(self, indices):
        who = f"Embedding({self.num_embeddings}, {self.embedding_dim})"
        if hasattr(indices, "detach") and hasattr(indices, "numpy"):
            raise TypeError(f"{who} got a torch.Tensor: pass a NumPy integer array")
        idx = np.asarray(indices)
        if idx.dtype == bool or not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(f"{who} takes integer indices, got dtype {idx.dtype}"
                            + (" (convert with .astype(int))" if np.issubdtype(idx.dtype, np.floating) else ""))
        bad = idx[(idx < 0) | (idx >= self.num_embeddings)]
        if bad.size:
            raise ValueError(f"{who} got index {int(bad.flat[0])} ({bad.size} out of range in all): indices must "
                             f"lie in [0, {self.num_embeddings - 1}]")
        return idx

    def forward(self, indices):
        idx = self._check_indices(indices)
        self._indices = idx
        return self.weight.data[idx]

    def backward(self, grad_output):
        require_forward(self._indices, "Embedding")
        g = as_float_array(grad_output, "Embedding.backward", "grad_output", dtype=self.weight.data.dtype)
        check_grad_shape(g, self._indices.shape + (self.embedding_dim,), "Embedding")
        idx, rows = self._indices.reshape(-1), g.reshape(-1, self.embedding_dim)
        if self.padding_idx is not None:
            keep = idx != self.padding_idx
            idx, rows = idx[keep], rows[keep]
        np.add.at(self.weight.grad, idx, rows)  # unlike weight.grad[idx] += rows, repeated indices add up
        return None

    def extra_repr(self):
        pad = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{pad}"


def sinusoidal_positions(num_positions, d_model, base=10000.0):
    """The fixed positional encoding of Vaswani et al. (2017), shape ``(num_positions, d_model)``.

    ``PE[t, 2i] = sin(t / base^(2i/d_model))`` and ``PE[t, 2i+1] = cos(t / base^(2i/d_model))``: each pair of
    columns turns at its own frequency, from one turn per 2*pi positions down to one per ``2*pi*base``, so
    nearby positions get similar vectors and a shift by k is the same rotation at every position.
    """
    num_positions = positive_int(num_positions, "sinusoidal_positions", "num_positions")
    d_model = positive_int(d_model, "sinusoidal_positions", "d_model")
    angles = np.arange(num_positions)[:, None] / base ** (np.arange(0, d_model, 2) / d_model)
    pe = np.empty((num_positions, d_model))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : d_model // 2])  # an odd d_model has one sine column more
    return pe


class PositionalEncoding(Module):
    """Adds ``sinusoidal_positions(max_len, d_model)[:L]`` to a sequence of L embeddings (no parameters).

    Shapes: x ``(L, N, d_model)``, ``(N, L, d_model)`` with ``batch_first=True``, or unbatched ``(L, d_model)``
    -> same. The table is kept as ``pe`` ``(max_len, d_model)``; backward passes the gradient through unchanged.
    """

    def __init__(self, d_model, max_len=5000, batch_first=False):
        super().__init__()
        self.d_model = positive_int(d_model, "PositionalEncoding", "d_model")
        self.max_len = positive_int(max_len, "PositionalEncoding", "max_len")
        self.batch_first = bool(batch_first)
        self.pe = sinusoidal_positions(self.max_len, self.d_model)
        self._shape = None

    def forward(self, x):
        x = as_float_array(x, "PositionalEncoding")
        layout = "(N, L, d_model)" if self.batch_first else "(L, N, d_model)"
        if x.ndim not in (2, 3) or x.shape[-1] != self.d_model:
            raise ValueError(f"PositionalEncoding(d_model={self.d_model}) expects input {layout} or (L, d_model), "
                             f"got shape {tuple(x.shape)}")
        length = x.shape[1] if self.batch_first and x.ndim == 3 else x.shape[0]
        if length > self.max_len:
            raise ValueError(f"PositionalEncoding(max_len={self.max_len}) got a sequence of length {length}: "
                             "raise max_len")
        self._shape = x.shape
        pe = self.pe[:length].astype(x.dtype, copy=False)  # the table is float64; compute in x's dtype
        return x + (pe[:, None, :] if x.ndim == 3 and not self.batch_first else pe)

    def backward(self, grad_output):
        require_forward(self._shape, "PositionalEncoding")
        g = as_float_array(grad_output, "PositionalEncoding.backward", "grad_output")
        check_grad_shape(g, self._shape, "PositionalEncoding")
        return g

    def extra_repr(self):
        return f"d_model={self.d_model}, max_len={self.max_len}, batch_first={self.batch_first}"
