"""Lesson 08's exercises: the typical wrong answers get feedback that names the mistake."""
import numpy as np
import pytest

from dlcourse import check
from reference import solutions


def test_lesson08_has_at_least_three_exercises():
    assert sum(n.startswith("ex08") for n in check.exercises()) >= 3


def _wrong(fb, words):
    assert not fb.passed and fb.status == "wrong", fb
    assert words in fb.message, fb.message
    assert "Hint:" in repr(fb)  # the hint comes after a wrong attempt


def test_stub_shows_no_hint():
    fb = check.ex08_causal_mask(lambda T: None)
    assert fb.status == "unanswered" and "Hint" not in repr(fb)


@pytest.mark.parametrize("answer, words", [
    (lambda T: np.tril(np.ones((T, T), dtype=bool)), "True and False are swapped"),
    (lambda T: np.tril(np.ones((T, T), dtype=bool), k=-1), "blocked the past"),
    (lambda T: np.triu(np.ones((T, T), dtype=bool)), "also blocked the diagonal"),
    (lambda T: np.triu(np.ones((T, T)), k=1), "return a boolean array"),
    (lambda T: np.zeros((T, T + 1), dtype=bool), "shape"),
])
def test_causal_mask_mistakes(answer, words):
    _wrong(check.ex08_causal_mask(answer), words)


def _attention(Q, K, V, g, scale=True, softmax_backward="full", k_scale=True, axis=1):
    d = Q.shape[1]
    c = np.sqrt(d) if scale else 1.0
    S = Q @ K.T / c
    P = np.exp(S - S.max(axis=axis, keepdims=True))
    P /= P.sum(axis=axis, keepdims=True)
    dP = g @ V.T
    dS = P * (dP - (dP * P).sum(1, keepdims=True)) if softmax_backward == "full" else P * (1 - P) * dP
    return P @ V, dS @ K / c, dS.T @ Q / (c if k_scale else 1.0), P.T @ g


@pytest.mark.parametrize("kwargs, words", [
    (dict(scale=False), "forgot to divide the scores by √d"),
    (dict(axis=0), "over the keys of each query"),
    (dict(softmax_backward="diagonal"), "Jacobian is not diagonal"),
    (dict(k_scale=False), "dK: you forgot the 1/√d"),
])
def test_attention_backward_mistakes(kwargs, words):
    _wrong(check.ex08_attention_backward(lambda Q, K, V, g: _attention(Q, K, V, g, **kwargs)), words)


def test_attention_backward_reference_matches_finite_differences():
    """The reference itself is right: its gradients agree with centred differences of sum(out * g)."""
    rng = np.random.default_rng(0)
    Q, K, V, g = rng.standard_normal((3, 4)), rng.standard_normal((5, 4)), rng.standard_normal((5, 2)), \
        rng.standard_normal((3, 2))
    _, dQ, dK, dV = solutions.ex08_attention_backward(Q, K, V, g)
    for arr, grad in ((Q, dQ), (K, dK), (V, dV)):
        num = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            old = arr[idx]
            arr[idx] = old + 1e-6
            plus = (solutions.ex08_attention_backward(Q, K, V, g)[0] * g).sum()
            arr[idx] = old - 1e-6
            minus = (solutions.ex08_attention_backward(Q, K, V, g)[0] * g).sum()
            arr[idx] = old
            num[idx] = (plus - minus) / 2e-6
        np.testing.assert_allclose(grad, num, rtol=1e-6, atol=1e-8)


def test_encoder_parameters_match_torch():
    torch = pytest.importorskip("torch")
    layer = torch.nn.TransformerEncoderLayer(32, 8, dim_feedforward=64)
    assert sum(p.numel() for p in layer.parameters()) == solutions.ex08_encoder_parameters


@pytest.mark.parametrize("answer, words", [
    (4224 + 2 * 32 * 64 + 64 + 32, "left out the two LayerNorms"),
    (4 * 32 * 32 + 2 * 32 * 64 + 128, "left out the biases"),
    (8 * 4224 + 2 * 32 * 64 + 96 + 128, "heads share the projections"),
    (3 * 32 * 32 + 96 + 2 * 32 * 64 + 96 + 128, "forgot out_proj"),
    (12345, "you counted 12345"),
])
def test_encoder_parameter_mistakes(answer, words):
    _wrong(check.ex08_encoder_parameters(answer), words)


@pytest.mark.parametrize("answer, words", [
    ({"uniform_loss": np.log2(65), "perplexity": 4.0}, "in bits"),
    ({"uniform_loss": np.log10(65), "perplexity": 4.0}, "log₁₀"),
    ({"uniform_loss": 1 / 65, "perplexity": 4.0}, "not the probability"),
    ({"uniform_loss": np.log(65), "perplexity": 1.386}, "exponentiate the loss"),
    ({"uniform_loss": np.log(65), "perplexity": 2 ** 1.386}, "not 2^loss"),
    ({"uniform_loss": np.log(65)}, "expected a dict with the keys"),
])
def test_loss_in_nats_mistakes(answer, words):
    _wrong(check.ex08_loss_in_nats(answer), words)
