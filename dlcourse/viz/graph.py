"""Draw a dlcourse.autograd compute graph with matplotlib alone (no graphviz binary)."""


def _levels(order):
    """Column of each node: leaves at 0, every other node right of all its inputs."""
    level = {}
    for node in order:  # topological order: inputs first
        level[id(node)] = 1 + max((level[id(c)] for c in node._prev), default=-1)
    return level


def draw_graph(root, ax=None, show_grad=True):
    """Boxes for values (label, data, grad) and circles for the operations that made them.

    ``root`` is the output Value; returns the matplotlib Axes.
    """
    from ..autograd import Value

    if not isinstance(root, Value):
        raise TypeError(f"draw_graph takes a dlcourse.autograd.Value, got {type(root).__name__}")
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(7, 3.5))
    order = root.topological_order()
    level = _levels(order)
    columns = {}
    for node in order:
        columns.setdefault(level[id(node)], []).append(node)
    pos = {}
    for col, nodes in columns.items():
        for i, node in enumerate(nodes):
            pos[id(node)] = (3.0 * col, (len(nodes) - 1) / 2 - i)
    arrow = dict(arrowstyle="->", color="0.45", lw=1.0, shrinkA=4, shrinkB=4)
    for node in order:
        x, y = pos[id(node)]
        if node._prev:
            ox = x - 1.3
            ax.annotate("", (x - 0.75, y), (ox + 0.25, y), arrowprops=arrow)
            for child in node._prev:
                cx, cy = pos[id(child)]
                ax.annotate("", (ox - 0.25, y), (cx + 0.75, cy), arrowprops=arrow)
            ax.text(ox, y, node.op, ha="center", va="center", fontsize=9,
                    bbox=dict(boxstyle="circle,pad=0.3", fc="#F0E442", ec="0.3"))
        text = (f"{node.label + ' = ' if node.label else ''}{node.data:.4g}"
                + (f"\ngrad {node.grad:.4g}" if show_grad else ""))
        ax.text(x, y, text, ha="center", va="center", fontsize=9,
                bbox=dict(boxstyle="round,pad=0.35", fc="#56B4E9" if not node._prev else "white", ec="0.3"))
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 1.0, max(xs) + 1.0)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
    ax.axis("off")
    return ax
