"""Graded cells: reading nbgrader metadata, tags and roles of a notebook's cells.

Conventions (cell tags, nbgrader metadata, solution markers): docs/GRADED_CELLS.md. The tags
that make the grader skip a cell (`SKIP_TAGS`) and the one that hides a demo's output from
students (`REVEALS_ANSWER`) are defined here only.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from course_lib.quiz.bank import load_bank
from course_lib.quiz.records import GRADE_MIME

SKIP_TAGS = {"skip-grading", "skip-execution"}  # cells the grader does not run
REVEALS_ANSWER = "reveals-answer"  # a demo cell after a quiz whose stored output is its answer


@dataclass(frozen=True)
class GradedCell:
    """A cell that carries nbgrader grading metadata."""

    index: int  # position in the notebook (0-based)
    grade_id: str
    role: str  # "answer" (solution), "check" (autograded), "manual" (graded solution)
    points: float
    cell_type: str
    source: str

    @property
    def item_id(self) -> str:
        """The bank item this cell belongs to (`02-q3-answer` -> `02-q3`)."""
        return self.grade_id[: -len("-answer")] if self.grade_id.endswith("-answer") \
            else self.grade_id


def nbgrader_meta(cell) -> dict:
    md = cell.get("metadata") or {}
    nbg = md.get("nbgrader") if isinstance(md, dict) else None
    return nbg if isinstance(nbg, dict) else {}


def cell_source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src or "")


def cell_tags(cell) -> list[str]:
    md = cell.get("metadata") or {}
    tags = md.get("tags", []) if isinstance(md, dict) else []
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


_CHECK_CALL = re.compile(r"\bquiz\s*\.\s*check(?:_exercise)?\(\s*[\"']([\w.-]+)[\"']")


def _grade_info(cell) -> tuple[str, str, float] | None:
    """(grade_id, role, points) of a graded cell, or None.

    nbgrader metadata decides. A cell tagged `check` without nbgrader metadata still counts
    when its source calls `quiz.check("<id>", ...)` once (points then come from the bank).
    """
    m = nbgrader_meta(cell)
    if m.get("grade_id"):
        grade, solution = bool(m.get("grade")), bool(m.get("solution"))
        role = "check" if grade and not solution else "manual" if grade else \
            "answer" if solution else None
        return (str(m["grade_id"]), role, _points(m.get("points", 0))) if role else None
    if "check" in cell_tags(cell) and cell.get("cell_type") == "code":
        ids = _CHECK_CALL.findall(cell_source(cell))
        if len(ids) == 1:
            return ids[0], "check", _bank_points(ids[0])
    return None


def _bank_points(item_id: str) -> float:
    try:
        item = load_bank().get(item_id)
    except Exception:
        item = None
    return item.points if item else 0.0


def cell_role(cell) -> str | None:
    """'check', 'answer', 'manual', or None for an ungraded cell."""
    info = _grade_info(cell)
    return info[1] if info else None


def _points(value) -> float:
    try:
        p = float(value)
    except (TypeError, ValueError):
        return 0.0
    return p if math.isfinite(p) and p >= 0 else 0.0


def graded_cells(nb) -> list[GradedCell]:
    """Every answer, check and manually graded cell of a notebook, in notebook order."""
    out = []
    for i, cell in enumerate(nb.get("cells", [])):
        info = _grade_info(cell)
        if info is None:
            continue
        grade_id, role, points = info
        out.append(GradedCell(i, grade_id, role, points, cell.get("cell_type", "code"),
                              cell_source(cell)))
    return out


def check_cells(nb) -> dict[str, list[GradedCell]]:
    found: dict[str, list[GradedCell]] = {}
    for g in graded_cells(nb):
        if g.role == "check":
            found.setdefault(g.grade_id, []).append(g)
    return found


def normalise_source(src: str) -> str:
    """Source with blank lines, full-line comments and trailing spaces dropped."""
    lines = [ln.rstrip() for ln in src.split("\n")]
    return "\n".join(ln for ln in lines if ln.strip() and not ln.strip().startswith("#"))


def has_grade_output(cell) -> bool:
    for out in cell.get("outputs", []) or []:
        if isinstance(out, dict) and GRADE_MIME in (out.get("data") or {}):
            return True
    return False
