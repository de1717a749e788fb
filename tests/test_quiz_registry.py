"""The exercise registry (course_lib/quiz/registry.py): course content plugs its checks in by
name; the engine finds them there, and a bank naming an unknown check is refused."""

from __future__ import annotations

import pytest

from course_lib import quiz
from course_lib.quiz import registry


def test_the_course_content_registers_every_check_its_bank_names():
    checks = {i.check for i in quiz.load_bank().values() if i.kind == "code-exercise"}
    assert checks and all(callable(registry.exercise_check(name)) for name in checks)
    assert registry.exercise_check("no-such-check") is None


def test_a_registered_check_is_found_and_a_second_one_under_its_name_is_refused(monkeypatch):
    monkeypatch.setattr(registry, "EXERCISES", {})

    @registry.exercise("always-right")
    def always_right(fn):
        return [("calls it", lambda: fn())]

    assert registry.exercise_check("always-right") is always_right
    assert registry.exercise("always-right")(always_right) is always_right  # same one: fine
    with pytest.raises(ValueError, match="registered twice"):
        registry.exercise("always-right")(lambda fn: [])


def test_a_bank_item_naming_an_unregistered_check_is_refused():
    bank = {"salt": "0123456789abcdef", "items": [
        {"id": "98-ex", "kind": "code-exercise", "question": "?", "check": "no-such-check"}]}
    with pytest.raises(ValueError, match="unknown exercise check 'no-such-check'"):
        quiz.parse_bank(bank)
