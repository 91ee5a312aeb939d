"""Checks for lesson 00, welcome and set-up."""
import numpy as np

from .. import solutions as S
from ._core import exercise, _Wrong, _array, _close, _number, _same_shape


@exercise("np.zeros takes the shape as a tuple: np.zeros((rows, cols)).")
def ex00_zeros(answer):
    arr = _array(answer, (3, 4))
    if np.any(arr != 0):
        raise _Wrong("the shape is right but some entries are not 0.")
    return "a (3, 4) array of zeros."


@exercise("(a, b) @ (b, c) gives (a, c): the inner sizes must agree and disappear.")
def ex00_matmul_shape(answer):
    _same_shape(answer, S.ex00_matmul_shape)
    return "(5, 3) @ (3, 2) -> (5, 2)."


@exercise("Call dl.seed(7) in the same cell, right before np.random.rand().")
def ex00_seeded_draw(answer):
    _close(_number(answer), S.ex00_seeded_draw, "number")
    return "same seed, same number: that is what makes the course reproducible."
