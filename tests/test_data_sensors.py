"""The generated pump-sensor anomaly set: seeded, clean training part, faults that hide in the relations between columns."""
import numpy as np
import pytest

from dlcourse import data


def test_split_shapes_names_and_clean_training_part():
    d = data.make_sensors(seed=0)
    assert d.feature_names == data.SENSOR_FEATURES and d.target_names == ["healthy", "faulty"]
    assert d.X_train.shape[1] == 8 and len(d.X_train) + len(d.X_val) + len(d.X_test) < 4000  # faulty train rows dropped
    assert set(np.unique(d.y_train)) == {0}
    assert 0.02 < d.y_test.mean() < 0.07 and d.y_val.sum() > 10
    assert np.allclose(d.X_train.mean(0), 0, atol=1e-12) and np.allclose(d.X_train.std(0), 1)  # fitted on train
    mixed = data.make_sensors(seed=0, clean_train=False)
    assert mixed.y_train.sum() > 0


def test_seeded():
    a, b, c = data.make_sensors(seed=1), data.make_sensors(seed=1), data.make_sensors(seed=2)
    assert np.array_equal(a.X_test, b.X_test) and not np.array_equal(a.X_test, c.X_test)


def test_faults_are_not_extreme_values_but_broken_relations():
    d = data.make_sensors(seed=0)
    healthy, faulty = d.X_test[d.y_test == 0], d.X_test[d.y_test == 1]
    # distance to the mean barely separates them ...
    dist = lambda X: np.sqrt((X ** 2).sum(1))
    ranks = np.argsort(np.argsort(np.r_[dist(healthy), dist(faulty)]))
    auc_dist = (ranks[len(healthy):].mean() - (len(faulty) - 1) / 2) / len(healthy)
    assert auc_dist < 0.75
    # ... most faulty rows stay inside the healthy training range of every column ...
    inside = ((faulty >= d.X_train.min(0)) & (faulty <= d.X_train.max(0))).all(1)
    assert inside.mean() > 0.7
    # ... while a linear relation learned on healthy rows (speed from load) flags the stuck-speed faults
    A = np.c_[d.X_train[:, 0], np.ones(len(d.X_train))]
    coef = np.linalg.lstsq(A, d.X_train[:, 2], rcond=None)[0]
    resid = lambda X: np.abs(X[:, 2] - np.c_[X[:, 0], np.ones(len(X))] @ coef)
    assert np.quantile(resid(faulty), 0.8) > np.quantile(resid(healthy), 0.95)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_samples": 50}, r"n_samples must be an integer >= 200, got 50"),
    ({"anomaly_share": 0.7}, r"anomaly_share must be a number between 0 and 0.5, got 0.7"),
    ({"anomaly_share": True}, r"anomaly_share"),
])
def test_errors_teach(kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.make_sensors(**kwargs)
