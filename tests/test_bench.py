"""The benchmark runs and prints its table (its figures are reported, never asserted)."""
import numpy as np
import pytest
import torch

from dlcourse import bench, nn
from dlcourse._env import lessons_source


def test_bench_prints_every_section(capsys):
    assert bench.main(repeats=1, notebooks=False) == 0
    out = capsys.readouterr().out
    for name in bench.WIDGETS:
        assert name in out
    assert "import dlcourse" in out
    header = next(line for line in out.splitlines() if line.startswith("forward + backward"))
    assert header.split()[-6:] == ["NumPy64", "torch64", "ratio", "NumPy32", "torch32", "ratio"]
    for label, *_ in bench._layer_cases():
        row = next(line for line in out.splitlines() if line.startswith(label))
        o64, t64, r64, o32, t32, r32 = map(float, row[len(label):].split())
        assert min(o64, t64, o32, t32) > 0
        # the times are printed to 0.01 ms and the ratio comes from the unrounded times: allow for both roundings
        for o, t, r in ((o64, t64, r64), (o32, t32, r32)):
            assert r == pytest.approx(o / t, abs=0.005 + (o / t) * (0.005 / o + 0.005 / t) + 1e-9)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fwd_bwd_ms_times_both_on_torch_weights_in_the_dtype(dtype):
    ours, theirs = nn.ConvTranspose2d(4, 3, 4, stride=2, padding=1), torch.nn.ConvTranspose2d(4, 3, 4, stride=2, padding=1)
    ms_ours, ms_theirs = bench.fwd_bwd_ms(ours, theirs, (2, 4, 5, 5), dtype, repeats=1)
    assert ms_ours > 0 and ms_theirs > 0
    assert ours.weight.data.dtype == dtype and theirs.weight.dtype == getattr(torch, np.dtype(dtype).name)
    np.testing.assert_allclose(ours.weight.data, theirs.weight.detach().numpy())


def test_notebook_timer_runs_a_notebook():
    times = bench.notebook_times([lessons_source() / "00_welcome_and_setup.ipynb"])
    assert list(times) == ["00_welcome_and_setup"] and times["00_welcome_and_setup"] > 0
