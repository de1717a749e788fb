"""Quizzes and coding exercises with instant feedback, and grade records for the grader.

Quick use inside a notebook::

    from course_lib import quiz
    quiz.ask("02-q3")                       # shows the question (a widget when a frontend exists)
    q3_answer = (12, 34, 56)                # the learner's answer (an *answer* cell)
    quiz.check("02-q3", q3_answer)          # ✓ / ✗ with a hint (a *check* cell)
    quiz.check_exercise("02-ex1", maxout)   # runs behaviour tests on the learner's function

The engine, one concern per module: `bank` (items, loading, translations), `answers`
(normalising, canonical and key forms, sealed tokens and digests), `checking` (judging a quiz
answer), `records` (results, `GRADE_MIME`, emitting grade records), `exercises` (running an
exercise's behaviour tests), `registry` + `behaviour` (how course content plugs its checks
in), `widgets` (asking). The course's content (banks and exercise checks) is
`course_lib.quizzes`.

This module only re-exports the names notebooks, tools and tests use. Code inside
course_lib imports from the submodules instead.
"""

from course_lib.quiz.answers import (
    Sealed,
    answer_data,
    answer_digest,
    answer_from_data,
    canonical_forms,
    digest_of_token,
    key_forms,
    normalise_text,
    seal_token,
    sealed,
)
from course_lib.quiz.bank import (
    BANK_DIR,
    KINDS,
    AnswerFormatError,
    Item,
    bank_files,
    get_item,
    load_bank,
    localized,
    parse_bank,
)
from course_lib.quiz.checking import check, evaluate, evaluate_item
from course_lib.quiz.exercises import check_exercise, evaluate_exercise, use_answer
from course_lib.quiz.records import GRADE_MIME, RESULTS, Result, summary
from course_lib.quiz.widgets import ask, has_frontend, question_text

__all__ = [
    "BANK_DIR", "GRADE_MIME", "KINDS", "RESULTS", "AnswerFormatError", "Item",
    "Result", "Sealed", "answer_data", "answer_digest", "answer_from_data", "ask", "bank_files",
    "canonical_forms", "check", "check_exercise", "digest_of_token", "evaluate",
    "evaluate_exercise", "evaluate_item", "get_item", "has_frontend", "key_forms", "load_bank",
    "localized", "normalise_text", "parse_bank", "question_text", "seal_token", "sealed",
    "summary", "use_answer",
]
