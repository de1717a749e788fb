"""The message catalogue (course_lib/messages.py): English and Korean, chosen by COURSE_LANG."""

from __future__ import annotations


def _fields(template: str) -> set[str]:
    import string

    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_message_catalogue_has_every_korean_key_in_english_with_the_same_fields():
    from course_lib import messages

    assert set(messages.KO) <= set(messages.EN)
    assert set(messages.EN) - set(messages.KO) == set(), "untranslated messages"
    for key, ko in messages.KO.items():  # Korean has no plural: it may leave out {s}
        assert _fields(ko) <= _fields(messages.EN[key]), key
        assert _fields(messages.EN[key]) - _fields(ko) <= {"s"}, key


def test_language_comes_from_course_lang(monkeypatch):
    from course_lib import messages

    monkeypatch.delenv("COURSE_LANG", raising=False)
    assert messages.lang() == "en" and messages.text("quiz.button") == "Check"
    monkeypatch.setenv("COURSE_LANG", "ko_KR")
    assert messages.lang() == "ko" and messages.text("quiz.button") == "확인"
    monkeypatch.setenv("COURSE_LANG", "fr")
    assert messages.lang() == "en"
