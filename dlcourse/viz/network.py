"""A layered network diagram whose nodes and edges can be recoloured and relabelled in place."""
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D
import matplotlib

# Diverging and colour-blind safe. matplotlib's "PuOr" runs from orange (low) to purple (high), so
# the reversed map gives the order the course's words use: negative purple, positive orange.
EDGE_CMAP = matplotlib.colormaps["PuOr_r"]
EDGE_COLOUR_NAMES = {"negative": "purple", "positive": "orange"}


class NetworkDrawing:
    """Draw ``layer_sizes`` (e.g. ``[2, 3, 2, 1]``) on ``ax``.

    Edge ``(l, k, j)`` joins node j of layer l to node k of layer l+1, like
    ``weight[k, j]`` of the Linear layer between them. Edge colour shows the sign
    (negative purple, positive orange: ``EDGE_COLOUR_NAMES``), width the size relative
    to the largest value. ``key`` adds a legend saying so (``key="weight"`` labels the
    entries "weight < 0" and "weight > 0"; None draws no legend). Update methods change
    artists in place, so a widget only re-renders.
    """

    def __init__(self, ax, layer_sizes, layer_names=None, edge_label_at=0.25, node_size=1200, key=None,
                 key_loc="upper right", key_fontsize=7):
        if len(layer_sizes) < 2 or any(int(n) < 1 for n in layer_sizes):
            raise ValueError(f"NetworkDrawing needs at least two layers of >= 1 node, got {layer_sizes}")
        self.ax = ax
        self.sizes = [int(n) for n in layer_sizes]
        self.pos = [np.c_[np.full(n, float(l)), (n - 1) / 2 - np.arange(n)] for l, n in enumerate(self.sizes)]
        segs, mids, self.edge_index = [], [], []
        for l in range(len(self.sizes) - 1):
            for k in range(self.sizes[l + 1]):
                for j in range(self.sizes[l]):
                    a, b = self.pos[l][j], self.pos[l + 1][k]
                    segs.append([a, b])
                    mids.append(a + edge_label_at * (b - a))
                    self.edge_index.append((l, k, j))
        self.edges = LineCollection(segs, colors="0.6", linewidths=1.5, zorder=1)
        ax.add_collection(self.edges)
        allpos = np.vstack(self.pos)
        self.nodes = ax.scatter(allpos[:, 0], allpos[:, 1], s=node_size, c="white", edgecolors="0.2",
                                linewidths=1.2, zorder=2)
        self.node_text = [[ax.text(x, y, "", ha="center", va="center", fontsize=8, zorder=3)
                           for x, y in p] for p in self.pos]
        self.node_note = [[ax.text(x, y - 0.4, "", ha="center", va="top", fontsize=7, color="#D55E00", zorder=3)
                           for x, y in p] for p in self.pos]
        self.edge_text = [ax.text(x, y, "", ha="center", va="center", fontsize=6.5, zorder=4,
                                  bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8))
                          for x, y in mids]
        if layer_names:
            for l, name in enumerate(layer_names):
                ax.text(l, (max(self.sizes) - 1) / 2 + 0.6, name, ha="center", va="bottom", fontsize=8)
        top = (max(self.sizes) - 1) / 2
        ax.set_xlim(-0.4, len(self.sizes) - 0.6)
        ax.set_ylim(-top - 0.8, top + 0.9)
        ax.axis("off")
        self.key = None
        if key is not None:
            if not isinstance(key, str):
                raise TypeError(f"NetworkDrawing: key must be a string such as 'weight' or None, got {key!r}")
            self.key = ax.legend(handles=self.key_handles(key), loc=key_loc, fontsize=key_fontsize,
                                 frameon=False, handlelength=1.6, borderaxespad=0.1,
                                 bbox_to_anchor=(0, 0, 1, 0.9))

    @staticmethod
    def key_handles(what="value"):
        """Legend entries for the edge colours: ``what < 0`` in purple, ``what > 0`` in orange."""
        return [Line2D([], [], color=EDGE_CMAP(0.0), lw=3, label=f"{what} < 0 ({EDGE_COLOUR_NAMES['negative']})"),
                Line2D([], [], color=EDGE_CMAP(1.0), lw=3, label=f"{what} > 0 ({EDGE_COLOUR_NAMES['positive']})")]

    def set_key_label(self, what):
        """Rename the legend's quantity in place (e.g. from "weight w" to "dL/dw")."""
        if self.key is None:
            raise ValueError("NetworkDrawing.set_key_label: this drawing has no key; create it with key='...'")
        for text, handle in zip(self.key.get_texts(), self.key_handles(what)):
            text.set_text(handle.get_label())

    def set_edges(self, per_layer, labels=True, fmt="{:+.2f}"):
        """Colour and size edges by ``per_layer[l]`` (shape ``(n_{l+1}, n_l)``); optionally label them.

        The colour scale is symmetric, -max|v| .. +max|v|, so zero is always the neutral middle.
        """
        values = np.array([per_layer[l][k, j] for l, k, j in self.edge_index], dtype=np.float64)
        scale = np.max(np.abs(values)) if values.size and np.max(np.abs(values)) > 0 else 1.0
        self.edges.set_color(EDGE_CMAP(Normalize(-scale, scale)(values)))
        self.edges.set_linewidths(0.5 + 3.5 * np.abs(values) / scale)
        for t, v in zip(self.edge_text, values):
            t.set_text(fmt.format(v) if labels else "")

    def set_node_text(self, layer, texts):
        for t, s in zip(self.node_text[layer], texts):
            t.set_text(s)

    def set_node_note(self, layer, texts):
        for t, s in zip(self.node_note[layer], texts):
            t.set_text(s)

    def set_node_colors(self, colors):
        """One colour per node, layers concatenated in order."""
        self.nodes.set_facecolors(colors)

    def clear_text(self):
        for layer in range(len(self.sizes)):
            self.set_node_text(layer, [""] * self.sizes[layer])
            self.set_node_note(layer, [""] * self.sizes[layer])
