"""dl.models for 1-D signals (MNIST-1D): parameter counts by formula, shapes, what each reads, errors, learning."""
import pytest
import torch

import dlcourse as dl


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def test_parameter_counts_match_the_formulas():
    # MLP 40 -> 100 -> 100 -> 10: (40+1)100 + (100+1)100 + (100+1)10
    assert n_params(dl.models.ResidualMLP()) == 41 * 100 + 101 * 100 + 101 * 10 == 15_210
    # CNN: 25(1*5+1) + 2 * 25(25*3+1) + (25*5+1)10; the length goes 40 -> 19 -> 10 -> 5
    assert n_params(dl.models.Conv1dNet()) == 25 * 6 + 2 * 25 * 76 + 126 * 10 == 5_210
    # bidirectional GRU, hidden 6, input 1: per direction 3 gates x (W_ih 6x1 + W_hh 6x6 + two biases 6)
    gru = 3 * (6 + 36 + 12)
    assert n_params(dl.models.SignalRecurrentNet()) == 2 * gru + (2 * 6 * 40 + 1) * 10 == 5_134
    assert n_params(dl.models.SignalRecurrentNet(kind="lstm")) == 2 * 4 * 54 + 4_810 == 5_242
    assert n_params(dl.models.SignalRecurrentNet(kind="rnn", bidirectional=False)) == 54 + (6 * 40 + 1) * 10


@pytest.mark.parametrize("make", [dl.models.ResidualMLP, dl.models.Conv1dNet, dl.models.SignalRecurrentNet,
                                  lambda: dl.models.SignalRecurrentNet(kind="lstm"),
                                  lambda: dl.models.PatchTransformer(d_model=16, nhead=2, dim_feedforward=32)])
def test_shapes(make):
    torch.manual_seed(0)
    assert make()(torch.randn(7, 40)).shape == (7, 10)


def test_residual_mlp_adds_the_second_layer_to_its_input():
    torch.manual_seed(0)
    m, x = dl.models.ResidualMLP(), torch.randn(4, 40)
    h = torch.relu(m.fc1(x))
    assert torch.allclose(m(x), m.head(h + torch.relu(m.fc2(h))))
    with torch.no_grad():
        m.fc2.weight.zero_()
        m.fc2.bias.fill_(-1.0)  # relu(-1) = 0: the residual branch is off, the skip path remains
    assert torch.allclose(m(x), m.head(h))


def test_conv_net_is_local_and_recurrent_head_reads_every_step():
    torch.manual_seed(0)
    cnn = dl.models.Conv1dNet()
    x = torch.randn(2, 40)
    feats = cnn.features(x.unsqueeze(1)).reshape(2, 25, 5)
    x2 = x.clone()
    x2[:, -1] += 1.0  # the last step lies in the receptive field of the last output position only
    feats2 = cnn.features(x2.unsqueeze(1)).reshape(2, 25, 5)
    assert torch.equal(feats[:, :, :3], feats2[:, :, :3]) and not torch.equal(feats, feats2)
    rnn = dl.models.SignalRecurrentNet(hidden_size=3)
    assert rnn.head.in_features == 40 * 3 * 2
    out, _ = rnn.rnn(x.unsqueeze(-1))
    assert torch.allclose(rnn(x), rnn.head(out.reshape(2, -1)))


def test_patch_transformer_tokens_are_consecutive_values():
    torch.manual_seed(0)
    m = dl.models.PatchTransformer(patch_size=8, d_model=16, nhead=2, dim_feedforward=32)
    x = torch.arange(80.0).reshape(2, 40)
    assert torch.allclose(m(x), m.transformer(x.reshape(2, 5, 8)))
    assert torch.equal(x.reshape(2, 5, 8)[0, 1], torch.arange(8.0, 16.0))


@pytest.mark.parametrize("make, message", [
    (lambda: dl.models.ResidualMLP(hidden=0), "hidden must be a positive integer"),
    (lambda: dl.models.Conv1dNet(length=2), "too short for three stride-2"),
    (lambda: dl.models.SignalRecurrentNet(kind="transformer"), "kind must be one of rnn, lstm, gru"),
    (lambda: dl.models.PatchTransformer(patch_size=3), r"patch_size \(3\) must divide length \(40\)"),
])
def test_bad_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bidirectional_must_be_a_bool_and_input_shape_is_named():
    with pytest.raises(TypeError, match="bidirectional must be True or False"):
        dl.models.SignalRecurrentNet(bidirectional=1)
    for model in (dl.models.ResidualMLP(), dl.models.Conv1dNet(), dl.models.SignalRecurrentNet(),
                  dl.models.PatchTransformer(d_model=8, nhead=2)):
        with pytest.raises(ValueError, match=r"expects signals of shape \(N, 40\); got \(3, 40, 1\)"):
            model(torch.zeros(3, 40, 1))


def test_fit_in_order_takes_batches_in_order_and_learns():
    dl.seed(0)
    X = torch.randn(200, 40)
    y = (X[:, :20].sum(1) > X[:, 20:].sum(1)).long()
    model = torch.nn.Linear(40, 2)
    seen = []
    model.register_forward_hook(lambda m, inp, out: seen.append(inp[0][0, 0].item()))
    losses = dl.models.fit_in_order(model, X, y, steps=120, batch_size=50, lr=1e-2)
    assert seen[:5] == [X[0, 0].item(), X[50, 0].item(), X[100, 0].item(), X[150, 0].item(), X[0, 0].item()]
    assert len(losses) == 120 and sum(losses[-10:]) < 0.5 * sum(losses[:10])
    assert not model.training
    with pytest.raises(ValueError, match="multiple of batch_size"):
        dl.models.fit_in_order(model, X[:130], y[:130], steps=1, batch_size=50)
    with pytest.raises(TypeError, match="must be torch tensors"):
        dl.models.fit_in_order(model, X.numpy(), y, steps=1)
