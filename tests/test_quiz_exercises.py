"""Coding exercises (course_lib/quiz/exercises.py running the course's checks in
course_lib/quizzes/exercises.py): a right implementation passes, typical mistakes fail with a
message, and `use_answer` keeps a passing answer."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import quiz
from course_lib.quiz import records


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


@pytest.mark.slow  # imports TensorFlow
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
    monkeypatch.setattr(records, "RESULTS", {})
    quiz.use_answer("05-ex1", None, "reference")
    assert records.RESULTS == {}


@pytest.mark.slow  # imports TensorFlow
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
