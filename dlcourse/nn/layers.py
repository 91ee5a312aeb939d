"""Flatten, Dropout and batch normalisation (torch.nn names, shapes and train/eval behaviour)."""
import numpy as np

from ._checks import as_float_array, check_grad_shape, positive_int, require_forward
from .module import Module, Parameter


class Flatten(Module):
    """Merge dimensions start_dim..end_dim: (N, C, H, W) -> (N, C*H*W) with the defaults."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim
        self._shape = None

    def forward(self, x):
        x = as_float_array(x, "Flatten")
        nd = x.ndim
        start, end = self.start_dim % max(nd, 1), self.end_dim % max(nd, 1)
        if nd == 0 or not -nd <= self.start_dim < nd or not -nd <= self.end_dim < nd or start > end:
            raise ValueError(f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim}) cannot flatten "
                             f"an input of shape {tuple(x.shape)}")
        self._shape = x.shape
        return x.reshape(*x.shape[:start], -1, *x.shape[end + 1:])

    def backward(self, grad_output):
        require_forward(self._shape, "Flatten")
        g = as_float_array(grad_output, "Flatten.backward", "grad_output")
        if g.size != int(np.prod(self._shape)):
            raise ValueError(f"Flatten.backward got grad_output of shape {tuple(g.shape)}; the input was {self._shape}")
        return g.reshape(self._shape)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Dropout(Module):
    """In training, zero each element with probability p and scale the rest by 1/(1-p); identity in eval().

    The mask comes from NumPy's global generator (seed it with ``dlcourse.seed``).
    """

    def __init__(self, p=0.5):
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p < 1:
            raise ValueError(f"Dropout: p must be a probability in [0, 1), got {p!r}")
        self.p = float(p)
        self._mask = None

    def forward(self, x):
        x = as_float_array(x, "Dropout")
        if not self.training or self.p == 0:
            self._mask = np.ones_like(x)
        else:
            keep = np.random.random_sample(x.shape) >= self.p
            self._mask = (keep / (1.0 - self.p)).astype(x.dtype, copy=False)
        return x * self._mask

    def backward(self, grad_output):
        require_forward(self._mask, "Dropout")
        g = as_float_array(grad_output, "Dropout.backward", "grad_output", dtype=self._mask.dtype)
        check_grad_shape(g, self._mask.shape, "Dropout")
        return g * self._mask

    def extra_repr(self):
        return f"p={self.p}"


def standardize_backward(grad_x_hat, x_hat, inv_std, axes):
    """Gradient w.r.t. x of ``x_hat = (x - mean) * inv_std`` with mean and (biased) variance taken over ``axes``.

    The statistics depend on x too, so besides the plain scale ``inv_std`` the mean gradient and its
    projection on ``x_hat`` are subtracted. Shared by batch and layer normalisation.
    """
    g = grad_x_hat
    return inv_std * (g - g.mean(axis=axes, keepdims=True) - x_hat * (g * x_hat).mean(axis=axes, keepdims=True))


class _BatchNorm(Module):
    """Normalise each channel over the batch (and spatial positions), then scale and shift.

    Training uses the batch's mean and biased variance and updates running estimates
    (momentum 0.1, unbiased variance, as torch); eval() uses the running estimates.
    """
    _ndims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True):
        super().__init__()
        who = type(self).__name__
        self.num_features = positive_int(num_features, who, "num_features")
        if not 0 <= momentum <= 1:
            raise ValueError(f"{who}: momentum must lie in [0, 1], got {momentum!r}")
        self.eps, self.momentum = float(eps), float(momentum)
        self.weight = Parameter(np.ones(self.num_features)) if affine else None
        self.bias = Parameter(np.zeros(self.num_features)) if affine else None
        self.register_buffer("running_mean", np.zeros(self.num_features))
        self.register_buffer("running_var", np.ones(self.num_features))
        self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64))
        self._cache = None

    def _check(self, x):
        who = type(self).__name__
        x = as_float_array(x, who, dtype=self.running_mean.dtype)  # the parameters' dtype, also without affine
        if x.ndim not in self._ndims or x.shape[1] != self.num_features:
            shapes = " or ".join("(N, C" + ", L" * (n == 3) + ", H, W" * (n == 4) + ")" for n in self._ndims)
            raise ValueError(f"{who}({self.num_features}) expects input of shape {shapes} with C = "
                             f"{self.num_features}, got {tuple(x.shape)}")
        return x

    def forward(self, x):
        x = self._check(x)
        n = x.shape[0]
        # (N, C, L) view: each channel's values lie along axes 0 and 2, and broadcasting a per-channel
        # (C, 1) array runs along contiguous rows of L (much faster than (1, C, 1, 1) over NCHW)
        x3 = x.reshape(n, self.num_features, -1)
        count = n * x3.shape[2]
        if self.training:
            if count < 2:
                raise ValueError(f"{type(self).__name__}: training needs more than one value per channel "
                                 f"(got input of shape {tuple(x.shape)}); use a larger batch or call eval()")
            mean = x3.sum(axis=(0, 2)) / count
            centred = x3 - mean[:, None]
            var = np.einsum("ncl,ncl->c", centred, centred) / count  # biased; einsum needs no squared temporary
            m = self.momentum
            self.running_mean[...] = (1 - m) * self.running_mean + m * mean
            self.running_var[...] = (1 - m) * self.running_var + m * var * count / (count - 1)
            self.num_batches_tracked += 1
        else:
            mean, var = self.running_mean, self.running_var
            centred = x3 - mean[:, None]
        inv_std = 1.0 / np.sqrt(var + self.eps)
        # x_hat = centred * inv_std is never stored: y and every backward quantity take inv_std into
        # their per-channel factors, which saves a pass over the data each way
        self._cache = (centred, inv_std, x.shape, self.training)
        scale = inv_std if self.weight is None else inv_std * self.weight.data
        y = centred * scale[:, None]
        if self.bias is not None:
            y += self.bias.data[:, None]
        return y.reshape(x.shape)

    def backward(self, grad_output):
        require_forward(self._cache, type(self).__name__)
        centred, inv_std, x_shape, training = self._cache
        g = as_float_array(grad_output, f"{type(self).__name__}.backward", "grad_output", dtype=centred.dtype)
        check_grad_shape(g, x_shape, type(self).__name__)
        g = g.reshape(centred.shape)
        # the two per-channel sums give the parameter gradients and, since weight is constant over each
        # channel, the input gradient too: standardize_backward's means with weight taken out
        sum_g = g.sum(axis=(0, 2))
        sum_g_x_hat = np.einsum("ncl,ncl->c", g, centred) * inv_std
        if self.weight is not None:
            self.weight.grad += sum_g_x_hat
            self.bias.grad += sum_g
        scale = inv_std if self.weight is None else inv_std * self.weight.data
        if not training:  # fixed statistics: a plain per-channel scale
            return (g * scale[:, None]).reshape(x_shape)
        count = centred.shape[0] * centred.shape[2]
        # scale (g - mean(g) - x_hat mean(g x_hat)), built in one new array: a fresh array of this size
        # costs about twice an in-place pass
        dx = centred * (-sum_g_x_hat * inv_std / count)[:, None]
        dx -= (sum_g / count)[:, None]
        dx += g
        dx *= scale[:, None]
        return dx.reshape(x_shape)

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.weight is not None}"


class BatchNorm1d(_BatchNorm):
    """Batch normalisation for (N, C) or (N, C, L) inputs."""
    _ndims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation for (N, C, H, W) inputs."""
    _ndims = (4,)
