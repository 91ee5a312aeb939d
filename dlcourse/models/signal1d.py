"""Small models for one-dimensional signals such as MNIST-1D (PyTorch reference models).

All of them take a batch of signals ``x`` of shape ``(N, L)`` (one value per step) and return class
scores ``(N, num_classes)``, so one training loop and one table serve them all. Their sizes follow
the MNIST-1D paper (Greydanus & Kobak, "Scaling down deep learning with MNIST-1D"): a residual MLP,
a three-layer strided 1-D CNN and a small bidirectional recurrent net that reads all its outputs.
``PatchTransformer`` cuts the signal into patches, the tokens of a ``TransformerClassifier``.
"""
import torch
from torch import nn

from .rnn import KINDS
from .transformer import TransformerClassifier, _positive


def _signal(x, length, who):
    if x.ndim != 2 or x.shape[1] != length:
        raise ValueError(f"{who} expects signals of shape (N, {length}); got {tuple(x.shape)}")


class ResidualMLP(nn.Module):
    """x (N, in_features) -> (N, num_classes): h = relu(W1 x); h = h + relu(W2 h); scores = W3 h.

    The paper's MLP (40 -> 100 -> 100 -> 10): two hidden layers, the second added to its input.
    """

    def __init__(self, in_features=40, hidden=100, num_classes=10):
        super().__init__()
        who = "ResidualMLP"
        in_features, hidden = _positive(in_features, "in_features", who), _positive(hidden, "hidden", who)
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.head = nn.Linear(hidden, _positive(num_classes, "num_classes", who))

    def forward(self, x):
        _signal(x, self.fc1.in_features, "ResidualMLP")
        h = torch.relu(self.fc1(x))
        h = h + torch.relu(self.fc2(h))
        return self.head(h)


class Conv1dNet(nn.Module):
    """x (N, length) -> (N, num_classes): three strided Conv1d + ReLU layers, flatten, Linear.

    The paper's CNN: Conv1d(1, c, 5, stride 2, padding 1) -> Conv1d(c, c, 3, 2, 1) -> Conv1d(c, c, 3, 2, 1).
    Each layer halves the length (40 -> 19 -> 10 -> 5), so the head sees ``channels * 5`` features;
    each output position looks at a window of the signal (locality) with weights shared along it.
    """

    def __init__(self, length=40, channels=25, num_classes=10):
        super().__init__()
        who = "Conv1dNet"
        self.length, channels = _positive(length, "length", who), _positive(channels, "channels", who)
        self.features = nn.Sequential(
            nn.Conv1d(1, channels, 5, stride=2, padding=1), nn.ReLU(),
            nn.Conv1d(channels, channels, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv1d(channels, channels, 3, stride=2, padding=1), nn.ReLU(),
            nn.Flatten())
        out_length = self.length
        for k in (5, 3, 3):
            out_length = (out_length + 2 - k) // 2 + 1
        if out_length < 1:
            raise ValueError(f"{who}: length {length} is too short for three stride-2 convolutions")
        self.head = nn.Linear(channels * out_length, _positive(num_classes, "num_classes", who))

    def forward(self, x):
        _signal(x, self.length, "Conv1dNet")
        return self.head(self.features(x.unsqueeze(1)))  # (N, 1, L): one input channel


class SignalRecurrentNet(nn.Module):
    """x (N, length) -> (N, num_classes): a recurrent layer reads the signal one value per step and a
    Linear head reads ALL its outputs, flattened (``length * hidden_size * directions`` features).

    The paper's GRU: ``kind='gru'``, ``hidden_size=6``, bidirectional (480 features for 40 steps).
    Unlike ``RecurrentNet`` (last state only), the head sees every step, so nothing has to be kept in
    memory across 40 steps. ``kind``: ``'rnn'`` (tanh), ``'lstm'`` or ``'gru'``.
    """

    def __init__(self, length=40, hidden_size=6, num_classes=10, kind="gru", bidirectional=True):
        super().__init__()
        who = "SignalRecurrentNet"
        if kind not in KINDS:
            raise ValueError(f"{who}: kind must be one of {', '.join(KINDS)}; got {kind!r}")
        if not isinstance(bidirectional, bool):
            raise TypeError(f"{who}: bidirectional must be True or False; got {bidirectional!r}")
        self.length, self.kind = _positive(length, "length", who), kind
        hidden_size = _positive(hidden_size, "hidden_size", who)
        self.rnn = KINDS[kind](1, hidden_size, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(self.length * hidden_size * (2 if bidirectional else 1),
                              _positive(num_classes, "num_classes", who))

    def forward(self, x):
        _signal(x, self.length, "SignalRecurrentNet")
        out, _ = self.rnn(x.unsqueeze(-1))  # (N, L, directions * H): the state at every step
        return self.head(out.flatten(1))


class PatchTransformer(nn.Module):
    """x (N, length) -> (N, num_classes): cut the signal into ``length / patch_size`` patches of
    ``patch_size`` consecutive values, the tokens (N, T, patch_size) of a ``TransformerClassifier``
    (a Linear patch embedding, sinusoidal positions, encoder blocks, mean pooling, Linear head).

    Other keyword arguments (``d_model``, ``nhead``, ``num_layers``, ``dim_feedforward``, ``dropout``)
    go to ``TransformerClassifier``.
    """

    def __init__(self, length=40, patch_size=4, num_classes=10, **kwargs):
        super().__init__()
        who = "PatchTransformer"
        self.length, self.patch_size = _positive(length, "length", who), _positive(patch_size, "patch_size", who)
        if self.length % self.patch_size:
            raise ValueError(f"{who}: patch_size ({patch_size}) must divide length ({length})")
        self.transformer = TransformerClassifier(num_classes, in_features=self.patch_size,
                                                 max_len=self.length // self.patch_size, **kwargs)

    def forward(self, x):
        _signal(x, self.length, "PatchTransformer")
        return self.transformer(x.reshape(len(x), -1, self.patch_size))


def fit_in_order(model, X, y, steps, batch_size=100, lr=1e-2, weight_decay=0.0):
    """Train ``model`` with Adam and cross-entropy for ``steps`` mini-batches taken in order,
    batch k = rows ``(k * batch_size) mod N`` onward (the MNIST-1D paper's recipe: no shuffling).

    X (N, ...) and y (N,) tensors; N must be a multiple of ``batch_size``. Returns the list of the
    training losses, one per step. Seed with ``dl.seed`` before building the model.
    """
    who = "fit_in_order"
    if not (torch.is_tensor(X) and torch.is_tensor(y)):
        raise TypeError(f"{who}: X and y must be torch tensors; got {type(X).__name__}, {type(y).__name__}")
    steps, batch_size = _positive(steps, "steps", who), _positive(batch_size, "batch_size", who)
    if len(X) != len(y) or len(X) % batch_size:
        raise ValueError(f"{who}: X and y need the same length, a multiple of batch_size ({batch_size}); "
                         f"got {len(X)} and {len(y)}")
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    model.train()
    losses = []
    for step in range(steps):
        i = step * batch_size % len(X)
        loss = nn.functional.cross_entropy(model(X[i:i + batch_size]), y[i:i + batch_size])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    model.eval()
    return losses
