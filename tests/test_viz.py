"""The colours a drawing assigns are the colours its legend names."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from dlcourse import widgets
from dlcourse.viz.network import NetworkDrawing


def _looks(rgba):
    """'orange' (red > green > blue) or 'purple' (blue strongest), light tints included."""
    r, g, b = rgba[:3]
    if r > g > b:
        return "orange"
    if b > r and b > g:
        return "purple"
    return "neither"


def _key(drawing):
    """{legend text: RGBA of its line}."""
    return {t.get_text(): np.asarray(h.get_color()) for t, h in zip(drawing.key.get_texts(), drawing.key.legend_handles)}


def test_network_edge_colours_match_the_key():
    ax = Figure().subplots()
    net = NetworkDrawing(ax, [2, 1], key="weight")
    net.set_edges([np.array([[0.8, -0.8]])])  # edge (0, 0, 0) positive, (0, 0, 1) negative
    colours = net.edges.get_colors()
    key = _key(net)
    assert set(key) == {"weight < 0 (purple)", "weight > 0 (orange)"}
    np.testing.assert_allclose(colours[0], key["weight > 0 (orange)"])  # the extremes are the key's colours
    np.testing.assert_allclose(colours[1], key["weight < 0 (purple)"])
    assert _looks(colours[0]) == "orange" and _looks(colours[1]) == "purple"  # and they look like their names
    net.set_key_label("dL/dw")
    assert set(_key(net)) == {"dL/dw < 0 (purple)", "dL/dw > 0 (orange)"}


def test_network_key_validates():
    ax = Figure().subplots()
    with pytest.raises(TypeError, match="key must be a string"):
        NetworkDrawing(ax, [2, 1], key=True)
    with pytest.raises(ValueError, match="no key"):
        NetworkDrawing(ax, [2, 1]).set_key_label("w")


def test_backprop_stepper_colours_weights_by_their_sign_as_its_key_says():
    w = widgets.BackpropStepper()
    values = np.array([w.linears[l].weight.data[k, j] for l, k, j in w.net.edge_index])
    colours = w.net.edges.get_colors()
    key = " ".join(t.get_text() for t in w.net.key.get_texts())
    assert "weight w > 0 (orange)" in key and "weight w < 0 (purple)" in key
    big = np.abs(values) > 0.1 * np.abs(values).max()  # near zero every edge is almost white
    assert big.sum() > 10 and (values[big] > 0).any() and (values[big] < 0).any()
    for v, c in zip(values[big], colours[big]):
        assert _looks(c) == ("orange" if v > 0 else "purple"), (v, c)
    while w.stages[w.stage] != "backward 1":
        w.step()
    assert w.view.value == "gradients"
    assert "dL/dw > 0 (orange)" in " ".join(t.get_text() for t in w.net.key.get_texts())


def test_playground_class_colours_match_its_key():
    w = widgets.Playground(dataset="xor")
    key = {t.get_text(): h.get_markerfacecolor() for t, h in zip(w.class_key.get_texts(), w.class_key.legend_handles)}
    assert set(key) == {"class 0 (orange)", "class 1 (purple)"}
    w.fig.canvas.draw()  # scatter colours are assigned from the data at draw time
    faces = w._train_pts.get_facecolors()
    for cls, name in ((0, "orange"), (1, "purple")):
        point = faces[np.flatnonzero(w.y_train == cls)[0]]
        np.testing.assert_allclose(point[:3], np.asarray(key[f"class {cls} ({name})"])[:3])
        assert _looks(point) == name
    # the decision map uses the same scale: P(class 1) = 1 is class 1's colour
    np.testing.assert_allclose(w._heat.cmap(w._heat.norm(1.0))[:3], np.asarray(key["class 1 (purple)"])[:3])


def test_feature_map_viewer_shows_positive_responses_in_orange_as_its_text_says():
    import torch
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3, padding=1, bias=False), torch.nn.Flatten(),
                                torch.nn.Linear(72, 3))
    with torch.no_grad():
        model[0].weight.copy_(torch.stack([torch.ones(1, 3, 3), -torch.ones(1, 3, 3)]))
    viewer = widgets.FeatureMapViewer(model, np.ones((1, 1, 6, 6)))
    assert "Orange: the filter matches (positive response), purple" in viewer.draw()
    up, down = viewer._maps[0][:2]  # channel 0 responds positively everywhere, channel 1 negatively
    assert _looks(up.to_rgba(up.get_array())[3, 3]) == "orange"
    assert _looks(down.to_rgba(down.get_array())[3, 3]) == "purple"
