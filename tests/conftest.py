import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).parent))
import netguard  # noqa: E402

matplotlib.use("Agg")
torch.set_num_threads(1)  # one thread is faster on small models here, and reproducible
torch.set_default_dtype(torch.float64)
netguard.install()  # unit tests run offline: any connection leaving this machine fails


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
