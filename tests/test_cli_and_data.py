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


@pytest.mark.parametrize("root", [True, False])
def test_lab_passes_options_through_and_allows_root(monkeypatch, capsys, tmp_path, root):
    calls = []
    monkeypatch.setattr(cli.subprocess, "call", lambda cmd, env: calls.append(cmd) or 0)
    monkeypatch.setattr(cli.os, "geteuid", lambda: 0 if root else 1000)
    assert cli.main(["lab", "--no-browser", "--ServerApp.token=abc", "--ip=0.0.0.0", "--dir", str(tmp_path)]) == 0
    cmd = calls[0]
    assert f"--notebook-dir={tmp_path}" in cmd
    assert "--no-browser" in cmd and "--ServerApp.token=abc" in cmd and "--ip=0.0.0.0" in cmd
    assert ("--allow-root" in cmd) == root
    assert ("adding --allow-root" in capsys.readouterr().out) == root
    calls.clear()
    cli.main(["lab", "--allow-root", "--dir", str(tmp_path)])
    assert calls[0].count("--allow-root") == 1  # given by the user: not added twice


def test_other_commands_still_reject_unknown_options():
    with pytest.raises(SystemExit):
        cli.main(["doctor", "--bogus"])


def test_lab_really_starts_jupyterlab(tmp_path):
    """The README's first command as this user (root in CI and most containers): the server answers."""
    import os
    import signal
    import socket
    import time
    import urllib.request
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "ws"))
    log = tmp_path / "lab.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "dlcourse.cli", "lab", "--dir", str(tmp_path / "mine"),
                                 "--no-browser", f"--port={port}",
                                 "--ip=127.0.0.1", "--ServerApp.token=", "--LabApp.news_url=None"],
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents", timeout=2) as r:
                    listing = r.read().decode()
                break
            except OSError:
                assert proc.poll() is None, f"JupyterLab exited:\n{log.read_text()[-2000:]}"
                assert time.time() < deadline, f"JupyterLab did not answer in 60 s:\n{log.read_text()[-2000:]}"
                time.sleep(0.3)
        assert "00_welcome_and_setup.ipynb" in listing  # it serves the learner's copy of the lessons
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(15)


def test_lessons_are_copied_once_and_edits_are_kept(tmp_path, capsys):
    mine = tmp_path / "dlcourse-lessons"
    assert cli.main(["lessons", "--dir", str(mine)]) == 0
    shipped = sorted(p.name for p in dl._env.lessons_source().glob("[0-9][0-9]_*.ipynb"))
    assert sorted(p.name for p in mine.glob("*.ipynb")) == shipped and len(shipped) >= 7
    edited = mine / shipped[0]
    edited.write_text("my notes")
    (mine / shipped[1]).unlink()  # deleted by the learner: restored, as a new lesson would be
    cli.main(["lessons", "--dir", str(mine)])
    assert edited.read_text() == "my notes"
    assert (mine / shipped[1]).exists()
    assert "Copied 1 lesson(s)" in capsys.readouterr().out
    with pytest.raises(NotADirectoryError, match="is a file"):
        dl._env.copy_lessons(edited)


def test_doctor_and_lab_detect_a_folder_that_shadows_the_package(tmp_path, monkeypatch, capsys):
    (tmp_path / "dlcourse").mkdir()  # e.g. a clone of a repository named dlcourse
    monkeypatch.chdir(tmp_path)
    assert cli.doctor(tmp_path / "elsewhere") == 1
    out = capsys.readouterr().out
    assert "NOT READY" in out and "would be imported instead of the course package" in out
    assert "dlcourse-lessons" in out  # names a folder name that cannot collide
    with pytest.raises(SystemExit, match="choose another folder"):
        cli.lessons(tmp_path)
    assert dl._env.shadowing_package(dl._env.PACKAGE.parent) is None  # the package's own folder is no shadow


def test_lessons_folder_problems_end_in_a_sentence_not_a_traceback(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file where the folder should go")
    out = subprocess.run([sys.executable, "-m", "dlcourse.cli", "lessons", "--dir", str(blocker)],
                         capture_output=True, text=True)
    assert out.returncode != 0 and "cannot set up the lessons" in out.stderr and "Traceback" not in out.stderr
