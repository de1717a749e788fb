"""Graded cells (course_lib/grading/cells.py): roles, ids and points from nbgrader metadata or
a `check` tag."""

from __future__ import annotations

from course_lib import grading, quiz
from tests.grading_fixtures import _cell_by_id, _nb


def test_graded_cells_lists_items():
    cells = grading.graded_cells(_nb())
    assert [(g.grade_id, g.role, g.points) for g in cells] == [
        ("02-q3-answer", "answer", 0.0), ("02-q3", "check", 1.0),
        ("02-ex1-answer", "answer", 0.0), ("02-ex1", "check", 2.0)]
    assert [g.item_id for g in cells] == ["02-q3", "02-q3", "02-ex1", "02-ex1"]


def test_tag_only_check_cell_is_recognised():
    nb = _nb()
    cell = _cell_by_id(nb, "02-ex1")
    del cell.metadata["nbgrader"]
    cells = {g.grade_id: g for g in grading.graded_cells(nb)}
    assert cells["02-ex1"].role == "check"
    assert cells["02-ex1"].points == quiz.get_item("02-ex1").points
    cell.metadata["tags"] = []
    assert "02-ex1" not in {g.grade_id for g in grading.graded_cells(nb)}
