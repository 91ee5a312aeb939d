"""Activation functions and their derivatives, as plain NumPy functions.

Each ``f`` has a partner ``f_grad`` giving df/dx element-wise, so lessons can
plot both and modules can reuse them in backward. ``ACTIVATIONS`` maps a name
to ``(f, f_grad)`` for explorers.

Every function computes in its input's dtype: float32 stays float32, float64 stays float64 and
anything else (integers, lists) becomes float64. Constants are Python floats for that reason: a
NumPy float64 scalar would turn a float32 array into float64.
"""
import math

import numpy as np
from scipy.special import erf

from ._checks import as_float_array, float_dtype


def identity(x):
    return as_float_array(x, "identity")


def identity_grad(x):
    return np.ones_like(x, dtype=float_dtype(np.asarray(x).dtype))


def relu(x):
    return np.maximum(x, 0.0)


def relu_grad(x):
    # torch's convention: the derivative at exactly 0 is 0
    x = np.asarray(x)
    return (x > 0).astype(float_dtype(x.dtype))


def leaky_relu(x, negative_slope=0.01):
    x = as_float_array(x, "leaky_relu")
    return np.where(x > 0, x, negative_slope * x)


def leaky_relu_grad(x, negative_slope=0.01):
    x = np.asarray(x)
    return np.where(x > 0, 1.0, negative_slope).astype(float_dtype(x.dtype))


def sigmoid(x):
    x = as_float_array(x, "sigmoid")
    # exp of a non-positive number only: no overflow for large |x|
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x):
    return np.tanh(x)


def tanh_grad(x):
    return 1.0 - np.tanh(x) ** 2


_SQRT2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def gelu(x, approximate="none"):
    """GELU as in torch: exact ``x * Phi(x)`` or the ``'tanh'`` approximation."""
    x = as_float_array(x, "gelu")
    if approximate == "tanh":
        return 0.5 * x * (1.0 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x ** 3)))
    if approximate != "none":
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return 0.5 * x * (1.0 + erf(x / _SQRT2))


def gelu_grad(x, approximate="none"):
    x = as_float_array(x, "gelu_grad")
    if approximate == "tanh":
        u = _SQRT_2_OVER_PI * (x + 0.044715 * x ** 3)
        t = np.tanh(u)
        du = _SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x ** 2)
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t ** 2) * du
    if approximate != "none":
        raise ValueError(f"gelu_grad: approximate must be 'none' or 'tanh', got {approximate!r}")
    cdf = 0.5 * (1.0 + erf(x / _SQRT2))
    pdf = np.exp(-0.5 * x ** 2) / math.sqrt(2.0 * math.pi)
    return cdf + x * pdf


def softmax(x, dim=-1):
    """Probabilities along ``dim``; subtracting the max keeps exp from overflowing."""
    x = as_float_array(x, "softmax")
    z = x - x.max(axis=dim, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=dim, keepdims=True)


def log_softmax(x, dim=-1):
    x = as_float_array(x, "log_softmax")
    z = x - x.max(axis=dim, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=dim, keepdims=True))


def softmax_backward(y, grad_output, dim=-1, out=None):
    """Vector-Jacobian product of softmax given its output ``y``: y * (g - <g, y>).

    ``out`` (optional) receives the result; it may be ``grad_output`` itself, which saves memory.
    """
    dot = (grad_output * y).sum(axis=dim, keepdims=True)
    if out is None:
        return y * (grad_output - dot)
    np.subtract(grad_output, dot, out=out)
    return np.multiply(out, y, out=out)


ACTIVATIONS = {
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "gelu": (gelu, gelu_grad),
    "identity": (identity, identity_grad),
}


def get_activation(name):
    """``(f, f_grad)`` for a name in ``ACTIVATIONS``; a ValueError lists the choices."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}") from None


# -- attention -----------------------------------------------------------------------------------

def _check_attention_inputs(query, key, value, who):
    q, k, v = (as_float_array(a, who, name) for a, name in ((query, "query"), (key, "key"), (value, "value")))
    if min(q.ndim, k.ndim, v.ndim) < 2:
        raise ValueError(f"{who} needs query (..., L, E), key (..., S, E) and value (..., S, Ev); got shapes "
                         f"{q.shape}, {k.shape}, {v.shape}")
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError(f"{who}: query and key must share their last dimension E and key and value their "
                         f"sequence length S; got query {q.shape}, key {k.shape}, value {v.shape}")
    try:
        np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(f"{who}: the leading (batch) dimensions of query {q.shape}, key {k.shape} and value "
                         f"{v.shape} do not broadcast") from None
    return q, k, v


def _additive_mask(attn_mask, is_causal, scores_shape, who):
    """torch.nn.functional semantics -> a float array added to scores of ``scores_shape`` (None: no mask).

    Boolean True means "may attend" (False becomes -inf); a float mask is added as it is.
    """
    L, S = scores_shape[-2:]
    if is_causal:
        if attn_mask is not None:
            raise ValueError(f"{who}: pass either attn_mask or is_causal=True, not both (as torch requires)")
        return np.where(np.tri(L, S, dtype=bool), 0.0, -np.inf)
    if attn_mask is None:
        return None
    m = np.asarray(attn_mask)
    if m.dtype == bool:
        m = np.where(m, 0.0, -np.inf)
    elif not np.issubdtype(m.dtype, np.floating):
        raise TypeError(f"{who}: attn_mask must be boolean (True = may attend) or float (added to the "
                        f"scores), got dtype {m.dtype}")
    try:
        fits = np.broadcast_shapes(m.shape, scores_shape) == tuple(scores_shape)
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{who}: attn_mask of shape {m.shape} does not broadcast to the scores' shape "
                         f"{tuple(scores_shape)} (..., L, S)")
    return m


def _attention_probs(q_scaled, k, mask):
    """softmax(q_scaled k^T + mask) over the keys, (..., L, S). A row whose keys are all masked gets
    probability 0 everywhere (so its output is 0), as torch's scaled_dot_product_attention does."""
    scores = q_scaled @ np.swapaxes(k, -1, -2)
    if mask is not None:
        scores += mask
    peak = scores.max(axis=-1, keepdims=True)
    if mask is not None:
        peak[~np.isfinite(peak)] = 0.0  # fully masked rows: exp(-inf) = 0 instead of nan
    np.subtract(scores, peak, out=scores)
    np.exp(scores, out=scores)
    total = scores.sum(axis=-1, keepdims=True)
    if mask is not None:
        total[total == 0] = 1.0
    scores /= total
    return scores


def attention_weights(query, key, attn_mask=None, *, is_causal=False, scale=None):
    """softmax(query key^T * scale + mask) along the keys: how much each query position attends to each key.

    Shapes: query ``(..., L, E)``, key ``(..., S, E)`` -> ``(..., L, S)``; each row sums to 1 (0 where every key
    is masked). ``scale`` defaults to ``1/sqrt(E)``; masks as in ``scaled_dot_product_attention``.
    """
    q, k, _ = _check_attention_inputs(query, key, key, "attention_weights")
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    scores_shape = np.broadcast_shapes(q.shape[:-2], k.shape[:-2]) + (q.shape[-2], k.shape[-2])
    mask = _additive_mask(attn_mask, is_causal, scores_shape, "attention_weights")
    return _attention_probs(q * scale, k, mask)


def scaled_dot_product_attention(query, key, value, attn_mask=None, *, is_causal=False, scale=None):
    """``softmax(Q K^T / sqrt(E) + mask) V`` with torch.nn.functional's semantics.

    Shapes: query ``(..., L, E)``, key ``(..., S, E)``, value ``(..., S, Ev)`` -> ``(..., L, Ev)``; the leading
    dimensions broadcast. ``attn_mask`` broadcasts to ``(..., L, S)``: boolean True means the query *may attend*
    to that key (the opposite of ``MultiheadAttention``'s boolean mask), a float mask is added to the scores.
    ``is_causal=True`` lets position i attend to keys 0..i only (top-left aligned when L != S).
    ``is_causal`` and ``scale`` are keyword-only here: torch's third optional argument is ``dropout_p``.
    """
    q, k, v = _check_attention_inputs(query, key, value, "scaled_dot_product_attention")
    return attention_weights(q, k, attn_mask, is_causal=is_causal, scale=scale) @ v


def scaled_dot_product_attention_backward(grad_output, query, key, value, weights, scale=None):
    """Gradients ``(d query, d key, d value)`` of ``out = weights @ value``, ``weights = softmax(query key^T * scale
    + mask)``, given ``weights`` from ``attention_weights`` (the mask is constant, so it needs no gradient).

    Shapes as in ``scaled_dot_product_attention``; ``grad_output`` is ``(..., L, Ev)``. Leading dimensions
    that were broadcast are summed back to each input's shape.
    """
    q, k, v = _check_attention_inputs(query, key, value, "scaled_dot_product_attention_backward")
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    g = as_float_array(grad_output, "scaled_dot_product_attention_backward", "grad_output",
                       dtype=np.result_type(q, k, v))
    d_scores = softmax_backward(weights, g @ np.swapaxes(v, -1, -2)) * scale
    grads = (d_scores @ k, np.swapaxes(d_scores, -1, -2) @ q, np.swapaxes(weights, -1, -2) @ g)
    return tuple(_sum_to_shape(d, x.shape) for d, x in zip(grads, (q, k, v)))


def _sum_to_shape(grad, shape):
    """Undo broadcasting: sum ``grad`` over the leading axes that ``shape`` lacks or has as 1."""
    extra = grad.ndim - len(shape)
    grad = grad.sum(axis=tuple(range(extra))) if extra else grad
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=axes, keepdims=True) if axes else grad
