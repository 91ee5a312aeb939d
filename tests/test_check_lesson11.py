"""Lesson 11 exercises: the typical wrong answers get feedback that names the mistake."""
import torch

import dlcourse as dl
from dlcourse import check


def test_conv1d_macs_mistakes_and_the_model_agrees():
    assert check.ex11_conv1d_macs(63_625)
    assert "not answered yet" in repr(check.ex11_conv1d_macs(None))
    assert "signals of 80 values" in repr(check.ex11_conv1d_macs(31_750))
    assert "parameter count" in repr(check.ex11_conv1d_macs(6_460))
    assert "counted each layer's weights once" in repr(check.ex11_conv1d_macs(125 + 1875 + 1875 + 2500))
    assert "left out the final Linear" in repr(check.ex11_conv1d_macs(61_125))
    assert "39 output positions, not 40" in repr(check.ex11_conv1d_macs(40 * 125 + 20 * 1875 + 10 * 1875 + 2500))
    assert "*input* length" in repr(check.ex11_conv1d_macs(80 * 125 + 39 * 1875 + 20 * 1875 + 2500))
    assert "C_in * k per position" in repr(check.ex11_conv1d_macs(39 * 125 + 20 * 75 + 10 * 75 + 2500))
    assert "not 2 x 19 = 38" in repr(check.ex11_conv1d_macs(63_500))
    assert "biases" in repr(check.ex11_conv1d_macs(65_360))
    assert "padding" in repr(check.ex11_conv1d_macs(55_500))
    fb = check.ex11_conv1d_macs(63_000)
    assert not fb and "Hint" in repr(fb)
    # the key's answer is what the model computes: count the multiplications of each layer from its output
    model, x, macs = dl.models.Conv1dNet(length=80), torch.zeros(1, 1, 80), 0
    for layer in model.features:
        y = layer(x)
        if isinstance(layer, torch.nn.Conv1d):
            macs += y.shape[1] * y.shape[2] * layer.in_channels * layer.kernel_size[0]
        x = y
    assert macs + model.head.in_features * model.head.out_features == 63_625
    assert dl.compare.macs_per_sample(model, torch.zeros(1, 80)) == 63_625  # and the harness's count


def test_gru_params_mistakes_and_torch_agrees():
    right = lambda i, h, bi: (2 if bi else 1) * 3 * (h * i + h * h + 2 * h)
    assert check.ex11_gru_params(right)
    for i, h, bi in [(1, 6, True), (3, 5, False)]:
        assert right(i, h, bi) == sum(p.numel() for p in torch.nn.GRU(i, h, bidirectional=bi).parameters())
    assert "two bias vectors" in repr(check.ex11_gru_params(lambda i, h, bi: (2 if bi else 1) * 3 * (h * i + h * h + h)))
    assert "backward direction" in repr(check.ex11_gru_params(lambda i, h, bi: 3 * (h * i + h * h + 2 * h)))
    assert "LSTM" in repr(check.ex11_gru_params(lambda i, h, bi: (2 if bi else 1) * 4 * (h * i + h * h + 2 * h)))
    assert "recurrent weights" in repr(check.ex11_gru_params(lambda i, h, bi: (2 if bi else 1) * 3 * (h * i + 2 * h)))
    assert "left out the biases" in repr(check.ex11_gru_params(lambda i, h, bi: (2 if bi else 1) * 3 * (h * i + h * h)))
    assert "Linear head included" in repr(check.ex11_gru_params(lambda i, h, bi: 5_134))
    assert "not answered yet" in repr(check.ex11_gru_params(lambda i, h, bi: None))
    fb = check.ex11_gru_params(lambda i, h, bi: 7)
    assert not fb and "Hint" in repr(fb)


def test_unshuffle_weights_mistakes_and_the_answer_undoes_the_shuffle():
    import numpy as np
    right = lambda w, perm: w[:, np.argsort(perm)]
    assert check.ex11_unshuffle_weights(right)
    # the reference really does undo a shuffle: same outputs on the real signals as before on the shuffled ones
    rng = np.random.default_rng(0)
    w, perm, x = rng.standard_normal((4, 6)), rng.permutation(6), rng.standard_normal((3, 6))
    assert np.allclose(x[:, perm] @ w.T, x @ right(w, perm).T)
    assert "other direction" in repr(check.ex11_unshuffle_weights(lambda w, perm: w[:, perm]))
    assert "unchanged" in repr(check.ex11_unshuffle_weights(lambda w, perm: w))
    assert "not answered yet" in repr(check.ex11_unshuffle_weights(lambda w, perm: None))
    fb = check.ex11_unshuffle_weights(lambda w, perm: w[::-1])
    assert not fb and "Hint" in repr(fb)
