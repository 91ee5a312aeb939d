"""The ``dlcourse`` command: ``lab`` opens the course, ``doctor`` checks the set-up, ``bench`` measures."""
import argparse
import importlib.metadata as md
import os
import platform
import subprocess
import sys
from pathlib import Path

from ._env import LESSONS_DIRNAME, copy_lessons, lessons_source, shadowing_package

DEFAULT_DIR = Path.home() / LESSONS_DIRNAME


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


def doctor(lessons_dir=DEFAULT_DIR):
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
    try:
        rows.append(("lessons shipped", str(lessons_source())))
    except FileNotFoundError as e:
        rows.append(("lessons shipped", "MISSING"))
        problems.append(str(e))
    lessons_dir = Path(lessons_dir).expanduser()
    count = len(list(lessons_dir.glob("[0-9][0-9]_*.ipynb"))) if lessons_dir.is_dir() else 0
    rows.append(("your lessons", f"{lessons_dir} ({count} notebooks)" if count else
                 f"{lessons_dir} (not created yet: 'dlcourse lab' copies them there)"))
    for folder in dict.fromkeys([Path.cwd(), lessons_dir]):
        shadow = shadowing_package(folder)
        if shadow is not None:
            problems.append(f"{shadow} would be imported instead of the course package by any notebook "
                            f"started in {folder}: rename it (for example to '{LESSONS_DIRNAME}')")
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


def lessons(lessons_dir=DEFAULT_DIR):
    """Copy the lessons the folder lacks into it (existing files are left alone); return the folder."""
    lessons_dir = Path(lessons_dir).expanduser()
    shadow = shadowing_package(lessons_dir)
    if shadow is not None:
        raise SystemExit(f"{shadow} would be imported instead of the course package by every lesson in "
                         f"{lessons_dir}; choose another folder (--dir) or rename it")
    try:
        copied = copy_lessons(lessons_dir)
    except OSError as e:  # a file in the way, no permission, no lessons shipped: a sentence, not a traceback
        raise SystemExit(f"dlcourse: cannot set up the lessons in {lessons_dir}: {e}") from None
    if copied:
        print(f"Copied {len(copied)} lesson(s) into {lessons_dir}: your own copies, edit freely.", flush=True)
    else:
        print(f"Lessons in {lessons_dir} (none copied: every lesson is already there).", flush=True)
    return lessons_dir


def lab(port=None, no_browser=False, extra=(), lessons_dir=DEFAULT_DIR):
    """Start JupyterLab in the learner's lessons folder; ``extra`` arguments go to JupyterLab unchanged."""
    folder = lessons(lessons_dir)
    cmd = [sys.executable, "-m", "jupyter", "lab", f"--notebook-dir={folder}"]
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
    dir_help = f"your lessons folder (default: {DEFAULT_DIR}); missing lessons are copied in, yours are kept"
    p_lab.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=dir_help)
    p_lessons = sub.add_parser("lessons", help="copy the lessons into a folder of your own, without starting Jupyter")
    p_lessons.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=dir_help)
    p_doctor = sub.add_parser("doctor", help="check the installation and print a verdict")
    p_doctor.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="the lessons folder to check")
    p_bench = sub.add_parser("bench", help="measure widget update times and NumPy-vs-torch speed")
    p_bench.add_argument("--repeats", type=int, default=5, help="repetitions per measurement (default 5)")
    p_bench.add_argument("--skip-notebooks", action="store_true", help="do not time the notebooks")
    args, extra = parser.parse_known_args(argv)
    if args.command == "lab":
        return lab(args.port, args.no_browser, extra, args.dir)
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "lessons":
        lessons(args.dir)
        return 0
    if args.command == "doctor":
        return doctor(args.dir)
    from .bench import main as bench_main
    return bench_main(args.repeats, notebooks=not args.skip_notebooks)


if __name__ == "__main__":
    sys.exit(main())
