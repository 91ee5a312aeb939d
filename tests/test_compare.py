"""The comparison harness: cost counts against hand counts, fair training, budgets, errors, plots."""
import numpy as np
import pytest
import torch
from torch import nn

import dlcourse as dl
from dlcourse.compare import (Metric, activation_memory, as_tensors, attention_macs, batch_order, compare,
                              count_params, latency_per_sample, macs_per_sample, rnn_macs)


# ---------------------------------------------------------------- MACs against hand counts

def test_macs_linear_and_convolutions():
    assert macs_per_sample(nn.Linear(10, 5), torch.zeros(3, 10)) == 10 * 5
    # Conv1d 3 -> 4 channels, kernel 5, length 20 -> 16 outputs
    assert macs_per_sample(nn.Conv1d(3, 4, 5), torch.zeros(2, 3, 20)) == 16 * 4 * 3 * 5
    # Conv2d 3 -> 4, 3x3, 8x8 -> 6x6
    assert macs_per_sample(nn.Conv2d(3, 4, 3), torch.zeros(2, 3, 8, 8)) == 6 * 6 * 4 * 3 * 9
    cnn = dl.models.CNN(channels=(8, 16), hidden=32)  # 8x8: conv 1->8 at 8x8, conv 8->16 at 4x4, 64->32->10
    assert macs_per_sample(cnn, torch.zeros(2, 1, 8, 8)) == 64 * 8 * 9 + 16 * 16 * 8 * 9 + 64 * 32 + 32 * 10


@pytest.mark.parametrize("kind, gates", [(nn.RNN, 1), (nn.GRU, 3), (nn.LSTM, 4)])
@pytest.mark.parametrize("layers, bidirectional", [(1, False), (2, True)])
def test_macs_recurrent_layers(kind, gates, layers, bidirectional):
    T, n_in, h = 7, 3, 4
    rnn = kind(n_in, h, num_layers=layers, bidirectional=bidirectional, batch_first=True)
    dirs = 2 if bidirectional else 1
    hand = dirs * T * gates * h * (n_in + h)  # first layer: input and hidden state into every gate
    if layers == 2:
        hand += dirs * T * gates * h * (dirs * h + h)  # second layer reads both directions
    assert rnn_macs(rnn, T) == hand
    assert macs_per_sample(rnn, torch.zeros(5, T, n_in)) == hand
    # time-major input (T, N, features): the batch of 5 is found on the second axis; "per sample" divides
    # by the first axis, so the total is per_sample * T
    time_major = kind(n_in, h, num_layers=layers, bidirectional=bidirectional)
    assert macs_per_sample(time_major, torch.zeros(T, 5, n_in)) * T == 5 * hand


def test_macs_lstm_projection():
    lstm = nn.LSTM(3, 8, proj_size=2, batch_first=True)
    assert macs_per_sample(lstm, torch.zeros(2, 5, 3)) == 5 * (4 * 8 * (3 + 2) + 8 * 2)


def test_macs_attention_and_transformer_layer():
    T, E, F = 5, 8, 16
    mha = nn.MultiheadAttention(E, 2, batch_first=True)
    hand = 3 * T * E * E + 2 * T * T * E + T * E * E  # q, k, v projections; scores and weighted values; output
    assert attention_macs(mha, T, T) == hand

    class SelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.mha = mha

        def forward(self, x):
            return self.mha(x, x, x)[0]
    x = torch.zeros(2, T, E)
    assert macs_per_sample(SelfAttention(), x) == hand
    layer = nn.TransformerEncoderLayer(E, 2, F, 0.0, batch_first=True)
    ffn = T * E * F + T * F * E
    assert macs_per_sample(layer, x) == hand + ffn
    layer.eval()  # torch's fused inference path must not hide the work
    with torch.no_grad():
        assert macs_per_sample(layer, x) == hand + ffn


def test_macs_transformer_classifier():
    model = dl.models.TransformerClassifier(10, in_features=8, d_model=32, nhead=2, num_layers=1, dim_feedforward=64)
    T, E = 8, 32
    hand = T * 8 * E + (4 * T * E * E + 2 * T * T * E) + 2 * T * E * 64 + E * 10
    assert macs_per_sample(model, torch.zeros(3, T, 8)) == hand


def test_count_params_is_sum_of_numel():
    model = dl.models.CNN()
    assert count_params(model) == sum(p.numel() for p in model.parameters())
    model.features[0].weight.requires_grad_(False)
    assert count_params(model) == sum(p.numel() for p in model.parameters()) - model.features[0].weight.numel()
    assert count_params(model, trainable_only=False) == sum(p.numel() for p in model.parameters())


# ---------------------------------------------------------------- activation memory and latency

def test_activation_memory_hand_count():
    m = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3))
    # saved: the input (4 floats), tanh's output (8; the next Linear saves the same tensor), relu's output (8)
    size = torch.zeros(()).element_size()
    assert activation_memory(m, torch.randn(100, 4)) == 100 * (4 + 8 + 8) * size
    big = torch.randn(1000, 4)  # a view counts only the bytes it covers, not its whole storage
    assert activation_memory(m, big[:100]) == 100 * (4 + 8 + 8) * size
    m.float()
    assert activation_memory(m, torch.randn(100, 4).float()) == 100 * (4 + 8 + 8) * 4


def test_activation_memory_restores_state():
    m = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Dropout(0.5))
    m.eval()
    before = [b.clone() for b in m.buffers()]
    x = torch.randn(10, 4) + 5
    torch.manual_seed(3)
    expected = torch.rand(1)
    torch.manual_seed(3)
    activation_memory(m, x)
    assert not m.training
    assert all(torch.equal(a, b) for a, b in zip(before, m.buffers()))
    assert torch.equal(torch.rand(1), expected)


def test_latency_per_sample_positive_and_restores_mode():
    m = nn.Linear(4, 2)
    t = latency_per_sample(m, torch.zeros(8, 4), repeats=3)
    assert 0 < t < 0.1 and m.training


# ---------------------------------------------------------------- compare

def _data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64) + 2 * (X[:, 2] > 0)
    return dl.data.split(X, y, seed=seed, standardize=False)


def _linear(seed):
    return nn.Linear(4, 4)


def _mlp(seed):
    return nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 4))


def test_table_rows_and_steps_budget():
    data = _data()
    r = compare({"linear": _linear, "mlp": _mlp}, data, steps=12, seeds=(0, 1), batch_size=16, eval_every=5,
                device="cpu")
    assert [row["name"] for row in r.rows] == ["linear", "mlp"]
    lin, mlp = r.row("linear"), r.row("mlp")
    assert lin["params"] == 4 * 4 + 4 and mlp["params"] == 4 * 16 + 16 + 16 * 4 + 4
    assert lin["macs_per_sample"] == 16 and mlp["macs_per_sample"] == 4 * 16 + 16 * 4
    assert lin["steps"] == 12 and mlp["steps"] == 12
    for curve in r.curves["mlp"]:
        assert curve["step"] == [5, 10, 12]  # every eval_every steps, and at the end
        assert all(0 <= v <= 1 for v in curve["val_metric"])
        assert curve["seconds"] == sorted(curve["seconds"])
    assert len(lin["test_per_seed"]) == 2 and lin["test_mean"] == pytest.approx(np.mean(lin["test_per_seed"]))
    assert lin["test_std"] == pytest.approx(np.std(lin["test_per_seed"], ddof=1))
    assert lin["cuda_peak_mib"] is None and lin["latency_us"] > 0 and lin["activation_kib"] > 0
    text = repr(r)
    assert "linear" in text and "mlp" in text and "test accuracy ↑" in text and "12 steps" in text
    assert "<table>" in r._repr_html_()
    assert r.best() in ("linear", "mlp")
    assert all(0 <= v <= 1 for v in lin["train_per_seed"]) and len(lin["train_per_seed"]) == 2
    short = r.table(columns=("name", "params", "test")).splitlines()
    assert short[1].split() == ["model", "params", "test", "accuracy", "↑", "(mean", "±", "sd)"]
    assert short[2].split()[:2] == ["linear", "20"] and "train s" not in r.table(columns=("name", "test"))
    with pytest.raises(ValueError, match=r"unknown columns \['accuracy'\]; expected some of"):
        r.table(columns=("name", "accuracy"))


def test_same_seed_same_batches_for_every_candidate():
    seen = {}

    class Spy(nn.Module):
        def __init__(self, name):
            super().__init__()
            self.name, self.lin = name, nn.Linear(4, 4)

        def forward(self, x):
            if self.training:
                seen.setdefault(self.name, []).append(x.detach().clone())
            return self.lin(x)
    compare({"a": lambda s: Spy("a"), "b": lambda s: nn.Sequential(Spy("b"), nn.ReLU(), nn.Linear(4, 4))},
            _data(), steps=9, seeds=(4,), batch_size=10, device="cpu")
    assert len(seen["a"]) == len(seen["b"]) == 9 + 1  # 9 steps, then the activation-memory pass
    assert all(torch.equal(a, b) for a, b in zip(seen["a"][:9], seen["b"][:9]))
    assert not torch.equal(seen["a"][0], seen["a"][1])
    # and a different seed gives another order
    first = [next(batch_order(100, 10, s)) for s in (0, 0, 1)]
    assert torch.equal(first[0], first[1]) and not torch.equal(first[0], first[2])


def test_batch_order_covers_every_sample_each_epoch():
    batches = batch_order(25, 10, 0)
    epoch = torch.cat([next(batches), next(batches)])
    assert len(set(epoch.tolist())) == 20  # the last 25 % 10 wait for the next shuffle


def test_two_runs_same_seeds_identical_metrics():
    kw = dict(steps=15, seeds=(0, 1), batch_size=16, device="cpu")
    a = compare({"mlp": _mlp}, _data(), **kw)
    b = compare({"mlp": _mlp}, _data(), **kw)
    assert a.row("mlp")["test_per_seed"] == b.row("mlp")["test_per_seed"]
    assert a.curves["mlp"][0]["train_loss"] == b.curves["mlp"][0]["train_loss"]
    c = compare({"mlp": _mlp}, _data(), **{**kw, "seeds": (2,)})
    assert c.curves["mlp"][0]["train_loss"] != a.curves["mlp"][0]["train_loss"]


def test_seconds_budget_stops():
    r = compare({"mlp": _mlp}, _data(), seconds=0.05, seeds=(0,), batch_size=16, eval_every=10, device="cpu",
                progress=True)
    row = r.row("mlp")
    assert 0.05 <= row["train_seconds"] < 1.0 and row["steps"] >= 1
    assert r.curves["mlp"][0]["step"][-1] == row["steps"]
    assert "0.05 s of training" in r.budget


def test_overrides_and_regression_metric():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = X @ np.array([1.0, -2.0, 0.5])
    data = dl.data.split(X, y, stratify=False)
    r = compare({"slow": {"factory": lambda s: nn.Linear(3, 1), "lr": 1e-4},
                 "fast": {"factory": lambda s: nn.Linear(3, 1), "lr": 5e-2}},
                data, steps=60, seeds=(0,), batch_size=20, metric="mse", device="cpu")
    assert r.row("slow")["lr"] == 1e-4 and r.row("fast")["lr"] == 5e-2
    assert r.row("fast")["test_mean"] < r.row("slow")["test_mean"]  # same init, a 500x larger step
    assert r.best() == "fast" and "mse ↓" in repr(r)
    mae = Metric("mae", lambda out, y: (out.reshape(y.shape) - y).abs().mean().item(), higher_is_better=False)
    r2 = compare({"lin": lambda s: nn.Linear(3, 1)}, data, steps=5, seeds=(0,), metric=mae, device="cpu")
    assert "mae ↓" in repr(r2)


def test_as_tensors_accepts_dict_and_tuple():
    s = _data()
    parts = (s.X_train, s.y_train, s.X_val, s.y_val, s.X_test, s.y_test)
    t = as_tensors(parts, "cpu")
    assert t.classification and t.y_train.dtype == torch.int64 and t.X_train.dtype == torch.get_default_dtype()
    d = as_tensors(dict(zip(("X_train", "y_train", "X_val", "y_val", "X_test", "y_test"), parts)), "cpu")
    assert torch.equal(d.X_val, t.X_val)


# ---------------------------------------------------------------- errors that teach

@pytest.mark.parametrize("kwargs, match", [
    (dict(steps=5, optimizer="adamm"), r"unknown optimizer 'adamm'.*expected one of \['adam'"),
    (dict(steps=5, seconds=1.0), "exactly one budget"),
    (dict(), "exactly one budget"),
    (dict(steps=0), "steps must be a positive integer, got 0"),
    (dict(steps=5, metric="f1"), "unknown metric 'f1'"),
    (dict(steps=5, eval_every=0), "eval_every must be a positive integer"),
])
def test_errors_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        compare({"mlp": _mlp}, _data(), seeds=(0,), device="cpu", **kwargs)


def test_error_factory_not_a_module():
    with pytest.raises(TypeError, match=r"factory of 'bad' must return a torch.nn.Module, got tuple"):
        compare({"bad": lambda s: (nn.Linear(4, 4),)}, _data(), steps=2, seeds=(0,), device="cpu")
    with pytest.raises(TypeError, match=r"'bad' is a model, expected a factory seed -> torch.nn.Module"):
        compare({"bad": nn.Linear(4, 4)}, _data(), steps=2, seeds=(0,), device="cpu")
    with pytest.raises(ValueError, match="needs 'factory' and may set"):
        compare({"bad": {"factory": _mlp, "momentum": 0.9}}, _data(), steps=2, seeds=(0,), device="cpu")


def test_error_mismatched_lengths():
    s = _data()
    s.y_val = s.y_val[:-3]
    with pytest.raises(ValueError, match=r"X_val has \d+ rows and y_val has \d+; expected the same number"):
        compare({"mlp": _mlp}, s, steps=2, seeds=(0,), device="cpu")
    with pytest.raises(TypeError, match="expected a dl.data Split"):
        compare({"mlp": _mlp}, object(), steps=2, seeds=(0,), device="cpu")


def test_error_output_does_not_fit_labels():
    with pytest.raises(ValueError, match=r"'s output has shape \(2, 3\) for a batch of 2; expected \(2, 4\)"):
        compare({"three": lambda s: nn.Linear(4, 3)}, _data(), steps=2, seeds=(0,), device="cpu")
    rng = np.random.default_rng(0)
    reg = dl.data.split(rng.normal(size=(50, 4)), rng.normal(size=50), stratify=False)
    with pytest.raises(ValueError, match=r"expected \(2,\), the targets' shape"):
        compare({"two": lambda s: nn.Linear(4, 2)}, reg, steps=2, seeds=(0,), metric="mse", device="cpu")
    with pytest.raises(ValueError, match="accuracy needs integer class labels"):
        compare({"one": lambda s: nn.Linear(4, 1)}, reg, steps=2, seeds=(0,), device="cpu")


def test_errors_cost_functions():
    with pytest.raises(TypeError, match="expected a torch.nn.Module, got str"):
        count_params("mlp")
    with pytest.raises(TypeError, match="expected a non-empty batch tensor"):
        macs_per_sample(nn.Linear(2, 2), [[0.0, 0.0]])
    with pytest.raises(ValueError, match="repeats must be a positive integer"):
        latency_per_sample(nn.Linear(2, 2), torch.zeros(1, 2), repeats=0)


# ---------------------------------------------------------------- plots

def test_pareto_front():
    from dlcourse.viz import pareto_front
    # (cost, score): b dominates c (cheaper and better); a is cheapest; d is best
    costs, scores = [1, 2, 3, 4], [0.5, 0.8, 0.7, 0.9]
    assert pareto_front(costs, scores) == [0, 1, 3]
    assert pareto_front(costs, [0.5, 0.8, 0.7, 0.9], higher_is_better=False) == [0]
    assert pareto_front([1, 1], [0.5, 0.5]) == [0, 1]  # ties beat nobody
    with pytest.raises(ValueError, match="1-D of one length"):
        pareto_front([1, 2], [0.5])


def test_plots_return_figures():
    import matplotlib
    import matplotlib.pyplot as plt
    r = compare({"linear": _linear, "mlp": _mlp}, _data(), steps=10, seeds=(0, 1), batch_size=16, eval_every=5,
                device="cpu")
    for x in ("params", "train_seconds", "macs_per_sample"):
        fig = dl.viz.plot_pareto(r, x=x)
        assert isinstance(fig, matplotlib.figure.Figure) and fig.axes[0].get_xscale() == "log"
        plt.close(fig)
    fig = dl.viz.plot_learning_curves(r, x="seconds")
    ax = fig.axes[0]
    assert len(ax.lines) == 2 and len(ax.collections) == 2  # one mean line and one band per candidate
    assert list(ax.lines[0].get_xdata()) == pytest.approx(np.mean([c["seconds"] for c in r.curves["linear"]], 0))
    plt.close(fig)
    fig, ax = plt.subplots()
    assert dl.viz.plot_learning_curves(r, y="train_loss", ax=ax) is fig
    plt.close(fig)
    with pytest.raises(ValueError, match="x must be one of"):
        dl.viz.plot_pareto(r, x="accuracy")
    with pytest.raises(ValueError, match="x must be 'step' or 'seconds'"):
        dl.viz.plot_learning_curves(r, x="epoch")


def test_a_diverging_run_is_reported_not_hidden():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3)) * 100
    data = dl.data.split(X, X @ np.ones(3), stratify=False, standardize=False)
    r = compare({"wild": {"factory": lambda s: nn.Linear(3, 1), "optimizer": "sgd", "lr": 10.0}}, data,
                steps=50, seeds=(0,), metric="mse", device="cpu")
    row = r.row("wild")
    assert row["diverged_seeds"] == [0] and row["steps"] < 50 and np.isnan(row["test_mean"])


def test_one_seed_says_n1_instead_of_a_zero_spread():
    import matplotlib.pyplot as plt
    r = compare({"linear": _linear, "mlp": _mlp}, _data(), steps=4, seeds=(0,), batch_size=16, device="cpu")
    text = repr(r)
    assert "(n=1)" in text and "± 0.0" not in text
    fig = dl.viz.plot_pareto(r, x="params")
    # errorbar draws caps/bar lines only when a bar is asked for: none for a single seed
    assert all(len(c.lines[1]) == 0 and len(c.lines[2]) == 0 for c in fig.axes[0].containers)
    plt.close(fig)
    two = compare({"linear": _linear}, _data(), steps=4, seeds=(0, 1), batch_size=16, device="cpu")
    assert "±" in repr(two).splitlines()[-1] and "(n=1)" not in repr(two)
