"""Tabular/image loaders, reference models, the torch fit loop, checkpoints and metrics."""
import os

import numpy as np
import pytest
import torch
from sklearn import metrics as skm
from torch.utils.data import DataLoader, TensorDataset

import dlcourse as dl
from dlcourse import metrics, train


@pytest.fixture(autouse=True)
def float32_default():
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float32)  # the torch half of the course runs in float32
    yield
    torch.set_default_dtype(old)


@pytest.mark.parametrize("loader", ["load_breast_cancer", "load_diabetes", "load_digits", "make_churn"])
def test_loaders_split_deterministically_and_standardise_on_train_only(loader):
    a, b = getattr(dl.data, loader)(seed=3), getattr(dl.data, loader)(seed=3)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.X_train, getattr(dl.data, loader)(seed=4).X_train)
    n = len(a.X_train) + len(a.X_val) + len(a.X_test)
    assert abs(len(a.X_test) / n - 0.2) < 0.01 and abs(len(a.X_val) / n - 0.15) < 0.01
    if a.mean is not None:  # standardised: train has mean 0, val/test only approximately
        np.testing.assert_allclose(a.X_train.reshape(len(a.X_train), -1).mean(0), 0, atol=1e-10)
        assert np.abs(a.X_test.mean(0)).max() > 1e-6


def test_stratified_digits_and_image_shapes():
    s = dl.data.load_digits()
    assert s.X_train.shape[1:] == (1, 8, 8) and s.X_train.min() >= 0 and s.X_train.max() <= 1
    counts = np.bincount(s.y_test, minlength=10)
    assert counts.min() >= 34 and counts.max() <= 38  # each digit ~10% of the test set
    assert dl.data.load_digits(upsample=2).X_train.shape[1:] == (1, 16, 16)
    assert dl.data.load_digits(flat=True).X_train.shape[1:] == (64,)
    with pytest.raises(ValueError, match="upsample"):
        dl.data.load_digits(upsample=0)


def test_churn_has_named_features_and_signal():
    s = dl.data.make_churn(standardize=False)
    assert s.feature_names[0] == "tenure_months" and s.target_names == ["stays", "churns"]
    monthly = s.X_train[:, s.feature_names.index("contract_monthly")] == 1
    assert s.y_train[monthly].mean() > s.y_train[~monthly].mean() + 0.15


def test_split_validates():
    with pytest.raises(ValueError, match="rows"):
        dl.data.split(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="val_size"):
        dl.data.split(np.zeros((50, 2)), np.zeros(50), val_size=0.5, test_size=0.6, stratify=False)


def test_loaders_wrap_torch():
    train_loader, val_loader, _ = dl.data.make_churn().loaders(batch_size=32)
    xb, yb = next(iter(train_loader))
    assert xb.shape == (32, 7) and xb.dtype == torch.float32 and yb.dtype == torch.long
    xr, yr = next(iter(dl.data.load_diabetes().loaders()[0]))
    assert yr.dtype == torch.float32


def test_models_shapes_and_validation():
    assert dl.models.MLP(7, (16, 8), 2, dropout=0.2, batch_norm=True)(torch.zeros(4, 7)).shape == (4, 2)
    assert dl.models.CNN(image_size=16, channels=(8, 8, 8))(torch.zeros(3, 1, 16, 16)).shape == (3, 10)
    with pytest.raises(ValueError, match="divisible"):
        dl.models.CNN(image_size=10, channels=(8, 8))
    with pytest.raises(ValueError, match="unknown activation"):
        dl.models.MLP(3, activation_name="swish")
    with pytest.raises(ValueError, match="positive integers"):
        dl.models.MLP(3, hidden=(0,))


def _blobs_loaders(n=400):
    X, y = dl.data.make_blobs(n, noise=0.6)
    ds = TensorDataset(torch.tensor(X, dtype=torch.float32), torch.tensor(y))
    return DataLoader(ds, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(0)), DataLoader(ds, 64)


def test_fit_learns_and_records_history():
    dl.seed(0)
    tr, va = _blobs_loaders()
    model = dl.models.MLP(2, (16,), 2)
    h = train.fit(model, tr, torch.nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters(), 0.01),
                  epochs=5, val_loader=va, progress=False, device=torch.device("cpu"))
    assert len(h) == 5 and h["val_accuracy"][-1] > 0.9 and h["train_loss"][-1] < h["train_loss"][0]


def test_fit_binary_with_single_logit_and_clipping():
    dl.seed(0)
    tr, va, _ = dl.data.load_breast_cancer().loaders(float_targets=True)
    model = dl.models.MLP(30, (16,), 1)
    h = train.fit(model, tr, torch.nn.BCEWithLogitsLoss(), torch.optim.Adam(model.parameters(), 0.01),
                  epochs=5, val_loader=va, clip_grad_norm=1.0, progress=False)
    assert h["val_accuracy"][-1] > 0.9


def test_live_plot_draws_the_history():
    plot = train.LivePlot()
    h = train.History([{"train_loss": 1.0, "val_loss": 1.2, "train_accuracy": 0.5},
                       {"train_loss": 0.5, "val_loss": 0.9, "train_accuracy": 0.8}])
    plot.update(h)
    lines = plot.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["train", "val"]
    np.testing.assert_array_equal(lines[0].get_ydata(), [1.0, 0.5])
    assert [line.get_label() for line in plot.axes[1].get_lines()] == ["train"]  # no val accuracy recorded


def test_nan_guard_stops_with_step_and_hint(capsys):
    X = torch.ones(64, 2)
    X[40, 0] = float("nan")
    tr = DataLoader(TensorDataset(X, torch.zeros(64, dtype=torch.long)), batch_size=16)
    model = dl.models.MLP(2, (4,), 2)
    before = [p.detach().clone() for p in model.parameters()]
    h = train.fit(model, tr, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), 0.0),
                  epochs=3, progress=False)
    assert "epoch 1, step 3" in h.stopped and "Lower the learning rate" in capsys.readouterr().out
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))  # lr 0: nothing moved, no NaN


def test_early_stopping_restores_best_weights():
    dl.seed(0)
    tr, va = _blobs_loaders(100)
    model = dl.models.MLP(2, (8,), 2)
    h = train.fit(model, tr, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), 5.0),
                  epochs=30, val_loader=va, early_stopping=2, progress=False)
    assert "Early stopping" in h.stopped and len(h) < 30
    best = min(h["val_loss"])
    assert h["val_loss"][h.best_epoch - 1] == best
    assert train.evaluate(model, va, torch.nn.CrossEntropyLoss())["loss"] == pytest.approx(best, rel=1e-5)
    with pytest.raises(ValueError, match="val_loader"):
        train.fit(model, tr, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), 0.1), early_stopping=2)


def test_checkpoint_round_trip_and_interrupted_save(tmp_path, monkeypatch):
    dl.seed(0)
    tr, va = _blobs_loaders(100)
    model = dl.models.MLP(2, (8,), 2)
    opt = torch.optim.Adam(model.parameters(), 0.01)
    h = train.fit(model, tr, torch.nn.CrossEntropyLoss(), opt, epochs=2, val_loader=va, progress=False)
    path = tmp_path / "ckpt.pt"
    train.save_checkpoint(path, model, opt, h)
    good = path.read_bytes()
    fresh = dl.models.MLP(2, (8,), 2)
    fresh_opt = torch.optim.Adam(fresh.parameters(), 0.01)
    h2 = train.load_checkpoint(path, fresh, fresh_opt)
    assert h2["val_loss"] == h["val_loss"]
    assert all(torch.equal(a, b) for a, b in zip(fresh.state_dict().values(), model.state_dict().values()))
    assert fresh_opt.state_dict()["state"].keys() == opt.state_dict()["state"].keys()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # the save is interrupted halfway
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        train.save_checkpoint(path, dl.models.MLP(2, (8,), 2))
    assert path.read_bytes() == good  # the last good checkpoint is intact


def test_checkpoint_load_is_weights_only(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"model": {}, "optimizer": None, "history": None, "x": object()}, path)
    with pytest.raises(Exception, match="[Ww]eights"):
        train.load_checkpoint(path, dl.models.MLP(2, (8,), 2))
    with pytest.raises(FileNotFoundError):
        train.load_checkpoint(tmp_path / "missing.pt", dl.models.MLP(2, (8,), 2))


def test_summary_lists_layers():
    text = train.summary(dl.models.CNN(), (1, 1, 8, 8))
    assert "features.0" in text and "(1, 16, 8, 8)" in text and "13,706" in text


def test_metrics_match_scikit_learn():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    scores = rng.random(300) + 0.4 * y
    scores[:30] = 0.5  # ties
    pred = (scores > 0.7).astype(int)
    fpr, tpr, _ = metrics.roc_curve(y, scores)
    assert metrics.auc(fpr, tpr) == pytest.approx(skm.roc_auc_score(y, scores))
    prf = metrics.precision_recall_f1(y, pred)
    assert prf["precision"] == pytest.approx(skm.precision_score(y, pred))
    assert prf["recall"] == pytest.approx(skm.recall_score(y, pred))
    assert prf["f1"] == pytest.approx(skm.f1_score(y, pred))
    y3, p3 = rng.integers(0, 3, 100), rng.integers(0, 3, 100)
    np.testing.assert_array_equal(metrics.confusion_matrix(y3, p3), skm.confusion_matrix(y3, p3))
    assert metrics.precision_recall_f1(y3, p3, "macro")["f1"] == pytest.approx(skm.f1_score(y3, p3, average="macro"))
    assert metrics.accuracy(torch.tensor(y3), p3) == pytest.approx(skm.accuracy_score(y3, p3))
    with pytest.raises(ValueError, match="both classes"):
        metrics.roc_curve(np.ones(5), np.arange(5))
    with pytest.raises(ValueError, match="macro"):
        metrics.precision_recall_f1(y3, p3)


def test_split_summary_counts_features_and_classes_without_names():
    X, y = dl.data.make_spirals(300, noise=0.1, n_classes=3, seed=0)
    text = repr(dl.data.split(X, y))
    assert "2 features" in text and "3 classes" in text
    Xr = np.random.default_rng(0).normal(size=(100, 4))
    assert "4 features, targets continuous" in repr(dl.data.split(Xr, Xr.sum(1), stratify=False))
