"""The torch Transformer encoder classifier and the character-level GPT."""
import re

import numpy as np
import pytest
import torch

from dlcourse import models, nn

CHARS = list("abc ")


@pytest.mark.parametrize("pooling", ["mean", "cls"])
def test_classifier_on_tokens_and_features(pooling):
    torch.manual_seed(0)
    tok = models.TransformerClassifier(3, vocab_size=11, d_model=16, nhead=2, num_layers=1, pooling=pooling)
    assert tok(torch.randint(0, 11, (5, 7))).shape == (5, 3)
    feat = models.TransformerClassifier(4, in_features=6, d_model=16, nhead=4, pooling=pooling)
    assert feat(torch.randn(2, 9, 6)).shape == (2, 4)
    assert feat(torch.randn(1, 1, 6)).shape == (1, 4)
    np.testing.assert_allclose(feat.positions[:9].numpy(), nn.sinusoidal_positions(9, 16), atol=1e-12)


def test_classifier_sees_order_through_positions():
    """Mean pooling without positions would be order-blind; with them a permutation changes the scores."""
    torch.manual_seed(0)
    m = models.TransformerClassifier(2, vocab_size=5, d_model=16, nhead=2, num_layers=1).eval()
    x = torch.tensor([[0, 1, 2, 3, 4]])
    assert not torch.allclose(m(x), m(x.flip(1)))
    m.positions.zero_()  # without positional information, self-attention + mean pooling is permutation-invariant
    assert torch.allclose(m(x), m(x.flip(1)), atol=1e-6)


def test_classifier_learns_a_simple_rule():
    """Label = whether token 1 occurs before token 2: needs order, learned in a few hundred steps."""
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    x = torch.randint(3, 6, (256, 6), generator=g)
    a, b = torch.randint(0, 6, (256,), generator=g), torch.randint(0, 6, (256,), generator=g)
    b = torch.where(a == b, (b + 1) % 6, b)
    x[torch.arange(256), a], x[torch.arange(256), b] = 1, 2
    y = (a < b).long()
    m = models.TransformerClassifier(2, vocab_size=6, d_model=16, nhead=2, num_layers=1)
    opt = torch.optim.Adam(m.parameters(), lr=1e-2)
    for _ in range(80):
        loss = torch.nn.functional.cross_entropy(m(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert (m(x).argmax(1) == y).float().mean() > 0.9


@pytest.mark.parametrize("kwargs, words", [
    (dict(num_classes=2), "exactly one of vocab_size"),
    (dict(num_classes=2, vocab_size=5, in_features=3), "exactly one of vocab_size"),
    (dict(num_classes=2, vocab_size=5, d_model=10, nhead=4), r"d_model \(10\) must be divisible by nhead \(4\)"),
    (dict(num_classes=0, vocab_size=5), "num_classes must be a positive integer, got 0"),
    (dict(num_classes=2, vocab_size=5, pooling="max"), "pooling must be 'mean' or 'cls'"),
])
def test_classifier_constructor_errors(kwargs, words):
    with pytest.raises(ValueError, match=words):
        models.TransformerClassifier(**kwargs)


def test_classifier_input_errors():
    tok = models.TransformerClassifier(2, vocab_size=5, d_model=8, nhead=2, max_len=6)
    with pytest.raises(ValueError, match="expects integer ids"):
        tok(torch.randn(2, 3))
    with pytest.raises(ValueError, match="sequence length 7 exceeds max_len 6"):
        tok(torch.zeros(1, 7, dtype=torch.long))
    feat = models.TransformerClassifier(2, in_features=3, d_model=8, nhead=2)
    with pytest.raises(ValueError, match=r"expects \(N, T, 3\), got \(2, 5, 4\)"):
        feat(torch.randn(2, 5, 4))


@pytest.fixture
def gpt():
    torch.manual_seed(0)
    return models.CharGPT(CHARS, block_size=8, d_model=16, n_heads=2, n_layers=2)


def test_gpt_shapes_and_causality(gpt):
    x = torch.tensor([[0, 1, 2, 3, 0, 1]])
    logits = gpt(x)
    assert logits.shape == (1, 6, 4)
    changed = x.clone()
    changed[0, 4] = 3  # a later character never changes earlier predictions
    out = gpt(changed)
    assert torch.allclose(out[0, :4], logits[0, :4], atol=1e-6)
    assert not torch.allclose(out[0, 4:], logits[0, 4:])


def test_gpt_next_char_probs_temperature_and_top_k(gpt):
    p = gpt.next_char_probs("abc")
    assert p.shape == (4,) and abs(p.sum() - 1) < 1e-9 and (p > 0).all()
    cold, hot = gpt.next_char_probs("abc", temperature=0.2), gpt.next_char_probs("abc", temperature=5.0)
    assert cold.max() > p.max() > hot.max()
    assert cold.argmax() == p.argmax()
    top2 = gpt.next_char_probs("abc", top_k=2)
    assert (top2 > 0).sum() == 2 and set(np.flatnonzero(top2)) == set(np.argsort(p)[-2:])
    np.testing.assert_allclose(top2[top2 > 0], p[top2 > 0] / p[top2 > 0].sum(), rtol=1e-9)
    long = gpt.next_char_probs("ab " * 20)  # longer than block_size: only the last 8 characters count
    np.testing.assert_allclose(long, gpt.next_char_probs(("ab " * 20)[-8:]), rtol=1e-9)
    assert gpt.training  # the mode the model was in comes back


def test_gpt_generate_is_seeded_and_respects_top_k(gpt):
    text = gpt.generate("ab", 20, seed=1)
    assert text.startswith("ab") and len(text) == 22 and set(text) <= set(CHARS)
    assert gpt.generate("ab", 20, seed=1) == text
    assert any(gpt.generate("ab", 20, seed=s) != text for s in (2, 3, 4))
    greedy = gpt.generate("ab", 10, top_k=1, seed=5)
    assert greedy == gpt.generate("ab", 10, top_k=1, seed=6)  # top_k=1 is greedy: no randomness left
    assert gpt.generate("ab", 0) == "ab"


def test_gpt_learns_a_repeating_pattern():
    torch.manual_seed(0)
    m = models.CharGPT(CHARS, block_size=8, d_model=32, n_heads=2, n_layers=1)
    ids = m.encode("abc " * 40)
    x = torch.stack([ids[i:i + 8] for i in range(100)])
    y = torch.stack([ids[i + 1:i + 9] for i in range(100)])
    opt = torch.optim.Adam(m.parameters(), lr=1e-2)
    for _ in range(100):
        loss = torch.nn.functional.cross_entropy(m(x).flatten(0, 1), y.flatten())
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert m.generate("abc ab", 8, temperature=0.5, seed=0) == "abc abc abc ab"


@pytest.mark.parametrize("call, words", [
    (lambda m: m.generate("xyz", 3), "'xyz' not in the vocabulary of 4"),
    (lambda m: m.generate(5, 3), "CharGPT takes a str, got int"),
    (lambda m: m.generate("", 3), "at least one character"),
    (lambda m: m.generate("ab", 3, temperature=0), "temperature must be a number > 0, got 0"),
    (lambda m: m.generate("ab", 3, temperature=-1.0), "temperature must be a number > 0"),
    (lambda m: m.generate("ab", 3, top_k=0), "top_k must be None or an integer from 1 to 4, got 0"),
    (lambda m: m.generate("ab", 3, top_k=5), "top_k must be None or an integer from 1 to 4, got 5"),
    (lambda m: m.generate("ab", 3, top_k=2.0), "top_k must be None or an integer"),
    (lambda m: m.generate("ab", -1), "n .* must be an integer >= 0"),
    (lambda m: m(torch.zeros(1, 9, dtype=torch.long)), "must be 1..block_size=8, got 9"),
    (lambda m: m(torch.zeros(2, 3)), "expects integer ids"),
])
def test_gpt_errors_name_the_problem(gpt, call, words):
    with pytest.raises((ValueError, TypeError), match=words):
        call(gpt)


def test_gpt_constructor_errors():
    with pytest.raises(ValueError, match="distinct single characters"):
        models.CharGPT(["ab", "c"])
    with pytest.raises(ValueError, match="distinct single characters"):
        models.CharGPT("aab")
    with pytest.raises(ValueError, match=r"d_model \(30\) must be divisible by nhead \(4\)"):
        models.CharGPT(CHARS, d_model=30)


def test_sampling_probs_temperature_top_k_and_ties():
    logits = np.array([2.0, 1.0, 1.0, -1.0, 0.5])
    np.testing.assert_allclose(models.sampling_probs(logits, 0.5),
                               torch.softmax(torch.tensor(logits) / 0.5, 0).numpy(), rtol=1e-12)
    top1 = models.sampling_probs(logits, top_k=1)
    np.testing.assert_array_equal(top1, [1, 0, 0, 0, 0])
    tied = models.sampling_probs(logits, top_k=2)  # 1.0 is the 2nd largest twice: both stay
    assert (tied > 0).sum() == 3
    np.testing.assert_allclose(tied[:3], np.exp([2, 1, 1]) / np.exp([2, 1, 1]).sum(), rtol=1e-12)
    big = models.sampling_probs(np.array([1000.0, 999.0]))  # no overflow
    assert np.isfinite(big).all() and abs(big.sum() - 1) < 1e-12


@pytest.mark.parametrize("args, words", [
    ((np.zeros((2, 3)),), "non-empty 1-D array of finite scores"),
    ((np.array([1.0, np.nan]),), "finite scores"),
    ((np.zeros(3), 0.0), "temperature must be a number > 0"),
    ((np.zeros(3), 1.0, 4), "top_k must be None or an integer from 1 to 3, got 4"),
])
def test_sampling_probs_errors(args, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        models.sampling_probs(*args)


def test_gpt_attention_weights_are_causal_rows_of_the_forward_pass(gpt):
    w = gpt.attention_weights("abcab")
    assert w.shape == (2, 2, 5, 5)
    np.testing.assert_allclose(w.sum(-1), 1, atol=1e-6)
    assert (np.triu(w, k=1) == 0).all()
    assert gpt.attention_weights("abc" * 5).shape == (2, 2, 8, 8)  # only the last block_size characters
    x = gpt.blocks.layers[0].norm1(gpt.tok(gpt.encode("abcab")[None]) + gpt.pos(torch.arange(5)))
    q, k, _ = torch.nn.functional.linear(x, gpt.blocks.layers[0].self_attn.in_proj_weight,
                                         gpt.blocks.layers[0].self_attn.in_proj_bias).chunk(3, dim=-1)
    q, k = (t.view(5, 2, 8).transpose(0, 1) for t in (q[0], k[0]))  # 2 heads of 8 dimensions
    by_hand = torch.softmax(q @ k.transpose(1, 2) / 8 ** 0.5 + gpt.causal_mask[:5, :5], dim=-1)
    np.testing.assert_allclose(w[0], by_hand.detach().numpy(), atol=1e-6)
    assert gpt.training
    with pytest.raises(ValueError, match="at least one character"):
        gpt.attention_weights("")


def test_classifier_attention_weights_match_the_forward_pass():
    torch.manual_seed(0)
    for pooling in ("mean", "cls"):
        model = models.TransformerClassifier(3, in_features=4, d_model=16, nhead=2, num_layers=2,
                                             dim_feedforward=32, pooling=pooling).train()
        x = torch.randn(5, 6, 4)
        w = model.attention_weights(x)
        t = 6 + (pooling == "cls")
        assert w.shape == (2, 5, 2, t, t) and model.training   # training mode restored
        np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-6)
        # layer 1's weights are softmax(q k^T / sqrt(d_head)) of norm1 of the embedded input, recomputed by hand
        layer, d = model.encoder.layers[0], 16
        model.eval()
        with torch.no_grad():
            z = layer.norm1(model._inputs(x))
            q, k = (torch.nn.functional.linear(z, layer.self_attn.in_proj_weight[i * d:(i + 1) * d],
                                               layer.self_attn.in_proj_bias[i * d:(i + 1) * d]) for i in (0, 1))
            q, k = (a.view(5, t, 2, 8).transpose(1, 2) for a in (q, k))
            manual = torch.softmax(q @ k.transpose(-1, -2) / 8 ** 0.5, dim=-1)
        np.testing.assert_allclose(w[0], manual.double().numpy(), atol=1e-5)


def test_classifier_uniform_attention_ablation():
    torch.manual_seed(0)
    model = models.TransformerClassifier(3, in_features=4, d_model=16, nhead=2, num_layers=1,
                                         dim_feedforward=32).eval()
    x = torch.randn(5, 6, 4)
    with torch.no_grad():
        learned, uniform = model(x), model(x, attention="uniform")
        # zero queries and keys give equal scores, hence uniform softmax weights: then the two paths must agree
        assert not torch.allclose(learned, uniform)
        d = 16
        model.encoder.layers[0].self_attn.in_proj_weight[:2 * d] = 0
        model.encoder.layers[0].self_attn.in_proj_bias[:2 * d] = 0
        torch.testing.assert_close(model(x), model(x, attention="uniform"), atol=1e-5, rtol=1e-5)
    with pytest.raises(ValueError, match="'learned' or 'uniform'"):
        model(x, attention="none")
