"""Sequence data of lesson 07: demand series, sliding windows, memory task, MNIST-1D."""
import random

import numpy as np
import pytest

import dlcourse as dl
from dlcourse.data import sequences


def test_demand_is_seeded_and_has_its_parts():
    a, b = dl.data.make_demand(seed=1), dl.data.make_demand(seed=1)
    assert a.shape == (4 * 365,) and np.array_equal(a, b)
    assert not np.array_equal(a, dl.data.make_demand(seed=2))
    assert a.min() >= 0
    holiday = dl.data.demand_holidays(len(a))
    assert holiday.sum() == 4 * len(sequences.HOLIDAYS)
    assert a[holiday].mean() < 0.5 * a[~holiday].mean()  # holidays sell about a third
    clean = dl.data.make_demand(noise=0.0)
    day = np.arange(len(clean)) % 7
    weekday = np.array([clean[(day == d) & ~holiday].mean() for d in range(7)])
    assert weekday.argmax() == 5  # Saturday, the busiest weekday of WEEKDAY_EFFECT
    assert clean[365 * 3:].mean() > clean[:365].mean() + 6  # 3 units a year of growth


def test_windows_are_chronological_scaled_on_train_and_never_share_a_target():
    series = dl.data.make_demand(seed=0)
    d = dl.data.make_windows(series, n_in=28, n_out=7, val_size=0.1, test_size=0.2)
    assert d.X_train.shape[1:] == (28, 1) and d.y_train.shape[1:] == (7,)
    n = len(series)
    cut_test, cut_val = n - round(0.2 * n), n - round(0.2 * n) - round(0.1 * n)
    assert d.start_train.max() + 7 <= cut_val and d.start_val.min() >= cut_val
    assert d.start_val.max() + 7 <= cut_test and d.start_test.min() >= cut_test
    assert d.start_test.max() + 7 == n
    assert len(d.X_train) + len(d.X_val) + len(d.X_test) == n - 28 - 3 * 6  # each cut loses n_out - 1 windows
    assert np.isclose(d.mean, series[:cut_val].mean()) and np.isclose(d.std, series[:cut_val].std())
    # every window is the series itself, scaled: inputs then targets
    s = d.start_test[5]
    assert np.allclose(d.unscale(d.X_test[5, :, 0]), series[s - 28:s])
    assert np.allclose(d.unscale(d.y_test[5]), series[s:s + 7])
    # no leakage: changing the test days leaves every training window and the scaling unchanged
    changed = series.copy()
    changed[cut_test:] += 100
    d2 = dl.data.make_windows(changed, n_in=28, n_out=7, val_size=0.1, test_size=0.2)
    assert np.array_equal(d2.X_train, d.X_train) and np.array_equal(d2.y_train, d.y_train) and d2.mean == d.mean


def test_windows_without_validation_part():
    d = dl.data.make_windows(np.arange(200.0), n_in=10, n_out=3, val_size=0, test_size=0.2)
    assert d.X_val.shape == (0, 10, 1) and d.y_val.shape == (0, 3)
    assert d.start_train.max() + 3 <= 160 <= d.start_test.min()


def test_seasonal_naive_repeats_last_week():
    X = np.arange(20.0)[None, :, None]
    assert np.array_equal(dl.data.seasonal_naive(X, 7), [np.arange(13.0, 20.0)])
    assert np.array_equal(dl.data.seasonal_naive(X[..., 0], 9), [[13, 14, 15, 16, 17, 18, 19, 13, 14]])


def test_memory_task_label_is_first_symbol():
    X, y = dl.data.make_memory_task(500, lag=12, n_symbols=5, seed=3)
    assert X.shape == (500, 13, 5) and X.dtype == np.float32 and y.dtype == np.int64
    assert np.array_equal(X[:, 0].argmax(1), y) and np.all(X.sum(-1) == 1)
    assert np.array_equal(X, dl.data.make_memory_task(500, lag=12, n_symbols=5, seed=3)[0])
    assert 0.15 < np.mean(X[:, -1].argmax(1) == y) < 0.25  # the last symbol tells nothing (chance 1/5)
    assert dl.data.make_memory_task(4, lag=0)[0].shape == (4, 1, 8)


def test_mnist1d_is_offline_and_leaves_random_state_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # get_dataset would write a pickle here
    np.random.seed(7)
    random.seed(7)
    d = dl.data.load_mnist1d()
    assert (np.random.rand(), random.random()) == (np.random.RandomState(7).rand(), random.Random(7).random())
    assert list(tmp_path.iterdir()) == []
    assert d.X_train.shape == (3200, 40) and d.X_val.shape == (800, 40) and d.X_test.shape == (1000, 40)
    assert d.X_train.dtype == np.float32 and d.y_train.dtype == np.int64
    assert set(np.unique(d.y_test)) == set(range(10))
    assert np.array_equal(d.X_test, dl.data.load_mnist1d(val_size=0).X_test)


@pytest.mark.parametrize("call, message", [
    (lambda: dl.data.make_demand(n_days=5), "n_days must be an integer >= 14"),
    (lambda: dl.data.make_demand(noise=-1), "noise must be a number >= 0"),
    (lambda: dl.data.make_windows(np.zeros((10, 2))), "must be 1-D"),
    (lambda: dl.data.make_windows(np.zeros(100), n_in=0), "n_in must be an integer >= 1"),
    (lambda: dl.data.make_windows(np.zeros(100), test_size=0.9, val_size=0.2), "val_size"),
    (lambda: dl.data.make_windows(np.zeros(40), n_in=28, n_out=7), "has no window"),
    (lambda: dl.data.seasonal_naive(np.zeros((3, 5)), 7), "n_in >= 7"),
    (lambda: dl.data.make_memory_task(10, lag=-1), "lag must be an integer >= 0"),
    (lambda: dl.data.make_memory_task(10, lag=3, n_symbols=1), "n_symbols must be an integer >= 2"),
    (lambda: dl.data.load_mnist1d(val_size=1.5), "val_size must be in"),
])
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
