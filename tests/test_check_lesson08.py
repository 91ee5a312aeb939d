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


def _attention(Q, K, V, g, scale=True, softmax_backward="full", k_scale=1.0, axis=1, q_scale=1.0):
    d = Q.shape[1]
    c = np.sqrt(d) if scale else 1.0
    S = Q @ K.T / c
    P = np.exp(S - S.max(axis=axis, keepdims=True))
    P /= P.sum(axis=axis, keepdims=True)
    dP = g @ V.T
    dS = {"full": P * (dP - (dP * P).sum(1, keepdims=True)), "diagonal": P * (1 - P) * dP, "no subtraction": P * dP,
          "axis 0": P * (dP - (dP * P).sum(0, keepdims=True))}[softmax_backward]
    return P @ V, dS @ K / c * q_scale, dS.T @ Q / c * k_scale, P.T @ g


@pytest.mark.parametrize("kwargs, words", [
    (dict(scale=False), "forgot to divide the scores by √d"),
    (dict(axis=0), "over the keys of each query"),
    (dict(softmax_backward="diagonal"), "Jacobian is not diagonal"),
    (dict(softmax_backward="no subtraction"), "dQ: you forgot the subtraction"),
    (dict(softmax_backward="axis 0"), "dQ: the sum Σⱼ dPⱼ Pⱼ runs over the wrong axis"),
    (dict(k_scale=np.sqrt(4)), "dK: you forgot the 1/√d"),
    (dict(q_scale=4.0, k_scale=4.0), "dQ: you multiplied by √d"),
    (dict(k_scale=4.0), "dK: you multiplied by √d"),
])
def test_attention_backward_mistakes(kwargs, words):
    _wrong(check.ex08_attention_backward(lambda Q, K, V, g: _attention(Q, K, V, g, **kwargs)), words)


def test_attention_backward_accepts_a_list_and_names_no_fresh_inputs():
    fb = check.ex08_attention_backward(lambda Q, K, V, g: list(solutions.ex08_attention_backward(Q, K, V, g)))
    assert fb.passed and "fresh" not in fb.message


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
    (8480, "one LayerNorm"),
    (8448, "biases of linear1"),
    (12345, "you counted 12345"),
])
def test_encoder_parameter_mistakes(answer, words):
    _wrong(check.ex08_encoder_parameters(answer), words)


def test_encoder_parameters_message_has_the_real_shares():
    fb = check.ex08_encoder_parameters(solutions.ex08_encoder_parameters)
    assert fb.passed and "4224 in attention" in fb.message and "4192 in the feed-forward" in fb.message


def test_sampling_reference_is_the_models_own_function():
    from dlcourse import models
    rng = np.random.default_rng(0)
    for logits, tau, k in [(rng.standard_normal(7), 0.7, None), (rng.standard_normal(7), 1.3, 3),
                           (np.array([1.0, 2.0, 2.0, 0.0]), 1.0, 2), (np.array([1.0, 2.0, 2.0, 0.0]), 1.0, 1)]:
        np.testing.assert_allclose(solutions.ex08_sampling_probs(logits, tau, k),
                                   models.sampling_probs(logits, tau, k), rtol=1e-12)


def _sampler(times=False, renormalise=True, exactly_k=False):
    def f(logits, temperature, top_k):
        s = logits * temperature if times else logits / temperature
        p = np.exp(s - s.max())
        p /= p.sum()
        if top_k is not None:
            keep = np.argsort(-s, kind="stable")[:top_k] if exactly_k else np.flatnonzero(s >= np.sort(s)[-top_k])
            mask = np.zeros(len(s), bool)
            mask[keep] = True
            p = np.where(mask, p, 0.0)
            if renormalise:
                p /= p.sum()
        return p
    return f


@pytest.mark.parametrize("answer, words", [
    (_sampler(times=True), "multiplied the scores by the temperature"),
    (_sampler(renormalise=False), "renormalise the ones you keep"),
    (_sampler(exactly_k=True), "tie at the k-th largest value"),
    (lambda logits, t, k: np.ones(3), "shape"),
])
def test_sampling_mistakes(answer, words):
    _wrong(check.ex08_sampling_probs(answer), words)


def test_sampling_right_answer_in_another_form_passes():
    assert check.ex08_sampling_probs(_sampler()).passed
