"""Every notebook runs with the network cut off, and reproduces its stored checked outputs.

The stored outputs come from an earlier execution; this test executes each notebook again, in a
kernel whose socket module refuses any connection leaving the machine. Equal checked outputs
across the two runs is the determinism test; finishing at all is the offline test.
"""
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
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    assert checked_outputs(nb) == stored
