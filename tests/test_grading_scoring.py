"""Scoring executed notebooks (course_lib/grading/scoring.py): pure JSON, no kernel."""

from __future__ import annotations

import copy

import nbformat
import pytest

from course_lib import grading, quiz
from tests.grading_fixtures import INSTRUCTOR, _cell_by_id, _insert, _nb


def _record(grade_id, score, max_score, **extra):
    return nbformat.v4.new_output(
        "display_data", data={grading.GRADE_MIME: {"grade_id": grade_id, "score": score,
                                                   "max_score": max_score, **extra},
                              "text/plain": f"[grade] {grade_id}"})


def _executed(q3=(1, 1), ex1=(2, 2)):
    nb = _nb()
    _cell_by_id(nb, "02-q3").outputs = [_record("02-q3", *q3)] if q3 else []
    _cell_by_id(nb, "02-ex1").outputs = [_record("02-ex1", *ex1)] if ex1 else []
    return nb


REF = grading.Reference.from_notebook(_nb(), INSTRUCTOR)


def test_scores_from_check_cells():
    items, errors, notes = grading.score_executed(_executed(), REF)
    assert {k: v.score for k, v in items.items()} == {"02-q3": 1, "02-ex1": 2}
    assert errors == []
    items, errors, _ = grading.score_executed(_executed(q3=(0, 1), ex1=(1, 3)), REF)
    assert items["02-q3"].status == "wrong" and items["02-ex1"].score == pytest.approx(2 / 3)


def test_records_are_clamped_and_rescaled_to_reference_points():
    items, _, _ = grading.score_executed(_executed(q3=(50, 1), ex1=(-3, 2)), REF)
    assert items["02-q3"].score == 1 and items["02-ex1"].score == 0
    items, _, _ = grading.score_executed(_executed(q3=(1, 1), ex1=(10, 10)), REF)
    assert items["02-ex1"].score == 2  # full marks = reference's 2 points, not the record's 10


def test_forged_records_outside_check_cells_do_not_count():
    nb = _executed(q3=None)
    nb.cells[1].outputs = [_record("02-q3", 1, 1)]  # printed by an ordinary cell
    items, errors, notes = grading.score_executed(nb, REF)
    assert items["02-q3"].score == 0 and "no grade from check cell 02-q3" in errors
    assert any("Ignored a grade record" in n for n in notes)


def test_modified_check_cell_scores_zero():
    nb = _executed()
    _cell_by_id(nb, "02-q3").source = "from IPython.display import display\ndisplay(...)"
    items, errors, _ = grading.score_executed(nb, REF)
    assert items["02-q3"].score == 0 and "check cell 02-q3 modified" in errors
    assert items["02-ex1"].score == 2
    nb = _executed()  # whitespace and comments are not a modification
    _cell_by_id(nb, "02-q3").source = "# my check\n\nquiz.check(\"02-q3\", q3_answer)   \n"
    assert grading.score_executed(nb, REF)[0]["02-q3"].score == 1


def test_missing_renamed_and_duplicated_cells():
    nb = _executed()
    nb.cells.remove(_cell_by_id(nb, "02-q3"))
    _cell_by_id(nb, "02-ex1").metadata["nbgrader"]["grade_id"] = "02-ex1-mine"
    items, errors, _ = grading.score_executed(nb, REF)
    assert items["02-q3"].status == items["02-ex1"].status == "missing"
    assert "graded cell 02-q3 missing" in errors and "graded cell 02-ex1 missing" in errors
    assert "unexpected graded cell 02-ex1-mine (renamed?)" in errors
    nb = _executed()
    dup = copy.deepcopy(_cell_by_id(nb, "02-q3"))
    dup.outputs = [_record("02-q3", 0, 1)]
    nb.cells.append(dup)
    items, errors, _ = grading.score_executed(nb, REF)
    assert "graded cell 02-q3 duplicated" in errors and items["02-q3"].score == 0


def test_tampering_with_the_quiz_module_is_reported():
    nb = _executed()
    nb.cells[1].source += "\nquiz.check = lambda *a: True"
    assert "cell 2 tampers with the quiz module" in grading.score_executed(nb, REF)[1]


def test_sealed_answers_noted_or_rejected():
    nb = _executed(q3=(1, 1, ))
    _cell_by_id(nb, "02-q3").outputs = [_record("02-q3", 1, 1, sealed=True)]
    items, _, notes = grading.score_executed(nb, REF)
    assert items["02-q3"].score == 1 and any("sealed token" in n for n in notes)
    items, _, _ = grading.score_executed(nb, REF, reject_sealed=True)
    assert items["02-q3"].score == 0


def test_errors_timeouts_and_expected_exceptions():
    nb = _executed()
    err = nbformat.v4.new_output("error", ename="NameError", evalue="name 'x' is not defined",
                                 traceback=[])
    nb.cells[1].outputs = [err]
    nb.cells[2].outputs = [copy.deepcopy(err)]
    nb.cells[2].metadata["tags"] = ["raises-exception"]
    _cell_by_id(nb, "02-ex1").outputs = [nbformat.v4.new_output(
        "error", ename="KeyboardInterrupt", evalue="", traceback=[])]
    ex1 = nb.cells.index(_cell_by_id(nb, "02-ex1"))
    execution = grading.Execution(nb, timeouts=[ex1])
    items, errors, _ = grading.score_executed(nb, REF, execution)
    assert errors == ["exception in cell 2: NameError: name 'x' is not defined",
                      f"timeout in cell {ex1 + 1}"]
    assert items["02-ex1"].score == 0 and "timed out" in items["02-ex1"].feedback[0]


def test_a_cascade_of_exceptions_is_summarised():
    nb = _executed()
    for k, name in enumerate(["ModuleNotFoundError", "NameError", "NameError", "NameError"]):
        nb = _insert(nb, 1 + k, "pass")
        nb.cells[1 + k].outputs = [nbformat.v4.new_output("error", ename=name, evalue=f"e{k}",
                                                          traceback=[])]
    _, errors, notes = grading.score_executed(nb, REF)
    assert errors == ["exception in cell 2: ModuleNotFoundError: e0",
                      "exception in cell 3: NameError: e1",
                      "exceptions in 2 more cell(s): 4, 5 (see feedback)"]
    assert "Exception in cell 5: NameError: e3." in notes


def test_forged_kernel_verdicts_are_zeroed():
    nb = _nb()
    rec = {"grade_id": "02-q3", "score": 1, "max_score": 1, "answer": [1, 2, 3]}
    _cell_by_id(nb, "02-q3").outputs = [nbformat.v4.new_output(
        "display_data", data={grading.GRADE_MIME: rec})]
    ref = grading.Reference.from_notebook(_nb(), INSTRUCTOR)
    items, errors, _ = grading.score_executed(nb, ref, key=quiz.load_bank(), rechecks={})
    assert items["02-q3"].score == 0 and any("patched checker" in e for e in errors)
    _cell_by_id(nb, "02-q3").outputs *= 2  # a hook added a second record
    items, errors, _ = grading.score_executed(nb, ref, key=quiz.load_bank(), rechecks={})
    assert items["02-q3"].score == 0 and any("2 grade records" in e for e in errors)


def test_patching_a_module_of_the_quiz_package_is_reported():
    for patch in ("import course_lib.quiz.records\ncourse_lib.quiz.records.emit = print",
                  "from course_lib import quiz\nquiz.checking.evaluate = lambda *a: None",
                  "from course_lib import quiz\nprint(quiz.records.RESULTS)"):
        nb = _nb()
        _insert(nb, 2, patch)
        assert "cell 3 tampers with the quiz module" in grading.score_executed(nb, REF)[1], patch
    nb = _nb()
    _insert(nb, 2, "ok = quiz.check('02-q3', (1, 2)) == True")
    assert not any("tampers" in e for e in grading.score_executed(nb, REF)[1])
