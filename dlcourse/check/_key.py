"""The answer key: what the checks need from the reference solutions, without the solutions.

Reference solutions are instructor material: they live in the repository's ``solutions/`` folder,
not in the installed package. ``python solutions/build_key.py`` runs every check once on its
reference answer and writes ``answer_key.json`` beside this file: for a function exercise, the
solution's outputs on the check's own fixed inputs; for a value exercise, only hashes of the
value rounded to a few precisions. Checks reach both through ``S``, which answers like the
solutions module would: ``S.ex01_neuron(x, w, b)`` returns the recorded output for those inputs,
``S.ex03_mse`` a ``Sealed`` value that can say whether a candidate matches it, nothing more.

What this protects against: reading the answers in site-packages. It does not stop a determined
student from brute-forcing a small answer against a hash (milliseconds for a count or a shape);
only hidden tests on fresh inputs, run where students cannot see them, do that.
"""
import hashlib
import json
import math
from pathlib import Path

import numpy as np

KEY_FILE = Path(__file__).with_name("answer_key.json")
DIGITS = range(2, 13)  # significant digits a value's hashes are stored at (12: exact for counts)


def _canonical(value, digits):
    """A string that equals another value's exactly when the two agree to ``digits`` significant digits."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{_canonical(value[k], digits)}" for k in sorted(value)) + "}"
    if isinstance(value, (tuple, list)):
        return "(" + ",".join(_canonical(v, digits) for v in value) + ")"
    if isinstance(value, str):
        return "s:" + value.strip().lower()
    if isinstance(value, (bool, np.bool_)):
        return f"b:{bool(value)}"
    return f"f:{float(value):.{digits - 1}e}"


def _digest(text):
    return hashlib.sha256(("dlcourse-answer-key:" + text).encode()).hexdigest()[:20]


def value_hashes(value):
    return {str(d): _digest(_canonical(value, d)) for d in DIGITS}


def _args_digest(args):
    """Inputs identified to 9 significant digits, so last-bit differences between CPUs do not matter."""
    def canon(a):
        if a is None:
            return "None"
        if isinstance(a, (tuple, list)):
            return "(" + ",".join(canon(x) for x in a) + ")"
        arr = np.asarray(a, dtype=np.float64)
        return f"{arr.shape}:" + ",".join(f"{v:.8e}" for v in arr.ravel())
    return _digest(canon(args))


class Sealed:
    """A value answer known only by its hashes: ``matches(candidate, rtol)`` is all it can do."""

    def __init__(self, name, hashes):
        self.name, self._hashes = name, hashes

    def matches(self, candidate, rtol=1e-6):
        """Agreement to about ``rtol``: the candidate, nudged by ±rtol, must round like the answer does at
        the precision rtol implies (the nudges catch two values on either side of a rounding boundary)."""
        digits = min(max(round(-math.log10(rtol)), DIGITS[0]), DIGITS[-1])
        try:
            tries = [candidate]
            if isinstance(candidate, (int, float, np.number)) and not isinstance(candidate, bool):
                tries += [candidate * (1 + rtol), candidate * (1 - rtol)]
            return any(_digest(_canonical(c, digits)) == self._hashes[str(digits)] for c in tries)
        except (TypeError, ValueError, OverflowError):
            return False

    def __repr__(self):
        return f"<sealed answer {self.name}>"


class SealedDict:
    """A dict answer: its keys are open, each value sealed."""

    def __init__(self, name, entries):
        self.name = name
        self._entries = {k: Sealed(f"{name}[{k!r}]", h) for k, h in entries.items()}

    def __getitem__(self, key):
        return self._entries[key]

    def __iter__(self):
        return iter(self._entries)

    def keys(self):
        return self._entries.keys()

    def items(self):
        return self._entries.items()


class _Recorded:
    """A function exercise: the reference solution's outputs on the inputs the check uses."""

    def __init__(self, name, outputs):
        self.name, self._outputs = name, outputs

    def __call__(self, *args):
        try:
            out = self._outputs[_args_digest(args)]
        except KeyError:
            raise RuntimeError(f"the answer key has no output of {self.name} for these inputs: the check and the "
                               "key disagree (instructors: run python solutions/build_key.py)") from None
        if isinstance(out, dict) and "tuple" in out:
            return tuple(np.asarray(o) for o in out["tuple"])
        return np.asarray(out)


class _Answers:
    """``S`` inside the checks. Reads the answer key, or (while the key is built) records from the solutions."""

    def __init__(self):
        self._key, self._recording = None, None

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._recording is not None:
            return self._recording.get(name)
        if self._key is None:
            self._key = json.loads(KEY_FILE.read_text())
        entry = self._key.get(name)
        if entry is None:
            raise RuntimeError(f"the answer key has no entry {name!r} (instructors: run python solutions/build_key.py)")
        kind, data = entry["kind"], entry["data"]
        if kind == "function":
            return _Recorded(name, data)
        return SealedDict(name, data) if kind == "dict" else Sealed(name, data)


class Recorder:
    """Serves ``S`` from the real solutions while the checks run once, and collects the answer key."""

    def __init__(self, solutions):
        self.solutions, self.key = solutions, {}

    def get(self, name):
        value = self.solutions[name]
        if callable(value):
            entry = self.key.setdefault(name, {"kind": "function", "data": {}})

            def record(*args):
                out = value(*args)
                stored = {"tuple": [np.asarray(o).tolist() for o in out]} if isinstance(out, tuple) \
                    else np.asarray(out).tolist()
                entry["data"][_args_digest(args)] = stored
                return _Recorded(name, entry["data"])(*args)  # exactly what the key will give later
            return record
        if isinstance(value, dict):
            self.key[name] = {"kind": "dict", "data": {k: value_hashes(v) for k, v in value.items()}}
            return SealedDict(name, self.key[name]["data"])
        self.key[name] = {"kind": "value", "data": value_hashes(value)}
        return Sealed(name, self.key[name]["data"])


S = _Answers()
