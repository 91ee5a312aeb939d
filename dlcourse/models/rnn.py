"""A recurrent network for sequence classification and forecasting (PyTorch reference model)."""
import torch
from torch import nn

KINDS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class RecurrentNet(nn.Module):
    """x (N, T, input_size) -> (N, output_size): a recurrent layer reads the sequence, a Linear
    layer maps its last hidden state to class scores or to the ``output_size`` values to forecast.

    ``kind``: ``'rnn'`` (tanh), ``'lstm'`` or ``'gru'``. ``gate_bias``: for LSTM and GRU, start the
    gate that keeps the memory at this value in *both* of torch's bias vectors (LSTM: forget gate f,
    rows H:2H; GRU: update gate z, rows H:2H), so it starts at sigmoid(2 * gate_bias) instead of
    about 0.5 (2.0 gives 0.98: the state is kept for dozens of steps from the first step on).
    ``None`` keeps torch's default initialisation. A vanilla RNN has no such gate.
    """

    def __init__(self, input_size, hidden_size, output_size, kind="lstm", num_layers=1, gate_bias=None,
                 dropout=0.0):
        super().__init__()
        if kind not in KINDS:
            raise ValueError(f"RecurrentNet: kind must be one of {', '.join(KINDS)}; got {kind!r}")
        for name, value in (("input_size", input_size), ("hidden_size", hidden_size),
                            ("output_size", output_size), ("num_layers", num_layers)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"RecurrentNet: {name} must be a positive integer; got {value!r}")
        if gate_bias is not None and kind == "rnn":
            raise ValueError("RecurrentNet: gate_bias needs a gated cell (kind='lstm' or 'gru'); "
                             "a vanilla RNN has no gate to open")
        self.kind, self.gate_bias = kind, gate_bias
        self.rnn = KINDS[kind](input_size, hidden_size, num_layers=num_layers, batch_first=True,
                               dropout=dropout if num_layers > 1 else 0.0)
        self.head = nn.Linear(hidden_size, output_size)
        if gate_bias is not None:
            self.keep_memory_(gate_bias)

    @torch.no_grad()
    def keep_memory_(self, value=2.0):
        """Set the forget (LSTM) / update (GRU) gate's slice, rows H:2H, of every bias vector to ``value``."""
        h = self.rnn.hidden_size
        for name, p in self.rnn.named_parameters():
            if name.startswith("bias_"):
                p[h:2 * h] = value

    def forward(self, x):
        if x.dim() != 3 or x.shape[-1] != self.rnn.input_size:
            raise ValueError(f"RecurrentNet(input_size={self.rnn.input_size}) expects x of shape "
                             f"(N, T, {self.rnn.input_size}); got {tuple(x.shape)}")
        out, _ = self.rnn(x)  # out: (N, T, H), the last layer's hidden state at every step
        return self.head(out[:, -1])
