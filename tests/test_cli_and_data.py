import subprocess
import sys

import numpy as np
import pytest

import dlcourse as dl
from dlcourse import cli, landscapes
from dlcourse.gradcheck import check_function


def test_doctor_prints_versions_and_verdict(capsys):
    code = cli.doctor()
    out = capsys.readouterr().out
    for word in ("Python", "numpy", "torch", "ipywidgets", "jupyterlab", "widgets front-end", "CUDA", "VERDICT"):
        assert word in out
    assert code == 0 and "VERDICT: READY" in out


def test_doctor_reports_missing_pieces(monkeypatch, capsys):
    monkeypatch.setattr(cli, "_version", lambda dist: None if dist == "torch" else "8.1.0")
    monkeypatch.setattr(cli, "_widgets_frontend", lambda: None)
    assert cli.doctor() == 1
    out = capsys.readouterr().out
    assert "NOT READY" in out and "torch is not installed" in out and "widgets extension is missing" in out


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "dlcourse.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "lab" in out.stdout and "doctor" in out.stdout and "bench" in out.stdout


def test_seed_makes_numpy_and_torch_repeatable():
    import torch
    dl.seed(3)
    a = (np.random.rand(), torch.rand(1).item())
    dl.seed(3)
    assert (np.random.rand(), torch.rand(1).item()) == a
    with pytest.raises(ValueError, match="non-negative integer"):
        dl.seed(-1)
    with pytest.raises(ValueError):
        dl.seed(1.5)


def test_device_and_setup():
    import torch
    assert dl.device() == torch.device("cuda" if torch.cuda.is_available() else "cpu")
    assert dl.setup(5) == 5
    assert torch.get_num_threads() == 1
    with pytest.raises(ValueError, match="threads"):
        dl.setup(threads=0)


def test_style_uses_colour_blind_safe_palette():
    import matplotlib
    dl.use_style()
    cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    assert cycle[:3] == ["#0072B2", "#D55E00", "#009E73"]


@pytest.mark.parametrize("maker", ["make_moons", "make_circles", "make_spirals", "make_xor", "make_blobs"])
def test_toy_data_shapes_and_determinism(maker):
    f = getattr(dl.data, maker)
    X, y = f(n_samples=101, seed=4)
    assert X.shape == (101, 2) and y.shape == (101,) and y.dtype == np.int64
    X2, y2 = f(n_samples=101, seed=4)
    np.testing.assert_array_equal(X, X2)
    assert not np.array_equal(X, f(n_samples=101, seed=5)[0])
    assert len(np.unique(y)) >= 2
    with pytest.raises(ValueError, match="n_samples"):
        f(n_samples=1)
    with pytest.raises(ValueError, match="noise"):
        f(noise=-0.1)


@pytest.mark.parametrize("name", sorted(landscapes.SURFACES))
def test_surface_gradients_and_grids(name):
    s = landscapes.get_surface(name)
    for w in ([0.3, -0.7], [1.2, 0.4], list(s.start)):
        assert check_function(s.loss, np.array(w), s.grad).passed
    g1, g2 = np.meshgrid(np.linspace(*s.xlim, 4), np.linspace(*s.ylim, 3))
    grid = s.loss_grid(g1, g2)
    assert grid[2, 1] == pytest.approx(s.loss(np.array([g1[2, 1], g2[2, 1]])))
    assert s.floor() <= grid.min() + 1e-9


def test_unknown_surface():
    with pytest.raises(ValueError, match="choose one of"):
        landscapes.get_surface("himmelblau")
