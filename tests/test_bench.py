"""The benchmark runs and prints its table (its figures are reported, never asserted)."""
from dlcourse import bench
from dlcourse._env import lessons_source


def test_bench_prints_every_section(capsys):
    assert bench.main(repeats=1, notebooks=False) == 0
    out = capsys.readouterr().out
    for name in bench.WIDGETS:
        assert name in out
    assert "Linear(512,512)+ReLU" in out and "Conv2d 3x3" in out and "import dlcourse" in out
    assert "LSTM fwd+bwd" in out and "I=32, H=64, T=50, N=32" in out


def test_notebook_timer_runs_a_notebook():
    times = bench.notebook_times([lessons_source() / "00_welcome_and_setup.ipynb"])
    assert list(times) == ["00_welcome_and_setup"] and times["00_welcome_and_setup"] > 0
