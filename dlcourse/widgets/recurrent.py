"""Gradients through time: NumPy RNN, LSTM and GRU side by side on the memory task.

Top row: ||dL/dh_t|| for every step t (log scale) after one backward pass on a fixed batch, the
loss reading only the last step. Bottom row: one sequence's hidden states or gate activations
(unit x time). Controls: the lag, torch's default gate bias or the memory-keeping one, which
heatmap to show, and a button that trains all three for a few Adam steps.
"""
import ipywidgets as W
import numpy as np
from matplotlib.colors import Normalize

from .. import data, nn, optim
from .._env import numpy_seed
from ..nn.sequence import RecurrentNet, gradient_norms
from ..viz.figures import new_figure
from ..viz.network import EDGE_CMAP
from .base import CourseWidget, control

KINDS = ("rnn", "lstm", "gru")
INITS = ("default", "keep memory (+2)")
HEATMAPS = ("hidden state h", "keep gate (LSTM f, GRU z)", "write gate (LSTM i, GRU 1-z)")
N_SYMBOLS, HIDDEN, BATCH, MAX_LAG = 8, 16, 32, 60
STEPS_PER_PRESS, LR = 5, 1e-2
FLOOR = 1e-16  # bars start here on the log axis


class GradientsThroughTime(CourseWidget):
    """RNN vs LSTM vs GRU on "the label is the first of 8 symbols, then ``lag`` distractors"."""

    def __init__(self, lag=20, init="default", heatmap="hidden state h", seed=0):
        who = "GradientsThroughTime"
        self.lag = control(W.IntSlider, lag, who, "lag", min=1, max=MAX_LAG, description="lag L",
                           continuous_update=False)
        self.init = control(W.ToggleButtons, init, who, "init", options=list(INITS), description="gate bias",
                            tooltips=["torch's U(±1/√H): gates start near 0.5",
                                      "both biases of the LSTM forget / GRU update gate set to 2: they start at σ(4) ≈ 0.98"])
        self.heatmap = control(W.Dropdown, heatmap, who, "heatmap", options=list(HEATMAPS), description="heatmap")
        self.train_button = W.Button(description=f"Train {STEPS_PER_PRESS} steps", button_style="primary")
        self.seed = seed
        fig = new_figure(10, 4.6)
        axes = fig.subplots(2, 3, sharex=True)
        self._bars, self._images = {}, {}
        x_max = MAX_LAG + 0.5
        for j, kind in enumerate(KINDS):
            ax_g, ax_h = axes[0, j], axes[1, j]
            self._bars[kind] = ax_g.vlines([], [], [], lw=3, color=f"C{j}")
            ax_g.set(title=kind.upper(), yscale="log", ylim=(FLOOR, 10), xlim=(-0.5, x_max))
            self._images[kind] = ax_h.imshow(np.zeros((HIDDEN, 1)), aspect="auto", interpolation="nearest",
                                             extent=(-0.5, 0.5, HIDDEN - 0.5, -0.5))
            ax_h.set(xlabel="time step t", xlim=(-0.5, x_max))
        axes[0, 0].set_ylabel("‖dL/dh_t‖ (log)")
        axes[1, 0].set_ylabel("unit")
        self._texts = {k: axes[1, j].text(0.5, 0.5, "", transform=axes[1, j].transAxes, ha="center",
                                          va="center", fontsize=9) for j, k in enumerate(KINDS)}
        fig.tight_layout()
        super().__init__([W.HBox([self.lag, self.heatmap]), W.HBox([self.init, self.train_button])], fig)
        for kind in KINDS:
            self.animate(self._bars[kind], self._images[kind], self._texts[kind])
        self.lag.observe(self.reset, "value")
        self.init.observe(self.reset, "value")
        self.heatmap.observe(self.refresh, "value")
        self.train_button.on_click(lambda _: self.train())
        self.reset()

    def reset(self, *_):
        """Fresh models (the same weights for the same settings) and a fixed batch at the chosen lag."""
        keep = self.init.value != INITS[0]
        with numpy_seed(self.seed):
            self.models = {k: RecurrentNet(N_SYMBOLS, HIDDEN, N_SYMBOLS, kind=k,
                                           gate_bias=2.0 if keep and k != "rnn" else None) for k in KINDS}
        self.optimizers = {k: optim.Adam(m.parameters(), lr=LR) for k, m in self.models.items()}
        self.steps = 0
        self.X, self.y = data.make_memory_task(BATCH, self.lag.value, N_SYMBOLS, seed=self.seed)
        self.result = self.measure()
        self.refresh()

    def train(self):
        """``STEPS_PER_PRESS`` Adam steps for each cell, each on a fresh batch of the task."""
        loss_fn = nn.CrossEntropyLoss()
        for _ in range(STEPS_PER_PRESS):
            self.steps += 1
            X, y = data.make_memory_task(BATCH, self.lag.value, N_SYMBOLS, seed=self.seed + 1000 + self.steps)
            for kind, model in self.models.items():
                self.optimizers[kind].zero_grad()
                loss_fn(model(X), y)
                model.backward(loss_fn.backward())
                self.optimizers[kind].step()
        self.result = self.measure()
        self.refresh()

    def measure(self):
        """Loss, accuracy and ||dL/dh_t|| (T,) per cell on the fixed batch (parameter gradients untouched)."""
        loss_fn, result = nn.CrossEntropyLoss(), {}
        for kind, model in self.models.items():
            scores = model(self.X)
            loss = float(loss_fn(scores, self.y))
            grads = [p.grad.copy() for p in model.parameters()]
            model.backward(loss_fn.backward())
            for p, g in zip(model.parameters(), grads):  # measuring must not feed the optimizer
                p.grad[...] = g
            result[kind] = (loss, float(np.mean(scores.argmax(1) == self.y)), gradient_norms(model))
        return result

    def draw(self):  # self.result is measured when the models change, not when only the heatmap does
        T = self.lag.value + 1
        which = HEATMAPS.index(self.heatmap.value)
        t = np.arange(T)
        for kind, (_, _, norms) in self.result.items():
            self._bars[kind].set_segments([[(i, FLOOR), (i, max(v, FLOOR))] for i, v in zip(t, norms)])
            rnn = self.models[kind].rnn
            if which == 0:
                values, norm, cmap, note = rnn.h_seq[0][:, 0], Normalize(-1, 1), EDGE_CMAP, ""
            elif kind == "rnn":
                values, norm, cmap, note = np.full((T, HIDDEN), np.nan), Normalize(0, 1), "viridis", "no gates"
            else:
                gate = {"lstm": "fi", "gru": "zz"}[kind][which - 1]
                values = rnn.gates[0][gate][:, 0]
                values = 1 - values if kind == "gru" and which == 2 else values  # GRU writes with 1 - z
                norm, cmap, note = Normalize(0, 1), "viridis", ""
            image = self._images[kind]
            image.set_data(values.T)
            image.set_extent((-0.5, T - 0.5, HIDDEN - 0.5, -0.5))
            image.set_norm(norm)
            image.set_cmap(cmap)
            self._texts[kind].set_text(note)
        rows = "".join(f"<tr><td>{k.upper()}</td><td>{norms[0] / norms[-1]:.1e}</td><td>{loss:.2f}</td>"
                       f"<td>{acc:.0%}</td></tr>" for k, (loss, acc, norms) in self.result.items())
        colours = ("purple −1 … orange +1" if which == 0 else "dark 0 … yellow 1")
        return (f"<b>Lag {self.lag.value}, {self.init.value} gate bias, {self.steps} training steps.</b> "
                f"The loss reads only the last step, so every gradient starts at t = {T - 1} and travels back. "
                f"<table><tr><th></th><th>‖dL/dh<sub>0</sub>‖ / ‖dL/dh<sub>{T - 1}</sub>‖</th><th>loss</th>"
                f"<th>accuracy</th></tr>{rows}</table>A ratio far below 1: the first symbol, which holds the "
                f"answer, barely gets a learning signal. Chance accuracy is 1/{N_SYMBOLS} = 12%. Heatmap of the "
                f"first sequence: {self.heatmap.value}, {colours}.")

    def summary(self):
        parts = ", ".join(f"{k.upper()} {norms[0] / norms[-1]:.0e}" for k, (_, _, norms) in self.result.items())
        return (f"GradientsThroughTime: lag {self.lag.value}, {self.init.value} gate bias, {self.steps} steps; "
                f"gradient ratio first/last step: {parts}")

    def actions(self):
        return [("longer lag", lambda: setattr(self.lag, "value", self.lag.value % MAX_LAG + 1)),
                ("other init", lambda: setattr(self.init, "value", INITS[1 - INITS.index(self.init.value)])),
                ("next heatmap", lambda: setattr(self.heatmap, "value", HEATMAPS[
                    (HEATMAPS.index(self.heatmap.value) + 1) % len(HEATMAPS)])),
                ("train", self.train)]
