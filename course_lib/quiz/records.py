"""Grade records: the outcome of one check, and how it reaches the learner and the grader.

Every check emits two things: human feedback (stdout when right, stderr when wrong, so
nbgrader's autograder also scores a wrong answer 0) and, inside a Jupyter kernel, a display
output with MIME type `GRADE_MIME` that the grader reads from the executed notebook.
`GRADE_MIME` is defined here only; the grader imports it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from course_lib import messages

GRADE_MIME = "application/vnd.course.grade+json"


@dataclass
class Result:
    """Outcome of one check: what the learner sees and what the grader records."""

    item_id: str
    score: float
    max_score: float
    correct: bool
    feedback: list[str]
    sealed: bool = False
    answer: Any = None  # quiz items: the answer as plain data, re-judged by the grader

    def record(self) -> dict:
        return {
            "grade_id": self.item_id,
            "score": round(self.score, 6),
            "max_score": self.max_score,
            "correct": self.correct,
            "sealed": self.sealed,
            "feedback": self.feedback,
            "answer": self.answer,
            "version": 2,
        }


RESULTS: dict[str, Result] = {}  # latest result per item in this session


def in_kernel() -> bool:
    ip = sys.modules.get("IPython")
    if ip is None:
        return False
    try:
        shell = ip.get_ipython()
    except Exception:
        return False
    return shell is not None and getattr(shell, "kernel", None) is not None


def emit(result: Result) -> None:
    """Print the feedback and, inside a kernel, the machine-readable grade record."""
    RESULTS[result.item_id] = result
    pts = messages.text("quiz.points", score=f"{result.score:g}", max=f"{result.max_score:g}",
                        s="s" if result.max_score != 1 else "")
    key = "correct" if result.correct else "partly" if result.score > 0 else "not_yet"
    lines = [messages.text(f"quiz.{key}", item=result.item_id, pts=pts)]
    lines += [f"  {line}" for line in result.feedback]
    stream = sys.stdout if result.correct else sys.stderr
    print("\n".join(lines), file=stream, flush=True)
    if in_kernel():
        from IPython.display import display

        display(
            {GRADE_MIME: result.record(), "text/plain": f"[grade] {result.item_id}: {pts}"},
            raw=True,
        )


def summary() -> str:
    """Scores of every item checked in this session (print it at the end of a notebook)."""
    if not RESULTS:
        return messages.text("quiz.summary_none")
    rows = [f"{'✓' if r.correct else '✗'} {r.item_id:8s} {r.score:g}/{r.max_score:g}"
            for r in RESULTS.values()]
    got = sum(r.score for r in RESULTS.values())
    total = sum(r.max_score for r in RESULTS.values())
    total_line = messages.text("quiz.summary_total", got=f"{got:g}", total=f"{total:g}")
    return "\n".join([*rows, total_line])
