"""Lesson 13 exercises: the typical wrong answers get feedback that names the mistake."""
import math

import numpy as np
import pytest

from dlcourse import check

P = 1 / (1 + math.exp(-4.0))  # sigmoid(4), the exercise's confident "yes"
RIGHT = {"mse": 2 * P * P * (1 - P), "cross_entropy": P}


def test_conv_macs_right_answer_any_integer_type():
    assert check.ex13_conv_macs(294_912)
    assert check.ex13_conv_macs(np.int64(294_912))
    assert check.ex13_conv_macs(294_912.0)


@pytest.mark.parametrize("wrong, says", [
    (1152, "number of weights"), (1168, "parameter count"), (36864, "8 input channels"),
    (18432, "16 output channels"), (225792, "padding=1"), (589824, "FLOPs"), (299008, "bias additions"),
])
def test_conv_macs_names_the_mistake(wrong, says):
    fb = check.ex13_conv_macs(wrong)
    assert not fb and says in repr(fb) and "Hint" in repr(fb)


def test_conv_macs_other_wrong_numbers_are_just_wrong():
    fb = check.ex13_conv_macs(294_913)
    assert not fb and "you counted 294913" in repr(fb)
    assert "np.int64" not in repr(check.ex13_conv_macs(np.int64(1000)))
    assert check.ex13_conv_macs(None).status == "unanswered"


def test_gradients_right_answer_within_the_stated_tolerance():
    assert check.ex13_confident_wrong_gradients(RIGHT)
    assert check.ex13_confident_wrong_gradients({"mse": 0.0347, "cross_entropy": 0.982})  # rounded by hand
    assert not check.ex13_confident_wrong_gradients({"mse": 0.036, "cross_entropy": 0.982})


@pytest.mark.parametrize("mse, ce, says", [
    (-RIGHT["mse"], -P, "both signs are flipped"),
    (RIGHT["mse"], P - 1, "cross_entropy: you used the target 1"),
    (RIGHT["mse"], -P, "cross_entropy: the sign is flipped"),
    (2 * (P - 1) * P * (1 - P), P, "mse: you used the target 1"),
    (2 * P, P, "chain rule"),
    (P * P * (1 - P), P, "factor 2 is missing"),
    (-RIGHT["mse"], P, "mse: the sign is flipped"),
])
def test_gradients_name_the_mistake(mse, ce, says):
    fb = check.ex13_confident_wrong_gradients({"mse": mse, "cross_entropy": ce})
    assert not fb and says in repr(fb), repr(fb)


@pytest.mark.parametrize("answer, says", [
    ({"mse": 0.03}, "keys 'mse' and 'cross_entropy'"),
    ([0.03, 0.98], "keys 'mse' and 'cross_entropy'"),
    ({"mse": "0.03", "cross_entropy": 0.98}, "a number for 'mse'"),
])
def test_gradients_wrong_shape_of_answer(answer, says):
    fb = check.ex13_confident_wrong_gradients(answer)
    assert not fb and says in repr(fb)


@pytest.mark.parametrize("mse, ce", [
    (2 * 0.98 * 0.98 * 0.02, 0.98),       # p = 0.98 everywhere
    (2 * 0.98 * 0.98 * 0.02, P),          # only the MSE from the rounded p
    (RIGHT["mse"], 0.98),                 # only the cross-entropy from the rounded p
])
def test_gradients_rounded_p_is_named(mse, ce):
    fb = check.ex13_confident_wrong_gradients({"mse": mse, "cross_entropy": ce})
    assert not fb and "rounded p too early" in repr(fb), repr(fb)
