"""float32 across the NumPy engine: .float()/.double()/.to(), parity with torch in float32, the input policy,
optimizers and training steps in float32, gradient checks in float64."""
import copy

import numpy as np
import pytest
import torch

import test_optim
from dlcourse import nn, optim
from dlcourse.gradcheck import check_module, compare_with_torch
from dlcourse.nn import functional as F

F32 = dict(rtol=1e-4, atol=1e-5)  # float32 rounding: eps 1.2e-7, grown by sums over a few hundred terms
F64 = dict(rtol=1e-9, atol=1e-12)


# (id, NumPy module, torch module, input shape, how it is called); torch modules built in float64
# (conftest's default), weights copied into ours after both are converted
LAYERS = [
    ("Linear", lambda: nn.Linear(6, 5), lambda: torch.nn.Linear(6, 5), (4, 3, 6), "plain"),
    ("Conv2d", lambda: nn.Conv2d(3, 4, 3, stride=2, padding=1, dilation=1),
     lambda: torch.nn.Conv2d(3, 4, 3, stride=2, padding=1), (2, 3, 9, 8), "plain"),
    ("Conv2d-dilated", lambda: nn.Conv2d(2, 3, (3, 2), dilation=2, bias=False),
     lambda: torch.nn.Conv2d(2, 3, (3, 2), dilation=2, bias=False), (2, 2, 9, 8), "plain"),
    ("ConvTranspose2d", lambda: nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1),
     lambda: torch.nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1), (2, 3, 5, 4), "plain"),
    ("MaxPool2d", lambda: nn.MaxPool2d(3, stride=2, padding=1), lambda: torch.nn.MaxPool2d(3, 2, 1),
     (2, 3, 7, 6), "plain"),
    ("AvgPool2d", lambda: nn.AvgPool2d(2, padding=1), lambda: torch.nn.AvgPool2d(2, padding=1), (2, 3, 7, 6),
     "plain"),
    ("Flatten", lambda: nn.Flatten(), lambda: torch.nn.Flatten(), (2, 3, 4, 5), "plain"),
    ("Unflatten", lambda: nn.Unflatten(1, (3, 4)), lambda: torch.nn.Unflatten(1, (3, 4)), (2, 12), "plain"),
    ("Upsample", lambda: nn.Upsample(scale_factor=(2, 3)), lambda: torch.nn.Upsample(scale_factor=(2, 3)),
     (2, 3, 4, 5), "plain"),
    ("Dropout-eval", lambda: nn.Dropout(0.3).eval(), lambda: torch.nn.Dropout(0.3).eval(), (4, 7), "plain"),
    ("BatchNorm1d", lambda: nn.BatchNorm1d(5), lambda: torch.nn.BatchNorm1d(5), (8, 5, 3), "plain"),
    ("BatchNorm2d", lambda: nn.BatchNorm2d(3), lambda: torch.nn.BatchNorm2d(3), (4, 3, 5, 5), "plain"),
    ("BatchNorm2d-eval", lambda: nn.BatchNorm2d(3).eval(), lambda: torch.nn.BatchNorm2d(3).eval(),
     (4, 3, 5, 5), "plain"),
    ("BatchNorm1d-no-affine", lambda: nn.BatchNorm1d(5, affine=False),
     lambda: torch.nn.BatchNorm1d(5, affine=False), (8, 5), "plain"),
    ("LayerNorm", lambda: nn.LayerNorm((3, 4)), lambda: torch.nn.LayerNorm((3, 4)), (2, 5, 3, 4), "plain"),
    ("LayerNorm-no-affine", lambda: nn.LayerNorm(6, elementwise_affine=False),
     lambda: torch.nn.LayerNorm(6, elementwise_affine=False), (4, 6), "plain"),
    ("ReLU", nn.ReLU, torch.nn.ReLU, (5, 7), "plain"),
    ("LeakyReLU", lambda: nn.LeakyReLU(0.1), lambda: torch.nn.LeakyReLU(0.1), (5, 7), "plain"),
    ("Sigmoid", nn.Sigmoid, torch.nn.Sigmoid, (5, 7), "plain"),
    ("Tanh", nn.Tanh, torch.nn.Tanh, (5, 7), "plain"),
    ("GELU", nn.GELU, torch.nn.GELU, (5, 7), "plain"),
    ("GELU-tanh", lambda: nn.GELU("tanh"), lambda: torch.nn.GELU("tanh"), (5, 7), "plain"),
    ("Softmax", lambda: nn.Softmax(dim=1), lambda: torch.nn.Softmax(dim=1), (5, 7, 2), "plain"),
    ("Sequential", lambda: nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3)),
     lambda: torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3)), (5, 4), "plain"),
    ("RNN", lambda: nn.RNN(4, 5, num_layers=2), lambda: torch.nn.RNN(4, 5, num_layers=2), (6, 3, 4), "first"),
    ("RNN-relu", lambda: nn.RNN(4, 5, nonlinearity="relu", batch_first=True),
     lambda: torch.nn.RNN(4, 5, nonlinearity="relu", batch_first=True), (3, 6, 4), "first"),
    ("LSTM", lambda: nn.LSTM(4, 5, num_layers=2), lambda: torch.nn.LSTM(4, 5, num_layers=2), (6, 3, 4), "first"),
    ("GRU", lambda: nn.GRU(4, 5, batch_first=True), lambda: torch.nn.GRU(4, 5, batch_first=True), (3, 6, 4),
     "first"),
    ("GRU-no-bias", lambda: nn.GRU(4, 5, bias=False), lambda: torch.nn.GRU(4, 5, bias=False), (6, 4), "first"),
    ("MultiheadAttention", lambda: nn.MultiheadAttention(8, 2), lambda: torch.nn.MultiheadAttention(8, 2),
     (5, 3, 8), "attn"),
    ("MultiheadAttention-no-bias", lambda: nn.MultiheadAttention(8, 4, bias=False, batch_first=True),
     lambda: torch.nn.MultiheadAttention(8, 4, bias=False, batch_first=True), (3, 5, 8), "attn"),
    ("TransformerEncoderLayer", lambda: nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0),
     lambda: torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), (5, 3, 8), "plain"),
    ("TransformerEncoderLayer-prenorm-gelu",
     lambda: nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation="gelu", norm_first=True, batch_first=True),
     lambda: torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation="gelu", norm_first=True,
                                              batch_first=True), (3, 5, 8), "plain"),
    ("TransformerEncoder",
     lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2, norm=nn.LayerNorm(8)),
     lambda: torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2,
                                         norm=torch.nn.LayerNorm(8), enable_nested_tensor=False), (5, 3, 8), "plain"),
]


def _np_run(m, x, g, call, forward_only=False):
    if call == "attn":
        out = m(x, x, x)[0]
    else:
        out = m(x)[0] if call == "first" else m(x)
    if forward_only:
        return out
    dx = m.backward(g)
    return out, (sum(dx) if call == "attn" else dx)


def _torch_run(m, x, g, call):
    xt = torch.tensor(x, requires_grad=True)
    if call == "attn":
        out = m(xt, xt, xt)[0]
    else:
        out = m(xt)[0] if call == "first" else m(xt)
    out.backward(torch.tensor(g))
    return out.detach().numpy(), xt.grad.numpy()


def _parity(make_np, make_torch, shape, call, dtype, tol, seed=0):
    torch.manual_seed(seed)
    tm = make_torch().to(torch.float32 if dtype == np.float32 else torch.float64)
    m = make_np().to(dtype)
    m.load_state_dict(tm.state_dict())
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    probe = copy.deepcopy(m)  # a copy: BatchNorm's running statistics see one forward pass, as torch's
    g = rng.standard_normal(np.shape(_np_run(probe, x, None, call, forward_only=True))).astype(dtype)
    out, dx = _np_run(m, x, g, call)
    t_out, t_dx = _torch_run(tm, x, g, call)
    assert out.dtype == dx.dtype == dtype
    np.testing.assert_allclose(out, t_out, **tol, err_msg="output")
    np.testing.assert_allclose(dx, t_dx, **tol, err_msg="input gradient")
    t_params = dict(tm.named_parameters())
    for name, p in m.named_parameters():
        assert p.data.dtype == p.grad.dtype == dtype, name
        np.testing.assert_allclose(p.grad, t_params[name].grad.numpy(), **tol, err_msg=name)
    t_buffers = dict(tm.named_buffers())
    for name, b in m.named_buffers():  # BatchNorm's running statistics after the forward pass
        if np.issubdtype(b.dtype, np.floating):
            assert b.dtype == dtype, name
        np.testing.assert_allclose(b, t_buffers[name].numpy(), **tol, err_msg=name)
    return m


@pytest.mark.parametrize("case", LAYERS, ids=[c[0] for c in LAYERS])
def test_float32_matches_torch_float32(case):
    _, make_np, make_torch, shape, call = case
    _parity(make_np, make_torch, shape, call, np.float32, F32)


@pytest.mark.parametrize("case", LAYERS, ids=[c[0] for c in LAYERS])
def test_double_brings_back_exact_float64_parity(case):
    _, make_np, make_torch, shape, call = case
    # float -> double on our side: the weights round-trip through float32, torch's are copied in afterwards
    _parity(lambda: make_np().float().double(), make_torch, shape, call, np.float64, F64)


def test_float32_is_really_float32_not_float64_rounded():
    """A float32 layer must not compute in float64 and round at the end: its output differs from float64's
    by float32 rounding (about 1e-7 relative), not by exactly nothing after rounding the float64 result."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 256))
    m64 = nn.Linear(256, 64)
    m32 = copy.deepcopy(m64).float()
    exact = m64(x.astype(np.float32).astype(np.float64))  # same float32 inputs and weights, float64 arithmetic
    assert np.abs(m32(x) - exact.astype(np.float32)).max() > 0


def test_to_accepts_numpy_strings_and_torch_dtypes_and_is_chainable():
    m = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    params = list(m.parameters())
    for dtype, expected in [(np.float32, np.float32), ("float64", np.float64), (torch.float32, np.float32),
                            (np.dtype("float64"), np.float64), ("float32", np.float32), (torch.float64, np.float64)]:
        assert m.to(dtype) is m
        assert list(m.parameters()) == params  # the same Parameter objects: an optimizer keeps working
        assert all(p.data.dtype == p.grad.dtype == expected for p in params)
        assert m[1].running_mean.dtype == m[1].running_var.dtype == expected
        assert m[1].num_batches_tracked.dtype == np.int64  # a counter stays an integer
    assert m.float() is m and m[0].weight.data.dtype == np.float32
    assert m.double() is m and m[0].weight.data.dtype == np.float64
    assert m.state_dict()["1.running_mean"].dtype == np.float64


def test_conversion_keeps_values_and_gradients():
    m = nn.Linear(3, 2)
    m(np.ones((4, 3)))
    m.backward(np.ones((4, 2)))
    w, gw = m.weight.data.copy(), m.weight.grad.copy()
    m.float()
    np.testing.assert_array_equal(m.weight.data, w.astype(np.float32))
    np.testing.assert_array_equal(m.weight.grad, gw.astype(np.float32))


@pytest.mark.parametrize("bad", ["float16", np.float16, np.int64, "int32", torch.float16, torch.int64, bool])
def test_unsupported_dtype_raises_value_error_naming_the_allowed_ones(bad):
    with pytest.raises(ValueError, match=r"Linear.to: dtype must be float32 or float64.*got"):
        nn.Linear(2, 2).to(bad)


@pytest.mark.parametrize("bad", ["cuda", None, object(), [np.float32]])
def test_a_non_dtype_raises_type_error(bad):
    with pytest.raises(TypeError, match=r"dtype must be float32 or float64"):
        nn.Linear(2, 2).to(bad)


def test_bad_dtype_changes_nothing():
    m = nn.Linear(2, 2)
    with pytest.raises(ValueError):
        m.to("int64")
    assert m.weight.data.dtype == np.float64


# -- the policy for input whose dtype differs from the parameters' ----------------------------------

def test_layer_with_parameters_casts_its_input_to_their_dtype():
    rng = np.random.default_rng(0)
    x64 = rng.standard_normal((5, 4))
    m32 = nn.Linear(4, 3).float()
    y = m32(x64)  # float64 data into a float32 model: cast, not an error
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, m32(x64.astype(np.float32)))
    assert m32.backward(np.ones((5, 3))).dtype == np.float32  # float64 upstream gradient is cast as well
    assert m32.weight.grad.dtype == np.float32
    m64 = copy.deepcopy(m32).double()
    x32 = x64.astype(np.float32)
    y64 = m64(x32)  # and the other way round: float32 data into a float64 model computes in float64
    assert y64.dtype == np.float64
    np.testing.assert_array_equal(y64, m64(x32.astype(np.float64)))


@pytest.mark.parametrize("make", [nn.ReLU, nn.Tanh, nn.GELU, nn.Flatten, lambda: nn.Softmax(-1),
                                  lambda: nn.MaxPool2d(2), lambda: nn.LayerNorm(4, elementwise_affine=False),
                                  lambda: nn.Upsample(scale_factor=2), lambda: nn.PositionalEncoding(4)])
def test_parameter_free_layers_compute_in_the_inputs_dtype(make):
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 4))
    if isinstance(make(), nn.PositionalEncoding):
        x = x[0]
    for dtype in (np.float32, np.float64):
        m = make()
        y = m(x.astype(dtype))
        assert y.dtype == dtype
        assert m.backward(np.ones_like(y)).dtype == dtype
    assert nn.ReLU()(np.arange(-2, 3)).dtype == np.float64  # integers become float64


def test_recurrent_initial_states_and_their_gradients_take_the_parameters_dtype():
    rng = np.random.default_rng(0)
    m = nn.LSTM(3, 4, num_layers=2).float()
    x, h0, c0 = rng.standard_normal((5, 2, 3)), rng.standard_normal((2, 2, 4)), rng.standard_normal((2, 2, 4))
    out, (h_n, c_n) = m(x, (h0, c0))  # float64 input and states into a float32 LSTM: all cast
    assert out.dtype == h_n.dtype == c_n.dtype == np.float32
    dx = m.backward(np.ones_like(out), grad_h_n=np.ones((2, 2, 4)), grad_c_n=np.ones((2, 2, 4)))
    assert dx.dtype == m.grad_hx[0].dtype == m.grad_hx[1].dtype == np.float32
    assert all(g.dtype == np.float32 for g in m.grad_h_seq)
    tm = torch.nn.LSTM(3, 4, num_layers=2).float()
    m.load_state_dict(tm.state_dict())
    xt, h0t, c0t = (torch.tensor(a, dtype=torch.float32) for a in (x, h0, c0))
    t_out, _ = tm(xt, (h0t, c0t))
    np.testing.assert_allclose(m(x, (h0, c0))[0], t_out.detach().numpy(), **F32)


@pytest.mark.parametrize("batch_first,bias", [(False, True), (True, False)])
def test_multihead_attention_with_masks_in_float32_matches_torch(batch_first, bias):
    rng = np.random.default_rng(4)
    N, L, S, E, h = 3, 4, 5, 8, 2
    tm = torch.nn.MultiheadAttention(E, h, batch_first=batch_first, bias=bias).float()
    m = nn.MultiheadAttention(E, h, batch_first=batch_first, bias=bias).float()
    m.load_state_dict(tm.state_dict())
    shape = (lambda n: (N, n, E)) if batch_first else (lambda n: (n, N, E))
    q, k, v = (rng.standard_normal(shape(n)).astype(np.float32) for n in (L, S, S))
    blocked = rng.random((L, S)) < 0.3
    blocked[:, 0] = False  # every query keeps a key: torch gives NaN for fully masked rows
    attn_mask = np.where(blocked, -np.inf, 0.0)  # float64 additive masks, added to the float32 scores
    pad = rng.standard_normal((N, S))
    out, w = m(q, k, v, key_padding_mask=pad, attn_mask=attn_mask)
    g = rng.standard_normal(out.shape).astype(np.float32)
    grads = m.backward(g)
    ts = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    t_out, t_w = tm(*ts, key_padding_mask=torch.tensor(pad, dtype=torch.float32),
                    attn_mask=torch.tensor(attn_mask, dtype=torch.float32))
    t_out.backward(torch.tensor(g))
    assert out.dtype == w.dtype == np.float32 and all(d.dtype == np.float32 for d in grads)
    np.testing.assert_allclose(out, t_out.detach().numpy(), **F32)
    np.testing.assert_allclose(w, t_w.detach().numpy(), **F32)
    for d, t in zip(grads, ts):
        np.testing.assert_allclose(d, t.grad.numpy(), **F32)


def test_dropout_mask_is_in_the_inputs_dtype_and_drops_the_same_elements():
    x = np.ones((50, 40))
    np.random.seed(3)
    y64 = nn.Dropout(0.4)(x)
    np.random.seed(3)
    d = nn.Dropout(0.4)
    y32 = d(x.astype(np.float32))
    assert y32.dtype == d.backward(np.ones((50, 40))).dtype == np.float32
    np.testing.assert_array_equal(y32 == 0, y64 == 0)  # the same random draws decide in both dtypes
    np.testing.assert_allclose(y32, y64, rtol=1e-7)


def test_embedding_keeps_integer_indices_and_gives_the_weights_dtype():
    e = nn.Embedding(10, 4, padding_idx=0).float()
    idx = np.array([[1, 0, 3], [3, 9, 1]])
    out = e(idx)
    assert out.dtype == np.float32
    assert e.backward(np.ones((2, 3, 4))) is None and e.weight.grad.dtype == np.float32
    np.testing.assert_array_equal(e.weight.grad[3], 2.0)
    te = torch.nn.Embedding(10, 4, padding_idx=0).float()
    e.load_state_dict(te.state_dict())
    np.testing.assert_array_equal(e(idx), te(torch.tensor(idx)).detach().numpy())
    with pytest.raises(TypeError, match="integer indices"):
        e(idx.astype(np.float32))


@pytest.mark.parametrize("name,target", [
    ("MSELoss", "float"), ("BCELoss", "prob"), ("BCEWithLogitsLoss", "prob"), ("CrossEntropyLoss", "class"),
])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses_compute_in_the_inputs_dtype_and_match_torch_float32(name, target, reduction):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 4)).astype(np.float32)
    if name == "BCELoss":
        x = 1 / (1 + np.exp(-x))
    t = {"float": rng.standard_normal((6, 4)), "prob": rng.random((6, 4)), "class": rng.integers(0, 4, 6)}[target]
    loss = getattr(nn, name)(reduction=reduction)
    tloss = getattr(torch.nn, name)(reduction=reduction)
    out = loss(x, t)  # a float64 target is cast to the input's float32
    xt = torch.tensor(x, requires_grad=True)
    tt = torch.tensor(t) if target == "class" else torch.tensor(t, dtype=torch.float32)
    t_out = tloss(xt, tt)
    g = np.ones(np.shape(out)) if reduction == "none" else 1.0  # float64 upstream gradient: cast too
    grad = loss.backward(g)
    t_out.backward(torch.ones_like(t_out))
    assert np.asarray(out).dtype == grad.dtype == np.float32
    np.testing.assert_allclose(out, t_out.detach().numpy(), **F32)
    np.testing.assert_allclose(grad, xt.grad.numpy(), **F32)


def test_functional_activations_keep_float32():
    x = np.linspace(-3, 3, 13, dtype=np.float32)
    for name, (f, df) in F.ACTIVATIONS.items():
        assert f(x).dtype == df(x).dtype == np.float32, name
        assert f(x.astype(np.float64)).dtype == df(x.astype(np.float64)).dtype == np.float64, name
        assert df(np.arange(-2, 3)).dtype == np.float64, name  # integer input: float64, as before
    assert F.softmax(x).dtype == F.log_softmax(x).dtype == np.float32
    for approximate in ("none", "tanh"):
        np.testing.assert_allclose(F.gelu(x, approximate),
                                   torch.nn.functional.gelu(torch.tensor(x), approximate=approximate).numpy(), **F32)


def test_scaled_dot_product_attention_in_float32_matches_torch():
    rng = np.random.default_rng(2)
    q, k, v = (rng.standard_normal((2, 3, n, 4)).astype(np.float32) for n in (5, 6, 6))
    mask = np.tri(5, 6, dtype=bool)
    out = F.scaled_dot_product_attention(q, k, v, mask)
    w = F.attention_weights(q, k, mask)
    qt, kt, vt = (torch.tensor(a, requires_grad=True) for a in (q, k, v))
    t_out = torch.nn.functional.scaled_dot_product_attention(qt, kt, vt, torch.tensor(mask))
    g = rng.standard_normal(out.shape)  # float64: the backward computes in the inputs' float32
    t_out.backward(torch.tensor(g, dtype=torch.float32))
    grads = F.scaled_dot_product_attention_backward(g, q, k, v, w)
    assert out.dtype == w.dtype == np.float32 and all(d.dtype == np.float32 for d in grads)
    np.testing.assert_allclose(out, t_out.detach().numpy(), **F32)
    for d, t in zip(grads, (qt, kt, vt)):
        np.testing.assert_allclose(d, t.grad.numpy(), **F32)


# -- optimizers and training in float32 -------------------------------------------------------------

OPTIMIZERS = test_optim.CASES  # every case torch-parity is tested on in float64


@pytest.mark.parametrize("name,kwargs", OPTIMIZERS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(OPTIMIZERS)])
def test_optimizers_step_in_float32_like_torch(name, kwargs):
    """The same float32 gradients, 20 steps: the state and the weights stay float32 and follow torch's."""
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((5, 3)).astype(np.float32)
    p = nn.Parameter(w0)
    p.data, p.grad = p.data.astype(np.float32), p.grad.astype(np.float32)
    tp = torch.nn.Parameter(torch.tensor(w0))
    opt = getattr(optim, name)([p], **kwargs)
    topt = getattr(torch.optim, name)([tp], **kwargs)
    for _ in range(20):
        g = rng.standard_normal((5, 3)).astype(np.float32)
        p.grad[...] = g
        tp.grad = torch.tensor(g)
        opt.step()
        topt.step()
        assert p.data.dtype == np.float32
    np.testing.assert_allclose(p.data, tp.detach().numpy(), **F32)
    assert not np.allclose(p.data, w0, atol=1e-2)  # it moved
    for key, value in opt.state[0].items():
        if isinstance(value, np.ndarray):
            assert value.dtype == np.float32, key


def test_optimizer_state_follows_a_later_conversion():
    m = nn.Linear(3, 2)
    opt = optim.Adam(m.parameters(), lr=0.01)
    for _ in range(2):  # float64 steps build float64 state
        opt.zero_grad()
        m(np.ones((4, 3)))
        m.backward(np.ones((4, 2)))
        opt.step()
    m.float()
    opt.zero_grad()
    m(np.ones((4, 3)))
    m.backward(np.ones((4, 2)))
    opt.step()
    assert m.weight.data.dtype == np.float32
    assert opt.state[0]["exp_avg"].dtype == opt.state[0]["exp_avg_sq"].dtype == np.float32


def _mlp():
    return (nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.GELU(), nn.Linear(16, 3)),
            torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.GELU(),
                                torch.nn.Linear(16, 3)), (32, 8))


def _cnn():
    # no bias before batch norm: its gradient is zero up to rounding, which Adam would scale up to full steps
    return (nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(4, 6, 3), nn.ReLU(), nn.Flatten(), nn.Dropout(0.0), nn.Linear(6 * 2 * 2, 3)),
            torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1, bias=False), torch.nn.BatchNorm2d(4),
                                torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Conv2d(4, 6, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                                torch.nn.Dropout(0.0), torch.nn.Linear(6 * 2 * 2, 3)), (16, 1, 8, 8))


@pytest.mark.parametrize("make", [_mlp, _cnn], ids=["mlp", "cnn"])
def test_float32_training_with_adam_stays_float32_and_follows_torch(make):
    torch.manual_seed(0)
    model, tmodel, shape = make()
    tmodel.float()
    model.float().load_state_dict(tmodel.state_dict())
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)  # float64 data: the first layer casts it
    y = rng.integers(0, 3, shape[0])
    opt, topt = optim.Adam(model.parameters(), lr=0.01), torch.optim.Adam(tmodel.parameters(), lr=0.01)
    loss_fn, tloss_fn = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    xt, yt = torch.tensor(x, dtype=torch.float32), torch.tensor(y)
    losses = []
    for _ in range(5):
        opt.zero_grad()
        out = model(x)
        loss = loss_fn(out, y)
        assert out.dtype == np.asarray(loss).dtype == np.float32
        assert model.backward(loss_fn.backward()).dtype == np.float32
        opt.step()
        topt.zero_grad()
        tloss = tloss_fn(tmodel(xt), yt)
        tloss.backward()
        topt.step()
        losses.append(float(loss))
        np.testing.assert_allclose(float(loss), tloss.item(), **F32)
    assert losses[-1] < losses[0]  # it learned something, so the comparison is not between two idle models
    t_state = tmodel.state_dict()
    for name, value in model.state_dict().items():
        assert value.dtype == (np.int64 if name.endswith("num_batches_tracked") else np.float32), name
        np.testing.assert_allclose(value, t_state[name].numpy(), rtol=1e-3, atol=1e-4, err_msg=name)
    for state in opt.state:
        assert state["exp_avg"].dtype == state["exp_avg_sq"].dtype == np.float32


def test_fit_trains_a_float32_model():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2)).float()
    history = nn.fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=0.05), X, y, epochs=30,
                     verbose=False)
    assert history[-1] < history[0] / 2
    assert all(p.data.dtype == np.float32 for p in model.parameters())


# -- gradient checks stay in float64 ------------------------------------------------------------------

def test_gradcheck_runs_a_float32_module_through_a_float64_copy():
    x = np.random.default_rng(0).standard_normal((3, 4))
    m = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 2)).float()
    before = {k: v.copy() for k, v in m.state_dict().items()}
    assert check_module(m, x).passed  # would fail by far at 1e-6 in float32 finite differences
    tm = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))
    assert compare_with_torch(m, tm, x).passed
    for k, v in m.state_dict().items():  # the module itself is untouched and still float32
        assert v.dtype == np.float32
        np.testing.assert_array_equal(v, before[k])
    assert all(not p.grad.any() for p in m.parameters())
