"""The question bank (course_lib/quiz/bank.py): the course's items, digests only, and the
translations (quizzes/NN.<lang>.json) that change what a learner reads, never a verdict."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from course_lib import quiz
from course_lib.quiz import bank
from tests.quiz_fixtures import ROOT, _synth_bank

COURSE_ITEMS = {"01-ex1", "02-q1", "02-q2", "02-q3", "02-ex1", "03-q4", "03-ex1", "04-ex1",
                "05-ex1"}


def test_course_bank_has_the_course_items():
    bank = quiz.load_bank()
    assert COURSE_ITEMS <= set(bank)
    assert bank["02-q3"].kind == "shape"
    assert bank["02-q1"].kind == bank["02-q2"].kind == bank["03-q4"].kind == "multiple-choice"
    for nb in ("01", "02", "03", "04", "05"):
        assert any(i.kind == "code-exercise" and i.notebook == nb for i in bank.values())


def test_bank_files_hold_only_digests():
    for path in quiz.bank_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        for raw in data["items"]:
            assert set(raw) <= {"id", "kind", "points", "question", "hint", "options", "accept",
                                "step", "tol", "check", "signature"}, raw["id"]
            assert all(re.fullmatch(r"[0-9a-f]{64}", d) for d in raw.get("accept", []))


def test_translations_are_not_banks(tmp_path):
    (tmp_path / "09.json").write_text(json.dumps({"salt": "0123456789abcdef", "items": []}))
    (tmp_path / "09.ko.json").write_text(json.dumps({"items": {}}))
    assert [p.name for p in quiz.bank_files(tmp_path)] == ["09.json"]


def test_quiz_module_does_not_import_tensorflow():
    code = "import sys; from course_lib import quiz; quiz.load_bank(); " \
           "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert out.split() == ["False", "False"]


def test_translations_are_not_part_of_the_bank():
    names = [p.name for p in quiz.bank_files()]
    assert names == ["01.json", "02.json", "03.json", "04.json", "05.json"]
    assert (quiz.BANK_DIR / "01.ko.json").is_file()


def test_translation_files_match_the_bank():
    bank = quiz.load_bank()
    for path in sorted(quiz.BANK_DIR.glob("*.*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert path.name.split(".")[0] == data.get("notebook", path.name[:2]), path.name
        for item_id, tr in data["items"].items():
            assert item_id in bank, f"{path.name}: no item {item_id}"
            assert set(tr) <= {"question", "options", "hint", "signature"}, item_id
            assert set(tr.get("options", {})) <= set(bank[item_id].options), item_id
            assert "accept" not in tr and "salt" not in data


def test_korean_questions_fall_back_to_english_per_field(tmp_path, monkeypatch):
    (tmp_path / "99.json").write_text(json.dumps(_synth_bank()), encoding="utf-8")
    (tmp_path / "99.ko.json").write_text(json.dumps({"items": {"99-mc": {
        "question": "하나를 고르세요.", "options": {"a": "빨간 사과"}}}}, ensure_ascii=False),
        encoding="utf-8")
    monkeypatch.setattr(bank, "BANK_DIR", tmp_path)
    monkeypatch.setenv("COURSE_LANG", "ko")
    item = quiz.localized(quiz.get_item("99-mc"))
    assert item.question == "하나를 고르세요." and item.hint == "Not red."
    assert item.options == {"a": "빨간 사과", "b": "Green pears (ripe)", "c": "Blue plums"}
    assert item.accept == quiz.get_item("99-mc").accept  # digests never change
    assert quiz.localized(quiz.get_item("99-sa")) == quiz.get_item("99-sa")  # no translation
    text = quiz.question_text("99-mc")
    assert text.startswith("[99-mc] (1점) 하나를 고르세요.") and "a) 빨간 사과" in text
    assert quiz.evaluate("99-mc", "a").feedback == ["힌트: Not red."]
    monkeypatch.setenv("COURSE_LANG", "en")
    assert quiz.question_text("99-mc").startswith("[99-mc] (1 point) Pick one.")


def test_a_broken_translation_never_breaks_a_check(tmp_path, monkeypatch):
    (tmp_path / "99.json").write_text(json.dumps(_synth_bank()), encoding="utf-8")
    (tmp_path / "99.ko.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(bank, "BANK_DIR", tmp_path)
    monkeypatch.setenv("COURSE_LANG", "ko")
    assert quiz.evaluate("99-mc", "b").correct
    assert quiz.evaluate("99-mc", "a").feedback == ["힌트: Not red."]
