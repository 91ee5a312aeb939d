"""Seeding, device choice, thread policy and plotting style shared by every lesson."""
import random
from contextlib import contextmanager
from pathlib import Path

import numpy as np

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent  # the top folder of a source checkout (with an editable install)
STYLE = PACKAGE / "assets" / "dlcourse.mplstyle"
# where `dlcourse lab` puts the learner's own copy of the lessons; the hyphen matters: Python can never
# import a folder of that name, so it cannot shadow the package the way a folder called "dlcourse" does
LESSONS_DIRNAME = "dlcourse-lessons"


def lessons_source():
    """The folder holding the course's lesson notebooks: the copy inside an installed wheel
    (``dlcourse/lessons``), or ``notebooks/`` in a source checkout."""
    for folder in (PACKAGE / "lessons", ROOT / "notebooks"):
        if any(folder.glob("[0-9][0-9]_*.ipynb")):
            return folder
    raise FileNotFoundError(f"no lesson notebooks found in {PACKAGE / 'lessons'} or {ROOT / 'notebooks'}: "
                            "reinstall the course (pip install dlcourse, or pip install -e . in a checkout)")


def copy_lessons(dest):
    """Copy every lesson missing from ``dest`` into it (created if needed); never overwrite.

    Returns the names copied. The learner's edits live in ``dest``, never in site-packages, and
    a later course version adds its new lessons without touching the ones already there.
    """
    import shutil
    source, dest = lessons_source(), Path(dest).expanduser()
    if dest.exists() and not dest.is_dir():
        raise NotADirectoryError(f"{dest} is a file; the lessons need a folder")
    dest.mkdir(parents=True, exist_ok=True)
    if dest.resolve() == source.resolve():
        return []
    copied = []
    for nb in sorted(source.glob("[0-9][0-9]_*.ipynb")):
        if not (dest / nb.name).exists():
            shutil.copy2(nb, dest / nb.name)
            copied.append(nb.name)
    return copied


def shadowing_package(folder):
    """A ``dlcourse`` folder or module in ``folder`` that a kernel started there would import instead
    of this package (a copy of the lessons, or a clone of a repository named dlcourse), else None."""
    for name in ("dlcourse", "dlcourse.py"):
        candidate = Path(folder) / name
        if candidate.exists() and candidate.resolve() != PACKAGE:
            return candidate
    return None


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
        raise FileNotFoundError(f"course style not found at {STYLE}: the installation is incomplete; "
                                "reinstall the course")
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
