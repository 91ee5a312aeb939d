"""Real and realistic data for the architecture lessons, all offline.

Real sets come bundled with scikit-learn (breast cancer, diabetes, 8x8 digits); the churn
table is generated with named, meaningful features. Every loader returns a ``Split``:
train / validation / test arrays, standardised with statistics fitted on the training part only.
"""
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Split:
    """Arrays for training, model selection and the final test, plus what they mean."""
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: list = field(default_factory=list)
    target_names: list = field(default_factory=list)
    mean: np.ndarray = None
    std: np.ndarray = None

    def __repr__(self):
        return (f"Split(train {self.X_train.shape}, val {self.X_val.shape}, test {self.X_test.shape}, "
                f"{len(self.feature_names)} features, targets {list(self.target_names) or 'continuous'})")

    def loaders(self, batch_size=64, seed=0, float_targets=False):
        """torch DataLoaders (train shuffled with ``seed``, val and test in order), float32 inputs.

        Class labels come as int64 (for CrossEntropyLoss); ``float_targets=True`` gives float32
        0/1 labels for BCEWithLogitsLoss.
        """
        import torch
        from torch.utils.data import DataLoader, TensorDataset

        def dataset(X, y):
            as_int = np.issubdtype(y.dtype, np.integer) and not float_targets
            yt = torch.tensor(y, dtype=torch.long if as_int else torch.float32)
            return TensorDataset(torch.tensor(X, dtype=torch.float32), yt)

        g = torch.Generator().manual_seed(seed)
        return (DataLoader(dataset(self.X_train, self.y_train), batch_size=batch_size, shuffle=True, generator=g),
                DataLoader(dataset(self.X_val, self.y_val), batch_size=batch_size),
                DataLoader(dataset(self.X_test, self.y_test), batch_size=batch_size))


def split(X, y, val_size=0.15, test_size=0.2, stratify=True, standardize=True, seed=0,
          feature_names=(), target_names=()):
    """Shuffle and split into train / val / test (stratified by class when ``stratify``).

    Standardisation uses the training part's mean and std only, so no information from the
    validation or test data leaks into training.
    """
    from sklearn.model_selection import train_test_split

    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"split: X has {len(X)} rows but y has {len(y)}")
    if not (0 < test_size < 1 and 0 <= val_size < 1 and val_size + test_size < 1):
        raise ValueError(f"split: need 0 < test_size, 0 <= val_size and val_size + test_size < 1; "
                         f"got val_size={val_size}, test_size={test_size}")
    strat = y if stratify else None
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=test_size, stratify=strat, random_state=seed)
    X_train, X_val, y_train, y_val = (X_rest, X_rest[:0], y_rest, y_rest[:0]) if val_size == 0 else train_test_split(
        X_rest, y_rest, test_size=val_size / (1 - test_size), stratify=y_rest if stratify else None, random_state=seed)
    mean, std = None, None
    if standardize:
        mean, std = X_train.mean(axis=0), X_train.std(axis=0)
        std = np.where(std > 0, std, 1.0)  # a constant column stays constant instead of dividing by 0
        X_train, X_val, X_test = ((A - mean) / std for A in (X_train, X_val, X_test))
    return Split(X_train, y_train, X_val, y_val, X_test, y_test, list(feature_names), list(target_names), mean, std)


def load_breast_cancer(seed=0, **kwargs):
    """569 tumours, 30 measured features; class 0 malignant, 1 benign (scikit-learn's bundled copy)."""
    from sklearn.datasets import load_breast_cancer as load
    d = load()
    return split(d.data, d.target.astype(np.int64), seed=seed, feature_names=list(d.feature_names),
                 target_names=[str(t) for t in d.target_names], **kwargs)


def load_diabetes(seed=0, **kwargs):
    """442 patients, 10 features; target: disease progression after one year (regression)."""
    from sklearn.datasets import load_diabetes as load
    d = load()
    return split(d.data, d.target.astype(np.float64), stratify=False, seed=seed,
                 feature_names=list(d.feature_names), **kwargs)


def load_digits(seed=0, upsample=1, flat=False, **kwargs):
    """1797 handwritten digits, 8x8 grey images (scikit-learn's bundled copy), 10 classes.

    Images come as (N, 1, 8*upsample, 8*upsample) for CNNs, or (N, 64*upsample^2) with ``flat``.
    Pixels are scaled to [0, 1]; the default 80/20 split is stratified, with 15% for validation.
    """
    from sklearn.datasets import load_digits as load
    if isinstance(upsample, bool) or not isinstance(upsample, int) or upsample < 1:
        raise ValueError(f"load_digits: upsample must be a positive integer, got {upsample!r}")
    d = load()
    images = d.images / 16.0
    if upsample > 1:
        images = images.repeat(upsample, axis=1).repeat(upsample, axis=2)
    X = images.reshape(len(images), -1) if flat else images[:, None]
    kwargs.setdefault("standardize", False)
    s = split(X.reshape(len(X), -1), d.target.astype(np.int64), seed=seed,
              target_names=[str(t) for t in d.target_names], **kwargs)
    if not flat:
        side = 8 * upsample
        s.X_train, s.X_val, s.X_test = (A.reshape(-1, 1, side, side) for A in (s.X_train, s.X_val, s.X_test))
    return s


CHURN_FEATURES = ["tenure_months", "monthly_charges", "support_calls", "contract_monthly",
                  "late_payments", "uses_app", "age"]


def make_churn(n_samples=2000, seed=0, **kwargs):
    """A generated customer table: will the customer leave (1) or stay (0)?

    Churn grows with monthly contracts, support calls, late payments and high charges, and
    falls with tenure and app use, through a non-linear rule plus noise, so a model has
    something real (but not trivial) to find.
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 20:
        raise ValueError(f"make_churn: n_samples must be an integer >= 20, got {n_samples!r}")
    rng = np.random.default_rng(seed)
    tenure = rng.exponential(24, n_samples).clip(1, 72)
    charges = rng.normal(65, 20, n_samples).clip(15, 130)
    calls = rng.poisson(1.5, n_samples)
    monthly = rng.random(n_samples) < 0.55
    late = rng.poisson(0.6, n_samples)
    app = rng.random(n_samples) < 0.5
    age = rng.normal(45, 14, n_samples).clip(18, 90)
    logit = (-1.2 + 1.6 * monthly - 0.05 * tenure + 0.45 * calls + 0.6 * late + 0.02 * (charges - 65)
             - 0.8 * app + 0.9 * (monthly & (calls >= 3)) + 0.015 * np.abs(age - 45) * monthly)
    y = (rng.random(n_samples) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    X = np.c_[tenure, charges, calls, monthly, late, app, age]
    return split(X, y, seed=seed, feature_names=CHURN_FEATURES, target_names=["stays", "churns"], **kwargs)
