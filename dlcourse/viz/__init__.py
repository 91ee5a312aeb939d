"""Static matplotlib drawings used by lessons and widgets. Nothing here trains."""
from .compare import pareto_front, plot_learning_curves, plot_pareto
from .explain import plot_attributions, plot_lr_range, plot_search
from .figures import figure_png, new_figure
from .graph import draw_graph
from .images import tile_images
from .network import NetworkDrawing
from .plots import plot_confusion_matrix, plot_decision_regions, plot_loss_curves, plot_roc

__all__ = ["new_figure", "figure_png", "draw_graph", "NetworkDrawing",
           "plot_decision_regions", "plot_loss_curves", "plot_confusion_matrix", "plot_roc", "tile_images",
           "pareto_front", "plot_pareto", "plot_learning_curves",
           "plot_attributions", "plot_lr_range", "plot_search"]
