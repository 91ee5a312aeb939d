"""Interactive explorers (ipywidgets + matplotlib). Each shows its state the moment it is displayed."""
from .base import CourseWidget, median_update_ms
from .activation import ActivationExplorer, gradient_through_depth
from .attention import AttentionExplorer
from .backprop import BackpropStepper
from .charlm import CharLMSampler
from .convolution import ConvolutionExplorer
from .featuremaps import FeatureMapViewer, top_patches
from .gan import GANLab
from .latent import LatentExplorer
from .neuron import NeuronExplorer
from .optimizers import OptimizerRace
from .playground import Playground
from .race import RACES, ArchitectureRace, RaceTrack
from .recurrent import GradientsThroughTime

__all__ = ["CourseWidget", "median_update_ms", "NeuronExplorer", "BackpropStepper", "OptimizerRace", "Playground",
           "ConvolutionExplorer", "FeatureMapViewer", "top_patches", "ActivationExplorer", "gradient_through_depth",
           "GradientsThroughTime", "AttentionExplorer", "CharLMSampler", "LatentExplorer", "GANLab"]
__all__ += ["ArchitectureRace", "RACES", "RaceTrack"]
