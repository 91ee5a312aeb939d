"""A small LeNet-style convolutional network for images."""
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
