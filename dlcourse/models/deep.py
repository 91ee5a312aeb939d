"""Two remedies as layers: a deep MLP with optional residual connections and normalisation, and
random shifts of the input (data augmentation) that act only in training mode."""
import torch
from torch import nn

from .mlp import activation


def _positive_int(value, name, who):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{who}: {name} must be a positive integer, got {value!r}")


class Block(nn.Module):
    """Linear(width, width) [+ BatchNorm1d] + activation; with ``residual`` the input is added back.

    Input and output ``(N, width)``. ``.linear`` is the block's weight layer (read its gradient there).
    """

    def __init__(self, width, residual=False, norm=False, activation_name="relu"):
        super().__init__()
        self.residual = residual
        self.linear = nn.Linear(width, width, bias=not norm)  # batch norm's shift makes a bias redundant
        self.norm = nn.BatchNorm1d(width) if norm else nn.Identity()
        self.act = activation(activation_name)

    def forward(self, x):
        out = self.act(self.norm(self.linear(x)))
        return x + out if self.residual else out


class DeepMLP(nn.Module):
    """Linear(in_features, width) + activation, ``depth`` Blocks of ``width`` units, Linear(width, out_features).

    Change one thing at a time: ``residual`` adds each block's input to its output (a skip connection,
    so the gradient has a path around every block); ``norm`` puts batch normalisation after each
    block's Linear; ``init='he'`` replaces PyTorch's default initialisation of every Linear (weight variance
    1 / (3 fan_in)) by He (Kaiming) normal initialisation (variance 2 / fan_in, which keeps a ReLU layer's
    mean square) with zero biases. Input ``(N, in_features)`` (or ``(N, ...)``, flattened), output
    ``(N, out_features)`` scores.
    """

    def __init__(self, in_features, width=64, depth=8, out_features=10, residual=False, norm=False,
                 activation_name="relu", init="default"):
        super().__init__()
        for value, name in ((in_features, "in_features"), (width, "width"), (depth, "depth"),
                            (out_features, "out_features")):
            _positive_int(value, name, "DeepMLP")
        self.stem = nn.Sequential(nn.Flatten(), nn.Linear(in_features, width), activation(activation_name))
        self.blocks = nn.ModuleList(Block(width, residual, norm, activation_name) for _ in range(depth))
        self.head = nn.Linear(width, out_features)
        if init not in ("default", "he"):
            raise ValueError(f"DeepMLP: init must be 'default' (PyTorch's) or 'he' (Kaiming normal), got {init!r}")
        if init == "he":
            for m in self.modules():
                if isinstance(m, nn.Linear):
                    nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.zeros_(m.bias)

    def forward(self, x):
        h = self.stem(x)
        for block in self.blocks:
            h = block(h)
        return self.head(h)

    def block_grad_norms(self):
        """Euclidean norm of each block's weight gradient, first block first (after a ``backward()``)."""
        if any(b.linear.weight.grad is None for b in self.blocks):
            raise ValueError("DeepMLP.block_grad_norms: no gradients yet; call loss.backward() first")
        return [b.linear.weight.grad.norm().item() for b in self.blocks]


class RandomShift(nn.Module):
    """Data augmentation as a layer: in training mode, shift each sample by a random whole number of
    steps in [-max_shift, max_shift] along each of its last ``dims`` axes, filling with zeros; in
    ``eval()`` mode, the identity.

    ``dims=1`` for signals ``(N, L)`` or ``(N, C, L)``; ``dims=2`` for images ``(N, C, H, W)``.
    Uses torch's global generator (``dl.seed`` makes it repeatable).
    """

    def __init__(self, max_shift=1, dims=1):
        super().__init__()
        if isinstance(max_shift, bool) or not isinstance(max_shift, int) or max_shift < 0:
            raise ValueError(f"RandomShift: max_shift must be a non-negative integer, got {max_shift!r}")
        if dims not in (1, 2):
            raise ValueError(f"RandomShift: dims must be 1 (signals) or 2 (images), got {dims!r}")
        self.max_shift, self.dims = max_shift, dims

    def forward(self, x):
        if x.dim() < self.dims + 1:
            raise ValueError(f"RandomShift(dims={self.dims}) needs a batch of shape (N, ...) with at least "
                             f"{self.dims + 1} dimensions, got shape {tuple(x.shape)}")
        if not self.training or self.max_shift == 0:
            return x
        for axis in range(x.dim() - self.dims, x.dim()):
            x = self._shift(x.movedim(axis, -1)).movedim(-1, axis)
        return x

    def _shift(self, x):
        """Shift along the last axis: sample n's output at position i is its input at i - shift_n (0 outside)."""
        s, length = self.max_shift, x.shape[-1]
        shifts = torch.randint(-s, s + 1, (x.shape[0],), device=x.device)
        padded = nn.functional.pad(x, (s, s))
        index = torch.arange(length, device=x.device) + s - shifts.view(-1, *[1] * (x.dim() - 1))
        return padded.gather(-1, index.expand(x.shape))
