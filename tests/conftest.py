import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")
torch.set_num_threads(1)  # see NOTES: one thread is faster here and reproducible
torch.set_default_dtype(torch.float64)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
