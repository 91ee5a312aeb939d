"""Input checks that turn shape and dtype mistakes into messages a learner can act on."""
import numpy as np


FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def float_dtype(dtype):
    """The dtype an array of ``dtype`` is computed in: float32 and float64 stay, anything else becomes float64."""
    dtype = np.dtype(dtype)
    return dtype if dtype in FLOAT_DTYPES else np.dtype(np.float64)


def as_dtype(dtype, who):
    """float32 or float64 as a NumPy dtype, from np.float32, np.dtype, 'float32' or torch.float32 (and float64)."""
    text = str(dtype)
    if text.startswith("torch."):  # torch.float32 -> 'float32', without importing torch
        dtype = text[len("torch."):]
    try:
        dt = None if dtype is None else np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt not in FLOAT_DTYPES:  # (np.dtype == None is True: None means float64 to NumPy)
        raise (TypeError if dt is None else ValueError)(
            f"{who}: dtype must be float32 or float64 (np.float32, 'float32', torch.float32 or the float64 "
            f"versions), got {dtype!r}")
    return dt


def as_float_array(x, who, name="input", dtype=None):
    """``x`` as a float array of ``dtype``; TypeError naming ``who`` for anything non-numeric.

    ``dtype=None`` keeps float32 and float64 input as it is and turns integers (and other floats) into
    float64; a layer with parameters passes their dtype, so its input is cast to it (see ``Module``).
    """
    if x is None:
        raise TypeError(f"{who} got None as {name}: pass a NumPy array")
    if hasattr(x, "detach") and hasattr(x, "numpy"):  # a torch tensor
        raise TypeError(f"{who} got a torch.Tensor as {name}: the NumPy engine takes NumPy arrays; "
                        "use tensor.detach().cpu().numpy()")
    arr = np.asarray(x)
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{who} expects a real-valued numeric array as {name}, got dtype {arr.dtype}")
    return arr.astype(float_dtype(arr.dtype) if dtype is None else dtype, copy=False)


def positive_int(value, who, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{who}: {name} must be a positive integer, got {value!r}")
    return int(value)


def check_grad_shape(grad_output, expected_shape, who):
    """backward's upstream gradient must have the shape forward returned."""
    if grad_output.shape != tuple(expected_shape):
        raise ValueError(f"{who}.backward got grad_output of shape {tuple(grad_output.shape)}; "
                         f"it must match the forward output, shape {tuple(expected_shape)}")


def require_forward(cache, who):
    if cache is None:
        raise RuntimeError(f"{who}.backward called before forward: run the forward pass first "
                           "(backward needs the values forward stored)")
