"""LatentExplorer: walk the 2-D code space of an autoencoder next to PCA's, and watch a denoiser clean digits."""
import ipywidgets as W
import matplotlib
import numpy as np
from matplotlib.lines import Line2D

from .. import data as datasets
from .._env import numpy_seed
from ..viz.figures import new_figure
from ..viz.images import tile_images
from .base import CourseWidget, control

STEPS = 8  # images along an interpolation
DIGIT_CMAP = matplotlib.colormaps["tab10"]


def _psnr(a, b):
    """Peak signal-to-noise ratio in dB for images in [0, 1]: 10 log10(1 / MSE)."""
    return 10 * np.log10(1 / max(float(np.mean((a - b) ** 2)), 1e-12))


class LatentExplorer(CourseWidget):
    """Test digits placed by their 2-D code (autoencoder, left) and by their first two principal components (PCA).

    Move the point with the two sliders (its position across each map, 0 to 1); both maps decode it.
    Choose two digits to see the autoencoder decode the straight line between their codes (each digit
    is represented by its test image whose code lies nearest the digit's median code), and a noise
    level to see the denoiser clean the first of them.

    autoencoder: a trained model with ``encode`` (N, 64) -> (N, 2) and ``decode`` (N, 2) -> (N, 64),
        e.g. ``dl.models.AutoEncoder(64, (128,), 2)``; None trains a small one here (about a second).
    denoiser: a trained model (N, 64) -> (N, 64) that cleans noisy digits; None trains a small one.
    digits: a flat ``load_digits(flat=True)`` Split; PCA is fitted on its training part, the maps show its test part.
    """

    def __init__(self, autoencoder=None, denoiser=None, digits=None, x=0.5, y=0.5, start=0, end=6, noise=0.3,
                 seed=0):
        import torch

        from .. import models
        who = "LatentExplorer"
        self.digits = digits if digits is not None else datasets.load_digits(flat=True, seed=seed)
        if not isinstance(self.digits, datasets.Split) or self.digits.X_train.ndim != 2 \
                or self.digits.X_train.shape[1] != 64:
            raise ValueError(f"{who}: digits must be a Split from dl.data.load_digits(flat=True), with 64 pixels "
                             f"per row; got {type(self.digits).__name__}")
        X_train, X_test = self.digits.X_train, self.digits.X_test
        for name, model in (("autoencoder", autoencoder), ("denoiser", denoiser)):
            if model is not None and not isinstance(model, torch.nn.Module):
                raise TypeError(f"{who}: {name} must be a torch.nn.Module (or None to train one), "
                                f"got {type(model).__name__}")
        if autoencoder is None:
            torch.manual_seed(seed)
            autoencoder = models.AutoEncoder(64, (64,), 2)
            models.fit_autoencoder(autoencoder, X_train, epochs=30, seed=seed)
        if denoiser is None:
            torch.manual_seed(seed)
            denoiser = models.AutoEncoder(64, (64,), 16)
            models.fit_autoencoder(denoiser, X_train, epochs=20, noise=0.3, seed=seed)
        self.autoencoder, self.denoiser = autoencoder.eval(), denoiser.eval()
        self._torch, self._dtype = torch, next(autoencoder.parameters()).dtype
        self.codes = self._run(autoencoder.encode, X_test)
        if self.codes.shape != (len(X_test), 2):
            raise ValueError(f"{who}: the autoencoder's encode must give 2-D codes (N, 2); got shape {self.codes.shape}")
        # PCA by the SVD of the centred training images: the best linear 2-D code
        self.pca_mean = X_train.mean(0)
        self.pca_components = np.linalg.svd(X_train - self.pca_mean, full_matrices=False)[2][:2]
        self.pca_codes = (X_test - self.pca_mean) @ self.pca_components.T
        # each digit's example for interpolation: its test image whose code lies nearest the digit's median code
        self.examples = []
        for k in range(10):
            idx = np.flatnonzero(self.digits.y_test == k)
            if len(idx) == 0:
                raise ValueError(f"{who}: the test part of digits has no image of digit {k}")
            mid = np.median(self.codes[idx], axis=0)
            self.examples.append(int(idx[np.argmin(((self.codes[idx] - mid) ** 2).sum(1))]))
        with numpy_seed(seed):
            self._noise_pattern = np.random.standard_normal(64)  # one fixed pattern, scaled by the slider

        style = {"description_width": "initial"}
        self.x = control(W.FloatSlider, x, who, "x", min=0.0, max=1.0, step=0.02, description="point across")
        self.y = control(W.FloatSlider, y, who, "y", min=0.0, max=1.0, step=0.02, description="point up")
        self.start = control(W.Dropdown, start, who, "start", options=list(range(10)),
                             description="interpolate from digit", style=style)
        self.end = control(W.Dropdown, end, who, "end", options=list(range(10)), description="to digit", style=style)
        self.noise = control(W.FloatSlider, noise, who, "noise", min=0.0, max=0.6, step=0.05,
                             description="noise level", style=style)

        fig = new_figure(10.0, 5.6)
        gs = fig.add_gridspec(3, 8, height_ratios=[1, 1, 0.6], hspace=0.5, wspace=0.5,
                              left=0.03, right=0.99, top=0.94, bottom=0.06)
        self.ax_ae, self.ax_pca = fig.add_subplot(gs[0:2, 0:3]), fig.add_subplot(gs[0:2, 3:6])
        small = [fig.add_subplot(gs[r, c]) for r, c in ((0, 6), (0, 7), (1, 6), (1, 7))]
        self.ax_strip = fig.add_subplot(gs[2, :])
        self._limits = []
        for ax, pts, title in ((self.ax_ae, self.codes, "autoencoder codes"),
                               (self.ax_pca, self.pca_codes, "PCA: first two components")):
            ax.scatter(*pts.T, c=self.digits.y_test, cmap=DIGIT_CMAP, vmin=-0.5, vmax=9.5, s=9, alpha=0.8,
                       linewidths=0)
            lo, hi = pts.min(0), pts.max(0)
            pad = 0.05 * (hi - lo)
            lo, hi = lo - pad, hi + pad
            ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), title=title, xticks=[], yticks=[])
            self._limits.append((lo, hi))
        self.ax_pca.legend(handles=[Line2D([], [], ls="", marker="o", mfc=DIGIT_CMAP(k), mec="none", label=str(k))
                                    for k in range(10)], loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=6,
                           handletextpad=0.1, borderpad=0.2, title="digit", title_fontsize=6)
        (self._ae_point,) = self.ax_ae.plot([], [], "X", color="k", mfc="w", ms=13, mew=1.8)
        (self._pca_point,) = self.ax_pca.plot([], [], "X", color="k", mfc="w", ms=13, mew=1.8)
        (self._path,) = self.ax_ae.plot([], [], "o-", color="k", ms=4, lw=1.2)
        self._images = {}
        for ax, key, title in zip(small, ("ae", "pca", "noisy", "clean"),
                                  ("decoded: AE", "decoded: PCA", "noisy input", "denoised")):
            self._images[key] = ax.imshow(np.zeros((8, 8)), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
            ax.set_title(title, fontsize=8)
            ax.set_xticks([]), ax.set_yticks([])
        # the whole interpolation is one image (STEPS digits side by side, a blank column between): one artist to draw
        self._strip = self.ax_strip.imshow(tile_images(np.zeros((STEPS, 64)), STEPS), cmap="gray_r", vmin=0, vmax=1,
                                           interpolation="nearest")
        self.ax_strip.set_xticks(np.arange(STEPS) * 9 + 3.5, ["start", *[f"{i}/{STEPS - 1}" for i in range(1, STEPS - 1)],
                                                               "end"], fontsize=7)
        self.ax_strip.set_yticks([])
        self.ax_strip.set_title("decoded along the straight line between the two digits' AE codes", fontsize=8)
        controls = [W.HBox([self.x, self.y]), W.HBox([self.start, self.end, self.noise])]
        super().__init__(controls, fig)
        self.animate(self._ae_point, self._pca_point, self._path, *self._images.values(), self._strip)
        for c in (self.x, self.y, self.start, self.end, self.noise):
            c.observe(self.refresh, "value")
        self.refresh()

    def _run(self, fn, X):
        with self._torch.no_grad():
            out = fn(self._torch.as_tensor(np.asarray(X), dtype=self._dtype))
        return (out[0] if isinstance(out, tuple) else out).cpu().numpy().astype(np.float64)

    def _at(self, which):
        """The chosen point in the coordinates of map ``which`` (0: autoencoder, 1: PCA)."""
        lo, hi = self._limits[which]
        return lo + np.array([self.x.value, self.y.value]) * (hi - lo)

    def draw(self):
        z_ae, z_pca = self._at(0), self._at(1)
        self._ae_point.set_data([z_ae[0]], [z_ae[1]])
        self._pca_point.set_data([z_pca[0]], [z_pca[1]])
        a, b = self.codes[self.examples[self.start.value]], self.codes[self.examples[self.end.value]]
        path = a + np.linspace(0, 1, STEPS)[:, None] * (b - a)
        self._path.set_data(*path.T)
        decoded = self._run(self.autoencoder.decode, np.vstack([z_ae, path]))
        self._images["ae"].set_data(decoded[0].reshape(8, 8))
        self._images["pca"].set_data((self.pca_mean + z_pca @ self.pca_components).clip(0, 1).reshape(8, 8))
        self._strip.set_data(tile_images(decoded[1:], STEPS))
        clean = self.digits.X_test[self.examples[self.start.value]]
        noisy = np.clip(clean + self.noise.value * self._noise_pattern, 0, 1)
        cleaned = self._run(self.denoiser, noisy[None])[0]
        self._images["noisy"].set_data(noisy.reshape(8, 8))
        self._images["clean"].set_data(cleaned.reshape(8, 8))
        self.psnr_noisy, self.psnr_cleaned = _psnr(noisy, clean), _psnr(cleaned, clean)
        noisy_text = "no noise" if self.noise.value == 0 else f"noisy input {self.psnr_noisy:.1f} dB"
        return (f"Point at ({self.x.value:.2f}, {self.y.value:.2f}) of each map: AE code ({z_ae[0]:.2f}, {z_ae[1]:.2f}), "
                f"PCA code ({z_pca[0]:.2f}, {z_pca[1]:.2f}).<br>"
                f"Bottom row: the decoder along the straight line from a {self.start.value} to a {self.end.value} "
                f"in code space.<br>Denoising the {self.start.value} at noise {self.noise.value:.2f}: "
                f"PSNR {noisy_text} → denoised {self.psnr_cleaned:.1f} dB (higher is closer to the clean image).")

    def summary(self):
        return (f"LatentExplorer: point ({self.x.value:.2f}, {self.y.value:.2f}), interpolating "
                f"{self.start.value} → {self.end.value}, noise {self.noise.value:.2f}")

    def actions(self):
        step = lambda s: setattr(s, "value", round((s.value + 0.1) % 1.0, 2))
        return [("move the point across", lambda: step(self.x)), ("move the point up", lambda: step(self.y)),
                ("other end digit", lambda: setattr(self.end, "value", (self.end.value + 1) % 10)),
                ("more noise", lambda: setattr(self.noise, "value", round((self.noise.value + 0.05) % 0.6, 2)))]
