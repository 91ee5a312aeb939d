"""A fully connected network (ANN / multi-layer perceptron) for tabular data."""
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU, "leaky_relu": nn.LeakyReLU}
ACTIVATIONS["identity"] = nn.Identity  # no non-linearity: the linear control for an experiment


def activation(name):
    try:
        return ACTIVATIONS[name]()
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}") from None


class MLP(nn.Module):
    """in_features -> hidden[0] -> ... -> out_features, each hidden layer Linear [+ BatchNorm] + activation [+ Dropout].

    Input ``(N, in_features)``, output ``(N, out_features)`` raw scores (no output activation:
    pair it with CrossEntropyLoss, BCEWithLogitsLoss or MSELoss).
    """

    def __init__(self, in_features, hidden=(64, 32), out_features=1, activation_name="relu", dropout=0.0,
                 batch_norm=False):
        super().__init__()
        sizes = [in_features, *hidden]
        if any(not isinstance(s, int) or isinstance(s, bool) or s < 1 for s in [*sizes, out_features]):
            raise ValueError(f"MLP: layer sizes must be positive integers, got in={in_features}, "
                             f"hidden={hidden}, out={out_features}")
        if not 0 <= dropout < 1:
            raise ValueError(f"MLP: dropout must be a probability in [0, 1), got {dropout!r}")
        layers = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            layers.append(nn.Linear(a, b))
            if batch_norm:
                layers.append(nn.BatchNorm1d(b))
            layers.append(activation(activation_name))
            if dropout:
                layers.append(nn.Dropout(dropout))
        layers.append(nn.Linear(sizes[-1], out_features))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
