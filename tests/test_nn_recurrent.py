"""NumPy RNN, LSTM, GRU: torch parity (outputs, final states, every gradient), finite differences,
the stored per-step attributes against an unrolled torch cell loop, and the errors."""
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlcourse import nn
from dlcourse.gradcheck import numerical_gradient, rel_error

KINDS = {"RNN": {}, "RNN-relu": {"nonlinearity": "relu"}, "LSTM": {}, "GRU": {}}


def _make(kind, **kw):
    """The same layer in NumPy and in torch (float64), torch's weights copied across."""
    name = kind.split("-")[0]
    kw = {**KINDS[kind], **kw}
    theirs = getattr(torch.nn, name)(**kw).double()
    ours = getattr(nn, name)(**kw)
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


def _states(kind, shape, rng):
    """A random initial state for hx: an array, or LSTM's pair."""
    if kind == "LSTM":
        return rng.standard_normal(shape), rng.standard_normal(shape)
    return rng.standard_normal(shape)


def _flat(state):
    return list(state) if isinstance(state, tuple) else [state]


def _run_both(kind, x, hx, grad_finals, rng, **kw):
    """Forward and backward through both; returns (ours, theirs, dict of (our array, torch array))."""
    ours, theirs = _make(kind, **kw)
    y, fin = ours(x, hx)
    xt = torch.tensor(x, requires_grad=True)
    hxt = None if hx is None else [torch.tensor(s, requires_grad=True) for s in _flat(hx)]
    yt, fint = theirs(xt, None if hxt is None else (tuple(hxt) if kind == "LSTM" else hxt[0]))
    g = rng.standard_normal(y.shape)
    loss = (yt * torch.tensor(g)).sum()
    for gs, ft in zip(grad_finals, _flat(fint)):
        if gs is not None:
            loss = loss + (ft * torch.tensor(gs)).sum()
    loss.backward()
    dx = ours.backward(g, *grad_finals)
    pairs = {"output": (y, yt), "input grad": (dx, xt.grad)}
    for j, (f, ft) in enumerate(zip(_flat(fin), _flat(fint))):
        pairs[f"final state {j}"] = (f, ft)
    torch_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        pairs[name + ".grad"] = (p.grad, torch_params[name].grad)
    if hx is not None:
        for j, (gh, st_) in enumerate(zip(_flat(ours.grad_hx), hxt)):
            pairs[f"grad hx {j}"] = (gh, st_.grad)
    return ours, theirs, pairs


def _assert_parity(pairs, tol=1e-10):
    for key, (a, b) in pairs.items():
        b = b.detach().numpy()
        assert a.shape == b.shape, f"{key}: shape {a.shape} vs torch {b.shape}"
        assert rel_error(a, b) < tol, f"{key}: rel. error {rel_error(a, b):.1e}"


def _final_grads(kind, shape, given, rng):
    n = 2 if kind == "LSTM" else 1
    return tuple(rng.standard_normal(shape) if given else None for _ in range(n))


# (T, N or None for unbatched, num_layers, batch_first, hx given, grad_h_n given)
CASES = [
    (1, 1, 1, False, False, False),   # one step, one sequence
    (1, 3, 2, True, True, True),     # one step, stacked
    (5, 1, 1, True, True, False),    # batch of one, batch first
    (6, 3, 2, False, False, True),   # stacked, default state, h_n used
    (6, 3, 2, True, True, True),
    (4, None, 1, False, True, True),  # unbatched (T, I)
    (4, None, 2, True, False, False),  # unbatched ignores batch_first, as in torch
    (60, 2, 1, False, True, True),   # a long sequence
    (60, 2, 2, True, False, True),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "T{}-N{}-L{}-bf{}-hx{}-gh{}".format(*c))
@pytest.mark.parametrize("kind", KINDS)
def test_torch_parity(kind, case, rng):
    t_len, n, layers, batch_first, hx_given, gh_given = case
    i_size, h_size = 3, 5
    if n is None:
        x_shape, s_shape = (t_len, i_size), (layers, h_size)
    else:
        x_shape = (n, t_len, i_size) if batch_first else (t_len, n, i_size)
        s_shape = (layers, n, h_size)
    x = rng.standard_normal(x_shape)
    hx = _states(kind, s_shape, rng) if hx_given else None
    torch.manual_seed(0)
    ours, _, pairs = _run_both(kind, x, hx, _final_grads(kind, s_shape, gh_given, rng), rng,
                               input_size=i_size, hidden_size=h_size, num_layers=layers, batch_first=batch_first)
    _assert_parity(pairs)
    assert pairs["input grad"][0].shape == x.shape
    grad_hx = _flat(ours.grad_hx)
    assert all(g.shape == s_shape for g in grad_hx)


@pytest.mark.parametrize("kind", KINDS)
def test_parity_without_bias(kind, rng):
    x = rng.standard_normal((4, 2, 3))
    hx = _states(kind, (2, 2, 4), rng)
    torch.manual_seed(1)
    ours, _, pairs = _run_both(kind, x, hx, _final_grads(kind, (2, 2, 4), True, rng), rng,
                               input_size=3, hidden_size=4, num_layers=2, bias=False)
    _assert_parity(pairs)
    assert [name for name, _ in ours.named_parameters()] == ["weight_ih_l0", "weight_hh_l0", "weight_ih_l1", "weight_hh_l1"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("layers,batch_first,unbatched", [(1, False, False), (2, True, False), (2, False, True)])
def test_finite_differences(kind, layers, batch_first, unbatched, rng):
    """dL/dx, every dL/dparameter and dL/dhx against centred differences of
    L = sum(output * g) + sum(h_n * g_h) (+ sum(c_n * g_c))."""
    name = kind.split("-")[0]
    module = getattr(nn, name)(3, 3, num_layers=layers, batch_first=batch_first, **KINDS[kind])
    s_shape = (layers, 3) if unbatched else (layers, 2, 3)
    x = rng.standard_normal((4, 3) if unbatched else (2, 4, 3) if batch_first else (4, 2, 3))
    if kind == "RNN-relu":  # keep pre-activations away from relu's kink, where differences are meaningless
        x = np.abs(x) + 0.5
        for p in module.parameters():
            p.data[...] = np.abs(p.data) + 0.05
    hx = _states(name, s_shape, rng)
    y, fin = module(x, hx)
    g = rng.standard_normal(y.shape)
    g_fin = [rng.standard_normal(f.shape) for f in _flat(fin)]

    def loss():
        out, finals = module(x, hx)
        return np.sum(out * g) + sum(np.sum(f * gf) for f, gf in zip(_flat(finals), g_fin))

    module.zero_grad()
    module(x, hx)
    analytic = {"x": module.backward(g, *g_fin)}
    analytic.update({f"hx{j}": gh for j, gh in enumerate(_flat(module.grad_hx))})
    analytic.update({name: p.grad.copy() for name, p in module.named_parameters()})
    numeric = {"x": numerical_gradient(loss, x)}
    numeric.update({f"hx{j}": numerical_gradient(loss, s) for j, s in enumerate(_flat(hx))})
    numeric.update({name: numerical_gradient(loss, p.data) for name, p in module.named_parameters()})
    for key in analytic:
        assert rel_error(analytic[key], numeric[key]) < 1e-7, key


def test_gradients_accumulate_over_calls(rng):
    """Like every layer here (and torch): backward adds to .grad; zero_grad clears it."""
    lstm = nn.LSTM(2, 3)
    x, g = rng.standard_normal((4, 1, 2)), rng.standard_normal((4, 1, 3))
    lstm(x)
    lstm.backward(g)
    once = lstm.weight_hh_l0.grad.copy()
    lstm(x)
    lstm.backward(g)
    np.testing.assert_allclose(lstm.weight_hh_l0.grad, 2 * once)
    lstm.zero_grad()
    assert not lstm.weight_hh_l0.grad.any()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(KINDS)), t_len=st.integers(1, 5), n=st.integers(0, 3), i_size=st.integers(1, 3),
       h_size=st.integers(1, 3), layers=st.integers(1, 2), batch_first=st.booleans(), bias=st.booleans(),
       hx_given=st.booleans(), gh_given=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_torch_parity_hypothesis(kind, t_len, n, i_size, h_size, layers, batch_first, bias, hx_given, gh_given, seed):
    """Random small shapes (n = 0 stands for unbatched input)."""
    rng = np.random.default_rng(seed)
    if n == 0:
        x_shape, s_shape = (t_len, i_size), (layers, h_size)
    else:
        x_shape = (n, t_len, i_size) if batch_first else (t_len, n, i_size)
        s_shape = (layers, n, h_size)
    torch.manual_seed(seed)
    _, _, pairs = _run_both(kind, rng.standard_normal(x_shape), _states(kind, s_shape, rng) if hx_given else None,
                            _final_grads(kind, s_shape, gh_given, rng), rng, input_size=i_size, hidden_size=h_size,
                            num_layers=layers, batch_first=batch_first, bias=bias)
    _assert_parity(pairs)


# -- the documented per-step attributes -------------------------------------------------------------------

def _unrolled_torch(kind, theirs, x, hx):
    """The same stack as torch cells in a Python loop, keeping every h_t (and c_t) with retain_grad,
    so that h_t.grad is the total dL/dh_t and the gates can be recomputed from the states."""
    name = kind.split("-")[0]
    layers, hs = theirs.num_layers, theirs.hidden_size
    states = [[torch.tensor(s[k]) for s in _flat(hx)] for k in range(layers)]
    inp = [xt for xt in torch.tensor(x)]
    record = []
    for k in range(layers):
        w = {key: getattr(theirs, f"{key}_l{k}") for key in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
        hs_seq, cs_seq, gates = [], [], {key: [] for key in {"LSTM": "ifgo", "GRU": "rzn", "RNN": ""}[name]}
        state = states[k]
        for xt in inp:
            h_prev = state[0]
            gi = xt @ w["weight_ih"].T + w["bias_ih"]
            gh = h_prev @ w["weight_hh"].T + w["bias_hh"]
            if name == "RNN":
                h = torch.tanh(gi + gh) if theirs.nonlinearity == "tanh" else torch.relu(gi + gh)
                state = [h]
            elif name == "LSTM":
                i, f, g, o = (gi + gh).split(hs, dim=-1)
                i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
                c = f * state[1] + i * g
                h = o * torch.tanh(c)
                c.retain_grad()
                cs_seq.append(c)
                state = [h, c]
                for key, v in zip("ifgo", (i, f, g, o)):
                    gates[key].append(v)
            else:
                (ir, iz, in_), (hr, hz, hn) = gi.split(hs, dim=-1), gh.split(hs, dim=-1)
                r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
                n = torch.tanh(in_ + r * hn)
                h = (1 - z) * n + z * h_prev
                state = [h]
                for key, v in zip("rzn", (r, z, n)):
                    gates[key].append(v)
            h.retain_grad()
            hs_seq.append(h)
        record.append((hs_seq, cs_seq, gates))
        inp = hs_seq
    return record


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("unbatched", [False, True])
def test_stored_attributes_match_unrolled_torch(kind, unbatched, rng):
    t_len, n, layers, hs = 7, 3, 2, 4
    torch.manual_seed(2)
    ours, theirs = _make(kind, input_size=2, hidden_size=hs, num_layers=layers, batch_first=True)
    x_tm = rng.standard_normal((t_len, 1 if unbatched else n, 2))  # time-major, as the attributes are
    hx = _states(kind.split("-")[0], (layers, x_tm.shape[1], hs), rng)
    if unbatched:
        y, fin = ours(x_tm[:, 0], tuple(s[:, 0] for s in _flat(hx)) if kind == "LSTM" else hx[:, 0])
    else:
        y, fin = ours(x_tm.transpose(1, 0, 2), hx)
    g = rng.standard_normal(y.shape)
    g_fin = [rng.standard_normal(f.shape) for f in _flat(fin)]
    ours.backward(g, *g_fin)

    record = _unrolled_torch(kind, theirs, x_tm, hx)
    g_tm = g[:, None] if unbatched else g.transpose(1, 0, 2)
    loss = (torch.stack(record[-1][0]) * torch.tensor(g_tm)).sum()
    for j, gf in enumerate(g_fin):
        final = torch.stack([r[j][-1] for r in record])  # h_n (j = 0) or c_n (j = 1) over layers
        loss = loss + (final * torch.tensor(gf.reshape(final.shape))).sum()
    loss.backward()

    expected_gates = {"LSTM": ["i", "f", "g", "o"], "GRU": ["r", "z", "n"]}.get(kind, [])
    shape = (t_len, x_tm.shape[1], hs)
    assert len(ours.h_seq) == len(ours.gates) == len(ours.grad_h_seq) == layers
    for k, (hs_seq, cs_seq, gates) in enumerate(record):
        assert ours.h_seq[k].shape == ours.grad_h_seq[k].shape == shape
        assert rel_error(ours.h_seq[k], torch.stack(hs_seq).detach().numpy()) < 1e-12
        assert rel_error(ours.grad_h_seq[k], torch.stack([h.grad for h in hs_seq]).numpy()) < 1e-12
        assert list(ours.gates[k]) == expected_gates
        for key in expected_gates:
            assert ours.gates[k][key].shape == shape
            assert rel_error(ours.gates[k][key], torch.stack(gates[key]).detach().numpy()) < 1e-12
        if kind == "LSTM":
            assert ours.c_seq[k].shape == shape
            assert rel_error(ours.c_seq[k], torch.stack(cs_seq).detach().numpy()) < 1e-12
    assert not hasattr(ours, "c_seq") or kind == "LSTM"


def test_rnn_gradient_norm_through_time_shrinks():
    """What grad_h_seq is for: with small recurrent weights, a loss on the last output only
    leaves a gradient that shrinks geometrically towards the first step."""
    rnn = nn.RNN(2, 8)
    rnn.weight_hh_l0.data *= 0.3
    y, _ = rnn(np.random.default_rng(0).standard_normal((30, 4, 2)))
    g = np.zeros_like(y)
    g[-1] = 1.0
    rnn.backward(g)
    norms = np.linalg.norm(rnn.grad_h_seq[0], axis=(1, 2))
    assert norms[-1] > 0 and np.all(np.diff(norms) > 0) and norms[0] < 1e-6 * norms[-1]


# -- construction, state dicts, errors -----------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_parameters_match_torch_names_shapes_and_init(kind):
    torch.manual_seed(0)
    ours, theirs = _make(kind, input_size=3, hidden_size=16, num_layers=2)
    theirs_shapes = [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == theirs_shapes
    fresh = getattr(nn, kind.split("-")[0])(3, 16, num_layers=2, **KINDS[kind])
    values = np.concatenate([p.data.ravel() for p in fresh.parameters()])
    assert np.abs(values).max() <= 0.25 and np.abs(values).max() > 0.2  # U(-1/sqrt(16), 1/sqrt(16))


def test_repr_like_torch():
    assert repr(nn.LSTM(3, 4, num_layers=2, batch_first=True)) == "LSTM(3, 4, num_layers=2, batch_first=True)"
    assert repr(nn.RNN(3, 4, nonlinearity="relu", bias=False)) == "RNN(3, 4, bias=False, nonlinearity='relu')"
    assert repr(nn.GRU(3, 4)) == "GRU(3, 4)"


@pytest.mark.parametrize("make,x,hx,err,match", [
    (lambda: nn.LSTM(4, 3), np.zeros((5, 2, 3)), None, ValueError,
     r"LSTM\(input_size=4\) got input of shape \(5, 2, 3\): last dimension must be 4"),
    (lambda: nn.GRU(4, 3), np.zeros(4), None, ValueError, r"\(T, N, I\) or unbatched \(T, I\), got 1-D input of shape \(4,\)"),
    (lambda: nn.RNN(4, 3, batch_first=True), np.zeros((1, 2, 5, 4)), None, ValueError, r"\(N, T, I\).*4-D"),
    (lambda: nn.RNN(4, 3), np.zeros((0, 2, 4)), None, ValueError, "must not be empty"),
    (lambda: nn.RNN(4, 3), torch.zeros(5, 2, 4), None, TypeError, "torch.Tensor"),
    (lambda: nn.RNN(4, 3, num_layers=2), np.zeros((5, 2, 4)), np.zeros((1, 2, 3)), ValueError,
     r"hx has shape \(1, 2, 3\); for batched \(T, N, I\) input it must be \(2, 2, 3\)"),
    (lambda: nn.GRU(4, 3), np.zeros((5, 4)), np.zeros((1, 1, 3)), ValueError,
     r"hx has shape \(1, 1, 3\); for unbatched \(T, I\) input it must be \(1, 3\)"),
    (lambda: nn.LSTM(4, 3), np.zeros((5, 2, 4)), np.zeros((1, 2, 3)), TypeError, r"pair \(h_0, c_0\)"),
    (lambda: nn.LSTM(4, 3), np.zeros((5, 2, 4)), (np.zeros((1, 2, 3)), np.zeros((1, 3, 3))), ValueError,
     r"c_0 has shape \(1, 3, 3\).*must be \(1, 2, 3\)"),
])
def test_forward_errors_name_the_numbers(make, x, hx, err, match):
    with pytest.raises(err, match=match):
        make()(x, hx)


@pytest.mark.parametrize("make,match", [
    (lambda: nn.RNN(3, 4, nonlinearity="sigmoid"), r"'tanh' or 'relu', got 'sigmoid'"),
    (lambda: nn.LSTM(3, 4, num_layers=0), r"num_layers must be an integer >= 1, got 0"),
    (lambda: nn.GRU(3, 4, num_layers=1.5), r"num_layers must be an integer >= 1, got 1.5"),
    (lambda: nn.GRU(0, 4), r"input_size must be a positive integer, got 0"),
    (lambda: nn.LSTM(3, -2), r"hidden_size must be a positive integer, got -2"),
])
def test_constructor_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_backward_errors():
    lstm = nn.LSTM(2, 3, num_layers=2, batch_first=True)
    with pytest.raises(RuntimeError, match="before forward"):
        lstm.backward(np.zeros((4, 5, 3)))
    lstm(np.zeros((4, 5, 2)))
    with pytest.raises(ValueError, match=r"grad_output of shape \(5, 4, 3\).*shape \(4, 5, 3\)"):
        lstm.backward(np.zeros((5, 4, 3)))
    with pytest.raises(ValueError, match=r"grad_c_n of shape \(2, 3\).*shape \(2, 4, 3\)"):
        lstm.backward(np.zeros((4, 5, 3)), None, np.zeros((2, 3)))
    rnn = nn.RNN(2, 3)
    rnn(np.zeros((5, 2)))
    with pytest.raises(ValueError, match=r"grad_h_n of shape \(1, 1, 3\).*shape \(1, 3\)"):
        rnn.backward(np.zeros((5, 3)), np.zeros((1, 1, 3)))


@pytest.mark.parametrize("kind", KINDS)
def test_saturated_gates_stay_exact(kind, rng):
    """Inputs 30x too large saturate every sigmoid and tanh: still torch's numbers, no overflow or NaN."""
    x = 30 * rng.standard_normal((8, 2, 3))
    torch.manual_seed(3)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        _, _, pairs = _run_both(kind, x, None, _final_grads(kind, (1, 2, 4), True, rng), rng,
                                input_size=3, hidden_size=4)
    _assert_parity(pairs, tol=1e-9)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_inputs_untouched_and_output_is_a_copy(kind, rng):
    module = getattr(nn, kind)(3, 4, num_layers=2)
    x = rng.standard_normal((5, 2, 3))
    hx = _states(kind, (2, 2, 4), rng)
    x0, hx0 = x.copy(), [s.copy() for s in _flat(hx)]
    y, _ = module(x, hx)
    h_last = module.h_seq[-1].copy()
    y[...] = 0.0  # a learner editing the output must not change what backward uses
    module.backward(rng.standard_normal(y.shape), *_final_grads(kind, (2, 2, 4), True, rng))
    np.testing.assert_array_equal(x, x0)
    for s, s0 in zip(_flat(hx), hx0):
        np.testing.assert_array_equal(s, s0)
    np.testing.assert_array_equal(module.h_seq[-1], h_last)
