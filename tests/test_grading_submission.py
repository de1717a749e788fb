"""Executing and grading one submission (course_lib/grading/submission.py); most tests start a
sandboxed kernel (slow)."""

from __future__ import annotations

import copy
import time
from pathlib import Path

import nbformat
import pytest

from course_lib import grading
from tests.grading_fixtures import INSTRUCTOR, _insert, _nb

REF = grading.Reference.from_notebook(_nb(), INSTRUCTOR)


def test_unreadable_submission_is_matched_to_its_reference(tmp_path):
    other = grading.Reference(Path("other.ipynb"), {"09-q1": grading.GradedCell(
        0, "09-q1", "check", 4, "code", "quiz.check('09-q1', a)")}, {}, ["09-q1"])
    path = tmp_path / "cut.ipynb"
    path.write_text(INSTRUCTOR.read_text(encoding="utf-8")[:-200], encoding="utf-8")
    g = grading.grade_submission(path, [other, REF])
    assert g.errors[0].startswith("invalid notebook JSON")
    assert g.reference == INSTRUCTOR and g.score == 0 and g.max_score == 3


@pytest.mark.slow
def test_whole_notebook_cap(tmp_path):
    nb = _nb()
    for _ in range(4):
        _insert(nb, 2, "import time\ntime.sleep(1.5)")
    path = tmp_path / "slow.ipynb"
    nbformat.write(nb, str(path))
    g = grading.grade_submission(path, [REF], timeout=10, total_timeout=2.5)
    assert any(e.startswith("whole-notebook time limit reached") for e in g.errors)
    assert g.score == 0 and g.max_score == 3


@pytest.mark.slow
def test_kernel_gets_fast_mode_and_a_fresh_folder(tmp_path, monkeypatch):
    """The kernel runs in fast mode, in a folder holding only a copy of the submission, with
    none of the grader's environment (issue 18)."""
    monkeypatch.setenv("GRADER_SECRET", "do-not-leak")
    nb = _nb()
    _insert(nb, 2, "import os\nprint(os.environ['COURSE_FAST'] + os.environ['COURSE_GRADING'],"
                   " sorted(os.listdir('.')), os.environ.get('GRADER_SECRET'))")
    _insert(nb, 3, "raise SystemError('a long training cell')", tags=["skip-grading"])
    (tmp_path / "neighbour.txt").write_text("not for the kernel")
    path = tmp_path / "env_probe.ipynb"
    nbformat.write(nb, str(path))
    execution = grading.execute_submission(copy.deepcopy(nb), path.name, 20, 60)
    assert execution.nb.cells[2].outputs[0]["text"] == "11 ['env_probe.ipynb'] None\n"
    ref = grading.Reference.from_notebook(nb, path)  # handed out with the skip-grading cell
    g = grading.grade_submission(path, [ref], timeout=20, total_timeout=60)
    assert g.errors == [] and g.score == 3
    g = grading.grade_submission(path, [ref], timeout=20, total_timeout=60, run_all=True)
    assert g.errors == ["exception in cell 4: SystemError: a long training cell"]


@pytest.mark.slow
def test_a_changed_skip_grading_cell_is_run(tmp_path):
    nb = _nb()
    _insert(nb, 2, "import time\ntime.sleep(0.1)", tags=["skip-grading"])
    ref = grading.Reference.from_notebook(nb, INSTRUCTOR)
    nb.cells[2].source += "\n\n# a comment is not a change\n"
    assert grading.changed_skipped_cells(nb, ref) == []
    nb.cells[2].source = "while True:\n    pass"  # an endless loop hidden in a skipped cell
    assert grading.changed_skipped_cells(nb, ref) == [2]
    path = tmp_path / "hidden_loop.ipynb"
    nbformat.write(nb, str(path))
    g = grading.grade_submission(path, [ref], timeout=3, total_timeout=60)
    assert g.errors == ["timeout in cell 3"] and g.score == 3
    assert any("every cell was run" in n for n in g.notes)


@pytest.mark.slow
def test_ten_thousand_cells_are_not_resaved_per_cell(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")
                                         for _ in range(2000)])
    t0 = time.monotonic()
    execution = grading.execute_submission(nb, "many.ipynb", 10, 300)
    per_cell = (time.monotonic() - t0) / 2000
    assert execution.capped is None and execution.internal_error is None
    assert per_cell < 0.05, per_cell  # was 0.35 s when the notebook was re-saved per cell
