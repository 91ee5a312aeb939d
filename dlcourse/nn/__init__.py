"""NumPy neural-network layers with explicit backward passes, named like torch.nn."""
from . import functional, gan, init
from .activation import GELU, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from .attention import MultiheadAttention, TransformerEncoder, TransformerEncoderLayer, generate_square_subsequent_mask
from .conv import AvgPool2d, Conv2d, ConvTranspose2d, MaxPool2d
from .embedding import Embedding, PositionalEncoding, sinusoidal_positions
from .layers import BatchNorm1d, BatchNorm2d, Dropout, Flatten
from .linear import Linear
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from .module import Module, Parameter, Sequential
from .normalization import LayerNorm
from .recurrent import GRU, LSTM, RNN
from .resize import Unflatten, Upsample
from .sequence import RecurrentNet, gradient_norms
from .training import accuracy, fit

__all__ = ["functional", "init", "Module", "Parameter", "Sequential", "Linear",
           "Conv2d", "MaxPool2d", "AvgPool2d", "Flatten", "Dropout", "BatchNorm1d", "BatchNorm2d",
           "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "Softmax",
           "MSELoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "fit", "accuracy",
           "ConvTranspose2d", "Upsample", "Unflatten", "LayerNorm", "RNN", "LSTM", "GRU", "RecurrentNet",
           "gradient_norms", "Embedding", "PositionalEncoding", "sinusoidal_positions", "MultiheadAttention",
           "TransformerEncoderLayer", "TransformerEncoder", "generate_square_subsequent_mask", "gan"]
