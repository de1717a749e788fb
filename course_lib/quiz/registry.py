"""Where the quiz engine finds the behaviour checks of coding exercises.

The engine (`course_lib.quiz`) is generic; the checks are course content and live with the
course's question banks in `course_lib.quizzes` (`COURSE_CONTENT`). A content module
registers each check under the name a bank item gives in its "check" field::

    from course_lib.quiz.registry import exercise

    @exercise("maxout")
    def maxout(fn):                       # fn: the learner's function
        return [("test name", test), ...] # each test() raises behaviour.Fail when wrong

The content is imported on the first look-up, so loading a bank never depends on who
imported what first.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

COURSE_CONTENT = ("course_lib.quizzes.exercises",)  # modules that register this course's checks

# A check takes the learner's function and returns its behaviour tests: (name, test) pairs.
BehaviourTests = list[tuple[str, Callable[[], None]]]
ExerciseCheck = Callable[[Callable], BehaviourTests]

EXERCISES: dict[str, ExerciseCheck] = {}


def exercise(name: str) -> Callable[[ExerciseCheck], ExerciseCheck]:
    """Decorator: register `check` as the behaviour check called `name`."""

    def register(check: ExerciseCheck) -> ExerciseCheck:
        if EXERCISES.get(name, check) is not check:
            raise ValueError(f"exercise check {name!r} registered twice")
        EXERCISES[name] = check
        return check

    return register


def exercise_check(name: str) -> ExerciseCheck | None:
    """The check registered as `name` (None when no course content registers it)."""
    for module in COURSE_CONTENT:
        importlib.import_module(module)  # registers its checks once; cached afterwards
    return EXERCISES.get(name)
