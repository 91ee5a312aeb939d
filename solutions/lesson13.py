"""Reference solutions for lesson 13, the FAQ."""
import math

ex13_conv_macs = (16 * 16 * 16) * (8 * 3 * 3)  # 294,912: every output value (C_out x H x W) costs C_in x k x k MACs

_p = 1 / (1 + math.exp(-4.0))  # sigmoid(4): the model says "yes" with 98% for a "no" (t = 0)
ex13_confident_wrong_gradients = {"mse": 2 * _p * _p * (1 - _p),   # 2 (p - t) * p (1 - p)
                                  "cross_entropy": _p}             # p - t
