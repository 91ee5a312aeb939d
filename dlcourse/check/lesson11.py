"""Checks for lesson 11, comparing architectures."""
import numpy as np

from ._key import S
from ._core import exercise, _Wrong, _call, _matches, _name_mistake, _number, _same_array, _same_count, _rng


@exercise("Go layer by layer: first find each layer's output length with floor((L + 2p - k) / s) + 1, then "
          "what one output position of that layer costs, then remember the layer after the convolutions.")
def ex11_conv1d_macs(answer):
    got = _number(answer, "a whole number of MACs")
    per_position, head = (25 * 1 * 5, 25 * 25 * 3, 25 * 25 * 3), 250 * 10
    macs = lambda lengths, per=per_position: sum(n * m for n, m in zip(lengths, per))
    _name_mistake(got, [
        (float(macs((19, 10, 5)) + 1_250), "that is the CNN on 40 values, the one in the lesson's tables; this "
                                            "question is about signals of 80 values."),
        (5_210.0 + 1_250, "that is the parameter count. A convolution reuses its weights at every output position, "
                          "so its MACs are its weights times the number of positions."),
        (float(sum(per_position) + head), "you counted each layer's weights once; a Conv1d applies them at every "
                                          "output position (39, 20 and 10 of them)."),
        (float(macs((39, 20, 10))), "you left out the final Linear(250, 10): its 2,500 MACs belong to the forward pass."),
        (float(macs((40, 20, 10)) + head), "the first layer has 39 output positions, not 40: "
                                           "floor((80 + 2 - 5) / 2) + 1 = 39."),
        (float(macs((80, 39, 20)) + head), "you multiplied each layer by its *input* length; count its *output* "
                                           "positions (39, 20, 10)."),
        (2.0 * (macs((19, 10, 5)) + 1_250), "doubling the 40-value count misses one position: the first layer has 39 "
                                            "output positions on 80 values, not 2 x 19 = 38. Count the lengths again."),
        (float(macs((39, 20, 10)) + head + 25 * (39 + 20 + 10) + 10),
         "you added the biases; they are additions, not multiply-accumulates (the question leaves them out)."),
        (float(macs((38, 18, 8)) + 25 * 8 * 10), "you left out the padding of 1: with it the lengths are "
                                                  "floor((L + 2 - k) / 2) + 1, i.e. 39, 20, 10."),
        (float(macs((39, 20, 10), (5 * 25, 3 * 25, 3 * 25)) + head),
         "a Conv1d with 25 input channels sums over all of them: C_out * C_in * k per position, not C_out * k."),
    ], rtol=1e-12)
    _same_count(got, S.ex11_conv1d_macs)
    return ("63,625 MACs per signal of 80 values, about twice the 31,750 for 40: the convolutions' cost grows with "
            "the length, their 3,950 weights do not. dl.compare.macs_per_sample counts the same.")


@exercise("Per direction and per gate: an input weight (hidden_size x input_size), a recurrent weight "
          "(hidden_size x hidden_size) and two bias vectors of hidden_size (torch keeps b_ih and b_hh). "
          "Three gates; a bidirectional layer has two directions.")
def ex11_gru_params(answer):
    cases = [(1, 6, True), (3, 5, False), (4, 7, True), (2, 3, False)]
    for i, h, bi in cases:
        got = _number(_call(answer, i, h, bi), "a whole number")
        d = 2 if bi else 1
        _name_mistake(got, [
            (float(d * 3 * (h * i + h * h + h)), f"gru_params({i}, {h}, {bi}): torch's GRU has two bias vectors per "
                                                 "gate (b_ih and b_hh), not one."),
            (float(3 * (h * i + h * h + 2 * h)) if bi else -1.0,
             f"gru_params({i}, {h}, {bi}): a bidirectional layer has a second set of weights for the backward direction."),
            (float(d * 4 * (h * i + h * h + 2 * h)), f"gru_params({i}, {h}, {bi}): four gates is an LSTM; a GRU has three."),
            (float(d * 3 * (h * i + 2 * h)), f"gru_params({i}, {h}, {bi}): you left out the recurrent weights "
                                             "(hidden_size x hidden_size per gate)."),
            (float(d * 3 * (h * i + h * h)), f"gru_params({i}, {h}, {bi}): you left out the biases; torch gives each "
                                             "gate two bias vectors (b_ih and b_hh)."),
            (5_134.0 if (i, h, bi) == (1, 6, True) else -1.0,
             f"gru_params({i}, {h}, {bi}): 5,134 is the whole SignalRecurrentNet, Linear head included; "
             "count only the GRU layer."),
        ], rtol=1e-12)
        _same_count(got, S.ex11_gru_params(i, h, bi), f"counted, for gru_params({i}, {h}, {bi}),")
    return ("3 gates x (h * in + h * h + 2h) per direction: the paper's GRU (in 1, h 6, both directions) has 324, "
            "and its Linear head on all 480 outputs has 4,810 more.")


@exercise("Write what the shuffled layer computes as a sum over j of weight[:, j] * x[permutation[j]]. Which input "
          "does column j multiply? Put that column where the real signal keeps that input.")
def ex11_unshuffle_weights(answer):
    rng = _rng(11)
    weight, permutation = rng.standard_normal((5, 8)), rng.permutation(8)
    while (permutation[permutation] == np.arange(8)).all():  # a permutation that is its own inverse tells nothing
        permutation = rng.permutation(8)
    got = _call(answer, weight, permutation)
    if _matches(got, weight[:, permutation]):
        raise _Wrong("that permutes the columns the way the inputs were shuffled, which is the other direction: "
                     "column j of the shuffled layer multiplies input permutation[j], so it must move *to* "
                     "position permutation[j] (np.argsort(permutation) undoes a permutation).")
    if _matches(got, weight):
        raise _Wrong("the weights are unchanged; they were learnt for shuffled inputs, so each column belongs to "
                     "another position of the real signal.")
    _same_array(got, S.ex11_unshuffle_weights(weight, permutation), "weights for the real signals")
    return ("a shuffle only renames an MLP's inputs, and renaming its weights undoes it: nothing is lost. "
            "No such renaming exists for a convolution's windows of neighbours.")
