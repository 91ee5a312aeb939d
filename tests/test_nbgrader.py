"""The nbgrader round trip for the instructors' generator (instructors/nbgrader/make_course.py).

For lessons 01 and 02 (or those in DLCOURSE_NBGRADER_LESSONS, e.g. "01 06"): generate the course, validate the source with nbgrader's Validator, release it,
and autograde two students: one who submits the reference answers (full marks) and one who submits
wrong answers, tampers with locked test cells and hard-codes the answer key's outputs for the function
exercises, which passes the public self-check (0 marks: the locked cells come back, the hidden tests
draw fresh inputs). Grades export to CSV. The grading() hook those hidden tests use is tested here too.
"""
import ast
import csv
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pytest

nbgrader = pytest.importorskip("nbgrader", reason="nbgrader is in the test extra: pip install -e '.[test]'")
import nbformat  # noqa: E402

import dlcourse as dl  # noqa: E402
from dlcourse.check import _key  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "instructors" / "nbgrader"))
import make_course  # noqa: E402

sys.path.insert(0, str(ROOT / "solutions"))
from build_key import reference_answers  # noqa: E402

REFERENCES = reference_answers()
# Two quick lessons, each with values and functions graded on fresh inputs; autograde runs the whole
# notebook once per student, so a heavier lesson (06 trains CNNs: ~25 s a run) would take minutes here.
LESSONS = os.environ.get("DLCOURSE_NBGRADER_LESSONS", "01 02").split()
WRONG = -12345.0  # a wrong answer of the wrong kind for every exercise: a number, from every function


def memorised(exercise):
    """{inputs' digest: output} of the reference on the public check's own inputs: what a learner who
    hard-codes the outputs the self-check wants would write down."""
    table = {}

    def record(*args):
        table[_key._args_digest(args)] = out = REFERENCES[exercise](*args)
        return out
    assert dl.check.EXERCISES[exercise](record)
    return table


def hard_coded(exercise):
    table = memorised(exercise)
    return lambda *args: table[_key._args_digest(args)]


# ---- the grading hook ----------------------------------------------------------------------------

def test_grading_draws_fresh_inputs_and_restores_the_key():
    seen = []

    def spy(x, w, b):
        seen.append(x.copy())
        return REFERENCES["ex01_neuron"](x, w, b)

    assert dl.check.ex01_neuron(spy)
    fixed = seen[:]
    seen.clear()
    assert dl.check.ex01_neuron(spy)
    assert all(np.array_equal(a, b) for a, b in zip(fixed, seen)), "outside grading() the inputs are seeded"
    for _ in range(2):
        seen.clear()
        with dl.check.grading(ex01_neuron=REFERENCES["ex01_neuron"]):
            assert dl.check.ex01_neuron(spy)
        assert [a.shape for a in seen] == [a.shape for a in fixed]
        assert not any(np.allclose(a, b) for a, b in zip(fixed, seen)), "grading() must draw new inputs"
    assert _key.S._recording is None and not dl.check._core._fresh


def test_hard_coded_outputs_pass_the_check_and_fail_under_grading():
    for name in ["ex01_neuron", "ex06_max_pool", "ex06_max_pool_backward"]:
        check, cheat = dl.check.EXERCISES[name], hard_coded(name)
        assert check(cheat), f"{name}: the key's outputs should pass the public check"
        with dl.check.grading(**{name: REFERENCES[name]}):
            verdict = check(cheat)
        assert not verdict and "KeyError" in verdict.message, verdict


def test_learner_code_cannot_reach_the_reference_while_grading():
    def peek(x, w, b):  # asks S, which serves the reference inside grading() but not to learner code
        return _key.S.ex01_neuron(x, w, b)

    with dl.check.grading(ex01_neuron=REFERENCES["ex01_neuron"]):
        assert not dl.check.ex01_neuron(peek)


def test_grading_names_an_unknown_exercise():
    with pytest.raises(ValueError, match=r"grading\(\) got \['ex01_nueron'\]: expected exercise names"):
        with dl.check.grading(ex01_nueron=REFERENCES["ex01_neuron"]):
            pass


def test_a_verdict_is_an_assertion():
    """What the autograder's test cells rely on: feedback is falsy unless the answer is right."""
    assert dl.check.ex01_parameter_count(REFERENCES["ex01_parameter_count"])
    for answer in [None, WRONG, "1441"]:
        with pytest.raises(AssertionError):
            assert dl.check.ex01_parameter_count(answer), "not full marks"


# ---- the generator on its own ----------------------------------------------------------------------

def test_generator_reports_cells_it_cannot_convert(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("answer = 3\nprint(dl.check.ex01_parameter_count(answer))"),
        nbformat.v4.new_code_cell("x = 3\ndl.check.ex01_parameter_count(x)"),
        nbformat.v4.new_code_cell("answer = None  # a number\ndl.check.ex01_pre_activation(answer)")])
    path = tmp_path / "01_made_up.ipynb"
    nbformat.write(nb, path)
    report = []
    out = make_course.convert_notebook(path, report)
    assert [c.metadata.get("nbgrader", {}).get("grade_id") for c in out.cells] == \
        [None, None, "ex01_pre_activation", "test_ex01_pre_activation"]
    assert report[0] == ("01_made_up.ipynb cell 0: left as it is: it calls a check but its last line is not "
                         "`dl.check.exNN_name(answer)`")
    assert report[1] == "01_made_up.ipynb cell 1: left as it is: its stub is neither `x = None` nor one `def x(...)`"


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_every_exercise_of_every_lesson_converts(path):
    # a lesson whose stub and reference solution drift apart would silently lose its graded cell
    report = []
    out = make_course.convert_notebook(path, report)
    assert not [line for line in report if "left as it is" in line]
    graded = [c for c in out.cells if c.metadata.get("nbgrader", {}).get("grade")]
    calls = sum("dl.check.ex" in c.source for c in nbformat.read(path, 4).cells if c.cell_type == "code")
    assert len(graded) == calls


def test_generator_rejects_an_unknown_lesson(tmp_path):
    with pytest.raises(SystemExit, match=r"--lessons \['99'\]: no such lesson"):
        make_course.make_course(tmp_path, ["99"])


# ---- the round trip --------------------------------------------------------------------------------

def _api(course):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    config.Exchange.root = str(course / "exchange")  # the default, /usr/local/share/nbgrader, may be read-only
    config.ExecutePreprocessor.timeout = 300
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def _submit(course, student, lesson, nb):
    target = course / "submitted" / student / lesson / f"{lesson}.ipynb"
    target.parent.mkdir(parents=True)
    nbformat.write(nb, target)


def _cells(nb):
    return {c.metadata.nbgrader.grade_id: c for c in nb.cells if "nbgrader" in c.metadata}


def _cheat(source_cell, released_cell, hidden):
    """Wrong values; from every function with hidden tests the outputs the public check wants, hard-coded
    for its own inputs; a wrong number from the other functions."""
    tree = ast.parse(released_cell.source).body[0]
    if isinstance(tree, ast.FunctionDef):
        params = ", ".join(a.arg for a in tree.args.args)
        if not hidden:
            return f"def {tree.name}({params}):\n    return {WRONG}\n"
        table = make_course._literal(memorised(source_cell.metadata.nbgrader.grade_id))
        return (f"def {tree.name}({params}):\n"
                f"    from dlcourse.check._key import _args_digest\n"
                f"    return {table}[_args_digest(({params},))]\n")
    return f"{tree.targets[0].id} = {WRONG}\n"


@pytest.fixture(scope="module")
def kernel_env():
    """Kernels started by nbgrader import this checkout's dlcourse, on one thread."""
    saved = dict(os.environ)
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = "1"
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.mark.parametrize("lesson", LESSONS)
def test_nbgrader_round_trip(lesson, tmp_path, kernel_env):
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin
    from nbgrader.validator import Validator

    name, course, times = next((ROOT / "notebooks").glob(f"{lesson}_*.ipynb")).stem, tmp_path / "course", {}
    n = len([e for e in dl.check.exercises() if e.startswith(f"ex{lesson}_")])
    start = time.perf_counter()
    written, report = make_course.make_course(course, [lesson])
    source_path = course / "source" / name / f"{name}.ipynb"
    assert written == [source_path]
    assert all(line.startswith(f"{name}.ipynb") for line in report)
    api = _api(course)
    result = api.generate_assignment(name)
    times["generate"] = time.perf_counter() - start
    assert result["success"], result.get("log")

    start = time.perf_counter()
    assert Validator().validate(str(source_path)) == {}, "the reference solutions fail their own tests"
    times["validate source"] = time.perf_counter() - start

    source = nbformat.read(source_path, as_version=4)
    released = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    src, rel = _cells(source), _cells(released)
    answers = [g for g, c in src.items() if c.metadata.nbgrader.solution]
    tests = [g for g, c in src.items() if c.metadata.nbgrader.grade]
    assert len(answers) == len(tests) == n
    lesson_stubs = {}
    for cell in nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4).cells:
        lines = cell.source.rstrip().splitlines()
        if cell.cell_type == "code" and lines and make_course.CHECK_CALL.match(lines[-1]):
            lesson_stubs[make_course.CHECK_CALL.match(lines[-1]).group(1)] = [x for x in lines[:-1] if x.strip()]
    for grade_id in answers:  # the learner gets the lesson's own stub back (nbgrader leaves a blank line)
        assert [x for x in rel[grade_id].source.splitlines() if x.strip()] == lesson_stubs[grade_id]
    for grade_id in tests:
        assert "HIDDEN" not in rel[grade_id].source and "raises-exception" in rel[grade_id].metadata.tags
    hidden = {g for g in tests if "BEGIN HIDDEN TESTS" in src[g].source}
    functions = [g for g in answers if lesson_stubs[g][0].startswith("def ")]
    assert hidden or not functions, "the function exercises should have hidden tests"  # lesson 13 asks only values

    reference = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    for grade_id, cell in _cells(reference).items():
        if grade_id in answers:
            cell.source = src[grade_id].source
    _submit(course, "reference", name, reference)

    cheater = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    tampered = set(tests[::2])
    for grade_id, cell in _cells(cheater).items():
        if grade_id in answers:
            cell.source = _cheat(src[grade_id], rel[grade_id], f"test_{grade_id}" in hidden)
        elif grade_id in tampered:
            cell.source = "pass  # nothing to see here"
    _submit(course, "cheater", name, cheater)
    for grade_id in hidden:  # the cheater's functions pass the self-check the learner can run
        exercise = grade_id[len("test_"):]
        assert dl.check.EXERCISES[exercise](hard_coded(exercise))

    for student in ["reference", "cheater"]:
        start = time.perf_counter()
        result = api.autograde(name, student)
        times[f"autograde {student}"] = time.perf_counter() - start
        assert result["success"], result.get("log")

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        full = gb.find_submission(name, "reference")
        assert (full.max_score, full.score) == (n, n), [(g.name, g.score) for g in full.notebooks[0].grades]
        cheat = gb.find_submission(name, "cheater")
        assert [(g.name, g.score) for g in cheat.notebooks[0].grades if g.score] == [], "the cheater scored"
        CsvExportPlugin(to=str(tmp_path / "grades.csv")).export(gb)
    rows = {r["student_id"]: r for r in csv.DictReader(open(tmp_path / "grades.csv"))}
    assert (rows["reference"]["score"], rows["cheater"]["score"], rows["reference"]["max_score"]) == \
        (f"{n:.1f}", "0.0", f"{n:.1f}")

    graded = _cells(nbformat.read(course / "autograded" / "cheater" / name / f"{name}.ipynb", as_version=4))
    for grade_id in tampered:  # autograde put the locked test back, hidden tests included
        assert graded[grade_id].source == src[grade_id].source
    for grade_id in hidden:  # failed where the self-check passed: on fresh inputs
        outputs = "".join(o.get("text", "") + o.get("evalue", "") for o in graded[grade_id].outputs)
        assert "✅" in outputs and "on fresh inputs" in outputs, (grade_id, outputs)
    print(f"lesson {lesson}: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))


def test_student_settings_name_nbgrader_s_own_plugins(tmp_path):
    """The plugins the student settings switch off exist under those names in the installed nbgrader."""
    from importlib.metadata import files
    make_course.make_course(tmp_path, ["01"])
    page = json.loads((tmp_path / "student" / "labconfig" / "page_config.json").read_text())
    server = json.loads((tmp_path / "student" / "jupyter_server_config.d" / "zz_dlcourse_students.json").read_text())
    bundle = "".join(f.read_text() for f in files("nbgrader")
                     if "labextensions/@jupyter/nbgrader/static/" in str(f) and str(f).endswith(".js"))
    assert sorted(page["disabledExtensions"]) == ["@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:formgrader"]
    for plugin in page["disabledExtensions"]:
        assert f'"{plugin}"' in bundle, plugin
    assert importlib.util.find_spec("nbgrader.server_extensions.formgrader"), "the server setting names no module"
    assert server == {"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": False}}}
