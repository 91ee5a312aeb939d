"""The reference solutions, read as files: the tests hold them, the checks never do (they use the answer key)."""
import runpy
import types
from pathlib import Path

_build = runpy.run_path(str(Path(__file__).resolve().parent.parent / "solutions" / "build_key.py"))
solutions = types.SimpleNamespace(**_build["reference_answers"]())
build_key = _build["build"]
