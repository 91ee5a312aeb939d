"""Checks for lesson 13, the FAQ: predict a cost and a gradient, then run the code to see it."""
import math

from ._key import S
from ._core import exercise, _Wrong, _close, _name_mistake, _number, _same_count

# Conv2d(8, 16, kernel_size=3, padding=1) on one 8 x 16 x 16 input: known wrong counts and what they forget
_MAC_MISTAKES = {
    1152: "1,152 is the number of weights: each weight is used once per output position, so multiply by the "
          "16 × 16 positions.",
    1168: "1,168 is the parameter count (weights and biases); the MACs count the multiplications a forward pass does: "
          "every weight at every output position.",
    36864: "you left out the 8 input channels: each output value sums over 8 × 3 × 3 inputs.",
    18432: "you left out the 16 output channels: each of the 16 filters runs over the whole map.",
    225792: "that is a 14 × 14 output; padding=1 keeps the 3 × 3 convolution's output at 16 × 16.",
    299008: "299,008 = 294,912 + 4,096: you counted the bias additions too (one per output value); a MAC count, like "
            "dl.compare.macs_per_sample's, leaves them out: it counts the multiplications of an input by a weight.",
    589824: "you counted the multiplication and the addition separately (that is FLOPs, about 2 × MACs); one "
            "multiply-accumulate is one MAC.",
}


@exercise("Each output value is one filter applied to one position: in_channels × 3 × 3 multiply-accumulates. "
          "Count the output values: out_channels × output height × output width.")
def ex13_conv_macs(answer):
    got = _number(answer, "a whole number")
    if not S.ex13_conv_macs.matches(got, rtol=1e-12) and got in _MAC_MISTAKES:
        raise _Wrong(_MAC_MISTAKES[int(got)])
    _same_count(answer, S.ex13_conv_macs, verb="counted")
    return ("right: 16 × 16 × 16 outputs, each 8 × 3 × 3 MACs. The layer has only 1,168 parameters: a convolution "
            "is cheap in parameters and expensive in compute.")


@exercise("With p = sigmoid(z): MSE (p - t)^2 has dL/dz = 2 (p - t) p (1 - p); binary cross-entropy has "
          "dL/dz = p - t. Here z = 4 and the target t is 0.")
def ex13_confident_wrong_gradients(answer):
    if not isinstance(answer, dict) or set(answer) != {"mse", "cross_entropy"}:
        raise _Wrong("expected a dict with the keys 'mse' and 'cross_entropy'.")
    mse = _number(answer["mse"], "a number for 'mse'")
    ce = _number(answer["cross_entropy"], "a number for 'cross_entropy'")
    want_mse, want_ce = S.ex13_confident_wrong_gradients["mse"], S.ex13_confident_wrong_gradients["cross_entropy"]
    p = 1 / (1 + math.exp(-4.0))
    if math.isclose(ce, 0.98, rel_tol=1e-3) or math.isclose(mse, 2 * 0.98 * 0.98 * 0.02, rel_tol=1e-3):
        raise _Wrong("you rounded p too early: p = sigmoid(4) = 0.982014; with p = 0.98 the factor 1 - p is 0.02 "
                     "instead of 0.01799, 11% too large. Keep all the digits until the end.")
    if want_ce.matches(-ce, rtol=1e-3) and want_mse.matches(-mse, rtol=1e-3):
        raise _Wrong("both signs are flipped: the model says 'yes' (z = 4) for a 'no', so the loss falls as z falls; "
                     "the gradient dL/dz is positive.")
    _name_mistake(ce, [(p - 1, "cross_entropy: you used the target 1; here the right answer is 'no' (t = 0)."),
                       (-p, "cross_entropy: the sign is flipped; dL/dz = p - t = p for t = 0.")])
    _close(ce, want_ce, "cross-entropy gradient", rtol=1e-3)
    _name_mistake(mse, [(2 * (p - 1) * p * (1 - p), "mse: you used the target 1; here t = 0."),
                        (2 * p, "mse: that is dL/dp; the chain rule multiplies by dp/dz = p (1 - p)."),
                        (p * p * (1 - p), "mse: d/dp of (p - t)^2 is 2 (p - t); the factor 2 is missing.")])
    if want_mse.matches(-mse, rtol=1e-3):
        raise _Wrong("mse: the sign is flipped; pushing z down lowers this loss, so dL/dz > 0.")
    _close(mse, want_mse, "MSE gradient", rtol=1e-3)
    return (f"right: cross-entropy pushes back with {ce:.3f}, MSE with only {mse:.3f}, about 28 times less: "
            "p (1 - p) is small exactly when the model is confidently wrong.")


__all__ = ["ex13_conv_macs", "ex13_confident_wrong_gradients"]
