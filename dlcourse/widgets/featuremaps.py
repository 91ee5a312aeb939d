"""Feature-map viewer: what each convolution layer of a trained torch CNN responds to."""
import ipywidgets as W
import numpy as np

from ..viz.figures import new_figure
from ..viz.network import EDGE_CMAP  # one convention course-wide: orange > 0 > purple
from .base import CourseWidget, control

MAX_CHANNELS = 16


class FeatureMapViewer(CourseWidget):
    """Pick an input image; see the first layer's learned filters and every Conv2d layer's feature maps.

    ``model``: a torch module containing ``torch.nn.Conv2d`` layers; ``images``: array (N, C, H, W).
    At most the first 16 channels of each layer are shown.
    """

    def __init__(self, model, images, labels=None, index=0):
        import torch
        self._torch = torch
        self.model = model.eval()
        self.images = np.asarray(images, dtype=np.float32)
        if self.images.ndim != 4:
            raise ValueError(f"FeatureMapViewer expects images of shape (N, C, H, W), got {self.images.shape}")
        self.labels = labels
        self.convs = [(name, m) for name, m in model.named_modules() if isinstance(m, torch.nn.Conv2d)]
        if not self.convs:
            raise ValueError("FeatureMapViewer needs a model with at least one torch.nn.Conv2d layer")
        self.index = control(W.IntSlider, index, "FeatureMapViewer", "index", min=0, max=len(self.images) - 1, description="image #")
        rows = 1 + len(self.convs)
        fig = new_figure(1.0 + 0.62 * (MAX_CHANNELS + 1), 0.75 * rows + 0.5)
        axes = fig.subplots(rows, MAX_CHANNELS + 1, squeeze=False)
        for ax in axes.ravel():
            ax.set_axis_off()
        first = self.convs[0][1].weight.detach().cpu().numpy()
        self._input = axes[0, 0].imshow(self.images[0].mean(0), cmap="gray_r")
        axes[0, 0].set_title("input", fontsize=8)
        lim = np.abs(first).max()
        for c in range(min(MAX_CHANNELS, first.shape[0])):
            axes[0, c + 1].imshow(first[c].mean(0), cmap=EDGE_CMAP, vmin=-lim, vmax=lim)
        axes[0, 1].set_title(f"{self.convs[0][0]}: learned 3×3 filters", fontsize=8, loc="left")
        self._maps = []
        for r, (name, conv) in enumerate(self.convs, start=1):
            axes[r, 0].text(0.5, 0.5, name, ha="center", va="center", fontsize=8, transform=axes[r, 0].transAxes)
            k = min(MAX_CHANNELS, conv.out_channels)
            self._maps.append([axes[r, c + 1].imshow(np.zeros((2, 2)), cmap=EDGE_CMAP) for c in range(k)])
        self._title = fig.suptitle("", fontsize=9)
        super().__init__([self.index], fig)
        self.animate(self._input, self._title, *[im for row in self._maps for im in row])
        self.index.observe(self.refresh, "value")
        self.refresh()

    def feature_maps(self, i):
        """{layer name: array (channels, h, w)} for image ``i`` (forward hooks, no gradients)."""
        torch = self._torch
        out, hooks = {}, []
        for name, conv in self.convs:
            hooks.append(conv.register_forward_hook(lambda m, inp, o, name=name: out.__setitem__(name, o[0].cpu().numpy())))
        try:
            with torch.no_grad():
                p = next(self.model.parameters())
                scores = self.model(torch.tensor(self.images[i: i + 1], device=p.device, dtype=p.dtype))
        finally:
            for h in hooks:
                h.remove()
        self.prediction = int(scores.argmax(1).item())
        return out

    def draw(self):
        i = self.index.value
        maps = self.feature_maps(i)
        self._input.set_data(self.images[i].mean(0))
        self._input.set_clim(self.images[i].min(), self.images[i].max())
        for (name, _), row in zip(self.convs, self._maps):
            fm = maps[name]
            lim = np.abs(fm).max() or 1.0
            for c, im in enumerate(row):
                im.set_data(fm[c])
                im.set_clim(-lim, lim)
                im.set_extent((-0.5, fm.shape[2] - 0.5, fm.shape[1] - 0.5, -0.5))
        truth = f", true class {self.labels[i]}" if self.labels is not None else ""
        self._title.set_text(f"image {i}: predicted class {self.prediction}{truth}")
        return ("Orange: the filter matches (positive response), purple: the opposite pattern. Each 2×2 "
                "max-pool halves the maps, so a unit of a deeper map sees a larger part of the image.")

    def summary(self):
        return f"FeatureMapViewer: image {self.index.value}, {len(self.convs)} conv layers, predicted {self.prediction}"

    def actions(self):
        return [("next image", lambda: setattr(self.index, "value", (self.index.value + 1) % len(self.images)))]


def top_patches(model, layer, images, k=6, channels=None):
    """Where each channel of ``layer`` responds most: the k strongest units over all ``images``.

    ``model``: a torch CNN whose conv/pool layers come in registration order (see
    ``dlcourse.models.receptive_fields``); ``layer``: the name of one of its modules (e.g. the
    ReLU after a convolution); ``images``: array (N, C, H, W). For every channel (or those in
    ``channels``) returns a dict with ``index`` (k,) image indices, ``activation`` (k,) the unit's
    values and ``patches`` (k, size, size): the input pixels that unit sees (its receptive field,
    zeros outside the image), averaged over input channels. A channel counts each image once.
    """
    import torch

    from ..models.cnn import receptive_fields
    modules = dict(model.named_modules())
    if layer not in modules:
        raise ValueError(f"top_patches: the model has no layer {layer!r}; choose one of {[n for n in modules if n]}")
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 4:
        raise ValueError(f"top_patches expects images of shape (N, C, H, W), got {images.shape}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= len(images):
        raise ValueError(f"top_patches: k must be an integer from 1 to {len(images)} (the number of images), got {k!r}")
    # the receptive field of a layer is that of the last conv/pool registered at or before it
    order = [n for n, _ in model.named_modules()]
    fields = [f for f in receptive_fields(model) if order.index(f.name) <= order.index(layer)]
    size, jump, start = (fields[-1].size, fields[-1].jump, fields[-1].start) if fields else (1, 1, 0)
    out = {}
    hook = modules[layer].register_forward_hook(lambda m, inp, o: out.__setitem__("maps", o.detach()))
    try:
        model.eval()
        p = next(model.parameters())
        with torch.no_grad():
            model(torch.tensor(images, device=p.device, dtype=p.dtype))
    finally:
        hook.remove()
    maps = out["maps"].cpu().numpy()  # (N, channels, h, w)
    n, c_all, h, w = maps.shape
    best = maps.reshape(n, c_all, -1)
    where = best.argmax(axis=2)  # each image's strongest unit per channel
    value = best.max(axis=2)
    pad = size  # enough zeros around the image for any receptive field that leaves it
    padded = np.pad(images.mean(axis=1), ((0, 0), (pad, pad), (pad, pad)))
    result = []
    for c in (range(c_all) if channels is None else channels):
        idx = np.argsort(-value[:, c], kind="stable")[:k]
        rows, cols = np.divmod(where[idx, c], w)
        r0, c0 = start + rows * jump + pad, start + cols * jump + pad
        patches = np.stack([padded[i, a:a + size, b:b + size] for i, a, b in zip(idx, r0, c0)])
        result.append({"channel": int(c), "index": idx, "activation": value[idx, c], "patches": patches})
    return result
