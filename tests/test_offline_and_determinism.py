"""Every notebook runs with the network cut off and on other CPU kernels, and reproduces its stored checked outputs.

The stored outputs come from an earlier execution; nbval re-runs each notebook with this machine's
own numeric kernels. This test runs it once more, in a kernel whose socket module refuses any
connection leaving the machine and whose numeric libraries take their plainest code paths
(generic_cpu_env): a checked digit that depends on the BLAS kernel or SIMD width the CPU gets then
differs between the two runs here, instead of on a learner's laptop. Finishing at all is the
offline test.
"""
import os
import platform
import re
import socket
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import netguard

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
GUARD_SOURCE = (Path(__file__).parent / "netguard.py").read_text()
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def generic_cpu_env():
    """os.environ plus settings that send NumPy, OpenBLAS, MKL, oneDNN and ATen down their generic paths.

    A learner's CPU picks its own kernels (SSE, AVX2, AVX-512, NEON) and each may round the last
    bit differently; the generic ones are as far from a modern CPU's choice as one machine can go.
    """
    env = dict(os.environ)
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    env["NPY_DISABLE_CPU_FEATURES"] = " ".join(f for f in __cpu_dispatch__ if __cpu_features__.get(f))
    machine = platform.machine().lower()
    if machine in ("x86_64", "amd64"):
        env.update(OPENBLAS_CORETYPE="Prescott", MKL_ENABLE_INSTRUCTIONS="SSE4_2", ONEDNN_MAX_CPU_ISA="SSE41",
                   ATEN_CPU_CAPABILITY="default")
    elif machine in ("aarch64", "arm64"):
        env.update(OPENBLAS_CORETYPE="ARMV8", ATEN_CPU_CAPABILITY="default")
    return env


def checked_outputs(nb):
    """Text of every '# NBVAL_CHECK_OUTPUT' cell's outputs, memory addresses masked."""
    result = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "NBVAL_CHECK_OUTPUT" not in cell.source:
            continue
        parts = []
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                parts.append(out.text)
            elif out.output_type in ("execute_result", "display_data"):
                parts.append(out.data.get("text/plain", ""))
            elif out.output_type == "error":
                parts.append(f"ERROR {out.ename}: {out.evalue}")
        result.append(_ADDRESS.sub("0x...", "".join(parts)))
    return result


def test_guard_blocks_remote_addresses_and_allows_loopback():
    assert netguard.installed()  # conftest installed it for this process
    for remote in [("93.184.216.34", 80), ("10.0.0.1", 443), "example.com", ("2001:db8::1", 80, 0, 0)]:
        with pytest.raises(netguard.NetworkBlocked):
            netguard.check_address(remote)
    for local in [("127.0.0.1", 8888), ("::1", 80, 0, 0), "localhost", "/tmp/kernel.sock"]:
        netguard.check_address(local)
    with pytest.raises(netguard.NetworkBlocked):
        socket.getaddrinfo("example.com", 80)  # refused before any lookup is sent


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_offline_and_deterministic(path):
    nb = nbformat.read(path, as_version=4)
    stored = checked_outputs(nb)
    assert stored, f"{path.name} has no checked cells"
    probe = "\nimport socket\ninstall()\nassert installed(), 'network guard not active'"
    nb.cells.insert(0, nbformat.v4.new_code_cell(GUARD_SOURCE + probe))
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute(env=generic_cpu_env())
    assert checked_outputs(nb) == stored


def test_generic_cpu_env_takes_effect_in_a_new_process():
    """The second configuration must reach the libraries, or the notebook test above proves nothing."""
    import json
    import subprocess
    import sys
    probe = ("import json, numpy, torch\n"
             "try:\n    from numpy._core._multiarray_umath import __cpu_dispatch__ as d, __cpu_features__ as f\n"
             "except ImportError:\n    from numpy.core._multiarray_umath import __cpu_dispatch__ as d, __cpu_features__ as f\n"
             "print(json.dumps({'numpy': [x for x in d if f.get(x)], 'aten': torch.backends.cpu.get_cpu_capability()}))")
    out = subprocess.run([sys.executable, "-c", probe], env=generic_cpu_env(), capture_output=True, text=True, check=True)
    seen = json.loads(out.stdout)
    assert seen["numpy"] == [], f"NumPy still dispatches to {seen['numpy']}"
    if platform.machine().lower() in ("x86_64", "amd64", "aarch64", "arm64"):
        assert seen["aten"] == "DEFAULT"
