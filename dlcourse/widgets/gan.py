"""GAN lab: a generator and a discriminator (``dlcourse.nn`` MLPs) play their game live on 2-D data."""
import ipywidgets as W
import matplotlib
import numpy as np
from matplotlib.colors import ListedColormap

from .. import data, nn, optim
from .._env import numpy_seed
from ..metrics import mode_coverage
from ..nn.gan import GAN_LOSSES, discriminator_step, generator_point_grad, generator_step
from ..viz.figures import new_figure
from .base import CourseWidget, control

ITERS_PER_STEP = 5     # rounds of training per button press or Play tick
BATCH = 128            # batch and width of lesson 10's PyTorch recipe: it covers the ring
HIDDEN = 64
LATENT = 2
_GRID = 30
_SHOWN = 120           # generated points drawn (fixed noise, so they move smoothly)
_ARROWS = 50           # of which carry an arrow
_WARMUP = 300          # rounds before the collapse warning may fire: every generator starts as a small blob


# PuOr mixed with white: as light as alpha 0.55 over a white axes, without compositing on every frame
_PALE_PUOR = ListedColormap(0.55 * matplotlib.colormaps["PuOr"](np.linspace(0, 1, 256))[:, :3] + 0.45)


def _mlp(sizes, act):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), act()]
    return nn.Sequential(*layers[:-1])


class GANLab(CourseWidget):
    """Train a GAN on 2-D points in NumPy and watch both players.

    Left: real points (black), generated points (orange), D's belief P(real) as shading, and arrows
    showing where the generator's loss pushes each generated point (``-dL_G/dx``: D's input gradient,
    which is what flows into G's backward pass). Right: both losses over training rounds.
    A round is ``d_steps`` discriminator updates, then ``g_steps`` generator updates (Adam with ``beta1``,
    0.5 by default; 0.9 is Adam's usual default, which makes this game unstable).
    """

    def __init__(self, dataset="ring", loss="non-saturating", lr_d=2e-3, lr_g=2e-3, d_steps=1, g_steps=1,
                 label_smoothing=0.0, beta1=0.5, seed=0):
        who, style = "GANLab", {"description_width": "initial"}
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"GANLab: seed must be a non-negative integer, got {seed!r}")
        self.seed = seed
        self.dataset = control(W.Dropdown, dataset, who, "dataset", options=list(data.TARGETS), description="data")
        self.loss = control(W.Dropdown, loss, who, "loss", options=list(GAN_LOSSES), description="G loss")
        self.lr_d = control(W.FloatLogSlider, lr_d, who, "lr_d", base=10, min=-4, max=-1, step=0.1,
                            description="D learning rate", readout_format=".4f", style=style)
        self.lr_g = control(W.FloatLogSlider, lr_g, who, "lr_g", base=10, min=-4, max=-1, step=0.1,
                            description="G learning rate", readout_format=".4f", style=style)
        self.d_steps = control(W.IntSlider, d_steps, who, "d_steps", min=1, max=5, description="D steps per round",
                               style=style)
        self.g_steps = control(W.IntSlider, g_steps, who, "g_steps", min=1, max=5, description="G steps per round",
                               style=style)
        self.smoothing = control(W.FloatSlider, label_smoothing, who, "label_smoothing", min=0.0, max=0.3, step=0.05,
                                 description="label smoothing", style=style)
        self.beta1 = control(W.Dropdown, beta1, who, "beta1", options=[0.5, 0.9], description="Adam β₁")
        self.play = W.Play(value=0, min=0, max=100_000, interval=200, description="play")
        self.buttons = {name: W.Button(description=name, button_style="primary" if name == "Step both" else "")
                        for name in ("Step D", "Step G", "Step both")}
        self.reset_button = W.Button(description="Reset", icon="undo")

        fig = new_figure(9.0, 3.8)
        self.ax, self.ax_loss = fig.subplots(1, 2, gridspec_kw=dict(width_ratios=[1.15, 1]))
        self._heat = self.ax.imshow(np.zeros((_GRID, _GRID)), origin="lower", cmap=_PALE_PUOR, vmin=0, vmax=1,
                                    aspect="auto", interpolation="nearest")
        self._real = self.ax.scatter(np.zeros(1), np.zeros(1), s=4, c="k", alpha=0.5)
        self._fake = self.ax.scatter(np.zeros(1), np.zeros(1), s=9, c="tab:orange", edgecolors="k",
                                     linewidths=0.3)
        z = np.zeros(_ARROWS)
        self._arrows = self.ax.quiver(z, z, z, z, angles="xy", scale_units="xy", scale=1, color="tab:red",
                                      width=0.004)
        self.ax.set_title("data, D's P(real) (purple = real), G's push", fontsize=9)
        self.ax.set_xlabel("black: real · orange: generated · red arrows: where G's loss pushes them", fontsize=7)
        (self._d_line,) = self.ax_loss.plot([], [], label="D loss")
        (self._g_line,) = self.ax_loss.plot([], [], label="G loss")
        self.ax_loss.axhline(2 * np.log(2), color="0.5", lw=0.8, ls=":")
        self.ax_loss.text(0.02, 2 * np.log(2) - 0.1, "D loss at equilibrium: 2 ln 2", fontsize=7, color="0.4", va="top",
                          transform=self.ax_loss.get_yaxis_transform())
        self.ax_loss.set(xlim=(0, 500), ylim=(-3, 4), xlabel="round", title="losses")
        self.ax_loss.legend(loc="upper right", fontsize=7)
        fig.tight_layout()
        controls = [W.HBox([self.play, *self.buttons.values(), self.reset_button]),
                    W.HBox([W.VBox([self.dataset, self.loss, self.smoothing]), W.VBox([self.lr_d, self.lr_g]),
                            W.VBox([self.d_steps, self.g_steps, self.beta1])])]
        super().__init__(controls, fig)
        self.animate(self._heat, self._real, self._fake, self._arrows, self._d_line, self._g_line)
        self.buttons["Step D"].on_click(lambda _: self.step(train_g=False))
        self.buttons["Step G"].on_click(lambda _: self.step(train_d=False))
        self.buttons["Step both"].on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.play.observe(lambda c: self.step() if c["new"] > c["old"] else None, "value")
        self.dataset.observe(lambda _: self._new_data(), "value")
        self.loss.observe(lambda _: self.refresh(), "value")  # the arrows follow the chosen loss at once
        for c in (self.lr_d, self.lr_g, self.beta1):
            c.observe(lambda _: self._new_optimizers(), "value")
        self._new_data()

    # -- data, models, training ------------------------------------------------------
    def _new_data(self):
        self.target = data.gan_target(self.dataset.value)
        self.real_shown = self.target.sample(300, seed=self.seed)
        lo, hi = self.real_shown.min() - 0.8, self.real_shown.max() + 0.8
        self.ax.set(xlim=(lo, hi), ylim=(lo, hi))
        self._heat.set_extent((lo, hi, lo, hi))
        g = np.linspace(lo, hi, _GRID)
        self._grid = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
        self._real.set_offsets(self.real_shown)
        self.invalidate()
        self.reset()

    def reset(self):
        with numpy_seed(self.seed):  # the same settings always start from the same two networks
            self.G = _mlp([LATENT, HIDDEN, HIDDEN, 2], nn.ReLU)
            self.D = _mlp([2, HIDDEN, HIDDEN, 1], lambda: nn.LeakyReLU(0.2))
        self.rng = np.random.default_rng(self.seed)
        self.z_shown = self.rng.standard_normal((_SHOWN, LATENT))
        self.rounds, self.d_losses, self.g_losses = 0, [], []
        self.d_updates = self.g_updates = 0
        self.play.value = 0
        self.ax_loss.set_xlim(0, 500)
        self.invalidate()
        self._new_optimizers()

    def _new_optimizers(self):
        betas = (self.beta1.value, 0.999)  # a change restarts both optimizers' moment estimates
        self.opt_d = optim.Adam(self.D.parameters(), lr=self.lr_d.value, betas=betas)
        self.opt_g = optim.Adam(self.G.parameters(), lr=self.lr_g.value, betas=betas)
        self.refresh()

    def _noise(self):
        return self.rng.standard_normal((BATCH, LATENT))

    def step(self, train_d=True, train_g=True):
        """ITERS_PER_STEP rounds: D steps, G steps or both (as the sliders set), then redraw."""
        with np.errstate(all="ignore"):
            for _ in range(ITERS_PER_STEP):
                if train_d:
                    for _ in range(self.d_steps.value):
                        d = discriminator_step(self.G, self.D, self.opt_d, self.target.sample(BATCH, self.rng),
                                               self._noise(), self.smoothing.value)
                        self.d_updates += 1
                if train_g:
                    for _ in range(self.g_steps.value):
                        g = generator_step(self.G, self.D, self.opt_g, self._noise(), self.loss.value)
                        self.g_updates += 1
                self.rounds += 1
                self.d_losses.append(d if train_d else np.nan)
                self.g_losses.append(g if train_g else np.nan)
        if not np.isfinite(self.G(self.z_shown)).all():
            self.play.playing = False
        self.refresh()

    def coverage(self):
        """``(modes covered, modes with points nearest them)`` for 400 fixed generated points (see ``mode_coverage``)."""
        x = self.G(np.random.default_rng(self.seed + 1).standard_normal((400, LATENT)))
        good = mode_coverage(x, self.target.centres, self.target.sigma)
        anywhere = mode_coverage(x, self.target.centres, self.target.sigma, k=np.inf)
        return good.covered, anywhere.covered

    # -- drawing ---------------------------------------------------------------------
    def draw(self):
        with np.errstate(all="ignore"):
            p_real = 1 / (1 + np.exp(-self.D(self._grid)[:, 0]))
            points, _, grad = generator_point_grad(self.G, self.D, self.z_shown, self.loss.value)
        self._heat.set_data(np.nan_to_num(p_real, nan=0.5).reshape(_GRID, _GRID))
        self._fake.set_offsets(np.nan_to_num(points))
        push = -grad[:_ARROWS] * len(grad)  # per-point gradient (undo the batch mean)
        size = np.linalg.norm(push, axis=1)
        span = self.ax.get_xlim()[1] - self.ax.get_xlim()[0]
        scale = 0.12 * span / max(np.nanmax(size), 1e-12)  # longest arrow: 12% of the view
        self._arrows.set_offsets(np.nan_to_num(points[:_ARROWS]))
        self._arrows.set_UVC(*np.nan_to_num(push * scale).T)
        r = np.arange(1, len(self.d_losses) + 1)
        self._d_line.set_data(r, np.clip(self.d_losses, -3, 4))
        self._g_line.set_data(r, np.clip(self.g_losses, -3, 4))
        if self.rounds > self.ax_loss.get_xlim()[1]:
            self.ax_loss.set_xlim(0, 2 * self.ax_loss.get_xlim()[1])
            self.invalidate()
        self._coverage = covered, near = self.coverage()
        k = self.target.n_modes
        d_last = f"{self.d_losses[-1]:.3f}" if self.d_losses and np.isfinite(self.d_losses[-1]) else "–"
        g_last = f"{self.g_losses[-1]:.3f}" if self.g_losses and np.isfinite(self.g_losses[-1]) else "–"
        text = (f"round {self.rounds} ({self.d_updates} D and {self.g_updates} G updates) · D loss {d_last} · "
                f"G loss {g_last} · modes covered {covered}/{k} · median push |dL/dx| {np.nanmedian(size):.2g}")
        if not np.isfinite(points).all():
            text += "<br><b>⚠ The generator diverged.</b> Lower the learning rates and press Reset."
        elif self.rounds >= _WARMUP and near < k / 2:
            text += (f"<br><b>⚠ Mode collapse:</b> the generated points gather near only {near} of the {k} modes. "
                     "Try one G step per D step, a lower G learning rate, or Reset.")
        return text

    def summary(self):
        covered = self._coverage[0]  # as of the last redraw
        return (f"GANLab: {self.dataset.value} ({self.target.n_modes} modes), {self.loss.value} loss, "
                f"round {self.rounds}, modes covered {covered}/{self.target.n_modes}")

    def actions(self):
        return [("step both", self.step), ("step both", self.step), ("step D", lambda: self.step(train_g=False)),
                ("step G", lambda: self.step(train_d=False))]
