"""Zero to JupyterHub: the image and values in instructors/z2jh/ agree with the course and each other.

Building the image needs Docker and the network, which CI lacks; these checks catch what goes
stale silently: a torch that differs from the one CI tests, a package folder the image forgets
to copy, a postStart that pulls into a folder named "dlcourse", a start page that does not exist.
"""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
Z2JH = ROOT / "instructors" / "z2jh"


def _dockerfile_lines():
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", (Z2JH / "Dockerfile").read_text())
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_image_starts_from_docker_stacks_python_311_with_ci_torch():
    lines = _dockerfile_lines()
    assert lines[0] == "FROM quay.io/jupyter/minimal-notebook:python-3.11"
    torch = re.search(r'"torch==([^"]+)"', (Z2JH / "Dockerfile").read_text())
    ci = re.search(r'"torch==([^"]+)"', (ROOT / ".ci" / "run").read_text())
    assert torch and torch.group(1) == ci.group(1) + "+cpu", "the image should run the CPU build of CI's torch"
    assert any("--extra-index-url https://download.pytorch.org/whl/cpu" in line for line in lines)


def test_image_copies_everything_the_wheel_is_built_from_and_no_solutions():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    needed = {"pyproject.toml", project["project"]["readme"]}
    needed |= {name.split(".")[0] for name in project["tool"]["setuptools"]["packages"]}
    needed |= set(project["tool"]["setuptools"]["package-dir"].values())
    copied = {src for line in _dockerfile_lines() if line.startswith("COPY ")
              for src in line.split()[1:-1] if not src.startswith("--")}
    assert needed <= copied, f"the image's build misses {needed - copied}"
    assert not copied & {"solutions", "tests", "."}, "instructor material must stay out of the students' image"


def test_values_pull_the_lessons_with_nbgitpuller_into_a_folder_not_named_dlcourse():
    values = yaml.safe_load((Z2JH / "values.yaml").read_text())["singleuser"]
    command = values["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert command[0] == "gitpuller" and len(command) == 4, command
    assert any("nbgitpuller" in line for line in _dockerfile_lines()), "gitpuller comes from nbgitpuller in the image"
    target = command[3]
    assert target != "dlcourse", "a folder named dlcourse can shadow the installed package"
    # the start page is a lesson inside that folder, at the path the repository has it
    prefix = f"/lab/tree/{target}/"
    assert values["defaultUrl"].startswith(prefix)
    assert (ROOT / values["defaultUrl"][len(prefix):]).is_file(), values["defaultUrl"]
