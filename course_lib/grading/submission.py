"""Executing and grading one submission (never raises for a broken submission).

Grading never runs student code in this process: the notebook runs in a sandbox
(`course_lib.grading.runner`) and this process only reads JSON afterwards. Cells tagged
skip-grading are skipped only while they match the reference's skip-tagged cells; a
submission that changed one runs every cell (see `changed_skipped_cells`).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from course_lib.grading import runner, trust
from course_lib.grading.cells import cell_source, check_cells
from course_lib.grading.editions import clear_outputs
from course_lib.grading.references import (
    Reference,
    bank_reference,
    changed_skipped_cells,
    choose_reference,
    ids_in,
    ref_for_unreadable,
)
from course_lib.grading.runner import Execution
from course_lib.grading.scoring import Grade, ItemResult, score_executed

# Fast-mode cells take seconds to a minute even on a busy laptop; an endless loop costs one
# DEFAULT_TIMEOUT, so keep it short. The total cap is the backstop for many slow cells.
DEFAULT_TIMEOUT = 180.0  # seconds per cell
DEFAULT_TOTAL = 1800.0  # seconds for all cells of one notebook


def execute_submission(nb, name: str | Path, timeout: float, total_timeout: float,
                       kernel_name: str = "python3", run_all: bool = False,
                       policy=None, pool=None) -> Execution:
    """Run a notebook in a fresh sandboxed kernel (see runner.run_notebook).

    name: the file name of the copy the kernel sees in its otherwise empty folder.
    timeout: seconds per cell; total_timeout: seconds for all cells together (kernel start-up
    not counted); run_all: also run cells tagged skip-grading.
    """
    return runner.run_notebook(nb, _copy_name(Path(name).name), timeout,
                                       total_timeout, kernel_name, run_all, policy, pool)


def _copy_name(name: str) -> str:
    safe = re.sub(r"[^\w.-]+", "_", name).strip("._")
    return safe if safe.endswith(".ipynb") else (safe or "submission") + ".ipynb"


def grade_submission(path: str | Path, refs: list[Reference] | None,
                     timeout: float = DEFAULT_TIMEOUT, total_timeout: float = DEFAULT_TOTAL,
                     kernel_name: str = "python3", reject_sealed: bool = False,
                     student: str | None = None, default_ref: Reference | None = None,
                     run_all: bool = False, key: dict | None = None, policy=None,
                     pool=None) -> Grade:
    """Execute and grade one submission. Never raises for a broken submission.

    refs: the handed-out notebooks (None: no reference, trust the submission's own check
    cells); timeout / total_timeout in seconds (see `execute_submission`); key: the
    grader's quiz items (default: this checkout's bank, `trust.load_key`);
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
        ref = ref_for_unreadable(raw, refs) or default_ref
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

    ref = choose_reference(nb, refs) if refs else None
    if ref is None and refs is not None:
        ref = default_ref if default_ref is not None and not ids_in(nb) else None
    if ref is None and refs is not None:
        ref = bank_reference(ids_in(nb))
        if ref is not None:
            grade.notes.append("No reference notebook found: expected items taken from the "
                               "question bank.")
    grade.reference = ref.path if ref else None

    for cell in nb.cells:  # stale outputs must not count
        clear_outputs(cell)
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
    has_code = any(c.cell_type == "code" and cell_source(c).strip() for c in nb.cells)
    key = trust.load_key(None) if key is None else key
    execution = execute_submission(nb, path.name, timeout, total_timeout, kernel_name,
                                   run_all, policy, pool) if has_code else Execution(nb)
    executed = execution.nb if execution.nb is not None else nb
    checks = ref.checks if ref is not None else {k: v[0] for k, v in check_cells(nb).items()}
    exercises = {g: c for g, c in checks.items()
                 if key.get(g) is not None and key[g].kind == "code-exercise"}
    # Re-run only what the kernel got through: a notebook that timed out or died keeps 0.
    rechecks = trust.recheck_exercises(nb, exercises, policy, pool) \
        if exercises and has_code else {}
    items, errors, notes = score_executed(executed, ref, execution, reject_sealed, key,
                                          rechecks)
    grade.items.update(items)
    grade.errors += errors
    grade.notes += notes
    grade.seconds = time.monotonic() - t0
    return grade


