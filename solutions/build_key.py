"""Reference solutions to the exercises (instructor material) and the answer key built from them.

The installed package holds no solutions: each exercise's check reads ``dlcourse/check/answer_key.json``
(see ``dlcourse/check/_key.py``). After changing a solution or a check, rebuild the key from the
repository's top folder and commit it:

    python solutions/build_key.py

The test suite fails while the key and the solutions disagree.
"""
import json
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def reference_answers():
    """``{exercise name: reference answer}`` from the ``lessonNN.py`` files beside this one."""
    answers = {}
    for path in sorted(HERE.glob("lesson[0-9][0-9].py")):
        answers.update({k: v for k, v in runpy.run_path(str(path)).items() if k.startswith("ex")})
    return answers


def build():
    """Run every check on its reference answer while ``S`` serves the real solutions; return the key."""
    from dlcourse import check
    from dlcourse.check import _key
    answers = reference_answers()
    missing = sorted(set(check.exercises()) - set(answers))
    if missing:
        raise SystemExit(f"no reference solution for {missing}")
    recorder = _key.Recorder(answers)
    _key.S._recording = recorder
    try:
        failing = [name for name in check.exercises() if not check.EXERCISES[name](answers[name])]
    finally:
        _key.S._recording = None
    if failing:
        raise SystemExit(f"reference answers that fail their own checks: {failing}")
    return recorder.key


def main():
    from dlcourse.check._key import KEY_FILE
    key = build()
    KEY_FILE.write_text(json.dumps(key, sort_keys=True) + "\n")
    print(f"wrote {KEY_FILE} ({len(key)} entries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
