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
           "LatentExplorer", "AttentionExplorer", "GANLab",
           "GradientsThroughTime")


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


def _median_ms(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def linear_relu_ratio(batch=256, n_in=512, n_out=512, repeats=20):
    """Forward + backward of Linear + ReLU: NumPy ms, torch ms (float64, CPU, one thread)."""
    import torch
    from . import nn
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, n_in))
    g = rng.standard_normal((batch, n_out))
    model = nn.Sequential(nn.Linear(n_in, n_out), nn.ReLU())

    def ours():
        model(x)
        model.backward(g)

    tmodel = torch.nn.Sequential(torch.nn.Linear(n_in, n_out), torch.nn.ReLU()).double()
    xt, gt = torch.tensor(x, requires_grad=True), torch.tensor(g)

    def theirs():
        tmodel(xt).backward(gt)

    return _median_ms(ours, repeats), _median_ms(theirs, repeats)


def _fwd_bwd_times(module, torch_fn, x, repeats):
    """NumPy ``module`` forward + backward on ``x`` vs ``torch_fn(x, weight, bias)`` with the same weights:
    NumPy ms, torch float64 ms, torch float32 ms."""
    import torch
    g = np.random.default_rng(1).standard_normal(module(x).shape)

    def ours():
        module(x)
        module.backward(g)

    def torch_run(dtype):
        xt = torch.tensor(x, dtype=dtype, requires_grad=True)
        w = torch.tensor(module.weight.data, dtype=dtype, requires_grad=True)
        b = torch.tensor(module.bias.data, dtype=dtype, requires_grad=True)
        gt = torch.tensor(g, dtype=dtype)
        return lambda: torch_fn(xt, w, b).backward(gt)

    return (_median_ms(ours, repeats), _median_ms(torch_run(torch.float64), repeats),
            _median_ms(torch_run(torch.float32), repeats))


def conv2d_times(shape, out_channels, repeats=15):
    """Conv2d 3x3 (padding 1) forward + backward: NumPy ms, torch float64 ms, torch float32 ms."""
    import torch
    from . import nn
    x = np.random.default_rng(0).standard_normal(shape)
    return _fwd_bwd_times(nn.Conv2d(shape[1], out_channels, 3, padding=1),
                          lambda xt, w, b: torch.nn.functional.conv2d(xt, w, b, padding=1), x, repeats)


def conv_transpose2d_times(shape, out_channels, repeats=15):
    """ConvTranspose2d kernel 4, stride 2, padding 1 (doubles H and W) forward + backward:
    NumPy ms, torch float64 ms, torch float32 ms."""
    import torch
    from . import nn
    x = np.random.default_rng(0).standard_normal(shape)
    return _fwd_bwd_times(nn.ConvTranspose2d(shape[1], out_channels, 4, stride=2, padding=1),
                          lambda xt, w, b: torch.nn.functional.conv_transpose2d(xt, w, b, stride=2, padding=1),
                          x, repeats)


def lstm_times(seq_len=50, batch=32, input_size=32, hidden_size=64, repeats=15):
    """LSTM forward + backward (BPTT over seq_len steps): NumPy ms, torch float64 ms, torch float32 ms."""
    import torch
    from . import nn
    rng = np.random.default_rng(0)
    x = rng.standard_normal((seq_len, batch, input_size))
    g = rng.standard_normal((seq_len, batch, hidden_size))
    lstm = nn.LSTM(input_size, hidden_size)

    def ours():
        lstm(x)
        lstm.backward(g)

    def torch_run(dtype):
        tlstm = torch.nn.LSTM(input_size, hidden_size).to(dtype)
        xt, gt = torch.tensor(x, dtype=dtype, requires_grad=True), torch.tensor(g, dtype=dtype)
        return lambda: tlstm(xt)[0].backward(gt)

    return (_median_ms(ours, repeats), _median_ms(torch_run(torch.float64), repeats),
            _median_ms(torch_run(torch.float32), repeats))


def attention_times(L=64, N=32, E=64, heads=4, repeats=15):
    """MultiheadAttention self-attention, forward + backward: NumPy ms, torch float64 ms, torch float32 ms."""
    import torch
    from . import nn
    rng = np.random.default_rng(0)
    x = rng.standard_normal((L, N, E))
    g = rng.standard_normal((L, N, E))
    attn = nn.MultiheadAttention(E, heads)

    def ours():
        attn(x, x, x)
        attn.backward(g)

    def torch_run(dtype):
        tattn = torch.nn.MultiheadAttention(E, heads).to(dtype)
        xt = torch.tensor(x, dtype=dtype, requires_grad=True)
        gt = torch.tensor(g, dtype=dtype)
        return lambda: tattn(xt, xt, xt)[0].backward(gt)

    return (_median_ms(ours, repeats), _median_ms(torch_run(torch.float64), repeats),
            _median_ms(torch_run(torch.float32), repeats))


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
    ours, theirs = linear_relu_ratio()
    print(f"\n{'NumPy vs torch (fwd+bwd)':<26}{'NumPy ms':>10}{'torch ms':>10}{'ratio':>8}")
    print(f"{'Linear(512,512)+ReLU, N=256':<26}{ours:>10.2f}{theirs:>10.2f}{ours / theirs:>8.2f}")
    print(f"\n{'Conv2d 3x3, pad 1 (fwd+bwd)':<34}{'NumPy':>8}{'torch64':>9}{'ratio':>7}{'torch32':>9}{'ratio':>7}")
    for shape, c_out in (((64, 1, 28, 28), 8), ((64, 8, 14, 14), 16)):
        ours, t64, t32 = conv2d_times(shape, c_out)
        label = f"{shape} -> {c_out} ch"
        print(f"{label:<34}{ours:>8.2f}{t64:>9.2f}{ours / t64:>7.2f}{t32:>9.2f}{ours / t32:>7.2f}")
    print(f"\n{'ConvTranspose2d 4x4, s 2, pad 1':<34}{'NumPy':>8}{'torch64':>9}{'ratio':>7}{'torch32':>9}{'ratio':>7}")
    for shape, c_out in (((64, 16, 7, 7), 8), ((64, 8, 14, 14), 1)):
        ours, t64, t32 = conv_transpose2d_times(shape, c_out)
        label = f"{shape} -> {c_out} ch"
        print(f"{label:<34}{ours:>8.2f}{t64:>9.2f}{ours / t64:>7.2f}{t32:>9.2f}{ours / t32:>7.2f}")
    print(f"\n{'LSTM fwd+bwd (BPTT)':<34}{'NumPy':>8}{'torch64':>9}{'ratio':>7}{'torch32':>9}{'ratio':>7}")
    ours, t64, t32 = lstm_times()
    print(f"{'I=32, H=64, T=50, N=32':<34}{ours:>8.2f}{t64:>9.2f}{ours / t64:>7.2f}{t32:>9.2f}{ours / t32:>7.2f}")
    ours, t64, t32 = attention_times()
    label = "MultiheadAttention L=64 N=32 E=64 h=4"
    print(f"\n{label:<40}{'NumPy':>8}{'torch64':>9}{'ratio':>7}{'torch32':>9}{'ratio':>7}")
    print(f"{'self-attention, fwd+bwd (ms)':<40}{ours:>8.2f}{t64:>9.2f}{ours / t64:>7.2f}{t32:>9.2f}{ours / t32:>7.2f}")
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
