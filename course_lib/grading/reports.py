"""The gradebook and the feedback files: safe names, safe cells, atomic writes, resuming.

`write_reports` writes the CSV (columns: student, score, max_score, one per graded item,
error) and `feedback/<student>.md` next to it.

- Feedback file names keep any script (Hangul, CJK, ...) but are unique per student: a
  name that had to be changed to be safe (`a b` -> `a_b`) or that collides gets a short hash
  of the student's name, so `a b` and `a_b` never share a file.
- CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR)
  get a leading apostrophe, OWASP's advice for CSV injection.
- Every file is written to a temporary name and renamed, so a reader (or a killed grader)
  never sees half a gradebook. The grader rewrites the CSV after each submission and once
  more at the end, after the last sandboxed process is confirmed dead.
- A state file next to the CSV remembers finished submissions (by content hash and
  options), so running the same `grade` command again after a crash resumes.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from course_lib.grading.scoring import Grade, ItemResult, format_score

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_NAME = 60  # characters of a feedback file name before the hash


def csv_safe(value: object) -> str:
    """A CSV cell a spreadsheet shows as text, never evaluates."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def feedback_names(students: Iterable[str]) -> dict[str, str]:
    """Student -> feedback file name (`<name>.md`), unique, safe on any file system."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for student in students:
        norm = unicodedata.normalize("NFC", student)
        safe = re.sub(r"[^\w.-]+", "_", norm).strip("._-")[:MAX_NAME] or "student"
        name = safe
        if safe != norm or safe.casefold() in used:
            name = f"{safe}-{_short_hash(student)}"
        while name.casefold() in used:  # a hash collision among a class: practically never
            name = f"{name}-{_short_hash(name)}"
        used.add(name.casefold())
        out[student] = name + ".md"
    return out


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path` and rename it over `path`."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def csv_text(header: list[str], rows: list[list[object]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([csv_safe(h) for h in header])
    for row in rows:
        w.writerow([csv_safe(c) for c in row])
    return buf.getvalue()


class State:
    """Finished submissions of an interrupted run (`<csv>.state.json`, next to the CSV)."""

    def __init__(self, out_csv: Path, options: dict):
        self.path = out_csv.with_name(f".{out_csv.name}.state.json")
        self.options = hashlib.sha256(json.dumps(options, sort_keys=True,
                                                 default=str).encode()).hexdigest()
        self.done: dict[str, dict] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("options") == self.options:
                self.done = dict(data.get("done", {}))
        except (OSError, ValueError, AttributeError):
            pass

    @staticmethod
    def digest(raw: bytes) -> str:
        return hashlib.sha256(raw).hexdigest()

    def get(self, path: Path, digest: str) -> dict | None:
        entry = self.done.get(str(path.resolve()))
        return entry["grade"] if entry and entry.get("sha256") == digest else None

    def put(self, path: Path, digest: str, grade: dict) -> None:
        self.done[str(path.resolve())] = {"sha256": digest, "grade": grade}
        atomic_write(self.path, json.dumps({"options": self.options, "done": self.done}))

    def finish(self) -> None:
        try:
            self.path.unlink()
        except OSError:
            pass


def feedback_markdown(grade: Grade) -> str:
    icon = {"correct": "✓", "partial": "◐", "wrong": "✗", "missing": "✗", "error": "✗",
            "manual": "✎"}
    lines = [f"# Feedback for {grade.student}", ""]
    lines.append(f"Submission: `{grade.path.name}`")
    if grade.reference:
        lines.append(f"Graded against: `{grade.reference.name}`")
    lines += ["", f"**Score: {format_score(grade.score)} / {format_score(grade.max_score)}**", ""]
    if grade.items:
        lines += ["| item | score | result |", "|---|---|---|"]
        for r in grade.items.values():
            sc = "to be graded" if r.score is None \
                else f"{format_score(r.score)} / {format_score(r.max_score)}"
            lines.append(f"| {r.grade_id} | {sc} | {icon.get(r.status, '')} {r.status} |")
        lines.append("")
        details = [r for r in grade.items.values() if r.feedback]
        if details:
            lines += ["## Details", ""]
            for r in details:
                lines.append(f"### {r.grade_id}")
                lines += [f"- {f}" for f in r.feedback]
                lines.append("")
    if grade.errors:
        lines += ["## Problems", ""] + [f"- {e}" for e in grade.errors] + [""]
    if grade.notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in grade.notes] + [""]
    return "\n".join(lines)


def write_reports(grades: list[Grade], out_csv: Path, columns: list[str]) -> Path:
    """Write the CSV and feedback/<student>.md next to it, each file atomically."""
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for g in grades:
        row = [g.student, format_score(g.score), format_score(g.max_score) if g.items else ""]
        for c in columns:
            r = g.items.get(c)
            row.append("" if r is None or r.score is None else format_score(r.score))
        row.append("; ".join(g.errors))
        rows.append(row)
    atomic_write(out_csv, csv_text(
        ["student", "score", "max_score", *columns, "error"], rows))
    fb_dir = out_csv.parent / "feedback"
    fb_dir.mkdir(exist_ok=True)
    names = feedback_names([g.student for g in grades])
    for g in grades:
        atomic_write(fb_dir / names[g.student], feedback_markdown(g))
    return fb_dir


def columns_of(grades: list[Grade]) -> list[str]:
    columns: list[str] = []
    for g in grades:
        for gid in g.items:
            if gid not in columns:
                columns.append(gid)
    first = {c: i for i, c in enumerate(columns)}
    return sorted(columns, key=lambda c: (c.split("-", 1)[0], first[c]))


def grade_to_dict(g: Grade) -> dict:
    return {"student": g.student, "path": str(g.path), "errors": g.errors, "notes": g.notes,
            "reference": str(g.reference) if g.reference else None, "seconds": g.seconds,
            "items": [dataclasses.asdict(r) for r in g.items.values()]}


def grade_from_dict(d: dict) -> Grade:
    g = Grade(d["student"], Path(d["path"]), errors=list(d["errors"]), notes=list(d["notes"]),
              reference=Path(d["reference"]) if d.get("reference") else None,
              seconds=float(d.get("seconds", 0)))
    g.items = {r["grade_id"]: ItemResult(**r) for r in d["items"]}
    return g

