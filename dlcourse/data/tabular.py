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
    categories: dict = field(default_factory=dict)  # categorical column -> its levels; codes 0..k-1, last columns of X
    true_probability: dict = None  # generated tables only: {"train"|"val"|"test": the rule's P(y=1) per row, (n,)}

    def __repr__(self):
        cats = f" ({len(self.categories)} categorical)" if self.categories else ""
        features = len(self.feature_names) or int(np.prod(self.X_train.shape[1:]))
        if len(self.target_names):
            targets = list(self.target_names)
        elif np.issubdtype(np.asarray(self.y_train).dtype, np.integer):
            targets = f"{len(np.unique(self.y_train))} classes"
        else:
            targets = "continuous"
        return (f"Split(train {self.X_train.shape}, val {self.X_val.shape}, test {self.X_test.shape}, "
                f"{features} features{cats}, targets {targets})")

    @property
    def n_numeric(self):
        """Number of numeric columns; the categorical code columns follow them."""
        return self.X_train.shape[1] - len(self.categories)

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
          feature_names=(), target_names=(), categories=None, true_probability=None):
    """Shuffle and split into train / val / test (stratified by class when ``stratify``).

    Standardisation uses the training part's mean and std only, so no information from the
    validation or test data leaks into training. ``categories`` ({name: levels}) marks the last
    ``len(categories)`` columns as integer category codes: they are kept as they are, never scaled.
    ``true_probability`` (n,), for generated data: the rule's P(y=1) per row; it follows its rows into
    ``.true_probability["train"]``, ``["val"]`` and ``["test"]``.
    """
    from sklearn.model_selection import train_test_split

    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"split: X has {len(X)} rows but y has {len(y)}")
    if true_probability is not None:
        true_probability = np.asarray(true_probability, dtype=np.float64)
        if true_probability.shape != (len(y),):
            raise ValueError(f"split: true_probability must have shape ({len(y)},), one per row; "
                             f"got {true_probability.shape}")
    if not (0 < test_size < 1 and 0 <= val_size < 1 and val_size + test_size < 1):
        raise ValueError(f"split: need 0 < test_size, 0 <= val_size and val_size + test_size < 1; "
                         f"got val_size={val_size}, test_size={test_size}")
    strat = y if stratify else None
    rows = np.arange(len(y))  # row numbers travel with the rows (the shuffle depends only on y and seed)
    X_rest, X_test, y_rest, y_test, r_rest, r_test = train_test_split(X, y, rows, test_size=test_size, stratify=strat,
                                                                      random_state=seed)
    X_train, X_val, y_train, y_val, r_train, r_val = (
        (X_rest, X_rest[:0], y_rest, y_rest[:0], r_rest, r_rest[:0]) if val_size == 0 else train_test_split(
            X_rest, y_rest, r_rest, test_size=val_size / (1 - test_size), stratify=y_rest if stratify else None,
            random_state=seed))
    if true_probability is not None:
        true_probability = {"train": true_probability[r_train], "val": true_probability[r_val],
                            "test": true_probability[r_test]}
    categories = dict(categories or {})
    n_cat = len(categories)
    if n_cat and (X.ndim != 2 or X.shape[1] <= n_cat):
        raise ValueError(f"split: {n_cat} categorical columns need a 2-D X with more columns; got shape {X.shape}")
    for j, (name, levels) in enumerate(categories.items(), start=X.shape[1] - n_cat if n_cat else 0):
        codes = X[:, j]
        if np.any(codes != np.round(codes)) or codes.min() < 0 or codes.max() >= len(levels):
            raise ValueError(f"split: column {j} ({name!r}) must hold integer codes 0..{len(levels) - 1}, "
                             f"got values from {codes.min():g} to {codes.max():g}")
    mean, std = None, None
    if standardize:
        mean, std = X_train.mean(axis=0), X_train.std(axis=0)
        std = np.where(std > 0, std, 1.0)  # a constant column stays constant instead of dividing by 0
        if n_cat:  # category codes are labels, not quantities: leave them alone
            mean[-n_cat:], std[-n_cat:] = 0.0, 1.0
        X_train, X_val, X_test = ((A - mean) / std for A in (X_train, X_val, X_test))
    return Split(X_train, y_train, X_val, y_val, X_test, y_test, list(feature_names), list(target_names), mean, std,
                 categories, true_probability)


def one_hot(data):
    """The same Split with each categorical code column replaced by one 0/1 column per level.

    Column names become ``"housing=rent"``; numeric columns are unchanged. The result has no
    categorical columns left, so any plain model (logistic regression, MLP) can use it.
    """
    if not isinstance(data, Split):
        raise TypeError(f"one_hot expects a dlcourse.data.Split, got {type(data).__name__}")
    if not data.categories:
        raise ValueError("one_hot: this Split has no categorical columns (its .categories is empty)")
    k = data.n_numeric

    def encode(X):
        blocks = [X[:, :k]] + [np.eye(len(levels))[X[:, k + j].astype(np.int64)]
                               for j, levels in enumerate(data.categories.values())]
        return np.concatenate(blocks, axis=1)

    names = data.feature_names[:k] + [f"{c}={lv}" for c, levels in data.categories.items() for lv in levels]
    n_new = sum(len(v) for v in data.categories.values())
    mean = None if data.mean is None else np.r_[data.mean[:k], np.zeros(n_new)]
    std = None if data.std is None else np.r_[data.std[:k], np.ones(n_new)]
    return Split(encode(data.X_train), data.y_train, encode(data.X_val), data.y_val, encode(data.X_test),
                 data.y_test, names, list(data.target_names), mean, std, true_probability=data.true_probability)


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
    ``.true_probability`` holds the rule's own P(churn) for every row: the best any model can do.
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
    prob = 1 / (1 + np.exp(-logit))
    y = (rng.random(n_samples) < prob).astype(np.int64)
    X = np.c_[tenure, charges, calls, monthly, late, app, age]
    return split(X, y, seed=seed, feature_names=CHURN_FEATURES, target_names=["stays", "churns"],
                 true_probability=prob, **kwargs)


CREDIT_NUMERIC = ["age", "income_k", "loan_amount_k", "duration_months", "existing_loans", "years_at_address"]
CREDIT_CATEGORIES = {
    "employment": ["permanent", "temporary", "self_employed", "unemployed", "retired"],
    "housing": ["own", "mortgage", "rent", "with_family"],
    "purpose": ["car", "furniture", "education", "business", "holiday", "repairs", "debt_consolidation"],
}


def make_credit(n_samples=3000, seed=0, **kwargs):
    """A generated loan book: does the borrower default (1) or repay (0)?

    Six numeric columns (``CREDIT_NUMERIC``) come first, then three categorical ones as integer
    codes (``CREDIT_CATEGORIES``: employment, housing, loan purpose), listed in ``.categories``.
    Risk rises with the loan's size relative to income, its duration and existing loans, and depends
    on each category in no particular order (holiday loans are riskier than car loans); unemployed
    borrowers with large loans are riskier still. Numeric columns are standardised on the
    training part; category codes are left as they are.
    ``.true_probability`` holds the rule's own P(default) for every row.
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 50:
        raise ValueError(f"make_credit: n_samples must be an integer >= 50, got {n_samples!r}")
    rng = np.random.default_rng(seed)
    employment = rng.choice(5, n_samples, p=[0.55, 0.15, 0.12, 0.08, 0.10])
    housing = rng.choice(4, n_samples, p=[0.25, 0.35, 0.30, 0.10])
    purpose = rng.choice(7, n_samples, p=[0.25, 0.12, 0.10, 0.10, 0.08, 0.15, 0.20])
    age = np.where(employment == 4, rng.normal(68, 5, n_samples), rng.normal(40, 11, n_samples)).clip(18, 90)
    income = rng.lognormal(np.log([48, 36, 52, 14, 28])[employment], 0.4)           # thousands per year
    amount = rng.lognormal(np.log([15, 4, 10, 25, 3, 6, 12])[purpose], 0.5)         # thousands
    duration = rng.choice([6, 12, 24, 36, 48, 60], n_samples, p=[0.1, 0.2, 0.25, 0.2, 0.15, 0.1])
    loans = rng.poisson(0.8, n_samples)
    address = rng.exponential(6, n_samples).clip(0, 40).round()
    burden = amount / income
    logit = (-2.2 + 1.8 * burden + 0.015 * (duration - 24) + 0.35 * loans - 0.03 * address
             - 0.015 * (age - 40)
             + np.array([0.0, 0.5, 0.4, 1.2, -0.2])[employment]
             + np.array([-0.5, -0.3, 0.3, 0.2])[housing]
             + np.array([-0.4, 0.1, 0.3, 0.6, 0.9, -0.1, 0.4])[purpose]
             + 1.5 * (employment == 3) * (burden > 0.5))
    prob = 1 / (1 + np.exp(-logit))
    y = (rng.random(n_samples) < prob).astype(np.int64)
    X = np.c_[age.round(), income.round(1), amount.round(1), duration, loans, address, employment, housing, purpose]
    return split(X, y, seed=seed, feature_names=CREDIT_NUMERIC + list(CREDIT_CATEGORIES),
                 target_names=["repays", "defaults"], categories=CREDIT_CATEGORIES, true_probability=prob, **kwargs)


SENSOR_FEATURES = ["load_pct", "ambient_c", "speed_rpm", "power_kw", "flow_l_min", "pressure_bar",
                   "temperature_c", "vibration_mm_s"]
SENSOR_FAULTS = ["worn bearing", "cooling fault", "leak", "stuck speed sensor"]


def make_sensors(n_samples=4000, anomaly_share=0.04, seed=0, val_size=0.2, test_size=0.3, clean_train=True):
    """Readings of a generated pump: is the machine healthy (0) or faulty (1)? For anomaly detection.

    A healthy pump's eight readings (``SENSOR_FEATURES``) follow its load and the ambient temperature
    through smooth, partly non-linear laws: speed rises with load, power with speed cubed, flow with
    speed, pressure with speed squared, temperature with power and ambient, vibration with speed
    squared. Each faulty row (a share ``anomaly_share``) has one of four faults (``SENSOR_FAULTS``)
    that break one of these relations, mostly with every reading inside the healthy range:
    vibration too high for the speed (worn bearing), temperature too high for the power (cooling
    fault), flow too low for the pressure (leak), or a speed reading that does not follow the load
    (stuck sensor). So a single column rarely gives a fault away; the relations between columns do.

    Returns a ``Split`` (train / val / test, stratified). With ``clean_train`` the training part holds
    healthy rows only (the model learns what normal looks like); validation and test keep their
    faults. Columns are standardised with the training part's mean and std.
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 200:
        raise ValueError(f"make_sensors: n_samples must be an integer >= 200, got {n_samples!r}")
    if isinstance(anomaly_share, bool) or not isinstance(anomaly_share, (int, float)) or not 0 < anomaly_share < 0.5:
        raise ValueError(f"make_sensors: anomaly_share must be a number between 0 and 0.5, got {anomaly_share!r}")
    rng = np.random.default_rng(seed)
    n = n_samples
    load = rng.uniform(30, 100, n)
    ambient = rng.normal(20, 5, n)
    speed = 600 + 24 * load + rng.normal(0, 30, n)
    s = speed / 3000                                          # speed relative to 3,000 rpm
    power = 0.5 + 30 * s ** 3 + rng.normal(0, 0.4, n)
    flow = 400 * s + rng.normal(0, 8, n)
    pressure = 1 + 8 * s ** 2 + rng.normal(0, 0.15, n)
    temperature = ambient + 12 + 2.2 * power + rng.normal(0, 1.5, n)
    vibration = 0.8 + 3.0 * s ** 2 + rng.normal(0, 0.15, n)
    y = (rng.random(n) < anomaly_share).astype(np.int64)
    fault = rng.integers(0, len(SENSOR_FAULTS), n)
    bad = y == 1
    # each fault moves one reading off its law by several noise widths, not beyond the healthy spread
    vibration = np.where(bad & (fault == 0), vibration + rng.uniform(0.8, 1.6, n), vibration)
    temperature = np.where(bad & (fault == 1), temperature + rng.uniform(10, 18, n), temperature)
    flow = np.where(bad & (fault == 2), flow * rng.uniform(0.7, 0.82, n), flow)
    speed = np.where(bad & (fault == 3), rng.uniform(speed.min(), speed.max(), n), speed)
    X = np.c_[load, ambient, speed, power, flow, pressure, temperature, vibration]
    data = split(X, y, val_size=val_size, test_size=test_size, standardize=False, seed=seed,
                 feature_names=SENSOR_FEATURES, target_names=["healthy", "faulty"])
    if clean_train:
        keep = data.y_train == 0
        data.X_train, data.y_train = data.X_train[keep], data.y_train[keep]
    data.mean, data.std = data.X_train.mean(axis=0), data.X_train.std(axis=0)
    data.X_train, data.X_val, data.X_test = ((A - data.mean) / data.std for A in (data.X_train, data.X_val, data.X_test))
    return data
