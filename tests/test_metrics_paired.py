"""dl.metrics.paired_difference and dl.train.accuracy."""
import math

import numpy as np
import pytest
import torch

import dlcourse as dl


def test_paired_difference_by_hand():
    a = np.array([1, 1, 0, 0, 1, 0, 1, 1], bool)
    b = np.array([1, 0, 1, 1, 1, 0, 1, 1], bool)   # 3 disagreements: +1, +1, -1
    r = dl.metrics.paired_difference(a, b)
    assert r.delta == pytest.approx(1 / 8) and r.disagree == pytest.approx(3 / 8)
    d = b.astype(float) - a
    assert r.se == pytest.approx(d.std() / math.sqrt(8))          # the standard error of the mean difference
    assert dl.metrics.paired_difference(a, a) == (0.0, 0.0, 0.0)


def test_paired_difference_errors():
    with pytest.raises(TypeError, match="boolean"):
        dl.metrics.paired_difference(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="3 entries but correct_b has 2"):
        dl.metrics.paired_difference(np.ones(3, bool), np.ones(2, bool))
    with pytest.raises(ValueError, match="no examples"):
        dl.metrics.paired_difference(np.ones(0, bool), np.ones(0, bool))


def test_train_accuracy_counts_top_scores_in_eval_mode():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Dropout(0.9)).train()
    X = np.random.default_rng(0).normal(size=(10, 3)).astype(np.float32)   # cast to the model's dtype
    with torch.no_grad():
        want = model[0](torch.tensor(X, dtype=model[0].weight.dtype)).argmax(1).numpy()
    y = want.copy()
    y[:3] = (y[:3] + 1) % 4
    assert dl.train.accuracy(model, X, y, batch_size=4) == pytest.approx(0.7) and not model.training
    assert dl.train.accuracy(model, X, y, per_sample=True).tolist() == [False] * 3 + [True] * 7
    with pytest.raises(ValueError, match="10 samples but y has 9"):
        dl.train.accuracy(model, X, y[:9])
