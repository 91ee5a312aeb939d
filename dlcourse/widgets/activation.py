"""Activation explorer: f and f' side by side, saturation zones, and what N stacked layers do
to a gradient under a chosen weight initialisation (measured by a real backward pass through
dlcourse.nn layers)."""
import ipywidgets as W
import matplotlib
import numpy as np

from .. import nn
from .._env import numpy_seed
from ..nn.activation import ACTIVATION_MODULES
from ..nn.functional import ACTIVATIONS
from ..viz.figures import new_figure
from .base import CourseWidget, control

SATURATED = 0.05  # |f'(x)| below this: the gradient barely passes (vanishing-gradient zone)
_X = np.linspace(-6, 6, 241)
_WIDTH, _BATCH, _MAX_DEPTH = 32, 64, 30
INITS = ("default", "xavier", "he")


def _stack(activation, depth, init, seed):
    """``depth`` blocks Sequential(Linear(32, 32), activation) initialised by ``init``, a batch and an
    upstream gradient."""
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or not 1 <= depth <= 200:
        raise ValueError(f"depth must be an integer in [1, 200], got {depth!r}")
    if activation not in ACTIVATION_MODULES:
        raise ValueError(f"unknown activation {activation!r}; choose one of {sorted(ACTIVATION_MODULES)}")
    if init not in INITS:
        raise ValueError(f"init must be one of {', '.join(INITS)}; got {init!r}")
    with numpy_seed(seed):  # same weights every call
        blocks = []
        for _ in range(depth):
            linear = nn.Linear(_WIDTH, _WIDTH)  # torch's default: U(+-1/sqrt(fan_in)) for weight and bias
            if init != "default":
                if init == "xavier":
                    nn.init.xavier_uniform_(linear.weight)  # gain 1: Var(w) = 2 / (fan_in + fan_out)
                else:
                    nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")  # Var(w) = 2 / fan_in
                nn.init.zeros_(linear.bias)
            act = ACTIVATION_MODULES[activation]
            blocks.append(nn.Sequential(linear, *([act()] if act is not None else [])))
        x = np.random.standard_normal((_BATCH, _WIDTH))
        g = np.random.standard_normal((_BATCH, _WIDTH))
    return blocks, x, g


def _rms(a):
    return float(np.sqrt(np.mean(a * a)))


def signal_through_depth(activation, depth, init="default", seed=0):
    """RMS of each layer's output on the way forward, index 0 = first layer: shape ``(depth,)``.

    Same stack, batch (64 x 32, unit variance) and weights as ``gradient_through_depth``.
    """
    blocks, x, _ = _stack(activation, depth, init, seed)
    rms = []
    for block in blocks:
        x = block(x)
        rms.append(_rms(x))
    return np.array(rms)


def gradient_through_depth(activation, depth, init="default", seed=0):
    """RMS of dL/d(input of layer k), k = depth..1, for a stack of ``depth`` x (Linear(32, 32), f).

    ``init``: ``"default"`` (torch's U(+-1/sqrt(fan_in)) for weights and biases), ``"xavier"``
    (Glorot uniform, gain 1) or ``"he"`` (Kaiming normal for ReLU); the last two start biases at 0.
    A random batch and a random upstream gradient (RMS about 1); the backward pass is dlcourse.nn's
    own. Returns shape ``(depth,)``: index 0 is the last layer, index depth-1 the first.
    """
    blocks, x, g = _stack(activation, depth, init, seed)
    for block in blocks:
        x = block(x)
    norms = []
    for block in reversed(blocks):
        g = block.backward(g)
        norms.append(_rms(g))
    return np.array(norms)


class ActivationExplorer(CourseWidget):
    """Pick activations and an initialisation; see f, f' (shaded where |f'| < 0.05) and the gradient
    after N layers initialised that way."""

    def __init__(self, selected=("sigmoid", "tanh", "relu"), depth=10, init="default"):
        names = list(ACTIVATIONS)
        self.select = control(W.SelectMultiple, selected, "ActivationExplorer", "selected", options=names,
                              rows=len(names), description="functions")
        self.depth = control(W.IntSlider, depth, "ActivationExplorer", "depth", min=1, max=_MAX_DEPTH,
                             description="layers N", continuous_update=True)
        self.init = control(W.ToggleButtons, init, "ActivationExplorer", "init", options=list(INITS),
                            description="init", tooltips=["torch default: U(±1/√fan_in)",
                                                          "Xavier/Glorot uniform, gain 1", "He/Kaiming normal"])
        fig = new_figure(9.6, 3.2)
        self.ax_f, self.ax_df, self.ax_depth = fig.subplots(1, 3)
        palette = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
        self._artists = {}
        for name, c in zip(names, palette):
            f, df = ACTIVATIONS[name]
            d = df(_X)
            (lf,) = self.ax_f.plot(_X, f(_X), color=c, label=name)
            (ld,) = self.ax_df.plot(_X, d, color=c)
            shade = self.ax_df.fill_between(_X, 0, 1, where=np.abs(d) < SATURATED, color=c, alpha=0.12,
                                            transform=self.ax_df.get_xaxis_transform(), lw=0)
            (lg,) = self.ax_depth.plot([], [], "o-", ms=3, color=c)
            self._artists[name] = (lf, ld, shade, lg)
        self.ax_f.set(title="f(x)", xlabel="x", ylim=(-1.5, 3))
        self.ax_df.set(title="f'(x)  (shaded: saturated)", xlabel="x", ylim=(-0.15, 1.25))
        self.ax_depth.set(title="gradient size going back N layers", xlabel="layers back from the output",
                          ylabel="RMS of dL/dx", yscale="log", ylim=(1e-12, 1e3), xlim=(0.5, _MAX_DEPTH + 0.5))
        self._legend = None
        fig.tight_layout()
        super().__init__([W.HBox([self.select, W.VBox([self.depth, self.init])])], fig)
        for arts in self._artists.values():
            self.animate(*arts)
        self.select.observe(self.refresh, "value")
        self.depth.observe(self.refresh, "value")
        self.init.observe(self.refresh, "value")
        self.refresh()

    def draw(self):
        n = self.depth.value
        self.final = {}
        for name, (lf, ld, shade, lg) in self._artists.items():
            on = name in self.select.value
            for a in (lf, ld, shade, lg):
                a.set_visible(on)
            if on:
                norms = gradient_through_depth(name, n, self.init.value)
                lg.set_data(np.arange(1, n + 1), norms)
                self.final[name] = float(norms[-1])
        if self._legend is None or self._legend_for != self.select.value:
            self._new_legend()
        rows = "".join(f"<tr><td>{k}</td><td>{v:.2e}</td></tr>" for k, v in self.final.items())
        return (f"<b>Gradient reaching the first of {n} layers, {self.init.value} initialisation</b> "
                f"(RMS; it started near 1):<table>{rows}</table>Values far below 1 mean the early layers "
                "barely learn: the vanishing-gradient problem. Each layer multiplies the gradient by "
                "W<sup>T</sup> diag(f'(z)): saturated zones of f' and too-small weights both shrink it.")

    def _new_legend(self):
        """The legend lists the selected functions; rebuilt only when the selection changes."""
        if self._legend is not None:
            self._legend.remove()
            self.forget_animated(self._legend)
        handles = [self._artists[k][0] for k in self.select.value]
        self._legend = self.ax_f.legend(handles, list(self.select.value), loc="upper left", fontsize=8)
        self._legend_for = self.select.value
        self.animate(self._legend)

    def summary(self):
        parts = ", ".join(f"{k} {v:.1e}" for k, v in self.final.items())
        return f"ActivationExplorer: {self.init.value} init, gradient after {self.depth.value} layers: {parts}"

    def actions(self):
        return [("deeper", lambda: setattr(self.depth, "value", self.depth.value % _MAX_DEPTH + 1)),
                ("next init", lambda: setattr(self.init, "value",
                                              INITS[(INITS.index(self.init.value) + 1) % len(INITS)])),
                ("toggle gelu", lambda: setattr(self.select, "value", tuple(
                    [v for v in self.select.value if v != "gelu"] if "gelu" in self.select.value
                    else [*self.select.value, "gelu"])))]
