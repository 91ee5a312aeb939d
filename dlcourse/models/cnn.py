"""A small LeNet-style convolutional network for images."""
from typing import NamedTuple

from torch import nn

from .mlp import activation


class CNN(nn.Module):
    """[Conv3x3 (padding 1) + activation + MaxPool2] per entry of ``channels``, then Flatten, Linear -> hidden, Linear -> classes.

    Input ``(N, in_channels, H, W)`` with H and W divisible by 2 ** len(channels); output ``(N, num_classes)`` scores.
    """

    def __init__(self, in_channels=1, num_classes=10, image_size=8, channels=(16, 32), hidden=64,
                 activation_name="relu", dropout=0.0, batch_norm=False):
        super().__init__()
        if image_size % (2 ** len(channels)):
            raise ValueError(f"CNN: image_size {image_size} must be divisible by 2 ** {len(channels)} "
                             f"(one 2x2 max-pool per conv block)")
        blocks, c_in = [], in_channels
        for c_out in channels:
            blocks += [nn.Conv2d(c_in, c_out, 3, padding=1, bias=not batch_norm)]
            if batch_norm:
                blocks.append(nn.BatchNorm2d(c_out))
            blocks += [activation(activation_name), nn.MaxPool2d(2)]
            c_in = c_out
        self.features = nn.Sequential(*blocks)
        side = image_size // 2 ** len(channels)
        head = [nn.Flatten(), nn.Linear(c_in * side * side, hidden), activation(activation_name)]
        if dropout:
            head.append(nn.Dropout(dropout))
        self.classifier = nn.Sequential(*head, nn.Linear(hidden, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def _spatial_layers(model):
    """(name, layer) for every Conv2d / MaxPool2d / AvgPool2d, torch or dlcourse.nn, in registration order."""
    if hasattr(model, "named_modules"):  # torch
        items = model.named_modules()
    else:  # dlcourse.nn: walk the sub-modules depth first, as torch does
        def walk(m, prefix):
            yield prefix, m
            for name, child in m._modules.items():
                yield from walk(child, f"{prefix}.{name}" if prefix else name)
        items = walk(model, "")
    return [(name, m) for name, m in items if type(m).__name__ in ("Conv2d", "MaxPool2d", "AvgPool2d")]


class ReceptiveField(NamedTuple):
    name: str   # the layer
    size: int   # input pixels per side that can reach one output unit
    jump: int   # input pixels between neighbouring output units
    start: int  # input coordinate of the first pixel unit 0 sees (negative: it starts in the padding)


def receptive_fields(model):
    """Receptive field of each convolution and pooling layer of ``model``, as a list of ReceptiveField.

    Starting from size 1, jump 1, start 0, a layer with kernel k, stride s, padding p and
    dilation d gives size += (k - 1) d jump, start -= p jump, then jump *= s. Layers are taken in
    the order they were registered, which is the order a Sequential model applies them. Unit
    (i, j) of a layer sees input rows start + i jump ... start + i jump + size - 1 (same for columns).
    Works for torch models and dlcourse.nn models (square kernels: read from the height).
    """
    layers = _spatial_layers(model)
    if not layers:
        raise ValueError(f"receptive_fields: {type(model).__name__} has no Conv2d, MaxPool2d or AvgPool2d layer")
    first = lambda v: int(v[0] if isinstance(v, (tuple, list)) else v)
    size, jump, start, out = 1, 1, 0, []
    for name, layer in layers:
        k, s, p = first(layer.kernel_size), first(layer.stride), first(layer.padding)
        d = first(getattr(layer, "dilation", 1))
        size += (k - 1) * d * jump
        start -= p * jump
        jump *= s
        out.append(ReceptiveField(name, size, jump, start))
    return out
