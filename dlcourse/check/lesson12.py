"""Checks for lesson 12, challenges and remedies."""
import numpy as np

from ._core import _call, _name_mistake, _number, _rng, _same_array, _Wrong, exercise
from ._key import S


@exercise("Fresh Adam state: m = (1 - beta1) g and v = (1 - beta2) g^2, and the bias corrections divide them "
          "by (1 - beta1) and (1 - beta2), so the first step is lr * g / (|g| + eps). Adam + L2 uses g + wd * w "
          "as its gradient; AdamW uses g alone and multiplies w by (1 - lr * wd) before the Adam step.")
def ex12_adamw_first_step(answer):
    lr, wd, eps = 0.1, 0.5, 1e-8
    w = np.array([1.2, -0.8, 0.6, 1.5, -1.0, 0.9, 1.0, -0.7])
    # weights 0, 1, 7: g + c * wd * w changes sign at c = 0.7, 1.5 and 5, between the right c = 1 and the usual
    # wrong ones (0.5, 2, 10),
    # so a wrong multiple of the penalty moves them the wrong way; weight 2: gradient exactly 0;
    # weights 3 (AdamW) and 6 (Adam + L2): a total gradient so small that where eps sits matters
    g = np.array([-0.7 * wd * 1.2, -1.5 * wd * -0.8, 0.0, 2e-5, 0.04, -0.03, -wd * 1.0 + 2e-5, -5 * wd * -0.7])
    out = _call(answer, w, g, lr, wd)
    if not isinstance(out, tuple) or len(out) != 2:
        raise _Wrong("return two arrays: (weights after Adam + L2, weights after AdamW).")
    l2, adamw = (np.asarray(o, dtype=np.float64) for o in out)
    want_l2, want_adamw = S.ex12_adamw_first_step(w, g, lr, wd)
    step = lambda grad: lr * grad / (np.abs(grad) + eps)
    uncorrected = lambda grad: lr * 0.1 * grad / (np.sqrt(0.001) * np.abs(grad) + eps)
    eps_inside = lambda grad: lr * grad / np.sqrt(grad ** 2 + eps)
    sgd = (w - lr * (g + wd * w), w * (1 - lr * wd) - lr * g)
    _name_mistake(l2, [(w - step(g) * (1 - wd), "Adam + L2: the penalty enters the gradient (g + wd * w) before "
                                              "Adam normalises it, not as a factor on the step."),
                       (w * (1 - lr * wd) - step(g), "Adam + L2: that is AdamW's update; with L2 the term wd * w is "
                                                     "added to the gradient and divided by sqrt(v) with it."),
                       (w - step(g), "Adam + L2: you left out the penalty; its gradient wd * w joins g."),
                       (w - uncorrected(g + wd * w), "Adam + L2: you skipped the bias correction (divide m by "
                                                      "1 - beta1 and v by 1 - beta2 at step 1)."),
                       (w + step(g + wd * w), "Adam + L2: step against the gradient (w minus the update)."),
                       (sgd[0], "Adam + L2: that is plain SGD's step; Adam divides by sqrt(v_hat), so a fresh "
                                "step is lr * (g + wd * w) / |g + wd * w|."),
                       *((w - step(g + c * wd * w), f"Adam + L2: the penalty's gradient is wd * w ({name}); look at "
                                                    f"weights 0, 1 and 7, where that factor decides the step's sign.")
                         for c, name in ((2, "the derivative of wd/2 * w^2, not 2 * wd * w"),
                                         (0.5, "not wd/2 * w"), (10, "not a multiple of it"))),
                       (w - eps_inside(g + wd * w), "Adam + L2: eps goes outside the square root (see "
                                                    "weight 6, whose g + wd * w is tiny): sqrt(v_hat) + eps.")])
    _same_array(l2, want_l2, "Adam + L2 weights")
    _name_mistake(adamw, [(l2, "AdamW: that is Adam + L2 again; AdamW keeps the decay out of the gradient."),
                          (w * (1 - wd) - step(g), "AdamW: the decay factor is (1 - lr * wd), not (1 - wd)."),
                          (w - step(g), "AdamW: you left out the decay; every weight is multiplied by (1 - lr * wd)."),
                          (w * (1 - lr * wd) - uncorrected(g), "AdamW: you skipped the bias correction (divide m by "
                                                                "1 - beta1 and v by 1 - beta2 at step 1)."),
                          ((w - step(g)) * (1 - lr * wd), "AdamW: torch decays the weights before the Adam step, "
                                                          "w * (1 - lr * wd) - step, not (w - step) * (1 - lr * wd)."),
                          (sgd[1], "AdamW: that is SGD with weight decay; the gradient part is Adam's normalised "
                                   "step lr * g / (|g| + eps)."),
                          (w * (1 - lr * wd) - eps_inside(g), "AdamW: eps goes outside the square root (see weight "
                                                               "3, whose gradient is tiny): sqrt(v_hat) + eps.")])
    _same_array(adamw, want_adamw, "AdamW weights")
    return ("both match torch's first step. Look at weight 2, whose gradient is 0: AdamW shrinks it by "
            "lr * wd * w, while Adam + L2 moves it by a full lr, whatever the size of the penalty.")


@exercise("Along the path x' + a (x - x') the pre-activation z(a) = w . x' + b + a (z1 - z0) is a straight "
          "line from z0 = w . x' + b to z1 = w . x + b, and the unit's gradient is w where z(a) > 0, 0 elsewhere. "
          "So IG = (x - x') * w * (share of a in [0, 1] with z(a) > 0), and that share is "
          "(relu(z1) - relu(z0)) / (z1 - z0).")
def ex12_ig_relu(answer):
    rng = _rng(121)
    w, b = rng.normal(0, 1, 5), 0.3
    along = w / (w @ w)   # moving an input by t * along changes w . x by t
    got, want, wrong = [], [], {k: [] for k in ("linear", "grad_end", "grad_x_end", "saliency", "off_baseline")}
    for z0 in (-0.7, 0.9):   # a baseline where the unit is off, then one where it is on
        baseline = rng.normal(0, 0.5, 5)
        baseline += (z0 - (w @ baseline + b)) * along
        x = rng.normal(0, 1, (4, 5))
        x += (np.array([2.0, -1.5, 0.4, -0.3])[:, None] - (x @ w + b)[:, None]) * along  # z1 on both sides of 0
        out = np.asarray(_call(answer, w, b, x, baseline), dtype=np.float64)
        if out.shape != x.shape:
            raise _Wrong(f"return one attribution per input value: shape {x.shape}, got {out.shape}.")
        got.append(out)
        want.append(S.ex12_ig_relu(w, b, x, baseline))
        z1, on = x @ w + b, (x @ w + b > 0)[:, None]
        wrong["linear"].append((x - baseline) * w)
        wrong["grad_end"].append((x - baseline) * w * on)
        wrong["grad_x_end"].append(x * w * on)
        wrong["saliency"].append(np.broadcast_to(w, x.shape) * on)
        wrong["off_baseline"].append((x - baseline) * w * (np.maximum(z1, 0) / (z1 - z0))[:, None])
    got = np.concatenate(got)
    want = np.concatenate(want)
    wrong = {k: np.concatenate(v) for k, v in wrong.items()}
    _name_mistake(got, [(wrong["linear"], "that is integrated gradients of the linear score w . x + b; the ReLU passes "
                                          "the gradient w only on the part of the path where w . x + b > 0."),
                        (wrong["grad_end"], "you used the gradient at x alone; IG averages the gradient over the "
                                            "whole path from the baseline to x."),
                        (wrong["grad_x_end"], "that is gradient x input at x; IG multiplies by x - baseline and "
                                              "averages the gradient along the path."),
                        (wrong["saliency"], "that is the gradient (saliency); IG multiplies the average gradient "
                                            "by x - baseline."),
                        (wrong["off_baseline"], "right when the unit is off at the baseline; when it is on there "
                                                "(w . baseline + b > 0), the share is (relu(z1) - relu(z0)) / (z1 - z0)."),
                        (-want, "the sign is flipped: IG uses x - baseline.")])
    _same_array(got, want, "attributions")
    return ("each row adds up to relu(w . x + b) - relu(w . x' + b): completeness holds, even for the rows "
            "whose unit is off at x, where the gradient at x is 0.")


@exercise("Each example scores +1, 0 or -1, so the paired difference has variance d - delta^2 and standard error "
          "sqrt((d - delta^2) / n). Ask for delta >= 2 * sqrt((d - delta^2) / n), solve for n and round up.")
def ex12_signals_needed(answer):
    cases = [(0.16, 0.011), (0.5, 0.3), (0.35, 0.25), (0.6, 0.15)]   # (share with one model right, difference)
    got = np.array([_number(_call(answer, d, delta), "a whole number of signals") for d, delta in cases])
    want = np.array([S.ex12_signals_needed(d, delta) for d, delta in cases], dtype=np.float64)
    d, delta = np.array(cases).T
    exact = 4 * (d - delta ** 2) / delta ** 2
    _name_mistake(got, [(exact, "round up: the answer is a whole number of signals, the smallest one that is enough."),
                        (np.floor(exact), "round up, not down: with one signal fewer, delta is less than two "
                                          "standard errors."),
                        (np.ceil(exact / 4), "that makes delta one standard error; ask for two."),
                        (np.ceil(4 * d / delta ** 2), "the variance of the +1/0/-1 scores is d - delta^2, not d "
                                                      "(their mean is delta, not 0)."),
                        (np.ceil(2 * np.sqrt(d - delta ** 2) / delta), "n sits under a square root in the standard "
                                                                       "error, so solving for n squares the ratio.")])
    _same_array(got, want, "numbers of signals")
    return ("with d = 0.16 (about batch norm's share on validation), a 1.1-point difference needs 5,286 "
            "signals to reach two paired standard errors: the 800 validation signals are far too few.")
