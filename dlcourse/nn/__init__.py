"""NumPy neural-network layers with explicit backward passes, named like torch.nn."""
from . import functional, init
from .activation import GELU, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from .conv import AvgPool2d, Conv2d, MaxPool2d
from .layers import BatchNorm1d, BatchNorm2d, Dropout, Flatten
from .linear import Linear
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from .module import Module, Parameter, Sequential
from .training import accuracy, fit

__all__ = ["functional", "init", "Module", "Parameter", "Sequential", "Linear",
           "Conv2d", "MaxPool2d", "AvgPool2d", "Flatten", "Dropout", "BatchNorm1d", "BatchNorm2d",
           "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "Softmax",
           "MSELoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "fit", "accuracy"]
from .recurrent import GRU, LSTM, RNN  # noqa: E402
__all__ += ["RNN", "LSTM", "GRU"]
from .sequence import RecurrentNet, gradient_norms  # noqa: E402 (lesson 07)
__all__ += ["RecurrentNet", "gradient_norms"]
