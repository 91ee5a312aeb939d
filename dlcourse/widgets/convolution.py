"""Convolution explorer: slide a 3x3 kernel over an image, one window at a time, then pool."""
import ipywidgets as W
import numpy as np
from matplotlib.patches import Rectangle

from .. import data, nn
from ..nn.conv import output_size
from ..viz.figures import new_figure
from ..viz.network import EDGE_CMAP, EDGE_COLOUR_NAMES  # the course's signed colours: orange > 0 > purple
from .base import CourseWidget, control

KERNELS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "edges (Laplacian)": [[0, -1, 0], [-1, 4, -1], [0, -1, 0]],
    "vertical edges (Sobel)": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "horizontal edges (Sobel)": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "blur": [[1 / 9] * 3] * 3,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "custom": None,
}


def _shapes():
    """Simple 16x16 test images: a square, a cross and a ring."""
    yy, xx = np.mgrid[:16, :16]
    square = ((abs(xx - 7.5) < 5) & (abs(yy - 7.5) < 5)).astype(float)
    cross = ((abs(xx - 7.5) < 1.5) | (abs(yy - 7.5) < 1.5)).astype(float)
    r = np.hypot(xx - 7.5, yy - 7.5)
    ring = ((r > 3.5) & (r < 6.5)).astype(float)
    return {"square": square, "cross": cross, "ring": ring}


class ConvolutionExplorer(CourseWidget):
    """Input with the current window, the feature map (Conv2d from dlcourse.nn) and its pooled version."""

    def __init__(self, image="digit", kernel="vertical edges (Sobel)", stride=1, padding=0, dilation=1, pooling="max"):
        self._images = _shapes()
        self._digits = data.load_digits(upsample=2, val_size=0).X_train[:50, 0]
        who = "ConvolutionExplorer"
        self.picture = control(W.Dropdown, image, who, "image", options=["digit", *self._images], description="image")
        self.digit = W.IntSlider(value=0, min=0, max=len(self._digits) - 1, description="digit #")
        self.kernel = control(W.Dropdown, kernel, who, "kernel", options=list(KERNELS), description="kernel",
                                 layout=W.Layout(width="290px"))
        self.custom = [W.FloatText(value=float(v), layout=W.Layout(width="55px"))
                       for v in np.ravel(KERNELS["sharpen"])]
        self.stride = control(W.IntSlider, stride, who, "stride", min=1, max=3, description="stride")
        self.padding = control(W.IntSlider, padding, who, "padding", min=0, max=2, description="padding")
        self.dilation = control(W.IntSlider, dilation, who, "dilation", min=1, max=2, description="dilation")
        self.pooling = control(W.ToggleButtons, pooling, who, "pooling", options=["max", "avg"],
                               description="2×2 pool")
        self.position = W.IntSlider(value=0, min=0, max=0, description="window")
        fig = new_figure(10.0, 3.5)
        self.ax_in, self.ax_out, self.ax_pool, cax = fig.subplots(1, 4, gridspec_kw={"width_ratios": [1, 1, 1, 0.05]})
        self._in_img = self.ax_in.imshow(np.zeros((16, 16)), cmap="gray_r")
        self._out_img = self.ax_out.imshow(np.zeros((14, 14)), cmap=EDGE_CMAP)
        self._pool_img = self.ax_pool.imshow(np.zeros((7, 7)), cmap=EDGE_CMAP)
        self._window = Rectangle((0, 0), 3, 3, fill=False, ec="#D55E00", lw=2)
        self._cell = Rectangle((0, 0), 1, 1, fill=False, ec="#D55E00", lw=2)
        self.ax_in.add_patch(self._window)
        self.ax_out.add_patch(self._cell)
        for ax in (self.ax_in, self.ax_out, self.ax_pool):
            ax.grid(False)
        # one colour bar for both maps: they share symmetric limits, so white is always 0
        self._colorbar = fig.colorbar(self._pool_img, cax=cax)
        self._colorbar.set_label(f"value ({EDGE_COLOUR_NAMES['negative']} < 0 < {EDGE_COLOUR_NAMES['positive']})",
                                 fontsize=8)
        fig.tight_layout()
        grid = W.GridBox(self.custom, layout=W.Layout(grid_template_columns="repeat(3, 60px)"))
        controls = [W.HBox([W.VBox([self.picture, self.digit, self.kernel]), W.VBox([self.stride, self.padding, self.dilation]),
                            W.VBox([W.Label("custom kernel"), grid])]),
                    W.HBox([self.position, self.pooling])]
        super().__init__(controls, fig)
        # the colour bar follows each new scale; redrawing its small axes beats re-rendering the figure
        self.animate(self._in_img, self._window, self._out_img, self._cell, self._pool_img, self._colorbar.ax)
        self._shape_key = None
        for c in (self.picture, self.digit, self.kernel, self.stride, self.padding, self.dilation, self.pooling,
                  self.position, *self.custom):
            c.observe(self.refresh, "value")
        self.refresh()

    def kernel_values(self):
        k = KERNELS[self.kernel.value]
        return np.array([c.value for c in self.custom]).reshape(3, 3) if k is None else np.array(k, dtype=float)

    def draw(self):
        img = self._digits[self.digit.value] if self.picture.value == "digit" else self._images[self.picture.value]
        s, p, d = self.stride.value, self.padding.value, self.dilation.value
        h = img.shape[0]
        ho = output_size(h, 3, s, p, d)
        conv = nn.Conv2d(1, 1, 3, stride=s, padding=p, dilation=d, bias=False)
        conv.load_state_dict({"weight": self.kernel_values()[None, None]})
        self.feature_map = conv(img[None, None])[0, 0]
        pool = (nn.MaxPool2d if self.pooling.value == "max" else nn.AvgPool2d)(2)
        self.pooled = pool(self.feature_map[None, None])[0, 0] if ho >= 2 else np.zeros((1, 1))
        with self.position.hold_trait_notifications():
            self.position.max = ho * ho - 1
        i, j = divmod(min(self.position.value, ho * ho - 1), ho)
        padded = np.pad(img, p)
        self._in_img.set_data(padded)
        self._in_img.set_clim(0, max(1.0, padded.max()))
        self._in_img.set_extent((-0.5, h + 2 * p - 0.5, h + 2 * p - 0.5, -0.5))
        self._window.set_xy((j * s - 0.5, i * s - 0.5))
        self._window.set_width(2 * d + 1)
        self._window.set_height(2 * d + 1)
        lim = np.abs(self.feature_map).max() or 1.0
        self._out_img.set_data(self.feature_map)
        self._out_img.set_clim(-lim, lim)
        self._out_img.set_extent((-0.5, ho - 0.5, ho - 0.5, -0.5))
        self._cell.set_xy((j - 0.5, i - 0.5))
        self._pool_img.set_data(self.pooled)
        self._pool_img.set_clim(-lim, lim)
        self._pool_img.set_extent((-0.5, self.pooled.shape[1] - 0.5, self.pooled.shape[0] - 0.5, -0.5))
        key = (h + 2 * p, ho, self.pooled.shape)
        if key != self._shape_key:  # new sizes: new limits and titles (static layer)
            self._shape_key = key
            self.ax_in.set(xlim=(-0.5, h + 2 * p - 0.5), ylim=(h + 2 * p - 0.5, -0.5),
                           title=f"input {h}×{h}" + (f" + padding {p}" if p else ""))
            self.ax_out.set(xlim=(-0.5, ho - 0.5), ylim=(ho - 0.5, -0.5), title=f"feature map {ho}×{ho}")
            self.ax_pool.set(xlim=(-0.5, self.pooled.shape[1] - 0.5), ylim=(self.pooled.shape[0] - 0.5, -0.5),
                             title=f"{self.pooling.value} pool 2×2 → {self.pooled.shape[0]}×{self.pooled.shape[1]}")
            self.invalidate()
        window = padded[i * s: i * s + 2 * d + 1: d, j * s: j * s + 2 * d + 1: d]
        self.value = float((window * self.kernel_values()).sum())
        return (f"<code>output size = ⌊(H + 2p − d(k − 1) − 1) / s⌋ + 1 = ⌊({h} + {2 * p} − {d * 2} − 1) / {s}⌋ + 1"
                f" = <b>{ho}</b></code><br>Window at row {i}, column {j}: sum(window × kernel) = "
                f"<b>{self.value:.3f}</b> (the highlighted output pixel).")

    def summary(self):
        return (f"ConvolutionExplorer: {self.picture.value}, kernel {self.kernel.value}, stride {self.stride.value}, "
                f"padding {self.padding.value}, dilation {self.dilation.value} -> feature map "
                f"{self.feature_map.shape[0]}x{self.feature_map.shape[1]}")

    def actions(self):
        return [("next window", lambda: setattr(self.position, "value", (self.position.value + 1) % (self.position.max + 1))),
                ("next digit", lambda: setattr(self.digit, "value", (self.digit.value + 1) % 50))]
