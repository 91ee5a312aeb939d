"""Checks for lesson 08, Transformers and attention."""
import numpy as np

from ._key import S
from ._core import _Wrong, _array, _call, _matches, _name_mistake, _number, _same_array, _same_count, exercise, _rng


@exercise("Row i is query position i, column j key position j. Query i may look at keys j <= i; "
          "in MultiheadAttention's boolean convention True marks the keys it may NOT see.")
def ex08_causal_mask(answer):
    # T = 1 last but one: there every mistake but the diagonal looks right; the last size graders can draw anew
    for T in (4, 7, 1, int(_rng(24).integers(8, 64))):
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


@exercise("Forward: S = Q Kᵀ / √d, P = softmax of each row of S, out = P V. Backward runs the same steps in "
          "reverse: from g = ∂L/∂out get dV and dP (out = P V is a matrix product), then dS from dP through the "
          "softmax of each row (its Jacobian is not diagonal), then dQ and dK from dS (remember the 1/√d).")
def ex08_attention_backward(answer):
    rng = _rng(8)
    L, S_len, d, dv = 3, 5, 4, 2
    Q, K, V = rng.standard_normal((L, d)), rng.standard_normal((S_len, d)), rng.standard_normal((S_len, dv))
    g = rng.standard_normal((L, dv))
    got = _call(answer, Q, K, V, g)
    if not isinstance(got, (tuple, list)) or len(got) != 4:
        raise _Wrong("return four arrays: out, dQ, dK, dV (a tuple or a list).")
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
    wrong_dS = [(P * dP, "you forgot the subtraction: through a softmax dS = P ⊙ (dP − Σⱼ dPⱼ Pⱼ), because each "
                         "score changes every probability of its row, not only its own."),
                (P * (1 - P) * dP, "the softmax's Jacobian is not diagonal: each score changes every probability "
                                   "of its row, so subtract Σⱼ dPⱼ Pⱼ per row instead of using P(1 − P)."),
                (P * (dP - (dP * P).sum(0, keepdims=True)), "the sum Σⱼ dPⱼ Pⱼ runs over the wrong axis: the "
                                                            "softmax normalises each row (the keys of one query), "
                                                            "so sum over axis=1.")]
    right_dS = P * (dP - (dP * P).sum(1, keepdims=True))
    for which, mult, want, what in ((1, K, dQ, "dQ"), (2, Q, dK, "dK")):
        project = (lambda dS: dS @ mult) if which == 1 else (lambda dS: dS.T @ mult)
        _name_mistake(got[which], [(project(w) / np.sqrt(d), f"{what}: {m}") for w, m in wrong_dS]
                      + [(project(right_dS), f"{what}: you forgot the 1/√d: the scores were scaled, so their "
                                             "gradient is too."),
                         (project(right_dS) * np.sqrt(d), f"{what}: you multiplied by √d; the forward pass divided "
                                                          "the scores by √d, so the gradient is divided by it too.")])
        _same_array(got[which], want, what)
    return "out, dQ, dK and dV all match the reference: you wrote one attention head's backward pass."


@exercise("Count weight and bias of every sub-module: self_attn (in_proj: 3 matrices d×d and 3·d biases; "
          "out_proj: d×d + d), linear1 (d → dim_feedforward), linear2 (back to d), and norm1, norm2 (a weight and "
          "a bias of size d each). Do the heads change the count?")
def ex08_encoder_parameters(answer):
    got = _number(answer, "a whole number")
    d, ff = 32, 64
    attn, ffn, norms = 4 * d * d + 4 * d, 2 * d * ff + ff + d, 4 * d
    mistakes = [(attn + ffn, "you left out the two LayerNorms (each has a weight and a bias of size d_model)."),
                (attn + ffn + norms // 2, "you counted one LayerNorm's weight and bias, or only the LayerNorms' "
                                          "weights: there are two LayerNorms (norm1, norm2), each with a weight "
                                          "and a bias of size d_model."),
                (attn + 2 * d * ff + norms, "you left out the biases of linear1 (size dim_feedforward) and linear2 "
                                            "(size d_model)."),
                (4 * d * d + 2 * d * ff + norms, "you left out the biases (in_proj_bias, out_proj.bias, linear1 and "
                                                 "linear2 biases)."),
                (8 * (4 * d * d + 4 * d) + ffn + norms, "the heads share the projections: 8 heads split d_model into "
                                                        "8 slices of 4, they do not multiply the weights."),
                (3 * d * d + 3 * d + ffn + norms, "you forgot out_proj, the d×d matrix that mixes the heads' outputs.")]
    for wrong, message in mistakes:
        if got == wrong:
            raise _Wrong(message)
    _same_count(got, S.ex08_encoder_parameters)
    return (f"{attn} in attention (4 matrices d×d and their biases), {ffn} in the feed-forward network, {norms} in "
            "the LayerNorms: here attention and feed-forward are about half each, and the heads cost nothing extra.")


@exercise("Divide the scores by the temperature, then keep only the scores at least as large as the k-th largest "
          "(set the others to −∞, so that e^−∞ = 0), then take the softmax of what is left so the kept "
          "probabilities sum to 1. Ties: every score equal to the k-th largest stays.")
def ex08_sampling_probs(answer):
    cases = [(np.array([2.0, 1.0, 0.5, -1.0, 3.0, 0.0]), 0.5, None),
             (np.array([2.0, 1.0, 0.5, -1.0, 3.0, 0.0]), 2.0, 3),
             (np.array([1.5, 0.2, 1.0, 1.0, -0.3, 0.8]), 1.0, 2)]  # 1.0 is the 2nd largest twice
    rng = _rng(25)  # and a case graders can draw anew (dl.check.grading)
    cases.append((rng.standard_normal(8), float(rng.uniform(0.5, 2.0)), int(rng.integers(1, 8))))
    for logits, tau, k in cases:
        got = _array(_call(answer, logits, tau, k), logits.shape, f"result for temperature {tau}, top_k {k}")
        want = S.ex08_sampling_probs(logits, tau, k)
        where = f"for temperature {tau} and top_k {k}"
        kept = logits >= np.sort(logits)[-k] if k is not None else np.ones(logits.shape, bool)
        mistakes = []
        if tau != 1:
            times = np.where(kept, np.exp(logits * tau), 0)
            mistakes.append((times / times.sum(), f"{where}: you multiplied the scores by the temperature; divide "
                                                  "them, so that a temperature above 1 flattens the distribution."))
        if k is not None:
            mistakes.append((np.where(kept, np.exp(logits / tau), 0) / np.exp(logits / tau).sum(),
                             f"{where}: your probabilities sum to {float(got.sum()):.2f}, not 1: after dropping all "
                             "but the top k, renormalise the ones you keep."))
        _name_mistake(got, mistakes, rtol=1e-6)
        if k is not None and (got > 0).sum() == k and kept.sum() > k and set(np.flatnonzero(got > 0)) <= \
                set(np.flatnonzero(kept)):
            raise _Wrong(f"{where}: two scores tie at the k-th largest value ({float(np.sort(logits)[-k]):g}) and you "
                         f"kept exactly {k} characters; the model drops only scores below the k-th largest and keeps "
                         "every tie, so that the result does not depend on the order of the characters.")
        _same_array(got, want, f"result {where}")
    return ("your function gives exactly the distribution CharGPT samples from (dl.models.sampling_probs), "
            "ties included.")
