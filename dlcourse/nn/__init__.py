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
from .conv import ConvTranspose2d  # noqa: E402
from .resize import Unflatten, Upsample  # noqa: E402
__all__ += ["ConvTranspose2d", "Upsample", "Unflatten"]
from .recurrent import GRU, LSTM, RNN  # noqa: E402
__all__ += ["RNN", "LSTM", "GRU"]
from .attention import MultiheadAttention, TransformerEncoder, TransformerEncoderLayer, generate_square_subsequent_mask
from .embedding import Embedding, PositionalEncoding, sinusoidal_positions
from .normalization import LayerNorm

__all__ += ["Embedding", "LayerNorm", "MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder",
            "PositionalEncoding", "sinusoidal_positions", "generate_square_subsequent_mask"]
from . import gan  # noqa: E402,F401 (GAN training steps: dl.nn.gan)
