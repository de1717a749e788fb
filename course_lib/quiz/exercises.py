"""Coding exercises: running a learner's function through its behaviour tests.

The tests themselves are course content (`course_lib.quizzes.exercises`), found by name
through `course_lib.quiz.registry`.
"""

from __future__ import annotations

from typing import Any

from course_lib import messages
from course_lib.quiz.bank import get_item, load_bank, localized
from course_lib.quiz.behaviour import Fail
from course_lib.quiz.records import Result, emit
from course_lib.quiz.registry import exercise_check


def evaluate_exercise(item_id: str, fn: Any) -> Result:
    """Run an exercise's behaviour tests on `fn` without printing; partial credit per test."""
    item = get_item(item_id)
    if item.kind != "code-exercise":
        raise ValueError(f"{item_id} is a quiz question: use quiz.check")
    if fn is None or not callable(fn):
        return Result(item_id, 0.0, item.points, False,
                      [messages.text("quiz.define_first", signature=localized(item).signature
                                     or messages.text("quiz.see_above"))])
    tests = exercise_check(item.check)(fn)
    passed, lines = 0, []
    for name, test in tests:
        try:
            test()
        except Fail as e:
            lines.append(f"✗ {name}: {e}")
        except NotImplementedError:
            lines.append(messages.text("quiz.test_not_implemented", name=name))
        except Exception as e:
            lines.append(messages.text("quiz.test_raised", name=name,
                                       error=f"{type(e).__name__}: {str(e)[:200]}"))
        else:
            passed += 1
            lines.append(f"✓ {name}")
    frac = passed / len(tests)
    ok = passed == len(tests)
    hint = localized(item).hint
    if not ok and hint:
        lines.append(messages.text("quiz.hint", hint=hint))
    return Result(item_id, round(item.points * frac, 6), item.points, ok, lines)


def check_exercise(item_id: str, fn: Any) -> bool:
    """Test the learner's function on fixed inputs, print per-test ✓/✗, record the grade."""
    try:
        result = evaluate_exercise(item_id, fn)
    except Exception as e:
        item = load_bank().get(item_id)
        result = Result(item_id, 0.0, item.points if item else 1.0, False,
                        [messages.text("quiz.could_not_run", error=f"{type(e).__name__}: {e}")])
    emit(result)
    return result.correct


def use_answer(item_id: str, answer: Any, reference: Any, what: str | None = None) -> Any:
    """The learner's exercise answer when it passes its check, else the library's reference.

    This is how an exercise *counts*: the lesson goes on with what this returns (the
    learner's loss trains the model, their layer sits in the discriminator). A missing
    answer, a `raise NotImplementedError()` placeholder or any failed behaviour test gives one
    visible line and `reference`, so a blank student edition still runs top to bottom.
    Nothing is graded or recorded here: the check cell does that.
    """
    name = what or get_item(item_id).check.replace("_", " ")
    try:
        ok = callable(answer) and evaluate_exercise(item_id, answer).correct
    except Exception:
        ok = False
    if ok:
        print(messages.text("quiz.using_yours", name=name, item=item_id))
        return answer
    print(messages.text("quiz.using_reference", name=name, item=item_id))
    return reference

