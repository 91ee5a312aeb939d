"""A NumPy recurrent network with a readout on the last step: the twin of ``dl.models.RecurrentNet``.

Same arguments, same parameter names (``rnn.weight_ih_l0`` ... ``head.bias``) and the same
memory-keeping gate bias, so ``load_state_dict`` moves weights between the two in either direction.
"""
import numpy as np

from .linear import Linear
from .module import Module
from .recurrent import GRU, LSTM, RNN

CELLS = {"rnn": RNN, "lstm": LSTM, "gru": GRU}


class RecurrentNet(Module):
    """x (N, T, input_size) -> (N, output_size): ``rnn`` reads the sequence (batch_first), ``head``
    (Linear) maps the last layer's hidden state at the last step to the outputs.

    ``kind``: ``'rnn'``, ``'lstm'`` or ``'gru'``. ``gate_bias`` (LSTM/GRU only): rows H:2H of both bias
    vectors of every layer (LSTM forget gate f, GRU update gate z) start at this value; ``None``
    keeps the default U(+-1/sqrt(H)) initialisation. After ``backward``, ``rnn.grad_h_seq[k]``
    (T, N, H) holds dL/dh_t of layer k.
    """

    def __init__(self, input_size, hidden_size, output_size, kind="lstm", num_layers=1, gate_bias=None):
        super().__init__()
        if kind not in CELLS:
            raise ValueError(f"RecurrentNet: kind must be one of {', '.join(CELLS)}; got {kind!r}")
        if gate_bias is not None and kind == "rnn":
            raise ValueError("RecurrentNet: gate_bias needs a gated cell (kind='lstm' or 'gru'); "
                             "a vanilla RNN has no gate to open")
        self.kind = kind
        self.rnn = CELLS[kind](input_size, hidden_size, num_layers=num_layers, batch_first=True)
        self.head = Linear(hidden_size, output_size)
        if gate_bias is not None:
            h = hidden_size
            for name, p in self.rnn.named_parameters():
                if name.startswith("bias_"):
                    p.data[h:2 * h] = gate_bias

    def forward(self, x):
        x = np.asarray(x)
        if x.ndim != 3:
            raise ValueError(f"RecurrentNet expects x of shape (N, T, {self.rnn.input_size}); got {x.shape}")
        out, _ = self.rnn(x)  # (N, T, H)
        self._shape = out.shape
        return self.head(out[:, -1])

    def backward(self, grad_output):
        """grad_output (N, output_size) -> dL/dx (N, T, input_size); only the last step feeds the head."""
        grad_seq = np.zeros(self._shape)
        grad_seq[:, -1] = self.head.backward(grad_output)
        return self.rnn.backward(grad_seq)


def gradient_norms(model):
    """After ``model.backward``: ||dL/dh_t|| over the batch and units of the last layer, shape (T,)."""
    g = model.rnn.grad_h_seq
    if g is None:
        raise ValueError("gradient_norms: call model.backward(...) first; no gradient through time yet")
    return np.sqrt((g[-1] ** 2).sum(axis=(1, 2)))
