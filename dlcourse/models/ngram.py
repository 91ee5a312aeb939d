"""Counting baselines for character language models: n-grams with Witten-Bell smoothing (NumPy only).

An order-n model predicts a character from the n-1 characters before it, by counting how often each
continuation followed that history in the training text. Histories seen rarely (or never) lean on the
order-(n-1) estimate; Witten-Bell decides how much by counting how many *different* characters have
followed the history (Witten & Bell 1991; Chen & Goodman 1998 compare it with other smoothings).
"""
import numpy as np


class CharNGram:
    """Interpolated Witten-Bell n-gram model over integer token ids ``0..vocab_size-1``.

    ``p_n(c | h) = (count(h, c) + u(h) p_{n-1}(c | h')) / (count(h) + u(h))``, where ``h`` is the history of
    n-1 ids, ``h'`` its last n-2, and ``u(h)`` the number of distinct ids seen after ``h``; a history never
    seen falls back to ``p_{n-1}``. Order 1 is the add-one unigram ``(count(c) + 1) / (N + vocab_size)``.
    ``fit(ids)`` counts; ``nll(ids)`` gives ``-ln p(ids[t] | ids[:t])`` for every t (the first characters use
    the shorter history they have).
    """

    def __init__(self, order, vocab_size):
        for name, v in (("order", order), ("vocab_size", vocab_size)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                raise ValueError(f"CharNGram: {name} must be a positive integer, got {v!r}")
        if float(vocab_size) ** order >= 2.0 ** 62:  # an n-gram is stored as one int64 key
            raise ValueError(f"CharNGram: vocab_size ** order must stay below 2**62, got {vocab_size}**{order}")
        self.order, self.vocab_size = int(order), int(vocab_size)
        self._tables = None

    def _check_ids(self, ids, who):
        ids = np.asarray(ids)
        if ids.ndim != 1 or ids.size == 0 or not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(f"CharNGram.{who}: expected a non-empty 1-D array of integer ids, got shape "
                             f"{ids.shape} of {ids.dtype}")
        if ids.min() < 0 or ids.max() >= self.vocab_size:
            raise ValueError(f"CharNGram.{who}: ids must lie in [0, {self.vocab_size - 1}], got "
                             f"{int(ids.min())}..{int(ids.max())}")
        return ids.astype(np.int64)

    def _keys(self, ids, n):
        """The n-gram ending at each position t >= n-1, as one integer in base vocab_size."""
        k = np.zeros(len(ids) - n + 1, np.int64)
        for j in range(n):
            k = k * self.vocab_size + ids[j:len(ids) - n + 1 + j]
        return k

    def fit(self, ids):
        """Count every n-gram of order 1..order in ``ids`` (1-D integer array). Returns ``self``."""
        ids = self._check_ids(ids, "fit")
        self._unigram = np.bincount(ids, minlength=self.vocab_size)
        self._tables = []
        for n in range(2, self.order + 1):
            if len(ids) < n:
                break
            grams, counts = np.unique(self._keys(ids, n), return_counts=True)
            histories, where = np.unique(grams // self.vocab_size, return_inverse=True)
            totals = np.bincount(where, weights=counts)        # count(h)
            distinct = np.bincount(where)                       # u(h): sorted unique grams, one per continuation
            self._tables.append((grams, counts, histories, totals, distinct))
        return self

    @staticmethod
    def _lookup(keys, values, query):
        i = np.clip(np.searchsorted(keys, query), 0, len(keys) - 1)
        return np.where(keys[i] == query, values[i], 0)

    def nll(self, ids):
        """``(len(ids),)`` negative log-probabilities in nats: entry t is ``-ln p(ids[t] | ids[:t])``."""
        if self._tables is None:
            raise RuntimeError("CharNGram: call fit(train_ids) before nll")
        ids = self._check_ids(ids, "nll")
        p = (self._unigram[ids] + 1.0) / (self._unigram.sum() + self.vocab_size)
        for n, (grams, counts, histories, totals, distinct) in enumerate(self._tables, start=2):
            if len(ids) < n:
                break
            q = self._keys(ids, n)                              # targets t = n-1 .. end
            c_h = self._lookup(histories, totals, q // self.vocab_size)
            u_h = self._lookup(histories, distinct, q // self.vocab_size)
            c_hw = self._lookup(grams, counts, q)
            lower = p[n - 1:]
            with np.errstate(invalid="ignore", divide="ignore"):
                p[n - 1:] = np.where(c_h > 0, (c_hw + u_h * lower) / (c_h + u_h), lower)
        return -np.log(p)

    def __repr__(self):
        return f"CharNGram(order={self.order}, vocab_size={self.vocab_size}, fitted={self._tables is not None})"
