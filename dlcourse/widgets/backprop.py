"""Backprop stepper: one training step of a small MLP, taken one stage at a time.

Every number shown comes from dlcourse.nn's own forward and backward passes (the
same calls a learner makes), so the tests can hold them against torch autograd.
"""
import ipywidgets as W
import numpy as np

from .. import nn, optim
from .._env import numpy_seed
from ..viz.figures import new_figure
from ..viz.network import NetworkDrawing
from .base import CourseWidget, control

_ACTIVE, _DONE, _IDLE = "#F0E442", "#56B4E9", "white"


def _vec(a, fmt="{:+.3f}"):
    return "[" + ", ".join(fmt.format(v) for v in np.ravel(a)) + "]"


class BackpropStepper(CourseWidget):
    """Step through data in -> forward (layer by layer) -> loss -> backward (layer by layer) -> update.

    Hidden layers use tanh, the output a sigmoid, the loss is binary cross-entropy, and the
    update is plain SGD. ``view`` switches the picture between values (activations, weights)
    and gradients (δ = dL/dz at nodes, dL/dW on edges).
    """

    def __init__(self, sizes=(2, 3, 2, 1), x=(0.5, -1.0), target=1.0, lr=1.0, seed=0):
        sizes = tuple(int(s) for s in sizes)
        if len(sizes) < 2 or sizes[-1] != 1 or len(x) != sizes[0]:
            raise ValueError(f"BackpropStepper needs sizes like (2, 3, 2, 1) ending in 1 output and an x of "
                             f"length sizes[0]; got sizes={sizes}, x={x}")
        if target not in (0, 1):
            raise ValueError(f"target must be 0 or 1 (binary classification), got {target!r}")
        with numpy_seed(seed):
            self.linears = [nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
        self.acts = [nn.Tanh() for _ in sizes[1:-1]] + [nn.Sigmoid()]
        self.model = nn.Sequential(*[m for pair in zip(self.linears, self.acts) for m in pair])
        self.loss_fn = nn.BCELoss()
        self.x = np.array([x], dtype=np.float64)
        self.target = np.array([[float(target)]])
        self._initial = self.model.state_dict()
        self.L = len(self.linears)
        self.stages = (["ready", "data in"] + [f"forward {l}" for l in range(1, self.L + 1)] + ["loss"]
                       + [f"backward {l}" for l in range(self.L, 0, -1)] + ["update"])

        self.step_button = W.Button(description="Step ▶", button_style="primary", tooltip="next stage")
        self.reset_button = W.Button(description="Reset", icon="undo", tooltip="initial weights, stage 'ready'")
        self.play = W.Play(value=0, min=0, max=100_000, interval=700, description="play")
        self.view = W.ToggleButtons(options=["values", "gradients"], value="values", description="show")
        self.lr = control(W.FloatLogSlider, lr, "BackpropStepper", "lr", base=10, min=-3, max=1, step=0.1, description="learning rate",
                                   readout_format=".3f", style={"description_width": "initial"})
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.play.observe(self._on_play, "value")
        self.view.observe(self.refresh, "value")
        self.lr.observe(self._on_lr, "value")

        fig = new_figure(7.6, 3.9)
        ax = fig.add_axes((0.0, 0.0, 1.0, 0.9))
        names = ["input"] + [f"hidden {l}" for l in range(1, self.L)] + ["output"]
        self.net = NetworkDrawing(ax, sizes, layer_names=names, key="weight w")
        self._title = fig.text(0.5, 0.97, "", ha="center", va="top", fontsize=11, weight="bold")
        self._caption = fig.text(0.5, 0.02, "", ha="center", va="bottom", fontsize=8, color="0.3")
        controls = [W.HBox([self.step_button, self.reset_button, self.play]), W.HBox([self.view, self.lr])]
        super().__init__(controls, fig)
        self.animate(self.net.edges, self.net.nodes, *sum(self.net.node_text, []), *sum(self.net.node_note, []),
                     *self.net.edge_text, self.net.key, self._title, self._caption)
        self.reset()

    # -- the learning step, one stage at a time --------------------------------------
    def reset(self):
        self.model.load_state_dict(self._initial)
        self.optimizer = optim.SGD(self.model.parameters(), lr=self.lr.value)
        self.model.zero_grad()
        self.stage = 0
        self.updates = 0
        self.losses = []
        self._clear_pass()
        self.play.value = 0
        self.refresh()

    def _clear_pass(self):
        self.a = [None] * (self.L + 1)      # activations, a[0] = x
        self.z = [None] * (self.L + 1)      # pre-activations
        self.delta = [None] * (self.L + 1)  # dL/dz per layer
        self.grad_a = [None] * (self.L + 1)  # dL/da per layer
        self.loss = None

    def step(self):
        """Advance one stage (after 'update' the next step starts a new pass)."""
        self.stage = self.stage + 1 if self.stage + 1 < len(self.stages) else 1
        name = self.stages[self.stage]
        if name == "data in":
            self._clear_pass()
            self.model.zero_grad()
            self.a[0] = self.x
        elif name.startswith("forward"):
            l = int(name.split()[1])
            self.z[l] = self.linears[l - 1](self.a[l - 1])
            self.a[l] = self.acts[l - 1](self.z[l])
        elif name == "loss":
            self.loss = float(self.loss_fn(self.a[self.L], self.target))
        elif name.startswith("backward"):
            l = int(name.split()[1])
            if l == self.L:
                self.grad_a[l] = self.loss_fn.backward()
            self.delta[l] = self.acts[l - 1].backward(self.grad_a[l])
            self.grad_a[l - 1] = self.linears[l - 1].backward(self.delta[l])
        elif name == "update":
            self.optimizer.step()
            self.updates += 1
            self.losses.append(self.loss)
        if name.startswith("forward") or name == "data in":
            self.view.value = "values"
        elif name.startswith("backward"):
            self.view.value = "gradients"
        self.refresh()

    def _on_play(self, change):
        if change["new"] > change["old"]:
            self.step()

    def _on_lr(self, change):
        self.optimizer = optim.SGD(self.model.parameters(), lr=change["new"])
        self.refresh()

    # -- drawing ---------------------------------------------------------------------
    def _layer_of_stage(self):
        name = self.stages[self.stage]
        if name == "data in":
            return 0
        if name.startswith(("forward", "backward")):
            return int(name.split()[1])
        if name == "loss":
            return self.L
        return None

    def draw(self):
        name = self.stages[self.stage]
        grads = self.view.value == "gradients"
        net = self.net
        net.clear_text()
        net.set_key_label("dL/dw" if grads else "weight w")
        if grads:
            edges = [lin.weight.grad if self.delta[l + 1] is not None else np.zeros_like(lin.weight.grad)
                     for l, lin in enumerate(self.linears)]
            net.set_edges(edges, fmt="{:+.3f}")
            for l in range(1, self.L + 1):
                if self.delta[l] is not None:
                    net.set_node_text(l, [f"{v:+.2f}" for v in self.delta[l][0]])
                    net.set_node_note(l, [f"dL/da {v:+.2f}" for v in self.grad_a[l][0]])
            if self.grad_a[0] is not None:
                net.set_node_note(0, [f"dL/dx {v:+.2f}" for v in self.grad_a[0][0]])
        else:
            net.set_edges([lin.weight.data for lin in self.linears], fmt="{:+.2f}")
            for l in range(self.L + 1):
                if self.a[l] is not None:
                    net.set_node_text(l, [f"{v:.2f}" for v in self.a[l][0]])
                    if l:
                        net.set_node_note(l, [f"z {v:+.2f}" for v in self.z[l][0]])
        active = self._layer_of_stage()
        colors = []
        for l, n in enumerate(net.sizes):
            done = self.a[l] is not None if not grads else self.delta[l] is not None or (l == 0 and self.grad_a[0] is not None)
            colors += [_ACTIVE if l == active else _DONE if done else _IDLE] * n
        net.set_node_colors(colors)
        loss = f"   loss {self.loss:.4f}" if self.loss is not None else ""
        self._title.set_text(f"pass {self.updates + 1} · stage: {name}{loss}")
        self._caption.set_text("nodes: δ = dL/dz (below: dL/da) · edges: dL/dw (purple < 0 < orange, width ∝ |dL/dw|)"
                               if grads else
                               "nodes: activation a (below: z) · edges: weight w (purple < 0 < orange, width ∝ |w|)")
        return self._explain(name)

    def _explain(self, name):
        L = self.L
        if name == "ready":
            return (f"<b>Ready.</b> Press <i>Step</i> to send x = {_vec(self.x, '{:.2f}')} through the network; "
                    f"the target is y = {self.target[0, 0]:.0f}.")
        if name == "data in":
            return f"<b>1 · Data in.</b> The input layer simply holds x = {_vec(self.a[0], '{:.2f}')}."
        if name.startswith("forward"):
            l = int(name.split()[1])
            f = "σ" if l == L else "tanh"
            return (f"<b>2 · Forward, layer {l}.</b> z = W<sub>{l}</sub>·a<sub>{l - 1}</sub> + b<sub>{l}</sub> = "
                    f"{_vec(self.z[l])}, then a<sub>{l}</sub> = {f}(z) = {_vec(self.a[l])}.")
        if name == "loss":
            p, y = self.a[L][0, 0], self.target[0, 0]
            return (f"<b>3 · Loss.</b> Binary cross-entropy of the prediction ŷ = {p:.4f} against y = {y:.0f}: "
                    f"L = −[y·log ŷ + (1−y)·log(1−ŷ)] = <b>{self.loss:.4f}</b>.")
        if name.startswith("backward"):
            l = int(name.split()[1])
            if l == L:
                head = (f"dL/dŷ = {_vec(self.grad_a[L])}; through the sigmoid, "
                        f"δ<sub>{L}</sub> = dL/dz = ŷ − y = {_vec(self.delta[L])}.")
            else:
                head = (f"dL/da<sub>{l}</sub> = W<sub>{l + 1}</sub>ᵀ·δ<sub>{l + 1}</sub> = {_vec(self.grad_a[l])}; "
                        f"times tanh'(z) = 1 − a², δ<sub>{l}</sub> = {_vec(self.delta[l])}.")
            return (f"<b>4 · Backward, layer {l}.</b> {head} Each edge gets dL/dw = δ (at its end) × a (at its "
                    f"start); dL/db<sub>{l}</sub> = δ<sub>{l}</sub>.")
        return (f"<b>5 · Update.</b> Every weight moved against its gradient: w ← w − {self.optimizer.lr:.3f}·dL/dw. "
                f"Losses so far: {', '.join(f'{v:.4f}' for v in self.losses[-6:])}. Step again for the next pass.")

    def summary(self):
        loss = f", loss {self.loss:.4f}" if self.loss is not None else ""
        return f"BackpropStepper: network {self.net.sizes}, pass {self.updates + 1}, stage '{self.stages[self.stage]}'{loss}"

    def actions(self):
        return [("step", self.step), ("toggle view", lambda: setattr(
            self.view, "value", "gradients" if self.view.value == "values" else "values"))]
