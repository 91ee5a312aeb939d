"""GradientsThroughTime driven headlessly."""
import base64

import numpy as np
import pytest

from dlcourse import widgets
from dlcourse.widgets.recurrent import HEATMAPS, INITS, STEPS_PER_PRESS


@pytest.fixture(scope="module")
def explorer():
    return widgets.GradientsThroughTime(lag=30)


def test_display_bundle_has_picture_and_stable_text(explorer):
    bundle = explorer._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert bundle["text/plain"] == widgets.GradientsThroughTime(lag=30).summary()
    assert bundle["text/plain"].startswith("GradientsThroughTime: lag 30, default gate bias, 0 steps")


def test_gradient_bars_show_vanishing_and_the_gate_bias_cure():
    w = widgets.GradientsThroughTime(lag=40)
    ratio = {k: norms[0] / norms[-1] for k, (_, _, norms) in w.result.items()}
    assert all(len(norms) == 41 for _, _, norms in w.result.values())
    assert all(r < 1e-5 for r in ratio.values())  # default init: every cell forgets
    assert len(w._bars["rnn"].get_segments()) == 41
    w.init.value = INITS[1]
    kept = {k: norms[0] / norms[-1] for k, (_, _, norms) in w.result.items()}
    assert kept["rnn"] == pytest.approx(ratio["rnn"])  # the RNN has no gate: same weights, same ratio
    assert kept["lstm"] > 0.05 and kept["gru"] > 0.2
    # the keep gate starts near sigmoid(4) = 0.98 for the gated cells
    assert np.mean(w.models["lstm"].rnn.gates[0]["f"]) > 0.9 and np.mean(w.models["gru"].rnn.gates[0]["z"]) > 0.9


def test_every_action_changes_the_picture(explorer):
    for desc, act in explorer.actions():
        before = explorer.image.value
        act()
        assert explorer.image.value != before, f"'{desc}' did not change the picture"


def test_heatmaps_follow_the_choice():
    w = widgets.GradientsThroughTime(lag=5)
    h = w._images["lstm"].get_array()
    assert h.shape == (16, 6) and np.allclose(h, w.models["lstm"].rnn.h_seq[0][:, 0].T)
    w.heatmap.value = HEATMAPS[2]
    assert np.allclose(w._images["gru"].get_array(), 1 - w.models["gru"].rnn.gates[0]["z"][:, 0].T)
    assert np.allclose(w._images["lstm"].get_array(), w.models["lstm"].rnn.gates[0]["i"][:, 0].T)
    assert w._texts["rnn"].get_text() == "no gates"


def test_training_steps_lower_the_loss_and_reset_on_new_settings():
    w = widgets.GradientsThroughTime(lag=3, init=INITS[1])
    before = {k: r[0] for k, r in w.result.items()}
    weights = w.models["gru"].rnn.weight_hh_l0.data.copy()
    for _ in range(6):
        w.train_button.click()
    assert w.steps == 6 * STEPS_PER_PRESS
    assert all(w.result[k][0] < before[k] for k in before)
    assert f"{6 * STEPS_PER_PRESS} training steps" in w.info.value
    w.lag.value = 4
    assert w.steps == 0 and np.array_equal(w.models["gru"].rnn.weight_hh_l0.data, weights)


@pytest.mark.parametrize("kwargs, message", [(dict(lag=0), "lag must be an integer from 1 to 60"),
                                             (dict(init="zeros"), "init must be one of"),
                                             (dict(heatmap="cell"), "heatmap must be one of")])
def test_bad_settings_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        widgets.GradientsThroughTime(**kwargs)
