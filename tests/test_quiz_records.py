"""Grade records (course_lib/quiz/records.py): the display output the grader reads, and the
session's summary."""

from __future__ import annotations

import numpy as np

from course_lib import quiz
from course_lib.quiz import records
from tests import quiz_fixtures

synth = quiz_fixtures.synth  # the synthetic-bank fixture, used by name


def test_grade_record_is_displayed_inside_a_kernel(synth, monkeypatch):
    shown = []
    import IPython.display

    monkeypatch.setattr(records, "in_kernel", lambda: True)
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append(obj))
    quiz.check("99-sa", "bce")
    quiz.check_exercise("99-ex", lambda z, u, p: np.zeros((z.shape[0], u)))
    rec = shown[0][quiz.GRADE_MIME]
    assert rec["grade_id"] == "99-sa" and rec["score"] == 2 and rec["max_score"] == 2
    assert rec["correct"] is True and rec["sealed"] is False
    assert shown[0]["text/plain"] == "[grade] 99-sa: 2/2 points"
    rec = shown[1][quiz.GRADE_MIME]
    assert rec["grade_id"] == "99-ex" and rec["score"] == 0 and rec["max_score"] == 3
    assert any("✗" in line for line in rec["feedback"])


def test_no_grade_record_outside_a_kernel(synth, capsys):
    quiz.check("99-mc", "b")
    assert "[grade]" not in capsys.readouterr().out
    assert quiz.RESULTS["99-mc"].correct
    assert "Total: 1/1" in quiz.summary()
