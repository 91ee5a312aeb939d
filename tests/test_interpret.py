"""Attribution methods: exact answers on linear models, convergence on an MLP, errors that teach."""
import numpy as np
import pytest
import torch
from sklearn.inspection import permutation_importance as sk_permutation_importance
from sklearn.linear_model import LogisticRegression

from dlcourse import interpret


def linear_model(w, b):
    """Two-class linear model: class 0 has weights w, class 1 has weights -w (scores differ in sign)."""
    w = torch.as_tensor(w, dtype=torch.float64)
    lin = torch.nn.Linear(len(w), 2)
    with torch.no_grad():
        lin.weight.copy_(torch.stack([w, -w]))
        lin.bias.copy_(torch.tensor([b, -b]))
    return lin


def mlp(seed=0, d=6, c=3):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(d, 16), torch.nn.Tanh(), torch.nn.Linear(16, c))


def test_saliency_of_a_linear_model_is_the_absolute_weight(rng):
    w = rng.normal(size=5)
    model = linear_model(w, 0.3)
    x = rng.normal(size=(7, 5))
    for target, sign in ((0, 1), (1, -1)):
        sal = interpret.saliency(model, x, target=target)
        assert sal.shape == x.shape
        np.testing.assert_allclose(sal, np.tile(np.abs(w), (7, 1)), rtol=1e-12)
        gxi = interpret.saliency(model, x, target=target, times_input=True)
        np.testing.assert_allclose(gxi, sign * w * x, rtol=1e-12)


def test_saliency_default_target_is_the_predicted_class(rng):
    model = mlp()
    x = rng.normal(size=(20, 6))
    pred = model(torch.as_tensor(x)).argmax(1).numpy()
    np.testing.assert_allclose(interpret.saliency(model, x), interpret.saliency(model, x, target=pred))
    # per-sample gradients: sample i's map does not depend on the rest of the batch
    np.testing.assert_allclose(interpret.saliency(model, x[:1]), interpret.saliency(model, x)[:1])


def test_integrated_gradients_of_a_linear_model_are_exact(rng):
    w = rng.normal(size=4)
    model = linear_model(w, -0.7)
    x, base = rng.normal(size=(5, 4)), rng.normal(size=4)
    res = interpret.integrated_gradients(model, x, target=0, baseline=base, steps=1)
    np.testing.assert_allclose(res.attributions, (x - base) * w, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(res.gap, 0, atol=1e-12)


def test_integrated_gradients_gap_falls_with_steps(rng):
    model = mlp(seed=1)
    x = 2 * rng.normal(size=(8, 6))
    gaps = [np.abs(interpret.integrated_gradients(model, x, steps=s).gap).max() for s in (1, 4, 16, 64)]
    assert all(a > b for a, b in zip(gaps, gaps[1:])), gaps
    # the midpoint rule's error shrinks like 1/steps^2: 16x more steps, well over 16x smaller gap
    assert gaps[-1] < gaps[1] / 16, gaps
    # and the attributions move towards a limit
    a64 = interpret.integrated_gradients(model, x, steps=64).attributions
    a256 = interpret.integrated_gradients(model, x, steps=256).attributions
    assert np.abs(a64 - a256).max() < 1e-2 * np.abs(a256).max()


class OnePixel(torch.nn.Module):
    """Class 1's score is 5 * pixel (row 2, col 5) of an 8x8 image; everything else is ignored."""

    def forward(self, x):
        s = 5 * x[:, 0, 2, 5]
        return torch.stack([torch.zeros_like(s), s], 1)


def test_integrated_gradients_in_chunks_equal_one_batch(rng, monkeypatch):
    # many samples x steps are split over several backward passes to bound memory; the sum is the same
    model = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3)).double()
    x = rng.normal(size=(30, 5))
    whole = interpret.integrated_gradients(model, x, steps=20)
    monkeypatch.setattr(interpret, "_MAX_PATH_BATCH", 70)  # 2 path points per pass, 10 passes
    chunked = interpret.integrated_gradients(model, x, steps=20)
    np.testing.assert_allclose(chunked.attributions, whole.attributions, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(chunked.gap, whole.gap, atol=1e-12)


def test_occlusion_finds_the_one_informative_pixel():
    x = torch.zeros(3, 1, 8, 8)
    x[:, 0, 2, 5] = 1.0
    heat = interpret.occlusion(OnePixel(), x, target=1, window=1)
    assert heat.shape == (3, 8, 8)
    flat = heat.reshape(3, -1)
    assert (flat.argmax(1) == 2 * 8 + 5).all()
    p = 1 / (1 + np.exp(-5.0))  # softmax of (0, 5) for class 1
    np.testing.assert_allclose(heat[:, 2, 5], p - 0.5)
    assert np.count_nonzero(heat) == 3
    # a 3x3 window with stride 1: the drop is shared by every position a covering patch contains
    heat3 = interpret.occlusion(OnePixel(), x, target=1, window=3, score="logit")
    assert heat3[0, 2, 5] == pytest.approx(5.0) and heat3[0, 6, 1] == 0.0


def test_occlusion_on_a_table_and_the_baseline(rng):
    w = np.array([0.0, 2.0, 0.0, -1.0])
    model = linear_model(w, 0.0)
    x = rng.normal(size=(6, 4))
    heat = interpret.occlusion(model, x, target=0, window=1, score="logit")
    assert heat.shape == (6, 4)
    np.testing.assert_allclose(heat, x * w)  # removing x_j w_j from the score
    mean = x.mean(0)
    heat_mean = interpret.occlusion(model, x, target=0, window=1, score="logit", baseline=mean)
    np.testing.assert_allclose(heat_mean, (x - mean) * w)
    # windows that do not tile evenly still cover the last column
    assert not np.isnan(interpret.occlusion(model, x, window=3, stride=2)).any()


def test_attribution_leaves_the_model_as_it_was(rng):
    model = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Dropout(0.5), torch.nn.Linear(8, 3))
    model.train()
    model[0].weight.requires_grad_(False)  # a frozen layer stays frozen
    x = rng.normal(size=(4, 6))
    a = interpret.saliency(model, x, target=1)
    assert np.array_equal(a, interpret.saliency(model, x, target=1)), "dropout must be off (eval mode)"
    interpret.integrated_gradients(model, x, steps=3)
    interpret.occlusion(model, x)
    assert model.training
    assert [p.requires_grad for p in model.parameters()] == [False, True, True, True]
    assert all(p.grad is None for p in model.parameters())


def test_permutation_importance_matches_scikit_learn(rng):
    X = rng.normal(size=(300, 5))
    y = (X[:, 0] + 0.5 * X[:, 2] + 0.3 * rng.normal(size=300) > 0).astype(int)
    est = LogisticRegression().fit(X, y)
    ours = interpret.permutation_importance(est, X, y, n_repeats=4, seed=3)
    theirs = sk_permutation_importance(est, X, y, n_repeats=4, random_state=3)
    np.testing.assert_allclose(ours.importances, theirs.importances, atol=1e-12)
    np.testing.assert_allclose(ours.std, theirs.importances_std, atol=1e-12)
    # the same numbers through a plain function and through a torch model with the same weights
    func = interpret.permutation_importance(est.predict, X, y, n_repeats=4, seed=3)
    np.testing.assert_allclose(func.importances, ours.importances)
    lin = torch.nn.Linear(5, 2)
    with torch.no_grad():
        lin.weight.copy_(torch.as_tensor(np.r_[-est.coef_, est.coef_]) / 2)
        lin.bias.copy_(torch.as_tensor(np.r_[-est.intercept_, est.intercept_]) / 2)
    np.testing.assert_allclose(interpret.permutation_importance(lin, X, y, n_repeats=4, seed=3).importances,
                               ours.importances)


def test_permutation_importance_finds_the_informative_columns(rng):
    X = rng.normal(size=(500, 4))
    y = 3 * X[:, 1] - 2 * X[:, 3] + 0.1 * rng.normal(size=500)

    def predict(A):  # a fitted rule that only reads columns 1 and 3
        return 3 * A[:, 1] - 2 * A[:, 3]

    res = interpret.permutation_importance(predict, X, y, metric="r2", n_repeats=5, seed=0)
    assert res.baseline > 0.99
    assert res.importances.shape == (4, 5)
    np.testing.assert_array_equal(res.mean[[0, 2]], 0.0)
    assert res.mean[1] > res.mean[3] > 0.3
    # shuffling column j adds twice its share of var(y) = 13 to the squared error: 2 * 9 / 13 and 2 * 4 / 13
    assert np.allclose(res.mean[[1, 3]], [18 / 13, 8 / 13], atol=0.2)


def test_errors_name_expected_and_got(rng):
    model = mlp()
    x = rng.normal(size=(4, 6))
    with pytest.raises(ValueError, match=r"target must lie in \[0, 2\].*got 0\.\.3"):
        interpret.saliency(model, x, target=[0, 1, 2, 3])
    with pytest.raises(ValueError, match=r"one class per sample \(4\).*got 2"):
        interpret.saliency(model, x, target=[0, 1])
    with pytest.raises(TypeError, match="integer class indices"):
        interpret.saliency(model, x, target=0.5)
    with pytest.raises(ValueError, match=r"batch \(N, \.\.\.\).*got shape \(6,\)"):
        interpret.saliency(model, x[0])
    with pytest.raises(ValueError, match=r"steps must be an integer >= 1, got 0"):
        interpret.integrated_gradients(model, x, steps=0)
    with pytest.raises(ValueError, match=r"baseline must be .* \(6,\) .* \(4, 6\); got shape \(5,\)"):
        interpret.integrated_gradients(model, x, baseline=np.zeros(5))
    with pytest.raises(ValueError, match=r"window \(9,\) is larger than .* \(6,\)"):
        interpret.occlusion(model, x, window=9)
    with pytest.raises(ValueError, match="score must be 'probability' or 'logit'"):
        interpret.occlusion(model, x, score="prob")
    with pytest.raises(ValueError, match=r"one value per row of X \(4\); got 3"):
        interpret.permutation_importance(model, x, [0, 1, 2])
    with pytest.raises(ValueError, match=r"metric must be one of \['accuracy', 'r2'\]"):
        interpret.permutation_importance(model, x, [0, 1, 2, 0], metric="f1")
    with pytest.raises(TypeError, match="expected a torch model.*got int"):
        interpret.permutation_importance(3, x, [0, 1, 2, 0])


def test_occlusion_over_a_sequence_with_channels():
    class LastSteps(torch.nn.Module):  # class 1's score: the sum of both channels over steps 8 and 9
        def forward(self, x):
            s = x[:, :, 8:].sum((1, 2))
            return torch.stack([-s, s], 1)

    x = torch.ones(2, 2, 10)
    heat = interpret.occlusion(LastSteps(), x, target=1, window=np.int64(2), stride=2, score="logit")
    assert heat.shape == (2, 10)
    np.testing.assert_allclose(heat[:, 8:], 4.0)  # both channels of both steps covered at once
    np.testing.assert_allclose(heat[:, :8], 0.0)
