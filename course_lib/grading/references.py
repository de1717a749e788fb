"""Reference notebooks: the handed-out notebooks whose check cells the grader trusts.

Where they come from (`reference_dir`): `grade --reference DIR` (or notebooks), else the
folder COURSE_REFERENCE_DIR names, else the nearest `instructor/` folder in the current
directory or its parents (a course checkout). For each submission the grader picks the
reference sharing the most graded ids, else the most identical code cells.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from course_lib.grading.cells import (
    SKIP_TAGS,
    GradedCell,
    cell_source,
    cell_tags,
    graded_cells,
    normalise_source,
)
from course_lib.grading.notebooks import notebooks_in, read_notebook
from course_lib.quiz.bank import load_bank

REFERENCE_ENV = "COURSE_REFERENCE_DIR"
REFERENCE_FOLDER = "instructor"  # where a course checkout keeps its reference notebooks


def _code_sources(nb) -> set[str]:
    """Normalised sources of the notebook's non-empty code cells."""
    found = set()
    for cell in nb.get("cells", []) if nb else []:
        if cell.get("cell_type") == "code":
            src = normalise_source(cell_source(cell))
            if src:
                found.add(src)
    return found


@dataclass
class Reference:
    path: Path | None
    checks: dict[str, GradedCell]  # grade_id -> check cell
    manual: dict[str, GradedCell]
    order: list[str]
    # normalised code-cell sources: recognise a submission whose graded cells are all gone
    code: frozenset[str] = frozenset()
    # normalised sources of its skip-grading cells: only these may be skipped in a submission
    skipped: frozenset[str] = frozenset()

    @classmethod
    def from_notebook(cls, nb, path: Path | None = None) -> Reference:
        checks, manual, order = {}, {}, []
        for g in graded_cells(nb):
            if g.role == "check" and g.grade_id not in checks:
                checks[g.grade_id] = g
                order.append(g.grade_id)
            elif g.role == "manual" and g.grade_id not in manual:
                manual[g.grade_id] = g
                order.append(g.grade_id)
        skipped = {normalise_source(cell_source(c)) for c in nb.get("cells", [])
                   if c.get("cell_type") == "code" and SKIP_TAGS & set(cell_tags(c))}
        return cls(path, checks, manual, order, frozenset(_code_sources(nb)),
                   frozenset(skipped))

    @property
    def max_score(self) -> float:
        return sum(g.points for g in self.checks.values())


def bank_reference(item_ids: Iterable[str]) -> Reference | None:
    """Fallback when no reference notebook: the bank's items of the notebooks seen."""
    try:
        bank = load_bank()
    except Exception:
        return None
    prefixes = {i.split("-", 1)[0] for i in item_ids}
    checks, order = {}, []
    for item in bank.values():
        if item.notebook in prefixes:
            checks[item.id] = GradedCell(-1, item.id, "check", item.points, "code", "")
            order.append(item.id)
    return Reference(None, checks, {}, order) if checks else None


def changed_skipped_cells(nb, ref: Reference) -> list[int]:
    """Indices of skip-tagged code cells that are not (up to comments and blank lines) one of
    the reference's skip-tagged cells: the student edited or added them."""
    return [i for i, c in enumerate(nb.get("cells", []))
            if c.get("cell_type") == "code" and SKIP_TAGS & set(cell_tags(c))
            and normalise_source(cell_source(c)) not in ref.skipped]


def ids_in(nb) -> set[str]:
    return {g.item_id for g in graded_cells(nb)}


_GRADE_ID_IN_TEXT = re.compile(r'"grade_id"\s*:\s*"([\w.-]+)"')
MIN_SHARED_CELLS = 3  # identical code cells needed to recognise a notebook without graded ids


def _ref_by_ids(ids: set[str], refs: list[Reference]) -> Reference | None:
    best, best_n = None, 0
    for ref in refs:
        n = len(ids & (set(ref.checks) | set(ref.manual)))
        if n > best_n:
            best, best_n = ref, n
    return best


def choose_reference(nb, refs: list[Reference]) -> Reference | None:
    """The reference sharing the most graded ids, else the most identical code cells."""
    best = _ref_by_ids(ids_in(nb), refs)
    if best is not None:
        return best
    code = _code_sources(nb)
    best_n = MIN_SHARED_CELLS - 1
    for ref in refs:
        n = len(code & ref.code)
        if n > best_n:
            best, best_n = ref, n
    return best


def ref_for_unreadable(raw: bytes, refs: list[Reference] | None) -> Reference | None:
    """Guess the reference of a file that is not valid JSON from the grade ids in its text."""
    if not refs:
        return None
    text = raw.decode("utf-8", errors="replace")
    ids = {g[: -len("-answer")] if g.endswith("-answer") else g
           for g in _GRADE_ID_IN_TEXT.findall(text)}
    return _ref_by_ids(ids, refs)


class ReferenceNotFound(ValueError):
    """No reference notebooks were given and none could be found."""


def reference_dir(start: str | Path | None = None) -> Path:
    """The folder of reference notebooks when `grade --reference` gives none.

    COURSE_REFERENCE_DIR when set, else the nearest `instructor/` folder in `start` (default:
    the current directory) or its parents. Raises ReferenceNotFound saying how to give one.
    """
    chosen = os.environ.get(REFERENCE_ENV, "").strip()
    if chosen:
        folder = Path(chosen).expanduser()
        if not folder.is_dir():
            raise ReferenceNotFound(f"{REFERENCE_ENV}={chosen} is not a folder")
        return folder
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / REFERENCE_FOLDER).is_dir():
            return folder / REFERENCE_FOLDER
    raise ReferenceNotFound(
        f"no reference notebooks: no {REFERENCE_FOLDER}/ folder in {here} or its parents. "
        f"Pass the handed-out (instructor) notebooks with --reference DIR_OR_NOTEBOOK, set "
        f"{REFERENCE_ENV}=DIR, run from inside a course checkout, or --reference none to "
        "trust the submissions' own check cells.")


def course_references(folder: str | Path | None = None) -> list[Reference]:
    """The reference notebooks with check cells in `folder` (default: `reference_dir()`)."""
    refs = []
    for path in notebooks_in([folder or reference_dir()]):
        try:
            ref = Reference.from_notebook(read_notebook(path), path)
        except Exception:
            continue
        if ref.checks:
            refs.append(ref)
    return refs
