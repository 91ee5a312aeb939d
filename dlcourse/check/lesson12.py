"""Checks for lesson 12, challenges and remedies."""
import numpy as np

from ._core import _call, _name_mistake, _same_array, _Wrong, exercise
from ._key import S


@exercise("Fresh Adam state: m = (1 - beta1) g and v = (1 - beta2) g^2, and the bias corrections divide them "
          "by (1 - beta1) and (1 - beta2), so the first step is lr * g / (|g| + eps). Adam + L2 uses g + wd * w "
          "as its gradient; AdamW uses g alone and multiplies w by (1 - lr * wd) as well.")
def ex12_adamw_first_step(answer):
    rng = np.random.default_rng(12)
    w, g = rng.normal(0, 1, 6), rng.normal(0, 0.05, 6)
    g[2] = 0.0  # a weight whose loss gradient is exactly 0: the two optimisers part ways most clearly here
    lr, wd, eps = 0.01, 0.5, 1e-8
    out = _call(answer, w, g, lr, wd)
    if not isinstance(out, tuple) or len(out) != 2:
        raise _Wrong("return two arrays: (weights after Adam + L2, weights after AdamW).")
    l2, adamw = (np.asarray(o, dtype=np.float64) for o in out)
    want_l2, want_adamw = S.ex12_adamw_first_step(w, g, lr, wd)
    step = lambda grad: lr * grad / (np.abs(grad) + eps)
    uncorrected = lambda grad: lr * 0.1 * grad / (np.sqrt(0.001) * np.abs(grad) + eps)
    _name_mistake(l2, [(w - step(g) * (1 - wd), "Adam + L2: the penalty enters the gradient (g + wd * w) before "
                                              "Adam normalises it, not as a factor on the step."),
                       (w * (1 - lr * wd) - step(g), "Adam + L2: that is AdamW's update; with L2 the term wd * w is "
                                                     "added to the gradient and divided by sqrt(v) with it."),
                       (w - step(g), "Adam + L2: you left out the penalty; its gradient wd * w joins g."),
                       (w - uncorrected(g + wd * w), "Adam + L2: you skipped the bias correction (divide m by "
                                                      "1 - beta1 and v by 1 - beta2 at step 1)."),
                       (w + step(g + wd * w), "Adam + L2: step against the gradient (w minus the update).")])
    _same_array(l2, want_l2, "Adam + L2 weights")
    _name_mistake(adamw, [(l2, "AdamW: that is Adam + L2 again; AdamW keeps the decay out of the gradient."),
                          (w * (1 - wd) - step(g), "AdamW: the decay factor is (1 - lr * wd), not (1 - wd)."),
                          (w - step(g), "AdamW: you left out the decay; every weight is multiplied by (1 - lr * wd)."),
                          (w * (1 - lr * wd) - uncorrected(g), "AdamW: you skipped the bias correction (divide m by "
                                                                "1 - beta1 and v by 1 - beta2 at step 1).")])
    _same_array(adamw, want_adamw, "AdamW weights")
    return ("both match torch's first step. Look at weight 2, whose gradient is 0: AdamW shrinks it by "
            "lr * wd * w, while Adam + L2 moves it by a full lr, whatever the size of the penalty.")


@exercise("Along the straight path x' + a (x - x') the gradient of w . x + b is w at every point, so the "
          "average gradient is w; multiply by (x - x').")
def ex12_ig_linear(answer):
    rng = np.random.default_rng(120)
    w, x, baseline = rng.normal(0, 1, 5), rng.normal(0, 1, (3, 5)), rng.normal(0, 0.5, 5)
    got = _call(answer, w, x, baseline)
    want = S.ex12_ig_linear(w, x, baseline)
    _name_mistake(got, [(w * x, "you used x instead of x - baseline: with a non-zero baseline the attributions "
                                "must add up to f(x) - f(baseline)."),
                        (np.broadcast_to(w, x.shape), "that is the gradient (saliency); IG multiplies the average "
                                                       "gradient by x - baseline."),
                        (np.broadcast_to(np.abs(w), x.shape), "that is |gradient| (saliency); IG is signed and "
                                                               "multiplies by x - baseline."),
                        (w * (x - baseline) / 2, "the average of a constant gradient w is w itself, not w / 2."),
                        (w * (baseline - x), "the sign is flipped: IG uses x - baseline.")])
    _same_array(got, want, "attributions")
    return ("for a linear model IG is exact: each row adds up to f(x) - f(baseline) = w . (x - baseline), "
            "whatever the number of integration steps.")
