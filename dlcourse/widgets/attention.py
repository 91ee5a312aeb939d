"""Attention explorer: a tiny NumPy Transformer learns to reverse or sort digits, and its attention takes shape."""
import ipywidgets as W
import numpy as np

from .. import data, nn, optim
from .._env import numpy_seed
from ..viz.figures import new_figure
from .base import CourseWidget, control

N_SYMBOLS = 10
BATCH = 32
STEPS_PER_UPDATE = 3
EVAL_EVERY = 10  # training steps between points of the learning curve
_VAL_SEED = 10 ** 6  # validation sequences come from their own seed, never from a training batch's


class TinyTransformer(nn.Module):
    """Embedding + sinusoidal positions -> pre-norm TransformerEncoder -> LayerNorm -> Linear, all dlcourse.nn.

    ``forward(x)``: symbols ``(N, L)`` -> scores ``(N, L, n_symbols)`` for the output symbol at every position.
    With ``causal=True`` every position attends only to itself and earlier positions.
    """

    def __init__(self, length, n_symbols=N_SYMBOLS, d_model=32, nhead=2, num_layers=1, causal=False):
        super().__init__()
        self.embed = nn.Embedding(n_symbols, d_model)
        self.pos = nn.PositionalEncoding(d_model, max_len=length, batch_first=True)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2 * d_model, dropout=0.0,
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers, norm=nn.LayerNorm(d_model))
        self.head = nn.Linear(d_model, n_symbols)
        self.mask = nn.generate_square_subsequent_mask(length) if causal else None

    def forward(self, x):
        h = self.encoder(self.pos(self.embed(x)), mask=self.mask, is_causal=self.mask is not None)
        return self.head(h)

    def backward(self, grad):
        self.embed.backward(self.pos.backward(self.encoder.backward(self.head.backward(grad))))

    def attention(self, layer, head):
        """The attention weights ``(N, L, L)`` of one head in one layer at the last forward pass."""
        return self.encoder.layers[layer].self_attn.attn_weights_per_head[:, head]


class AttentionExplorer(CourseWidget):
    """Train a tiny Transformer (``dlcourse.nn``, ``dlcourse.optim.Adam``) on reverse/sort; watch each head attend.

    The heatmap shows, for one validation sequence, how much each output position (row, the query) attends to
    each input position (column, the key) in the chosen layer and head. Step trains ``STEPS_PER_UPDATE``
    mini-batches of fresh random sequences; Play keeps stepping. Changing the task, the architecture or the
    causal mask starts a new model from the same seed.
    """

    def __init__(self, task="reverse", length=8, layers=1, heads=2, causal=False, lr=1e-2, seed=0):
        who = "AttentionExplorer"
        self.task = control(W.Dropdown, task, who, "task", options=list(data.SEQUENCE_TASKS), description="task")
        if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or not 4 <= length <= 12:
            raise ValueError(f"{who}: length must be an integer from 4 to 12, got {length!r}")
        if not isinstance(causal, bool):
            raise ValueError(f"{who}: causal must be True or False, got {causal!r}")
        self.length_value = int(length)
        self.n_layers = control(W.Dropdown, layers, who, "layers", options=[1, 2], description="layers")
        self.n_heads = control(W.Dropdown, heads, who, "heads", options=[1, 2, 4], description="heads")
        self.causal = W.Checkbox(value=causal, description="causal mask (no peeking ahead)")
        self.lr = control(W.FloatLogSlider, lr, who, "lr", base=10, min=-4, max=-1, step=0.25, readout_format=".4f",
                          description="learning rate", style={"description_width": "initial"})
        self.seed = seed
        self.layer = W.Dropdown(options=[0], description="show layer")
        self.head = W.Dropdown(options=[0], description="show head")
        self.example = W.IntSlider(value=0, min=0, max=63, description="example")
        self.step_button = W.Button(description=f"Step (+{STEPS_PER_UPDATE} batches)", button_style="primary")
        self.play = W.Play(value=0, min=0, max=100_000, interval=150, description="play")
        self.reset_button = W.Button(description="Reset", icon="undo")
        L = self.length_value
        fig = new_figure(9.0, 3.8)
        self.ax_att, self.ax_curve = fig.subplots(1, 2, gridspec_kw=dict(width_ratios=[1, 1.2]))
        self._img = self.ax_att.imshow(np.full((L, L), 1 / L), cmap="viridis", vmin=0, vmax=1)
        fig.colorbar(self._img, ax=self.ax_att, fraction=0.046, pad=0.04, label="attention weight")
        self.ax_att.set(xticks=range(L), yticks=range(L), xlabel="key: input position",
                        ylabel="query: output position")
        self.ax_att.grid(False)
        # two placeholder lines, so that tight_layout leaves room above the heatmap for "in ... / out ..."
        self._sequence = self.ax_att.text(0.5, 1.03, "in\nout", transform=self.ax_att.transAxes, ha="center",
                                          va="bottom", fontsize=9, family="monospace")
        (self._acc_line,) = self.ax_curve.plot([], [], color="C0", label="validation accuracy (per symbol)")
        (self._loss_line,) = self.ax_curve.plot([], [], color="C1", label="training loss / ln 10")
        self.ax_curve.set(xlim=(0, 200), ylim=(0, 1.05), xlabel="training step (mini-batches of 32)")
        self.ax_curve.legend(loc="center right", fontsize=8)
        fig.tight_layout()
        controls = [W.HBox([self.play, self.step_button, self.reset_button]),
                    W.HBox([W.VBox([self.task, self.n_layers, self.n_heads]), W.VBox([self.causal, self.lr]),
                            W.VBox([self.layer, self.head, self.example])])]
        super().__init__(controls, fig)
        self.animate(self._img, self._sequence, self._acc_line, self._loss_line)
        self.X_val, self.Y_val = data.make_sequence_task(task, 64, L, N_SYMBOLS, seed=_VAL_SEED + seed)
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.play.observe(lambda c: self.step() if c["new"] > c["old"] else None, "value")
        for c in (self.task, self.n_layers, self.n_heads, self.causal):
            c.observe(lambda _: self.reset(), "value")
        self.lr.observe(lambda _: self._new_optimizer(), "value")
        for c in (self.layer, self.head, self.example):
            c.observe(self.refresh, "value")
        self.reset()

    # -- model and training ------------------------------------------------------------------------
    def reset(self):
        """A fresh model (same seed, same first weights) for the current task, architecture and mask."""
        L = self.length_value
        self.X_val, self.Y_val = data.make_sequence_task(self.task.value, 64, L, N_SYMBOLS, seed=_VAL_SEED + self.seed)
        with numpy_seed(self.seed):
            self.model = TinyTransformer(L, N_SYMBOLS, nhead=self.n_heads.value, num_layers=self.n_layers.value,
                                         causal=self.causal.value)
        self.loss_fn = nn.CrossEntropyLoss()
        self._new_optimizer(refresh=False)
        self.steps, self.history = 0, []  # (step, training loss, validation accuracy)
        self.play.value = 0
        with self.layer.hold_trait_notifications(), self.head.hold_trait_notifications():
            self.layer.options = list(range(self.n_layers.value))
            self.head.options = list(range(self.n_heads.value))
            self.layer.value, self.head.value = 0, 0
        self.ax_curve.set_xlim(0, 200)
        self.invalidate()
        self._evaluate(train_loss=np.log(N_SYMBOLS))
        self.refresh()

    def _new_optimizer(self, refresh=True):
        self.optimizer = optim.Adam(self.model.parameters(), lr=self.lr.value)
        if refresh:
            self.refresh()

    def _evaluate(self, train_loss):
        self.pred = self.model(self.X_val).argmax(-1)  # also leaves the validation attention in the layers
        self.accuracy = float((self.pred == self.Y_val).mean())
        self.history.append((self.steps, train_loss, self.accuracy))

    def train(self, steps):
        """Run ``steps`` Adam steps on fresh mini-batches (seeded by step number), evaluating every ``EVAL_EVERY``
        steps and at the end."""
        L = self.length_value
        loss = np.nan
        for i in range(int(steps)):
            X, Y = data.make_sequence_task(self.task.value, BATCH, L, N_SYMBOLS, seed=self.seed * 100_003 + self.steps)
            self.optimizer.zero_grad()
            logits = self.model(X)
            loss = self.loss_fn(logits.reshape(-1, N_SYMBOLS), Y.reshape(-1))
            self.model.backward(self.loss_fn.backward().reshape(logits.shape))
            self.optimizer.step()
            self.steps += 1
            if self.steps % EVAL_EVERY == 0 and i < int(steps) - 1:
                self._evaluate(train_loss=float(loss))
        self._evaluate(train_loss=float(loss))

    def step(self):
        self.train(STEPS_PER_UPDATE)
        self.refresh()

    # -- drawing -------------------------------------------------------------------------------------
    def attention_map(self):
        """``(L, L)`` weights of the chosen layer and head for the chosen validation example."""
        return self.model.attention(self.layer.value, self.head.value)[self.example.value]

    def draw(self):
        i = self.example.value
        self._img.set_data(self.attention_map())
        x, y, p = self.X_val[i], self.Y_val[i], self.pred[i]
        self._sequence.set_text(f"in  {' '.join(map(str, x))}\nout {' '.join(map(str, p))}  "
                                f"({int((p == y).sum())}/{len(y)} right)")
        steps, losses, accs = np.array(self.history).T
        self._acc_line.set_data(steps, accs)
        self._loss_line.set_data(steps, np.clip(losses / np.log(N_SYMBOLS), 0, 1.05))
        if steps[-1] > self.ax_curve.get_xlim()[1]:
            self.ax_curve.set_xlim(0, 2 * self.ax_curve.get_xlim()[1])
            self.invalidate()
        text = (f"step {self.steps} · training loss {losses[-1]:.3f} · validation accuracy {self.accuracy:.1%} "
                f"(chance 10%) · layer {self.layer.value}, head {self.head.value}: row = output position, "
                f"column = input position it reads")
        if self.task.value == "reverse" and not self.causal.value:
            text += "<br>For reversing, output position i needs input position L−1−i: look for the anti-diagonal."
        if self.causal.value:
            text += ("<br>With the causal mask, output position i sees only inputs 0…i, so for reversing the first "
                     "half of the outputs cannot be known.")
        return text

    def summary(self):
        return (f"AttentionExplorer: {self.task.value} {self.length_value} digits, {self.n_layers.value} layer(s) × "
                f"{self.n_heads.value} head(s), causal {self.causal.value}, step {self.steps}")

    def actions(self):
        return [("step", self.step), ("step", self.step),
                ("next example", lambda: setattr(self.example, "value", (self.example.value + 1) % 64))]
