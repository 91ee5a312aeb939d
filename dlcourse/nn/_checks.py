"""Input checks that turn shape and dtype mistakes into messages a learner can act on."""
import numpy as np


def as_float_array(x, who, name="input"):
    """``x`` as a float64 array; TypeError naming ``who`` for anything non-numeric."""
    if x is None:
        raise TypeError(f"{who} got None as {name}: pass a NumPy array")
    if hasattr(x, "detach") and hasattr(x, "numpy"):  # a torch tensor
        raise TypeError(f"{who} got a torch.Tensor as {name}: the NumPy engine takes NumPy arrays; "
                        "use tensor.detach().cpu().numpy()")
    arr = np.asarray(x)
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{who} expects a real-valued numeric array as {name}, got dtype {arr.dtype}")
    return arr.astype(np.float64, copy=False)


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
