"""PyTorch reference architectures: plain ``torch.nn.Module`` subclasses a learner can read."""
from .cnn import CNN
from .mlp import MLP

__all__ = ["MLP", "CNN"]
