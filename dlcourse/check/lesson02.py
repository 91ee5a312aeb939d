"""Checks for lesson 02, activation functions."""
import math

import numpy as np

from ._key import S
from .._env import numpy_seed
from ._core import exercise, _LearnerError, _Wrong, _array, _call, _close, _number, _same_array, _rng


@exercise("The slope of ReLU is 1 where x > 0 and 0 elsewhere (torch uses 0 at exactly 0).")
def ex02_relu_grad(answer):
    x = np.array([-2.0, -0.5, 0.0, 0.3, 4.0])
    got = _array(_call(answer, x), x.shape, "derivative")
    if np.allclose(got, x >= 0):
        raise _Wrong("your slope at x = 0 is 1. ReLU has a kink there; torch (and this course) use 0, "
                     "so the condition is x > 0, not x >= 0.")
    if np.allclose(got, np.maximum(x, 0)):
        raise _Wrong("you returned ReLU itself, max(0, x); the exercise asks for its slope.")
    _same_array(got, S.ex02_relu_grad(x), "derivative")
    x = _rng(21).standard_normal(9)  # and a batch graders can draw anew (dl.check.grading)
    _same_array(_array(_call(answer, x), x.shape, "derivative"), S.ex02_relu_grad(x), "derivative")
    return "ReLU passes the gradient through where it is active and blocks it elsewhere."


@exercise("Subtract each row's max before np.exp; then divide by the row sums (axis=1, keepdims=True).")
def ex02_softmax(answer):
    # 4 x 3 on purpose: a missing keepdims cannot broadcast silently, a wrong axis cannot hide
    z = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 999.0], [-5.0, 0.0, 5.0], [0.0, 0.0, 0.0]])
    try:
        got = np.asarray(_call(answer, z), dtype=np.float64)
    except _LearnerError as e:
        if "broadcast" in str(e):
            raise _Wrong(f"your code raised {e}. A row max or row sum of shape (4,) does not line up "
                         "with (4, 3): keep the axis with keepdims=True, giving shape (4, 1).") from None
        raise
    if got.shape == z.shape and not np.all(np.isfinite(got)):
        bad = sorted({int(i) for i in np.argwhere(~np.isfinite(got))[:, 0]})
        if 1 in bad:
            raise _Wrong("your softmax gives NaN for the row [1000, 1000, 999]: exp(1000) overflows to inf "
                         "and inf / inf is NaN. Subtract each row's max before np.exp.")
        raise _Wrong(f"your softmax gives NaN in rows {bad}: you subtracted the max of the whole array, so "
                     "rows far below 1000 underflow to 0 / 0. Subtract each row's own max.")
    if got.shape == z.shape:
        e = np.exp(z - z.max(axis=0, keepdims=True))
        if np.allclose(got, e / e.sum(axis=0, keepdims=True)):
            raise _Wrong("each of your columns sums to 1: you normalised along axis 0. Each row holds one "
                         "sample's scores, so normalise along axis 1.")
        if np.allclose(got.sum(), 1.0):
            raise _Wrong("your whole array sums to 1: you divided by the sum of every entry. Each row "
                         "(one sample) must sum to 1: e.sum(axis=1, keepdims=True).")
    _same_array(got, S.ex02_softmax(z), "softmax")
    z = 3.0 * _rng(22).standard_normal((3, 5))  # and logits graders can draw anew (dl.check.grading)
    _same_array(_call(answer, z), S.ex02_softmax(z), "softmax of a (3, 5) array")
    return "each row is a probability vector, and logits of 1000 cause no overflow."


_OUTPUT_CHOICES = ("sigmoid", "softmax", "tanh", "relu", "identity")
_OUTPUT_MISTAKES = {
    ("tags", "softmax"): "softmax makes the tags compete: their probabilities sum to 1, so a photo of a dog on a "
                         "beach could not score high on both. Each tag is a yes/no question of its own.",
    ("tags", "tanh"): "tanh gives values in (-1, 1), not a probability in (0, 1).",
    ("tags", "relu"): "ReLU's output has no upper limit, so it is not a probability.",
    ("tags", "identity"): "the identity can output any number, not a probability in (0, 1).",
    ("steering", "sigmoid"): "the sigmoid's range is (0, 1): the car could never steer left (a negative command).",
    ("steering", "relu"): "ReLU cannot output a negative number: the car could never steer left.",
    ("steering", "identity"): "the identity can output commands beyond full left and full right; one function "
                              "has exactly the range (-1, 1).",
    ("steering", "softmax"): "softmax over a single output is always 1.",
    ("delay", "relu"): "ReLU cannot output a negative number, and an early train has a negative delay.",
    ("delay", "tanh"): "tanh squeezes every prediction into (-1, 1): no train could be more than a minute late.",
    ("delay", "sigmoid"): "the sigmoid squeezes every prediction into (0, 1): never early, never a minute late.",
    ("delay", "softmax"): "softmax over a single output is always 1.",
}


@exercise("Ask what range each target lives in: a probability for each tag on its own, a number between -1 and "
          "+1, any real number.")
def ex02_output_activation(answer):
    if not isinstance(answer, dict):
        raise _Wrong(f"expected a dict like {{'tags': ..., 'steering': ..., 'delay': ...}}, "
                     f"got {type(answer).__name__}.")
    missing = [task for task in S.ex02_output_activation.keys() if task not in answer]
    if missing:
        raise _Wrong(f"your dict has no key {', '.join(repr(t) for t in missing)}; answer for 'tags', 'steering' "
                     "and 'delay'.")
    problems = []
    for task, want in S.ex02_output_activation.items():
        got = str(answer[task]).strip().lower().replace("linear", "identity").replace("none", "identity")
        if got not in _OUTPUT_CHOICES:
            problems.append(f"{task}: {answer[task]!r} is not one of {', '.join(_OUTPUT_CHOICES)}.")
        elif not want.matches(got):
            problems.append(f"{task}: " + _OUTPUT_MISTAKES.get((task, got), "look again at the range this output "
                                                                            "must cover."))
    if problems:
        raise _Wrong(" ".join(problems))
    return ("the output activation follows from the range the target lives in. Several yes/no labels at once "
            "are several sigmoids, trained with BCEWithLogitsLoss on all outputs together.")


@exercise("Var(z) = fan_in * Var(w) * E[x^2]. A ReLU zeroes the negative half of a zero-mean input: what is "
          "E[relu(z)^2] compared with Var(z)? Then look for the Var(w) that makes the product 1.")
def ex02_init_predict(answer):
    from ..widgets.activation import INITS, gradient_through_depth  # widgets load slowly; only this check needs them
    chosen = {answer} if isinstance(answer, str) else set(answer) if isinstance(answer, (list, tuple, set)) else None
    if chosen is None or not chosen or not chosen <= set(INITS):
        raise _Wrong(f"answer with one of {', '.join(repr(i) for i in INITS)} (or a list of them), got {answer!r}.")
    rms = {i: gradient_through_depth("relu", 20, init=i)[-1] for i in INITS}
    alive = {i for i, v in rms.items() if 0.1 <= v <= 10}
    why = {"default": "torch's default has Var(w) = 1/(3 fan_in): with ReLU each layer keeps about 1/6 of the "
                      "variance",
           "xavier": "Xavier gives fan_in * Var(w) = 1 in a square layer, but ReLU then halves the variance: "
                     "each layer keeps about half"}
    wrong = sorted(chosen - alive)
    if wrong:
        raise _Wrong(" ".join(f"{why[i]}, and after 20 layers the RMS gradient is {rms[i]:.0e}." for i in wrong))
    if alive - chosen:
        raise _Wrong(f"you left out {', '.join(sorted(alive - chosen))}, which also keeps the gradient in range.")
    return ("fan_in * (2 / fan_in) * 1/2 = 1: the factor 2 repays exactly what ReLU zeroes. "
            "Now set the explorer below to each initialisation and compare.")


@exercise("Weights of a Linear(fan_in, fan_out) have shape (fan_out, fan_in); draw them with "
          "np.random.normal(0.0, std, shape) where std is the square root of the He variance 2 / fan_in.")
def ex02_he_normal(answer):
    fan_in, fan_out = 400, 150
    with numpy_seed(0):  # the verdict on a given function never changes between runs
        got = _call(answer, fan_in, fan_out)
    shape = np.shape(got)
    if shape == (fan_in, fan_out):
        raise _Wrong("your weight has shape (fan_in, fan_out); torch and dlcourse store a Linear weight as "
                     "(out_features, in_features), one row per output unit.")
    w = _array(got, (fan_out, fan_in), "weight")
    std, mean = w.std(), w.mean()
    for wrong_std, mistake in [(2 / fan_in, "that is the variance 2 / fan_in used as the std; take its square root"),
                               (math.sqrt(1 / fan_in), "that is sqrt(1 / fan_in): the factor 2 that makes up for "
                                                       "ReLU zeroing half the signal is missing"),
                               (math.sqrt(2 / fan_out), "that is sqrt(2 / fan_out): He (mode 'fan_in') divides by "
                                                        "the number of inputs each unit sums"),
                               (math.sqrt(2 / (fan_in + fan_out)), "that is Xavier's std, sqrt(2 / (fan_in + fan_out))")]:
        if math.isclose(std, wrong_std, rel_tol=0.03):
            raise _Wrong(f"for fan_in = {fan_in}, fan_out = {fan_out} your std is {std:.3g}: {mistake}.")
    if abs(mean) > 5 * std / math.sqrt(w.size):
        raise _Wrong(f"your weights average {mean:.3g}; they should be centred at 0.")
    _close(std, math.sqrt(2 / fan_in), "std", rtol=0.03)
    kurtosis = np.mean((w - mean) ** 4) / std ** 4 - 3
    if abs(kurtosis) > 0.3:
        raise _Wrong(f"the std is right, but the values are not normally distributed (excess kurtosis "
                     f"{kurtosis:.2f}; a normal has 0, a uniform -1.2). Use np.random.normal.")
    return "right shape, right scale, normal: the same recipe as dl.nn.init.kaiming_normal_(w, nonlinearity='relu')."


@exercise("Backward through one layer, g_in = W^T (sigmoid'(z) * g). In a square layer of n units with "
          "std(w) = c / sqrt(n), the variance is multiplied by n * (c^2 / n) * sigmoid'^2. Set that to 1 "
          "with sigmoid' at its largest value.")
def ex02_sigmoid_weight_scale(answer):
    c = _number(answer)
    for wrong, mistake in [(0.25, "0.25 is the sigmoid's largest slope; the weights must make up for it, not repeat it"),
                           (16.0, "16 is the factor the variance needs; the std is its square root"),
                           (1.0, "with c = 1 the weights pass the gradient on unchanged, but the sigmoid still "
                                 "takes away at least three quarters of its size"),
                           (2.0, "with c = 2 you squared c but not the slope: the variance is multiplied by "
                                 "c^2 * sigmoid'^2 = c^2 / 16"),
                           (math.sqrt(2), "sqrt(2) is He's gain for ReLU, which lets half the signal through; "
                                          "the sigmoid lets through at most a quarter of it")]:
        if math.isclose(c, wrong, rel_tol=1e-3):
            raise _Wrong(f"{mistake}.")
    _close(c, S.ex02_sigmoid_weight_scale, "c", rtol=1e-3)
    return ("even in that best case the weights would have to be this large, and large weights push z away from 0 "
            "where the sigmoid's slope is smaller still: deep sigmoid stacks cannot be rescued by scale alone.")
