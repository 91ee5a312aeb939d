"""2-D convolution, transposed convolution and pooling, shaped like torch.nn (NCHW), vectorized with strided views.

Forward builds every receptive field at once from a strided view of the padded input
("im2col") and does one matrix product. Backward scatters gradients back with one
vectorized slice-add per kernel offset (kh * kw of them), never a loop over pixels or samples.
A transposed convolution uses the same two steps the other way round.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ._checks import as_float_array, check_grad_shape, positive_int, require_forward
from .module import Module, Parameter


def _pair(value, who, name, minimum=1):
    pair = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(pair) != 2 or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum for v in pair):
        raise ValueError(f"{who}: {name} must be an integer >= {minimum} or a pair of them, got {value!r}")
    return tuple(int(v) for v in pair)


def output_size(size, kernel, stride=1, padding=0, dilation=1):
    """floor((size + 2 padding - dilation (kernel - 1) - 1) / stride) + 1, torch's formula."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _windows(xp, kernel, stride, dilation, out_hw):
    """Read-only view (N, C, Ho, Wo, kh, kw) of every receptive field of the padded input."""
    n, c = xp.shape[:2]
    sn, sc, sh, sw = xp.strides
    return as_strided(xp, (n, c, *out_hw, *kernel),
                      (sn, sc, sh * stride[0], sw * stride[1], sh * dilation[0], sw * dilation[1]), writeable=False)


def _scatter(grad_windows, padded_shape, kernel, stride, dilation, out_hw):
    """Inverse of _windows: add (N, C, Ho, Wo, kh, kw) window gradients into a padded-input gradient."""
    dxp = np.zeros(padded_shape, dtype=grad_windows.dtype)
    (ho, wo), (sh, sw), (dh, dw) = out_hw, stride, dilation
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            dxp[:, :, i * dh: i * dh + sh * (ho - 1) + 1: sh, j * dw: j * dw + sw * (wo - 1) + 1: sw] += \
                grad_windows[:, :, :, :, i, j]
    return dxp


def _im2col(xp, kernel, stride, dilation, out_hw):
    """Rows (N Ho Wo, C kh kw): every receptive field of the padded input, one contiguous copy."""
    win = _windows(xp, kernel, stride, dilation, out_hw)
    return np.ascontiguousarray(win.transpose(0, 2, 3, 1, 4, 5)).reshape(xp.shape[0] * out_hw[0] * out_hw[1], -1)


def _col2im(cols, padded_shape, kernel, stride, dilation, out_hw):
    """Adjoint of _im2col: add window values (N, C kh kw, Ho Wo) back onto a zero array of ``padded_shape``.

    Taking them in this layout (what a batched ``weight.T @ grad`` returns) keeps each kernel offset's
    (Ho, Wo) block contiguous, so _scatter's slice-adds read memory in order (several times faster).
    """
    n, c = padded_shape[:2]
    grad_windows = cols.reshape(n, c, *kernel, *out_hw).transpose(0, 1, 4, 5, 2, 3)
    return _scatter(grad_windows, padded_shape, kernel, stride, dilation, out_hw)


def _check_input(x, who, channels=None, dtype=None):
    x = as_float_array(x, who, dtype=dtype)
    if x.ndim != 4:
        raise ValueError(f"{who} expects input of shape (N, C, H, W), got {tuple(x.shape)}"
                         + (": add a batch axis with x[None]" if x.ndim == 3 else ""))
    if channels is not None and x.shape[1] != channels:
        raise ValueError(f"{who} got input of shape {tuple(x.shape)}: dimension 1 (channels) must be {channels}")
    return x


def _out_hw(who, x, kernel, stride, padding, dilation):
    out = tuple(output_size(x.shape[2 + a], kernel[a], stride[a], padding[a], dilation[a]) for a in range(2))
    if min(out) < 1:
        raise ValueError(f"{who}: input of spatial size {tuple(x.shape[2:])} is too small for kernel {kernel} "
                         f"with padding {padding} and dilation {dilation} (output would be {out})")
    return out


class Conv2d(Module):
    """Cross-correlation of (N, C_in, H, W) with ``weight (C_out, C_in, kh, kw)`` -> (N, C_out, Ho, Wo).

    Ho = floor((H + 2 padding - dilation (kh - 1) - 1) / stride) + 1 (same for W).
    Initialised like torch: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = C_in kh kw.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        super().__init__()
        self.in_channels = positive_int(in_channels, "Conv2d", "in_channels")
        self.out_channels = positive_int(out_channels, "Conv2d", "out_channels")
        self.kernel_size = _pair(kernel_size, "Conv2d", "kernel_size")
        self.stride = _pair(stride, "Conv2d", "stride")
        self.padding = _pair(padding, "Conv2d", "padding", minimum=0)
        self.dilation = _pair(dilation, "Conv2d", "dilation")
        bound = 1.0 / np.sqrt(self.in_channels * self.kernel_size[0] * self.kernel_size[1])
        self.weight = Parameter(np.random.uniform(-bound, bound, (self.out_channels, self.in_channels, *self.kernel_size)))
        self.bias = Parameter(np.random.uniform(-bound, bound, self.out_channels)) if bias else None
        self._cache = None

    def forward(self, x):
        x = _check_input(x, "Conv2d", self.in_channels, self.weight.data.dtype)
        out_hw = _out_hw("Conv2d", x, self.kernel_size, self.stride, self.padding, self.dilation)
        (ph, pw) = self.padding
        xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else x
        n = x.shape[0]
        # one row per output pixel, then a single matrix product
        cols = _im2col(xp, self.kernel_size, self.stride, self.dilation, out_hw)
        out = cols @ self.weight.data.reshape(self.out_channels, -1).T
        if self.bias is not None:
            out += self.bias.data
        self._cache = (cols, xp.shape, x.shape, out_hw)
        return out.reshape(n, *out_hw, self.out_channels).transpose(0, 3, 1, 2)

    def backward(self, grad_output):
        require_forward(self._cache, "Conv2d")
        cols, padded_shape, x_shape, out_hw = self._cache
        g = as_float_array(grad_output, "Conv2d.backward", "grad_output", dtype=cols.dtype)
        check_grad_shape(g, (x_shape[0], self.out_channels, *out_hw), "Conv2d")
        g2 = g.transpose(0, 2, 3, 1).reshape(-1, self.out_channels)
        self.weight.grad += (g2.T @ cols).reshape(self.weight.shape)
        if self.bias is not None:
            self.bias.grad += g2.sum(axis=0)
        dcols = np.matmul(self.weight.data.reshape(self.out_channels, -1).T, g.reshape(*g.shape[:2], -1))
        dxp = _col2im(dcols, padded_shape, self.kernel_size, self.stride, self.dilation, out_hw)
        (ph, pw) = self.padding
        return dxp[:, :, ph: ph + x_shape[2], pw: pw + x_shape[3]]

    def extra_repr(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, bias={self.bias is not None}")


def transposed_output_size(size, kernel, stride=1, padding=0, output_padding=0, dilation=1):
    """(size - 1) stride - 2 padding + dilation (kernel - 1) + output_padding + 1, torch's formula."""
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


class ConvTranspose2d(Module):
    """Transposed convolution (N, C_in, H, W) -> (N, C_out, Ho, Wo) with ``weight (C_in, C_out, kh, kw)``.

    Each input pixel stamps its channel vector times the kernel onto the output, stride apart, and
    overlapping stamps add up: exactly the gradient of a Conv2d with the same hyper-parameters with
    respect to its input, which is how it is computed (and why backward is a plain convolution).
    Ho = (H - 1) stride - 2 padding + dilation (kh - 1) + output_padding + 1 (same for W); padding
    crops the border of the full output, output_padding adds rows/columns at the bottom/right.
    Initialised like torch: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = C_out kh kw (torch reads the
    fan from the weight's second axis, which here is C_out).
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 bias=True, dilation=1):
        super().__init__()
        who = "ConvTranspose2d"
        self.in_channels = positive_int(in_channels, who, "in_channels")
        self.out_channels = positive_int(out_channels, who, "out_channels")
        self.kernel_size = _pair(kernel_size, who, "kernel_size")
        self.stride = _pair(stride, who, "stride")
        self.padding = _pair(padding, who, "padding", minimum=0)
        self.output_padding = _pair(output_padding, who, "output_padding", minimum=0)
        self.dilation = _pair(dilation, who, "dilation")
        if any(op >= s and op >= d for op, s, d in zip(self.output_padding, self.stride, self.dilation)):
            raise ValueError(f"{who}: output_padding {self.output_padding} must be smaller than either stride "
                             f"{self.stride} or dilation {self.dilation} in each direction (torch's rule: a larger "
                             "one would only add rows that no input pixel reaches)")
        bound = 1.0 / np.sqrt(self.out_channels * self.kernel_size[0] * self.kernel_size[1])
        shape = (self.in_channels, self.out_channels, *self.kernel_size)
        self.weight = Parameter(np.random.uniform(-bound, bound, shape))
        self.bias = Parameter(np.random.uniform(-bound, bound, self.out_channels)) if bias else None
        self._cache = None

    def _out_hw(self, x):
        out = tuple(transposed_output_size(x.shape[2 + a], self.kernel_size[a], self.stride[a], self.padding[a],
                                           self.output_padding[a], self.dilation[a]) for a in range(2))
        if min(out) < 1:
            raise ValueError(f"ConvTranspose2d: input of spatial size {tuple(x.shape[2:])} with kernel "
                             f"{self.kernel_size}, stride {self.stride}, dilation {self.dilation} and output_padding "
                             f"{self.output_padding} gives output size {out}: padding {self.padding} crops too much")
        return out

    def forward(self, x):
        x = _check_input(x, "ConvTranspose2d", self.in_channels, self.weight.data.dtype)
        n, _, h, w = x.shape
        out_hw = self._out_hw(x)
        (ph, pw) = self.padding
        # each input pixel's (C_out, kh, kw) stamp, (N, C_out kh kw, H W), added onto the padded output
        # where a Conv2d would have read its window
        stamps = np.matmul(self.weight.data.reshape(self.in_channels, -1).T, x.reshape(n, self.in_channels, h * w))
        full = _col2im(stamps, (n, self.out_channels, out_hw[0] + 2 * ph, out_hw[1] + 2 * pw),
                       self.kernel_size, self.stride, self.dilation, (h, w))
        out = full[:, :, ph: ph + out_hw[0], pw: pw + out_hw[1]]
        if self.bias is not None:
            out = out + self.bias.data[:, None, None]
        self._cache = (x, out_hw)
        return out

    def backward(self, grad_output):
        require_forward(self._cache, "ConvTranspose2d")
        x, out_hw = self._cache
        x_shape = x.shape
        g = as_float_array(grad_output, "ConvTranspose2d.backward", "grad_output", dtype=x.dtype)
        check_grad_shape(g, (x_shape[0], self.out_channels, *out_hw), "ConvTranspose2d")
        if self.bias is not None:
            self.bias.grad += g.sum(axis=(0, 2, 3))
        (ph, pw) = self.padding
        gp = np.pad(g, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else g
        # the window each input pixel stamped onto: a Conv2d forward over the output gradient
        gcols = _im2col(gp, self.kernel_size, self.stride, self.dilation, x_shape[2:])  # (N H W, C_out kh kw)
        rows = x.transpose(0, 2, 3, 1).reshape(-1, self.in_channels)  # (N H W, C_in)
        self.weight.grad += (rows.T @ gcols).reshape(self.weight.shape)
        dx = gcols @ self.weight.data.reshape(self.in_channels, -1).T
        return dx.reshape(x_shape[0], *x_shape[2:], self.in_channels).transpose(0, 3, 1, 2)

    def extra_repr(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, output_padding={self.output_padding}, dilation={self.dilation}, "
                f"bias={self.bias is not None}")


class _Pool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        who = type(self).__name__
        self.kernel_size = _pair(kernel_size, who, "kernel_size")
        self.stride = _pair(stride if stride is not None else kernel_size, who, "stride")
        self.padding = _pair(padding, who, "padding", minimum=0)
        if any(2 * p > k for p, k in zip(self.padding, self.kernel_size)):
            raise ValueError(f"{who}: padding {self.padding} must be at most half the kernel size {self.kernel_size}")
        self._cache = None

    def _windows(self, x, fill):
        who = type(self).__name__
        x = _check_input(x, who)
        out_hw = _out_hw(who, x, self.kernel_size, self.stride, self.padding, (1, 1))
        (ph, pw) = self.padding
        xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill) if ph or pw else x
        return _windows(xp, self.kernel_size, self.stride, (1, 1), out_hw), xp.shape, x.shape, out_hw, x.dtype

    def _grad_input(self, grad_windows, padded_shape, x_shape, out_hw):
        dxp = _scatter(grad_windows, padded_shape, self.kernel_size, self.stride, (1, 1), out_hw)
        (ph, pw) = self.padding
        return dxp[:, :, ph: ph + x_shape[2], pw: pw + x_shape[3]]

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """Largest value of each window. (N, C, H, W) -> (N, C, Ho, Wo); the gradient goes to the arg-max."""

    def forward(self, x):
        win, padded_shape, x_shape, out_hw, dtype = self._windows(x, -np.inf)
        flat = win.reshape(*win.shape[:4], -1)
        idx = flat.argmax(axis=-1)
        self._cache = (idx, padded_shape, x_shape, out_hw, dtype)
        return np.take_along_axis(flat, idx[..., None], axis=-1)[..., 0]

    def backward(self, grad_output):
        require_forward(self._cache, "MaxPool2d")
        idx, padded_shape, x_shape, out_hw, dtype = self._cache
        g = as_float_array(grad_output, "MaxPool2d.backward", "grad_output", dtype=dtype)
        check_grad_shape(g, idx.shape, "MaxPool2d")
        k = self.kernel_size[0] * self.kernel_size[1]
        grad_windows = (g[..., None] * (idx[..., None] == np.arange(k))).reshape(*idx.shape, *self.kernel_size)
        return self._grad_input(grad_windows, padded_shape, x_shape, out_hw)


class AvgPool2d(_Pool2d):
    """Mean of each window (padding counts as zeros, torch's default). (N, C, H, W) -> (N, C, Ho, Wo)."""

    def forward(self, x):
        win, padded_shape, x_shape, out_hw, dtype = self._windows(x, 0.0)
        self._cache = (padded_shape, x_shape, out_hw, dtype)
        return win.mean(axis=(-2, -1))

    def backward(self, grad_output):
        require_forward(self._cache, "AvgPool2d")
        padded_shape, x_shape, out_hw, dtype = self._cache
        g = as_float_array(grad_output, "AvgPool2d.backward", "grad_output", dtype=dtype)
        check_grad_shape(g, (*x_shape[:2], *out_hw), "AvgPool2d")
        k = self.kernel_size[0] * self.kernel_size[1]
        grad_windows = np.broadcast_to((g / k)[..., None, None], (*g.shape, *self.kernel_size))
        return self._grad_input(grad_windows, padded_shape, x_shape, out_hw)
