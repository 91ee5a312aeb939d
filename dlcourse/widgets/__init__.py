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
from .recurrent import GradientsThroughTime  # noqa: E402 (lesson 07)
__all__ += ["GradientsThroughTime"]
