"""PyTorch reference architectures: plain ``torch.nn.Module`` subclasses a learner can read."""
from .cnn import CNN, ReceptiveField, receptive_fields
from .mlp import MLP
from .tabular import TabularNet

__all__ = ["MLP", "CNN", "TabularNet", "ReceptiveField", "receptive_fields"]
from .gan import (GAN_LOSSES, ConvDiscriminator, ConvGenerator, MLPDiscriminator, MLPGenerator,  # noqa: E402
                  discriminator_loss, generator_loss, train_gan)

__all__ += ["MLPGenerator", "MLPDiscriminator", "ConvGenerator", "ConvDiscriminator", "discriminator_loss",
            "generator_loss", "train_gan", "GAN_LOSSES"]
