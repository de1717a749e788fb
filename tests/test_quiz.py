"""The quiz engine: normalisation, hashed answers, sealed tokens, feedback, exercise checks.

No plaintext answer of a course item appears here (they must not be in the repository):
course items are checked through their sealed tokens (from docs/GRADED_CELLS.md) and the
answer-matching logic through a synthetic bank written to a temporary folder.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from course_lib import quiz

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "GRADED_CELLS.md"


# --------------------------------------------------------------------------------------------
# A synthetic bank with one item of every answer kind
# --------------------------------------------------------------------------------------------

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
    monkeypatch.setattr(quiz, "BANK_DIR", tmp_path)
    quiz.RESULTS.clear()
    return quiz.load_bank(tmp_path)


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


def test_grade_record_is_displayed_inside_a_kernel(synth, monkeypatch):
    shown = []
    import IPython.display

    monkeypatch.setattr(quiz, "_in_kernel", lambda: True)
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


def test_ask_headless_prints_question_and_options(synth, capsys, monkeypatch):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    assert not quiz.has_frontend()
    quiz.ask("99-mc")
    out = capsys.readouterr().out
    assert "[99-mc]" in out and "b) Green pears (ripe)" in out and "letter" in out


def test_widget_bundle_has_plain_text_fallback(synth):
    pytest.importorskip("ipywidgets")
    w = quiz._widget(quiz.get_item("99-mc"), quiz.question_text("99-mc"))
    bundle = w._repr_mimebundle_()
    assert bundle["text/plain"].startswith("[99-mc]")
    assert "application/vnd.jupyter.widget-view+json" in bundle


# --------------------------------------------------------------------------------------------
# The course bank
# --------------------------------------------------------------------------------------------

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
    for path in quiz._bank_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        for raw in data["items"]:
            assert set(raw) <= {"id", "kind", "points", "question", "hint", "options", "accept",
                                "step", "tol", "check", "signature"}, raw["id"]
            assert all(re.fullmatch(r"[0-9a-f]{64}", d) for d in raw.get("accept", []))


def _doc_tokens() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    return dict(re.findall(r"\| (\d\d-q\d) \|[^|\n]*quiz\.sealed\(\"([0-9a-f]{64})\"\)", text))


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


def test_every_wrong_option_is_rejected(capsys):
    """Exactly one option of each course multiple-choice item is accepted."""
    for item in quiz.load_bank().values():
        if item.kind == "multiple-choice":
            assert sum(quiz.evaluate(item.id, k).correct for k in item.options) == 1, item.id


# --------------------------------------------------------------------------------------------
# Coding exercises: a right implementation passes, typical mistakes fail with a message
# --------------------------------------------------------------------------------------------


def _bce(labels, logits):
    x = np.asarray(logits, np.float64)
    return np.mean(np.maximum(x, 0) - x * labels + np.log1p(np.exp(-np.abs(x))))


def test_01_ex1_discriminator_loss():
    def good(real, fake):
        return _bce(1.0, real) + _bce(0.0, fake)

    def swapped(real, fake):
        return _bce(0.0, real) + _bce(1.0, fake)

    assert quiz.evaluate_exercise("01-ex1", good).correct
    bad = quiz.evaluate_exercise("01-ex1", swapped)
    assert not bad.correct and any("label 1" in f for f in bad.feedback)


def test_01_ex1_with_keras_loss_on_tensors():
    tf = pytest.importorskip("tensorflow")
    bce = tf.keras.losses.BinaryCrossentropy(from_logits=True)

    def keras_loss(real, fake):
        return bce(tf.ones_like(real), real) + bce(tf.zeros_like(fake), fake)

    assert quiz.evaluate_exercise("01-ex1", keras_loss).correct


def test_02_ex1_maxout():
    def good(z, units, pieces):
        z = np.asarray(z)
        return z.reshape(z.shape[0], 1, pieces, units).max(axis=2)  # the lesson's (b, 1, u)

    def wrong_grouping(z, units, pieces):
        z = np.asarray(z)
        return z.reshape(z.shape[0], units, pieces).max(axis=-1)

    def wrong_axis(z, units, pieces):
        z = np.asarray(z)
        return z.reshape(z.shape[0], pieces, units).max(axis=2)

    assert quiz.evaluate_exercise("02-ex1", good).correct
    assert quiz.evaluate_exercise("02-ex1", wrong_grouping).score == 0
    r = quiz.evaluate_exercise("02-ex1", wrong_axis)
    assert r.score == 0 and any("pieces" in f for f in r.feedback)


def test_03_ex1_pix2pix_generator_loss_partial_credit():
    def make(lam):
        def loss(disc, gen, target):
            gan = _bce(1.0, disc)
            l1 = np.mean(np.abs(np.asarray(target, np.float64) - np.asarray(gen)))
            return gan + lam * l1, gan, l1
        return loss

    assert quiz.evaluate_exercise("03-ex1", make(100.0)).correct
    r = quiz.evaluate_exercise("03-ex1", make(1.0))  # forgot lambda
    assert not r.correct and r.score == pytest.approx(2 * 2 / 3)
    assert any("100" in f for f in r.feedback)
    r = quiz.evaluate_exercise("03-ex1", lambda d, g, t: 1.0)
    assert r.score == 0 and any("three values" in f for f in r.feedback)


def _augment(rng, independent=False):
    def aug(sketch, colour):
        pair = np.concatenate([np.asarray(sketch), np.asarray(colour)], axis=-1)
        pair = np.pad(pair, ((30, 30), (30, 30), (0, 0)), mode="reflect")
        out = []
        for part in (pair[..., :3], pair[..., 3:]):
            if independent or not out:
                y, x = rng.integers(0, 61, size=2)
                k, flip = rng.integers(0, 4), rng.random() < 0.5
            p = part[y:y + 256, x:x + 256]
            p = np.rot90(p[:, ::-1] if flip else p, k)
            out.append(p)
        return out[0], out[1]
    return aug


def test_04_ex1_paired_augmentation():
    rng = np.random.default_rng(0)
    assert quiz.evaluate_exercise("04-ex1", _augment(rng)).correct
    r = quiz.evaluate_exercise("04-ex1", _augment(rng, independent=True))
    assert not r.correct and any("aligned" in f for f in r.feedback)
    r = quiz.evaluate_exercise("04-ex1", lambda s, c: (s, c))
    assert not r.correct and any("random" in f for f in r.feedback)


def test_05_ex1_image_metrics():
    def good(pred, target):
        err = np.asarray(pred, np.float64) - np.asarray(target)
        return np.mean(np.abs(err)), 10 * np.log10(4.0 / np.mean(err**2))

    def psnr_range_one(pred, target):
        err = np.asarray(pred, np.float64) - np.asarray(target)
        return np.mean(np.abs(err)), 10 * np.log10(1.0 / np.mean(err**2))

    assert quiz.evaluate_exercise("05-ex1", good).correct
    r = quiz.evaluate_exercise("05-ex1", psnr_range_one)
    assert not r.correct and 0 < r.score < r.max_score


def test_exercise_feedback_for_missing_or_broken_functions(capsys):
    r = quiz.evaluate_exercise("02-ex1", None)
    assert r.score == 0 and "Define the function" in r.feedback[0]

    def todo(z, units, pieces):
        raise NotImplementedError()

    r = quiz.evaluate_exercise("02-ex1", todo)
    assert r.score == 0 and "not implemented yet" in r.feedback[0]
    assert quiz.check_exercise("02-ex1", lambda *a: 1 / 0) is False
    assert "ZeroDivisionError" in capsys.readouterr().err


def test_use_answer_keeps_a_passing_answer_and_falls_back_otherwise(capsys):
    def good(z, units, pieces):
        return np.asarray(z).reshape(-1, pieces, units).max(axis=1)

    def wrong_axis(z, units, pieces):
        return np.asarray(z).reshape(-1, pieces, units).max(axis=-1)

    def todo(z, units, pieces):
        raise NotImplementedError()

    def reference(z, units, pieces):
        return good(z, units, pieces)

    assert quiz.use_answer("02-ex1", good, reference) is good
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "Using your maxout (02-ex1)" in out
    for answer in (None, todo, wrong_axis, 42):
        assert quiz.use_answer("02-ex1", answer, reference, what="Maxout") is reference
        out = capsys.readouterr()
        assert out.out.count("\n") == 1, answer  # exactly one visible line
        assert "Your Maxout (02-ex1) is missing or failed its check" in out.out
        assert "course_lib's reference" in out.out and out.err == ""


def test_use_answer_records_no_grade(capsys, monkeypatch):
    monkeypatch.setattr(quiz, "RESULTS", {})
    quiz.use_answer("05-ex1", None, "reference")
    assert quiz.RESULTS == {}


def test_the_fallback_references_pass_their_own_checks():
    """What the notebooks fall back on (quiz.use_answer) is a right answer of each exercise."""
    pytest.importorskip("tensorflow")
    from course_lib import data, evaluation, losses, models

    references = {
        "01-ex1": losses.discriminator_loss,
        "02-ex1": models.maxout,
        "03-ex1": lambda d, g, t: losses.pix2pix_generator_loss(d, g, t, 100),
        "04-ex1": data.paired_augment,
        "05-ex1": evaluation.l1_psnr,
    }
    for item_id, reference in references.items():
        result = quiz.evaluate_exercise(item_id, reference)
        assert result.correct, (item_id, result.feedback)


def test_translations_are_not_banks(tmp_path):
    (tmp_path / "09.json").write_text(json.dumps({"salt": "0123456789abcdef", "items": []}))
    (tmp_path / "09.ko.json").write_text(json.dumps({"items": {}}))
    assert [p.name for p in quiz._bank_files(tmp_path)] == ["09.json"]


def test_quiz_module_does_not_import_tensorflow():
    code = "import sys; from course_lib import quiz; quiz.load_bank(); " \
           "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert out.split() == ["False", "False"]


# --------------------------------------------------------------------------------------------
# tools/make_quiz_keys.py
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Languages: course_lib.messages and the quiz translations (quizzes/NN.<lang>.json)
# --------------------------------------------------------------------------------------------


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


def test_translations_are_not_part_of_the_bank():
    names = [p.name for p in quiz._bank_files()]
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
    monkeypatch.setattr(quiz, "BANK_DIR", tmp_path)
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


def test_a_broken_translation_never_breaks_a_check(tmp_path, monkeypatch):
    (tmp_path / "99.json").write_text(json.dumps(_synth_bank()), encoding="utf-8")
    (tmp_path / "99.ko.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(quiz, "BANK_DIR", tmp_path)
    monkeypatch.setenv("COURSE_LANG", "ko")
    assert quiz.evaluate("99-mc", "b").correct
    assert quiz.evaluate("99-mc", "a").feedback == ["힌트: Not red."]
