"""Figures that live outside pyplot, so widgets can redraw them without display side effects."""
import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .._env import use_style


def new_figure(width=6.4, height=3.6, dpi=80, **subplot_kw):
    """A pyplot-free Figure in the course style (widgets render it to PNG themselves)."""
    use_style()
    fig = Figure(figsize=(width, height), dpi=dpi, layout=subplot_kw.pop("layout", None))
    FigureCanvasAgg(fig)
    return fig


def figure_png(fig):
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.canvas.print_png(buf)
    return buf.getvalue()
