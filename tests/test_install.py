"""A non-editable install works end to end: what Binder, JupyterHub images and `pip install .` give.

The wheel is built offline from this checkout and installed, without its dependencies, into a fresh
virtual environment that sees this interpreter's packages (torch, JupyterLab ...) but not the
checkout. Then: `dlcourse doctor` says READY, `dlcourse lessons` copies the lessons out of the
wheel, and a lesson executes from that copy with the installed package.
"""
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_for_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "dlcourse").rglob("__init__.py")}
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    run = lambda *cmd, **kw: subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)
    # build from a clean copy: setuptools reuses a build/ folder it finds, stale files included
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__",
                                                            "test-artifacts", ".venv*", ".pytest_cache"))
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist"), str(src))
    wheel = next((tmp / "dist").glob("dlcourse-*.whl"))
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--system-site-packages", str(venv))
    python = venv / "bin" / "python"
    run(str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel))
    # JupyterLab's front-end extensions live under this interpreter's prefix, which a venv does not search
    env = dict(os.environ, JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"), PYTHONPATH="")
    return wheel, python, env, tmp


def test_wheel_carries_style_and_lessons_but_no_source_checkout(wheel_env):
    wheel, *_ = wheel_env
    names = zipfile.ZipFile(wheel).namelist()
    assert "dlcourse/assets/dlcourse.mplstyle" in names
    assert {f"dlcourse/lessons/{p.name}" for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")} <= set(names)
    assert not any(n.startswith(("tests/", "notebooks/")) for n in names)
    assert "dlcourse/check/answer_key.json" in names
    assert not any("solutions" in n for n in names)  # instructor material stays in the repository


def test_installed_wheel_is_ready_copies_lessons_and_runs_one(wheel_env):
    _, python, env, tmp = wheel_env
    work = tmp / "home"
    work.mkdir()
    where = subprocess.run([str(python), "-c", "import dlcourse; print(dlcourse.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, check=True).stdout
    assert str(tmp / "venv") in where, f"the installed package was not the one imported: {where}"
    lessons = work / "dlcourse-lessons"
    doctor = subprocess.run([str(python), "-m", "dlcourse.cli", "doctor", "--dir", str(lessons)], cwd=work, env=env,
                            capture_output=True, text=True)
    assert doctor.returncode == 0 and "VERDICT: READY" in doctor.stdout, doctor.stdout + doctor.stderr
    verdicts = subprocess.run([str(python), "-c", "import dlcourse as dl; c = dl.check; print(bool(c.ex03_mse(5 / 3)), "
                               "bool(c.ex03_mse(5)), bool(c.ex01_neuron(lambda x, w, b: 1 / (1 + 2.718281828459045 ** -(x @ w + b)))))"],
                              cwd=work, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert verdicts == ["True", "False", "True"]  # the checks work from the wheel's answer key alone
    subprocess.run([str(python), "-m", "dlcourse.cli", "lessons", "--dir", str(lessons)], cwd=work, env=env, check=True,
                   capture_output=True)
    first = lessons / "00_welcome_and_setup.ipynb"
    assert first.exists() and len(list(lessons.glob("*.ipynb"))) == len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    done = subprocess.run([str(python), "-m", "nbconvert", "--to", "notebook", "--execute",
                           "--output", "executed.ipynb", str(first)], cwd=lessons, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    executed = (lessons / "executed.ipynb").read_text()
    assert "VERDICT: READY" in executed  # the lesson's own doctor cell ...
    assert str(tmp / "venv") in executed  # ... ran in the venv's kernel, with the lessons of the wheel
