"""PyTorch reference architectures: plain ``torch.nn.Module`` subclasses a learner can read."""
from .cnn import CNN, ReceptiveField, receptive_fields
from .mlp import MLP

__all__ = ["MLP", "CNN", "ReceptiveField", "receptive_fields"]
