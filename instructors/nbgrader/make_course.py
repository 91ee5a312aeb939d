"""Turn the lessons into an nbgrader course directory (instructor tooling; not part of the package).

    python instructors/nbgrader/make_course.py COURSE_DIR [--lessons 01 06] [--force]

For every lesson notebook with exercises it writes ``COURSE_DIR/source/<lesson>/<lesson>.ipynb`` and, once,
``COURSE_DIR/nbgrader_config.py`` plus the student-side Jupyter settings in ``COURSE_DIR/student/``.
An exercise is a code cell whose last line is ``dl.check.<exercise>(<name>)`` and whose other lines are
the learner's stub: ``<name> = None  # hint`` (a value) or ``def <name>(...): ... return None  # hint``
(a function). Each one becomes two cells:

* an autograded answer cell: the stub as the lesson has it, with the reference solution from
  ``solutions/lessonNN.py`` between ``### BEGIN SOLUTION`` / ``### END SOLUTION`` inside it (the value
  after the stub's line, the body before the function's ``return None``); nbgrader's empty stub leaves
  the learner exactly the lesson's cell;
* a locked autograder test cell worth one point, tagged ``raises-exception`` so Run All goes on: it
  prints the course's feedback and asserts the verdict, and for a function whose check draws its inputs
  from ``_rng`` it adds hidden tests that run the check against the embedded reference on fresh inputs.

Cells that do not follow the convention are left as they are and listed in the report.
It lives in the repository because it reads ``solutions/``, which the installed package never holds.
"""
import argparse
import ast
import importlib.util
import inspect
import json
import re
import sys
import textwrap
from pathlib import Path

import nbformat
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
CHECK_CALL = re.compile(r"^dl\.check\.(ex\d\d\w*)\((\w+)\)\s*$")
VALUE_STUB = re.compile(r"^(\w+) = None\b")
POINTS = 1
FRESH_DRAWS = 3  # hidden tests run each check this many times, each on new inputs

NBGRADER_CONFIG = '''\
"""nbgrader settings for the dlcourse labs, written by instructors/nbgrader/make_course.py."""
c = get_config()
c.CourseDirectory.course_id = "dlcourse"
# nbgrader's default stub raises NotImplementedError and stops Run All at the first exercise. The course's
# answer cells keep the lesson's own `answer = None` / `return None` line after the solution, so an empty
# stub leaves exactly the lesson's cell: it runs, and its check says "not answered yet".
c.ClearSolutions.code_stub = {"python": ""}
# Some lessons train small networks; give a busy grading machine time.
c.ExecutePreprocessor.timeout = 600
'''

# Students keep the assignment list and validation; the instructor's tools (formgrader, create
# assignment) and the server extension behind the formgrader are switched off.
STUDENT_PAGE_CONFIG = {"disabledExtensions": {"@jupyter/nbgrader:formgrader": True,
                                              "@jupyter/nbgrader:create-assignment": True}}
STUDENT_SERVER_CONFIG = {"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": False}}}


class NotConvertible(Exception):
    """Why an exercise cell could not become an nbgrader pair of cells."""


def load_solutions(lesson):
    path = ROOT / "solutions" / f"lesson{lesson}.py"
    if not path.exists():
        raise NotConvertible(f"no reference solutions: {path} is missing")
    spec = importlib.util.spec_from_file_location(f"_solutions_lesson{lesson}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, path.read_text()


def _lines(source, node):
    return source.splitlines()[node.lineno - 1:node.end_lineno]


def _function_node(source, name):
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    raise NotConvertible(f"solutions define {name} but not as a plain def")


def _module_imports(source, used=None):
    """The solutions module's import lines; with ``used`` (names), only those that bind one of them."""
    lines = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound = {a.asname or a.name.split(".")[0] for a in node.names}
            if used is None or bound & used:
                lines += _lines(source, node)
    return lines


def _draws_fresh_inputs(exercise):
    from dlcourse import check
    return re.search(r"(?<![\w.])_rng\(", inspect.getsource(check.EXERCISES[exercise].__wrapped__)) is not None


def _literal(value):
    """Python source for a reference value: literals, with NumPy arrays and scalars spelled through np."""
    if isinstance(value, np.ndarray):
        return f"np.array({value.tolist()!r})"
    if isinstance(value, np.generic):
        return repr(value.item())
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (tuple, list)):
        items = ", ".join(_literal(v) for v in value)
        return f"({items},)" if isinstance(value, tuple) and len(value) == 1 else \
            (f"({items})" if isinstance(value, tuple) else f"[{items}]")
    if value is None or isinstance(value, (bool, int, float, str)):
        return repr(value)
    raise NotConvertible(f"its reference value of type {type(value).__name__} cannot be written as source")


def value_answer(stub, name, reference):
    text = _literal(reference)
    if _literal(eval(text, {"np": np})) != text:  # repr of floats is exact: this catches lossy types
        raise NotConvertible(f"its reference value does not survive being written as {text[:60]}")
    return "\n".join([stub, "### BEGIN SOLUTION", f"{name} = {text}", "### END SOLUTION"])


def function_answer(stub, exercise, reference, solutions_source):
    stub_def = ast.parse(stub).body[0]
    want = [a.arg for a in stub_def.args.args]
    have = list(inspect.signature(reference).parameters)
    if want != have:
        raise NotConvertible(f"the lesson's parameters {want} differ from the solution's {have}")
    node = _function_node(solutions_source, exercise)
    body = node.body[1:] if ast.get_docstring(node) is not None else node.body
    if not body:
        raise NotConvertible("its reference solution has only a docstring")
    # the imports the body relies on come along: the lesson need not have imported math, say
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    body_text = textwrap.dedent("\n".join(solutions_source.splitlines()[body[0].lineno - 1:node.end_lineno]))
    stub_lines = stub.splitlines()
    last = stub_lines[-1]
    if not last.strip().startswith("return None"):
        raise NotConvertible("its stub does not end with `return None`")
    indent = re.match(r"\s*", last).group(0)
    solution = textwrap.indent("\n".join(_module_imports(solutions_source, used) + [body_text]), indent)
    return "\n".join(stub_lines[:-1] + [indent + "### BEGIN SOLUTION", solution, indent + "### END SOLUTION", last])


def test_source(exercise, name, reference, solutions_source):
    lines = [f"feedback = dl.check.{exercise}({name})",
             "print(feedback)",
             'assert feedback, "not full marks yet: see the feedback above"']
    if callable(reference) and _draws_fresh_inputs(exercise):
        node = _function_node(solutions_source, exercise)
        ref = "\n".join(_lines(solutions_source, node)).replace(f"def {exercise}(", "def _reference(", 1)
        hidden = [*_module_imports(solutions_source), ref, "",
                  f"with dl.check.grading({exercise}=_reference):",
                  f"    for _ in range({FRESH_DRAWS}):  # the check's inputs, drawn anew each time",
                  f"        fresh = dl.check.{exercise}({name})",
                  '        assert fresh, f"on fresh inputs: {fresh}"']
        lines += ["### BEGIN HIDDEN TESTS",
                  "def _hidden_test():  # a namespace of its own: the lesson's names (np, nn, ...) stay as they were",
                  textwrap.indent("\n".join(hidden), "    "),
                  "",
                  "",
                  "_hidden_test()",
                  "### END HIDDEN TESTS"]
    return "\n".join(lines)


def _nbgrader(grade_id, solution, grade, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
            "solution": solution}
    if points is not None:
        meta["points"] = points
    return meta


def convert_cell(cell, lesson, solutions):
    """Return (answer cell, test cell, hidden test?) for an exercise cell, or None for another cell."""
    lines = cell.source.rstrip().splitlines()
    match = CHECK_CALL.match(lines[-1]) if lines else None
    if match is None:
        if "dl.check.ex" in cell.source:
            raise NotConvertible("it calls a check but its last line is not `dl.check.exNN_name(answer)`")
        return None
    exercise, name = match.groups()
    if not exercise.startswith(f"ex{lesson}_"):
        raise NotConvertible(f"{exercise} belongs to another lesson than {lesson}")
    module, source = solutions
    if not hasattr(module, exercise):
        raise NotConvertible(f"solutions/lesson{lesson}.py has no {exercise}")
    reference = getattr(module, exercise)
    stub = "\n".join(lines[:-1]).rstrip()
    try:
        tree = ast.parse(stub)
    except SyntaxError as e:
        raise NotConvertible(f"its stub does not parse ({e.msg})") from None
    if len(tree.body) == 1 and isinstance(tree.body[0], ast.FunctionDef) and tree.body[0].name == name:
        if not callable(reference):
            raise NotConvertible(f"the lesson asks for a function but the solution of {exercise} is a value")
        answer = function_answer(stub, exercise, reference, source)
    elif len(tree.body) == 1 and VALUE_STUB.match(stub) and VALUE_STUB.match(stub).group(1) == name:
        if callable(reference):
            raise NotConvertible(f"the lesson asks for a value but the solution of {exercise} is a function")
        answer = value_answer(stub, name, reference)
    else:
        raise NotConvertible(f"its stub is neither `{name} = None` nor one `def {name}(...)`")
    answer_cell = nbformat.v4.new_code_cell(answer, metadata={"nbgrader": _nbgrader(exercise, True, False)})
    test = test_source(exercise, name, reference, source)
    test_cell = nbformat.v4.new_code_cell(test, metadata={
        "nbgrader": _nbgrader(f"test_{exercise}", False, True, POINTS), "tags": ["raises-exception"]})
    return answer_cell, test_cell, "### BEGIN HIDDEN TESTS" in test


def convert_notebook(path, report):
    """The nbgrader source notebook for one lesson, or None when it has no exercises."""
    lesson = path.name[:2]
    nb = nbformat.read(path, as_version=4)
    solutions = None
    cells, converted = [], 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "dl.check.ex" in cell.source:
            try:
                solutions = solutions or load_solutions(lesson)
                pair = convert_cell(cell, lesson, solutions)
            except NotConvertible as e:
                report.append(f"{path.name} cell {index}: left as it is: {e}")
                pair = None
            if pair is not None:
                answer, test, hidden = pair
                cells += [answer, test]
                converted += 1
                if not hidden:
                    report.append(f"{path.name} cell {index}: {answer.metadata.nbgrader.grade_id}: no hidden "
                                  "test (a value, or a check whose inputs are fixed); the public check grades it")
                continue
        cell.outputs = [] if cell.cell_type == "code" else None
        if cell.cell_type != "code":
            del cell["outputs"]
        else:
            cell.execution_count = None
        cells.append(cell)
    if not converted:
        return None
    nb.cells = cells
    return nb


def make_course(course, lessons=None, force=False):
    """Write the course directory; return (written notebook paths, report lines)."""
    course, report, written = Path(course), [], []
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise SystemExit(f"no lessons found in {ROOT / 'notebooks'}: run this from a clone of the course")
    if lessons:
        unknown = set(lessons) - {p.name[:2] for p in notebooks}
        if unknown:
            raise SystemExit(f"--lessons {sorted(unknown)}: no such lesson; expected two-digit numbers from "
                             f"{sorted(p.name[:2] for p in notebooks)}")
        notebooks = [p for p in notebooks if p.name[:2] in lessons]
    for path in notebooks:
        target = course / "source" / path.stem / path.name
        if target.exists() and not force:
            raise SystemExit(f"{target} exists (edited by hand?); pass --force to overwrite it")
        nb = convert_notebook(path, report)
        if nb is None:
            report.append(f"{path.name}: no exercises, no assignment")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        written.append(target)
    config = course / "nbgrader_config.py"
    if force or not config.exists():
        config.write_text(NBGRADER_CONFIG)
    student = course / "student"
    (student / "labconfig").mkdir(parents=True, exist_ok=True)
    (student / "jupyter_server_config.d").mkdir(exist_ok=True)
    (student / "labconfig" / "page_config.json").write_text(json.dumps(STUDENT_PAGE_CONFIG, indent=2) + "\n")
    (student / "jupyter_server_config.d" / "zz_dlcourse_students.json").write_text(
        json.dumps(STUDENT_SERVER_CONFIG, indent=2) + "\n")
    return written, report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("course", help="the nbgrader course directory to write (created if missing)")
    parser.add_argument("--lessons", nargs="+", metavar="NN", help="only these lessons, e.g. 01 06")
    parser.add_argument("--force", action="store_true", help="overwrite notebooks already in source/")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))  # the checks of this clone, not of another installed copy
    written, report = make_course(args.course, args.lessons, args.force)
    for path in written:
        print(f"wrote {path}")
    for line in report:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
