"""Interactive explorers (ipywidgets + matplotlib). Each shows its state the moment it is displayed."""
from .base import CourseWidget, median_update_ms
from .activation import ActivationExplorer, gradient_through_depth
from .backprop import BackpropStepper
from .convolution import ConvolutionExplorer
from .featuremaps import FeatureMapViewer, top_patches
from .neuron import NeuronExplorer
from .optimizers import OptimizerRace
from .playground import Playground

__all__ = ["CourseWidget", "median_update_ms", "NeuronExplorer", "BackpropStepper", "OptimizerRace", "Playground", "ConvolutionExplorer", "FeatureMapViewer", "top_patches", "ActivationExplorer", "gradient_through_depth"]
from .latent import LatentExplorer  # noqa: E402
__all__ += ["LatentExplorer"]
from .charlm import CharLMSampler  # noqa: E402

__all__ += ["CharLMSampler"]
from .attention import AttentionExplorer  # noqa: E402

__all__ += ["AttentionExplorer"]
from .gan import GANLab  # noqa: E402

__all__ += ["GANLab"]
