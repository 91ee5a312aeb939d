"""Static matplotlib drawings used by lessons and widgets. Nothing here trains."""
from .figures import figure_png, new_figure
from .graph import draw_graph
from .network import NetworkDrawing
from .plots import plot_confusion_matrix, plot_decision_regions, plot_loss_curves, plot_roc

__all__ = ["new_figure", "figure_png", "draw_graph", "NetworkDrawing",
           "plot_decision_regions", "plot_loss_curves", "plot_confusion_matrix", "plot_roc"]
from .images import tile_images  # noqa: E402
__all__ += ["tile_images"]
from .compare import pareto_front, plot_learning_curves, plot_pareto  # noqa: E402
__all__ += ["pareto_front", "plot_pareto", "plot_learning_curves"]
