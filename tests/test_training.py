import numpy as np
import pytest

import dlcourse as dl
from dlcourse import nn, optim


def _mlp():
    dl.seed(0)
    return nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))


@pytest.mark.parametrize("batch_size", [None, 32])
def test_fit_learns_moons(batch_size):
    X, y = dl.data.make_moons(200, noise=0.1)
    model = _mlp()
    losses = nn.fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=0.02), X, y,
                    epochs=150, batch_size=batch_size)
    assert len(losses) == 150 and losses[-1] < 0.3 * losses[0]
    assert nn.accuracy(model(X), y) > 0.95


def test_fit_stops_at_non_finite_loss(capsys):
    X, y = dl.data.make_blobs(100)
    model = _mlp()
    losses = nn.fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=50.0), X,
                    np.eye(2)[y] * 1e3, epochs=200)
    assert not np.isfinite(losses[-1]) and len(losses) < 200
    assert "Lower the learning rate" in capsys.readouterr().out
    assert all(np.isfinite(p.data).all() for p in model.parameters())  # no NaN update was applied


def test_fit_validates():
    model = _mlp()
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="samples"):
        nn.fit(model, nn.CrossEntropyLoss(), opt, np.zeros((3, 2)), np.zeros(2, int))
    with pytest.raises(ValueError, match="epochs"):
        nn.fit(model, nn.CrossEntropyLoss(), opt, np.zeros((3, 2)), np.zeros(3, int), epochs=0)
    with pytest.raises(TypeError, match="dlcourse.train"):
        import torch
        nn.fit(torch.nn.Linear(2, 2), nn.CrossEntropyLoss(), opt, np.zeros((3, 2)), np.zeros(3, int))


def test_accuracy_forms():
    y = np.array([0, 1, 1])
    assert nn.accuracy(np.array([[2.0, 1.0], [0.0, 3.0], [5.0, 1.0]]), y) == pytest.approx(2 / 3)
    assert nn.accuracy(np.array([0.2, 0.9, 0.7]), y) == 1.0
    assert nn.accuracy(np.array([[0.2], [0.4], [0.7]]), y) == pytest.approx(2 / 3)
