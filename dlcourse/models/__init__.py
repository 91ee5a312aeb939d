"""PyTorch reference architectures: plain ``torch.nn.Module`` subclasses a learner can read."""
from .autoencoder import VAE, AutoEncoder, ConvAutoEncoder, fit_autoencoder, reconstruction_error
from .cnn import CNN, ReceptiveField, receptive_fields
from .deep import DeepMLP, RandomShift
from .gan import (GAN_LOSSES, ConvDiscriminator, ConvGenerator, MLPDiscriminator, MLPGenerator,
                  discriminator_loss, generator_loss, train_gan)
from .mlp import MLP
from .ngram import CharNGram
from .rnn import RecurrentNet
from .signal1d import Conv1dNet, PatchTransformer, ResidualMLP, SignalRecurrentNet, fit_in_order
from .tabular import TabularNet
from .transformer import CharGPT, TransformerClassifier, sampling_probs

__all__ = ["MLP", "CNN", "TabularNet", "ReceptiveField", "receptive_fields", "RecurrentNet",
           "TransformerClassifier", "CharGPT", "sampling_probs", "CharNGram",
           "AutoEncoder", "ConvAutoEncoder", "VAE", "fit_autoencoder", "reconstruction_error",
           "MLPGenerator", "MLPDiscriminator", "ConvGenerator", "ConvDiscriminator", "discriminator_loss",
           "generator_loss", "train_gan", "GAN_LOSSES",
           "ResidualMLP", "Conv1dNet", "SignalRecurrentNet", "PatchTransformer", "fit_in_order",
           "DeepMLP", "RandomShift"]
