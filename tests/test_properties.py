"""Property-based tests: random shapes and hyper-parameters, not hand-picked cases."""
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlcourse import nn, optim
from dlcourse.gradcheck import check_module, compare_with_torch

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

dims = st.integers(1, 6)
batch_shapes = st.lists(st.integers(1, 4), min_size=0, max_size=2).map(tuple)
ACTIVATIONS = {
    "ReLU": (nn.ReLU, torch.nn.ReLU),
    "LeakyReLU": (lambda: nn.LeakyReLU(0.1), lambda: torch.nn.LeakyReLU(0.1)),
    "Sigmoid": (nn.Sigmoid, torch.nn.Sigmoid),
    "Tanh": (nn.Tanh, torch.nn.Tanh),
    "GELU": (nn.GELU, torch.nn.GELU),
}


@SETTINGS
@given(n_in=dims, n_out=dims, lead=batch_shapes, act=st.sampled_from(sorted(ACTIVATIONS)),
       bias=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_linear_then_activation_matches_fd_and_torch(n_in, n_out, lead, act, bias, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(lead + (n_in,))
    ours = nn.Sequential(nn.Linear(n_in, n_out, bias=bias), ACTIVATIONS[act][0]())
    assert check_module(ours, x, seed=seed).passed
    torch.manual_seed(seed)
    theirs = torch.nn.Sequential(torch.nn.Linear(n_in, n_out, bias=bias), ACTIVATIONS[act][1]())
    assert compare_with_torch(ours, theirs, x, seed=seed).passed


@SETTINGS
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple), data=st.data())
def test_softmax_any_dim(shape, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = np.random.default_rng(0).standard_normal(shape) * 5
    ours = nn.Softmax(dim=dim)
    np.testing.assert_allclose(ours(x).sum(axis=dim), 1.0)
    assert check_module(ours, x).passed
    assert compare_with_torch(nn.Softmax(dim=dim), torch.nn.Softmax(dim=dim), x).passed


@SETTINGS
@given(n=st.integers(1, 8), c=st.integers(2, 6), scale=st.floats(0.1, 50), seed=st.integers(0, 1000),
       reduction=st.sampled_from(["mean", "sum", "none"]))
def test_cross_entropy_matches_torch(n, c, scale, seed, reduction):
    rng = np.random.default_rng(seed)
    x, t = rng.standard_normal((n, c)) * scale, rng.integers(0, c, n)
    loss = nn.CrossEntropyLoss(reduction=reduction)
    xt = torch.tensor(x, requires_grad=True)
    ref = torch.nn.CrossEntropyLoss(reduction=reduction)(xt, torch.tensor(t))
    np.testing.assert_allclose(loss(x, t), ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.ones(n) if reduction == "none" else 1.0
    ref.backward(torch.tensor(g))
    np.testing.assert_allclose(loss.backward(g), xt.grad.numpy(), rtol=1e-9, atol=1e-12)


OPTIMIZERS = {
    "SGD": st.fixed_dictionaries({"lr": st.floats(1e-4, 0.5), "momentum": st.floats(0, 0.99),
                                  "weight_decay": st.floats(0, 0.1)}),
    "RMSprop": st.fixed_dictionaries({"lr": st.floats(1e-4, 0.1), "alpha": st.floats(0.5, 0.999),
                                      "momentum": st.floats(0, 0.9), "centered": st.booleans()}),
    "Adam": st.fixed_dictionaries({"lr": st.floats(1e-4, 0.1), "betas": st.tuples(st.floats(0, 0.99), st.floats(0.5, 0.9999)),
                                   "amsgrad": st.booleans(), "weight_decay": st.floats(0, 0.1)}),
    "AdamW": st.fixed_dictionaries({"lr": st.floats(1e-4, 0.1), "weight_decay": st.floats(0, 0.5)}),
}


@SETTINGS
@given(data=st.data(), name=st.sampled_from(sorted(OPTIMIZERS)), shape=st.tuples(dims, dims))
def test_optimizers_follow_torch_for_random_hyper_parameters(data, name, shape):
    kwargs = data.draw(OPTIMIZERS[name])
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal(shape)
    p = nn.Parameter(w0)
    tp = torch.nn.Parameter(torch.tensor(w0))
    opt, topt = getattr(optim, name)([p], **kwargs), getattr(torch.optim, name)([tp], **kwargs)
    for _ in range(20):
        g = rng.standard_normal(shape)
        p.grad[...] = g
        tp.grad = torch.tensor(g)
        opt.step()
        topt.step()
    np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-6, atol=1e-10)


# -- invalid input: always the documented, readable error ----------------------------------
@SETTINGS
@given(n_in=dims, wrong=dims, lead=batch_shapes)
def test_linear_wrong_width_names_both_shapes(n_in, wrong, lead):
    if wrong == n_in:
        wrong += 1
    x = np.zeros(lead + (wrong,))
    with pytest.raises(ValueError) as e:
        nn.Linear(n_in, 2)(x)
    assert f"in_features={n_in}" in str(e.value) and str(tuple(x.shape)) in str(e.value)


@SETTINGS
@given(size=st.one_of(st.integers(-5, 0), st.floats(0.5, 5.5), st.text(max_size=3), st.none()))
def test_linear_bad_sizes(size):
    with pytest.raises(ValueError, match="positive integer"):
        nn.Linear(size, 3)


@SETTINGS
@given(lr=st.one_of(st.floats(max_value=-1e-9), st.just(float("nan")), st.just(float("inf"))),
       name=st.sampled_from(["SGD", "RMSprop", "Adam", "AdamW"]))
def test_bad_learning_rates(lr, name):
    with pytest.raises(ValueError, match="learning rate"):
        getattr(optim, name)(nn.Linear(2, 2).parameters(), lr=lr)


@SETTINGS
@given(dtype=st.sampled_from([np.complex128, object, np.str_, np.bool_]),
       module=st.sampled_from(["Linear", "ReLU", "Tanh", "Softmax", "GELU"]))
def test_bad_dtypes_raise_type_error(dtype, module):
    x = np.zeros((2, 3)).astype(dtype)
    m = nn.Linear(3, 2) if module == "Linear" else getattr(nn, module)()
    with pytest.raises(TypeError, match="dtype"):
        m(x)


@SETTINGS
@given(n=st.integers(1, 5), c=st.integers(2, 5), bad=st.integers(5, 100))
def test_cross_entropy_bad_targets(n, c, bad):
    logits = np.zeros((n, c))
    with pytest.raises(ValueError, match="target classes must lie in"):
        nn.CrossEntropyLoss()(logits, np.full(n, bad + c))
    with pytest.raises(ValueError, match="target must have shape"):
        nn.CrossEntropyLoss()(logits, np.zeros(n + 1, dtype=int))


@SETTINGS
@given(shape=st.tuples(dims, dims), other=st.tuples(dims, dims))
def test_loss_shape_mismatch(shape, other):
    if shape == other:
        return
    for loss in (nn.MSELoss(), nn.BCEWithLogitsLoss()):
        with pytest.raises(ValueError, match="must be equal"):
            loss(np.zeros(shape), np.zeros(other))
