"""The ``dlcourse`` command: ``lab`` opens the course, ``doctor`` checks the set-up, ``bench`` measures."""
import argparse
import importlib.metadata as md
import os
import platform
import subprocess
import sys
from pathlib import Path

from ._env import NOTEBOOKS


def _version(dist):
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return None


def _widgets_frontend():
    """Path of the ipywidgets JupyterLab extension if JupyterLab can find it, else None."""
    try:
        from jupyter_core.paths import jupyter_path
    except ImportError:
        return None
    for base in jupyter_path("labextensions"):
        candidate = Path(base) / "@jupyter-widgets" / "jupyterlab-manager"
        if (candidate / "package.json").exists():
            return candidate
    return None


def doctor():
    """Print what the course needs and whether it is there; return 0 when all is well."""
    rows, problems = [], []
    rows.append(("Python", platform.python_version()))
    if sys.version_info < (3, 10):
        problems.append("Python 3.10 or newer is needed")
    for label, dist in [("numpy", "numpy"), ("matplotlib", "matplotlib"), ("torch", "torch"),
                        ("ipywidgets", "ipywidgets"), ("jupyterlab", "jupyterlab"), ("ipykernel", "ipykernel")]:
        v = _version(dist)
        rows.append((label, v or "MISSING"))
        if v is None:
            problems.append(f"{dist} is not installed (pip install -e . from the course folder)")
    if (_version("ipywidgets") or "0").split(".")[0] != "8":
        problems.append("ipywidgets 8 is required")
    ext = _widgets_frontend()
    rows.append(("widgets front-end", f"installed ({ext})" if ext else "MISSING"))
    if ext is None:
        problems.append("the JupyterLab widgets extension is missing: pip install 'jupyterlab_widgets>=3'")
    cuda = "no"
    try:
        import torch
        if torch.cuda.is_available():
            cuda = f"yes ({torch.cuda.get_device_name(0)})"
        rows.append(("torch threads", str(torch.get_num_threads())))
    except ImportError:
        pass
    rows.append(("CUDA", cuda))
    rows.append(("notebooks", str(NOTEBOOKS) if NOTEBOOKS.is_dir() else "MISSING"))
    if not NOTEBOOKS.is_dir():
        problems.append(f"no notebooks folder at {NOTEBOOKS}: install with 'pip install -e .' from a course checkout")
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    if problems:
        print("\nVERDICT: NOT READY")
        for p in problems:
            print(f"  - {p}")
        return 1
    print("\nVERDICT: READY — run 'dlcourse lab' to start the course"
          + (" (CPU only: every notebook is sized for a laptop CPU)" if cuda == "no" else ""))
    return 0


def lab(port=None, no_browser=False, extra=()):
    """Start JupyterLab in the notebooks folder; ``extra`` arguments go to JupyterLab unchanged."""
    if not NOTEBOOKS.is_dir():
        print(f"No notebooks folder at {NOTEBOOKS}: install the course with 'pip install -e .' from its folder.",
              file=sys.stderr)
        return 1
    cmd = [sys.executable, "-m", "jupyter", "lab", f"--notebook-dir={NOTEBOOKS}"]
    if port:
        cmd.append(f"--port={port}")
    if no_browser:
        cmd.append("--no-browser")
    cmd += list(extra)
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in cmd:
        # containers often run as root, and JupyterLab refuses root unless told otherwise
        print("Running as root (as in most containers): adding --allow-root for JupyterLab.", flush=True)
        cmd.append("--allow-root")
    print("Starting JupyterLab:", " ".join(cmd), flush=True)
    try:
        return subprocess.call(cmd, env=os.environ.copy())
    except KeyboardInterrupt:
        return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="dlcourse", description="The dlcourse deep-learning course.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_lab = sub.add_parser("lab", help="open the course in JupyterLab (other options go to JupyterLab as they are)")
    p_lab.add_argument("--port", type=int, help="port for JupyterLab (default: its own choice)")
    p_lab.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    sub.add_parser("doctor", help="check the installation and print a verdict")
    p_bench = sub.add_parser("bench", help="measure widget update times and NumPy-vs-torch speed")
    p_bench.add_argument("--repeats", type=int, default=5, help="repetitions per measurement (default 5)")
    p_bench.add_argument("--skip-notebooks", action="store_true", help="do not time the notebooks")
    args, extra = parser.parse_known_args(argv)
    if args.command == "lab":
        return lab(args.port, args.no_browser, extra)
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "doctor":
        return doctor()
    from .bench import main as bench_main
    return bench_main(args.repeats, notebooks=not args.skip_notebooks)


if __name__ == "__main__":
    sys.exit(main())
