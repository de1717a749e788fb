"""Shared by the tests/test_quiz_*.py files: a synthetic bank with one item of every answer
kind (so no plaintext answer of a course item appears in the tests) and the sealed tokens
that docs/GRADED_CELLS.md publishes for the course items."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from course_lib import quiz
from course_lib.quiz import bank, records

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "GRADED_CELLS.md"


SYNTH = {
    "salt": "test-salt-0123456789",
    "items": [
        {"id": "99-mc", "kind": "multiple-choice", "points": 1, "question": "Pick one.",
         "options": {"a": "Red apples", "b": "Green pears (ripe)", "c": "Blue plums"},
         "hint": "Not red."},
        {"id": "99-sa", "kind": "short-answer", "points": 2, "question": "Name it.",
         "hint": "Two words."},
        {"id": "99-num", "kind": "number", "points": 1, "question": "How much?",
         "step": 0.01, "tol": 0.02},
        {"id": "99-shape", "kind": "shape", "points": 1, "question": "Which shape?"},
        {"id": "99-ord", "kind": "ordering", "points": 1, "question": "Order them.",
         "options": {"a": "first", "b": "second", "c": "third"}},
        {"id": "99-ex", "kind": "code-exercise", "points": 3, "question": "Write maxout.",
         "check": "maxout", "signature": "maxout(z, units, pieces)"},
    ],
}


SYNTH_ANSWERS = {"99-mc": ["b"], "99-sa": ["binary cross-entropy", "bce"], "99-num": [0.25],
                 "99-shape": [(30, 30, 1)], "99-ord": ["c,a,b"]}


def _synth_bank() -> dict:
    data = json.loads(json.dumps(SYNTH))
    items = quiz.parse_bank({**data, "items": [{**i, "accept": ["x"]} for i in data["items"]]})
    for raw in data["items"]:
        if raw["id"] in SYNTH_ANSWERS:
            item = items[raw["id"]]
            raw["accept"] = [quiz.answer_digest(item, f) for a in SYNTH_ANSWERS[raw["id"]]
                             for f in quiz.key_forms(item, a)]
    return data


@pytest.fixture
def synth(tmp_path, monkeypatch):
    (tmp_path / "99.json").write_text(json.dumps(_synth_bank()), encoding="utf-8")
    monkeypatch.setattr(bank, "BANK_DIR", tmp_path)
    records.RESULTS.clear()
    return quiz.load_bank(tmp_path)


def _doc_tokens() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    return dict(re.findall(r"\| (\d\d-q\d) \|[^|\n]*quiz\.sealed\(\"([0-9a-f]{64})\"\)", text))
