"""Weight initialisation, named and parameterised like ``torch.nn.init``.

Each ``*_`` function fills a ``Parameter`` (or a float ``ndarray``) in place with draws from
NumPy's global generator, so ``dlcourse.seed(n)`` makes it reproducible, and returns it.

Why the scale matters: a unit ``z = sum_j w_j x_j`` over ``fan_in`` independent inputs has
``Var(z) = fan_in * Var(w) * E[x^2]``. Keeping that equal to the previous layer's variance, layer
after layer, is what Xavier/Glorot (``Var(w) = 2 / (fan_in + fan_out)``, for activations that pass
the whole signal near 0, such as tanh) and He/Kaiming (``Var(w) = 2 / fan_in``: ReLU zeroes half of
its inputs, so ``E[x^2]`` is half the variance before it) are built on.
"""
import math
import numbers

import numpy as np

from .module import Parameter

_GAIN_ONE = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
             "conv_transpose3d", "sigmoid")
NONLINEARITIES = _GAIN_ONE + ("tanh", "relu", "leaky_relu", "selu")


def calculate_gain(nonlinearity, param=None):
    """Recommended std multiplier for ``nonlinearity``, torch's table.

    1 for linear/conv layers and sigmoid, 5/3 for tanh, sqrt(2) for relu,
    sqrt(2 / (1 + slope^2)) for leaky_relu (``param`` = negative slope, default 0.01), 3/4 for selu.
    """
    if nonlinearity in _GAIN_ONE:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, bool) or not isinstance(param, numbers.Real):
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a valid number")
        else:
            slope = float(param)
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; "
                     f"choose one of {', '.join(NONLINEARITIES)}")


def _array_of(tensor, who):
    """The float array behind ``tensor`` (a Parameter or an ndarray), written to in place."""
    arr = tensor.data if isinstance(tensor, Parameter) else tensor
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"{who} expects a dlcourse Parameter or a NumPy array, got {type(tensor).__name__}")
    if not np.issubdtype(arr.dtype, np.floating):
        raise TypeError(f"{who} fills a float array in place, got dtype {arr.dtype}")
    return arr


def _calculate_fan_in_and_fan_out(tensor):
    """``(fan_in, fan_out)`` of a weight: Linear ``(out, in)`` -> ``(in, out)``;
    Conv2d ``(out, in, kh, kw)`` -> ``(in * kh * kw, out * kh * kw)`` (torch's definition)."""
    shape = _array_of(tensor, "_calculate_fan_in_and_fan_out").shape
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out need a weight with at least 2 dimensions "
                         f"(out_features, in_features, ...), got shape {shape}")
    receptive_field = math.prod(shape[2:])
    return shape[1] * receptive_field, shape[0] * receptive_field


def _fan(tensor, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0):
    """Fill with U(a, b)."""
    arr = _array_of(tensor, "uniform_")
    if not a <= b:
        raise ValueError(f"uniform_ needs a <= b, got a={a}, b={b}")
    arr[...] = np.random.uniform(a, b, arr.shape)
    return tensor


def normal_(tensor, mean=0.0, std=1.0):
    """Fill with N(mean, std^2)."""
    arr = _array_of(tensor, "normal_")
    if not std >= 0:
        raise ValueError(f"normal_ needs std >= 0, got {std}")
    arr[...] = np.random.normal(mean, std, arr.shape)
    return tensor


def constant_(tensor, val):
    """Fill with ``val``."""
    _array_of(tensor, "constant_")[...] = val
    return tensor


def zeros_(tensor):
    """Fill with 0 (the usual start for biases)."""
    return constant_(tensor, 0.0)


def ones_(tensor):
    """Fill with 1 (e.g. a normalisation layer's scale)."""
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor, gain=1.0):
    """Glorot: U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)), so Var(w) = gain^2 * 2 / (fan_in + fan_out)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor, gain=1.0):
    """Glorot: N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """He: U(-b, b), b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).

    The defaults (leaky_relu with a = 0) give gain sqrt(2), i.e. He for ReLU. ``mode='fan_in'``
    keeps the forward signal's variance, ``'fan_out'`` the backward gradient's.
    """
    fan = _fan(tensor, mode)
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """He: N(0, std^2), std = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a)."""
    fan = _fan(tensor, mode)
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan))
