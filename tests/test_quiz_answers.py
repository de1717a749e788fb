"""Reading answers: normalisation, canonical forms of every kind, sealed tokens and digests
(course_lib/quiz/answers.py), and tools/make_quiz_keys.py that writes them into a bank."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from course_lib import quiz
from tests import quiz_fixtures
from tests.quiz_fixtures import ROOT, _doc_tokens, _synth_bank

synth = quiz_fixtures.synth  # the synthetic-bank fixture, used by name


def test_normalise_text():
    assert quiz.normalise_text("  Binary   Cross-Entropy. ") == "binary cross-entropy"
    assert quiz.normalise_text("\u201cQuoted\u201d\tTEXT!") == '"quoted" text'
    assert quiz.normalise_text("ﬁne") == "fine"  # NFKC ligature


@pytest.mark.parametrize("answer,ok", [
    ("b", True), ("B", True), (" (b) ", True), ("b)", True), ("green pears (ripe)", True),
    ("Green  Pears (Ripe).", True), ("a", False), ("c", False), ("red apples", False),
])
def test_multiple_choice(synth, answer, ok):
    assert quiz.evaluate("99-mc", answer).correct is ok


@pytest.mark.parametrize("answer", [1, True, ["b"], "z", "purple"])
def test_multiple_choice_unreadable_answers_explain_the_format(synth, answer):
    r = quiz.evaluate("99-mc", answer)
    assert not r.correct and r.feedback and "Cannot read" in r.feedback[0]


@pytest.mark.parametrize("answer,ok", [
    ("Binary Cross-Entropy", True), ("  binary   cross-entropy. ", True), ("BCE", True),
    ("binary cross entropy", False), ("mse", False),
])
def test_short_answer_accepts_several_normalised_answers(synth, answer, ok):
    assert quiz.evaluate("99-sa", answer).correct is ok


@pytest.mark.parametrize("answer,ok", [
    (0.25, True), (0.26, True), (0.2701, False), (0.23, True), (0.2299, False), ("0.25", True),
    (np.float32(0.251), True), (np.array([0.24]), True), (float("nan"), False), ("x", False),
    (1e300, False), (-float("inf"), False),
])
def test_number_tolerance_without_storing_the_number(synth, answer, ok):
    assert quiz.evaluate("99-num", answer).correct is ok
    text = json.dumps(_synth_bank())
    assert "0.25" not in text and "25" not in re.sub(r"[0-9a-f]{64}", "", text)


@pytest.mark.parametrize("answer,ok", [
    ((30, 30, 1), True), ([30, 30, 1], True), ("(30, 30, 1)", True), ("30x30x1", True),
    (np.array([30, 30, 1]), True), ((30.0, 30, 1), True), ((30, 30), False),
    ((1, 30, 30), False), ((30.5, 30, 1), False),
])
def test_shape(synth, answer, ok):
    assert quiz.evaluate("99-shape", answer).correct is ok


@pytest.mark.parametrize("answer,ok", [
    ("c,a,b", True), ("C, A, B", True), ("cab", True), (["c", "a", "b"], True),
    ("c > a > b", True), ("a,b,c", False), ("c,a,x", False),
])
def test_ordering(synth, answer, ok):
    assert quiz.evaluate("99-ord", answer).correct is ok


def test_none_means_not_answered(synth):
    r = quiz.evaluate("99-shape", None)
    assert not r.correct and "No answer yet" in r.feedback[0]


def test_sealed_tokens_in_the_docs_open_the_bank(capsys):
    tokens = _doc_tokens()
    quiz_items = {i for i, it in quiz.load_bank().items() if it.kind != "code-exercise"}
    assert set(tokens) == quiz_items
    for item_id, token in tokens.items():
        assert quiz.check(item_id, quiz.sealed(token)), item_id
        assert quiz.RESULTS[item_id].sealed
    other = next(iter(set(tokens) - {"02-q3"}))
    assert not quiz.check("02-q3", quiz.sealed(tokens[other]))  # tokens are per item
    with pytest.raises(ValueError):
        quiz.sealed("not-a-token")


def test_make_quiz_keys_round_trip(tmp_path):
    bank = _synth_bank()
    for raw in bank["items"]:
        raw.pop("accept", None)
    path = tmp_path / "99.json"
    path.write_text(json.dumps(bank), encoding="utf-8")
    tool = [sys.executable, str(ROOT / "tools" / "make_quiz_keys.py")]
    answers = json.dumps({"99-mc": "b", "99-shape": [30, 30, 1], "99-sa": ["bce", "b c e"],
                          "99-num": 0.25, "99-ord": ["c", "a", "b"]})
    out = subprocess.run([*tool, "keys", str(path)], input=answers, capture_output=True,
                         text=True, check=True).stdout
    tokens = dict(re.findall(r"(99-\w+): quiz\.sealed\(\"([0-9a-f]{64})\"\)", out))
    assert set(tokens) == {"99-mc", "99-shape", "99-sa", "99-num", "99-ord"}
    written = path.read_text(encoding="utf-8")
    assert '"b c e"' not in written and "0.25" not in written
    items = quiz.parse_bank(json.loads(written))
    assert len(items["99-sa"].accept) == 2 and len(items["99-shape"].accept) == 1
    for item_id, token in tokens.items():
        assert quiz.digest_of_token(token) in items[item_id].accept
    ans = tmp_path / "answers.json"
    ans.write_text(answers, encoding="utf-8")
    subprocess.run([*tool, "verify", str(path), "--answers", str(ans)], check=True,
                   capture_output=True)
    seal = subprocess.run([*tool, "seal", str(path), "99-shape", "[30, 30, 1]"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert seal == tokens["99-shape"]
