# JupyterHub for a dlcourse class on one Linux server (see INSTRUCTORS.md).
#
# Install in one environment, as root:  pip install jupyterhub dlcourse-from-this-repo
#                                       npm install -g configurable-http-proxy
# Start, as root, from this folder:     DLCOURSE_CLASS_LIST=students.txt jupyterhub
#
# Each student is a Unix account (PAM; accounts are created on first login when missing) and
# their server runs as that account, so Unix permissions keep students out of each other's
# homes. tests/test_jupyterhub.py loads this file, swaps in a test authenticator and spawner,
# and checks everything below on loopback.
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub provides get_config when it loads this file)

# --- who may log in ---------------------------------------------------------------------------
# DLCOURSE_CLASS_LIST names a text file with one username per line ('#' starts a comment);
# DLCOURSE_INSTRUCTORS a comma-separated list of admins (they may also log in).
class_list = os.environ.get("DLCOURSE_CLASS_LIST")
if not class_list:
    raise SystemExit("jupyterhub_config.py: set DLCOURSE_CLASS_LIST to a file with one student username "
                     "per line (an open hub would let anyone with an account on this server log in)")
try:
    lines = Path(class_list).read_text().splitlines()
except OSError as e:
    raise SystemExit(f"jupyterhub_config.py: DLCOURSE_CLASS_LIST={class_list!r} cannot be read: {e}") from None
students = {line.split("#")[0].strip() for line in lines} - {""}
if not students:
    raise SystemExit(f"jupyterhub_config.py: {class_list} lists no usernames (one per line expected)")
instructors = {n.strip() for n in os.environ.get("DLCOURSE_INSTRUCTORS", "").split(",")} - {""}
c.Authenticator.allowed_users = students | instructors
c.Authenticator.admin_users = instructors
c.LocalAuthenticator.create_system_users = True

# --- each student's server ------------------------------------------------------------------
# The server first copies the lessons shipped with the installed course into the student's own
# ~/dlcourse-lessons (only lessons still missing: their edits survive restarts and course
# updates), then starts as usual. It runs as the student, so the copies belong to them. The
# folder name must not be plain "dlcourse": see shadowing_package in dlcourse/_env.py.
c.Spawner.cmd = [
    "/bin/sh", "-c",
    f'"{sys.executable}" -m dlcourse.cli lessons --dir "$HOME/dlcourse-lessons" '
    f'&& exec "{sys.executable}" -m jupyterhub.singleuser "$@"',
    "dlcourse-singleuser",  # $0 of the script; the spawner's arguments follow as "$@"
]
c.Spawner.notebook_dir = "~/dlcourse-lessons"
c.Spawner.default_url = "/lab/tree/00_welcome_and_setup.ipynb"
# One BLAS/OpenMP thread per kernel: thirty students' kernels on one server would otherwise each
# start a thread per core and slow everyone down (the lessons are sized for one thread anyway).
c.Spawner.environment = {name: "1" for name in
                         ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
# A first start copies the lessons and imports JupyterLab: allow for a busy server.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# Servers stop with the hub; a restarted hub starts from a clean slate.
c.JupyterHub.cleanup_servers = True
