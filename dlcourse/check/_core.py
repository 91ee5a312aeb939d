"""What every exercise check shares: Feedback, the ``exercise`` decorator and answer helpers.

A check never raises: a wrong type, a wrong shape, NaN or a function that crashes all come
back as feedback. The hint appears only after a wrong attempt, never before the learner tries.
The returned ``Feedback`` is truthy only when the answer is right, so tests can use it too: an
autograder's test cell asserts it (``assert dl.check.ex01_neuron(neuron)``).

Checks draw their inputs from ``_rng(seed)``: seeded, so a verdict never changes between runs, and
fresh inside ``grading()``, where instructors' hidden tests compare with the reference solutions on
inputs nobody has seen, so an answer that memorised the seeded inputs' outputs fails there.
"""
import contextlib
import functools
import math

import numpy as np

from ._key import Recorder, S, Sealed

EXERCISES = {}
_fresh = []  # the generator of fresh inputs while grading() runs


class Feedback:
    ICONS = {"correct": "✅", "wrong": "❌", "unanswered": "✏️", "error": "⚠️"}

    def __init__(self, exercise, status, message, hint=""):
        self.exercise, self.status, self.message, self.hint = exercise, status, message, hint

    @property
    def passed(self):
        return self.status == "correct"

    def __bool__(self):
        return self.passed

    def __repr__(self):
        text = f"{self.ICONS[self.status]} {self.exercise}: {self.message}"
        if self.hint and not self.passed:
            text += f"\n   Hint: {self.hint}"
        return text


class _Wrong(Exception):
    """Raised inside a check to report what is wrong with an answer."""


def exercise(hint):
    """Register a check; turn every failure, including the learner's own exceptions, into feedback."""
    def wrap(check):
        name = check.__name__

        @functools.wraps(check)
        def run(answer=None):
            if answer is None:
                return Feedback(name, "unanswered", "not answered yet: replace None with your answer.")
            try:
                message = check(answer)
            except _Unanswered as e:  # a function stub that still returns None: nothing tried yet
                return Feedback(name, "unanswered", str(e))
            except _Wrong as e:
                return Feedback(name, "wrong", f"not yet. {e}", hint)
            except _LearnerError as e:
                return Feedback(name, "error", f"your code raised {e}", hint)
            except Exception as e:  # anything else is still feedback, never a traceback
                return Feedback(name, "error", f"the check could not use this answer ({type(e).__name__}: {e})", hint)
            return Feedback(name, "correct", message or "correct!")
        EXERCISES[name] = run
        return run
    return wrap


class _LearnerError(Exception):
    pass


class _Unanswered(Exception):
    pass


def _rng(seed):
    """The generator a check draws its inputs from: ``np.random.default_rng(seed)``, fresh while grading."""
    return _fresh[-1] if _fresh else np.random.default_rng(seed)


@contextlib.contextmanager
def grading(**references):
    """For instructors' hidden tests: checks run inside compare with ``references`` on fresh inputs.

    ``references`` maps exercise names to reference answers, e.g. ``grading(ex01_neuron=reference)``.
    The learner's function cannot reach them: ``S`` serves the answer key while it runs.
    """
    unknown = sorted(set(references) - set(EXERCISES))
    if unknown:
        raise ValueError(f"grading() got {unknown}: expected exercise names such as {exercises()[:2]}")
    saved = S._recording
    S._recording = Recorder(references)
    _fresh.append(np.random.default_rng())
    try:
        yield
    finally:
        _fresh.pop()
        S._recording = saved


def _call(fn, *args):
    """Call the learner's function; its exceptions become _LearnerError, its result is returned."""
    if not callable(fn):
        raise _Wrong(f"expected a function (def ...), got {type(fn).__name__}.")
    saved, S._recording = S._recording, None  # while grading, the reference answers stay out of reach
    try:
        with np.errstate(all="ignore"):  # overflow shows up as NaN in the feedback instead
            out = fn(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    except Exception as e:
        raise _LearnerError(f"{type(e).__name__}: {e}") from None
    finally:
        S._recording = saved
    if out is None:
        raise _Unanswered("not answered yet: your function returned None; write its body and end with a "
                          "return statement.")
    return out


def _number(answer, what="a number"):
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)) \
            and not (isinstance(answer, np.ndarray) and answer.size == 1):
        raise _Wrong(f"expected {what}, got {type(answer).__name__}.")
    value = float(np.asarray(answer).reshape(()))
    if not math.isfinite(value):
        raise _Wrong(f"your answer is {value}; expected a finite number.")
    return value


def _close(got, want, what="value", rtol=1e-6, atol=1e-9):
    """``want`` is a number, or a Sealed answer from the key (which knows only whether it matches)."""
    ok = want.matches(got, rtol) if isinstance(want, Sealed) else math.isclose(got, want, rel_tol=rtol, abs_tol=atol)
    if not ok:
        raise _Wrong(f"your {what} is {got:.6g}.")


def _array(answer, shape, what="array"):
    try:
        arr = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        raise _Wrong(f"expected a numeric {what}, got {type(answer).__name__}.") from None
    if arr.shape != tuple(shape):
        raise _Wrong(f"your {what} has shape {arr.shape}; expected shape {tuple(shape)}.")
    if not np.all(np.isfinite(arr)):
        raise _Wrong(f"your {what} contains NaN or inf.")
    return arr


def _same_array(got, want, what="result"):
    got = _array(got, np.shape(want), what)
    if not np.allclose(got, want, rtol=1e-6, atol=1e-9):
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(got - want)), got.shape)) if got.ndim else ()
        raise _Wrong(f"your {what} differs from the expected one (e.g. at index {worst}: "
                     f"{got[worst]:.6g} instead of {want[worst]:.6g}).")


def _matches(got, wrong, rtol=1e-6):
    """True when ``got`` equals a known wrong answer (number or array); anything unusable does not match."""
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return got.shape == np.shape(wrong) and bool(np.allclose(got, wrong, rtol=rtol, atol=1e-9))


def _name_mistake(got, mistakes, rtol=1e-3):
    """Raise the message of the first known wrong answer that ``got`` matches."""
    for wrong, message in mistakes:
        if _matches(got, wrong, rtol):
            raise _Wrong(message)


def _same_shape(answer, want):
    try:
        got = tuple(int(v) for v in answer)
    except (TypeError, ValueError):
        raise _Wrong(f"expected a shape such as (2, 3), got {answer!r}.") from None
    if not (want.matches(got) if isinstance(want, Sealed) else got == tuple(want)):
        raise _Wrong(f"your shape is {got}.")


def _same_count(answer, want, verb="counted"):
    got = _number(answer, "a whole number")
    if not (want.matches(got, rtol=1e-12) if isinstance(want, Sealed) else got == want):
        raise _Wrong(f"you {verb} {got:g}.")


def exercises():
    """Names of every checked exercise."""
    return sorted(EXERCISES)
