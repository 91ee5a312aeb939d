"""Checks for lesson 08, Transformers and attention."""
import numpy as np

from ._key import S
from ._core import _Wrong, _array, _call, _close, _matches, _name_mistake, _number, _same_array, _same_count, exercise


@exercise("Row i is query position i, column j key position j. Query i may look at keys j <= i; "
          "in MultiheadAttention's boolean convention True marks the keys it may NOT see.")
def ex08_causal_mask(answer):
    for T in (4, 7, 1):  # T = 1 last: there every mistake but the diagonal looks right
        got = _call(answer, T)
        if np.asarray(got).dtype != bool:
            raise _Wrong(f"for T={T} you returned {np.asarray(got).dtype} values; return a boolean array "
                         "(True = may not attend).")
        got = _array(got, (T, T), f"mask for T={T}").astype(bool)
        want = S.ex08_causal_mask(T).astype(bool)
        _name_mistake(got, [(~want, "True and False are swapped: in torch.nn.MultiheadAttention a boolean mask "
                                    "marks with True the positions that may NOT be attended."),
                            (want.T, "you blocked the past instead of the future: query i (row) must not see "
                                     "keys j > i (columns to the right of the diagonal)."),
                            (np.triu(np.ones((T, T), dtype=bool)), "you also blocked the diagonal: a position may "
                                                                    "attend to itself (otherwise row 0 sees nothing).")]
                      if T > 1 else [])
        if not np.array_equal(got, want):
            raise _Wrong(f"for T={T} your mask is {got.astype(int).tolist()}.")
    return "True above the diagonal: every position sees itself and the past, never the future."


@exercise("Forward: S = Q Kᵀ / √d, P = softmax of each row of S, out = P V. Backward in reverse order: "
          "dV = Pᵀ g, dP = g Vᵀ, then the softmax's backward per row dS = P ⊙ (dP − Σⱼ dPⱼ Pⱼ), and finally "
          "dQ = dS K / √d, dK = dSᵀ Q / √d.")
def ex08_attention_backward(answer):
    rng = np.random.default_rng(8)
    L, S_len, d, dv = 3, 5, 4, 2
    Q, K, V = rng.standard_normal((L, d)), rng.standard_normal((S_len, d)), rng.standard_normal((S_len, dv))
    g = rng.standard_normal((L, dv))
    got = _call(answer, Q, K, V, g)
    if not isinstance(got, tuple) or len(got) != 4:
        raise _Wrong("return four arrays: out, dQ, dK, dV.")
    out, dQ, dK, dV = S.ex08_attention_backward(Q, K, V, g)
    scores = Q @ K.T
    p_unscaled = np.exp(scores - scores.max(1, keepdims=True))
    p_unscaled /= p_unscaled.sum(1, keepdims=True)
    _name_mistake(got[0], [(p_unscaled @ V, "out: you forgot to divide the scores by √d before the softmax."),
                           (np.exp(scores / d) / np.exp(scores / d).sum(1, keepdims=True) @ V,
                            "out: you divided the scores by d; the scale is √d.")])
    P = np.exp(scores / np.sqrt(d))  # small scores: no overflow, and no shift that would differ by axis
    if _matches(got[0], P / P.sum(0, keepdims=True) @ V) or _matches(got[0], P / P.sum() @ V):
        raise _Wrong("out: normalise the softmax over the keys of each query (axis=1, each row sums to 1).")
    _same_array(got[0], out, "out")
    _same_array(got[3], dV, "dV")
    P /= P.sum(1, keepdims=True)
    dP = g @ V.T
    _name_mistake(got[1], [(P * (1 - P) * dP @ K / np.sqrt(d),
                            "dQ: the softmax's Jacobian is not diagonal: each score changes every probability "
                            "of its row, so subtract Σⱼ dPⱼ Pⱼ per row instead of using P(1 − P)."),
                           (P * (dP - (dP * P).sum(1, keepdims=True)) @ K,
                            "dQ: you forgot the 1/√d: the scores were scaled, so their gradient is too.")])
    _same_array(got[1], dQ, "dQ")
    _name_mistake(got[2], [((P * (dP - (dP * P).sum(1, keepdims=True))).T @ Q,
                            "dK: you forgot the 1/√d: the scores were scaled, so their gradient is too.")])
    _same_array(got[2], dK, "dK")
    return "out, dQ, dK and dV match on fresh inputs: you wrote one attention head's backward pass."


@exercise("Count weight and bias of every sub-module: self_attn (in_proj: 3 matrices d×d and 3·d biases; "
          "out_proj: d×d + d), linear1 (d → dim_feedforward), linear2 (back to d), and norm1, norm2 (a weight and "
          "a bias of size d each). Do the heads change the count?")
def ex08_encoder_parameters(answer):
    got = _number(answer, "a whole number")
    d, ff = 32, 64
    attn, ffn, norms = 4 * d * d + 4 * d, 2 * d * ff + ff + d, 4 * d
    mistakes = [(attn + ffn, "you left out the two LayerNorms (each has a weight and a bias of size d_model)."),
                (4 * d * d + 2 * d * ff + norms, "you left out the biases (in_proj_bias, out_proj.bias, linear1 and "
                                                 "linear2 biases)."),
                (8 * (4 * d * d + 4 * d) + ffn + norms, "the heads share the projections: 8 heads split d_model into "
                                                        "8 slices of 4, they do not multiply the weights."),
                (3 * d * d + 3 * d + ffn + norms, "you forgot out_proj, the d×d matrix that mixes the heads' outputs.")]
    for wrong, message in mistakes:
        if got == wrong:
            raise _Wrong(message)
    _same_count(got, S.ex08_encoder_parameters)
    return "about two thirds of the block is the feed-forward network and the projections; the heads cost nothing extra."


@exercise("A loss in nats is −ln of the probability given to the right character; a uniform guess gives each of "
          "the 65 characters 1/65. Perplexity = e^loss: the number of equally likely choices with the same loss.")
def ex08_loss_in_nats(answer):
    if not isinstance(answer, dict) or set(answer) != {"uniform_loss", "perplexity"}:
        raise _Wrong("expected a dict with the keys 'uniform_loss' and 'perplexity'.")
    u = _number(answer["uniform_loss"], "a number for uniform_loss")
    p = _number(answer["perplexity"], "a number for perplexity")
    if abs(u - np.log2(65)) < 1e-3:
        raise _Wrong("uniform_loss: log₂ 65 is in bits; the course's losses use the natural log (nats).")
    if abs(u - np.log10(65)) < 1e-3:
        raise _Wrong("uniform_loss: log₁₀ is not used for losses; use the natural log.")
    if abs(u - 1 / 65) < 1e-4 or abs(u + np.log(65)) < 1e-3:
        raise _Wrong("uniform_loss: the loss is −ln(1/65), a positive number of nats, not the probability itself.")
    _close(u, S.ex08_loss_in_nats["uniform_loss"], "uniform_loss", rtol=1e-3)
    if abs(p - np.log(1.386)) < 1e-3 or abs(p - 1.386) < 1e-3:
        raise _Wrong("perplexity: exponentiate the loss, e^1.386.")
    if abs(p - 2 ** 1.386) < 1e-3:
        raise _Wrong("perplexity: the loss is in nats, so use e^loss, not 2^loss.")
    _close(p, S.ex08_loss_in_nats["perplexity"], "perplexity", rtol=1e-3)
    return "ln 65 ≈ 4.17 nats for guessing; a loss of 1.386 is like choosing among 4 equally likely characters."
