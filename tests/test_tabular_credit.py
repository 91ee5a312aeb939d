"""Credit data with categorical columns, one-hot encoding and the embedding model (lesson 05)."""
import numpy as np
import pytest
import torch

import dlcourse as dl


def test_credit_is_deterministic_named_and_keeps_codes_unscaled():
    a, b = dl.data.make_credit(seed=1), dl.data.make_credit(seed=1)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.X_train, dl.data.make_credit(seed=2).X_train)
    assert list(a.categories) == ["employment", "housing", "purpose"] and a.n_numeric == 6
    assert a.feature_names[:2] == ["age", "income_k"] and a.target_names == ["repays", "defaults"]
    np.testing.assert_allclose(a.X_train[:, :6].mean(0), 0, atol=1e-10)  # numeric: standardised on train
    for j, levels in enumerate(a.categories.values()):                 # codes: untouched integers
        codes = np.concatenate([a.X_train[:, 6 + j], a.X_test[:, 6 + j]])
        assert set(np.unique(codes)) == set(range(len(levels)))
    assert 0.15 < a.y_train.mean() < 0.4


def test_credit_has_signal_in_a_category():
    s = dl.data.make_credit(standardize=False)
    emp = s.X_train[:, s.feature_names.index("employment")]
    unemployed = emp == s.categories["employment"].index("unemployed")
    assert s.y_train[unemployed].mean() > s.y_train[emp == 0].mean() + 0.15


def test_one_hot_expands_each_category():
    s = dl.data.make_credit()
    o = dl.data.one_hot(s)
    assert o.X_train.shape == (len(s.X_train), 6 + 5 + 4 + 7) and not o.categories
    assert o.feature_names[6] == "employment=permanent" and o.feature_names[-1] == "purpose=debt_consolidation"
    np.testing.assert_array_equal(o.X_test[:, :6], s.X_test[:, :6])
    np.testing.assert_array_equal(o.X_test[:, 6:11].sum(1), 1)  # exactly one level per row and column
    np.testing.assert_array_equal(o.X_test[:, 6:11].argmax(1), s.X_test[:, 6])
    with pytest.raises(ValueError, match="no categorical"):
        dl.data.one_hot(dl.data.make_churn())
    with pytest.raises(TypeError, match="Split"):
        dl.data.one_hot(np.zeros((3, 3)))


def test_split_rejects_bad_category_codes():
    X = np.c_[np.arange(60.0), np.arange(60) % 3]
    with pytest.raises(ValueError, match="integer codes 0..1"):
        dl.data.split(X, np.arange(60) % 2, categories={"c": ["a", "b"]})
    s = dl.data.split(X, np.arange(60) % 2, categories={"c": ["a", "b", "c"]})
    assert set(np.unique(s.X_train[:, 1])) <= {0.0, 1.0, 2.0}


def test_tabular_net_embeds_each_column_and_learns():
    dl.seed(0)
    net = dl.models.TabularNet(2, [3, 4], embedding_dim=[2, 5], hidden=(8,))
    assert [tuple(e.weight.shape) for e in net.embeddings] == [(3, 2), (4, 5)]
    assert net.mlp.net[0].in_features == 2 + 2 + 5
    x = torch.tensor([[0.5, -1.0, 2.0, 3.0], [0.0, 0.0, 0.0, 0.0]])
    assert net(x).shape == (2, 1)
    # the same numeric values with another category code give another output: the embedding is used
    assert not torch.allclose(net(x[:1]), net(torch.tensor([[0.5, -1.0, 1.0, 3.0]])))
    credit = dl.data.make_credit()
    tr, va, _ = credit.loaders(batch_size=64, float_targets=True)
    model = dl.models.TabularNet(credit.n_numeric, [len(v) for v in credit.categories.values()])
    h = dl.train.fit(model, tr, torch.nn.BCEWithLogitsLoss(), torch.optim.Adam(model.parameters(), 3e-3),
                     epochs=5, val_loader=va, progress=False)
    assert h["val_accuracy"][-1] > 1 - credit.y_val.mean() + 0.02  # beats always predicting "repays"


def test_tabular_net_errors_name_what_was_expected():
    net = dl.models.TabularNet(2, [3, 4])
    with pytest.raises(ValueError, match=r"\(N, 4\)"):
        net(torch.zeros(5, 3))
    with pytest.raises(ValueError, match="column 1 needs codes 0..3"):
        net(torch.tensor([[0.0, 0.0, 1.0, 4.0]]))
    with pytest.raises(ValueError, match="cardinalities"):
        dl.models.TabularNet(2, [])
    with pytest.raises(ValueError, match="embedding_dim"):
        dl.models.TabularNet(2, [3, 4], embedding_dim=[2])
    with pytest.raises(ValueError, match="n_numeric"):
        dl.models.TabularNet(-1, [3])
    with pytest.raises(ValueError, match="n_samples"):
        dl.data.make_credit(10)


def test_generated_tables_carry_the_true_probability_of_each_row():
    churn = dl.data.make_churn(standardize=False)
    tenure, charges, calls, monthly, late, app, age = churn.X_test.T   # the rule of make_churn, from raw rows
    logit = (-1.2 + 1.6 * monthly - 0.05 * tenure + 0.45 * calls + 0.6 * late + 0.02 * (charges - 65) - 0.8 * app
             + 0.9 * monthly * (calls >= 3) + 0.015 * np.abs(age - 45) * monthly)
    np.testing.assert_allclose(churn.true_probability["test"], 1 / (1 + np.exp(-logit)), rtol=1e-12)
    credit = dl.data.make_credit()
    for s in (churn, credit, dl.data.one_hot(credit)):
        for part in ("train", "val", "test"):
            p, y = s.true_probability[part], getattr(s, "y_" + part)
            assert p.shape == y.shape and np.all((p > 0) & (p < 1))
            assert abs(p.mean() - y.mean()) < 0.05  # labels were drawn with these probabilities
        # the true probabilities rank far better than chance, yet far from perfectly: the labels are noisy
        assert 0.7 < dl.metrics.auc(*dl.metrics.roc_curve(s.y_test, s.true_probability["test"])[:2]) < 0.9
    assert dl.data.load_diabetes().true_probability is None  # real data: nobody knows it


def test_split_rejects_a_true_probability_of_the_wrong_length():
    X, y = np.arange(40.0)[:, None], np.arange(40) % 2
    with pytest.raises(ValueError, match=r"true_probability must have shape \(40,\).*got \(39,\)"):
        dl.data.split(X, y, true_probability=np.full(39, 0.5))
    s = dl.data.split(X, y, standardize=False, true_probability=X[:, 0] / 100)  # rows keep their own probability
    np.testing.assert_array_equal(s.true_probability["val"], s.X_val[:, 0] / 100)
