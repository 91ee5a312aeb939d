"""Layer normalisation (torch.nn.LayerNorm): each sample normalised over its own last dimensions."""
import numpy as np

from ._checks import as_float_array, check_grad_shape, positive_int, require_forward
from .layers import standardize_backward
from .module import Module, Parameter


class LayerNorm(Module):
    """y = (x - mean) / sqrt(var + eps) * weight + bias, statistics over the last ``len(normalized_shape)`` dims.

    Shapes: x ``(*, *normalized_shape)`` -> same; ``weight`` and ``bias`` ``normalized_shape`` (ones and zeros).
    Unlike batch norm, the statistics come from each sample alone, so training and eval() behave the same and
    a batch of one works: the normalisation a Transformer uses. The variance is the biased one, as in torch.
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else normalized_shape
        try:
            self.normalized_shape = tuple(positive_int(n, "LayerNorm", "normalized_shape") for n in shape)
        except TypeError:
            raise TypeError(f"LayerNorm: normalized_shape must be an int or a tuple of ints, got "
                            f"{normalized_shape!r}") from None
        if not self.normalized_shape:
            raise ValueError("LayerNorm: normalized_shape must name at least one dimension, got ()")
        if not eps > 0:
            raise ValueError(f"LayerNorm: eps must be positive, got {eps!r}")
        self.eps = float(eps)
        self.elementwise_affine = bool(elementwise_affine)
        self.weight = Parameter(np.ones(self.normalized_shape)) if elementwise_affine else None
        self.bias = Parameter(np.zeros(self.normalized_shape)) if elementwise_affine and bias else None
        self._cache = None

    def forward(self, x):
        x = as_float_array(x, "LayerNorm", dtype=None if self.weight is None else self.weight.data.dtype)
        k = len(self.normalized_shape)
        if x.shape[x.ndim - k:] != self.normalized_shape or x.ndim < k:
            raise ValueError(f"LayerNorm(normalized_shape={self.normalized_shape}) got input of shape "
                             f"{tuple(x.shape)}: its last {k} dimension(s) must be {self.normalized_shape}")
        axes = tuple(range(x.ndim - k, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        centred = x - mean
        inv_std = 1.0 / np.sqrt((centred * centred).mean(axis=axes, keepdims=True) + self.eps)
        x_hat = centred * inv_std
        self._cache = (x_hat, inv_std, axes)
        y = x_hat if self.weight is None else x_hat * self.weight.data
        return y if self.bias is None else y + self.bias.data

    def backward(self, grad_output):
        require_forward(self._cache, "LayerNorm")
        x_hat, inv_std, axes = self._cache
        g = as_float_array(grad_output, "LayerNorm.backward", "grad_output", dtype=x_hat.dtype)
        check_grad_shape(g, x_hat.shape, "LayerNorm")
        if self.weight is not None:
            lead = tuple(range(g.ndim - len(axes)))  # every axis outside the normalised ones
            self.weight.grad += (g * x_hat).sum(axis=lead)
            if self.bias is not None:
                self.bias.grad += g.sum(axis=lead)
            g = g * self.weight.data
        return standardize_backward(g, x_hat, inv_std, axes)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
