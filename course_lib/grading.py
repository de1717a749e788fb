"""Student versions of the notebooks, and bulk grading of returned copies.

    python -m course_lib student NOTEBOOK_OR_DIR... --out DIR [--check]
    python -m course_lib grade SUBMISSION_OR_DIR... --out grades.csv [--timeout S]
                               [--total-timeout S] [--reference NB]... [--jobs N] [--run-all]

Conventions (cell tags, nbgrader metadata, solution markers): docs/GRADED_CELLS.md.

Grading never runs student code in this process. Each submission is executed by a worker
subprocess (`python -m course_lib.grading --worker ...`) that drives a fresh Jupyter kernel
with nbclient; this process only reads JSON: the submission before, the executed notebook
after. Scores come from the grade records (`quiz.GRADE_MIME`) that check cells print, and a
record only counts when it sits in a locked grade cell whose source matches the reference's.
Cells tagged skip-grading are skipped only while they match the reference's skip-tagged
cells; a submission that changed one runs every cell (see `changed_skipped_cells`).
"""

from __future__ import annotations

import argparse
import ast
import copy
import csv
import inspect
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

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
# Execution (worker side: the only place that talks to a kernel)
# --------------------------------------------------------------------------------------------


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _worker(argv: list[str]) -> int:
    """Execute one prepared notebook; write the executed notebook and a status file.

    argv: IN_NB OUT_NB STATUS_JSON CWD CELL_TIMEOUT TOTAL_TIMEOUT KERNEL_NAME RUN_ALL
    (RUN_ALL "1": also run the cells tagged skip-grading / skip-execution)
    """
    import asyncio

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    in_nb, out_nb, status_path, cwd, timeout_s, total_s, kernel_name, run_all = argv
    skip_tags = set() if run_all == "1" else SKIP_TAGS
    cell_timeout, total = max(1.0, float(timeout_s)), max(1.0, float(total_s))
    out_path, status_file = Path(out_nb), Path(status_path)
    nb = nbformat.read(in_nb, as_version=4)
    status: dict = {"kernel_pid": None, "timeouts": [], "dead": None, "unresponsive": None,
                    "capped": None, "internal_error": None, "finished": False, "current": None}
    clock = {"start": time.monotonic()}

    def remaining() -> float:
        return total - (time.monotonic() - clock["start"])

    def cell_limit(cell) -> int:
        return max(1, math.ceil(min(cell_timeout, remaining())))

    def save() -> None:
        _atomic_write(out_path, nbformat.writes(nb))
        _atomic_write(status_file, json.dumps(status))

    class Client(NotebookClient):
        current = -1

        async def _async_handle_timeout(self, timeout, cell=None):
            if remaining() <= 0.5:
                status["capped"] = self.current
            elif self.current not in status["timeouts"]:
                status["timeouts"].append(self.current)
            return await super()._async_handle_timeout(timeout, cell)

    client = Client(
        nb, timeout_func=cell_limit, interrupt_on_timeout=True, allow_errors=True,
        error_on_timeout={"ename": "CellTimeout", "evalue": "time limit reached",
                          "traceback": []},
        kernel_name=kernel_name, resources={"metadata": {"path": cwd}}, record_timing=False,
        iopub_timeout=3, shutdown_kernel="immediate",
    )
    env = dict(os.environ)
    repo = str(Path(__file__).resolve().parent.parent)
    env.update({"COURSE_FAST": "1", "COURSE_GRADING": "1", "COURSE_HEADLESS": "1",
                "MPLBACKEND": "Agg",
                "PYTHONPATH": os.pathsep.join(p for p in [repo, env.get("PYTHONPATH")] if p)})

    async def run() -> None:
        async with client.async_setup_kernel(env=env):
            prov = getattr(client.km, "provisioner", None)
            pid = getattr(prov, "pid", None) or getattr(getattr(prov, "process", None),
                                                        "pid", None)
            status["kernel_pid"] = pid
            save()
            msg_id = client.kc.kernel_info()
            if inspect.isawaitable(msg_id):
                msg_id = await msg_id
            await client.async_wait_for_reply(msg_id)
            clock["start"] = time.monotonic()  # the cap counts cell time, not start-up
            streak = 0
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or skip_tags & set(_tags(cell)):
                    continue
                if remaining() <= 0.5:
                    status["capped"] = index
                    break
                client.current = status["current"] = index
                _atomic_write(status_file, json.dumps(status))
                n_timeouts = len(status["timeouts"])
                try:
                    await client.async_execute_cell(
                        cell, index, execution_count=client.code_cells_executed + 1)
                except DeadKernelError:
                    status["dead"] = index
                    break
                except CellTimeoutError:  # iopub trouble: count it as a timeout
                    if index not in status["timeouts"]:
                        status["timeouts"].append(index)
                save()
                if status["capped"] is not None:
                    break
                streak = streak + 1 if len(status["timeouts"]) > n_timeouts else 0
                if streak >= 2:  # the interrupt did not free the kernel
                    status["unresponsive"] = index
                    break
            status["finished"] = all(status[k] is None for k in ("dead", "unresponsive",
                                                                  "capped"))

    try:
        asyncio.run(run())
    except Exception as e:  # kernel failed to start, ...
        status["internal_error"] = f"{type(e).__name__}: {str(e)[:300]}"
    save()
    return 0


def default_jobs() -> int:
    """Submissions to grade at once: 2 on a 2-core machine (a kernel spends much of its time
    starting up and waiting, so two overlap well), half the cores on bigger ones, at most
    MAX_DEFAULT_JOBS (each TensorFlow kernel takes 1-2 GB of memory)."""
    cores = os.cpu_count() or 1
    return min(MAX_DEFAULT_JOBS, max(min(2, cores), cores // 2))


def _kill_group(pid: int | None) -> None:
    if not pid:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError, OSError):
            return
        time.sleep(0.3)


@dataclass
class Execution:
    nb: object | None
    timeouts: list[int] = field(default_factory=list)
    dead: int | None = None
    unresponsive: int | None = None
    capped: int | None = None  # cell index where the whole-notebook limit hit
    internal_error: str | None = None
    current: int | None = None


def execute_submission(nb, cwd: Path, timeout: float, total_timeout: float,
                       kernel_name: str = "python3", run_all: bool = False) -> Execution:
    """Run a notebook in a worker subprocess + fresh kernel; never raises for student faults.

    timeout: seconds per cell; total_timeout: seconds for all cells together (kernel start-up
    not counted); run_all: also run cells tagged skip-grading.
    """
    import nbformat

    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        tmp_path = Path(tmp)
        src, out, status_path = tmp_path / "in.ipynb", tmp_path / "out.ipynb", \
            tmp_path / "status.json"
        src.write_text(nbformat.writes(nb), encoding="utf-8")
        env = dict(os.environ)
        repo = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in [repo, env.get("PYTHONPATH")] if p)
        cmd = [sys.executable, "-m", "course_lib.grading", "--worker", str(src), str(out),
               str(status_path), str(cwd), str(timeout), str(total_timeout), kernel_name,
               "1" if run_all else "0"]
        log = open(tmp_path / "worker.log", "wb")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True, cwd=str(cwd))
        killed = False
        try:  # the worker enforces the limits; this is the backstop (+ kernel start-up)
            proc.wait(timeout=total_timeout + 90)
        except subprocess.TimeoutExpired:
            killed = True
            _kill_group(proc.pid)
            proc.wait()
        finally:
            log.close()
        status = {}
        if status_path.exists():
            try:
                status = json.loads(status_path.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                status = {}
        _kill_group(status.get("kernel_pid"))  # normally gone already
        executed = None
        if out.exists():
            try:
                executed = nbformat.read(str(out), as_version=4)
            except Exception:
                executed = None
        internal = status.get("internal_error")
        capped = status.get("capped")
        if killed and capped is None:
            capped = status.get("current")
            capped = -1 if capped is None else capped
        if not status and not killed:
            tail = (tmp_path / "worker.log").read_text(errors="replace")[-300:]
            internal = f"grading worker failed: {tail.strip()}"
        return Execution(executed, list(status.get("timeouts", [])), status.get("dead"),
                         status.get("unresponsive"), capped, internal, status.get("current"))


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
                   reject_sealed: bool = False) -> tuple[dict[str, ItemResult], list[str],
                                                         list[str]]:
    """Items, errors and notes of an executed notebook (pure JSON reading)."""
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
                rec = recs[-1]
                frac = _fraction(rec)
                sealed = bool(rec.get("sealed"))
                fb = [str(x) for x in rec.get("feedback", []) if isinstance(x, str)][:20]
                if sealed:
                    notes.append(f"{gid} was answered with the instructor's sealed token.")
                    if reject_sealed:
                        frac = 0.0
                        fb.append("Answered with the instructor's sealed token: not accepted.")
                status = "correct" if frac >= 1 else "partial" if frac > 0 else "wrong"
                r = ItemResult(gid, round(frac * pts, 6), pts, status, fb, sealed)
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
        if any(p.search(src) for p in FAKE_GRADE_PATTERNS):
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
    return items, errors, notes


def grade_submission(path: str | Path, refs: list[Reference] | None,
                     timeout: float = DEFAULT_TIMEOUT, total_timeout: float = DEFAULT_TOTAL,
                     kernel_name: str = "python3", reject_sealed: bool = False,
                     student: str | None = None, default_ref: Reference | None = None,
                     run_all: bool = False) -> Grade:
    """Execute and grade one submission. Never raises for a broken submission.

    refs: the handed-out notebooks (None: no reference, trust the submission's own check
    cells); timeout / total_timeout in seconds (see `execute_submission`).
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
    execution = execute_submission(nb, path.parent.resolve(), timeout, total_timeout,
                                   kernel_name, run_all) if has_code else Execution(nb)
    executed = execution.nb if execution.nb is not None else nb
    items, errors, notes = score_executed(executed, ref, execution, reject_sealed)
    grade.items.update(items)
    grade.errors += errors
    grade.notes += notes
    grade.seconds = time.monotonic() - t0
    return grade


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------


def _safe_name(student: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", student).strip("._") or "student"


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
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    with open(out_csv, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", "score", "max_score", *columns, "error"])
        for g in grades:
            row = [g.student, _fmt(g.score), _fmt(g.max_score) if g.items else ""]
            for c in columns:
                r = g.items.get(c)
                row.append("" if r is None or r.score is None else _fmt(r.score))
            row.append("; ".join(g.errors))
            w.writerow(row)
    fb_dir = out_csv.parent / "feedback"
    fb_dir.mkdir(exist_ok=True)
    for g in grades:
        (fb_dir / f"{_safe_name(g.student)}.md").write_text(feedback_markdown(g),
                                                            encoding="utf-8")
    return fb_dir


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
                  run_all: bool = False) -> list[Grade]:
    """Grade every submission (files or folders, searched recursively) into `out_csv`.

    Writes the CSV (one row per submission) and `feedback/<student>.md` next to it; returns
    the grades. jobs: submissions executed at once (default `default_jobs()`).
    """
    out_csv = Path(out_csv)
    jobs = default_jobs() if jobs is None else jobs
    subs = _notebooks_in(paths, recursive=True)
    if references and [r for r in references if r.lower() == "none"]:
        refs: list[Reference] | None = None
    elif references:
        refs = [Reference.from_notebook(_read_nb(r), r) for r in _notebooks_in(references)]
    else:
        refs = course_references()
    out_resolved = out_csv.resolve().parent
    subs = [s for s in subs if out_resolved not in s.resolve().parents]
    names = _student_names(subs)
    default_ref = refs[0] if refs and len(refs) == 1 else None

    def one(k: int) -> Grade:
        g = grade_submission(subs[k], refs, timeout, total_timeout, kernel_name,
                             reject_sealed, names[k], default_ref, run_all)
        err = f"  [{'; '.join(g.errors)}]" if g.errors else ""
        print(f"[{k + 1}/{len(subs)}] {g.student}: {_fmt(g.score)}/{_fmt(g.max_score)} "
              f"({g.seconds:.0f} s){err}", file=sys.stderr, flush=True)
        return g

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        grades = list(pool.map(one, range(len(subs))))
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
    columns: list[str] = []
    for g in grades:
        for gid in g.items:
            if gid not in columns:
                columns.append(gid)
    first = {c: i for i, c in enumerate(columns)}
    columns.sort(key=lambda c: (c.split("-", 1)[0], first[c]))
    write_reports(grades, out_csv, columns)
    return grades


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    if command == "student":
        parser.description = "Make student versions: solution regions blanked, checks kept."
        parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK_OR_DIR")
        parser.add_argument("--out", required=True, help="output folder")
        parser.add_argument("--check", action="store_true",
                            help="write nothing; exit 1 if the files in --out are out of date")
    else:
        parser.description = ("Execute submissions in fresh kernels and write a CSV gradebook "
                              "plus feedback/<student>.md next to it.")
        parser.add_argument("submissions", nargs="+", metavar="SUBMISSION_OR_DIR")
        parser.add_argument("--out", required=True, help="CSV file to write")
        parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                            help=f"per-cell time limit in seconds (default {DEFAULT_TIMEOUT:g})")
        parser.add_argument("--total-timeout", type=float, default=DEFAULT_TOTAL,
                            help="time limit for all cells of one notebook, in seconds "
                                 f"(default {DEFAULT_TOTAL:g})")
        parser.add_argument("--reference", action="append", metavar="NOTEBOOK",
                            help="handed-out notebook(s) whose check cells are trusted "
                                 "(default: instructor/ of this course; 'none' to disable)")
        parser.add_argument("--jobs", type=int, default=None,
                            help="submissions graded at once (default: 2 on 2 cores, half the "
                                 f"cores on bigger machines, at most {MAX_DEFAULT_JOBS})")
        parser.add_argument("--run-all", action="store_true",
                            help="run the cells tagged skip-grading too (slower; done anyway for a "
                                 "submission whose skip-grading cells were changed)")
        parser.add_argument("--kernel", default="python3", help="Jupyter kernel name")
        parser.add_argument("--reject-sealed", action="store_true",
                            help="score answers given as instructor sealed tokens 0")


def run(args: argparse.Namespace) -> int:
    if args.command == "student":
        return student_command(args.notebooks, args.out, check_only=args.check)
    for ref in args.reference or []:
        if ref.lower() != "none" and not Path(ref).exists():
            print(f"reference notebook not found: {ref}", file=sys.stderr)
            return 2
    subs = _notebooks_in(args.submissions, recursive=True)
    if not subs:
        print("no submissions found", file=sys.stderr)
        return 2
    grades = grade_command(args.submissions, args.out, args.timeout, args.total_timeout,
                           args.reference, args.jobs, args.kernel, args.reject_sealed,
                           args.run_all)
    bad = sum(1 for g in grades if g.errors)
    print(f"graded {len(grades)} submission(s) ({bad} with problems) -> {args.out}; "
          f"feedback in {Path(args.out).parent / 'feedback'}")
    return 0


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--worker":
    sys.exit(_worker(sys.argv[2:]))
