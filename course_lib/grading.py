"""Student versions of the notebooks, and bulk grading of returned copies.

    python -m course_lib student NOTEBOOK_OR_DIR... --out DIR [--check]
    python -m course_lib grade SUBMISSION_OR_DIR... --out grades.csv [--timeout S]
                               [--total-timeout S] [--reference NB]... [--jobs N] [--run-all]
                               [--key FILE] [--memory-limit GIB]

Conventions (cell tags, nbgrader metadata, solution markers): docs/GRADED_CELLS.md.

Grading never runs student code in this process. Each submission is executed in a sandbox
(course_lib/grading_runner.py, grading_sandbox.py, grading_boot.py: a fresh folder with a
copy of it, its own uid and namespaces, resource limits) by a worker (grading_worker.py,
`python -I`) that drives a fresh Jupyter kernel with nbclient; this process only reads JSON,
after every process of the submission is confirmed dead. Scores come from the grade records
(`quiz.GRADE_MIME`) that check cells print, re-judged here (grading_trust.py), and a record
only counts when it sits in a locked grade cell whose source matches the reference's.
Reports: grading_reports.py. Threat model: docs/GRADING.md.
Cells tagged skip-grading are skipped only while they match the reference's skip-tagged
cells; a submission that changed one runs every cell (see `changed_skipped_cells`).
"""

from __future__ import annotations

import argparse
import ast
import copy
import dataclasses
import json
import math
import os
import re
import sys
import textwrap
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from course_lib import grading_reports, grading_runner, grading_sandbox, grading_trust
from course_lib.grading_runner import Execution

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
ANSWER_PLACEHOLDER = "# YOUR ANSWER HERE"
CODE_PLACEHOLDER = "# YOUR CODE HERE"
MARKDOWN_PLACEHOLDER = "YOUR ANSWER HERE"
SKIP_TAGS = {"skip-grading", "skip-execution"}  # cells the grader does not run
REVEALS_ANSWER = "reveals-answer"  # a demo cell after a quiz whose stored output is its answer
GRADE_MIME = "application/vnd.course.grade+json"  # same as course_lib.quiz.GRADE_MIME
# Fast-mode cells take seconds to a minute even on a busy laptop; an endless loop costs one
# DEFAULT_TIMEOUT, so keep it short. The total cap is the backstop for many slow cells.
DEFAULT_TIMEOUT = 180.0  # seconds per cell
DEFAULT_TOTAL = 1800.0  # seconds for all cells of one notebook
MAX_DEFAULT_JOBS = 4
DETAILED_EXCEPTIONS = 2  # exceptions spelled out in the CSV; later ones only counted there
FAKE_GRADE_PATTERNS = (
    re.compile(r"vnd\.course\.grade"),
    re.compile(r"\bquiz\s*\.\s*\w+\s*=[^=]"),
    re.compile(r"setattr\s*\(\s*quiz\b"),
    re.compile(r"\bquiz\s*\.\s*(RESULTS|_emit|EXERCISES)\b"),
)

# --------------------------------------------------------------------------------------------
# Reading graded cells
# --------------------------------------------------------------------------------------------


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


def _meta(cell) -> dict:
    md = cell.get("metadata") or {}
    nbg = md.get("nbgrader") if isinstance(md, dict) else None
    return nbg if isinstance(nbg, dict) else {}


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src or "")


def _tags(cell) -> list[str]:
    md = cell.get("metadata") or {}
    tags = md.get("tags", []) if isinstance(md, dict) else []
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


_CHECK_CALL = re.compile(r"\bquiz\s*\.\s*check(?:_exercise)?\(\s*[\"']([\w.-]+)[\"']")


def _grade_info(cell) -> tuple[str, str, float] | None:
    """(grade_id, role, points) of a graded cell, or None.

    nbgrader metadata decides. A cell tagged `check` without nbgrader metadata still counts
    when its source calls `quiz.check("<id>", ...)` once (points then come from the bank).
    """
    m = _meta(cell)
    if m.get("grade_id"):
        grade, solution = bool(m.get("grade")), bool(m.get("solution"))
        role = "check" if grade and not solution else "manual" if grade else \
            "answer" if solution else None
        return (str(m["grade_id"]), role, _points(m.get("points", 0))) if role else None
    if "check" in _tags(cell) and cell.get("cell_type") == "code":
        ids = _CHECK_CALL.findall(_source(cell))
        if len(ids) == 1:
            return ids[0], "check", _bank_points(ids[0])
    return None


def _bank_points(item_id: str) -> float:
    try:
        from course_lib import quiz

        item = quiz.load_bank().get(item_id)
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
                              _source(cell)))
    return out


def check_cells(nb) -> dict[str, list[GradedCell]]:
    found: dict[str, list[GradedCell]] = {}
    for g in graded_cells(nb):
        if g.role == "check":
            found.setdefault(g.grade_id, []).append(g)
    return found


# --------------------------------------------------------------------------------------------
# Student versions
# --------------------------------------------------------------------------------------------


class SolutionMarkerError(ValueError):
    pass


def _stub_functions(region: list[str], tree: ast.Module, indent: str) -> list[str]:
    """Keep each function's header and docstring; its body becomes the code placeholder."""
    out: list[str] = []
    for node in tree.body:
        first = min([d.lineno for d in node.decorator_list] + [node.lineno])
        body0 = node.body[0]
        doc = isinstance(body0, ast.Expr) and isinstance(getattr(body0, "value", None),
                                                          ast.Constant) \
            and isinstance(body0.value.value, str)
        keep_to = body0.end_lineno if doc else body0.lineno - 1
        out += region[first - 1: keep_to]
        inner = indent + " " * (body0.col_offset - node.col_offset)
        out += [inner + CODE_PLACEHOLDER, inner + "raise NotImplementedError()"]
    return out


def _placeholder(region: list[str], indent: str, cell_type: str) -> list[str]:
    if cell_type != "code":
        return [indent + MARKDOWN_PLACEHOLDER]
    body = textwrap.dedent("\n".join(region))
    try:
        tree = ast.parse(body)
    except SyntaxError:
        tree = None
    if tree is not None and tree.body:
        if not indent and all(isinstance(s, (ast.Assign, ast.AnnAssign)) for s in tree.body):
            names: list[str] = []
            for s in tree.body:
                targets = s.targets if isinstance(s, ast.Assign) else [s.target]
                for t in targets:
                    for n in ast.walk(t):
                        if isinstance(n, ast.Name) and n.id not in names:
                            names.append(n.id)
            if names:
                return [f"{n} = None  {ANSWER_PLACEHOLDER}" for n in names]
        if all(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) for s in tree.body):
            dedented = body.split("\n")
            return [indent + line if line else line
                    for line in _stub_functions(dedented, tree, "")]
    return [indent + CODE_PLACEHOLDER,
            indent + ("raise NotImplementedError()" if indent else "pass")]


def blank_solutions(source: str, cell_type: str = "code") -> tuple[str, int]:
    """Replace every `### BEGIN SOLUTION` ... `### END SOLUTION` region by a placeholder.

    Returns (new source, number of regions). Raises SolutionMarkerError when unbalanced.
    """
    lines = source.split("\n")
    out: list[str] = []
    n = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith(END):
            raise SolutionMarkerError(f"'{END}' without '{BEGIN}' (line {i + 1})")
        if not line.strip().startswith(BEGIN):
            out.append(line)
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(END):
            if lines[j].strip().startswith(BEGIN):
                raise SolutionMarkerError(f"nested '{BEGIN}' (line {j + 1})")
            j += 1
        if j == len(lines):
            raise SolutionMarkerError(f"'{BEGIN}' without '{END}' (line {i + 1})")
        indent = line[: len(line) - len(line.lstrip())]
        out += _placeholder(lines[i + 1: j], indent, cell_type)
        n += 1
        i = j + 1
    return "\n".join(out), n


def _clear_outputs(cell) -> None:
    if cell.get("cell_type") == "code":
        cell["outputs"] = []
        cell["execution_count"] = None


def _has_grade_output(cell) -> bool:
    for out in cell.get("outputs", []) or []:
        if isinstance(out, dict) and GRADE_MIME in (out.get("data") or {}):
            return True
    return False


def make_student(nb) -> tuple[object, list[str]]:
    """Student version of an instructor notebook: (new notebook, warnings).

    Solution regions are blanked in every cell, answer/check cells lose their outputs (as do
    cells tagged `reveals-answer`, whose stored output would give a quiz away, and any cell
    showing a grade record), nbgrader metadata and all other cells stay as they are.
    """
    nb = copy.deepcopy(nb)
    warnings: list[str] = []
    for i, cell in enumerate(nb.get("cells", [])):
        role = cell_role(cell)
        src = _source(cell)
        ctype = cell.get("cell_type", "code")
        try:
            new, n = blank_solutions(src, ctype)
        except SolutionMarkerError as e:
            raise SolutionMarkerError(f"cell {i + 1}: {e}") from None
        if n == 0 and role in {"answer", "manual"}:
            if ctype == "markdown":
                new = MARKDOWN_PLACEHOLDER
            else:
                warnings.append(f"cell {i + 1} ({_meta(cell).get('grade_id')}) is an answer "
                                f"cell without a '{BEGIN}' region: left unchanged")
        if n or new != src:
            cell["source"] = new
        if role is not None or n or {"answer", "check", REVEALS_ANSWER} & set(_tags(cell)) \
                or _has_grade_output(cell):
            _clear_outputs(cell)
    return nb, warnings


def _notebooks_in(paths: Iterable[str | Path], recursive: bool = False) -> list[Path]:
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            it = p.rglob("*.ipynb") if recursive else p.glob("*.ipynb")
            found += sorted(q for q in it if ".ipynb_checkpoints" not in q.parts)
        else:
            found.append(p)
    return found


def _read_nb(path: Path):
    import nbformat

    return nbformat.read(str(path), as_version=4)


def _dumps_nb(nb) -> str:
    import nbformat

    return nbformat.writes(nb) + "\n"


def student_command(paths: Sequence[str | Path], out_dir: str | Path,
                    check_only: bool = False) -> int:
    """Write (or with check_only, compare against) the student version of each notebook."""
    out_dir = Path(out_dir)
    notebooks = _notebooks_in(paths)
    if not notebooks:
        print("no notebooks given", file=sys.stderr)
        return 2
    status = 0
    for src in notebooks:
        dest = out_dir / src.name
        if dest.resolve() == src.resolve():
            print(f"{src}: refusing to overwrite the instructor notebook", file=sys.stderr)
            status = 1
            continue
        try:
            student, warnings = make_student(_read_nb(src))
        except Exception as e:
            print(f"{src}: {type(e).__name__}: {e}", file=sys.stderr)
            status = 1
            continue
        for w in warnings:
            print(f"{src}: warning: {w}", file=sys.stderr)
        text = _dumps_nb(student)
        items = sorted({g.item_id for g in graded_cells(student) if g.role == "check"}) + \
            sorted({f"{g.grade_id} (by hand)" for g in graded_cells(student)
                    if g.role == "manual"})
        if check_only:
            same = dest.exists() and dest.read_text(encoding="utf-8") == text
            print(f"{dest}: {'up to date' if same else 'OUT OF DATE'}")
            status = status or (0 if same else 1)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
        print(f"{src} -> {dest} ({len(items)} graded item(s): {', '.join(items) or '-'})")
    return status


# --------------------------------------------------------------------------------------------
# Execution: in a sandbox, through a worker (course_lib/grading_runner.py)
# --------------------------------------------------------------------------------------------


def default_jobs() -> int:
    """Submissions to grade at once: 2 on a 2-core machine (a kernel spends much of its time
    starting up and waiting, so two overlap well), half the cores on bigger ones, at most
    MAX_DEFAULT_JOBS (each TensorFlow kernel takes 1-2 GB of memory)."""
    cores = os.cpu_count() or 1
    return min(MAX_DEFAULT_JOBS, max(min(2, cores), cores // 2))


def execute_submission(nb, name: str | Path, timeout: float, total_timeout: float,
                       kernel_name: str = "python3", run_all: bool = False,
                       policy=None, pool=None) -> Execution:
    """Run a notebook in a fresh sandboxed kernel (see grading_runner.run_notebook).

    name: the file name of the copy the kernel sees in its otherwise empty folder.
    timeout: seconds per cell; total_timeout: seconds for all cells together (kernel start-up
    not counted); run_all: also run cells tagged skip-grading.
    """
    return grading_runner.run_notebook(nb, _copy_name(Path(name).name), timeout,
                                       total_timeout, kernel_name, run_all, policy, pool)


def _copy_name(name: str) -> str:
    safe = re.sub(r"[^\w.-]+", "_", name).strip("._")
    return safe if safe.endswith(".ipynb") else (safe or "submission") + ".ipynb"


# --------------------------------------------------------------------------------------------
# Grading (reads JSON only)
# --------------------------------------------------------------------------------------------


def normalise_source(src: str) -> str:
    """Source with blank lines, full-line comments and trailing spaces dropped."""
    lines = [ln.rstrip() for ln in src.split("\n")]
    return "\n".join(ln for ln in lines if ln.strip() and not ln.strip().startswith("#"))


def _code_sources(nb) -> set[str]:
    """Normalised sources of the notebook's non-empty code cells."""
    found = set()
    for cell in nb.get("cells", []) if nb else []:
        if cell.get("cell_type") == "code":
            src = normalise_source(_source(cell))
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
        skipped = {normalise_source(_source(c)) for c in nb.get("cells", [])
                   if c.get("cell_type") == "code" and SKIP_TAGS & set(_tags(c))}
        return cls(path, checks, manual, order, frozenset(_code_sources(nb)),
                   frozenset(skipped))

    @property
    def max_score(self) -> float:
        return sum(g.points for g in self.checks.values())


def _bank_reference(item_ids: Iterable[str]) -> Reference | None:
    """Fallback when no reference notebook: the bank's items of the notebooks seen."""
    try:
        from course_lib import quiz

        bank = quiz.load_bank()
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
            if c.get("cell_type") == "code" and SKIP_TAGS & set(_tags(c))
            and normalise_source(_source(c)) not in ref.skipped]


def _ids_in(nb) -> set[str]:
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


def _choose_reference(nb, refs: list[Reference]) -> Reference | None:
    """The reference sharing the most graded ids, else the most identical code cells."""
    best = _ref_by_ids(_ids_in(nb), refs)
    if best is not None:
        return best
    code = _code_sources(nb)
    best_n = MIN_SHARED_CELLS - 1
    for ref in refs:
        n = len(code & ref.code)
        if n > best_n:
            best, best_n = ref, n
    return best


def _ref_for_unreadable(raw: bytes, refs: list[Reference] | None) -> Reference | None:
    """Guess the reference of a file that is not valid JSON from the grade ids in its text."""
    if not refs:
        return None
    text = raw.decode("utf-8", errors="replace")
    ids = {g[: -len("-answer")] if g.endswith("-answer") else g
           for g in _GRADE_ID_IN_TEXT.findall(text)}
    return _ref_by_ids(ids, refs)


def course_references() -> list[Reference]:
    """Instructor notebooks shipped with the course (`instructor/*.ipynb` of this checkout)."""
    from course_lib import config

    refs = []
    for path in sorted((config.repo_root() / "instructor").glob("*.ipynb")):
        try:
            ref = Reference.from_notebook(_read_nb(path), path)
        except Exception:
            continue
        if ref.checks:
            refs.append(ref)
    return refs


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
        first = next((ln.strip() for ln in _source(cells[index]).split("\n") if ln.strip()), "")
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


def _fmt(x: float) -> str:
    return f"{round(x, 4):g}"


def score_executed(nb, ref: Reference | None, execution: Execution | None = None,
                   reject_sealed: bool = False, key: dict | None = None,
                   rechecks: dict | None = None) -> tuple[dict[str, ItemResult], list[str],
                                                          list[str]]:
    """Items, errors and notes of an executed notebook (pure JSON reading).

    key: the grader's quiz items (`grading_trust.load_key`): quiz answers are then re-judged
    here and a kernel verdict that differs is flagged; rechecks: exercise results of the
    grader's re-run (`grading_trust.recheck_exercises`). Without them (unit tests, old
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
                cell_role(c) != "check" and normalise_source(_source(c)) == want
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
        src = _source(cell)
        if cell.get("cell_type") != "code" or normalise_source(src) in ref_sources:
            continue
        if any(p.search(src) for p in FAKE_GRADE_PATTERNS) or \
                grading_trust.alias_tampering(src):
            errors.append(f"cell {i + 1} tampers with the quiz module")

    later: list[int] = []  # cells that raised after the first few (usually a cascade)
    for i, cell in enumerate(cells):  # execution problems, in notebook order
        if i in timeouts:
            errors.append(f"timeout in cell {i + 1}")
            continue
        if i == execution.capped or "raises-exception" in _tags(cell):
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
        got, fb_g, sealed = grading_trust.rejudge(rec, item)
        bank = grading_trust.rejudge(rec, grading_trust.quiz.load_bank().get(gid))[0]
        if got is None:
            tampered = f"check cell {gid} recorded no answer (a replaced checker)"
        elif bank is not None and grading_trust.kernel_verdict_differs(rec, bank):
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


def grade_submission(path: str | Path, refs: list[Reference] | None,
                     timeout: float = DEFAULT_TIMEOUT, total_timeout: float = DEFAULT_TOTAL,
                     kernel_name: str = "python3", reject_sealed: bool = False,
                     student: str | None = None, default_ref: Reference | None = None,
                     run_all: bool = False, key: dict | None = None, policy=None,
                     pool=None) -> Grade:
    """Execute and grade one submission. Never raises for a broken submission.

    refs: the handed-out notebooks (None: no reference, trust the submission's own check
    cells); timeout / total_timeout in seconds (see `execute_submission`); key: the
    grader's quiz items (default: this checkout's bank, `grading_trust.load_key`);
    policy / pool: the sandbox (default: the strongest this machine allows).
    """
    import nbformat

    path = Path(path)
    grade = Grade(student or path.stem, path)
    t0 = time.monotonic()
    raw = b""
    try:
        raw = path.read_bytes()
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
            raise ValueError("not a notebook")
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        grade.errors.append(f"invalid notebook JSON ({str(e)[:80]})")
        data = None
    except (OSError, ValueError) as e:
        grade.errors.append(f"unreadable notebook ({str(e)[:80]})")
        data = None
    nb = None
    if data is not None:
        try:
            nb = nbformat.reads(json.dumps(data), as_version=4)
        except Exception as e:
            grade.errors.append(f"invalid notebook format ({str(e)[:80]})")
    if nb is None:
        ref = _ref_for_unreadable(raw, refs) or default_ref
        if ref is not None:
            grade.reference = ref.path
            for gid in ref.order:
                if gid in ref.manual:
                    grade.items[gid] = ItemResult(gid, None, ref.manual[gid].points, "manual")
                else:
                    grade.items[gid] = ItemResult(gid, 0.0, ref.checks[gid].points, "error",
                                                  ["The notebook could not be read."])
        grade.seconds = time.monotonic() - t0
        return grade

    ref = _choose_reference(nb, refs) if refs else None
    if ref is None and refs is not None:
        ref = default_ref if default_ref is not None and not _ids_in(nb) else None
    if ref is None and refs is not None:
        ref = _bank_reference(_ids_in(nb))
        if ref is not None:
            grade.notes.append("No reference notebook found: expected items taken from the "
                               "question bank.")
    grade.reference = ref.path if ref else None

    for cell in nb.cells:  # stale outputs must not count
        _clear_outputs(cell)
    try:
        nbformat.validate(nb)
    except Exception as e:
        grade.notes.append(f"Notebook format warning: {str(e).splitlines()[0][:120]}")
    if not run_all and ref is not None and ref.path is not None:
        # Skipping is only safe for the cells as handed out: a skipped cell the student
        # changed could hide an endless loop or an error, so then the whole notebook runs.
        changed = changed_skipped_cells(nb, ref)
        if changed:
            run_all = True
            which = "Cell " if len(changed) == 1 else "Cells "
            verb = " is" if len(changed) == 1 else " are"
            grade.notes.append(which + ", ".join(str(i + 1) for i in changed) + verb
                               + " tagged skip-grading but differ(s) from the handed-out "
                               "notebook, so every cell was run.")
    has_code = any(c.cell_type == "code" and _source(c).strip() for c in nb.cells)
    key = grading_trust.load_key(None) if key is None else key
    execution = execute_submission(nb, path.name, timeout, total_timeout, kernel_name,
                                   run_all, policy, pool) if has_code else Execution(nb)
    executed = execution.nb if execution.nb is not None else nb
    checks = ref.checks if ref is not None else {k: v[0] for k, v in check_cells(nb).items()}
    exercises = {g: c for g, c in checks.items()
                 if key.get(g) is not None and key[g].kind == "code-exercise"}
    # Re-run only what the kernel got through: a notebook that timed out or died keeps 0.
    rechecks = grading_trust.recheck_exercises(nb, exercises, policy, pool) \
        if exercises and has_code else {}
    items, errors, notes = score_executed(executed, ref, execution, reject_sealed, key,
                                          rechecks)
    grade.items.update(items)
    grade.errors += errors
    grade.notes += notes
    grade.seconds = time.monotonic() - t0
    return grade


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------


def feedback_markdown(grade: Grade) -> str:
    icon = {"correct": "✓", "partial": "◐", "wrong": "✗", "missing": "✗", "error": "✗",
            "manual": "✎"}
    lines = [f"# Feedback for {grade.student}", ""]
    lines.append(f"Submission: `{grade.path.name}`")
    if grade.reference:
        lines.append(f"Graded against: `{grade.reference.name}`")
    lines += ["", f"**Score: {_fmt(grade.score)} / {_fmt(grade.max_score)}**", ""]
    if grade.items:
        lines += ["| item | score | result |", "|---|---|---|"]
        for r in grade.items.values():
            sc = "to be graded" if r.score is None else f"{_fmt(r.score)} / {_fmt(r.max_score)}"
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
        row = [g.student, _fmt(g.score), _fmt(g.max_score) if g.items else ""]
        for c in columns:
            r = g.items.get(c)
            row.append("" if r is None or r.score is None else _fmt(r.score))
        row.append("; ".join(g.errors))
        rows.append(row)
    grading_reports.atomic_write(out_csv, grading_reports.csv_text(
        ["student", "score", "max_score", *columns, "error"], rows))
    fb_dir = out_csv.parent / "feedback"
    fb_dir.mkdir(exist_ok=True)
    names = grading_reports.feedback_names([g.student for g in grades])
    for g in grades:
        grading_reports.atomic_write(fb_dir / names[g.student], feedback_markdown(g))
    return fb_dir


def _columns(grades: list[Grade]) -> list[str]:
    columns: list[str] = []
    for g in grades:
        for gid in g.items:
            if gid not in columns:
                columns.append(gid)
    first = {c: i for i, c in enumerate(columns)}
    return sorted(columns, key=lambda c: (c.split("-", 1)[0], first[c]))


def _grade_to_dict(g: Grade) -> dict:
    return {"student": g.student, "path": str(g.path), "errors": g.errors, "notes": g.notes,
            "reference": str(g.reference) if g.reference else None, "seconds": g.seconds,
            "items": [dataclasses.asdict(r) for r in g.items.values()]}


def _grade_from_dict(d: dict) -> Grade:
    g = Grade(d["student"], Path(d["path"]), errors=list(d["errors"]), notes=list(d["notes"]),
              reference=Path(d["reference"]) if d.get("reference") else None,
              seconds=float(d.get("seconds", 0)))
    g.items = {r["grade_id"]: ItemResult(**r) for r in d["items"]}
    return g


def _student_names(paths: list[Path]) -> list[str]:
    stems = [p.stem for p in paths]
    names = []
    for p in paths:
        name = p.stem if stems.count(p.stem) == 1 else f"{p.parent.name}/{p.stem}"
        names.append(name)
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}#{seen[n]}")
    return out


def grade_command(paths: Sequence[str | Path], out_csv: str | Path,
                  timeout: float = DEFAULT_TIMEOUT, total_timeout: float = DEFAULT_TOTAL,
                  references: Sequence[str] | None = None, jobs: int | None = None,
                  kernel_name: str = "python3", reject_sealed: bool = False,
                  run_all: bool = False, key_path: str | Path | None = None,
                  memory: int | None = None) -> list[Grade]:
    """Grade every submission (files or folders, searched recursively) into `out_csv`.

    Writes the CSV (one row per submission) and `feedback/<student>.md` next to it, after
    each submission and once more at the end, when no sandboxed process is left; a run that
    was killed resumes where it stopped. Returns the grades. jobs: submissions executed at
    once (default `default_jobs()`); key_path: instructor key (`grading_trust.load_key`);
    memory: bytes of address space per kernel.
    """
    out_csv = Path(out_csv).resolve()
    jobs = default_jobs() if jobs is None else max(1, jobs)
    subs = _notebooks_in(paths, recursive=True)
    if references and [r for r in references if r.lower() == "none"]:
        refs: list[Reference] | None = None
    elif references:
        refs = [Reference.from_notebook(_read_nb(r), r) for r in _notebooks_in(references)]
    else:
        refs = course_references()
    key = grading_trust.load_key(key_path)
    names = _student_names(subs)
    default_ref = refs[0] if refs and len(refs) == 1 else None
    policy = grading_sandbox.detect_policy(memory or grading_sandbox.DEFAULT_MEMORY)
    for w in policy.warnings:
        print(w, file=sys.stderr)
    pool = grading_sandbox.UidPool(jobs)
    key_digest = grading_reports.State.digest(Path(key_path).read_bytes()) \
        if key_path and Path(key_path).is_file() else str(key_path)
    state = grading_reports.State(out_csv, {
        "timeout": timeout, "total": total_timeout, "kernel": kernel_name, "run_all": run_all,
        "reject_sealed": reject_sealed, "key": key_digest, "names": names,
        "refs": [str(r.path) for r in refs or []]})
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    done: list[Grade | None] = [None] * len(subs)
    lock = threading.Lock()

    def one(k: int) -> None:
        try:
            digest = grading_reports.State.digest(subs[k].read_bytes())
        except OSError:
            digest = ""
        cached = state.get(subs[k], digest) if digest else None
        g = _grade_from_dict(cached) if cached else grade_submission(
            subs[k], refs, timeout, total_timeout, kernel_name, reject_sealed, names[k],
            default_ref, run_all, key, policy, pool)
        with lock:  # the gradebook so far, so a killed grader keeps it
            done[k] = g
            if digest:
                state.put(subs[k], digest, _grade_to_dict(g))
            finished = [x for x in done if x is not None]
            write_reports(finished, out_csv, _columns(finished))
        err = f"  [{'; '.join(g.errors)}]" if g.errors else ""
        again = " (from the interrupted run)" if cached else ""
        print(f"[{k + 1}/{len(subs)}] {g.student}: {_fmt(g.score)}/{_fmt(g.max_score)} "
              f"({g.seconds:.0f} s){again}{err}", file=sys.stderr, flush=True)

    with ThreadPoolExecutor(max_workers=jobs) as executor:
        list(executor.map(one, range(len(subs))))
    grades = [g for g in done if g is not None]
    grading_sandbox.sweep_all()  # nothing of any submission outlives the grading
    used = {g.reference for g in grades if g.reference}
    if len(used) == 1 and refs:  # submissions with nothing graded: use the one reference
        ref = next(r for r in refs if r.path in used)
        for g in grades:
            if g.items:
                continue
            unreadable = any(e.startswith(("invalid", "unreadable")) for e in g.errors)
            g.reference = ref.path
            for gid in ref.order:
                if gid in ref.manual:
                    g.items[gid] = ItemResult(gid, None, ref.manual[gid].points, "manual")
                    continue
                g.items[gid] = ItemResult(gid, 0.0, ref.checks[gid].points,
                                          "error" if unreadable else "missing",
                                          ["The notebook could not be read." if unreadable
                                           else f"The check cell for {gid} is missing."])
                if not unreadable:
                    g.errors.append(f"graded cell {gid} missing")
    write_reports(grades, out_csv, _columns(grades))
    state.finish()
    return grades


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


MAX_SECONDS = 7 * 24 * 3600.0  # a week: larger values overflow the kernel's timers


def _seconds(text: str) -> float:
    """argparse type: a finite number of seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0 or value > MAX_SECONDS:
        raise argparse.ArgumentTypeError(
            f"must be a finite number of seconds between 0 and {MAX_SECONDS:g}, got {text!r}")
    return value


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"must be between 1 and 64, got {text!r}")
    return value


def _gib(text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of GiB: {text!r}") from None
    if not math.isfinite(value) or not 0.5 <= value <= 1024:
        raise argparse.ArgumentTypeError(f"must be between 0.5 and 1024 GiB, got {text!r}")
    return int(value * grading_sandbox.GiB)


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    """The options of `student` and `grade` (their names and flags are a contract)."""
    if command == "student":
        parser.description = "Make student versions: solution regions blanked, checks kept."
        parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK_OR_DIR")
        parser.add_argument("--out", required=True, help="output folder")
        parser.add_argument("--check", action="store_true",
                            help="write nothing; exit 1 if the files in --out are out of date")
        parser.add_argument("--bank-out", metavar="DIR",
                            help="also write the question bank without answer digests (the "
                                 "keyless student edition; see docs/GRADED_CELLS.md)")
        return
    parser.description = ("Execute submissions in fresh sandboxed kernels and write a CSV "
                          "gradebook plus feedback/<student>.md next to it.")
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION_OR_DIR")
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT,
                        help=f"per-cell time limit in seconds (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--total-timeout", type=_seconds, default=DEFAULT_TOTAL,
                        help="time limit for all cells of one notebook, in seconds "
                             f"(default {DEFAULT_TOTAL:g})")
    parser.add_argument("--reference", action="append", metavar="NOTEBOOK",
                        help="handed-out notebook(s) whose check cells are trusted "
                             "(default: instructor/ of this course; 'none' to disable)")
    parser.add_argument("--jobs", type=_jobs, default=None,
                        help="submissions graded at once (default: 2 on 2 cores, half the "
                             f"cores on bigger machines, at most {MAX_DEFAULT_JOBS})")
    parser.add_argument("--run-all", action="store_true",
                        help="run the cells tagged skip-grading too (slower; done anyway for a "
                             "submission whose skip-grading cells were changed)")
    parser.add_argument("--kernel", default="python3", help="Jupyter kernel name")
    parser.add_argument("--reject-sealed", action="store_true",
                        help="score answers given as instructor sealed tokens 0")
    parser.add_argument("--key", metavar="FILE",
                        help="instructor answer key kept outside the student distribution "
                             "(bank JSON or {item: [answers]}; default: the course bank)")
    parser.add_argument("--memory-limit", type=_gib, default=None, metavar="GIB",
                        help="address space per kernel in GiB (default "
                             f"{grading_sandbox.DEFAULT_MEMORY // grading_sandbox.GiB:g})")


def write_keyless_bank(out_dir: str | Path) -> list[Path]:
    """The bank without answer digests: what a graded class's students may get."""
    from course_lib import quiz

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for src in quiz._bank_files():
        data = json.loads(src.read_text(encoding="utf-8"))
        if src not in quiz._bank_files():  # a translation (NN.ko.json): no answers in it
            grading_reports.atomic_write(out / src.name, src.read_text(encoding="utf-8"))
            written.append(out / src.name)
            continue
        data["edition"] = "student"
        data["salt"] = "keyless-" + "0" * 8  # the real salt stays with the instructor
        for item in data.get("items", []):
            item.pop("accept", None)
        grading_reports.atomic_write(out / src.name, json.dumps(data, indent=2,
                                                                ensure_ascii=False) + "\n")
        written.append(out / src.name)
    return written


def run(args: argparse.Namespace) -> int:
    """Entry point of `python -m course_lib student|grade`."""
    if args.command == "student":
        if Path(args.out).exists() and not Path(args.out).is_dir():
            print(f"--out {args.out}: exists and is not a folder (student versions go into a "
                  "folder)", file=sys.stderr)
            return 2
        status = student_command(args.notebooks, args.out, check_only=args.check)
        if args.bank_out and not args.check:
            for path in write_keyless_bank(args.bank_out):
                print(f"keyless bank -> {path}")
        return status
    for ref in args.reference or []:
        if ref.lower() != "none" and not Path(ref).exists():
            print(f"reference notebook not found: {ref}", file=sys.stderr)
            return 2
    if args.key and not Path(args.key).exists():
        print(f"answer key not found: {args.key}", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.is_dir() or out.suffix.lower() == ".ipynb":
        print(f"--out {args.out}: give the CSV file to write (not a folder or a notebook)",
              file=sys.stderr)
        return 2
    missing = [s for s in args.submissions if not Path(s).exists()]
    if missing:
        print(f"submission(s) not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    subs = _notebooks_in(args.submissions, recursive=True)
    if not subs:
        print("no submissions found (no .ipynb file in "
              f"{', '.join(args.submissions)}): nothing graded", file=sys.stderr)
        return 2
    try:
        grades = grade_command(args.submissions, args.out, args.timeout, args.total_timeout,
                               args.reference, args.jobs, args.kernel, args.reject_sealed,
                               args.run_all, args.key, args.memory_limit)
    except ValueError as e:  # a broken key or reference
        print(f"cannot grade: {e}", file=sys.stderr)
        return 2
    if not grades:
        print("nothing graded", file=sys.stderr)
        return 2
    bad = sum(1 for g in grades if g.errors)
    print(f"graded {len(grades)} submission(s) ({bad} with problems) -> {args.out}; "
          f"feedback in {Path(args.out).parent / 'feedback'}")
    return 0
