"""Exercise checks: call ``dl.check.<exercise>(answer)`` and read the feedback.

One module per lesson (``lesson03.py`` holds ``ex03_*``); importing them registers their checks,
which this package then offers under their own names.
"""
from . import lesson00, lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07, lesson08, lesson09, lesson10, lesson11, lesson12, lesson13  # noqa: F401 (registers)
from ._core import EXERCISES, Feedback, exercises, grading

globals().update(EXERCISES)
