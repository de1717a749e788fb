"""The gradebook and feedback files (course_lib/grading/reports.py): names safe in any
script, CSV cells that are never formulas, the feedback text."""

from __future__ import annotations

from pathlib import Path

import pytest

from course_lib import grading
from course_lib.grading import reports
from tests.grading_fixtures import INSTRUCTOR


def test_feedback_names_are_unique_for_any_script():
    names = reports.feedback_names(["김철수", "이영희", "李明", "王芳", "a b", "a_b",
                                            "A_B", "=1+1", "x/y", "..", ""])
    assert len(set(n.casefold() for n in names.values())) == len(names)
    assert names["김철수"] == "김철수.md" and names["李明"] == "李明.md"
    assert names["a_b"] == "a_b.md" and names["a b"].startswith("a_b-")
    assert all("/" not in n and not n.startswith(".") for n in names.values())


@pytest.mark.parametrize("cell", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_cells_are_never_formulas(cell):
    assert reports.csv_safe(cell) == "'" + cell
    assert reports.csv_safe("alice") == "alice"


def test_feedback_markdown_lists_items_and_problems():
    g = grading.Grade("alice", Path("alice.ipynb"), reference=INSTRUCTOR)
    g.items = {"02-q3": grading.ItemResult("02-q3", 0.0, 1, "wrong", ["Hint: count units."]),
               "02-ex1": grading.ItemResult("02-ex1", 2.0, 2, "correct", ["✓ all good"])}
    g.errors = ["exception in cell 3: ValueError: bad"]
    text = grading.feedback_markdown(g)
    assert "**Score: 2 / 3**" in text and "| 02-q3 | 0 / 1 | ✗ wrong |" in text
    assert "- Hint: count units." in text and "- exception in cell 3: ValueError: bad" in text
