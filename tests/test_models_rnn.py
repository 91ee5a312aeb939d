"""dl.models.RecurrentNet: shapes, the memory-keeping gate bias on the right rows, errors, learning."""
import numpy as np
import pytest
import torch

import dlcourse as dl


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_shapes_and_last_step_readout(kind):
    torch.manual_seed(0)
    model = dl.models.RecurrentNet(3, 5, 4, kind=kind, num_layers=2)
    x = torch.randn(6, 9, 3)
    out = model(x)
    assert out.shape == (6, 4)
    # the output depends on the last step: changing only step 0 still changes it, changing nothing doesn't
    x2 = x.clone()
    x2[:, 0] += 1
    assert not torch.allclose(model(x2), out) and torch.equal(model(x), out)
    seq, _ = model.rnn(x)
    assert torch.allclose(model.head(seq[:, -1]), out)


def test_gate_bias_sets_forget_and_update_gate_rows():
    h = 4
    lstm = dl.models.RecurrentNet(2, h, 3, kind="lstm", gate_bias=2.0)
    gru = dl.models.RecurrentNet(2, h, 3, kind="gru", gate_bias=2.0)
    default = dl.models.RecurrentNet(2, h, 3, kind="lstm")
    for model in (lstm, gru):
        for name in ("bias_ih_l0", "bias_hh_l0"):
            b = getattr(model.rnn, name).detach()
            assert torch.all(b[h:2 * h] == 2.0)
            assert torch.all(b[:h].abs() <= 1 / h ** 0.5) and torch.all(b[2 * h:].abs() <= 1 / h ** 0.5)
    assert torch.all(default.rnn.bias_ih_l0.abs() <= 1 / h ** 0.5)
    # LSTM: at a zero input and state the forget gate is sigmoid(2 + 2) = 0.98, the input gate about 0.5
    lstm_cell = torch.nn.LSTMCell(2, h)
    lstm_cell.load_state_dict({k[:-3]: v for k, v in lstm.rnn.state_dict().items()})
    zero = torch.zeros(1, 2)
    gates = lstm_cell.bias_ih + lstm_cell.bias_hh + lstm_cell.weight_ih @ zero[0]
    f = torch.sigmoid(gates[h:2 * h])
    assert torch.allclose(f, torch.full((h,), torch.sigmoid(torch.tensor(4.0)).item(), dtype=f.dtype))
    # GRU: h' = (1 - z) n + z h; with z near 1 a zero input barely moves a given state
    h0 = torch.ones(1, 1, h)
    _, h1 = gru.rnn(torch.zeros(1, 1, 2), h0)
    _, h1_default = dl.models.RecurrentNet(2, h, 3, kind="gru").rnn(torch.zeros(1, 1, 2), h0)
    assert (h1 - h0).abs().max() < 0.1 < (h1_default - h0).abs().max()


def test_gated_cell_with_memory_bias_learns_short_memory_task():
    dl.seed(0)
    model = dl.models.RecurrentNet(4, 16, 4, kind="gru", gate_bias=2.0)
    opt = torch.optim.Adam(model.parameters(), 1e-2)
    for step in range(150):
        X, y = dl.data.make_memory_task(64, lag=5, n_symbols=4, seed=step)
        loss = torch.nn.functional.cross_entropy(model(torch.tensor(X, dtype=torch.get_default_dtype())), torch.tensor(y))
        opt.zero_grad()
        loss.backward()
        opt.step()
    X, y = dl.data.make_memory_task(500, lag=5, n_symbols=4, seed=999)
    acc = (model(torch.tensor(X, dtype=torch.get_default_dtype())).argmax(1).numpy() == y).mean()
    assert acc > 0.9  # chance is 0.25


@pytest.mark.parametrize("kwargs, message", [
    (dict(kind="transformer"), "kind must be one of rnn, lstm, gru"),
    (dict(kind="rnn", gate_bias=2.0), "gate_bias needs a gated cell"),
    (dict(hidden_size=0), "hidden_size must be a positive integer"),
    (dict(input_size=2.5), "input_size must be a positive integer"),
])
def test_bad_arguments_are_named(kwargs, message):
    args = dict(input_size=2, hidden_size=4, output_size=3) | kwargs
    with pytest.raises(ValueError, match=message):
        dl.models.RecurrentNet(**args)


def test_wrong_input_shape_is_named():
    model = dl.models.RecurrentNet(3, 4, 2)
    with pytest.raises(ValueError, match=r"expects x of shape \(N, T, 3\); got \(5, 3\)"):
        model(torch.zeros(5, 3))
    with pytest.raises(ValueError, match=r"got \(2, 5, 4\)"):
        model(torch.zeros(2, 5, 4))
    assert np.isfinite(model(torch.zeros(2, 5, 3)).detach().numpy()).all()
