"""Layers without weights that change an input's shape: Unflatten (Flatten undone) and nearest Upsample."""
import math
import numbers

import numpy as np

from ._checks import as_float_array, check_grad_shape, require_forward
from .conv import _check_input
from .module import Module


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size``: (N, 128) -> (N, 8, 4, 4) with dim=1, size (8, 4, 4).

    One entry of ``unflattened_size`` may be -1 and is then inferred, as in torch.
    """

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise TypeError(f"Unflatten: dim must be an integer, got {dim!r}")
        sizes = tuple(unflattened_size) if isinstance(unflattened_size, (tuple, list)) else None
        if not sizes or any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or not (s >= 1 or s == -1)
                            for s in sizes) or sizes.count(-1) > 1:
            raise ValueError(f"Unflatten: unflattened_size must be a non-empty tuple of positive integers "
                             f"(at most one -1, to be inferred), got {unflattened_size!r}")
        self.dim, self.unflattened_size = int(dim), tuple(int(s) for s in sizes)
        self._shape = None

    def forward(self, x):
        x = as_float_array(x, "Unflatten")
        if not -x.ndim <= self.dim < x.ndim:
            raise ValueError(f"Unflatten(dim={self.dim}) got input of shape {tuple(x.shape)}: "
                             f"dim must lie in [{-x.ndim}, {x.ndim - 1}]")
        dim = self.dim % x.ndim
        size, known = x.shape[dim], math.prod(s for s in self.unflattened_size if s != -1)
        inferred = -1 in self.unflattened_size
        if (size % known != 0) if inferred else (size != known):
            product = " × ".join(str(s) for s in self.unflattened_size)
            raise ValueError(f"Unflatten(dim={self.dim}, unflattened_size={self.unflattened_size}) got input of shape "
                             f"{tuple(x.shape)}: the sizes {product} must multiply to dimension {dim}'s size {size}")
        self._shape = x.shape
        return x.reshape(*x.shape[:dim], *self.unflattened_size, *x.shape[dim + 1:])

    def backward(self, grad_output):
        require_forward(self._shape, "Unflatten")
        g = as_float_array(grad_output, "Unflatten.backward", "grad_output")
        if g.size != math.prod(self._shape):
            raise ValueError(f"Unflatten.backward got grad_output of shape {tuple(g.shape)}; "
                             f"the input was {tuple(self._shape)}")
        return g.reshape(self._shape)

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


def _whole_factor(value, name):
    if (isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 1
            or value != int(value)):
        raise ValueError(f"Upsample: {name} must be a whole number >= 1 or a pair of them (each pixel becomes "
                         f"an s_h × s_w block), got {value!r}")
    return int(value)


def _two(value, name):
    pair = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(pair) != 2:
        raise ValueError(f"Upsample: {name} must be one number or a pair (h, w) for 4-D input, got {value!r}")
    return pair


class Upsample(Module):
    """Nearest-neighbour upsampling (N, C, H, W) -> (N, C, s_h H, s_w W): each pixel becomes an s_h × s_w block.

    Give exactly one of ``size`` (the output's (H_out, W_out) or one number for both; each must be a
    whole multiple of the input's side) and ``scale_factor`` (a whole number or a pair (s_h, s_w)), in
    torch's order: ``Upsample(2)`` asks for a 2 × 2 output, as in torch; write ``Upsample(scale_factor=2)``
    to double. Only ``mode='nearest'`` is implemented. Backward sums the gradient over each block.
    """

    def __init__(self, size=None, scale_factor=None, mode="nearest"):
        super().__init__()
        if mode != "nearest":
            raise ValueError(f"Upsample: mode {mode!r} is not implemented in dlcourse.nn, only 'nearest' "
                             "(torch.nn.Upsample also offers 'bilinear' and others)")
        if (size is None) == (scale_factor is None):
            raise ValueError("Upsample: give exactly one of size (the output's height and width) and scale_factor "
                             f"(a whole number >= 1 or a pair of them), got size={size!r}, "
                             f"scale_factor={scale_factor!r}")
        self.size = None if size is None else tuple(_whole_factor(v, "size") for v in _two(size, "size"))
        self.scale_factor = None if scale_factor is None else tuple(
            _whole_factor(v, "scale_factor") for v in _two(scale_factor, "scale_factor"))
        self.mode = mode
        self._shape = None

    def _factors(self, h, w):
        if self.scale_factor is not None:
            return self.scale_factor
        if self.size[0] % h or self.size[1] % w:
            raise ValueError(f"Upsample: size {self.size} is not a whole multiple of the input's (H, W) = {(h, w)}; "
                             "dlcourse.nn upsamples by whole factors only")
        return self.size[0] // h, self.size[1] // w

    def forward(self, x):
        x = _check_input(x, "Upsample")
        n, c, h, w = x.shape
        sh, sw = self._factors(h, w)
        self._shape = x.shape
        # a read-only broadcast view (N, C, H, s_h, W, s_w), copied once by reshape
        return np.broadcast_to(x[:, :, :, None, :, None], (n, c, h, sh, w, sw)).reshape(n, c, h * sh, w * sw)

    def backward(self, grad_output):
        require_forward(self._shape, "Upsample")
        n, c, h, w = self._shape
        sh, sw = self._factors(h, w)
        g = as_float_array(grad_output, "Upsample.backward", "grad_output")
        check_grad_shape(g, (n, c, h * sh, w * sw), "Upsample")
        return g.reshape(n, c, h, sh, w, sw).sum(axis=(3, 5))

    def extra_repr(self):
        given = f"size={self.size}" if self.size is not None else f"scale_factor={self.scale_factor}"
        return f"{given}, mode={self.mode!r}"
