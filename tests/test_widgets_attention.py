"""Lesson 08's explorers, driven headlessly: AttentionExplorer (NumPy Transformer) and CharLMSampler (torch GPT)."""
import base64

import numpy as np
import pytest
import torch

from dlcourse import data, models, widgets

CHARS = list("abc .")


@pytest.fixture(scope="module")
def gpt():
    torch.manual_seed(0)
    return models.CharGPT(CHARS, block_size=8, d_model=16, n_heads=2, n_layers=1)


def _bundle_ok(w, name):
    bundle = w._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert bundle["text/plain"].startswith(name) and "0x" not in bundle["text/plain"]
    return bundle["text/plain"]


def test_attention_explorer_renders_and_is_reproducible():
    w = widgets.AttentionExplorer()
    text = _bundle_ok(w, "AttentionExplorer")
    assert text == widgets.AttentionExplorer().summary()
    att = w.attention_map()
    assert att.shape == (8, 8)
    np.testing.assert_allclose(att.sum(axis=1), 1.0, atol=1e-12)  # every query's weights sum to 1


def test_attention_explorer_learns_to_reverse_with_an_anti_diagonal():
    w = widgets.AttentionExplorer(task="reverse", heads=1, seed=0)
    assert w.accuracy < 0.3
    w.train(150)
    assert w.accuracy > 0.95
    # averaged over validation sequences, output position i reads input position L-1-i most
    att = w.model.attention(0, 0).mean(axis=0)
    np.testing.assert_array_equal(att.argmax(axis=1), np.arange(8)[::-1])
    again = widgets.AttentionExplorer(task="reverse", heads=1, seed=0)
    again.train(150)
    assert again.accuracy == w.accuracy  # seeded: the same presses give the same model


def test_attention_explorer_causal_mask_blocks_the_future():
    w = widgets.AttentionExplorer(causal=True, layers=2, heads=4)
    assert w.layer.options == (0, 1) and w.head.options == (0, 1, 2, 3)
    w.train(100)
    for layer in range(2):
        for head in range(4):
            att = w.model.attention(layer, head)
            assert np.all(np.triu(att, k=1) == 0)
    # reversing needs the future for the first half of the outputs: those stay near chance
    first_half = (w.pred[:, :4] == w.Y_val[:, :4]).mean()
    second_half = (w.pred[:, 4:] == w.Y_val[:, 4:]).mean()
    assert first_half < 0.4 < 0.9 < second_half


def test_attention_explorer_controls_reset_and_redraw():
    w = widgets.AttentionExplorer()
    w.step()
    assert w.steps == widgets.attention.STEPS_PER_UPDATE
    before = w.image.value
    w.task.value = "sort"
    assert w.steps == 0 and w.image.value != before
    np.testing.assert_array_equal(w.Y_val, np.sort(w.X_val, axis=1))
    w.head.value = 1
    np.testing.assert_array_equal(w.attention_map(), w.model.attention(0, 1)[0])
    for desc, act in w.actions():
        before = w.image.value
        act()
        assert w.image.value != before, desc


def test_tiny_transformer_backward_matches_finite_differences():
    np.random.seed(0)
    m = widgets.attention.TinyTransformer(5, n_symbols=4, d_model=8, nhead=2, causal=True)
    x = np.array([[0, 1, 2, 3, 1], [3, 2, 1, 0, 0]])
    g = np.random.default_rng(1).standard_normal((2, 5, 4))
    m.zero_grad()
    m(x)
    m.backward(g)
    w = m.encoder.layers[0].self_attn.in_proj_weight
    for idx in [(0, 0), (9, 3), (20, 7)]:
        old = w.data[idx]
        w.data[idx] = old + 1e-6
        plus = (m(x) * g).sum()
        w.data[idx] = old - 1e-6
        minus = (m(x) * g).sum()
        w.data[idx] = old
        assert w.grad[idx] == pytest.approx((plus - minus) / 2e-6, rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("kwargs, words", [
    (dict(task="copy"), "task must be one of reverse, sort"),
    (dict(length=20), "length must be an integer from 4 to 12, got 20"),
    (dict(heads=3), "heads must be one of 1, 2, 4"),
    (dict(causal="yes"), "causal must be True or False"),
    (dict(lr=5.0), "lr must be a number from"),
])
def test_attention_explorer_bad_arguments(kwargs, words):
    with pytest.raises(ValueError, match=words):
        widgets.AttentionExplorer(**kwargs)


def test_char_sampler_shows_the_model_distribution(gpt):
    w = widgets.CharLMSampler(gpt, prompt="ab")
    _bundle_ok(w, "CharLMSampler")
    np.testing.assert_allclose(w.probs, gpt.next_char_probs("ab"), rtol=1e-9)
    heights = [b.get_height() for b in w._bars[:len(CHARS)]]
    assert heights == sorted(heights, reverse=True) and heights[0] == pytest.approx(w.probs.max())
    w.top_k.value = 2
    assert (w.probs > 0).sum() == 2
    w.temperature.value = 0.2
    np.testing.assert_allclose(w.probs, gpt.next_char_probs("ab", 0.2, 2), rtol=1e-9)


def test_char_sampler_samples_reproducibly(gpt):
    w = widgets.CharLMSampler(gpt, prompt="ab", seed=3)
    for _ in range(5):
        w.sample()
    text = w.prompt.value
    assert text.startswith("ab") and len(text) == 7
    w.reset()
    assert w.prompt.value == "ab"
    for _ in range(5):
        w.sample()
    assert w.prompt.value == text


def test_char_sampler_reports_unknown_characters(gpt):
    w = widgets.CharLMSampler(gpt, prompt="ab")
    w.prompt.value = "abz"
    assert "not in the vocabulary" in w.info.value and "outside the vocabulary" in w.summary()
    w.prompt.value = "abc"
    assert "most likely next character" in w.info.value


def test_char_sampler_actions_change_the_picture(gpt):
    w = widgets.CharLMSampler(gpt, prompt="abc ab")
    for desc, act in w.actions():
        before = w.image.value
        act()
        assert w.image.value != before, desc


@pytest.mark.parametrize("args, words", [
    (("not a model",), "model must be a dlcourse.models.CharGPT"),
    ((None, ""), "prompt must be a non-empty str"),
    ((None, "xyz"), "not in the vocabulary"),
    ((None, "ab", 0.0), "temperature must be a number from 0.1 to 2"),
    ((None, "ab", 1.0, 99), "top_k must be an integer from 0 to 5"),
])
def test_char_sampler_bad_arguments(gpt, args, words):
    args = tuple(gpt if a is None and i == 0 else a for i, a in enumerate(args))
    with pytest.raises((ValueError, TypeError), match=words):
        widgets.CharLMSampler(*args)


def test_corpus_vocabulary_fits_the_sampler():
    corpus = data.CharCorpus("hello world. " * 5)
    w = widgets.CharLMSampler(models.CharGPT(corpus.chars, block_size=8, d_model=8, n_heads=2, n_layers=1),
                              prompt="hello")
    assert w.top_k.max == corpus.vocab_size


def test_learning_curve_has_a_point_every_few_steps():
    from dlcourse.widgets.attention import EVAL_EVERY
    e = widgets.AttentionExplorer(task="reverse")
    e.train(2 * EVAL_EVERY + 3)
    assert [s for s, _, _ in e.history] == [0, EVAL_EVERY, 2 * EVAL_EVERY, 2 * EVAL_EVERY + 3]
