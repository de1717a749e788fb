"""Scoring an executed notebook: its check cells' grade records, re-judged by the grader.

Pure JSON reading. A record only counts when it sits in a locked check cell whose source
matches the reference's; quiz answers are re-judged with the grader's key and exercises
re-run (`course_lib.grading.trust`).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from course_lib.grading import trust
from course_lib.grading.cells import (
    GRADE_MIME,
    cell_role,
    cell_source,
    cell_tags,
    check_cells,
    graded_cells,
    normalise_source,
)
from course_lib.grading.references import Reference
from course_lib.grading.runner import Execution
from course_lib.quiz.bank import load_bank

DETAILED_EXCEPTIONS = 2  # exceptions spelled out in the CSV; later ones only counted there
FAKE_GRADE_PATTERNS = (
    re.compile(r"vnd\.course\.grade"),
    # the quiz engine is a package: `quiz.records.emit = ...` patches it as much as `quiz.x = ...`
    re.compile(r"\bquiz(?:\s*\.\s*\w+)+\s*=[^=]"),
    re.compile(r"setattr\s*\(\s*quiz\b"),
    re.compile(r"\bquiz(?:\s*\.\s*\w+)*\s*\.\s*(RESULTS|_?emit|EXERCISES)\b"),
)


@dataclass
class ItemResult:
    grade_id: str
    score: float | None  # None: manually graded
    max_score: float
    status: str  # correct / partial / wrong / missing / error / manual
    feedback: list[str] = field(default_factory=list)
    sealed: bool = False


@dataclass
class Grade:
    student: str
    path: Path
    items: dict[str, ItemResult] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reference: Path | None = None
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return sum(r.score or 0.0 for r in self.items.values())

    @property
    def max_score(self) -> float:
        return sum(r.max_score for r in self.items.values() if r.score is not None)


def _cell_label(nb, index: int) -> str:
    cells = nb.get("cells", []) if nb else []
    first = ""
    if 0 <= index < len(cells):
        first = next((ln.strip() for ln in cell_source(cells[index]).split("\n") if ln.strip()), "")
    return f"cell {index + 1}" + (f" (`{first[:60]}`)" if first else "")


def _error_outputs(cell) -> tuple[str, str] | None:
    for out in cell.get("outputs", []) or []:
        if isinstance(out, dict) and out.get("output_type") == "error":
            return str(out.get("ename", "Error")), str(out.get("evalue", ""))
    return None


def _records(cell, grade_id: str) -> list[dict]:
    recs = []
    for out in cell.get("outputs", []) or []:
        if not isinstance(out, dict):
            continue
        rec = (out.get("data") or {}).get(GRADE_MIME)
        if isinstance(rec, str):
            try:
                rec = json.loads(rec)
            except json.JSONDecodeError:
                rec = None
        if isinstance(rec, dict) and rec.get("grade_id") == grade_id:
            recs.append(rec)
    return recs


def _fraction(rec: dict) -> float:
    try:
        score, top = float(rec.get("score", 0)), float(rec.get("max_score", 0))
    except (TypeError, ValueError):
        return 0.0
    if not (math.isfinite(score) and math.isfinite(top)) or top <= 0:
        return 0.0
    return min(1.0, max(0.0, score / top))


def format_score(x: float) -> str:
    return f"{round(x, 4):g}"


def score_executed(nb, ref: Reference | None, execution: Execution | None = None,
                   reject_sealed: bool = False, key: dict | None = None,
                   rechecks: dict | None = None) -> tuple[dict[str, ItemResult], list[str],
                                                          list[str]]:
    """Items, errors and notes of an executed notebook (pure JSON reading).

    key: the grader's quiz items (`trust.load_key`): quiz answers are then re-judged
    here and a kernel verdict that differs is flagged; rechecks: exercise results of the
    grader's re-run (`trust.recheck_exercises`). Without them (unit tests, old
    callers) the kernel's records are taken at their word.
    """
    items: dict[str, ItemResult] = {}
    errors: list[str] = []
    notes: list[str] = []
    execution = execution or Execution(nb)
    cells = nb.get("cells", []) if nb else []
    found = check_cells(nb) if nb else {}
    graded = graded_cells(nb) if nb else []
    timeouts = set(execution.timeouts)

    if ref is None:
        ref = Reference(None, {k: v[0] for k, v in found.items()},
                        {g.grade_id: g for g in graded if g.role == "manual"},
                        list(dict.fromkeys([g.grade_id for g in graded
                                            if g.role in {"check", "manual"}])))
        notes.append("No reference notebook: deleted items cannot be detected and check cells "
                     "are not compared with the handed-out version.")

    for gid in ref.order:
        if gid in ref.manual:
            pts = ref.manual[gid].points
            items[gid] = ItemResult(gid, None, pts, "manual",
                                    ["Graded by hand (free-text answer)."])
            continue
        pts = ref.checks[gid].points
        cands = found.get(gid, [])
        if ref.checks[gid].source and ref.path is not None:
            want = normalise_source(ref.checks[gid].source)
            modified = [c for c in cands if normalise_source(c.source) != want]
            cands = [c for c in cands if normalise_source(c.source) == want]
            if modified and not cands:
                errors.append(f"check cell {gid} modified")
                items[gid] = ItemResult(gid, 0.0, pts, "error",
                                        ["The check cell was changed, so it cannot be trusted."])
                continue
        if not cands:
            want = normalise_source(ref.checks[gid].source)
            lost = bool(want) and any(
                cell_role(c) != "check" and normalise_source(cell_source(c)) == want
                for c in cells)
            why = "lost its check metadata" if lost else "missing"
            errors.append(f"graded cell {gid} {why}")
            items[gid] = ItemResult(gid, 0.0, pts, "missing",
                                    [f"The check cell for {gid} is {why} (deleted or renamed?)."])
            continue
        if len(cands) > 1:
            errors.append(f"graded cell {gid} duplicated")
        result: ItemResult | None = None
        for c in cands:
            recs = _records(cells[c.index], gid)
            if not recs:
                if c.index in timeouts:
                    why = f"its {_cell_label(nb, c.index)} timed out"
                elif _error_outputs(cells[c.index]):
                    ename, evalue = _error_outputs(cells[c.index])
                    why = f"it raised {ename}: {evalue[:120]}"
                elif execution.capped is not None or execution.dead is not None \
                        or execution.unresponsive is not None or execution.internal_error:
                    why = "the notebook stopped before it ran"
                else:
                    why = "it printed no grade"
                    errors.append(f"no grade from check cell {gid}")
                r = ItemResult(gid, 0.0, pts, "error", [f"No result: {why}."])
            else:
                r = _judge(gid, pts, recs, cells[c.index], key, rechecks, errors, notes,
                           reject_sealed)
            if result is None or (r.score or 0.0) < (result.score or 0.0):
                result = r
        items[gid] = result

    expected = set(ref.order)
    for gid in sorted(set(found) - expected):
        errors.append(f"unexpected graded cell {gid} (renamed?)")

    # grade records anywhere else are ignored (a printed record is not a grade)
    for i, cell in enumerate(cells):
        if cell_role(cell) == "check":
            continue
        for out in cell.get("outputs", []) or []:
            if isinstance(out, dict) and GRADE_MIME in (out.get("data") or {}):
                notes.append(f"Ignored a grade record printed by {_cell_label(nb, i)} "
                             "(only check cells count).")
                break
    ref_sources = {normalise_source(g.source) for g in ref.checks.values()}
    for i, cell in enumerate(cells):
        src = cell_source(cell)
        if cell.get("cell_type") != "code" or normalise_source(src) in ref_sources:
            continue
        if any(p.search(src) for p in FAKE_GRADE_PATTERNS) or \
                trust.alias_tampering(src):
            errors.append(f"cell {i + 1} tampers with the quiz module")

    later: list[int] = []  # cells that raised after the first few (usually a cascade)
    for i, cell in enumerate(cells):  # execution problems, in notebook order
        if i in timeouts:
            errors.append(f"timeout in cell {i + 1}")
            continue
        if i == execution.capped or "raises-exception" in cell_tags(cell):
            continue
        err = _error_outputs(cell)
        if err:
            ename, evalue = err
            evalue = " ".join(evalue.split())[:120]
            message = f"exception in cell {i + 1}: {ename}" + (f": {evalue}" if evalue else "")
            if sum(e.startswith("exception in cell") for e in errors) < DETAILED_EXCEPTIONS:
                errors.append(message)
            else:
                later.append(i)
                notes.append(message[0].upper() + message[1:] + ".")
    if later:
        shown = ", ".join(str(i + 1) for i in later[:8]) + (", …" if len(later) > 8 else "")
        errors.append(f"exceptions in {len(later)} more cell(s): {shown} (see feedback)")
    if execution.dead is not None:
        errors.append(f"kernel died in cell {execution.dead + 1}")
    if execution.unresponsive is not None:
        errors.append(f"kernel unresponsive after timeouts, stopped at cell "
                      f"{execution.unresponsive + 1}")
    if execution.capped is not None:
        where = f" in cell {execution.capped + 1}" if execution.capped >= 0 else ""
        errors.append(f"whole-notebook time limit reached{where}")
    if execution.internal_error:
        errors.append(f"could not execute: {execution.internal_error}")
    for what in execution.tampering:
        errors.append(f"tampering: {what}")
    return items, errors, notes


def _judge(gid: str, pts: float, recs: list[dict], cell, key: dict | None,
           rechecks: dict | None, errors: list[str], notes: list[str],
           reject_sealed: bool) -> ItemResult:
    """One check cell's item from its grade records, re-judged on the grader's side."""
    rec = recs[-1]
    frac = _fraction(rec)
    sealed = bool(rec.get("sealed"))
    fb = [str(x) for x in rec.get("feedback", []) if isinstance(x, str)][:20]
    others = sum(1 for o in cell.get("outputs", []) or [] if isinstance(o, dict)
                 and GRADE_MIME in (o.get("data") or {}))
    tampered = None
    if len(recs) != 1 or others != 1:
        tampered = f"check cell {gid} shows {others} grade records instead of one " \
                   "(an output hook or injected output)"
    item = key.get(gid) if key is not None else None
    if tampered is None and item is not None and item.kind != "code-exercise":
        got, fb_g, sealed = trust.rejudge(rec, item)
        bank = trust.rejudge(rec, load_bank().get(gid))[0]
        if got is None:
            tampered = f"check cell {gid} recorded no answer (a replaced checker)"
        elif bank is not None and trust.kernel_verdict_differs(rec, bank):
            tampered = f"the kernel's verdict on {gid} differs from the grader's " \
                       "(a patched checker)"
        else:
            frac, fb = got, fb_g
    elif tampered is None and item is not None and rechecks is not None:
        again = rechecks.get(gid, {"error": "the answer cell is missing"})
        if "tampered" in again:
            tampered = f"the answer cell of {gid} patches " + ", ".join(again["tampered"])
        elif "error" in again:
            frac = 0.0
            fb.append(f"The grader could not re-run your function ({again['error']}).")
            errors.append(f"{gid} could not be re-run: {again['error']}")
        else:
            redo = min(1.0, max(0.0, float(again["score"]) / float(again["max"] or 1)))
            if redo < frac - 1e-6:
                fb = [str(x) for x in again.get("feedback", [])][:20]
                fb.append("Re-run by the grader in a fresh process (the notebook's imports and "
                          "this answer cell only), your function scored lower: keep "
                          "everything it needs in its answer cell.")
            frac = min(frac, redo)
    if tampered is not None:
        errors.append(f"tampering: {tampered}")
        return ItemResult(gid, 0.0, pts, "error", [f"Not graded: {tampered}."])
    if sealed:
        notes.append(f"{gid} was answered with the instructor's sealed token.")
        if reject_sealed:
            frac = 0.0
            fb.append("Answered with the instructor's sealed token: not accepted.")
    status = "correct" if frac >= 1 else "partial" if frac > 0 else "wrong"
    return ItemResult(gid, round(frac * pts, 6), pts, status, fb, sealed)

