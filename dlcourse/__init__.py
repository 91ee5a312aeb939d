"""dlcourse: a hands-on course on deep-learning architectures.

``import dlcourse as dl`` is cheap: sub-packages (``dl.nn``, ``dl.optim``,
``dl.widgets`` ...) load on first use, and torch is only imported by the parts
that need it.
"""
import importlib

from ._env import device, seed, setup, use_style

__version__ = "0.1.0"

_SUBMODULES = ("nn", "optim", "autograd", "gradcheck", "check", "models", "train", "metrics", "compare",
               "viz", "widgets", "data", "landscapes", "bench", "cli")

__all__ = ["device", "seed", "setup", "use_style", *_SUBMODULES]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'dlcourse' has no attribute {name!r}")
