"""Text for sequence models: a character corpus that ships with Python, and small symbol tasks.

The corpus is the text of Python's own help topics (``pydoc_data.topics``, about 465,000
characters of English prose with some code). It is installed with every Python, so nothing is
downloaded; its exact length changes a little between Python versions.
"""
import numpy as np


def _positive_int(value, name, who, minimum=1):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{who}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def encode_chars(text, index, who):
    """str -> int64 array of ids through ``index`` ({character: id}); a character outside it is an error."""
    if not isinstance(text, str):
        raise TypeError(f"{who} takes a str, got {type(text).__name__}")
    unknown = sorted(set(text) - index.keys())
    if unknown:
        raise ValueError(f"{who}: {''.join(unknown)!r} not in the vocabulary of {len(index)} characters")
    return np.fromiter((index[c] for c in text), dtype=np.int64, count=len(text))


class CharCorpus:
    """A text, its character vocabulary and a train/validation(/test) split of the encoded characters.

    Attributes: ``text`` (str), ``chars`` (sorted list of the distinct characters, index = token id),
    ``train``, ``val`` and ``test`` (int64 arrays of token ids). The text is cut in order: ``test`` is the
    last ``test_fraction`` (empty by default), ``val`` the ``val_fraction`` before it, ``train`` the rest,
    so no window straddles two splits. Choose settings on ``val`` and report once on ``test``.
    """

    def __init__(self, text, val_fraction=0.1, test_fraction=0.0):
        if not isinstance(text, str) or len(text) < 2:
            raise ValueError(f"CharCorpus: text must be a string of at least 2 characters, got {type(text).__name__}")
        if not isinstance(val_fraction, (int, float)) or not 0 < val_fraction < 1:
            raise ValueError(f"CharCorpus: val_fraction must lie in (0, 1), got {val_fraction!r}")
        if not isinstance(test_fraction, (int, float)) or not 0 <= test_fraction < 1 - val_fraction:
            raise ValueError(f"CharCorpus: test_fraction must lie in [0, 1 - val_fraction) = [0, {1 - val_fraction:g}),"
                             f" got {test_fraction!r}")
        self.text = text
        self.chars = sorted(set(text))
        self._index = {c: i for i, c in enumerate(self.chars)}
        ids = self.encode(text)
        cut_val = int(round(len(ids) * (1 - (val_fraction + test_fraction))))
        cut_test = int(round(len(ids) * (1 - test_fraction)))
        self.train, self.val, self.test = ids[:cut_val], ids[cut_val:cut_test], ids[cut_test:]

    @property
    def vocab_size(self):
        return len(self.chars)

    def encode(self, s):
        """str -> int64 array of token ids (one per character)."""
        return encode_chars(s, self._index, "CharCorpus.encode")

    def decode(self, ids):
        """Sequence of token ids -> str."""
        ids = np.asarray(ids)
        if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer) and ids.size:
            raise ValueError(f"CharCorpus.decode takes a 1-D sequence of integer ids, got shape {ids.shape} "
                             f"of {ids.dtype}")
        if ids.size and (ids.min() < 0 or ids.max() >= self.vocab_size):
            raise ValueError(f"CharCorpus.decode: ids must lie in [0, {self.vocab_size - 1}], "
                             f"got {int(ids.min())}..{int(ids.max())}")
        return "".join(self.chars[i] for i in ids)

    def batches(self, split="train", batch_size=32, block_size=64, seed=0):
        """Endless ``(x, y)`` pairs of int64 arrays ``(batch_size, block_size)`` for next-character prediction.

        Each row is a window starting at a random position of the split; ``y`` is ``x`` shifted by one
        character (``y[:, t]`` is the character after ``x[:, t]``). Seeded: the same arguments give the
        same stream.
        """
        if split not in ("train", "val", "test"):
            raise ValueError(f"CharCorpus.batches: split must be 'train', 'val' or 'test', got {split!r}")
        batch_size = _positive_int(batch_size, "batch_size", "CharCorpus.batches")
        block_size = _positive_int(block_size, "block_size", "CharCorpus.batches")
        ids = getattr(self, split)
        if block_size >= len(ids):
            raise ValueError(f"CharCorpus.batches: block_size must be below the {split} split's "
                             f"{len(ids)} characters, got {block_size}")
        rng = np.random.default_rng(seed)
        offsets = np.arange(block_size + 1)
        while True:
            windows = ids[rng.integers(0, len(ids) - block_size, batch_size)[:, None] + offsets]
            yield windows[:, :-1], windows[:, 1:]

    def __repr__(self):
        return (f"CharCorpus({len(self.text):,} characters, vocabulary {self.vocab_size}, "
                f"train {len(self.train):,}, val {len(self.val):,}"
                + (f", test {len(self.test):,})" if len(self.test) else ")"))


def load_char_corpus(val_fraction=0.1, test_fraction=0.0):
    """The help texts of the running Python (``pydoc_data.topics``) as a :class:`CharCorpus`.

    Topics are joined in sorted order, so the text is the same on every run of one Python version.
    """
    from pydoc_data.topics import topics
    return CharCorpus("".join(topics[k] for k in sorted(topics)), val_fraction, test_fraction)


SEQUENCE_TASKS = ("reverse", "sort")


def make_sequence_task(kind="reverse", n_samples=256, length=8, n_symbols=10, seed=0):
    """A sequence-to-sequence task where attention has an obvious right answer.

    Returns ``X, Y``: int64 arrays ``(n_samples, length)`` of symbols ``0..n_symbols-1``.
    ``kind='reverse'``: ``Y[:, i] = X[:, length - 1 - i]`` (position i must attend to position
    length-1-i); ``kind='sort'``: ``Y`` is each row of ``X`` sorted ascending (position i must find the
    i-th smallest symbol).
    """
    who = "make_sequence_task"
    if kind not in SEQUENCE_TASKS:
        raise ValueError(f"{who}: kind must be one of {', '.join(SEQUENCE_TASKS)}, got {kind!r}")
    n_samples = _positive_int(n_samples, "n_samples", who)
    length = _positive_int(length, "length", who, minimum=2)
    n_symbols = _positive_int(n_symbols, "n_symbols", who, minimum=2)
    X = np.random.default_rng(seed).integers(0, n_symbols, (n_samples, length))
    Y = X[:, ::-1] if kind == "reverse" else np.sort(X, axis=1)
    return X, np.ascontiguousarray(Y)
