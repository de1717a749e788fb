"""Student editions (course_lib/grading/editions.py): solution regions blanked, student
versions in sync with the instructor versions, the `student` command, the keyless bank."""

from __future__ import annotations

import ast
import copy
import json
import re

import nbformat
import pytest

from course_lib import grading, quiz
from course_lib.cli import main as cli_main
from tests.grading_fixtures import FIX, INSTRUCTOR, ROOT, _cell_by_id, _nb


def test_blank_quiz_answer_becomes_none_assignments():
    src = "# comment\n### BEGIN SOLUTION\nq3_answer = quiz.sealed('x')\na, b = 1, 2\n" \
          "### END SOLUTION\nprint('after')"
    new, n = grading.blank_solutions(src)
    assert n == 1
    assert new == ("# comment\nq3_answer = None  # YOUR ANSWER HERE\na = None  # YOUR ANSWER "
                   "HERE\nb = None  # YOUR ANSWER HERE\nprint('after')")


def test_blank_function_body_raises_not_implemented():
    src = "def f(x):\n    \"\"\"Doc.\"\"\"\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n" \
          "    ### END SOLUTION\n"
    new, n = grading.blank_solutions(src)
    assert n == 1
    assert new == "def f(x):\n    \"\"\"Doc.\"\"\"\n    # YOUR CODE HERE\n" \
                  "    raise NotImplementedError()\n"
    ast.parse(new)


def test_blank_top_level_code_keeps_run_all_going():
    new, _ = grading.blank_solutions("### BEGIN SOLUTION\nfor i in range(3):\n    print(i)\n"
                                     "### END SOLUTION")
    assert new == "# YOUR CODE HERE\npass"


def test_blank_top_level_function_keeps_header_and_docstring():
    src = "### BEGIN SOLUTION\n@decorate\ndef g(a,\n      b):\n    '''Add.'''\n    return a + b\n" \
          "def h():\n    return 1\n### END SOLUTION"
    new, n = grading.blank_solutions(src)
    assert n == 1
    assert new == ("@decorate\ndef g(a,\n      b):\n    '''Add.'''\n    # YOUR CODE HERE\n"
                   "    raise NotImplementedError()\ndef h():\n    # YOUR CODE HERE\n"
                   "    raise NotImplementedError()")
    ast.parse(new)


def test_blank_markdown_and_several_regions():
    new, n = grading.blank_solutions("Intro\n### BEGIN SOLUTION\nsecret\n### END SOLUTION\nmid\n"
                                     "### BEGIN SOLUTION\nmore\n### END SOLUTION", "markdown")
    assert n == 2 and new == "Intro\nYOUR ANSWER HERE\nmid\nYOUR ANSWER HERE"


@pytest.mark.parametrize("src", [
    "### BEGIN SOLUTION\nx = 1",
    "x = 1\n### END SOLUTION",
    "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION",
])
def test_unbalanced_markers_are_refused(src):
    with pytest.raises(grading.SolutionMarkerError):
        grading.blank_solutions(src)


def _outside_regions(src: str) -> str:
    return re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION", "", src, flags=re.S)


def _compiles(src: str) -> None:
    lines = [ln for ln in src.split("\n") if not ln.lstrip().startswith(("%", "!"))]
    ast.parse("\n".join(lines))


def assert_in_sync(instructor, student) -> None:
    """Same cells, same graded ids and metadata, same code outside the solution regions."""
    assert len(instructor.cells) == len(student.cells)
    assert [g[:3] for g in map(_gc_key, grading.graded_cells(instructor))] == \
        [g[:3] for g in map(_gc_key, grading.graded_cells(student))]
    for a, b in zip(instructor.cells, student.cells):
        assert a.cell_type == b.cell_type
        assert a.metadata.get("nbgrader") == b.metadata.get("nbgrader")
        assert a.metadata.get("tags") == b.metadata.get("tags")
        assert "BEGIN SOLUTION" not in b.source
        if "### BEGIN SOLUTION" in a.source:
            kept = [ln for ln in _outside_regions(a.source).split("\n") if ln.strip()]
            got = b.source.split("\n")
            assert all(ln in got for ln in kept), (a.source, b.source)
        elif grading.cell_role(a) not in {"answer", "manual"}:
            assert a.source == b.source
        if a.cell_type == "code":
            _compiles(b.source)
        if grading.cell_role(b) or {"answer", "check"} & set(b.metadata.get("tags", [])):
            assert b.get("outputs", []) == []


def _gc_key(g):
    return (g.index, g.grade_id, g.role, g.points)


def test_fixture_student_version_in_sync():
    nb = _nb()
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="kept\n")]
    _cell_by_id(nb, "02-q3").outputs = [nbformat.v4.new_output("stream", text="✓ stale\n")]
    student, warnings = grading.make_student(nb)
    assert warnings == []
    assert_in_sync(nb, student)
    assert student.cells[1].outputs[0]["text"] == "kept\n"  # other outputs survive
    assert _cell_by_id(student, "02-q3").outputs == []
    assert "q3_answer = None  # YOUR ANSWER HERE" in _cell_by_id(student, "02-q3-answer").source
    assert "sealed" not in _cell_by_id(student, "02-q3-answer").source
    assert "raise NotImplementedError()" in _cell_by_id(student, "02-ex1-answer").source
    assert nb.cells[3].source != student.cells[3].source  # the input was not modified


def test_student_version_drops_outputs_that_reveal_an_answer():
    nb = _nb()
    for i in (1, 2):
        nb.cells[i].outputs = [nbformat.v4.new_output("stream", name="stdout", text="(1, 240)\n")]
    nb.cells[2].metadata["tags"] = ["skip-grading", "reveals-answer"]
    student, _ = grading.make_student(nb)
    assert student.cells[2].outputs == []  # the tagged cell's answer-revealing output is gone
    assert student.cells[2].source == nb.cells[2].source  # the code itself is handed out
    assert student.cells[1].outputs[0]["text"] == "(1, 240)\n"  # untagged: kept


def test_course_notebook_02_hides_the_maxout_shapes_from_students():
    nb = _nb(ROOT / "instructor" / "02_gan_vs_cgan_maxout.ipynb")
    student, _ = grading.make_student(nb)
    revealing = [i for i, c in enumerate(nb.cells)
                 if "reveals-answer" in c.metadata.get("tags", [])]
    assert revealing and all(nb.cells[i].outputs for i in revealing)
    assert all(student.cells[i].outputs == [] for i in revealing)


def test_student_cli_writes_and_checks(tmp_path, capsys):
    out = tmp_path / "handout"
    assert cli_main(["student", str(FIX), "--out", str(out)]) == 0
    written = out / "instructor.ipynb"
    assert_in_sync(_nb(), _nb(written))
    assert cli_main(["student", str(INSTRUCTOR), "--out", str(out), "--check"]) == 0
    written.write_text(written.read_text().replace("YOUR ANSWER HERE", "42"))
    assert cli_main(["student", str(INSTRUCTOR), "--out", str(out), "--check"]) == 1
    assert cli_main(["student", str(INSTRUCTOR), "--out", str(FIX)]) == 1  # no overwrite
    assert "OUT OF DATE" in capsys.readouterr().out


COURSE_NOTEBOOKS = sorted((ROOT / "instructor").glob("[0-9][0-9]*.ipynb"))


@pytest.mark.parametrize("path", COURSE_NOTEBOOKS, ids=lambda p: p.name)
def test_course_notebook_follows_the_conventions(path):
    """docs/GRADED_CELLS.md, section 2: checked on every instructor notebook."""
    nb = _nb(path)
    number = path.name[:2]
    bank = {i: it for i, it in quiz.load_bank().items() if it.notebook == number}
    cells = grading.graded_cells(nb)
    checks = [g for g in cells if g.role == "check"]
    answers = [g for g in cells if g.role == "answer"]
    ids = [g.grade_id for g in cells]
    assert len(ids) == len(set(ids)), "duplicate grade_id"
    assert sorted(g.grade_id for g in checks) == sorted(bank), "check cells vs bank items"
    for g in checks:
        cell = nb.cells[g.index]
        assert "check" in cell.metadata.get("tags", []), g.grade_id
        assert cell.metadata["nbgrader"].get("locked") is True, g.grade_id
        assert g.points == bank[g.grade_id].points, g.grade_id
        fn = "check_exercise" if bank[g.grade_id].kind == "code-exercise" else "check"
        calls = re.findall(r"quiz\.(check(?:_exercise)?)\(\s*[\"']([\w-]+)[\"']", g.source)
        assert calls == [(fn, g.grade_id)], g.grade_id
    for g in answers:
        cell = nb.cells[g.index]
        assert "answer" in cell.metadata.get("tags", []), g.grade_id
        assert g.item_id in bank and g.grade_id == f"{g.item_id}-answer", g.grade_id
        check = next(c for c in checks if c.grade_id == g.item_id)
        assert g.index < check.index, g.grade_id
        regions = re.findall(r"### BEGIN SOLUTION(.*?)### END SOLUTION", g.source, flags=re.S)
        assert regions, f"{g.grade_id}: no solution region"
        if bank[g.item_id].kind != "code-exercise":
            assert all("quiz.sealed(" in r for r in regions), \
                f"{g.grade_id}: write the answer as quiz.sealed(...), not in plain text"
    assert {g.item_id for g in answers} == set(bank), "every item needs an answer cell"
    student, warnings = grading.make_student(nb)
    assert warnings == []
    assert_in_sync(nb, student)


def assert_nbgrader_valid(nb) -> None:
    """nbgrader's schema-3 rules (nbgrader/nbgraderformat/v3.py), and its own validator when
    nbgrader is installed."""
    ids = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        assert meta.get("schema_version") == 3, meta
        for key in ("grade", "solution", "locked"):
            assert isinstance(meta.get(key), bool), (key, meta)
        assert re.fullmatch(r"[\w-]+", meta.get("grade_id", "")), meta
        if meta["grade"]:
            assert isinstance(meta.get("points"), (int, float)) and meta["points"] >= 0, meta
        if cell.cell_type == "markdown":
            assert meta["grade"] == meta["solution"], f"markdown cell {meta['grade_id']}"
        if meta["solution"]:
            assert not meta["locked"], f"solution cell {meta['grade_id']} is locked"
        assert meta["grade_id"] not in ids, f"duplicate grade_id {meta['grade_id']}"
        ids.add(meta["grade_id"])
    try:
        from nbgrader.nbgraderformat import MetadataValidator
    except ImportError:
        return
    MetadataValidator().validate_nb(copy.deepcopy(nb))


@pytest.mark.parametrize("path", COURSE_NOTEBOOKS, ids=lambda p: p.name)
def test_nbgrader_metadata_is_valid(path):
    nb = _nb(path)
    assert_nbgrader_valid(nb)
    assert_nbgrader_valid(grading.make_student(nb)[0])


def test_keyless_student_bank_reveals_nothing(tmp_path, monkeypatch):
    written = grading.write_keyless_bank(tmp_path / "bank")
    banks = [path for path in written if len(path.suffixes) == 1]
    translations = [path for path in written if len(path.suffixes) == 2]
    assert len(banks) == 5 and {p.name for p in translations} >= {"01.ko.json", "05.ko.json"}
    for path in banks:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert all("accept" not in item for item in data["items"])
        assert data["salt"] != json.loads((quiz.BANK_DIR / path.name).read_text())["salt"]
    for path in translations:
        assert '"accept"' not in path.read_text(encoding="utf-8")
    monkeypatch.setenv("COURSE_QUIZ_BANK", str(tmp_path / "bank"))
    r = quiz.evaluate("02-q1", "c")
    assert r.score == 0 and "instructor" in r.feedback[0] and r.answer == "c"
    monkeypatch.setenv("COURSE_LANG", "ko")  # the keyless bank keeps the Korean texts
    assert any("\uac00" <= ch <= "\ud7a3" for ch in quiz.question_text("02-q1"))
