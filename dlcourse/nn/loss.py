"""Loss modules with torch.nn's names, reductions and numerics.

``loss(input, target)`` returns a scalar (reduction 'mean' or 'sum') or the
per-element losses ('none'); ``loss.backward(grad_output=1.0)`` returns
dLoss/dinput, the start of a network's backward pass.
"""
import numpy as np

from . import functional as F
from ._checks import as_float_array, check_grad_shape, require_forward
from .module import Module

_REDUCTIONS = ("mean", "sum", "none")


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        if reduction not in _REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
        self.reduction = reduction
        self._cache = None

    def _pair(self, input, target):
        who = type(self).__name__
        x = as_float_array(input, who, "input")
        t = as_float_array(target, who, "target", dtype=x.dtype)
        if x.shape != t.shape:
            raise ValueError(f"{who} got input of shape {tuple(x.shape)} and target of shape "
                             f"{tuple(t.shape)}: they must be equal (reshape the target, e.g. y.reshape(-1, 1))")
        return x, t

    def _reduce(self, per_element):
        """Apply the reduction; remember the scale backward must apply."""
        if self.reduction == "mean":
            return per_element.mean(), 1.0 / max(per_element.size, 1)
        if self.reduction == "sum":
            return per_element.sum(), 1.0
        return per_element, 1.0

    def _upstream(self, grad_output, out_shape, dtype):
        g = as_float_array(grad_output, f"{type(self).__name__}.backward", "grad_output", dtype=dtype)
        if self.reduction == "none":
            check_grad_shape(g, out_shape, type(self).__name__)
        elif g.size != 1:
            raise ValueError(f"{type(self).__name__}.backward: the loss is a scalar, so grad_output must be "
                             f"a scalar too, got shape {tuple(g.shape)}")
        return g

    def extra_repr(self):
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error. input, target: any shape, equal."""

    def forward(self, input, target):
        x, t = self._pair(input, target)
        out, scale = self._reduce((x - t) ** 2)
        self._cache = (x - t, scale, np.shape(out))
        return out

    def backward(self, grad_output=1.0):
        require_forward(self._cache, "MSELoss")
        diff, scale, out_shape = self._cache
        return 2.0 * diff * scale * self._upstream(grad_output, out_shape, diff.dtype)


class BCELoss(_Loss):
    """Binary cross-entropy on probabilities. input (any) in [0, 1], target same shape.

    As in torch, each log is clamped at -100 so a probability of exactly 0 or 1
    gives a large finite loss instead of inf.
    """

    def forward(self, input, target):
        p, t = self._pair(input, target)
        if p.size and (np.nanmin(p) < 0 or np.nanmax(p) > 1 or np.isnan(p).any()):
            raise ValueError("BCELoss expects probabilities in [0, 1] as input; got values in "
                             f"[{np.nanmin(p):.3g}, {np.nanmax(p):.3g}]. Apply Sigmoid first, or use "
                             "BCEWithLogitsLoss on raw scores")
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), -100.0)
            log_1mp = np.maximum(np.log1p(-p), -100.0)
        out, scale = self._reduce(-(t * log_p + (1 - t) * log_1mp))
        self._cache = (p, t, scale, np.shape(out))
        return out

    def backward(self, grad_output=1.0):
        require_forward(self._cache, "BCELoss")
        p, t, scale, out_shape = self._cache
        g = self._upstream(grad_output, out_shape, p.dtype)
        return (p - t) / np.maximum(p * (1 - p), 1e-12) * scale * g


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy in one stable step. input: raw scores, target same shape."""

    def forward(self, input, target):
        x, t = self._pair(input, target)
        # log(1 + exp(-|x|)) never overflows; algebraically equal to the naive form
        per = np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))
        out, scale = self._reduce(per)
        self._cache = (x, t, scale, np.shape(out))
        return out

    def backward(self, grad_output=1.0):
        require_forward(self._cache, "BCEWithLogitsLoss")
        x, t, scale, out_shape = self._cache
        return (F.sigmoid(x) - t) * scale * self._upstream(grad_output, out_shape, x.dtype)


class CrossEntropyLoss(_Loss):
    """Softmax + negative log-likelihood, from raw scores.

    input: logits ``(N, C)``; target: class indices ``(N,)``, integers in [0, C).
    """

    def forward(self, input, target):
        x = as_float_array(input, "CrossEntropyLoss", "input")
        if x.ndim != 2:
            raise ValueError(f"CrossEntropyLoss expects logits of shape (N, C), got {tuple(x.shape)}"
                             + (": for one sample use x.reshape(1, -1)" if x.ndim == 1 else ""))
        t = np.asarray(target)
        if t.dtype == bool or not np.issubdtype(t.dtype, np.integer):
            raise TypeError(f"CrossEntropyLoss expects integer class indices as target, got dtype {t.dtype}"
                            " (use y.astype(int); one-hot targets are not supported)")
        if t.shape != (x.shape[0],):
            raise ValueError(f"CrossEntropyLoss: logits have shape {tuple(x.shape)}, so target must have shape "
                             f"({x.shape[0]},), got {tuple(t.shape)}")
        if t.size and (t.min() < 0 or t.max() >= x.shape[1]):
            raise ValueError(f"CrossEntropyLoss: target classes must lie in [0, {x.shape[1] - 1}], "
                             f"got values from {t.min()} to {t.max()}")
        logp = F.log_softmax(x, dim=1)
        out, scale = self._reduce(-logp[np.arange(x.shape[0]), t])
        self._cache = (np.exp(logp), t, scale, np.shape(out))
        return out

    def backward(self, grad_output=1.0):
        require_forward(self._cache, "CrossEntropyLoss")
        probs, t, scale, out_shape = self._cache
        g = self._upstream(grad_output, out_shape, probs.dtype)
        grad = probs.copy()
        grad[np.arange(len(t)), t] -= 1.0
        g = g.reshape(-1, 1) if self.reduction == "none" else g
        return grad * scale * g
