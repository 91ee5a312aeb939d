"""Optimizers for dlcourse.nn parameters, following torch.optim's update rules.

Hyper-parameter names, defaults and the order of operations match torch, so a
NumPy model and a torch model started from the same weights and fed the same
gradients follow the same trajectory (checked step by step in the tests).

The state (momentum buffers, Adam's averages) has the parameters' dtype, so a float32 model takes
float32 steps; constants are Python floats, which never turn float32 arrays into float64.
"""
import math

import numpy as np

from .nn.module import Parameter


def _non_negative(name, value, who):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
            or not np.isfinite(value) or value < 0:
        raise ValueError(f"{who}: invalid {name} {value!r}; it must be a finite number >= 0")
    return float(value)


def _unit_interval(name, value, who):
    value = _non_negative(name, value, who)
    if value >= 1.0:
        raise ValueError(f"{who}: invalid {name} {value!r}; it must lie in [0, 1)")
    return value


class Optimizer:
    """Holds the parameters and per-parameter state; subclasses define ``_update``."""

    def __init__(self, params, **hyper):
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__} got an empty parameter list: "
                             "pass model.parameters() of a model that has parameters")
        for i, p in enumerate(params):
            if not isinstance(p, Parameter):
                raise TypeError(f"{type(self).__name__} optimizes dlcourse.nn Parameters; item {i} is "
                                f"{type(p).__name__} (for torch models use torch.optim)")
        self.params = params
        self.state = [{} for _ in params]
        self.hyper = hyper

    def zero_grad(self):
        for p in self.params:
            p.zero_grad()

    def step(self):
        for p, state in zip(self.params, self.state):
            for key, value in state.items():  # the model was converted (model.float()) after earlier steps
                if isinstance(value, np.ndarray) and value.dtype != p.data.dtype:
                    state[key] = value.astype(p.data.dtype)
            self._update(p, p.grad, state)

    def __repr__(self):
        args = ", ".join(f"{k}={v}" for k, v in self.hyper.items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum and weight decay."""

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        who = "SGD"
        self.lr = _non_negative("learning rate", lr, who)
        self.momentum = _non_negative("momentum", momentum, who)
        self.dampening = _non_negative("dampening", dampening, who)
        self.weight_decay = _non_negative("weight_decay", weight_decay, who)
        if nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum > 0 and zero dampening")
        self.nesterov = bool(nesterov)
        super().__init__(params, lr=self.lr, momentum=self.momentum, dampening=self.dampening,
                         weight_decay=self.weight_decay, nesterov=self.nesterov)

    def _update(self, p, grad, state):
        d_p = grad + self.weight_decay * p.data if self.weight_decay else grad
        if self.momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = d_p.copy()
            else:
                buf *= self.momentum
                buf += (1.0 - self.dampening) * d_p
            d_p = d_p + self.momentum * buf if self.nesterov else buf
        p.data -= self.lr * d_p


class RMSprop(Optimizer):
    """Divide the step by a running RMS of recent gradients (optionally centred, with momentum)."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        who = "RMSprop"
        self.lr = _non_negative("learning rate", lr, who)
        self.alpha = _non_negative("alpha", alpha, who)
        self.eps = _non_negative("epsilon", eps, who)
        self.weight_decay = _non_negative("weight_decay", weight_decay, who)
        self.momentum = _non_negative("momentum", momentum, who)
        self.centered = bool(centered)
        super().__init__(params, lr=self.lr, alpha=self.alpha, eps=self.eps, weight_decay=self.weight_decay,
                         momentum=self.momentum, centered=self.centered)

    def _update(self, p, grad, state):
        if self.weight_decay:
            grad = grad + self.weight_decay * p.data
        sq = state.setdefault("square_avg", np.zeros_like(p.data))
        sq *= self.alpha
        sq += (1.0 - self.alpha) * grad * grad
        if self.centered:
            ga = state.setdefault("grad_avg", np.zeros_like(p.data))
            ga *= self.alpha
            ga += (1.0 - self.alpha) * grad
            avg = np.sqrt(sq - ga * ga) + self.eps
        else:
            avg = np.sqrt(sq) + self.eps
        if self.momentum > 0:
            buf = state.setdefault("momentum_buffer", np.zeros_like(p.data))
            buf *= self.momentum
            buf += grad / avg
            p.data -= self.lr * buf
        else:
            p.data -= self.lr * grad / avg


class Adam(Optimizer):
    """Adam: momentum on the gradient and on its square, both bias-corrected.

    ``weight_decay`` here is L2 added to the gradient (torch's Adam); AdamW decouples it.
    """

    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        who = type(self).__name__
        self.lr = _non_negative("learning rate", lr, who)
        try:
            b1, b2 = betas
        except (TypeError, ValueError):
            raise ValueError(f"{who}: betas must be a pair (beta1, beta2), got {betas!r}") from None
        self.betas = (_unit_interval("beta parameter at index 0", b1, who),
                      _unit_interval("beta parameter at index 1", b2, who))
        self.eps = _non_negative("epsilon", eps, who)
        self.weight_decay = _non_negative("weight_decay", weight_decay, who)
        self.amsgrad = bool(amsgrad)
        super().__init__(params, lr=self.lr, betas=self.betas, eps=self.eps,
                         weight_decay=self.weight_decay, amsgrad=self.amsgrad)

    def _update(self, p, grad, state):
        b1, b2 = self.betas
        if self.weight_decay:
            if self._decoupled:
                p.data *= 1.0 - self.lr * self.weight_decay
            else:
                grad = grad + self.weight_decay * p.data
        step = state["step"] = state.get("step", 0) + 1
        m = state.setdefault("exp_avg", np.zeros_like(p.data))
        v = state.setdefault("exp_avg_sq", np.zeros_like(p.data))
        m *= b1
        m += (1.0 - b1) * grad
        v *= b2
        v += (1.0 - b2) * grad * grad
        if self.amsgrad:
            vmax = state.setdefault("max_exp_avg_sq", np.zeros_like(p.data))
            np.maximum(vmax, v, out=vmax)
            v = vmax
        bc1 = 1.0 - b1 ** step
        bc2 = 1.0 - b2 ** step
        denom = np.sqrt(v) / math.sqrt(bc2) + self.eps
        p.data -= (self.lr / bc1) * m / denom


class AdamW(Adam):
    """Adam with decoupled weight decay: weights shrink by lr * weight_decay before each step."""

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
