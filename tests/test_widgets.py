"""Widgets driven headlessly: set controls, click buttons, assert the state and drawing follow."""
import base64

import numpy as np
import pytest
import torch

from dlcourse import widgets
from dlcourse.widgets.backprop import BackpropStepper


def _line_data(line):
    return np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float)


@pytest.mark.parametrize("name", ["NeuronExplorer", "ActivationExplorer", "BackpropStepper", "OptimizerRace", "Playground", "ConvolutionExplorer"])
def test_display_bundle_has_picture_and_stable_text(name):
    w = getattr(widgets, name)()
    bundle = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert bundle["text/plain"].startswith(name) and "0x" not in bundle["text/plain"]
    assert bundle["text/plain"] == getattr(widgets, name)().summary()  # same state, same text
    assert w.image.value == base64.b64decode(bundle["image/png"])


@pytest.mark.parametrize("name", ["NeuronExplorer", "ActivationExplorer", "BackpropStepper", "OptimizerRace", "Playground", "ConvolutionExplorer"])
def test_every_action_changes_the_picture(name):
    w = getattr(widgets, name)()
    for desc, act in w.actions():
        before = w.image.value
        act()
        assert w.image.value != before, f"{name}: '{desc}' did not change the picture"


def test_neuron_explorer_follows_sliders():
    w = widgets.NeuronExplorer(w1=1.0, w2=0.0, b=0.0, activation="identity", x1=1.0, x2=0.5)
    assert w.z == pytest.approx(1.0)
    w.b.value = 0.5
    assert w.z == pytest.approx(1.5) and w.y == pytest.approx(1.5)
    w.activation.value = "sigmoid"
    assert w.y == pytest.approx(1 / (1 + np.exp(-1.5)))
    assert w.output.max() <= 1 and w.output.min() >= 0
    # the z = 0 line: w1 x1 + b = 0 -> vertical line at x1 = -0.5
    x, _ = _line_data(w._line)
    np.testing.assert_allclose(x, -0.5)
    w.w1.value, w.w2.value = 0.0, 0.0
    assert len(_line_data(w._line)[0]) == 0  # no boundary when both weights are zero
    assert "z =" in w.info.value


def test_activation_explorer_shows_vanishing_gradients():
    w = widgets.ActivationExplorer(selected=("sigmoid", "relu"), depth=10)
    assert set(w.final) == {"sigmoid", "relu"}
    assert w.final["sigmoid"] < 1e-4  # at most 0.25 per layer
    shallow = w.final["sigmoid"]
    w.depth.value = 20
    assert w.final["sigmoid"] < shallow * 1e-3
    w.select.value = ("tanh",)
    assert set(w.final) == {"tanh"}
    assert not w._artists["sigmoid"][0].get_visible() and w._artists["tanh"][0].get_visible()
    assert len(_line_data(w._artists["tanh"][3])[0]) == 20


def test_gradient_through_depth_validates():
    with pytest.raises(ValueError, match="depth"):
        widgets.gradient_through_depth("relu", 0)
    with pytest.raises(ValueError, match="unknown activation"):
        widgets.gradient_through_depth("swish", 3)
    with pytest.raises(ValueError, match="init must be one of default, xavier, he; got 'kaiming'"):
        widgets.gradient_through_depth("relu", 3, init="kaiming")


def test_initialisation_decides_whether_relu_keeps_its_gradient():
    from dlcourse.widgets.activation import signal_through_depth
    for seed in range(3):
        g = {i: widgets.gradient_through_depth("relu", 20, init=i, seed=seed) for i in ("default", "xavier", "he")}
        assert all(v.shape == (20,) for v in g.values())
        assert g["default"][-1] < 1e-6  # Var(w) = 1/(3 fan_in): each layer keeps 1/6 of the variance
        assert 1e-5 < g["xavier"][-1] < 1e-2  # ReLU halves the variance that Xavier preserves
        assert 0.1 < g["he"][-1] < 10 and 0.1 < signal_through_depth("relu", 20, "he", seed)[-1] < 10


def test_activation_explorer_init_control():
    w = widgets.ActivationExplorer(selected=("relu",), depth=20)
    assert w.final["relu"] == widgets.gradient_through_depth("relu", 20)[-1]
    w.init.value = "he"
    assert w.final["relu"] == widgets.gradient_through_depth("relu", 20, init="he")[-1]
    assert "he init" in w.summary() and "he initialisation" in w.info.value
    assert np.allclose(_line_data(w._artists["relu"][3])[1], widgets.gradient_through_depth("relu", 20, init="he"))
    with pytest.raises(ValueError, match="init must be one of default, xavier, he; got 'zeros'"):
        widgets.ActivationExplorer(init="zeros")
    # ~20 ms here (budget 50); the bound is loose because the test machine is shared
    assert widgets.median_update_ms(widgets.ActivationExplorer(selected=("sigmoid", "tanh", "relu", "gelu"),
                                                               depth=30), repeats=3) < 150


def _torch_reference(stepper):
    """The same network, weights and sample in torch: loss, weight gradients and SGD result."""
    layers = []
    for lin, act in zip(stepper.linears, stepper.acts):
        t = torch.nn.Linear(lin.in_features, lin.out_features).double()
        t.load_state_dict({"weight": torch.tensor(lin.weight.data), "bias": torch.tensor(lin.bias.data)})
        layers += [t, torch.nn.Sigmoid() if type(act).__name__ == "Sigmoid" else torch.nn.Tanh()]
    model = torch.nn.Sequential(*layers)
    loss = torch.nn.BCELoss()(model(torch.tensor(stepper.x)), torch.tensor(stepper.target))
    loss.backward()
    grads = [(m.weight.grad.numpy().copy(), m.bias.grad.numpy().copy()) for m in model if hasattr(m, "weight")]
    opt = torch.optim.SGD(model.parameters(), lr=stepper.lr.value)
    opt.step()
    new = [(m.weight.detach().numpy().copy(), m.bias.detach().numpy().copy()) for m in model if hasattr(m, "weight")]
    return loss.item(), grads, new


def test_backprop_stepper_numbers_match_torch_autograd():
    w = BackpropStepper()
    assert w.stages[w.stage] == "ready"
    for _ in range(3):  # three full passes: forward, loss, backward, update
        loss, grads, new = _torch_reference(w)
        while w.stages[w.stage] != "backward 1":
            w.step()
        assert w.loss == pytest.approx(loss, rel=1e-12)
        assert w.view.value == "gradients"
        for lin, (gw, gb) in zip(w.linears, grads):
            np.testing.assert_allclose(lin.weight.grad, gw, rtol=1e-10)
            np.testing.assert_allclose(lin.bias.grad, gb, rtol=1e-10)
        w.step()
        assert w.stages[w.stage] == "update"
        for lin, (nw, nb) in zip(w.linears, new):
            np.testing.assert_allclose(lin.weight.data, nw, rtol=1e-10)
            np.testing.assert_allclose(lin.bias.data, nb, rtol=1e-10)
        w.step()  # next pass begins with data in
    assert w.updates == 3 and w.losses[0] > w.losses[-1]  # it learns


def test_backprop_stepper_draws_what_it_computes():
    w = BackpropStepper()
    w.step()
    w.step()  # forward through layer 1
    texts = [t.get_text() for t in w.net.node_text[1]]
    assert texts == [f"{v:.2f}" for v in w.a[1][0]]
    assert all(t.get_text() == "" for t in w.net.node_text[2])  # not computed yet
    while w.stages[w.stage] != "backward 3":
        w.step()
    edge_labels = [t.get_text() for t in w.net.edge_text]
    last = w.linears[-1].weight.grad.ravel()
    assert edge_labels[-len(last):] == [f"{v:+.3f}" for v in last]
    w.view.value = "values"
    assert [t.get_text() for t in w.net.edge_text][-len(last):] == \
        [f"{v:+.2f}" for v in w.linears[-1].weight.data.ravel()]


def test_backprop_stepper_reset_play_and_lr():
    w = BackpropStepper()
    start = [lin.weight.data.copy() for lin in w.linears]
    w.play.value = 1
    w.play.value = 2
    assert w.stages[w.stage] == "forward 1"
    for _ in range(len(w.stages)):
        w.step()
    assert w.updates == 1
    w.reset_button.click()
    assert w.stage == 0 and w.updates == 0 and w.play.value == 0
    for lin, s in zip(w.linears, start):
        np.testing.assert_array_equal(lin.weight.data, s)
    w.lr.value = 0.1
    assert w.optimizer.lr == pytest.approx(0.1)


def test_backprop_stepper_validates():
    with pytest.raises(ValueError, match="sizes"):
        BackpropStepper(sizes=(2, 3, 2))
    with pytest.raises(ValueError, match="target"):
        BackpropStepper(target=0.5)


def test_optimizer_race_paths_follow_controls():
    w = widgets.OptimizerRace(surface="ill-conditioned", lr=0.03, steps=50)
    assert set(w.results) == {"SGD", "Momentum", "RMSprop", "Adam"}
    for name, r in w.results.items():
        x, y = _line_data(w._paths[name])
        np.testing.assert_allclose(np.c_[x, y], r["path"])
        assert len(r["path"]) == 51 and not r["diverged"]
        assert r["losses"][-1] < r["losses"][0]
    w.start_x.value = 1.0
    assert all(r["path"][0, 0] == 1.0 for r in w.results.values())
    w.lr.value = 0.3  # SGD on kappa = 20 diverges above lr = 0.1
    assert w.results["SGD"]["diverged"] and not w.results["Adam"]["diverged"]
    assert "diverged" in w.info.value


def test_optimizer_race_surface_switch_resets_ranges():
    w = widgets.OptimizerRace()
    w.surface_choice.value = "rosenbrock"
    assert (w.start_x.min, w.start_x.max) == w.surface.xlim
    assert (w.start_x.value, w.start_y.value) == w.surface.start
    assert w.surface.name == "Rosenbrock" and w.ax_map.get_title() == "Rosenbrock"
    w.surface_choice.value = "model slice"
    assert w.results["Adam"]["losses"][-1] < w.results["Adam"]["losses"][0]


def test_median_update_times_are_measured():
    w = widgets.OptimizerRace(steps=20)
    assert widgets.median_update_ms(w, repeats=1) > 0


def test_playground_learns_circles_and_generalises():
    w = widgets.Playground(dataset="circles", layers=2, neurons=4, activation="tanh", lr=0.1)
    assert w.epoch == 0 and len(w.train_losses) == 1
    start = w.train_losses[0]
    for _ in range(30):
        w.step()
    assert w.epoch == 300 and w.train_losses[-1] < 0.1 * start and w.test_losses[-1] < 0.2
    assert nn_accuracy(w) > 0.95
    assert "epoch 300" in w.info.value and "Playground: circles" in w.summary()


def nn_accuracy(w):
    from dlcourse.nn import accuracy
    w.model.eval()
    return accuracy(w.model(w.X_test), w.y_test)


def test_playground_architecture_controls_rebuild_the_model():
    w = widgets.Playground(layers=2, neurons=4)
    w.step()
    w.layers.value = 3
    assert w.epoch == 0 and w.net.sizes == [2, 4, 4, 4, 2]
    assert [m.out_features for m in w.linears] == [4, 4, 4, 2]
    w.neurons.value = 6
    assert w.model.num_parameters() == (2 * 6 + 6) + 2 * (6 * 6 + 6) + (6 * 2 + 2)
    w.dropout.value = 0.2
    assert sum(type(m).__name__ == "Dropout" for m in w.model) == 3
    w.layers.value = 0
    assert w.net.sizes == [2, 2] and len(w.linears) == 1
    w.l2.value = 0.01
    assert w.optimizer.weight_decay == 0.01 and w.epoch == 0
    before = w.X_train.copy()
    w.dataset.value = "xor"
    assert not np.array_equal(before, w.X_train) and w.X_train.shape == (200, 2)


def test_playground_warns_and_stops_on_divergence():
    w = widgets.Playground(lr=10.0)
    w.play.value = 1  # Play ticks step the training
    w.step()
    assert w.diverged and "diverging" in w.info.value
    epoch = w.epoch
    w.step()
    assert w.epoch == epoch  # no more training on a diverged model
    w.lr.value = 0.05
    w.reset_button.click()
    assert not w.diverged and w.epoch == 0


def _naive_conv(img, k, s, p, d):
    x = np.pad(img, p)
    ho = (x.shape[0] - d * 2 - 1) // s + 1
    out = np.zeros((ho, ho))
    for i in range(ho):
        for j in range(ho):
            out[i, j] = (x[i * s: i * s + 2 * d + 1: d, j * s: j * s + 2 * d + 1: d] * k).sum()
    return out


@pytest.mark.parametrize("s,p,d", [(1, 0, 1), (2, 1, 1), (1, 2, 2), (3, 0, 1)])
def test_convolution_explorer_matches_a_naive_loop(s, p, d):
    w = widgets.ConvolutionExplorer(image="ring", stride=s, padding=p, dilation=d)
    img = w._images["ring"]
    np.testing.assert_allclose(w.feature_map, _naive_conv(img, w.kernel_values(), s, p, d), atol=1e-12)
    ho = w.feature_map.shape[0]
    assert f"<b>{ho}</b>" in w.info.value and w.position.max == ho * ho - 1
    w.position.value = ho * ho - 1
    assert w.value == pytest.approx(w.feature_map[-1, -1])


def test_convolution_explorer_custom_kernel_and_pooling():
    w = widgets.ConvolutionExplorer(kernel="identity")
    np.testing.assert_allclose(w.feature_map, w._digits[0][1:-1, 1:-1])
    w.kernel.value = "custom"
    for c, v in zip(w.custom, np.arange(9.0)):
        c.value = v
    np.testing.assert_array_equal(w.kernel_values(), np.arange(9.0).reshape(3, 3))
    fm = w.feature_map
    np.testing.assert_allclose(w.pooled, fm[:14, :14].reshape(7, 2, 7, 2).max(axis=(1, 3)))
    w.pooling.value = "avg"
    np.testing.assert_allclose(w.pooled, fm.reshape(7, 2, 7, 2).mean(axis=(1, 3)))


def test_convolution_explorer_uses_the_course_colours_with_zero_at_white():
    from dlcourse.viz.network import EDGE_CMAP
    w = widgets.ConvolutionExplorer(kernel="vertical edges (Sobel)")
    for im in (w._out_img, w._pool_img):
        lo, hi = im.get_clim()
        assert im.get_cmap().name == EDGE_CMAP.name and lo == -hi == -np.abs(w.feature_map).max()
    positive = w._out_img.to_rgba(np.array([[np.abs(w.feature_map).max()]]))[0, 0]
    assert positive[0] > positive[2]  # orange (more red than blue) for positive values, as the lessons say
    assert "orange" in w._colorbar.ax.get_ylabel() and "purple" in w._colorbar.ax.get_ylabel()
    w.kernel.value = "blur"  # a new scale moves the colour bar with the maps
    assert w._colorbar.mappable.get_clim() == w._out_img.get_clim() == (-np.abs(w.feature_map).max(), np.abs(w.feature_map).max())


def test_feature_map_viewer_shows_each_conv_layer():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Conv2d(4, 20, 3, padding=1), torch.nn.Flatten(), torch.nn.Linear(20 * 16, 3))
    images = np.random.default_rng(0).random((5, 1, 8, 8))
    w = widgets.FeatureMapViewer(model, images, labels=[0, 1, 2, 0, 1])
    assert [n for n, _ in w.convs] == ["0", "3"] and len(w._maps[1]) == 16  # capped at 16 channels
    w.index.value = 2
    maps = w.feature_maps(2)
    np.testing.assert_allclose(maps["0"], torch.nn.functional.conv2d(
        torch.tensor(images[2:3], dtype=model[0].weight.dtype), model[0].weight, model[0].bias, padding=1)[0].detach().numpy(),
        atol=1e-5)
    np.testing.assert_allclose(w._maps[0][1].get_array(), maps["0"][1], atol=1e-6)
    assert "image 2" in w._title.get_text() and "true class 2" in w._title.get_text()
    with pytest.raises(ValueError, match="Conv2d"):
        widgets.FeatureMapViewer(torch.nn.Linear(2, 2), images)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        widgets.FeatureMapViewer(model, images[:, 0])
