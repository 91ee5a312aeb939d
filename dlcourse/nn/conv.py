"""2-D convolution, transposed convolution and pooling, shaped like torch.nn (NCHW), vectorized with slices.

A convolution works on its input moved to a (C, H, W, N) layout, batch last: then the values one kernel
offset meets, for every output position and sample, form a few long runs of memory. Forward copies
them into columns with one slice-copy per kernel offset (kh * kw of them, "im2col") and does one
matrix product; backward adds gradients back with one slice-add per kernel offset ("col2im"). There
is no loop over pixels, samples or channels. A transposed convolution uses the same two steps the
other way round. Pools keep NCHW and take the same per-offset slices directly.
"""
import numpy as np

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


def _offset_slices(kernel, stride, dilation, out_hw, lead):
    """One index per kernel offset (i, j), row-major: the (Ho, Wo) grid of padded-input values that offset
    meets, in an array with ``lead`` axes before H and W (2 for (N, C, H, W), 1 for (C, H, W, N))."""
    (ho, wo), (sh, sw), (dh, dw) = out_hw, stride, dilation
    return [(slice(None),) * lead + (slice(i * dh, i * dh + sh * (ho - 1) + 1, sh),
                                     slice(j * dw, j * dw + sw * (wo - 1) + 1, sw))
            for i in range(kernel[0]) for j in range(kernel[1])]


def _scatter(parts, padded_shape, slices, dtype):
    """Adjoint of reading ``xp[s] for s in slices``: a zero array of ``padded_shape`` plus each part at its slice."""
    dxp = np.zeros(padded_shape, dtype)
    for s, part in zip(slices, parts):
        dxp[s] += part
    return dxp


def _to_chwn(x, padding):
    """(N, C, H, W) -> zero-padded (C, H + 2 ph, W + 2 pw, N), one copy."""
    n, c, h, w = x.shape
    (ph, pw) = padding
    xp = (np.zeros if ph or pw else np.empty)((c, h + 2 * ph, w + 2 * pw, n), x.dtype)
    xp[:, ph: ph + h, pw: pw + w] = x.transpose(1, 2, 3, 0)
    return xp


def _from_chwn(a, block_bytes=32768):
    """(C, H, W, N) -> contiguous (N, C, H, W), copied in blocks of about ``block_bytes`` (an L1 cache).

    Done in one go, the copy reads with a stride of N values and, once the array outgrows the cache,
    misses it at almost every element (5-10x slower for (64, 8, 28, 28)); a block stays in the cache.
    """
    c, h, w, n = a.shape
    out = np.empty((n, c, h, w), a.dtype)
    step = max(1, block_bytes // (w * n * a.itemsize))  # rows of one channel per block
    for ci in range(c):
        for r in range(0, h, step):
            out[:, ci, r: r + step] = a[ci, r: r + step].transpose(2, 0, 1)
    return out


def _im2col(xp, slices):
    """Columns (kh kw C, Ho Wo N) of a padded (C, Hp, Wp, N) input: row (i, j, c) holds channel c at kernel
    offset (i, j) for every output position and sample."""
    first = xp[slices[0]]
    cols = np.empty((len(slices), *first.shape), xp.dtype)
    for k, s in enumerate(slices):
        cols[k] = xp[s]
    return cols.reshape(-1, first[0].size)


def _col2im(cols, padded_shape, slices, out_hw):
    """Adjoint of _im2col: add columns (kh kw C, Ho Wo N) onto a zero (C, Hp, Wp, N) array of ``padded_shape``."""
    parts = cols.reshape(len(slices), padded_shape[0], *out_hw, padded_shape[-1])
    return _scatter(parts, padded_shape, slices, cols.dtype)


def _kernel_matrix(weight):
    """(A, B, kh, kw) weight -> (A, kh kw B), its columns in _im2col's row order."""
    return weight.transpose(0, 2, 3, 1).reshape(weight.shape[0], -1)


def _kernel_grad(matrix, shape):
    """Inverse of _kernel_matrix: (A, kh kw B) -> (A, B, kh, kw) of ``shape``."""
    a, b, kh, kw = shape
    return matrix.reshape(a, kh, kw, b).transpose(0, 3, 1, 2)


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
    ``bias`` is keyword-only: torch's argument in that position is ``groups``, which is not implemented.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, *, bias=True):
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
        xp = _to_chwn(x, self.padding)
        slices = _offset_slices(self.kernel_size, self.stride, self.dilation, out_hw, lead=1)
        # one column per output pixel and sample, then a single matrix product
        cols = _im2col(xp, slices)  # (kh kw C_in, Ho Wo N)
        out = _kernel_matrix(self.weight.data) @ cols  # (C_out, Ho Wo N)
        if self.bias is not None:
            out += self.bias.data[:, None]
        self._cache = (cols, xp.shape, x.shape, out_hw, slices)
        return _from_chwn(out.reshape(self.out_channels, *out_hw, x.shape[0]))

    def backward(self, grad_output):
        require_forward(self._cache, "Conv2d")
        cols, padded_shape, x_shape, out_hw, slices = self._cache
        g = as_float_array(grad_output, "Conv2d.backward", "grad_output", dtype=cols.dtype)
        check_grad_shape(g, (x_shape[0], self.out_channels, *out_hw), "Conv2d")
        g2 = g.transpose(1, 2, 3, 0).reshape(self.out_channels, -1)  # (C_out, Ho Wo N), cols' layout
        # (cols g2^T)^T rather than g2 cols^T: BLAS runs this shape (a long sum, a small result) faster
        # with the long axis down the rows of its first operand (~1.5x for the bench's layers)
        self.weight.grad += _kernel_grad((cols @ g2.T).T, self.weight.shape)
        if self.bias is not None:
            self.bias.grad += g2.sum(axis=1)
        dxp = _col2im(_kernel_matrix(self.weight.data).T @ g2, padded_shape, slices, out_hw)
        (ph, pw) = self.padding
        return _from_chwn(dxp[:, ph: ph + x_shape[2], pw: pw + x_shape[3]])

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
    ``bias`` and ``dilation`` are keyword-only: torch's argument in their position is ``groups``.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, *,
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
        rows = x.transpose(1, 2, 3, 0).reshape(self.in_channels, -1)  # (C_in, H W N)
        # each input pixel's (kh, kw, C_out) stamp, (kh kw C_out, H W N), added onto the padded output
        # where a Conv2d would have read its window
        stamps = _kernel_matrix(self.weight.data).T @ rows
        slices = _offset_slices(self.kernel_size, self.stride, self.dilation, (h, w), lead=1)
        full = _col2im(stamps, (self.out_channels, out_hw[0] + 2 * ph, out_hw[1] + 2 * pw, n), slices, (h, w))
        out = full[:, ph: ph + out_hw[0], pw: pw + out_hw[1]]
        if self.bias is not None:
            out += self.bias.data[:, None, None, None]
        self._cache = (rows, x.shape, out_hw, slices)
        return _from_chwn(out)

    def backward(self, grad_output):
        require_forward(self._cache, "ConvTranspose2d")
        rows, x_shape, out_hw, slices = self._cache
        g = as_float_array(grad_output, "ConvTranspose2d.backward", "grad_output", dtype=rows.dtype)
        check_grad_shape(g, (x_shape[0], self.out_channels, *out_hw), "ConvTranspose2d")
        if self.bias is not None:
            self.bias.grad += g.sum(axis=(0, 2, 3))
        # the window each input pixel stamped onto: a Conv2d forward over the output gradient
        gcols = _im2col(_to_chwn(g, self.padding), slices)  # (kh kw C_out, H W N)
        self.weight.grad += _kernel_grad((gcols @ rows.T).T, self.weight.shape)  # faster order, as in Conv2d
        dx = _kernel_matrix(self.weight.data) @ gcols  # (C_in, H W N)
        return _from_chwn(dx.reshape(self.in_channels, *x_shape[2:], x_shape[0]))

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

    def _padded(self, x, fill):
        """Padded input, input shape, output (Ho, Wo) and the per-offset slices of the windows."""
        who = type(self).__name__
        x = _check_input(x, who)
        out_hw = _out_hw(who, x, self.kernel_size, self.stride, self.padding, (1, 1))
        (ph, pw) = self.padding
        xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill) if ph or pw else x
        return xp, x.shape, out_hw, _offset_slices(self.kernel_size, self.stride, (1, 1), out_hw, lead=2)

    def _grad_input(self, parts, padded_shape, x_shape, slices, dtype):
        dxp = _scatter(parts, padded_shape, slices, dtype)
        (ph, pw) = self.padding
        return dxp[:, :, ph: ph + x_shape[2], pw: pw + x_shape[3]]

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """Largest value of each window. (N, C, H, W) -> (N, C, Ho, Wo); the gradient goes to the arg-max."""

    def forward(self, x):
        xp, x_shape, _, slices = self._padded(x, -np.inf)
        out = xp[slices[0]].copy()
        for s in slices[1:]:  # elementwise maxima of whole slices: no per-window loop, no copy of the windows
            np.maximum(out, xp[s], out=out)  # NaN wins, as in torch
        self._cache = (xp, out, x_shape, slices)
        return out.copy()

    def backward(self, grad_output):
        require_forward(self._cache, "MaxPool2d")
        xp, out, x_shape, slices = self._cache
        g = as_float_array(grad_output, "MaxPool2d.backward", "grad_output", dtype=xp.dtype)
        check_grad_shape(g, out.shape, "MaxPool2d")
        has_nan = np.isnan(out).any()
        free = np.ones(out.shape, dtype=bool)  # windows whose arg-max is still to be found
        hit = np.empty(out.shape, dtype=bool)

        def parts():  # each window's gradient goes to its first maximum (a NaN if it has one), as argmax picks
            for s in slices:
                np.equal(xp[s], out, out=hit)
                if has_nan:
                    np.logical_or(hit, np.isnan(xp[s]), out=hit)
                np.logical_and(hit, free, out=hit)
                np.logical_xor(free, hit, out=free)
                yield g * hit

        return self._grad_input(parts(), xp.shape, x_shape, slices, xp.dtype)


class AvgPool2d(_Pool2d):
    """Mean of each window (padding counts as zeros, torch's default). (N, C, H, W) -> (N, C, Ho, Wo)."""

    def forward(self, x):
        xp, x_shape, out_hw, slices = self._padded(x, 0.0)
        out = xp[slices[0]].copy()
        for s in slices[1:]:
            out += xp[s]
        out /= len(slices)
        self._cache = (xp.shape, x_shape, out_hw, slices, xp.dtype)
        return out

    def backward(self, grad_output):
        require_forward(self._cache, "AvgPool2d")
        padded_shape, x_shape, out_hw, slices, dtype = self._cache
        g = as_float_array(grad_output, "AvgPool2d.backward", "grad_output", dtype=dtype)
        check_grad_shape(g, (*x_shape[:2], *out_hw), "AvgPool2d")
        part = g / len(slices)  # every value of a window gets an equal share
        return self._grad_input([part] * len(slices), padded_shape, x_shape, slices, dtype)
