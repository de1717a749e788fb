"""Grading a class: every submission into one CSV gradebook plus feedback files.

    python -m course_lib grade SUBMISSION_OR_DIR... --out grades.csv [--timeout S]
                               [--total-timeout S] [--reference NB_OR_DIR]... [--jobs N]
                               [--run-all] [--key FILE] [--memory-limit GIB]

Submissions run concurrently (`default_jobs`); the gradebook is rewritten after each one, so
a killed run resumes where it stopped (`course_lib.grading.reports.State`).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from course_lib.grading import sandbox, trust
from course_lib.grading.notebooks import notebooks_in, read_notebook
from course_lib.grading.references import Reference, course_references
from course_lib.grading.reports import (
    State,
    columns_of,
    grade_from_dict,
    grade_to_dict,
    write_reports,
)
from course_lib.grading.scoring import Grade, ItemResult, format_score
from course_lib.grading.submission import DEFAULT_TIMEOUT, DEFAULT_TOTAL, grade_submission

MAX_DEFAULT_JOBS = 4


def default_jobs() -> int:
    """Submissions to grade at once: 2 on a 2-core machine (a kernel spends much of its time
    starting up and waiting, so two overlap well), half the cores on bigger ones, at most
    MAX_DEFAULT_JOBS (each TensorFlow kernel takes 1-2 GB of memory)."""
    cores = os.cpu_count() or 1
    return min(MAX_DEFAULT_JOBS, max(min(2, cores), cores // 2))


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
    once (default `default_jobs()`); key_path: instructor key (`trust.load_key`);
    memory: bytes of address space per kernel.
    """
    out_csv = Path(out_csv).resolve()
    jobs = default_jobs() if jobs is None else max(1, jobs)
    subs = notebooks_in(paths, recursive=True)
    if references and [r for r in references if r.lower() == "none"]:
        refs: list[Reference] | None = None
    elif references:
        refs = [Reference.from_notebook(read_notebook(r), r) for r in notebooks_in(references)]
    else:
        refs = course_references()
    key = trust.load_key(key_path)
    names = _student_names(subs)
    default_ref = refs[0] if refs and len(refs) == 1 else None
    policy = sandbox.detect_policy(memory or sandbox.DEFAULT_MEMORY)
    for w in policy.warnings:
        print(w, file=sys.stderr)
    pool = sandbox.UidPool(jobs)
    key_digest = State.digest(Path(key_path).read_bytes()) \
        if key_path and Path(key_path).is_file() else str(key_path)
    state = State(out_csv, {
        "timeout": timeout, "total": total_timeout, "kernel": kernel_name, "run_all": run_all,
        "reject_sealed": reject_sealed, "key": key_digest, "names": names,
        "refs": [str(r.path) for r in refs or []]})
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    done: list[Grade | None] = [None] * len(subs)
    lock = threading.Lock()

    def one(k: int) -> None:
        try:
            digest = State.digest(subs[k].read_bytes())
        except OSError:
            digest = ""
        cached = state.get(subs[k], digest) if digest else None
        g = grade_from_dict(cached) if cached else grade_submission(
            subs[k], refs, timeout, total_timeout, kernel_name, reject_sealed, names[k],
            default_ref, run_all, key, policy, pool)
        with lock:  # the gradebook so far, so a killed grader keeps it
            done[k] = g
            if digest:
                state.put(subs[k], digest, grade_to_dict(g))
            finished = [x for x in done if x is not None]
            write_reports(finished, out_csv, columns_of(finished))
        err = f"  [{'; '.join(g.errors)}]" if g.errors else ""
        again = " (from the interrupted run)" if cached else ""
        score = f"{format_score(g.score)}/{format_score(g.max_score)}"
        print(f"[{k + 1}/{len(subs)}] {g.student}: {score} ({g.seconds:.0f} s){again}{err}",
              file=sys.stderr, flush=True)

    with ThreadPoolExecutor(max_workers=jobs) as executor:
        list(executor.map(one, range(len(subs))))
    grades = [g for g in done if g is not None]
    sandbox.sweep_all()  # nothing of any submission outlives the grading
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
    write_reports(grades, out_csv, columns_of(grades))
    state.finish()
    return grades

