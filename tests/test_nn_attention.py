"""Attention and Transformer layers (and Embedding, LayerNorm, positional encoding): finite differences,
torch parity with copied weights, and errors that name the numbers."""
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dlcourse as dl
from dlcourse import nn
from dlcourse.gradcheck import check_module, compare_with_torch, numerical_gradient, rel_error
from dlcourse.nn import functional as F

TOL = 1e-10  # float64 on both sides: only rounding separates them


def _dist(a, b):
    """rel_error, except that two arrays within 1e-12 of each other count as equal: a gradient that is
    exactly 0 here (attention over one key) is rounding noise of 1e-17 in torch, which rel_error calls 1."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape == b.shape and np.max(np.abs(a - b), initial=0.0) < 1e-12:
        return 0.0
    return rel_error(a, b)


def _t(a, grad=False):
    return torch.tensor(np.asarray(a), requires_grad=grad)


# -- scaled_dot_product_attention ---------------------------------------------------------------------

SDPA_CASES = {
    "3d": dict(q=(2, 4, 3), k=(2, 6, 3), v=(2, 6, 5)),
    "4d-heads": dict(q=(2, 3, 4, 4), k=(2, 3, 4, 4), v=(2, 3, 4, 4)),
    "L=1": dict(q=(1, 1, 3), k=(1, 5, 3), v=(1, 5, 2)),
    "broadcast-kv": dict(q=(3, 4, 3), k=(1, 6, 3), v=(1, 6, 2)),
    "unbatched": dict(q=(4, 3), k=(6, 3), v=(6, 3)),
}
MASKS = {
    "none": lambda L, S, r: (None, False),
    "bool": lambda L, S, r: (r.random((L, S)) < 0.7, False),
    "float": lambda L, S, r: (r.standard_normal((L, S)), False),
    "causal": lambda L, S, r: (None, True),
    "bool-all-masked-row": lambda L, S, r: (np.arange(L)[:, None] != 0, False),  # row 0 sees no key
}


@pytest.mark.parametrize("mask", MASKS)
@pytest.mark.parametrize("case", SDPA_CASES)
def test_sdpa_matches_torch(case, mask, rng):
    shapes = SDPA_CASES[case]
    q, k, v = (rng.standard_normal(shapes[n]) for n in "qkv")
    attn_mask, causal = MASKS[mask](q.shape[-2], k.shape[-2], rng)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask, is_causal=causal)
    qt, kt, vt = _t(q, True), _t(k, True), _t(v, True)
    ot = torch.nn.functional.scaled_dot_product_attention(
        qt, kt, vt, attn_mask=None if attn_mask is None else _t(attn_mask), is_causal=causal)
    assert out.shape == tuple(ot.shape) and _dist(out, ot.detach().numpy()) < TOL
    g = rng.standard_normal(out.shape)
    ot.backward(_t(g))
    weights = F.attention_weights(q, k, attn_mask, is_causal=causal)
    grads = F.scaled_dot_product_attention_backward(g, q, k, v, weights)
    for mine, theirs in zip(grads, (qt, kt, vt)):
        assert mine.shape == tuple(theirs.shape) and _dist(mine, theirs.grad.numpy()) < TOL


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lead=st.lists(st.integers(1, 3), max_size=2).map(tuple), L=st.integers(1, 5), S=st.integers(1, 5),
       E=st.integers(1, 4), Ev=st.integers(1, 4), mask=st.sampled_from(["none", "bool", "float", "causal"]),
       seed=st.integers(0, 10_000))
def test_sdpa_matches_torch_hypothesis(lead, L, S, E, Ev, mask, seed):
    r = np.random.default_rng(seed)
    q, k, v = r.standard_normal(lead + (L, E)), r.standard_normal(lead + (S, E)), r.standard_normal(lead + (S, Ev))
    attn_mask, causal = MASKS[mask](L, S, r)
    qt, kt, vt = _t(q, True), _t(k, True), _t(v, True)
    ot = torch.nn.functional.scaled_dot_product_attention(
        qt, kt, vt, attn_mask=None if attn_mask is None else _t(attn_mask), is_causal=causal)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask, is_causal=causal)
    g = r.standard_normal(out.shape)
    ot.backward(_t(g))
    grads = F.scaled_dot_product_attention_backward(g, q, k, v, F.attention_weights(q, k, attn_mask, is_causal=causal))
    assert _dist(out, ot.detach().numpy()) < 1e-9
    for mine, theirs in zip(grads, (qt, kt, vt)):
        assert _dist(mine, theirs.grad.numpy()) < 1e-9


def test_sdpa_masked_row_is_zero_and_rows_sum_to_one(rng):
    q, k = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    mask = np.ones((3, 5), dtype=bool)
    mask[1] = False
    w = F.attention_weights(q, k, mask)
    assert np.all(w[1] == 0) and np.allclose(w[[0, 2]].sum(-1), 1)
    causal = F.attention_weights(q, k, is_causal=True)
    assert np.all(causal[np.triu_indices(3, 1, 5)] == 0)  # position i sees keys 0..i only


def test_sdpa_backward_matches_finite_differences(rng):
    q, k, v = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4)), rng.standard_normal((2, 5, 3))
    mask = rng.standard_normal((3, 5))
    g = rng.standard_normal((2, 3, 3))
    grads = F.scaled_dot_product_attention_backward(g, q, k, v, F.attention_weights(q, k, mask, scale=0.3), scale=0.3)
    for x, analytic in zip((q, k, v), grads):
        numeric = numerical_gradient(
            lambda: np.sum(F.attention_weights(q, k, mask, scale=0.3) @ v * g), x)
        assert _dist(analytic, numeric) < 1e-7


# -- MultiheadAttention ---------------------------------------------------------------------------

def _mask_for(kind, N, h, L, S, r, batched):
    """A mask in MultiheadAttention's convention (bool True = may not attend) and its torch twin."""
    lead = (N * h,) if batched else (h,)
    if kind is None:
        return {}
    if kind == "bool2d":
        m = r.random((L, S)) < 0.3
        m[:, 0] = False  # every query keeps a key (torch gives NaN for a fully masked row with need_weights)
        return {"attn_mask": m}
    if kind == "float2d":
        return {"attn_mask": r.standard_normal((L, S))}
    if kind == "bool3d":
        m = r.random(lead + (L, S)) < 0.3
        m[..., 0] = False
        return {"attn_mask": m}
    if kind == "float3d":
        return {"attn_mask": r.standard_normal(lead + (L, S))}
    if kind == "causal":
        return {"attn_mask": nn.generate_square_subsequent_mask(L), "is_causal": True}
    if kind == "padding":
        m = r.random((N, S) if batched else (S,)) < 0.4
        m[..., 0] = False
        return {"key_padding_mask": m}
    raise AssertionError(kind)


def _mha_parity(E=8, h=2, L=5, S=None, N=3, batch_first=False, mask=None, self_attn=True, need_weights=True,
                average=True, bias=True, seed=0):
    """Errors (output, weights, per-head weights, input grads, every parameter grad) against torch."""
    r = np.random.default_rng(seed)
    S = L if self_attn or S is None else S
    torch.manual_seed(seed)
    dl.seed(seed)
    tm = torch.nn.MultiheadAttention(E, h, bias=bias, batch_first=batch_first).double()
    m = nn.MultiheadAttention(E, h, bias=bias, batch_first=batch_first)
    m.load_state_dict(tm.state_dict())
    batched = N is not None

    def shape(n):
        return (n, E) if not batched else (N, n, E) if batch_first else (n, N, E)
    q = r.standard_normal(shape(L))
    k, v = (q, q) if self_attn else (r.standard_normal(shape(S)), r.standard_normal(shape(S)))
    kw = _mask_for(mask, N or 1, h, L, S, r, batched)
    tkw = {name: _t(val) for name, val in kw.items() if name != "is_causal"}
    if "is_causal" in kw:
        tkw["is_causal"] = True
    if self_attn:
        xt = _t(q, True)
        qt = kt = vt = xt
    else:
        qt, kt, vt = _t(q, True), _t(k, True), _t(v, True)
    out, w = m(q, k, v, need_weights=need_weights, average_attn_weights=average, **kw)
    ot, wt = tm(qt, kt, vt, need_weights=need_weights, average_attn_weights=average, **tkw)
    g = r.standard_normal(out.shape)
    ot.backward(_t(g))
    grads = m.backward(g)
    errors = {"output": _dist(out, ot.detach().numpy())}
    if need_weights:
        errors["weights"] = _dist(w, wt.detach().numpy())
    else:
        assert w is None and wt is None
    # per-head weights: torch's average_attn_weights=False view, always (N, h, L, S)
    _, per_head = tm(qt, kt, vt, need_weights=True, average_attn_weights=False, **tkw)
    per_head = per_head.detach().numpy()
    errors["per_head"] = _dist(m.attn_weights_per_head, per_head if batched else per_head[None])
    if self_attn:
        errors["input"] = _dist(sum(grads), xt.grad.numpy())
    else:
        errors.update({n: _dist(a, b.grad.numpy()) for n, a, b in zip("qkv", grads, (qt, kt, vt))})
    assert all(gr.shape == x.shape for gr, x in zip(grads, (q, k, v)))
    tp = dict(tm.named_parameters())
    errors.update({n: _dist(p.grad, tp[n].grad.numpy()) for n, p in m.named_parameters()})
    assert set(tp) == {n for n, _ in m.named_parameters()}
    return errors


MHA_CASES = {
    "self": {},
    "batch1": dict(N=1),
    "L=1": dict(L=1),
    "cross-L!=S": dict(self_attn=False, L=3, S=7),
    "cross-L=1": dict(self_attn=False, L=1, S=4),
    "long": dict(L=120, N=2, h=4),
    "batch_first": dict(batch_first=True),
    "batch_first-cross": dict(batch_first=True, self_attn=False, L=4, S=6),
    "unbatched": dict(N=None),
    "unbatched-cross-mask3d": dict(N=None, self_attn=False, L=2, S=5, mask="bool3d"),
    "one-head": dict(h=1),
    "no-bias": dict(bias=False),
    "bool2d": dict(mask="bool2d"),
    "float2d": dict(mask="float2d", self_attn=False, L=4, S=6),
    "bool3d": dict(mask="bool3d", batch_first=True),
    "float3d": dict(mask="float3d"),
    "causal": dict(mask="causal"),
    "key-padding": dict(mask="padding", self_attn=False, L=3, S=5),
    "need_weights-False": dict(need_weights=False, mask="bool2d"),
    "per-head-weights": dict(average=False, h=4),
    "unbatched-per-head": dict(N=None, average=False, mask="padding"),
}


@pytest.mark.parametrize("case", MHA_CASES)
def test_multihead_attention_matches_torch(case):
    errors = _mha_parity(**MHA_CASES[case])
    assert max(errors.values()) < TOL, errors


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(h=st.integers(1, 3), d=st.integers(1, 3), L=st.integers(1, 6), S=st.integers(1, 6),
       N=st.one_of(st.none(), st.integers(1, 3)), batch_first=st.booleans(), self_attn=st.booleans(),
       mask=st.sampled_from([None, "bool2d", "float3d", "padding"]), seed=st.integers(0, 10_000))
def test_multihead_attention_matches_torch_hypothesis(h, d, L, S, N, batch_first, self_attn, mask, seed):
    errors = _mha_parity(E=h * d, h=h, L=L, S=S, N=N, batch_first=batch_first, self_attn=self_attn, mask=mask,
                         seed=seed)
    assert max(errors.values()) < 1e-9, errors


class _CrossAttention(nn.Module):
    """MultiheadAttention as a one-input module for check_module: the first L positions of x are the query,
    the rest the key and (reversed) the value."""

    def __init__(self, L, batch_first=False, **kw):
        super().__init__()
        self.L, self.kw, self.axis = L, kw, int(batch_first)
        self.attn = nn.MultiheadAttention(6, 2, batch_first=batch_first)

    def forward(self, x):
        q, kv = np.split(x, [self.L], axis=self.axis)
        return self.attn(q, kv, np.flip(kv, self.axis), **self.kw)[0]

    def backward(self, g):
        gq, gk, gv = self.attn.backward(g)
        return np.concatenate([gq, gk + np.flip(gv, self.axis)], axis=self.axis)


@pytest.mark.parametrize("kw", [{}, {"attn_mask": np.triu(np.ones((3, 4), bool), 1)}, {"batch_first": True}],
                         ids=["plain", "mask", "batch_first"])
def test_multihead_attention_finite_differences(kw, rng):
    dl.seed(0)
    mod = _CrossAttention(3, **kw)
    mod.attn.in_proj_bias.data[...] = rng.standard_normal(18)  # nonzero biases get checked too
    x = rng.standard_normal((2, 7, 6) if kw.get("batch_first") else (7, 2, 6))
    result = check_module(mod, x)
    assert result.passed, result


def test_attention_dropout_backward_uses_the_forward_mask(rng):
    dl.seed(0)
    m = nn.MultiheadAttention(4, 2, dropout=0.5)
    x = rng.standard_normal((5, 2, 4))
    g = rng.standard_normal((5, 2, 4))

    def f():
        np.random.seed(7)  # the same dropout mask on every call
        return np.sum(m(x, x, x)[0] * g)
    f()
    analytic = sum(m.backward(g))
    assert _dist(analytic, numerical_gradient(f, x)) < 1e-7
    kept = m(x, x, x, average_attn_weights=False)[1]
    assert np.any(kept == 0) and np.allclose(m.attn_weights_per_head.sum(-1), 1)  # stored weights: before dropout
    m.eval()
    assert np.allclose(m(x, x, x)[1].sum(-1), 1)


def test_fully_masked_query_gets_zero_weights_like_torch_sdpa(rng):
    torch.manual_seed(0)
    tm = torch.nn.MultiheadAttention(4, 2).double()
    m = nn.MultiheadAttention(4, 2)
    m.load_state_dict(tm.state_dict())
    x = rng.standard_normal((3, 1, 4))
    mask = np.zeros((3, 3), dtype=bool)
    mask[1] = True  # query 1 may attend nowhere
    out, w = m(x, x, x, attn_mask=mask)
    ot, _ = tm(_t(x), _t(x), _t(x), attn_mask=_t(mask), need_weights=False)
    assert _dist(out, ot.detach().numpy()) < TOL and np.all(w[0, 1] == 0) and np.isfinite(out).all()


def test_multihead_attention_init_and_names_match_torch():
    dl.seed(0)
    m = nn.MultiheadAttention(16, 4)
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in torch.nn.MultiheadAttention(16, 4).named_parameters()]
    bound = np.sqrt(6 / (16 + 48))
    assert np.abs(m.in_proj_weight.data).max() <= bound < 1.1 * np.abs(m.in_proj_weight.data).max()
    assert not m.in_proj_bias.data.any() and not m.out_proj.bias.data.any()
    assert np.abs(m.out_proj.weight.data).max() <= 0.25
    assert m.head_dim == 4 and m.num_parameters() == 4 * 16 * 16 + 4 * 16
    nb = nn.MultiheadAttention(16, 4, bias=False)
    assert nb.in_proj_bias is None and nb.out_proj.bias is None and nb.num_parameters() == 4 * 16 * 16


# -- TransformerEncoderLayer ---------------------------------------------------------------------------

def _encoder_parity(norm_first=False, activation="relu", batch_first=False, N=2, L=5, mask=None, dropout=0.0,
                    eval_mode=False, seed=0):
    r = np.random.default_rng(seed)
    torch.manual_seed(seed)
    E, h = 8, 2
    kw = dict(dim_feedforward=12, dropout=dropout, activation=activation, batch_first=batch_first,
              norm_first=norm_first)
    te = torch.nn.TransformerEncoderLayer(E, h, **kw).double()
    ne = nn.TransformerEncoderLayer(E, h, **kw)
    ne.load_state_dict(te.state_dict())
    for p in ne.parameters():  # LayerNorm's ones and zeros would hide a mix-up of weight and bias
        p.data += 0.1 * r.standard_normal(p.shape)
    te.load_state_dict({k: torch.tensor(v) for k, v in ne.state_dict().items()})
    if eval_mode:
        te.eval()
        ne.eval()
    shape = (L, E) if N is None else (N, L, E) if batch_first else (L, N, E)
    x = r.standard_normal(shape)
    fwd = {}
    if mask == "causal":
        fwd = {"src_mask": nn.generate_square_subsequent_mask(L), "is_causal": True}
    elif mask == "bool":
        m = r.random((L, L)) < 0.3
        np.fill_diagonal(m, False)
        fwd = {"src_mask": m}
    elif mask == "padding":
        m = r.random((N, L)) < 0.3
        m[:, 0] = False
        fwd = {"src_key_padding_mask": m}
    tfwd = {k: (_t(v) if isinstance(v, np.ndarray) else v) for k, v in fwd.items()}
    xt = _t(x, True)
    yt = te(xt, **tfwd)
    y = ne(x, **fwd)
    g = r.standard_normal(y.shape)
    yt.backward(_t(g))
    gx = ne.backward(g)
    errors = {"output": _dist(y, yt.detach().numpy()), "input": _dist(gx, xt.grad.numpy())}
    tp = dict(te.named_parameters())
    errors.update({n: _dist(p.grad, tp[n].grad.numpy()) for n, p in ne.named_parameters()})
    assert set(tp) == set(errors) - {"output", "input"}
    return errors


ENCODER_CASES = {
    "post-relu": {},
    "post-gelu": dict(activation="gelu"),
    "pre-relu": dict(norm_first=True),
    "pre-gelu-batch_first": dict(norm_first=True, activation="gelu", batch_first=True),
    "post-causal": dict(mask="causal"),
    "pre-bool-mask": dict(norm_first=True, mask="bool"),
    "padding-mask-batch_first": dict(mask="padding", batch_first=True),
    "unbatched": dict(N=None),
    "batch1-L1": dict(N=1, L=1),
    "eval-with-dropout": dict(dropout=0.1, eval_mode=True, norm_first=True),
}


@pytest.mark.parametrize("case", ENCODER_CASES)
def test_transformer_encoder_layer_matches_torch(case):
    errors = _encoder_parity(**ENCODER_CASES[case])
    assert max(errors.values()) < 1e-9, errors


@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_encoder_layer_finite_differences_with_dropout(norm_first, rng):
    dl.seed(0)
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.3, activation="gelu",
                                       norm_first=norm_first)
    x = rng.standard_normal((3, 2, 4))
    g = rng.standard_normal(x.shape)

    def f():
        np.random.seed(3)  # same dropout masks every call
        return np.sum(layer(x) * g)
    f()
    layer.zero_grad()
    analytic = {"input": layer.backward(g)}
    analytic.update({n: p.grad.copy() for n, p in layer.named_parameters()})
    assert _dist(analytic["input"], numerical_gradient(f, x)) < 1e-7
    for n, p in layer.named_parameters():
        assert _dist(analytic[n], numerical_gradient(f, p.data)) < 1e-7, n


def test_transformer_encoder_layer_structure_matches_torch():
    ne = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)
    te = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)
    assert list(ne.state_dict()) == list(te.state_dict())
    for name in ("self_attn", "linear1", "linear2", "norm1", "norm2", "dropout", "dropout1", "dropout2"):
        assert isinstance(getattr(ne, name), nn.Module)
    assert ne.dropout.p == 0.1 and ne.self_attn.dropout == 0.1 and ne.num_parameters() == sum(
        p.numel() for p in te.parameters())


@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_encoder_stack_matches_torch(norm_first, rng):
    torch.manual_seed(0)
    kw = dict(dim_feedforward=12, dropout=0.0, norm_first=norm_first, batch_first=True)
    te = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, **kw), 2, norm=torch.nn.LayerNorm(8),
                                     enable_nested_tensor=False).double()
    ne = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, **kw), 2, norm=nn.LayerNorm(8))
    assert list(ne.state_dict()) == list(te.state_dict())
    ne.load_state_dict(te.state_dict())
    assert ne.layers[0].linear1.weight is not ne.layers[1].linear1.weight  # copies, not one layer twice
    x = rng.standard_normal((2, 6, 8))
    mask = nn.generate_square_subsequent_mask(6)
    xt = _t(x, True)
    yt = te(xt, mask=_t(mask), is_causal=True)
    y = ne(x, mask=mask, is_causal=True)
    g = rng.standard_normal(y.shape)
    yt.backward(_t(g))
    errors = {"output": _dist(y, yt.detach().numpy()), "input": _dist(ne.backward(g), xt.grad.numpy())}
    tp = dict(te.named_parameters())
    errors.update({n: _dist(p.grad, tp[n].grad.numpy()) for n, p in ne.named_parameters()})
    assert max(errors.values()) < 1e-9, errors


def test_softmax_backward_may_write_into_its_gradient(rng):
    y = F.softmax(rng.standard_normal((3, 5)))
    g = rng.standard_normal((3, 5))
    want = F.softmax_backward(y, g)
    assert F.softmax_backward(y, g, out=g) is g and np.allclose(g, want, rtol=1e-14, atol=0)


# -- LayerNorm, Embedding, positional encoding --------------------------------------------------------------

LAYERNORMS = {
    "int": (lambda: nn.LayerNorm(5), lambda: torch.nn.LayerNorm(5), (4, 5)),
    "3d": (lambda: nn.LayerNorm(5), lambda: torch.nn.LayerNorm(5), (2, 3, 5)),
    "tuple": (lambda: nn.LayerNorm((3, 5)), lambda: torch.nn.LayerNorm((3, 5)), (2, 3, 5)),
    "no-affine": (lambda: nn.LayerNorm(5, elementwise_affine=False),
                  lambda: torch.nn.LayerNorm(5, elementwise_affine=False), (4, 5)),
    "no-bias": (lambda: nn.LayerNorm(5, bias=False), lambda: torch.nn.LayerNorm(5, bias=False), (4, 5)),
    "eps": (lambda: nn.LayerNorm(5, eps=0.5), lambda: torch.nn.LayerNorm(5, eps=0.5), (1, 5)),
}


@pytest.mark.parametrize("name", LAYERNORMS)
def test_layernorm_finite_differences_and_torch(name, rng):
    ours, theirs, shape = LAYERNORMS[name]
    mod = ours()
    for p in mod.parameters():
        p.data += rng.standard_normal(p.shape)
    x = 3 + 2 * rng.standard_normal(shape)
    assert check_module(mod, x).passed
    tm = theirs().double()
    with torch.no_grad():
        for (_, tp), p in zip(tm.named_parameters(), mod.parameters()):
            tp += torch.tensor(rng.standard_normal(p.shape))
    result = compare_with_torch(mod, tm, x, tol=TOL)
    assert result.passed, result


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lead=st.lists(st.integers(1, 3), max_size=2).map(tuple),
       # one normalised value gives x_hat = 0 exactly here and rounding noise in torch: nothing to compare
       norm=st.lists(st.integers(1, 4), min_size=1, max_size=2).map(tuple).filter(lambda n: np.prod(n) > 1),
       affine=st.booleans(), seed=st.integers(0, 10_000))
def test_layernorm_matches_torch_hypothesis(lead, norm, affine, seed):
    r = np.random.default_rng(seed)
    mod, tm = nn.LayerNorm(norm, elementwise_affine=affine), torch.nn.LayerNorm(norm, elementwise_affine=affine)
    with torch.no_grad():
        for p in tm.parameters():
            p += torch.tensor(r.standard_normal(tuple(p.shape)))
    result = compare_with_torch(mod, tm, 4 * r.standard_normal(lead + norm), tol=1e-9, seed=seed)
    assert result.passed, result


def test_layernorm_normalises_each_sample(rng):
    y = nn.LayerNorm(16)(5 + 3 * rng.standard_normal((4, 16)))
    assert np.allclose(y.mean(-1), 0) and np.allclose(y.std(-1), 1, atol=1e-5)


def test_embedding_matches_torch_with_repeated_and_padding_indices(rng):
    torch.manual_seed(0)
    te = torch.nn.Embedding(6, 3, padding_idx=2).double()
    ne = nn.Embedding(6, 3, padding_idx=2)
    assert np.all(ne.weight.data[2] == 0)
    ne.load_state_dict(te.state_dict())
    idx = np.array([[0, 2, 0, 5], [2, 5, 5, 5]])  # repeated indices, and the padding index twice
    y = ne(idx)
    yt = te(torch.tensor(idx))
    g = rng.standard_normal(y.shape)
    yt.backward(_t(g))
    assert ne.backward(g) is None
    assert _dist(y, yt.detach().numpy()) < TOL and _dist(ne.weight.grad, te.weight.grad.numpy()) < TOL
    assert np.all(ne.weight.grad[2] == 0) and np.allclose(ne.weight.grad[5], g[0, 3] + g[1, 1:].sum(0))


@settings(max_examples=25, deadline=None)
@given(num=st.integers(1, 6), dim=st.integers(1, 4), shape=st.lists(st.integers(1, 4), max_size=3).map(tuple),
       pad=st.one_of(st.none(), st.integers(-6, 5)), seed=st.integers(0, 10_000))
def test_embedding_matches_torch_hypothesis(num, dim, shape, pad, seed):
    """Any index shape (repeats likely with few rows), with or without a padding row, against torch."""
    pad = None if pad is None or not -num <= pad < num else pad
    r = np.random.default_rng(seed)
    te = torch.nn.Embedding(num, dim, padding_idx=pad).double()
    ne = nn.Embedding(num, dim, padding_idx=pad)
    ne.load_state_dict(te.state_dict())
    idx = r.integers(0, num, shape)
    y, yt = ne(idx), te(torch.tensor(idx))
    g = r.standard_normal(y.shape)
    yt.backward(_t(g))
    ne.backward(g)
    assert _dist(y, yt.detach().numpy()) < TOL and _dist(ne.weight.grad, te.weight.grad.numpy()) < TOL


def test_embedding_init_and_negative_padding_idx():
    dl.seed(0)
    e = nn.Embedding(1000, 20, padding_idx=-1)
    assert e.padding_idx == 999 and np.all(e.weight.data[999] == 0)
    assert abs(e.weight.data[:999].std() - 1) < 0.05 and abs(e.weight.data.mean()) < 0.05
    assert e(np.array(3)).shape == (20,) and e([[1, 2, 3]]).shape == (1, 3, 20)


def test_sinusoidal_positions_follow_the_formula():
    T, d = 7, 5
    pe = nn.sinusoidal_positions(T, d)
    for t in range(T):
        for j in range(d):
            angle = t / 10000 ** ((j - j % 2) / d)
            assert pe[t, j] == pytest.approx(np.sin(angle) if j % 2 == 0 else np.cos(angle), abs=1e-12)
    assert np.allclose(nn.sinusoidal_positions(50, 8)[:, 0::2] ** 2 + nn.sinusoidal_positions(50, 8)[:, 1::2] ** 2, 1)


@pytest.mark.parametrize("batch_first", [False, True])
def test_positional_encoding_module_adds_the_table_along_the_sequence(batch_first, rng):
    pos = nn.PositionalEncoding(6, max_len=20, batch_first=batch_first)
    x = rng.standard_normal((3, 4, 6))  # (L, N, E) or (N, L, E)
    y = pos(x)
    L = 4 if batch_first else 3
    table = nn.sinusoidal_positions(L, 6)
    diff = y - x
    assert np.allclose(diff, table[None] if batch_first else table[:, None])
    assert np.allclose(pos(x[0] if not batch_first else x[0]) - x[0], nn.sinusoidal_positions(x[0].shape[0], 6))
    g = rng.standard_normal(x.shape)
    pos(x)
    assert np.array_equal(pos.backward(g), g) and pos.num_parameters() == 0


# -- errors that name the numbers ---------------------------------------------------------------------------

def test_errors_name_the_numbers(rng):
    with pytest.raises(ValueError, match=r"embed_dim \(10\) must be divisible by num_heads \(3\)"):
        nn.MultiheadAttention(10, 3)
    m = nn.MultiheadAttention(8, 2)
    with pytest.raises(ValueError, match=r"E = 8, got \(5, 2, 6\)"):
        m(rng.standard_normal((5, 2, 6)), rng.standard_normal((5, 2, 6)), rng.standard_normal((5, 2, 6)))
    x = rng.standard_normal((5, 2, 8))
    with pytest.raises(ValueError, match=r"\(L, S\) = \(5, 5\) .* \(4, 5, 5\), got \(4, 5\)"):
        m(x, x, x, attn_mask=np.zeros((4, 5), bool))
    with pytest.raises(ValueError, match=r"key_padding_mask .* \(2, 5\), got \(5, 2\)"):
        m(x, x, x, key_padding_mask=np.zeros((5, 2), bool))
    with pytest.raises(TypeError, match="boolean .* or float .* int64"):
        m(x, x, x, attn_mask=np.zeros((5, 5), int))
    with pytest.raises(ValueError, match="is_causal=True .* needs attn_mask"):
        m(x, x, x, is_causal=True)
    with pytest.raises(ValueError, match=r"key \(4, 2, 8\), value \(3, 2, 8\)"):
        m(x, rng.standard_normal((4, 2, 8)), rng.standard_normal((3, 2, 8)))
    with pytest.raises(RuntimeError, match="backward called before forward"):
        nn.MultiheadAttention(8, 2).backward(x)
    m(x, x, x)
    with pytest.raises(ValueError, match=r"shape \(5, 2, 4\).* \(5, 2, 8\)"):
        m.backward(x[..., :4])
    with pytest.raises(ValueError, match=r"attn_mask of shape \(3, 3\) does not broadcast .* \(2, 4, 6\)"):
        F.scaled_dot_product_attention(rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 6, 3)),
                                       rng.standard_normal((2, 6, 3)), np.ones((3, 3), bool))
    with pytest.raises(ValueError, match="either attn_mask or is_causal"):
        F.scaled_dot_product_attention(x, x, x, np.ones((2, 2), bool), is_causal=True)
    with pytest.raises(ValueError, match=r"query \(5, 2, 8\), key \(5, 2, 3\)"):
        F.scaled_dot_product_attention(x, x[..., :3], x)
    with pytest.raises(ValueError, match="activation must be 'relu' or 'gelu', got 'tanh'"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")
    with pytest.raises(ValueError, match=r"embed_dim \(8\) must be divisible by num_heads \(3\)"):
        nn.TransformerEncoderLayer(8, 3)
    with pytest.raises(ValueError, match=r"E = 8, got \(3, 1, 6\)"):
        nn.TransformerEncoderLayer(8, 2)(rng.standard_normal((3, 1, 6)))
    with pytest.raises(TypeError, match="TransformerEncoderLayer, got MultiheadAttention"):
        nn.TransformerEncoder(nn.MultiheadAttention(8, 2), 2)
    with pytest.raises(ValueError, match="num_layers must be a positive integer, got 0"):
        nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2), 0)


def test_embedding_layernorm_positional_errors(rng):
    e = nn.Embedding(10, 4)
    with pytest.raises(ValueError, match=r"index 10 \(1 out of range in all\): indices must lie in \[0, 9\]"):
        e(np.array([1, 10, 3]))
    with pytest.raises(ValueError, match=r"index -1 \(2 out of range .* \[0, 9\]"):
        e(np.array([[-1, 2], [3, -4]]))
    with pytest.raises(TypeError, match=r"integer indices, got dtype float64 \(convert with .astype\(int\)\)"):
        e(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="integer indices, got dtype bool"):
        e(np.array([True]))
    with pytest.raises(ValueError, match=r"padding_idx must be an integer in \[-10, 9\], got 10"):
        nn.Embedding(10, 4, padding_idx=10)
    e(np.array([1, 2]))
    with pytest.raises(ValueError, match=r"shape \(2, 3\).* \(2, 4\)"):
        e.backward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"normalized_shape=\(6,\)\) got input of shape \(2, 5\)"):
        nn.LayerNorm(6)(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="normalized_shape must be a positive integer, got 0"):
        nn.LayerNorm(0)
    with pytest.raises(ValueError, match=r"max_len=4\) got a sequence of length 6"):
        nn.PositionalEncoding(2, max_len=4)(np.zeros((6, 2)))
    with pytest.raises(ValueError, match=r"d_model=3\) expects .* got shape \(6, 2\)"):
        nn.PositionalEncoding(3)(np.zeros((6, 2)))
