"""Checks for lesson 00, welcome and set-up."""
import numpy as np

from ._key import S
from ._core import exercise, _Wrong, _array, _close, _number, _same_shape


@exercise("np.zeros takes the shape as a tuple: np.zeros((rows, cols)).")
def ex00_zeros(answer):
    try:
        arr = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        arr = None
    if arr is not None and arr.shape == (4, 3):
        raise _Wrong("your array has 4 rows and 3 columns: NumPy's shapes list rows first, then columns.")
    arr = _array(answer, (3, 4))
    if np.any(arr != 0):
        raise _Wrong("the shape is right but some entries are not 0.")
    return "3 rows, 4 columns, all zeros."


@exercise("(a, b) @ (b, c) gives (a, c): the inner sizes must agree and disappear.")
def ex00_matmul_shape(answer):
    if isinstance(answer, tuple) and answer in ((5, 3), (3, 2), (3, 3)):
        raise _Wrong(f"{answer} keeps a size that the product uses up: the shared inner size 3 disappears.")
    if isinstance(answer, tuple) and S.ex00_matmul_shape.matches(answer[::-1]):
        raise _Wrong("rows and columns are swapped: the rows come from A, the columns from B.")
    _same_shape(answer, S.ex00_matmul_shape)
    return "the inner size 3 is summed over and disappears."


@exercise("Call dl.seed(7) in the same cell, right before np.random.rand().")
def ex00_seeded_draw(answer):
    value = _number(answer)
    if not 0 <= value < 1:
        raise _Wrong(f"np.random.rand() draws from [0, 1); {value:g} cannot come from it.")
    _close(value, S.ex00_seeded_draw, "number")
    return "same seed, same number: that is what makes the course reproducible."
