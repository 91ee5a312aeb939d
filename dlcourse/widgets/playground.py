"""Playground: train a small NumPy network on 2-D data and watch it learn, TensorFlow-Playground style."""
import ipywidgets as W
import matplotlib
import numpy as np
from matplotlib.lines import Line2D

from .. import data, nn, optim
from .._env import numpy_seed
from ..nn.activation import ACTIVATION_MODULES
from ..viz.figures import new_figure
from ..viz.network import NetworkDrawing
from .base import CourseWidget, control

DATASETS = {"circles": data.make_circles, "xor": data.make_xor, "moons": data.make_moons,
            "spirals": lambda n, noise, seed: data.make_spirals(n, noise=noise, n_classes=2, seed=seed),
            "blobs": data.make_blobs}
EPOCHS_PER_STEP = 10
_GRID = 60
# Points and the decision map share one map over P(class 1): 0 -> orange, 1 -> purple (PuOr's own order).
CLASS_CMAP = matplotlib.colormaps["PuOr"]
CLASS_COLOUR_NAMES = {0: "orange", 1: "purple"}


class Playground(CourseWidget):
    """Choose data, noise, depth, width, activation, learning rate, L2 and dropout; press Play.

    The model is a ``dlcourse.nn.Sequential`` trained full-batch with ``dlcourse.optim.SGD``
    (momentum 0.9, weight decay = L2) on half the points; the other half is the test set.
    """

    def __init__(self, dataset="circles", noise=0.1, layers=2, neurons=4, activation="tanh", lr=0.1,
                 l2=0.0, dropout=0.0, seed=0):
        self.seed = seed
        style = {"description_width": "initial"}
        who = "Playground"
        self.dataset = control(W.Dropdown, dataset, who, "dataset", options=list(DATASETS), description="data")
        self.noise = control(W.FloatSlider, noise, who, "noise", min=0.0, max=0.5, step=0.05, description="noise")
        self.layers = control(W.IntSlider, layers, who, "layers", min=0, max=4, description="hidden layers",
                              style=style)
        self.neurons = control(W.IntSlider, neurons, who, "neurons", min=1, max=8, description="neurons", style=style)
        self.activation = control(W.Dropdown, activation, who, "activation", options=list(ACTIVATION_MODULES),
                                  description="activation", style=style)
        self.lr = control(W.FloatLogSlider, lr, who, "lr", base=10, min=-3, max=1, step=0.1, description="learning rate",
                                   readout_format=".3f", style=style)
        self.l2 = control(W.FloatSlider, l2, who, "l2", min=0.0, max=0.05, step=0.005, description="L2",
                          readout_format=".3f")
        self.dropout = control(W.FloatSlider, dropout, who, "dropout", min=0.0, max=0.5, step=0.05,
                               description="dropout")
        self.play = W.Play(value=0, min=0, max=100_000, interval=250, description="play")
        self.step_button = W.Button(description=f"Step (+{EPOCHS_PER_STEP} epochs)", button_style="primary")
        self.reset_button = W.Button(description="Reset", icon="undo")
        fig = new_figure(10.0, 3.5)
        self.ax_data, self.ax_net, self.ax_loss = fig.subplots(1, 3, gridspec_kw=dict(width_ratios=[1, 1.3, 1]))
        ext = (-2, 2.5, -2, 2.5)
        self._heat = self.ax_data.imshow(np.zeros((_GRID, _GRID)), origin="lower", extent=ext, cmap=CLASS_CMAP,
                                         vmin=0, vmax=1, alpha=0.75, aspect="auto")
        self._train_pts = self.ax_data.scatter([0], [0], c=[0.0], s=12, edgecolors="k", linewidths=0.3,
                                               cmap=CLASS_CMAP, vmin=0, vmax=1)
        self._test_pts = self.ax_data.scatter([0], [0], c=[0.0], s=14, marker="^", edgecolors="0.3", linewidths=0.3,
                                              cmap=CLASS_CMAP, vmin=0, vmax=1, alpha=0.6)
        self.ax_data.set(title="data (●train ▲test) and decision",
                         xlabel=f"shading: predicted P(class 1), {CLASS_COLOUR_NAMES[0]} 0 … {CLASS_COLOUR_NAMES[1]} 1")
        self.ax_data.xaxis.label.set_fontsize(7)
        self.class_key = self.ax_data.legend(
            handles=[Line2D([], [], ls="", marker="o", mec="k", mew=0.3, mfc=CLASS_CMAP(float(c)),
                            label=f"class {c} ({name})") for c, name in CLASS_COLOUR_NAMES.items()],
            loc="upper right", fontsize=7, framealpha=0.8, handletextpad=0.2, borderpad=0.3)
        (self._train_line,) = self.ax_loss.plot([], [], label="train")
        (self._test_line,) = self.ax_loss.plot([], [], label="test")
        self.ax_loss.set(yscale="log", ylim=(1e-3, 5), xlim=(0, 200), xlabel="epoch", title="loss")
        self.ax_loss.legend(loc="lower left")
        fig.tight_layout()
        controls = [W.HBox([self.play, self.step_button, self.reset_button]),
                    W.HBox([W.VBox([self.dataset, self.noise, self.activation]),
                            W.VBox([self.layers, self.neurons, self.lr]), W.VBox([self.l2, self.dropout])])]
        super().__init__(controls, fig)
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.play.observe(lambda c: self.step() if c["new"] > c["old"] else None, "value")
        for c in (self.dataset, self.noise):
            c.observe(lambda _: self._new_data(), "value")
        for c in (self.layers, self.neurons, self.activation, self.dropout):
            c.observe(lambda _: self.reset(), "value")
        for c in (self.lr, self.l2):
            c.observe(lambda _: self._new_optimizer(), "value")
        self._new_data()

    # -- data, model, training -------------------------------------------------------
    def _new_data(self):
        X, y = DATASETS[self.dataset.value](400, noise=self.noise.value, seed=self.seed)
        X = (X - X.mean(0)) / X.std(0)  # every set on the same scale, centred in the view
        self.X_train, self.y_train, self.X_test, self.y_test = X[:200], y[:200], X[200:], y[200:]
        lo, hi = X.min() - 0.3, X.max() + 0.3
        self._heat.set_extent((lo, hi, lo, hi))
        self.ax_data.set(xlim=(lo, hi), ylim=(lo, hi))
        g = np.linspace(lo, hi, _GRID)
        self._grid = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
        self._train_pts.set_offsets(self.X_train)
        self._train_pts.set_array(self.y_train.astype(float))
        self._test_pts.set_offsets(self.X_test)
        self._test_pts.set_array(self.y_test.astype(float))
        self.reset()

    def reset(self):
        act = ACTIVATION_MODULES[self.activation.value]
        with numpy_seed(self.seed):  # the same architecture always starts from the same weights
            mods, width = [], 2
            for _ in range(self.layers.value):
                mods.append(nn.Linear(width, self.neurons.value))
                if act is not None:
                    mods.append(act())
                if self.dropout.value > 0:
                    mods.append(nn.Dropout(self.dropout.value))
                width = self.neurons.value
            mods.append(nn.Linear(width, 2))
            self.model = nn.Sequential(*mods)
        self.linears = [m for m in self.model if isinstance(m, nn.Linear)]
        self.loss_fn = nn.CrossEntropyLoss()
        self.epoch, self.train_losses, self.test_losses, self.diverged = 0, [], [], False
        self._new_optimizer(refresh=False)
        self.play.value = 0
        self._new_network_drawing()
        self._record()
        self.refresh()

    def _new_optimizer(self, refresh=True):
        self.optimizer = optim.SGD(self.model.parameters(), lr=self.lr.value, momentum=0.9, weight_decay=self.l2.value)
        if refresh:
            self.refresh()

    def _losses(self):
        self.model.eval()
        with np.errstate(all="ignore"):
            train = float(self.loss_fn(self.model(self.X_train), self.y_train))
            test = float(self.loss_fn(self.model(self.X_test), self.y_test))
        self.model.train()
        return train, test

    def _record(self):
        train, test = self._losses()
        self.train_losses.append(train)
        self.test_losses.append(test)
        self.diverged = not np.isfinite(train) or train > 10 * max(self.train_losses[0], 1e-3)

    def step(self):
        """Train EPOCHS_PER_STEP full-batch epochs (unless the loss has diverged), then redraw."""
        if not self.diverged:
            with np.errstate(all="ignore"):
                for _ in range(EPOCHS_PER_STEP):
                    self.optimizer.zero_grad()
                    self.loss_fn(self.model(self.X_train), self.y_train)
                    self.model.backward(self.loss_fn.backward())
                    self.optimizer.step()
            self.epoch += EPOCHS_PER_STEP
            self._record()
        if self.diverged:
            self.play.playing = False
        self.refresh()

    # -- drawing ---------------------------------------------------------------------
    def _new_network_drawing(self):
        self.ax_net.clear()
        sizes = [2] + [self.neurons.value] * self.layers.value + [2]
        names = ["x₁ x₂"] + [f"h{i + 1}" for i in range(self.layers.value)] + ["out"]
        self.net = NetworkDrawing(self.ax_net, sizes, layer_names=names, node_size=350, key="weight",
                                  key_loc="lower center", key_fontsize=6.5)
        self.ax_net.set_title("network (edge colour = sign of weight)")
        self.forget_animated()
        self.animate(self._heat, self._train_pts, self._test_pts, self.net.edges, self.net.nodes, self._train_line,
                     self._test_line, self.class_key)  # the key last, so the map does not cover it
        self.invalidate()  # the network panel was rebuilt

    def draw(self):
        self.model.eval()
        with np.errstate(all="ignore"):
            probs = nn.functional.softmax(self.model(self._grid), dim=1)[:, 1]
        self.model.train()
        self._heat.set_data(np.nan_to_num(probs, nan=0.5).reshape(_GRID, _GRID))
        self.net.set_edges([np.nan_to_num(lin.weight.data) for lin in self.linears], labels=False)
        epochs = np.arange(len(self.train_losses)) * EPOCHS_PER_STEP
        self._train_line.set_data(epochs, np.clip(self.train_losses, 1e-3, 5))
        self._test_line.set_data(epochs, np.clip(self.test_losses, 1e-3, 5))
        if epochs[-1] > self.ax_loss.get_xlim()[1]:
            self.ax_loss.set_xlim(0, 2 * self.ax_loss.get_xlim()[1])
            self.invalidate()
        train, test = self.train_losses[-1], self.test_losses[-1]
        text = (f"epoch {self.epoch} · train loss {train:.3f} · test loss {test:.3f} · "
                f"{self.model.num_parameters()} parameters")
        if self.diverged:
            text += "<br><b>⚠ The loss is diverging.</b> Lower the learning rate and press Reset."
        elif len(self.test_losses) > 5 and test > 1.2 * min(self.test_losses) and train < min(self.train_losses[:-1]):
            text += "<br>Test loss rising while train loss falls: the network is starting to overfit."
        return text

    def summary(self):
        return (f"Playground: {self.dataset.value}, {self.layers.value} hidden layers × {self.neurons.value} "
                f"{self.activation.value}, epoch {self.epoch}, train loss {self.train_losses[-1]:.3f}, "
                f"test loss {self.test_losses[-1]:.3f}")

    def actions(self):
        return [("step", self.step), ("step", self.step),
                ("more noise", lambda: setattr(self.noise, "value", round((self.noise.value + 0.05) % 0.5, 2)))]
