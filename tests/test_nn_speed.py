"""The engine's fast paths (issue 11): batch-last convolution with blocked layout changes, slice-based
pooling, per-channel batch-norm sums. Each keeps torch's results where a shortcut could change them."""
import numpy as np
import pytest
import torch

from dlcourse import nn
from dlcourse.gradcheck import compare_with_torch


@pytest.mark.parametrize("make", [
    lambda t: t.Conv2d(3, 4, 3, padding=1),
    lambda t: t.Conv2d(3, 4, (3, 2), stride=(2, 1), dilation=(1, 2)),
    lambda t: t.ConvTranspose2d(3, 4, 4, stride=2, padding=1),
], ids=["conv", "conv-strided-dilated", "conv-transpose"])
def test_convolutions_match_torch_at_a_batch_large_enough_to_be_copied_in_blocks(make, rng):
    # 64 samples of 31 x 30: the batch-last -> NCHW copy runs in blocks of 2 rows, the last one shorter
    x = rng.standard_normal((64, 3, 31, 30))
    assert compare_with_torch(make(nn), make(torch.nn), x).passed


def test_convolution_returns_contiguous_nchw_arrays(rng):
    conv = nn.Conv2d(2, 3, 3, padding=1)
    out = conv(rng.standard_normal((5, 2, 6, 7)))
    dx = conv.backward(np.ones_like(out))
    assert out.flags.c_contiguous and dx.flags.c_contiguous and dx.shape == (5, 2, 6, 7)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1)], ids=str)
def test_max_pool_routes_ties_to_the_same_element_as_torch(kw, rng):
    # after a ReLU whole windows are 0: the gradient must go to one element, the first, as in torch
    x = np.maximum(rng.standard_normal((4, 3, 8, 8)), 0.0)
    x[:, :, :4, :4] = 0.0
    assert compare_with_torch(nn.MaxPool2d(**kw), torch.nn.MaxPool2d(**kw), x).passed


def test_max_pool_propagates_nan_and_sends_its_gradient_there_like_torch(rng):
    x = rng.standard_normal((1, 1, 4, 4))
    x[0, 0, 1, 0] = np.nan
    pool, tpool = nn.MaxPool2d(2), torch.nn.MaxPool2d(2)
    xt = torch.tensor(x, requires_grad=True)
    yt = tpool(xt)
    y = pool(x)
    np.testing.assert_array_equal(np.isnan(y), torch.isnan(yt).numpy())
    np.testing.assert_allclose(y[~np.isnan(y)], yt.detach().numpy()[~np.isnan(y)])
    g = rng.standard_normal(y.shape)
    yt.backward(torch.tensor(g))
    np.testing.assert_array_equal(pool.backward(g), xt.grad.numpy())


def test_max_pool_output_is_not_its_own_cache(rng):
    pool = nn.MaxPool2d(2)
    x = rng.standard_normal((2, 2, 4, 4))
    y = pool(x)
    expected = pool.backward(np.ones_like(y))
    pool(x)[...] = 1e9  # a learner writing into the output must not move the gradient
    np.testing.assert_array_equal(pool.backward(np.ones_like(y)), expected)


@pytest.mark.parametrize("train", [True, False])
def test_batch_norm_on_values_far_from_zero_matches_torch(train, rng):
    # mean 1000, spread 1: a variance taken as E[x^2] - E[x]^2 would lose most digits here
    x = 1000.0 + rng.standard_normal((16, 3, 5, 5))
    bn, tbn = nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3)
    with torch.no_grad():
        tbn.weight.uniform_(0.5, 1.5)
        tbn.bias.uniform_(-1, 1)
        tbn.running_mean.fill_(999.5)
    if not train:
        bn.eval(), tbn.eval()
    assert compare_with_torch(bn, tbn, x, tol=1e-7).passed
