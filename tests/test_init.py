"""dlcourse.nn.init against torch.nn.init: same gains and fans, same distributions (statistics of
large draws, not values: the two libraries use different random generators)."""
import math

import numpy as np
import pytest
import torch

import dlcourse as dl
from dlcourse.nn import init

NONLINEARITIES = [("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None),
                  ("conv_transpose1d", None), ("conv_transpose2d", None), ("conv_transpose3d", None),
                  ("sigmoid", None), ("tanh", None), ("relu", None), ("selu", None),
                  ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 0), ("leaky_relu", 1)]


@pytest.mark.parametrize("nonlinearity, param", NONLINEARITIES)
def test_gain_matches_torch(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(
        torch.nn.init.calculate_gain(nonlinearity, param), rel=1e-15)


@pytest.mark.parametrize("shape", [(5, 3), (16, 3, 5, 5), (4, 2, 7), (2, 3, 1, 2, 3), (1, 1)])
def test_fans_match_torch(shape):
    want = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    assert init._calculate_fan_in_and_fan_out(np.empty(shape)) == want
    assert init._calculate_fan_in_and_fan_out(dl.nn.Parameter(np.empty(shape))) == want


# (ours, torch's, keyword arguments): each pair draws from the same distribution
CASES = [
    (init.uniform_, torch.nn.init.uniform_, dict(a=-0.3, b=0.7)),
    (init.normal_, torch.nn.init.normal_, dict(mean=0.5, std=2.0)),
    (init.xavier_uniform_, torch.nn.init.xavier_uniform_, {}),
    (init.xavier_uniform_, torch.nn.init.xavier_uniform_, dict(gain=5 / 3)),
    (init.xavier_normal_, torch.nn.init.xavier_normal_, {}),
    (init.kaiming_uniform_, torch.nn.init.kaiming_uniform_, {}),
    (init.kaiming_uniform_, torch.nn.init.kaiming_uniform_, dict(a=math.sqrt(5))),  # torch's Linear default
    (init.kaiming_normal_, torch.nn.init.kaiming_normal_, dict(nonlinearity="relu")),
    (init.kaiming_normal_, torch.nn.init.kaiming_normal_, dict(mode="fan_out", nonlinearity="relu")),
    (init.kaiming_normal_, torch.nn.init.kaiming_normal_, dict(a=0.2, nonlinearity="leaky_relu")),
    (init.kaiming_normal_, torch.nn.init.kaiming_normal_, dict(nonlinearity="tanh")),
]


@pytest.mark.parametrize("shape", [(300, 200), (64, 16, 5, 5)])  # Linear (out, in), Conv2d (out, in, kh, kw)
@pytest.mark.parametrize("ours, theirs, kwargs", CASES, ids=[f"{c[0].__name__}{c[2]}" for c in CASES])
def test_statistics_match_torch(shape, ours, theirs, kwargs):
    dl.seed(0)
    w = dl.nn.Parameter(np.zeros(shape))
    assert ours(w, **kwargs) is w
    t = theirs(torch.empty(shape, dtype=torch.float64), **kwargs).numpy()
    a = w.data
    n = a.size  # 60000 and 25600: the sample std is within ~1% of the true one
    assert abs(a.std() - t.std()) < 0.03 * t.std()
    assert abs(a.mean() - t.mean()) < 6 * t.std() / math.sqrt(n)
    if "uniform" in ours.__name__:  # same support, nearly filled by both: hard edges in the same places
        span = t.max() - t.min()
        assert abs(a.min() - t.min()) < 0.01 * span and abs(a.max() - t.max()) < 0.01 * span
    else:  # a normal's tails, not a uniform's hard edges
        assert np.abs(a - a.mean()).max() > 3.5 * a.std()


def test_kaiming_and_xavier_follow_the_formulas():
    dl.seed(0)
    w = np.zeros((400, 250))  # Linear(250, 400): fan_in 250, fan_out 400
    assert init.kaiming_normal_(w, nonlinearity="relu").std() == pytest.approx(math.sqrt(2 / 250), rel=0.01)
    assert init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu").std() == pytest.approx(math.sqrt(2 / 400), rel=0.01)
    assert init.xavier_normal_(w).std() == pytest.approx(math.sqrt(2 / 650), rel=0.01)
    bound = math.sqrt(6 / 650)
    assert bound * 0.99 < np.abs(init.xavier_uniform_(w)).max() <= bound


def test_seeded_and_in_place():
    dl.seed(3)
    first = init.kaiming_uniform_(dl.nn.Parameter(np.zeros((8, 4)))).data.copy()
    dl.seed(3)
    p = dl.nn.Parameter(np.zeros((8, 4)))
    data = p.data
    init.kaiming_uniform_(p)
    assert p.data is data and np.array_equal(p.data, first)  # same array, same numbers
    assert not p.grad.any()
    a = np.empty(5)
    assert init.zeros_(a) is a and not a.any()
    assert init.ones_(a).sum() == 5 and init.constant_(a, 0.5).tolist() == [0.5] * 5


def test_linear_weights_can_be_reinitialised():
    dl.seed(0)
    layer = dl.nn.Linear(100, 300)
    init.kaiming_normal_(layer.weight, nonlinearity="relu")
    init.zeros_(layer.bias)
    assert layer.weight.data.std() == pytest.approx(math.sqrt(2 / 100), rel=0.02)
    assert not layer(np.zeros((2, 100))).any()


@pytest.mark.parametrize("call, error, words", [
    (lambda: init.kaiming_normal_(np.zeros((3, 2)), mode="fan_avg"), ValueError, "mode must be 'fan_in' or 'fan_out'"),
    (lambda: init.kaiming_uniform_(np.zeros((3, 2)), nonlinearity="swish"), ValueError, "unsupported nonlinearity 'swish'"),
    (lambda: init.calculate_gain("softmax"), ValueError, "choose one of linear"),
    (lambda: init.calculate_gain("leaky_relu", "0.1"), ValueError, "negative_slope '0.1'"),
    (lambda: init.xavier_uniform_(np.zeros(5)), ValueError, r"at least 2 dimensions .* got shape \(5,\)"),
    (lambda: init.kaiming_normal_(dl.nn.Parameter(np.zeros(4))), ValueError, "at least 2 dimensions"),
    (lambda: init.normal_(np.zeros((2, 2)), std=-1.0), ValueError, "std >= 0"),
    (lambda: init.uniform_(np.zeros((2, 2)), a=1.0, b=0.0), ValueError, "a <= b"),
    (lambda: init.zeros_([0.0, 1.0]), TypeError, "Parameter or a NumPy array, got list"),
    (lambda: init.xavier_normal_(torch.zeros(3, 2)), TypeError, "got Tensor"),
    (lambda: init.ones_(np.zeros(3, dtype=int)), TypeError, "float array in place, got dtype int64"),
])
def test_errors_name_what_was_expected(call, error, words):
    with pytest.raises(error, match=words):
        call()
