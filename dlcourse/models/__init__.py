"""PyTorch reference architectures: plain ``torch.nn.Module`` subclasses a learner can read."""
from .cnn import CNN, ReceptiveField, receptive_fields
from .mlp import MLP
from .tabular import TabularNet

__all__ = ["MLP", "CNN", "TabularNet", "ReceptiveField", "receptive_fields"]
from .autoencoder import VAE, AutoEncoder, ConvAutoEncoder, fit_autoencoder, reconstruction_error  # noqa: E402
__all__ += ["AutoEncoder", "ConvAutoEncoder", "VAE", "fit_autoencoder", "reconstruction_error"]
from .transformer import CharGPT, TransformerClassifier, sampling_probs  # noqa: E402

__all__ += ["TransformerClassifier", "CharGPT"]
from .gan import (GAN_LOSSES, ConvDiscriminator, ConvGenerator, MLPDiscriminator, MLPGenerator,  # noqa: E402
                  discriminator_loss, generator_loss, train_gan)

__all__ += ["MLPGenerator", "MLPDiscriminator", "ConvGenerator", "ConvDiscriminator", "discriminator_loss",
            "generator_loss", "train_gan", "GAN_LOSSES"]
from .ngram import CharNGram  # noqa: E402

__all__ += ["CharNGram"]
__all__ += ["sampling_probs"]
