"""Checks for lesson 06, CNNs for images."""
import numpy as np

from .. import solutions as S
from ._core import exercise, _call, _same_array, _same_count


@exercise("output = floor((H + 2 p - d (k - 1) - 1) / s) + 1 with H = 28, k = 5, s = 2, p = 1, d = 1.")
def ex06_output_size(answer):
    _same_count(answer, S.ex06_output_size, verb="got")
    return "13 × 13."


@exercise("Each of the 16 filters has in_channels × 5 × 5 weights, plus one bias per filter.")
def ex06_conv_parameters(answer):
    _same_count(answer, S.ex06_conv_parameters)
    return "1216: a dense layer between two 32×32×3 images would need over 9 million."


@exercise("Reshape (H, W) to (H/2, 2, W/2, 2) and take the max over axes 1 and 3, or loop over 2×2 blocks.")
def ex06_max_pool(answer):
    img = np.random.default_rng(4).standard_normal((6, 8))
    _same_array(_call(answer, img), S.ex06_max_pool(img), "pooled image")
    return "each output keeps the strongest response of its 2×2 block."
