"""Seeding, device choice, thread policy and plotting style shared by every lesson."""
import random
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
NOTEBOOKS = ROOT / "notebooks"
STYLE = ASSETS / "dlcourse.mplstyle"


def _torch():
    """torch if it is installed, else None (the NumPy half of the course runs without it)."""
    try:
        import torch
    except ImportError:
        return None
    return torch


def seed(n=0):
    """Seed Python's ``random``, NumPy's global generator and torch (CPU and CUDA).

    Returns ``n`` so a cell can show which seed it used.
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
        raise ValueError(f"seed(n) needs a non-negative integer, got {n!r}")
    n = int(n)
    random.seed(n)
    np.random.seed(n)
    torch = _torch()
    if torch is not None:
        torch.manual_seed(n)
    return n


@contextmanager
def numpy_seed(n):
    """Run a block with NumPy's global generator seeded to ``n``, then restore the learner's stream.

    Widgets use it so the same settings always start from the same weights without disturbing
    the random numbers a notebook draws around them.
    """
    state = np.random.get_state()
    np.random.seed(n)
    try:
        yield
    finally:
        np.random.set_state(state)


def device():
    """``torch.device('cuda')`` when a CUDA GPU is usable, else ``torch.device('cpu')``."""
    torch = _torch()
    if torch is None:
        raise ImportError("dlcourse.device() needs PyTorch: pip install torch")
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def use_style():
    """Apply the course's matplotlib style (colour-blind-safe palette, light grid)."""
    import matplotlib.pyplot as plt

    if not STYLE.exists():
        raise FileNotFoundError(f"course style not found at {STYLE}; install the course with "
                                "'pip install -e .' from its folder so assets/ sits beside dlcourse/")
    plt.style.use(str(STYLE))


def setup(seed_value=0, threads=1):
    """Call once at the top of a notebook: seed everything, pin threads, apply the style.

    ``threads=1`` is deliberate: on small models a laptop runs torch far faster on one
    thread than on several competing ones, and results are identical run to run.
    """
    if not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a positive integer, got {threads!r}")
    torch = _torch()
    if torch is not None:
        torch.set_num_threads(threads)
    from threadpoolctl import threadpool_limits
    threadpool_limits(threads)  # NumPy's BLAS too
    use_style()
    return seed(seed_value)
