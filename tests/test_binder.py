"""Binder: repo2docker accepts binder/ and builds the image we mean (Python 3.11, CPU torch, the course).

`repo2docker --no-build` writes the Dockerfile it would build without Docker or the network (under
a second: it runs here under the course's network guard to prove it), so CI checks the real
build plan; building the image itself needs Docker and downloads, which CI does not have.
"""
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"


def _requirements():
    lines = [line.split("#")[0].strip() for line in (BINDER / "requirements.txt").read_text().splitlines()]
    return [line for line in lines if line]


@pytest.fixture(scope="module")
def dockerfile():
    pytest.importorskip("repo2docker", reason="jupyter-repo2docker is not installed (pip install -e '.[test]')")
    # Binder's user (uid 1000, not root): the repository is copied in owned by them, which the
    # editable install in postBuild needs
    args = ["repo2docker", "--no-build", "--user-id", "1000", "--user-name", "jovyan", str(ROOT)]
    code = ("import sys, netguard; netguard.install(); sys.argv = %r\n"
            "from repo2docker.__main__ import main; main()" % args)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, f"repo2docker --no-build failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_repo2docker_plans_python_311_with_the_requirements_then_postbuild(dockerfile):
    from escapism import unescape  # repo2docker's own dependency, which names the files it copies in
    copied = [unescape(name.rsplit("-", 1)[0], escape_char="-")  # the last part is a hash
              for name in re.findall(r"build_script_files/(\S+)", dockerfile)]
    assert any(name.endswith("environment.py-3.11-linux-64.lock") for name in copied), \
        f"runtime.txt should give a Python 3.11 environment; the build copies in {copied}"
    # requirements go into the environment JupyterLab itself runs from, so the widgets front-end that
    # the course's dependencies bring is the server's own
    assert "ENV KERNEL_PYTHON_PREFIX=${NB_PYTHON_PREFIX}" in dockerfile
    install = dockerfile.index('${KERNEL_PYTHON_PREFIX}/bin/pip install --no-cache-dir -r "binder/requirements.txt"')
    copy = dockerfile.index("COPY --chown=1000:1000 src/ ${REPO_DIR}/")
    post = dockerfile.index("RUN ./binder/postBuild")
    assert install < copy < post  # CPU torch first, then the repository, then the course on top


def test_binder_takes_the_cpu_torch_that_ci_tests_and_the_course_accepts():
    reqs = _requirements()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in reqs
    torch = [Requirement(r) for r in reqs if not r.startswith("-") and Requirement(r).name == "torch"]
    assert len(torch) == 1, f"binder/requirements.txt should name torch once, found {reqs}"
    pinned = next(iter(torch[0].specifier))
    assert pinned.operator == "==" and pinned.version.endswith("+cpu"), \
        f"{torch[0]}: only an exact '+cpu' version keeps pip from taking PyPI's CUDA build"
    course = next(Requirement(d) for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
                  if Requirement(d).name == "torch")
    assert course.specifier.contains(pinned.version), f"{pinned.version} does not satisfy the course's {course}"
    ci = re.search(r'"torch==([^"]+)"', (ROOT / ".ci" / "run").read_text())
    assert ci and pinned.version.split("+")[0] == ci.group(1), "Binder and CI should run the same torch"


def test_postbuild_installs_the_course_and_stops_on_the_first_error():
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "repo2docker runs binder/postBuild directly: it must be executable"
    lines = [line.strip() for line in post.read_text().splitlines() if not line.lstrip().startswith("#")]
    assert "set -euo pipefail" in lines
    assert "python -m pip install --no-cache-dir -e ." in lines
    assert "dlcourse doctor --dir notebooks" in lines  # a broken install fails the build, not the learner
