"""Grid search, random search and the learning-rate range test."""
import itertools
import math

import numpy as np
import pytest
import torch

from dlcourse import tuning


def test_grid_covers_the_product_exactly():
    seen = []
    space = {"a": [1, 2, 3], "lr": tuning.loguniform(1e-3, 1e-1), "act": ("relu", "tanh")}
    res = tuning.grid_search(lambda p: seen.append(p) or p["a"], space, points=3)
    expected = list(itertools.product([1, 2, 3], [1e-3, 1e-2, 1e-1], ["relu", "tanh"]))
    got = [(p["a"], p["lr"], p["act"]) for p in seen]
    assert len(got) == len(set(got)) == 18
    assert [g[0] for g in got] == [e[0] for e in expected] and [g[2] for g in got] == [e[2] for e in expected]
    np.testing.assert_allclose([g[1] for g in got], [e[1] for e in expected], rtol=1e-12)
    assert [t.order for t in res.trials] == list(range(18))
    assert [t.params for t in res.trials] == seen


def test_grid_from_a_budget_says_which_grid():
    space = {"lr": tuning.loguniform(1e-4, 1e-1), "wd": tuning.uniform(0, 0.1), "depth": [1, 2]}
    res = tuning.grid_search(lambda p: 0.0, space, budget=20)
    assert len(res.trials) == 18  # 2 depths x 3 x 3 is the largest even grid within 20
    assert res.note == "3 points on each of 2 range(s): 18 trials for a budget of 20"
    assert len(tuning.grid_search(lambda p: 0.0, space, budget=18).trials) == 18
    assert len(tuning.grid_search(lambda p: 0.0, {"x": tuning.uniform(0, 1)}, budget=7).trials) == 7
    res = tuning.grid_search(lambda p: 0.0, space, points={"lr": 4, "wd": 2})
    assert len(res.trials) == 16


def test_random_search_is_reproducible_and_in_bounds():
    space = {"lr": tuning.loguniform(1e-5, 1e-1), "p": tuning.uniform(0.1, 0.5), "width": [16, 32, 64],
             "opt": tuning.choice("sgd", "adam")}
    run = lambda seed: [t.params for t in tuning.random_search(lambda p: 0.0, space, 400, seed=seed).trials]
    a, b, c = run(7), run(7), run(8)
    assert a == b and a != c
    lrs = np.array([p["lr"] for p in a])
    assert lrs.min() >= 1e-5 and lrs.max() <= 1e-1
    # log-uniform: each of the four decades gets about a quarter of the draws
    counts = np.histogram(np.log10(lrs), bins=[-5, -4, -3, -2, -1])[0]
    assert counts.min() > 60, counts
    assert all(0.1 <= p["p"] <= 0.5 for p in a)
    assert {p["width"] for p in a} == {16, 32, 64} and {p["opt"] for p in a} == {"sgd", "adam"}
    # loguniform's edges hold even for a very narrow range
    rng = np.random.default_rng(0)
    narrow = tuning.loguniform(0.1, 0.1 * (1 + 1e-15))
    assert all(0.1 <= narrow.sample(rng) <= 0.1 * (1 + 1e-15) for _ in range(1000))


def test_best_is_chosen_by_the_validation_score_only():
    def objective(p):  # the test score disagrees on purpose: it must not be used for choosing
        return {"score": -(p["x"] - 3) ** 2, "test": p["x"]}

    res = tuning.grid_search(objective, {"x": [0, 1, 2, 3, 4, 5]})
    assert res.best.params == {"x": 3} and res.best.info == {"test": 3}
    assert res.table()[5] == {"order": 5, "x": 5, "score": -4.0, "test": 5}
    low = tuning.grid_search(lambda p: (p["x"] - 3) ** 2, {"x": [0, 1, 2, 3, 4, 5]}, maximize=False)
    assert low.best.params == {"x": 3}
    # a diverged run (NaN) never wins, whichever direction is better
    nan = tuning.grid_search(lambda p: math.nan if p["x"] == 0 else p["x"], {"x": [0, 1, 2]}, maximize=False)
    assert nan.best.params == {"x": 1}
    ties = tuning.random_search(lambda p: 1.0, {"x": tuning.uniform(0, 1)}, 5, seed=0)
    assert ties.best.order == 0


def regression(seed=0, n=256):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 4, generator=g) * torch.tensor([1.0, 2.0, 0.5, 1.0])
    y = X @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.1 * torch.randn(n, 1, generator=g)
    # SGD on the mean squared error diverges above lr = 2 / (largest eigenvalue of 2 X^T X / n)
    top = torch.linalg.eigvalsh(2 * X.T @ X / n).max().item()
    return X, y, 2 / top


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lr_range_test_finds_a_safe_lr_and_stops_on_divergence(seed):
    X, y, lr_limit = regression(seed)
    torch.manual_seed(seed)
    model = torch.nn.Linear(4, 1)
    model.eval()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    res = tuning.lr_range_test(model, torch.nn.functional.mse_loss, (X, y), lr_min=1e-5, lr_max=10.0, steps=200)
    assert res.diverged and len(res.lrs) < 200 and len(res.lrs) == len(res.losses) == len(res.raw_losses)
    assert res.lrs[-1] < 10 * lr_limit  # it stopped soon after passing the stability limit
    # the smoothed minimum lies past the limit (smoothing lags, and a tiny unstable mode needs steps to grow:
    # about 5.5x the limit here), so a tenth of it lands at about 0.55 of the limit: stable, not timid
    assert lr_limit < res.lr_at_min and lr_limit / 100 < res.suggested < lr_limit
    assert res.suggested == res.lr_at_min / 10
    np.testing.assert_allclose(res.lrs[:3], 1e-5 * (1e6 ** (np.arange(3) / 199)))
    # no side effect: the same weights, the same mode, no gradients left
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert not model.training and all(p.grad is None for p in model.parameters())


def test_lr_range_test_runs_to_the_end_below_the_limit():
    X, y, lr_limit = regression()
    model = torch.nn.Linear(4, 1)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=64)
    res = tuning.lr_range_test(model, torch.nn.functional.mse_loss, loader, lr_min=1e-4, lr_max=lr_limit / 4,
                               steps=50, smoothing=0.5)
    assert not res.diverged and len(res.lrs) == 50
    assert res.lrs[-1] == pytest.approx(lr_limit / 4)
    assert res.losses[-1] < res.losses[0] / 4  # it learnt on the way


def test_errors_name_expected_and_got():
    with pytest.raises(ValueError, match="non-empty dict"):
        tuning.grid_search(lambda p: 0, {})
    with pytest.raises(ValueError, match="value list for 'a' is empty"):
        tuning.random_search(lambda p: 0, {"a": []}, 3)
    with pytest.raises(TypeError, match="'a' must be a list of values or uniform/loguniform/choice; got float"):
        tuning.random_search(lambda p: 0, {"a": 0.1}, 3)
    with pytest.raises(ValueError, match=r"0 < lo < hi .*got lo=0, hi=1"):
        tuning.loguniform(0, 1)
    with pytest.raises(ValueError, match=r"lo < hi; got lo=2, hi=1"):
        tuning.uniform(2, 1)
    with pytest.raises(ValueError, match=r"0 < lo < hi .*got lo=1, hi=1"):
        tuning.loguniform(1, 1)
    with pytest.raises(ValueError, match="continuous ranges; give points"):
        tuning.grid_search(lambda p: 0, {"lr": tuning.loguniform(1e-3, 1)})
    with pytest.raises(ValueError, match=r"budget must be an integer >= 4 .*got 3"):
        tuning.grid_search(lambda p: 0, {"a": [1, 2], "b": [1, 2], "lr": tuning.uniform(0, 1)}, budget=3)
    with pytest.raises(ValueError, match="the grid has 6 trials, more than the budget 5"):
        tuning.grid_search(lambda p: 0, {"a": [1, 2, 3, 4, 5, 6]}, budget=5)
    with pytest.raises(ValueError, match="n_trials must be a positive integer, got 0"):
        tuning.random_search(lambda p: 0, {"a": [1]}, 0)
    with pytest.raises(ValueError, match="without 'score'"):
        tuning.grid_search(lambda p: {"val": 1.0}, {"a": [1]})
    model = torch.nn.Linear(2, 1)
    data = (torch.zeros(4, 2), torch.zeros(4, 1))
    with pytest.raises(ValueError, match=r"0 < lr_min < lr_max; got lr_min=1.0, lr_max=0.1"):
        tuning.lr_range_test(model, torch.nn.functional.mse_loss, data, lr_min=1.0, lr_max=0.1)
    with pytest.raises(ValueError, match="steps must be an integer >= 2, got 1"):
        tuning.lr_range_test(model, torch.nn.functional.mse_loss, data, steps=1)


def test_best_so_far_and_a_fresh_model_from_a_factory():
    res = tuning.grid_search(lambda p: p["x"], {"x": [2, 1, math.nan, 5, 3]})
    np.testing.assert_array_equal(res.best_so_far(), [2, 2, 2, 5, 5])
    low = tuning.grid_search(lambda p: p["x"], {"x": [2, 1, math.nan, 5, 0]}, maximize=False)
    np.testing.assert_array_equal(low.best_so_far(), [2, 1, 1, 1, 0])
    X, y, _ = regression()
    made = []
    res = tuning.lr_range_test(lambda: made.append(torch.nn.Linear(4, 1)) or made[-1], torch.nn.functional.mse_loss,
                               (X, y), steps=10)
    assert len(made) == 1 and len(res.lrs) == 10
    with pytest.raises(TypeError, match="validation score .* got str"):
        tuning.grid_search(lambda p: "good", {"a": [1]})
    with pytest.raises(TypeError, match="a torch model or a function returning one, got int"):
        tuning.lr_range_test(3, torch.nn.functional.mse_loss, (X, y))
