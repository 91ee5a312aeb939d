"""ConvTranspose2d, Upsample, Unflatten: finite differences, torch parity, the transpose identity, errors."""
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import dlcourse as dl
from dlcourse import nn
from dlcourse.gradcheck import check_module, compare_with_torch
from dlcourse.nn.conv import transposed_output_size

TORCH_TOL = 1e-10  # float64 on both sides: only rounding separates them

CONVT = [
    dict(kernel_size=3),
    dict(kernel_size=3, stride=2),
    dict(kernel_size=4, stride=2, padding=1),
    dict(kernel_size=3, stride=2, padding=1, output_padding=1),
    dict(kernel_size=3, stride=3, padding=2, output_padding=2),
    dict(kernel_size=3, dilation=2, padding=1),
    dict(kernel_size=2, stride=1, dilation=3, output_padding=2),  # output_padding < dilation is allowed
    dict(kernel_size=(2, 3), stride=(1, 2), padding=(0, 1), output_padding=(0, 1)),
    dict(kernel_size=(3, 1), stride=(3, 2), dilation=(1, 2)),
    dict(kernel_size=3, stride=2, bias=False),
]


@pytest.mark.parametrize("n,c_in,c_out", [(1, 1, 1), (2, 3, 2), (1, 4, 5)])
@pytest.mark.parametrize("kw", CONVT, ids=str)
def test_conv_transpose2d_fd_and_torch(kw, n, c_in, c_out, rng):
    x = rng.standard_normal((n, c_in, 4, 3))
    dl.seed(0)
    assert check_module(nn.ConvTranspose2d(c_in, c_out, **kw), x).passed
    torch.manual_seed(0)
    result = compare_with_torch(nn.ConvTranspose2d(c_in, c_out, **kw), torch.nn.ConvTranspose2d(c_in, c_out, **kw), x,
                                tol=TORCH_TOL)
    assert result.passed, result
    expected = 3 if kw.get("bias", True) else 2  # input, weight (and bias) gradients
    assert len(result.errors) == 1 + expected


def test_conv_transpose2d_shapes_and_init_like_torch():
    ct = nn.ConvTranspose2d(16, 2, kernel_size=(3, 5))
    assert ct.weight.shape == (16, 2, 3, 5) and ct.bias.shape == (2,)
    # torch's fan_in for a transposed conv is out_channels * kh * kw (the weight's second axis), not 16 * 15
    bound = 1 / np.sqrt(2 * 3 * 5)
    assert nn.init._calculate_fan_in_and_fan_out(ct.weight)[0] == 2 * 3 * 5
    assert np.abs(ct.weight.data).max() <= bound and np.abs(ct.weight.data).max() > 0.9 * bound
    assert np.abs(ct.bias.data).max() <= bound
    theirs = torch.nn.ConvTranspose2d(16, 2, kernel_size=(3, 5))
    assert tuple(theirs.weight.shape) == ct.weight.shape
    assert theirs.weight.abs().max().item() <= bound and theirs.weight.abs().max().item() > 0.9 * bound
    assert list(ct.state_dict()) == list(theirs.state_dict())
    assert nn.ConvTranspose2d(3, 4, 3, bias=False).bias is None


@pytest.mark.parametrize("size,k,s,p,op,d", [(7, 4, 2, 1, 0, 1), (7, 3, 2, 1, 1, 1), (5, 3, 3, 0, 2, 1),
                                             (4, 3, 1, 2, 0, 2), (1, 5, 1, 0, 0, 1), (6, 2, 1, 0, 2, 3)])
def test_output_size_formula_matches_torch(size, k, s, p, op, d):
    out = transposed_output_size(size, k, s, p, op, d)
    theirs = torch.nn.ConvTranspose2d(1, 1, k, stride=s, padding=p, output_padding=op, dilation=d)
    assert theirs(torch.zeros(1, 1, size, size)).shape[-1] == out
    assert nn.ConvTranspose2d(1, 1, k, stride=s, padding=p, output_padding=op, dilation=d)(
        np.zeros((1, 1, size, size))).shape == (1, 1, out, out)


def test_kernel4_stride2_padding1_doubles_the_size():
    assert nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1)(np.zeros((2, 16, 7, 7))).shape == (2, 8, 14, 14)


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1, output_padding=1), dict(stride=(3, 2), dilation=2)],
                         ids=str)
def test_forward_is_conv2d_input_gradient(kw, rng):
    """The transposed conv is the adjoint of Conv2d with the same weight: <conv(y), x> = <y, convT(x)>."""
    ct = nn.ConvTranspose2d(3, 2, 3, bias=False, **kw)
    x = rng.standard_normal((2, 3, 4, 5))
    out = ct(x)
    conv_kw = {k: v for k, v in kw.items() if k != "output_padding"}
    conv = nn.Conv2d(2, 3, 3, bias=False, **conv_kw)
    conv.weight.data[...] = ct.weight.data  # (C_in, C_out, k, k) of convT is (C_out, C_in, k, k) of the conv
    y = rng.standard_normal(out.shape)
    assert conv(y).shape == x.shape
    np.testing.assert_allclose(conv.backward(x), out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.sum(conv(y) * x), np.sum(y * out), rtol=1e-12)


def test_batch_items_are_independent(rng):
    ct = nn.ConvTranspose2d(2, 3, 3, stride=2)
    x = rng.standard_normal((4, 2, 5, 5))
    np.testing.assert_allclose(ct(x)[2:3], ct(x[2:3]), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("scale", [2, 3, (2, 3), (1, 2), 2.0, (3, 1)], ids=str)
def test_upsample_matches_torch(scale, rng):
    x = rng.standard_normal((2, 3, 4, 5))
    assert check_module(nn.Upsample(scale_factor=scale), x).passed
    assert compare_with_torch(nn.Upsample(scale_factor=scale), torch.nn.Upsample(scale_factor=scale), x,
                              tol=TORCH_TOL).passed


def test_upsample_copies_each_pixel_into_a_block():
    x = np.arange(4.0).reshape(1, 1, 2, 2)
    np.testing.assert_array_equal(nn.Upsample(scale_factor=(2, 3))(x)[0, 0],
                                  [[0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 1], [2, 2, 2, 3, 3, 3], [2, 2, 2, 3, 3, 3]])
    up = nn.Upsample(scale_factor=2)
    up(np.zeros((1, 1, 2, 2)))
    np.testing.assert_array_equal(up.backward(np.ones((1, 1, 4, 4))), np.full((1, 1, 2, 2), 4.0))


@pytest.mark.parametrize("size", [15, (6, 10), [3, 15]], ids=str)
def test_upsample_to_a_size_matches_torch(size, rng):
    """``Upsample(size)`` means the output's size, as in torch (``Upsample(2)`` is not "double")."""
    x = rng.standard_normal((2, 3, 3, 5))
    assert compare_with_torch(nn.Upsample(size), torch.nn.Upsample(size), x, tol=TORCH_TOL).passed
    assert check_module(nn.Upsample(size), x).passed


def test_upsample_to_a_size_that_is_not_a_whole_multiple_says_so():
    with pytest.raises(ValueError, match=r"size \(7, 7\) is not a whole multiple of the input's \(H, W\) = \(3, 3\)"):
        nn.Upsample(7)(np.zeros((1, 1, 3, 3)))


@pytest.mark.parametrize("dim,sizes,shape", [(1, (8, 2, 2), (3, 32)), (1, (2, -1), (2, 12)), (-1, (3, 2), (2, 4, 6)),
                                             (0, (2, 3), (6, 5)), (2, (1, 4), (2, 3, 4))], ids=str)
def test_unflatten_matches_torch(dim, sizes, shape, rng):
    x = rng.standard_normal(shape)
    assert check_module(nn.Unflatten(dim, sizes), x).passed
    assert compare_with_torch(nn.Unflatten(dim, sizes), torch.nn.Unflatten(dim, sizes), x, tol=TORCH_TOL).passed


def test_unflatten_undoes_flatten(rng):
    x = rng.standard_normal((2, 8, 3, 3))
    flat = nn.Flatten()(x)
    np.testing.assert_array_equal(nn.Unflatten(1, (8, 3, 3))(flat), x)


def _decoder(lib, latent=3):
    """Linear -> Unflatten -> ConvTranspose2d -> ReLU -> Upsample -> Conv2d: a latent vector to a 1 x 16 x 16 image."""
    return lib.Sequential(lib.Linear(latent, 4 * 4 * 4), lib.Unflatten(1, (4, 4, 4)),
                          lib.ConvTranspose2d(4, 3, 4, stride=2, padding=1), lib.ReLU(),
                          lib.Upsample(scale_factor=2), lib.Conv2d(3, 1, 3, padding=1))


def test_decoder_stack_matches_its_torch_twin(rng):
    z = rng.standard_normal((5, 3))
    dl.seed(0)
    ours = _decoder(nn)
    torch.manual_seed(0)
    theirs = _decoder(torch.nn)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours(z).shape == (5, 1, 16, 16)
    result = compare_with_torch(ours, theirs, z, tol=TORCH_TOL)
    assert result.passed, result
    assert len(result.errors) == 2 + 6  # output, input and three weight/bias pairs
    assert check_module(_decoder(nn), z[:2]).passed


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 2), c_in=st.integers(1, 3), c_out=st.integers(1, 3), h=st.integers(1, 4), w=st.integers(1, 4),
       k=st.tuples(st.integers(1, 3), st.integers(1, 3)), s=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       p=st.tuples(st.integers(0, 2), st.integers(0, 2)), d=st.tuples(st.integers(1, 2), st.integers(1, 2)),
       op_draw=st.tuples(st.integers(0, 2), st.integers(0, 2)), bias=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_conv_transpose2d_random_hyper_parameters(n, c_in, c_out, h, w, k, s, p, d, op_draw, bias, seed):
    op = tuple(o % max(sa, da) for o, sa, da in zip(op_draw, s, d))  # a valid output_padding
    assume(all(transposed_output_size(size, *args) >= 1 for size, args in zip((h, w), zip(k, s, p, op, d))))
    kw = dict(kernel_size=k, stride=s, padding=p, output_padding=op, dilation=d, bias=bias)
    x = np.random.default_rng(seed).standard_normal((n, c_in, h, w))
    dl.seed(seed)
    assert check_module(nn.ConvTranspose2d(c_in, c_out, **kw), x, seed=seed).passed
    torch.manual_seed(seed)
    assert compare_with_torch(nn.ConvTranspose2d(c_in, c_out, **kw), torch.nn.ConvTranspose2d(c_in, c_out, **kw), x,
                              tol=TORCH_TOL, seed=seed).passed


@settings(max_examples=25, deadline=None)
@given(shape=st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 4), st.integers(1, 4)),
       scale=st.tuples(st.integers(1, 3), st.integers(1, 3)))
def test_upsample_random_shapes(shape, scale):
    x = np.random.default_rng(0).standard_normal(shape)
    assert compare_with_torch(nn.Upsample(scale_factor=scale), torch.nn.Upsample(scale_factor=scale), x,
                              tol=TORCH_TOL).passed


@pytest.mark.parametrize("make,x,match", [
    (lambda: nn.ConvTranspose2d(3, 4, 3), np.zeros((1, 2, 5, 5)),
     r"shape \(1, 2, 5, 5\): dimension 1 \(channels\) must be 3"),
    (lambda: nn.ConvTranspose2d(3, 4, 3), np.zeros((3, 5, 5)), r"\(N, C, H, W\), got \(3, 5, 5\).*x\[None\]"),
    (lambda: nn.ConvTranspose2d(3, 4, 3), np.zeros((2, 3, 5)), r"\(N, C, H, W\), got \(2, 3, 5\)"),
    (lambda: nn.ConvTranspose2d(1, 1, 3, padding=3), np.zeros((1, 1, 3, 3)),
     r"output size \(-1, -1\): padding \(3, 3\) crops too much"),
    (lambda: nn.Upsample(scale_factor=2), np.zeros((2, 3, 4)), r"\(N, C, H, W\), got \(2, 3, 4\)"),
    (lambda: nn.Unflatten(1, (2, 3)), np.zeros((3, 8)), r"sizes 2 × 3 must multiply to dimension 1's size 8"),
    (lambda: nn.Unflatten(1, (3, -1)), np.zeros((3, 8)), r"sizes 3 × -1 must multiply to dimension 1's size 8"),
    (lambda: nn.Unflatten(2, (2, 2)), np.zeros((3, 4)), r"dim must lie in \[-2, 1\]"),
])
def test_layers_reject_bad_input(make, x, match):
    with pytest.raises(ValueError, match=match):
        make()(x)


@pytest.mark.parametrize("make,match", [
    (lambda: nn.ConvTranspose2d(1, 1, 3, stride=2, output_padding=2),
     r"output_padding \(2, 2\) must be smaller than either stride \(2, 2\) or dilation \(1, 1\)"),
    (lambda: nn.ConvTranspose2d(1, 1, 3, output_padding=(0, 1)), r"output_padding \(0, 1\)"),
    (lambda: nn.ConvTranspose2d(1, 1, 3, output_padding=-1), "output_padding must be an integer >= 0"),
    (lambda: nn.ConvTranspose2d(1, 1, 0), "kernel_size must be an integer >= 1"),
    (lambda: nn.ConvTranspose2d(1, 1, 3, stride=(2,)), "stride must be .* a pair"),
    (lambda: nn.ConvTranspose2d(0, 1, 3), "in_channels must be a positive integer, got 0"),
    (lambda: nn.Upsample(scale_factor=2, mode="bilinear"), r"mode 'bilinear' is not implemented.*only 'nearest'"),
    (lambda: nn.Upsample(scale_factor=2.5), r"whole number >= 1 .* got 2.5"),
    (lambda: nn.Upsample(scale_factor=0), "got 0"),
    (lambda: nn.Upsample(scale_factor=float("inf")), "got inf"),
    (lambda: nn.Upsample(scale_factor="2"), "got '2'"),
    (lambda: nn.Upsample(scale_factor=(2, 2, 2)), r"pair \(h, w\) for 4-D input, got \(2, 2, 2\)"),
    (lambda: nn.Upsample(), "exactly one of size .* got size=None, scale_factor=None"),
    (lambda: nn.Upsample(4, scale_factor=2), "exactly one of size .* got size=4, scale_factor=2"),
    (lambda: nn.Upsample(size=2.5), r"size must be a whole number >= 1 .* got 2.5"),
    (lambda: nn.Unflatten(1, (2, -1, -1)), "at most one -1"),
    (lambda: nn.Unflatten(1, (2, 0)), r"positive integers .* got \(2, 0\)"),
    (lambda: nn.Unflatten(1, 4), "tuple of positive integers"),
])
def test_bad_hyper_parameters_name_what_was_expected(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_unflatten_dim_must_be_an_integer():
    with pytest.raises(TypeError, match="dim must be an integer, got 1.0"):
        nn.Unflatten(1.0, (2, 2))


@pytest.mark.parametrize("layer,x", [(nn.ConvTranspose2d(2, 3, 3), np.zeros((1, 2, 4, 4))),
                                     (nn.Upsample(scale_factor=2), np.zeros((1, 2, 4, 4))),
                                     (nn.Unflatten(1, (2, 2)), np.zeros((3, 4)))],
                         ids=lambda v: type(v).__name__ if isinstance(v, nn.Module) else "")
def test_backward_needs_forward_and_the_right_shape(layer, x):
    with pytest.raises(RuntimeError, match="before forward"):
        layer.backward(np.zeros(3))
    out = layer(x)
    with pytest.raises(ValueError, match=r"grad_output of shape \(7,\)"):
        layer.backward(np.zeros(7))
    assert layer.backward(np.ones_like(out)).shape == x.shape


def test_torch_tensor_input_is_refused():
    with pytest.raises(TypeError, match="torch.Tensor"):
        nn.ConvTranspose2d(1, 1, 2)(torch.zeros(1, 1, 3, 3))


def test_arguments_torch_places_elsewhere_are_keyword_only():
    """torch's 7th positional argument is ``groups``; here it cannot silently become ``bias``."""
    with pytest.raises(TypeError):
        nn.Conv2d(1, 1, 3, 1, 0, 1, False)
    with pytest.raises(TypeError):
        nn.ConvTranspose2d(1, 1, 3, 1, 0, 0, False)
    assert nn.ConvTranspose2d(1, 1, 3, bias=False, dilation=2).bias is None
