"""Checking quiz answers (course_lib/quiz/checking.py): feedback, never raising, every course
item judged the same whatever the learner's language."""

from __future__ import annotations

import re

import pytest

from course_lib import quiz
from tests import quiz_fixtures
from tests.quiz_fixtures import _doc_tokens

synth = quiz_fixtures.synth  # the synthetic-bank fixture, used by name


def test_check_prints_feedback_and_never_raises(synth, capsys):
    assert quiz.check("99-mc", "b") is True
    out = capsys.readouterr()
    assert "✓ 99-mc" in out.out and out.err == ""
    assert quiz.check("99-mc", "a") is False
    out = capsys.readouterr()
    assert "✗ 99-mc" in out.err and "Hint: Not red." in out.err  # stderr: nbgrader scores 0
    for weird in (object(), {"a": 1}, [[1, 2], [3]], b"b", Ellipsis):
        assert quiz.check("99-shape", weird) is False
    assert quiz.check("no-such-item", "b") is False
    assert "Could not check" in capsys.readouterr().err


def test_every_wrong_option_is_rejected(capsys):
    """Exactly one option of each course multiple-choice item is accepted."""
    for item in quiz.load_bank().values():
        if item.kind == "multiple-choice":
            assert sum(quiz.evaluate(item.id, k).correct for k in item.options) == 1, item.id


@pytest.mark.parametrize("item_id", ["02-q1", "02-q2", "02-q3"])
def test_a_korean_learner_scores_exactly_like_an_english_one(item_id, monkeypatch):
    token = _doc_tokens()[item_id]
    results = {}
    for lang in ("en", "ko"):
        monkeypatch.setenv("COURSE_LANG", lang)
        for answer in (quiz.sealed(token), "zzz", None):
            r = quiz.evaluate(item_id, answer)
            results.setdefault(repr(answer), []).append((r.score, r.correct, r.answer))
    assert all(a == b for a, b in results.values())
    monkeypatch.setenv("COURSE_LANG", "ko")
    assert re.search("[가-힣]", quiz.question_text(item_id))


def test_korean_check_output(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "ko")
    quiz.RESULTS.clear()
    quiz.check("02-q1", None)
    err = capsys.readouterr().err
    assert "✗ 02-q1: 아직 아닙니다 (0/1점)" in err and "아직 답이 없습니다" in err
    assert quiz.summary().endswith("합계: 0/1")
