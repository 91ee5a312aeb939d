"""Neuron explorer: one neuron with two inputs, its weights, bias and activation under sliders."""
import ipywidgets as W
import numpy as np

from .. import nn
from ..nn.functional import ACTIVATIONS
from ..viz.figures import new_figure
from .base import CourseWidget, control

_LIM = 3.0
_RES = 61


def _signed(v):
    """'+ 0.5' or '− 0.5', so formulas read naturally."""
    return f"{'−' if v < 0 else '+'} {abs(v):.1f}"


def _slider(name, desc, value, lo=-3.0, hi=3.0):
    return control(W.FloatSlider, value, "NeuronExplorer", name, min=lo, max=hi, step=0.1, description=desc,
                         continuous_update=True, readout_format=".1f", layout=W.Layout(width="260px"))


class NeuronExplorer(CourseWidget):
    """y = f(w1 x1 + w2 x2 + b): the output over the input plane, the line where z = 0, and
    where the probe input sits on the activation curve."""

    def __init__(self, w1=1.0, w2=-0.5, b=0.2, activation="sigmoid", x1=1.0, x2=0.5):
        self.neuron = nn.Linear(2, 1)
        self.w1, self.w2, self.b = _slider("w1", "w₁", w1), _slider("w2", "w₂", w2), _slider("b", "b (bias)", b)
        self.x1, self.x2 = _slider("x1", "x₁", x1), _slider("x2", "x₂", x2)
        self.activation = control(W.Dropdown, activation, "NeuronExplorer", "activation", options=list(ACTIVATIONS),
                                  description="activation", layout=W.Layout(width="260px"))
        grid = np.linspace(-_LIM, _LIM, _RES)
        g1, g2 = np.meshgrid(grid, grid)
        self._grid_points = np.c_[g1.ravel(), g2.ravel()]
        fig = new_figure(8.0, 3.3)
        self.ax_plane, self.ax_curve = fig.subplots(1, 2, gridspec_kw=dict(width_ratios=[1.1, 1]))
        self._img = self.ax_plane.imshow(np.zeros((_RES, _RES)), origin="lower", extent=(-_LIM, _LIM, -_LIM, _LIM),
                                         cmap="viridis", aspect="equal")
        self._cbar = fig.colorbar(self._img, ax=self.ax_plane, shrink=0.85, label="output y")
        (self._line,) = self.ax_plane.plot([], [], color="white", lw=2, ls="--", label="z = 0")
        (self._probe,) = self.ax_plane.plot([], [], "o", color="#D55E00", mec="white", ms=9, label="input x")
        self.ax_plane.set(xlim=(-_LIM, _LIM), ylim=(-_LIM, _LIM), xlabel="x₁", ylabel="x₂",
                          title="output over the input plane")
        self._legend = self.ax_plane.legend(loc="lower left", labelcolor="white")
        self._curve_key = None
        (self._curve,) = self.ax_curve.plot([], [], color="#0072B2")
        (self._zmark,) = self.ax_curve.plot([], [], "o", color="#D55E00", ms=9)
        self.ax_curve.set(xlabel="z = w·x + b", ylabel="y = f(z)", title="where the input lands on f")
        fig.tight_layout()
        controls = [W.HBox([W.VBox([self.w1, self.w2, self.b]), W.VBox([self.x1, self.x2, self.activation])])]
        super().__init__(controls, fig)
        self.animate(self._img, self._line, self._probe, self._curve, self._zmark, self._cbar.ax, self._legend)
        for c in (self.w1, self.w2, self.b, self.x1, self.x2, self.activation):
            c.observe(self.refresh, "value")
        self.refresh()

    def draw(self):
        self.neuron.load_state_dict({"weight": [[self.w1.value, self.w2.value]], "bias": [self.b.value]})
        f, _ = ACTIVATIONS[self.activation.value]
        self.output = f(self.neuron(self._grid_points)).reshape(_RES, _RES)
        self._img.set_data(self.output)
        lo, hi = float(self.output.min()), float(self.output.max())
        self._img.set_clim(lo, hi if hi > lo else lo + 1e-9)
        self._line.set_data(*self._boundary())
        x = np.array([self.x1.value, self.x2.value])
        self.z = float(self.neuron(x)[0])
        self.y = float(f(np.array(self.z)))
        self._probe.set_data([x[0]], [x[1]])
        self._zmark.set_data([self.z], [self.y])
        zmax = 8.0 if abs(self.z) < 7.5 else float(np.ceil(abs(self.z) + 1))
        if self._curve_key != (self.activation.value, zmax):  # new curve or the input left the axis
            self._curve_key = (self.activation.value, zmax)
            z_axis = np.linspace(-zmax, zmax, 200)
            curve = f(z_axis)
            self._curve.set_data(z_axis, curve)
            self.ax_curve.set(xlim=(-zmax, zmax), ylim=(curve.min() - 0.1, curve.max() + 0.1))
            self.invalidate()
        w1, w2, b = self.w1.value, self.w2.value, self.b.value
        return (f"<code>z = w₁·x₁ + w₂·x₂ + b = ({w1:.1f})·({x[0]:.1f}) + ({w2:.1f})·({x[1]:.1f}) + ({b:.1f})"
                f" = <b>{self.z:.3f}</b></code><br><code>y = {self.activation.value}(z) = <b>{self.y:.3f}</b></code>"
                "<br>The dashed line is where z = 0: the weights turn it, the bias shifts it.")

    def _boundary(self):
        """Points of w1 x1 + w2 x2 + b = 0 inside the plot (empty when both weights are 0)."""
        w1, w2, b = self.w1.value, self.w2.value, self.b.value
        t = np.linspace(-_LIM, _LIM, 2)
        if abs(w2) > 1e-12:
            return t, -(w1 * t + b) / w2
        if abs(w1) > 1e-12:
            return np.full(2, -b / w1), t
        return [], []

    def summary(self):
        return (f"NeuronExplorer: y = {self.activation.value}({self.w1.value:.1f}·x₁ {_signed(self.w2.value)}·x₂"
                f" {_signed(self.b.value)}); at x = ({self.x1.value:.1f}, {self.x2.value:.1f}) z = {self.z:.3f}, y = {self.y:.3f}")

    def actions(self):
        def nudge(s):
            return lambda: setattr(s, "value", round(s.value + 0.1 if s.value < s.max - 0.1 else s.min, 1))
        return [("move w1", nudge(self.w1)), ("move b", nudge(self.b)), ("move x2", nudge(self.x2)),
                ("switch activation", lambda: setattr(self.activation, "value",
                                                      "tanh" if self.activation.value != "tanh" else "relu"))]
