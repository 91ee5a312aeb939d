"""dl.models.DeepMLP and dl.models.RandomShift: shapes, the skip connection, the shift itself, errors."""
import pytest
import torch

import dlcourse as dl


def test_deep_mlp_shapes_and_blocks():
    torch.manual_seed(0)
    model = dl.models.DeepMLP(12, width=8, depth=5, out_features=3)
    assert model(torch.randn(4, 12)).shape == (4, 3)
    assert model(torch.randn(4, 3, 4)).shape == (4, 3)          # flattened like an image
    assert len(model.blocks) == 5 and all(b.linear.bias is not None for b in model.blocks)
    normed = dl.models.DeepMLP(12, 8, 2, 3, norm=True)
    assert all(isinstance(b.norm, torch.nn.BatchNorm1d) and b.linear.bias is None for b in normed.blocks)


def test_residual_block_adds_its_input():
    torch.manual_seed(0)
    plain, skip = dl.models.deep.Block(6), dl.models.deep.Block(6, residual=True)
    skip.load_state_dict(plain.state_dict())
    x = torch.randn(5, 6)
    assert torch.allclose(skip(x), x + plain(x))


def test_block_grad_norms_show_vanishing_gradient_without_skips():
    torch.manual_seed(0)
    x, y = torch.randn(64, 10), torch.randint(0, 3, (64,))
    norms = {}
    for residual in (False, True):
        torch.manual_seed(0)
        model = dl.models.DeepMLP(10, 16, 20, 3, residual=residual)
        torch.nn.functional.cross_entropy(model(x), y).backward()
        norms[residual] = model.block_grad_norms()
        assert len(norms[residual]) == 20
    # default init shrinks the signal layer by layer: the first block's gradient is tiny without skips
    assert norms[False][0] < 1e-3 * norms[False][-1]
    assert norms[True][0] > 0.1 * norms[True][-1]                # with skips it reaches the first block


def test_block_grad_norms_before_backward_is_an_error():
    with pytest.raises(ValueError, match="backward"):
        dl.models.DeepMLP(4, 4, 2, 2).block_grad_norms()


@pytest.mark.parametrize("bad", [0, -1, 2.0, True])
def test_deep_mlp_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match="depth must be a positive integer"):
        dl.models.DeepMLP(4, 4, bad, 2)


def test_random_shift_1d_moves_each_sample_and_fills_zeros():
    torch.manual_seed(0)
    x = torch.arange(1.0, 11.0).repeat(200, 1)                 # (200, 10), every row 1..10
    out = dl.models.RandomShift(2)(x)
    assert out.shape == x.shape
    seen = set()
    for row in out:
        nz = row.nonzero().flatten()
        k = int(nz[0]) if row[0] == 0 else 1 - int(row[0])     # shift: where the 1 landed (or how far left)
        seen.add(k)
        shifted = torch.zeros(10)
        if k >= 0:
            shifted[k:] = x[0, :10 - k]
        else:
            shifted[:k] = x[0, -k:]
        assert torch.equal(row, shifted)
    assert seen == {-2, -1, 0, 1, 2}


def test_random_shift_2d_is_identity_in_eval_and_keeps_mass_on_bordered_images():
    torch.manual_seed(0)
    x = torch.zeros(50, 1, 8, 8)
    x[:, :, 2:6, 2:6] = torch.rand(50, 1, 4, 4)                 # blank border: a 1-pixel shift loses nothing
    layer = dl.models.RandomShift(1, dims=2)
    out = layer(x)
    assert torch.allclose(out.sum((1, 2, 3)), x.sum((1, 2, 3)))
    assert not torch.equal(out, x)
    assert torch.equal(layer.eval()(x), x)


def test_random_shift_errors():
    with pytest.raises(ValueError, match="max_shift"):
        dl.models.RandomShift(-1)
    with pytest.raises(ValueError, match="dims"):
        dl.models.RandomShift(1, dims=3)
    with pytest.raises(ValueError, match=r"got shape \(5,\)"):
        dl.models.RandomShift(1)(torch.ones(5))


def test_deep_mlp_he_init_keeps_the_signal_and_zeroes_biases():
    torch.manual_seed(0)
    x = torch.randn(512, 64)
    scale = {}
    for init in ("default", "he"):
        torch.manual_seed(0)
        model = dl.models.DeepMLP(64, width=64, depth=16, init=init)
        h = model.stem(x)
        for b in model.blocks:
            h = b(h)
        scale[init] = h.pow(2).mean().item()
        if init == "he":
            assert all(not m.bias.detach().any() for m in model.modules() if isinstance(m, torch.nn.Linear))
    assert scale["default"] < 0.01 < 0.1 < scale["he"]   # default: shrinks ~6x per layer (biases aside); He: far less
    with pytest.raises(ValueError, match="'default'.*'he'"):
        dl.models.DeepMLP(8, init="xavier")
