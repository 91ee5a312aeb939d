"""ArchitectureRace: 2-4 architectures train side by side on one data set, the same batches for each.

Every tick gives each chosen model the same number of optimizer steps (round robin) through
``dlcourse.compare.Run``, the training step the comparison harness uses, then redraws their
validation accuracy against steps and against training time. Add a data set or an architecture
in one place: ``RACES``.
"""
from time import perf_counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import ipywidgets as W
import matplotlib
import numpy as np
import torch
from torch import nn

from .. import data as dldata
from ..compare import Run, as_tensors, count_params, macs_per_sample
from ..models import CNN, MLP, Conv1dNet, PatchTransformer, ResidualMLP, SignalRecurrentNet, TransformerClassifier
from ..viz.figures import new_figure
from .base import CourseWidget, control


@dataclass
class RaceTrack:
    """One data set to race on: ``load() -> Split`` (classes 0..C-1) and ``models`` {name: factory(seed) -> Module}.

    ``default`` names the architectures chosen at first; ``lr`` and ``batch_size`` hold for every model.
    The curves use the first ``val_samples`` validation samples (a random subset: splits are shuffled),
    so that evaluating every tick stays cheap.
    """
    load: Callable
    models: dict
    default: tuple
    lr: float = 3e-3
    batch_size: int = 64
    val_samples: int = 300


def _digit_models():
    """Digits come as images (N, 1, 8, 8); each model takes what it needs from that."""
    return {
        "logistic": lambda seed: nn.Sequential(nn.Flatten(), nn.Linear(64, 10)),
        "MLP": lambda seed: nn.Sequential(nn.Flatten(), MLP(64, (64,), 10)),
        "CNN": lambda seed: CNN(channels=(8, 16), hidden=32),
        # rows as tokens: 8 tokens of 8 pixels
        "Transformer": lambda seed: nn.Sequential(nn.Flatten(1, 2), TransformerClassifier(
            10, in_features=8, d_model=32, nhead=2, num_layers=1, dim_feedforward=64)),
    }


def _load_spirals():
    X, y = dldata.make_spirals(600, noise=0.2, n_classes=3, seed=0)
    return dldata.split(X, y, seed=0)


def _spiral_models():
    return {
        "logistic": lambda seed: nn.Linear(2, 3),
        "MLP 1×16": lambda seed: MLP(2, (16,), 3),
        "MLP 2×32": lambda seed: MLP(2, (32, 32), 3),
        "MLP 4×32": lambda seed: MLP(2, (32, 32, 32, 32), 3),
    }


def _signal_models():
    """MNIST-1D signals (N, 40): the paper's kinds of model (see dlcourse.models.signal1d)."""
    return {
        "logistic": lambda seed: nn.Linear(40, 10),
        "MLP": lambda seed: ResidualMLP(),
        "CNN": lambda seed: Conv1dNet(),
        "GRU": lambda seed: SignalRecurrentNet(kind="gru"),
        "LSTM": lambda seed: SignalRecurrentNet(kind="lstm"),
        "Transformer": lambda seed: PatchTransformer(patch_size=4, d_model=32, nhead=2, num_layers=1,
                                                     dim_feedforward=64),
    }


RACES = {
    "digits": RaceTrack(dldata.load_digits, _digit_models(), ("MLP", "CNN", "Transformer")),
    "mnist1d": RaceTrack(dldata.load_mnist1d, _signal_models(), ("MLP", "CNN", "GRU"), lr=1e-2, batch_size=100),
    "spirals": RaceTrack(_load_spirals, _spiral_models(), ("logistic", "MLP 1×16", "MLP 2×32"), lr=1e-2, batch_size=32),
}


@lru_cache(maxsize=None)
def _tensors(dataset):
    """The data set's tensors, on the CPU (these models are too small to gain from a GPU), validation
    cut to the track's ``val_samples``."""
    t = as_tensors(RACES[dataset].load(), "cpu", who="ArchitectureRace")
    n = RACES[dataset].val_samples
    t.X_val, t.y_val = t.X_val[:n], t.y_val[:n]
    return t


class ArchitectureRace(CourseWidget):
    """Validation accuracy of 2-4 architectures against optimizer steps (left) and training seconds (right).

    All models start from seed ``seed``, see the same mini-batches in the same order and train with Adam at
    the data set's learning rate; a tick gives each ``steps_per_tick`` steps. Training time excludes
    evaluation and drawing, and the models take turns on one CPU, so the seconds compare fairly.
    """

    def __init__(self, dataset="digits", architectures=None, steps_per_tick=1, seed=0):
        who = "ArchitectureRace"
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"{who}: seed must be a non-negative integer, got {seed!r}")
        self.seed = seed
        self.dataset = control(W.Dropdown, dataset, who, "dataset", options=list(RACES), description="data")
        track = RACES[dataset]
        chosen = track.default if architectures is None else architectures
        self.architectures = control(W.SelectMultiple, chosen, who, "architectures", options=list(track.models),
                                     description="models", rows=max(len(t.models) for t in RACES.values()))
        self._check_count(self.architectures.value)
        self.steps_per_tick = control(W.IntSlider, steps_per_tick, who, "steps_per_tick", min=1, max=20,
                                      description="steps/tick", style={"description_width": "initial"})
        self.play = W.Play(value=0, min=0, max=100_000, interval=100, description="play")
        self.step_button = W.Button(description="Step", button_style="primary", tooltip="one tick")
        self.reset_button = W.Button(description="Reset", icon="undo", tooltip="fresh models, step 0")

        fig = new_figure(8.4, 3.1)
        self.ax_step, self.ax_time = fig.subplots(1, 2, sharey=True)
        self.ax_step.set(xlabel="optimizer steps", ylabel="validation accuracy", ylim=(0, 1.02), xlim=(0, 100))
        self.ax_time.set(xlabel="training time (s)", xlim=(0, 1))
        self._palette = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
        self._lines = []
        fig.tight_layout()
        controls = [W.HBox([self.play, self.step_button, self.reset_button, self.steps_per_tick]),
                    W.HBox([self.dataset, self.architectures])]
        super().__init__(controls, fig)
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.play.observe(lambda c: self.step() if c["new"] > c["old"] else None, "value")
        self.dataset.observe(self._new_dataset, "value")
        self.architectures.observe(self._new_selection, "value")
        self.reset()

    @staticmethod
    def _check_count(chosen):
        if not 2 <= len(chosen) <= 4:
            raise ValueError(f"ArchitectureRace: choose 2 to 4 architectures; got {len(chosen)}: {list(chosen)}")

    def _new_dataset(self, change):
        track = RACES[change["new"]]
        self.architectures.unobserve(self._new_selection, "value")
        self.architectures.options = list(track.models)  # clears the selection
        self.architectures.value = track.default
        self.architectures.observe(self._new_selection, "value")
        self.reset()

    def _new_selection(self, change):
        if 2 <= len(change["new"]) <= 4:
            self.reset()
        else:  # a passing selection of 1 or 5 keeps the race as it is, and says why
            self.info.value = (self.draw() + f"<br><b>Choose 2 to 4 architectures</b> (Ctrl- or Shift-click); "
                               f"{len(change['new'])} are selected, so the race shown is the last valid choice.")

    def reset(self):
        """Fresh models (seeded), step 0, one validation point each."""
        self.play.playing = False
        self.play.value = 0  # counting down is no tick
        track, data = RACES[self.dataset.value], _tensors(self.dataset.value)
        self.runs, self.costs = [], {}
        for name in self.architectures.value:
            torch.manual_seed(self.seed)  # every model starts from the seed, whatever was built before it
            run = Run(name, track.models[name](self.seed), data, seed=self.seed, batch_size=track.batch_size,
                      lr=track.lr)
            run.record()
            self.runs.append(run)
            self.costs[name] = (count_params(run.model), macs_per_sample(run.model, data.X_val[:1]))
        self.ticks = 0
        self.forget_animated()
        for pair in self._lines:
            for line in pair:
                line.remove()
        self._lines = []
        for run, colour in zip(self.runs, self._palette):
            a = self.ax_step.plot([], [], "-", color=colour, label=run.name)[0]
            b = self.ax_time.plot([], [], "-", color=colour, label=run.name)[0]
            self._lines.append((a, b))
        self.ax_step.set_xlim(0, 100)
        self.ax_time.set_xlim(0, 1)
        self.ax_time.legend(handles=[a for a, _ in self._lines], loc="lower right", fontsize=8)
        self.animate(*[ln for pair in self._lines for ln in pair])
        self.invalidate()
        self.refresh()

    def step(self):
        """One tick: each model takes ``steps_per_tick`` optimizer steps in turn, then one validation point."""
        start = perf_counter()
        for run in self.runs:
            run.train(self.steps_per_tick.value)
            run.record()
        self.ticks += 1
        # Play must not fire faster than a tick runs (ticks would queue up): follow the measured tick time
        self.play.interval = max(100, round(1500 * (perf_counter() - start)))
        self.refresh()

    def draw(self):
        steps = max(r.steps for r in self.runs)
        seconds = max(r.seconds for r in self.runs)
        for ax, value in ((self.ax_step, steps), (self.ax_time, seconds)):
            if value > ax.get_xlim()[1]:  # double the range: the static layer is redrawn only now and then
                ax.set_xlim(0, 2 ** np.ceil(np.log2(value / ax.get_xlim()[1])) * ax.get_xlim()[1])
                self.invalidate()
        rows = []
        for run, (a, b) in zip(self.runs, self._lines):
            a.set_data(run.curve["step"], run.curve["val_metric"])
            b.set_data(run.curve["seconds"], run.curve["val_metric"])
            params, macs = self.costs[run.name]
            acc = "diverged" if run.diverged else f"{run.curve['val_metric'][-1]:.1%}"
            rows.append(f"<tr><td>{run.name}</td><td>{params:,}</td><td>{macs:,.0f}</td><td>{run.steps}</td>"
                        f"<td>{run.seconds:.2f} s</td><td>{acc}</td></tr>")
        head = ("<tr><th>model</th><th>params</th><th>MACs/sample</th><th>steps</th><th>training time</th>"
                f"<th>val. accuracy ({len(self.runs[0].data.y_val)} samples)</th></tr>")
        return (f"<b>{self.dataset.value}</b>, tick {self.ticks}: <table>{head}{''.join(rows)}</table>"
                "Same seed, same batches, same learning rate for all. Compare the left panel (what one step buys) "
                "with the right (what one second buys).")

    def summary(self):
        parts = ", ".join(f"{r.name} ({self.costs[r.name][0]:,} params) val {r.curve['val_metric'][-1]:.0%}"
                          for r in self.runs)
        return f"ArchitectureRace on {self.dataset.value}, step {self.runs[0].steps}: {parts}"

    def actions(self):
        return [("tick", self.step)]
