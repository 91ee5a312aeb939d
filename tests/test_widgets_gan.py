"""GANLab, headless: it draws at once, each button trains what it says, and it warns about collapse."""
import numpy as np
import pytest

import dlcourse as dl
from dlcourse.widgets import gan as gan_widget


@pytest.fixture(scope="module")
def lab():
    return dl.widgets.GANLab()


def test_renders_at_once_with_stable_text(lab):
    assert lab._png.startswith(b"\x89PNG")
    assert lab.summary() == "GANLab: ring (8 modes), non-saturating loss, round 0, modes covered 0/8"
    bundle = lab._repr_mimebundle_()
    assert bundle["text/plain"] == lab.summary() and bundle["image/png"]
    assert "round 0" in lab.info.value


def test_buttons_train_only_their_player():
    lab = dl.widgets.GANLab(d_steps=2)
    g_before = [p.data.copy() for p in lab.G.parameters()]
    lab.buttons["Step D"].click()
    assert lab.d_updates == 2 * gan_widget.ITERS_PER_STEP and lab.g_updates == 0
    assert all(np.array_equal(a, p.data) for a, p in zip(g_before, lab.G.parameters()))
    d_before = [p.data.copy() for p in lab.D.parameters()]
    lab.buttons["Step G"].click()
    assert lab.g_updates == gan_widget.ITERS_PER_STEP
    assert all(np.array_equal(a, p.data) for a, p in zip(d_before, lab.D.parameters()))
    png = lab._png
    lab.buttons["Step both"].click()
    assert lab.rounds == 3 * gan_widget.ITERS_PER_STEP and lab._png != png
    assert np.isfinite(lab.d_losses[-1]) and np.isfinite(lab.g_losses[-1])
    lab.reset_button.click()
    assert lab.rounds == 0 and lab.d_losses == []


def test_same_settings_same_run():
    a, b = dl.widgets.GANLab(seed=3), dl.widgets.GANLab(seed=3)
    for w in (a, b):
        w.step()
    np.testing.assert_array_equal(a.G(a.z_shown), b.G(b.z_shown))


def test_arrows_follow_the_loss_and_saturate_for_minimax(lab):
    lab.reset()
    for _ in range(20):
        lab.step(train_g=False)  # 100 D updates: D learns to reject the untrained generator
    ns = float(lab.info.value.split("median push |dL/dx| ")[1].split()[0].replace("<br>", ""))
    lab.loss.value = "minimax"
    mm = float(lab.info.value.split("median push |dL/dx| ")[1].split()[0].replace("<br>", ""))
    assert mm < ns / 10  # measured: 1.9 vs 0.0085; the minimax loss's push is much weaker against a confident D
    lab.loss.value = "non-saturating"


def test_dataset_switch_and_collapse_warning():
    lab = dl.widgets.GANLab(dataset="grid")
    assert "grid (25 modes)" in lab.summary()
    last = [m for m in lab.G if isinstance(m, dl.nn.Linear)][-1]
    last.weight.data[...] = 0.0
    last.bias.data[...] = lab.target.centres[7]  # every generated point on one mode
    lab.rounds = gan_widget._WARMUP
    lab.refresh()
    assert "Mode collapse" in lab.info.value and "only 1 of the 25" in lab.info.value
    assert "modes covered 1/25" in lab.summary()
    lab.dataset.value = "moons"
    assert "Mode collapse" not in lab.info.value and "moons (8 modes)" in lab.summary()


@pytest.mark.parametrize("kwargs,match", [(dict(dataset="circles"), "dataset must be one of ring"),
                                          (dict(loss="hinge"), "loss must be one of"),
                                          (dict(lr_g=1.0), "lr_g must be a number"),
                                          (dict(d_steps=0), "d_steps must be an integer"),
                                          (dict(beta1=0.7), "beta1 must be one of 0.5, 0.9"),
                                          (dict(seed=-1), "seed")])
def test_bad_arguments_are_explained(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dl.widgets.GANLab(**kwargs)


def test_update_is_timed(lab):
    assert dl.widgets.median_update_ms(lab, repeats=1) > 0


def test_beta1_control_sets_both_optimizers():
    lab = dl.widgets.GANLab(beta1=0.9)
    lab.step()
    assert lab.opt_d.hyper["betas"][0] == lab.opt_g.hyper["betas"][0] == 0.9
    lab.beta1.value = 0.5
    assert lab.opt_d.hyper["betas"][0] == lab.opt_g.hyper["betas"][0] == 0.5
