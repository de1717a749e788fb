"""Checking quiz answers: judging one against the bank's digests, and the check cell's call."""

from __future__ import annotations

from typing import Any

from course_lib import messages
from course_lib.quiz.answers import (
    Sealed,
    answer_data,
    answer_digest,
    canonical_forms,
    digest_of_token,
)
from course_lib.quiz.bank import AnswerFormatError, Item, get_item, load_bank, localized
from course_lib.quiz.records import Result, emit


def evaluate(item_id: str, answer: Any) -> Result:
    """Judge a quiz answer without printing anything."""
    result = evaluate_item(get_item(item_id), answer)
    result.answer = answer_data(answer)
    return result


def evaluate_item(item: Item, answer: Any) -> Result:
    """Judge an answer against one item (the grader passes the items of its own key)."""
    item_id = item.id
    if item.kind == "code-exercise":
        raise ValueError(f"{item_id} is a coding exercise: use quiz.check_exercise")
    if answer is None or answer is Ellipsis:
        return Result(item_id, 0.0, item.points, False,
                      [messages.text("quiz.no_answer")])
    if isinstance(answer, Sealed):
        ok = digest_of_token(answer.token) in item.accept
        return Result(item_id, item.points if ok else 0.0, item.points, ok,
                      [] if ok else [messages.text("quiz.sealed_wrong")],
                      sealed=True)
    if not item.accept:  # keyless student edition: the grader judges it
        return Result(item_id, 0.0, item.points, False,
                      [messages.text("quiz.keyless")])
    try:
        forms = canonical_forms(item, answer)
    except AnswerFormatError as e:
        return Result(item_id, 0.0, item.points, False,
                      [messages.text("quiz.cannot_read", error=e)])
    accepted = set(item.accept)
    ok = any(answer_digest(item, f) in accepted for f in forms)
    hint = localized(item).hint
    fb = [] if ok else ([messages.text("quiz.hint", hint=hint)] if hint else [])
    return Result(item_id, item.points if ok else 0.0, item.points, ok, fb)


def check(item_id: str, answer: Any) -> bool:
    """Check a quiz answer, print ✓/✗ (with a hint when wrong) and record the grade."""
    try:
        result = evaluate(item_id, answer)
    except Exception as e:  # a check cell must never crash the notebook
        item = load_bank().get(item_id)
        result = Result(item_id, 0.0, item.points if item else 1.0, False,
                        [messages.text("quiz.could_not_check", error=f"{type(e).__name__}: {e}")])
    emit(result)
    return result.correct
