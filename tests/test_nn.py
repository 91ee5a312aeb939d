"""Every NumPy module: finite differences and torch parity, on several shapes."""
import numpy as np
import pytest
import torch

import dlcourse as dl
from dlcourse import nn
from dlcourse.gradcheck import check_module, compare_with_torch, rel_error

SHAPES = [(1, 3), (4, 3), (2, 5, 3)]  # batch size 1, a batch, extra leading dims

PAIRS = {
    "Linear": (lambda: nn.Linear(3, 4), lambda: torch.nn.Linear(3, 4)),
    "Linear-nobias": (lambda: nn.Linear(3, 2, bias=False), lambda: torch.nn.Linear(3, 2, bias=False)),
    "ReLU": (nn.ReLU, torch.nn.ReLU),
    "LeakyReLU": (lambda: nn.LeakyReLU(0.2), lambda: torch.nn.LeakyReLU(0.2)),
    "Sigmoid": (nn.Sigmoid, torch.nn.Sigmoid),
    "Tanh": (nn.Tanh, torch.nn.Tanh),
    "GELU": (nn.GELU, torch.nn.GELU),
    "GELU-tanh": (lambda: nn.GELU("tanh"), lambda: torch.nn.GELU("tanh")),
    "Softmax": (lambda: nn.Softmax(dim=-1), lambda: torch.nn.Softmax(dim=-1)),
    "Softmax-dim0": (lambda: nn.Softmax(dim=0), lambda: torch.nn.Softmax(dim=0)),
    "MLP": (lambda: nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2)),
            lambda: torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))),
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", PAIRS)
def test_finite_differences(name, shape, rng):
    dl.seed(0)
    result = check_module(PAIRS[name][0](), rng.standard_normal(shape))
    assert result.passed, result


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", PAIRS)
def test_matches_torch(name, shape, rng):
    dl.seed(0)
    torch.manual_seed(0)
    np_mod, torch_mod = PAIRS[name][0](), PAIRS[name][1]()
    result = compare_with_torch(np_mod, torch_mod, rng.standard_normal(shape))
    assert result.passed, result
    assert "output" in result.errors and "input" in result.errors


def test_gradcheck_catches_a_wrong_backward(rng):
    class BadTanh(nn.Tanh):
        def backward(self, grad_output):
            return grad_output * (1 - np.tanh(self._x))  # forgot the square
    assert not check_module(BadTanh(), rng.standard_normal((3, 2))).passed
    assert not compare_with_torch(BadTanh(), torch.nn.Tanh(), rng.standard_normal((3, 2))).passed


def test_linear_shapes_and_init_match_torch():
    dl.seed(0)
    lin = nn.Linear(20, 7)
    assert lin.weight.shape == (7, 20) and lin.bias.shape == (7,)
    bound = 1 / np.sqrt(20)
    assert np.abs(lin.weight.data).max() <= bound and np.abs(lin.weight.data).max() > 0.8 * bound
    assert lin.num_parameters() == 20 * 7 + 7


def test_parameter_gradients_accumulate_until_zero_grad(rng):
    lin = nn.Linear(3, 2)
    x = rng.standard_normal((4, 3))
    lin(x)
    lin.backward(np.ones((4, 2)))
    once = lin.weight.grad.copy()
    lin(x)
    lin.backward(np.ones((4, 2)))
    np.testing.assert_allclose(lin.weight.grad, 2 * once)
    lin.zero_grad()
    assert not lin.weight.grad.any()


def test_state_dict_round_trip_and_torch_state_dict():
    torch.manual_seed(0)
    t = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    m = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    m.load_state_dict(t.state_dict())
    assert list(m.state_dict()) == list(t.state_dict())
    x = np.random.default_rng(0).standard_normal((5, 2))
    np.testing.assert_allclose(m(x), t(torch.tensor(x)).detach().numpy(), rtol=1e-12)
    copy = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    copy.load_state_dict(m.state_dict())
    np.testing.assert_array_equal(copy(x), m(x))


def test_train_eval_propagate():
    m = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
    m.eval()
    assert not m.training and not m[1][0].training
    m.train()
    assert m[1][0].training


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", ["MSELoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss"])
@pytest.mark.parametrize("n", [1, 6])
def test_losses_match_torch_and_finite_differences(name, reduction, n, rng):
    if name == "CrossEntropyLoss":
        x = rng.standard_normal((n, 4)) * 3
        target = rng.integers(0, 4, n)
        tt = torch.tensor(target)
    else:
        x = rng.standard_normal((n, 3))
        if name == "BCELoss":
            x = 1 / (1 + np.exp(-x))
        target = rng.random((n, 3)) if name != "MSELoss" else rng.standard_normal((n, 3))
        tt = torch.tensor(target)
    ours = getattr(nn, name)(reduction=reduction)
    theirs = getattr(torch.nn, name)(reduction=reduction)
    xt = torch.tensor(x, requires_grad=True)
    out_t = theirs(xt, tt)
    out = ours(x, target)
    assert rel_error(out, out_t.detach().numpy()) < 1e-10
    g = rng.standard_normal(np.shape(out)) if reduction == "none" else 1.0
    out_t.backward(torch.tensor(g))
    grad = ours.backward(g)
    assert rel_error(grad, xt.grad.numpy()) < 1e-10
    numeric = dl.gradcheck.numerical_gradient(lambda: np.sum(ours(x, target) * g), x)
    assert rel_error(grad, numeric) < 1e-6


def test_losses_are_numerically_stable():
    big = np.array([[1000.0, -1000.0, 0.0]])
    assert np.isfinite(nn.CrossEntropyLoss()(big, np.array([1])))
    assert np.isfinite(nn.BCEWithLogitsLoss()(np.array([800.0, -800.0]), np.array([0.0, 1.0])))
    assert nn.BCELoss()(np.array([0.0, 1.0]), np.array([1.0, 0.0])) == pytest.approx(100.0)
    assert np.isfinite(nn.functional.sigmoid(np.array([-1000.0, 1000.0]))).all()
    np.testing.assert_allclose(nn.functional.softmax(big).sum(), 1.0)


@pytest.mark.parametrize("name", sorted(nn.functional.ACTIVATIONS))
def test_activation_derivatives(name, rng):
    f, df = nn.functional.get_activation(name)
    x = rng.standard_normal(50) * 3
    numeric = np.array([(f(np.array(v + 1e-6)) - f(np.array(v - 1e-6))) / 2e-6 for v in x])
    assert rel_error(df(x), numeric) < 1e-6
