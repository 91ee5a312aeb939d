"""PyTorch reference architectures: plain ``torch.nn.Module`` subclasses a learner can read."""
from .cnn import CNN, ReceptiveField, receptive_fields
from .mlp import MLP
from .tabular import TabularNet

__all__ = ["MLP", "CNN", "TabularNet", "ReceptiveField", "receptive_fields"]
from .rnn import RecurrentNet  # noqa: E402 (lesson 07)
__all__ += ["RecurrentNet"]
