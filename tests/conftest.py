import importlib.abc
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import torch
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))
import netguard  # noqa: E402

matplotlib.use("Agg")
torch.set_num_threads(1)  # one thread is faster on small models here, and reproducible
torch.set_default_dtype(torch.float64)
netguard.install()  # unit tests run offline: any connection leaving this machine fails
# the same generated cases on every run and machine: a learner's test command must not fail by the draw
settings.register_profile("dlcourse", derandomize=True)
settings.load_profile("dlcourse")


class _NoSolutions(importlib.abc.MetaPathFinder):
    """The checks must work from the answer key alone, as in an installed package, so nothing can import the
    reference solutions during the tests (the tests read them as files: tests/reference.py)."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "solutions" or name.startswith("dlcourse.solutions"):
            raise ImportError(f"{name}: the reference solutions cannot be imported in the tests")
        return None


sys.meta_path.insert(0, _NoSolutions())


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
