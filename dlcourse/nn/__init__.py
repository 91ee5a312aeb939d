"""NumPy neural-network layers with explicit backward passes, named like torch.nn."""
from . import functional
from .activation import GELU, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from .linear import Linear
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from .module import Module, Parameter, Sequential
from .training import accuracy, fit

__all__ = ["functional", "Module", "Parameter", "Sequential", "Linear",
           "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "Softmax",
           "MSELoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "fit", "accuracy"]
