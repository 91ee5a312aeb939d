"""NumPy CNN layers: finite differences and torch parity over strides, paddings, dilations; train/eval."""
import numpy as np
import pytest
import torch

import dlcourse as dl
from dlcourse import nn
from dlcourse.gradcheck import check_module, compare_with_torch

CONV = [dict(), dict(stride=2), dict(padding=1), dict(dilation=2, padding=2), dict(stride=(2, 1), padding=(0, 1)),
        dict(bias=False)]


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("kw", CONV, ids=str)
def test_conv2d(kw, n, rng):
    x = rng.standard_normal((n, 2, 7, 6))
    dl.seed(0)
    assert check_module(nn.Conv2d(2, 3, 3, **kw), x).passed
    torch.manual_seed(0)
    assert compare_with_torch(nn.Conv2d(2, 3, 3, **kw), torch.nn.Conv2d(2, 3, 3, **kw), x).passed


def test_conv2d_shapes_and_init():
    conv = nn.Conv2d(3, 8, kernel_size=(3, 5), padding=(1, 2))
    assert conv.weight.shape == (8, 3, 3, 5) and conv.bias.shape == (8,)
    assert np.abs(conv.weight.data).max() <= 1 / np.sqrt(3 * 3 * 5)
    assert conv(np.zeros((2, 3, 10, 12))).shape == (2, 8, 10, 12)
    assert nn.conv.output_size(28, 3, stride=2, padding=1) == 14


POOL = [dict(kernel_size=2), dict(kernel_size=3, stride=1), dict(kernel_size=3, stride=2, padding=1),
        dict(kernel_size=(2, 3), stride=(1, 2))]


@pytest.mark.parametrize("kw", POOL, ids=str)
@pytest.mark.parametrize("name", ["MaxPool2d", "AvgPool2d"])
def test_pooling(name, kw, rng):
    x = rng.standard_normal((2, 3, 7, 8))
    assert check_module(getattr(nn, name)(**kw), x).passed
    assert compare_with_torch(getattr(nn, name)(**kw), getattr(torch.nn, name)(**kw), x).passed


@pytest.mark.parametrize("kw", [dict(), dict(start_dim=0), dict(start_dim=1, end_dim=2)], ids=str)
def test_flatten(kw, rng):
    x = rng.standard_normal((2, 3, 4, 5))
    assert compare_with_torch(nn.Flatten(**kw), torch.nn.Flatten(**kw), x).passed


def test_dropout_train_and_eval(rng):
    x = rng.standard_normal((200, 50))
    d = nn.Dropout(0.3)
    y = d(x)
    dropped = (y == 0).mean()
    assert 0.25 < dropped < 0.35
    kept = y != 0
    np.testing.assert_allclose(y[kept], x[kept] / 0.7)
    g = rng.standard_normal(x.shape)
    np.testing.assert_allclose(d.backward(g), g * (y != 0) / 0.7)
    d.eval()
    np.testing.assert_array_equal(d(x), x)
    with pytest.raises(ValueError, match=r"probability in \[0, 1\)"):
        nn.Dropout(1.0)


@pytest.mark.parametrize("name,shape", [("BatchNorm1d", (6, 3)), ("BatchNorm1d", (4, 3, 5)), ("BatchNorm2d", (4, 3, 5, 5))])
@pytest.mark.parametrize("train", [True, False])
def test_batchnorm(name, shape, train, rng):
    x = rng.standard_normal(shape) * 2 + 1
    ours, theirs = getattr(nn, name)(3), getattr(torch.nn, name)(3)
    with torch.no_grad():
        theirs.weight.uniform_(0.5, 1.5)
        theirs.bias.uniform_(-1, 1)
        theirs.running_mean.fill_(0.2)
        theirs.running_var.fill_(1.5)
    if not train:
        ours.eval()
        theirs.eval()
    assert compare_with_torch(ours, theirs, x).passed
    for key in ("running_mean", "running_var"):  # updated identically in training, untouched in eval
        np.testing.assert_allclose(ours.state_dict()[key], getattr(theirs, key).numpy(), rtol=1e-12)
    assert check_module(ours, x).passed


def test_small_numpy_cnn_matches_torch(rng):
    # no conv bias before BatchNorm: BN cancels it, so its true gradient is 0 and only rounding noise remains
    x = rng.standard_normal((2, 1, 8, 8))
    ours = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(4, 6, 3), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(6, 3))
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1, bias=False), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                                 torch.nn.MaxPool2d(2), torch.nn.Conv2d(4, 6, 3), torch.nn.ReLU(),
                                 torch.nn.AvgPool2d(2), torch.nn.Flatten(), torch.nn.Linear(6, 3))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert compare_with_torch(ours, theirs, x).passed


@pytest.mark.parametrize("make,x,match", [
    (lambda: nn.Conv2d(3, 4, 3), np.zeros((3, 8, 8)), r"\(N, C, H, W\).*x\[None\]"),
    (lambda: nn.Conv2d(3, 4, 3), np.zeros((1, 2, 8, 8)), "channels"),
    (lambda: nn.Conv2d(1, 1, 5), np.zeros((1, 1, 3, 3)), "too small"),
    (lambda: nn.MaxPool2d(2), np.zeros((4, 4)), r"\(N, C, H, W\)"),
    (lambda: nn.BatchNorm2d(3), np.zeros((2, 4, 5, 5)), "C = 3"),
    (lambda: nn.BatchNorm1d(3), np.zeros((1, 3)), "more than one value"),
    (lambda: nn.Flatten(start_dim=3), np.zeros((2, 3)), "cannot flatten"),
])
def test_cnn_layers_reject_bad_input(make, x, match):
    with pytest.raises(ValueError, match=match):
        make()(x)


@pytest.mark.parametrize("kw,match", [(dict(kernel_size=0), "kernel_size"), (dict(kernel_size=3, stride=0), "stride"),
                                      (dict(kernel_size=3, padding=-1), "padding"),
                                      (dict(kernel_size=(3,)), "pair")])
def test_conv_bad_hyper_parameters(kw, match):
    with pytest.raises(ValueError, match=match):
        nn.Conv2d(1, 1, **kw)


@pytest.mark.parametrize("name", ["BatchNorm1d", "BatchNorm2d"])
def test_batchnorm_buffers_are_attributes_like_torch(name):
    shape = (6, 3) if name == "BatchNorm1d" else (6, 3, 4, 4)
    ours, theirs = getattr(nn, name)(3), getattr(torch.nn, name)(3).double()
    x = np.random.default_rng(0).normal(2.0, 3.0, shape)
    for _ in range(2):
        ours(x)
        theirs(torch.tensor(x))
    np.testing.assert_allclose(ours.running_mean, theirs.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.running_var, theirs.running_var.numpy(), rtol=1e-12)
    assert int(ours.num_batches_tracked) == int(theirs.num_batches_tracked) == 2
    assert ours.running_mean is ours._buffers["running_mean"]  # one array: updates show in state_dict()
    ours.running_var = np.full(3, 4.0)  # assigning replaces the buffer, as in torch
    assert np.array_equal(ours.state_dict()["running_var"], np.full(3, 4.0))
    with pytest.raises(AttributeError, match="no attribute 'running_std'"):
        ours.running_std
