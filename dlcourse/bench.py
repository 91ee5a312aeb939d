"""Benchmarks that print figures (never pass/fail): widget update times, NumPy vs torch speed.

Run ``dlcourse bench`` or ``python -m dlcourse.bench``. Threads are pinned to one
so torch and NumPy compete on equal terms and figures are stable on shared machines.
"""
import statistics
import subprocess
import sys
import time

import numpy as np

WIDGETS = ("NeuronExplorer", "ActivationExplorer", "BackpropStepper", "OptimizerRace", "Playground", "ConvolutionExplorer",
           "GradientsThroughTime", "AttentionExplorer", "LatentExplorer", "GANLab")
WIDGETS += ("ArchitectureRace",)


def _char_sampler():
    """CharLMSampler needs a model: an untrained CharGPT updates exactly as fast as a trained one."""
    from . import data, models, widgets
    return widgets.CharLMSampler(models.CharGPT(data.load_char_corpus().chars))


WIDGET_SETUPS = {"CharLMSampler": _char_sampler}  # explorers that take arguments


def widget_update_times(repeats=5):
    """``{widget name: median ms per update}`` over each widget's own typical actions."""
    import matplotlib
    matplotlib.use("Agg")
    from . import widgets
    times = {name: widgets.median_update_ms(getattr(widgets, name)(), repeats) for name in WIDGETS}
    times.update({name: widgets.median_update_ms(make(), repeats) for name, make in WIDGET_SETUPS.items()})
    return times


def _interleaved_median_ms(fns, repeats):
    """Median ms of each of ``fns``, run in turn ``repeats`` times after one warm-up each: alternating them
    spreads the load of a shared machine evenly over the things compared."""
    for fn in fns:
        fn()
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, ts in zip(fns, times):
            t0 = time.perf_counter()
            fn()
            ts.append((time.perf_counter() - t0) * 1000)
    return [statistics.median(ts) for ts in times]


def _layer_cases():
    """(label, factory of a NumPy module and its torch twin, input shape, how many times the input goes in)."""
    import torch
    from . import nn
    tnn = torch.nn
    return [
        ("Linear(512,512)+ReLU N=256",
         lambda: (nn.Sequential(nn.Linear(512, 512), nn.ReLU()), tnn.Sequential(tnn.Linear(512, 512), tnn.ReLU())),
         (256, 512), 1),
        ("Conv2d 3x3 p1 (64,1,28,28)->8",
         lambda: (nn.Conv2d(1, 8, 3, padding=1), tnn.Conv2d(1, 8, 3, padding=1)), (64, 1, 28, 28), 1),
        ("Conv2d 3x3 p1 (64,8,14,14)->16",
         lambda: (nn.Conv2d(8, 16, 3, padding=1), tnn.Conv2d(8, 16, 3, padding=1)), (64, 8, 14, 14), 1),
        ("ConvT2d 4x4 s2 p1 (64,16,7,7)->8",
         lambda: (nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1),
                  tnn.ConvTranspose2d(16, 8, 4, stride=2, padding=1)), (64, 16, 7, 7), 1),
        ("MaxPool2d 2 (64,8,28,28)", lambda: (nn.MaxPool2d(2), tnn.MaxPool2d(2)), (64, 8, 28, 28), 1),
        ("BatchNorm2d (64,16,14,14)", lambda: (nn.BatchNorm2d(16), tnn.BatchNorm2d(16)), (64, 16, 14, 14), 1),
        ("LSTM I=32 H=64 T=50 N=32", lambda: (nn.LSTM(32, 64), tnn.LSTM(32, 64)), (50, 32, 32), 1),
        ("MultiheadAttn E=64 h=4 L=64 N=32",
         lambda: (nn.MultiheadAttention(64, 4), tnn.MultiheadAttention(64, 4)), (64, 32, 64), 3),
    ]


def fwd_bwd_ms(ours, theirs, shape, dtype, n_inputs=1, repeats=15):
    """Median ms of one forward + backward of the NumPy module ``ours`` and of its torch twin ``theirs``, both
    with ``theirs``' weights, parameters and a random input of ``shape`` in ``dtype`` (np.float64 or np.float32).
    The input goes in ``n_inputs`` times (3 for self-attention); a tuple output is timed on its first item."""
    import torch
    if list(ours.parameters()):
        ours.load_state_dict(theirs.state_dict())
    ours, theirs = ours.to(dtype), theirs.to(getattr(torch, np.dtype(dtype).name))
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    g = np.random.default_rng(1).standard_normal(_first(ours(*(x,) * n_inputs)).shape).astype(dtype)
    xt, gt = torch.tensor(x, requires_grad=True), torch.tensor(g)

    def run_ours():
        _first(ours(*(x,) * n_inputs))
        ours.backward(g)

    def run_theirs():
        _first(theirs(*(xt,) * n_inputs)).backward(gt)

    return _interleaved_median_ms((run_ours, run_theirs), repeats)


def _first(out):
    return out[0] if isinstance(out, tuple) else out


def layer_speed_table(repeats=15):
    """Rows ``(label, {"float64": (NumPy ms, torch ms), "float32": (...)})``: forward + backward of each
    benchmark layer, NumPy and torch on the same weights and input, in each dtype."""
    return [(label, {np.dtype(dt).name: fwd_bwd_ms(*make(), shape, dt, n_inputs, repeats)
                     for dt in (np.float64, np.float32)})
            for label, make, shape, n_inputs in _layer_cases()]


def notebook_times(paths=None):
    """``{notebook name: seconds}`` to execute each lesson top to bottom in a fresh kernel (nothing is saved)."""
    import nbformat
    from nbclient import NotebookClient

    from ._env import lessons_source
    times = {}
    for path in paths or sorted(lessons_source().glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        t0 = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
        times[path.stem] = time.perf_counter() - t0
    return times


def import_time_ms():
    """Wall time of ``import dlcourse`` in a fresh interpreter (median of 3)."""
    code = "import time; t = time.perf_counter(); import dlcourse; print((time.perf_counter() - t) * 1000)"
    return statistics.median(float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                                  text=True, check=True).stdout) for _ in range(3))


def main(repeats=5, notebooks=True):
    import torch
    torch.set_num_threads(1)
    from threadpoolctl import threadpool_limits
    threadpool_limits(1)
    print(f"dlcourse benchmark · Python {sys.version.split()[0]} · torch {torch.__version__} · 1 thread\n")
    print(f"{'widget':<22}{'median update (ms)':>20}")
    for name, ms in widget_update_times(repeats).items():
        print(f"{name:<22}{ms:>20.1f}")
    print(f"\n{'forward + backward, ms':<34}{'NumPy64':>9}{'torch64':>9}{'ratio':>7}"
          f"{'NumPy32':>9}{'torch32':>9}{'ratio':>7}")
    for label, t in layer_speed_table(3 * repeats):
        (o64, t64), (o32, t32) = t["float64"], t["float32"]
        print(f"{label:<34}{o64:>9.2f}{t64:>9.2f}{o64 / t64:>7.2f}{o32:>9.2f}{t32:>9.2f}{o32 / t32:>7.2f}")
    print("ratio = NumPy ms / torch ms in the same dtype (below 1: NumPy is faster)")
    print(f"\nimport dlcourse: {import_time_ms():.0f} ms")
    if notebooks:
        times = notebook_times()
        print(f"\n{'notebook (fresh kernel, run all)':<44}{'seconds':>8}")
        for name, sec in times.items():
            print(f"{name:<44}{sec:>8.1f}")
        print(f"{'total':<44}{sum(times.values()):>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
