"""Asking questions (course_lib/quiz/widgets.py): plain text headless, widgets otherwise."""

from __future__ import annotations

import pytest

from course_lib import quiz
from course_lib.quiz import widgets
from tests import quiz_fixtures

synth = quiz_fixtures.synth  # the synthetic-bank fixture, used by name


def test_ask_headless_prints_question_and_options(synth, capsys, monkeypatch):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    assert not quiz.has_frontend()
    quiz.ask("99-mc")
    out = capsys.readouterr().out
    assert "[99-mc]" in out and "b) Green pears (ripe)" in out and "letter" in out


def test_widget_bundle_has_plain_text_fallback(synth):
    pytest.importorskip("ipywidgets")
    w = widgets._widget(quiz.get_item("99-mc"), quiz.question_text("99-mc"))
    bundle = w._repr_mimebundle_()
    assert bundle["text/plain"].startswith("[99-mc]")
    assert "application/vnd.jupyter.widget-view+json" in bundle
