"""What every course widget shares: a pyplot-free figure shown as an Image, fast redraws, and
a display bundle that still reads well without a kernel (a PNG snapshot and a stable text line).

Speed: a full matplotlib draw of a two-panel figure takes ~50 ms on a small laptop, mostly
axes and text. So widgets draw the static layer (axes, ticks, labels) once and only redraw
the artists that change ("blitting"), re-rendering everything only after ``invalidate()``
(new limits, a new colour scale).
"""
import io
import base64
import numbers
import statistics
import time

import ipywidgets as W
import numpy as np
from PIL import Image


def control(cls, value, who, name, **kwargs):
    """``cls(value=value, **kwargs)`` after checking ``value`` against the control's options or range.

    Left to itself traitlets clamps an out-of-range number without a word and answers an unknown
    choice with a bare TraitError; a learner gets a sentence naming what is allowed instead.
    """
    if "options" in kwargs:
        options = list(kwargs["options"])
        chosen = (value,) if cls is not W.SelectMultiple or isinstance(value, str) else tuple(value)
        bad = [v for v in chosen if v not in options]
        if bad or not chosen:
            raise ValueError(f"{who}: {name} must be {'among' if cls is W.SelectMultiple else 'one of'} "
                             f"{', '.join(map(str, options))}; got {value!r}")
        value = chosen if cls is W.SelectMultiple else value
    else:
        lo, hi = kwargs["min"], kwargs["max"]
        if cls is W.FloatLogSlider:
            lo, hi = kwargs.get("base", 10) ** lo, kwargs.get("base", 10) ** hi
        integral = cls is W.IntSlider
        kind = "an integer" if integral else "a number"
        if (isinstance(value, bool) or not isinstance(value, numbers.Real) or not lo <= value <= hi
                or (integral and value != int(value))):
            raise ValueError(f"{who}: {name} must be {kind} from {lo:g} to {hi:g}; got {value!r}")
    return cls(value=value, **kwargs)


class CourseWidget(W.VBox):
    """Controls on top, the figure, then an HTML explanation that follows the controls.

    Subclasses build ``self.fig`` and controls, register changing artists with
    ``animate()``, implement ``draw()`` (update artists, return the HTML explanation)
    and ``summary()`` (one stable line), and list typical user actions in ``actions()``
    for tests and benchmarks.
    """

    def __init__(self, controls, fig):
        self.fig = fig
        self.image = W.Image(format="png", layout=W.Layout(max_width=f"{fig.get_figwidth() * fig.dpi:.0f}px"))
        self.info = W.HTML()
        self._dynamic = []
        self._background = None
        self._png = b""
        super().__init__([*controls, self.image, self.info])

    def animate(self, *artists):
        """Mark artists (lines, images, whole axes) as redrawn on every update."""
        for a in artists:
            a.set_animated(True)
            self._dynamic.append(a)

    def forget_animated(self, *artists):
        """Stop redrawing these artists (all of them when none are named), e.g. before rebuilding a panel."""
        self._dynamic = [a for a in self._dynamic if artists and a not in artists]

    def invalidate(self):
        """The static layer changed (limits, titles): redraw it on the next refresh."""
        self._background = None

    def refresh(self, *_):
        """Recompute, redraw and re-render; every control's observer ends here."""
        self.info.value = self.draw()
        canvas = self.fig.canvas
        if self._background is None:
            canvas.draw()  # skips animated artists: this is the static layer
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        canvas.restore_region(self._background)
        for a in self._dynamic:
            if a.get_visible():
                self.fig.draw_artist(a)
        rgb = np.asarray(canvas.buffer_rgba())[..., :3]
        buf = io.BytesIO()
        Image.fromarray(rgb).save(buf, format="png", compress_level=1)
        self._png = buf.getvalue()
        self.image.value = self._png

    def summary(self):
        return type(self).__name__

    def actions(self):
        """``[(description, callable), ...]``: user actions that each trigger one update."""
        return []

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/plain"] = self.summary()
        data["image/png"] = base64.b64encode(self._png).decode("ascii")
        return data


def median_update_ms(widget, repeats=5):
    """Median wall time (ms) of the widget's own ``actions()``, each run ``repeats`` times."""
    times = []
    for _ in range(repeats):
        for _, act in widget.actions():
            t0 = time.perf_counter()
            act()
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)
