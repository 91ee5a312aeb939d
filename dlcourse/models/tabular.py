"""An MLP for tables with categorical columns: one learned embedding per category column."""
import torch
from torch import nn

from .mlp import MLP


class TabularNet(nn.Module):
    """Numeric features plus one ``nn.Embedding`` per categorical column, concatenated, then an MLP.

    Input ``(N, n_numeric + len(cardinalities))``: the numeric columns first, then one integer
    code per categorical column (the layout of ``dlcourse.data.make_credit``; float codes are
    fine, they are cast to int64). Column j's code must lie in ``0..cardinalities[j] - 1``.
    Output ``(N, out_features)`` raw scores. ``embedding_dim`` is one size for every column or
    a list with one size per column.
    """

    def __init__(self, n_numeric, cardinalities, embedding_dim=3, hidden=(32,), out_features=1, dropout=0.0):
        super().__init__()
        cards = list(cardinalities)
        if isinstance(n_numeric, bool) or not isinstance(n_numeric, int) or n_numeric < 0:
            raise ValueError(f"TabularNet: n_numeric must be an integer >= 0, got {n_numeric!r}")
        if not cards or any(isinstance(k, bool) or not isinstance(k, int) or k < 1 for k in cards):
            raise ValueError(f"TabularNet: cardinalities must be a non-empty list of positive integers "
                             f"(levels per categorical column), got {cardinalities!r}")
        dims = [embedding_dim] * len(cards) if isinstance(embedding_dim, int) else list(embedding_dim)
        if len(dims) != len(cards) or any(isinstance(d, bool) or not isinstance(d, int) or d < 1 for d in dims):
            raise ValueError(f"TabularNet: embedding_dim must be a positive integer or one per categorical "
                             f"column ({len(cards)}), got {embedding_dim!r}")
        self.n_numeric, self.cardinalities = n_numeric, cards
        self.embeddings = nn.ModuleList(nn.Embedding(k, d) for k, d in zip(cards, dims))
        self.mlp = MLP(n_numeric + sum(dims), hidden, out_features, dropout=dropout)

    def forward(self, x):
        width = self.n_numeric + len(self.cardinalities)
        if x.ndim != 2 or x.shape[1] != width:
            raise ValueError(f"TabularNet expects input of shape (N, {width}) = {self.n_numeric} numeric + "
                             f"{len(self.cardinalities)} code columns, got {tuple(x.shape)}")
        codes = x[:, self.n_numeric:].long()
        bad = (codes < 0) | (codes >= torch.tensor(self.cardinalities, device=x.device))
        if bad.any():
            j = int(bad.any(0).nonzero()[0])
            raise ValueError(f"TabularNet: categorical column {j} needs codes 0..{self.cardinalities[j] - 1}, "
                             f"got {int(codes[:, j].min())}..{int(codes[:, j].max())}")
        parts = [x[:, :self.n_numeric]] + [emb(codes[:, j]) for j, emb in enumerate(self.embeddings)]
        return self.mlp(torch.cat(parts, dim=1))
