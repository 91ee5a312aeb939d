"""Optimizer race: SGD, Momentum, RMSprop and Adam from dlcourse.optim on 2-D loss surfaces."""
import ipywidgets as W
import matplotlib
import numpy as np

from .. import optim
from ..landscapes import SURFACES, get_surface, run_optimizer
from ..viz.figures import new_figure
from .base import CourseWidget, control

RACERS = {
    "SGD": lambda ps, lr, beta: optim.SGD(ps, lr=lr),
    "Momentum": lambda ps, lr, beta: optim.SGD(ps, lr=lr, momentum=beta),
    "RMSprop": lambda ps, lr, beta: optim.RMSprop(ps, lr=lr),
    "Adam": lambda ps, lr, beta: optim.Adam(ps, lr=lr, betas=(beta, 0.999)),
}
# a learning rate that makes each surface interesting to race on
_DEFAULT_LR = {"ill-conditioned": 0.03, "rosenbrock": 0.1, "saddle": 0.01, "model slice": 0.03}
_GRID = 80


class OptimizerRace(CourseWidget):
    """Paths of four optimizers from one start over the contours, and their loss per step."""

    def __init__(self, surface="ill-conditioned", lr=None, beta=0.9, steps=100):
        who = "OptimizerRace"
        self.surface_choice = control(W.Dropdown, surface, who, "surface", options=list(SURFACES),
                                      description="surface")
        self.lr = control(W.FloatLogSlider, _DEFAULT_LR[surface] if lr is None else lr, who, "lr", base=10, min=-4, max=0.5, step=0.05,
                                   description="learning rate", readout_format=".4f",
                                   style={"description_width": "initial"})
        self.beta = control(W.FloatSlider, beta, who, "beta", min=0.0, max=0.99, step=0.01, description="β (momentum)")
        self.steps = control(W.IntSlider, steps, who, "steps", min=5, max=300, step=5, description="steps")
        self.start_x = W.FloatSlider(description="start w₁", step=0.05)
        self.start_y = W.FloatSlider(description="start w₂", step=0.05)
        fig = new_figure(8.6, 3.6)
        self.ax_map, self.ax_loss = fig.subplots(1, 2, gridspec_kw=dict(width_ratios=[1.1, 1]))
        palette = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
        self._paths = {n: self.ax_map.plot([], [], "o-", ms=2.5, lw=1.4, color=c, label=n)[0]
                       for n, c in zip(RACERS, palette)}
        self._curves = {n: self.ax_loss.plot([], [], color=c, label=n)[0] for n, c in zip(RACERS, palette)}
        (self._start,) = self.ax_map.plot([], [], "s", color="k", ms=7)
        (self._best,) = self.ax_map.plot([], [], "*", color="k", ms=12)
        self._contour = None
        self.ax_loss.set(xlabel="step", ylabel="loss − minimum", yscale="log", title="distance to the minimum")
        self._legend = self.ax_loss.legend(handles=list(self._paths.values()), loc="upper right", fontsize=8)
        fig.tight_layout()
        controls = [W.HBox([W.VBox([self.surface_choice, self.lr, self.beta]),
                            W.VBox([self.steps, self.start_x, self.start_y])])]
        super().__init__(controls, fig)
        self.animate(*self._paths.values(), *self._curves.values(), self._start)
        self._new_surface()
        self.surface_choice.observe(self._new_surface, "value")
        for c in (self.lr, self.beta, self.steps, self.start_x, self.start_y):
            c.observe(self.refresh, "value")
        self.refresh()

    def _new_surface(self, change=None):
        """A new surface: fresh contours, ranges, start point and a learning rate that suits it."""
        key = self.surface_choice.value
        self.surface = get_surface(key)
        s = self.surface
        with self.hold_trait_notifications():
            for slider, (lo, hi), v in ((self.start_x, s.xlim, s.start[0]), (self.start_y, s.ylim, s.start[1])):
                slider.unobserve(self.refresh, "value")
                slider.min, slider.max = -1e9, 1e9  # widen first so min/max never cross while moving
                slider.min, slider.max, slider.value = lo, hi, v
                slider.observe(self.refresh, "value")
        g1, g2 = np.meshgrid(np.linspace(*s.xlim, _GRID), np.linspace(*s.ylim, _GRID))
        self.floor = s.floor()
        gap = np.log10(s.loss_grid(g1, g2) - self.floor + 1e-3)  # log scale: valleys and slopes both show
        if self._contour is not None:
            self._contour.remove()
        self._contour = self.ax_map.contourf(g1, g2, gap, levels=20, cmap="Greys_r", alpha=0.6)
        self.ax_map.set(xlim=s.xlim, ylim=s.ylim, title=s.name, xlabel="w₁", ylabel="w₂")
        self._best.set_data(*([[s.minimum[0]], [s.minimum[1]]] if s.minimum else ([], [])))
        self.invalidate()
        if change is not None:
            self.lr.unobserve(self.refresh, "value")
            self.lr.value = _DEFAULT_LR[key]
            self.lr.observe(self.refresh, "value")
            self.refresh()

    def draw(self):
        s = self.surface
        start = (self.start_x.value, self.start_y.value)
        self.results = {}
        rows = []
        for name, make in RACERS.items():
            path = run_optimizer(s, lambda ps: make(ps, self.lr.value, self.beta.value), start, self.steps.value)
            losses = np.array([s.loss(w) for w in path])
            diverged = len(path) <= self.steps.value or not np.isfinite(losses[-1])
            self.results[name] = dict(path=path, losses=losses, diverged=diverged)
            self._paths[name].set_data(path[:, 0], path[:, 1])
            self._curves[name].set_data(np.arange(len(losses)), np.maximum(losses - self.floor, 1e-12))
            final = "diverged" if diverged else f"{losses[-1]:.4g}"
            rows.append(f"<tr><td>{name}</td><td>{final}</td></tr>")
        self._start.set_data([start[0]], [start[1]])
        top = 10.0 ** np.ceil(np.log10(max(s.loss(np.array(start)) - self.floor, 1e-6) * 3))
        if self.ax_loss.get_xlim() != (0, self.steps.value) or self.ax_loss.get_ylim()[1] != top:
            self.ax_loss.set(xlim=(0, self.steps.value), ylim=(1e-8, top))  # a diverging run leaves at the top
            self.invalidate()
        return (f"<b>Final loss after {self.steps.value} steps</b> (lr {self.lr.value:.4f}, β {self.beta.value:.2f}):"
                f"<table>{''.join(rows)}</table>Try a larger learning rate until one of them diverges, "
                "then compare how each handles the narrow valley.")

    def summary(self):
        parts = ", ".join(f"{n} {'diverged' if r['diverged'] else format(r['losses'][-1], '.3g')}"
                          for n, r in self.results.items())
        return f"OptimizerRace on {self.surface.name}, lr {self.lr.value:.3g}, {self.steps.value} steps: {parts}"

    def actions(self):
        return [("move start", lambda: setattr(self.start_x, "value", round(
                    self.start_x.value + 0.05 if self.start_x.value < self.start_x.max - 0.1 else self.start_x.min, 2))),
                ("change lr", lambda: setattr(self.lr, "value", self.lr.value * 1.05 if self.lr.value < 0.2 else 0.01)),
                ("change beta", lambda: setattr(self.beta, "value", 0.9 if self.beta.value != 0.9 else 0.8))]
