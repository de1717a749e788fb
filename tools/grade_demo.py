#!/usr/bin/env python
"""End-to-end grading check on the real notebook 02 (issue 7's acceptance scenario).

    python tools/grade_demo.py [--work DIR] [--timeout 90] [--total-timeout 900] [--jobs 2]
                               [--budget 1500] [--run-all]

Builds a class of submissions from `instructor/02_gan_vs_cgan_maxout.ipynb`, runs ONE
`python -m course_lib grade` over them (a real subprocess, as an instructor would), times it,
prints the CSV and checks the outcome:

    correct      the instructor notebook as it is (answers given as sealed tokens)
    wrong        the student version with wrong answers to every item
    untouched    the student version handed back blank
    invalid      the instructor notebook cut in the middle of its JSON
    loop         correct, plus an endless `while True` cell after the imports
    loop_skipped correct, with an endless loop appended to a skip-grading (training) cell;
                 a changed skip-grading cell makes the grader run every cell
    deleted      correct, without the graded cells (answer + check) of 02-q3 and 02-ex1
    exception    correct, plus a cell raising RuntimeError right after the imports
    broken_import correct, but the import cell fails (so `quiz` never exists)

Expected: a row per file, `correct` scores full marks with an empty error, `correct` >
`wrong`, every broken copy has an error, and the run ends within --budget seconds.
Exit status 0 when all of that holds. COURSE_DATA_DIR must point at the datasets (the
notebook loads MNIST); COURSE_FAST=1 is forced by the grader itself.

The wrong answers below are deliberately wrong; no correct plaintext answer appears here.
"""

from __future__ import annotations

import argparse
import copy
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from course_lib import grading  # noqa: E402

NOTEBOOK = REPO / "instructor" / "02_gan_vs_cgan_maxout.ipynb"
WRONG_ANSWERS = {  # answer cell grade_id -> replacement for the student placeholder
    "02-q1-answer": 'q1_answer = "b"',
    "02-q2-answer": 'q2_answer = "b"',
    "02-q3-answer": "q3_answer = (1200, 250, 960)",  # units * pieces: the classic slip
}
WRONG_MAXOUT = ("    z = tf.reshape(z, (-1, units, pieces))\n"
                "    return tf.reduce_max(z, axis=-1)")  # groups the wrong way round


def _cell(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _import_index(nb) -> int:
    """Index of the cell that imports `quiz` (the notebook's import cell)."""
    return next(i for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and "import" in c.source and "quiz" in c.source)


def _insert(nb, index: int, source: str, cell_id: str):
    nb.cells.insert(index, nbformat.v4.new_code_cell(source, id=cell_id))
    return nb


def build_class(instructor) -> dict[str, str]:
    """File name -> file text of every submission."""
    handout, _ = grading.make_student(instructor)
    wrong = copy.deepcopy(handout)
    for gid, answer in WRONG_ANSWERS.items():
        cell = _cell(wrong, gid)
        name = answer.split(" =")[0]
        placeholder = f"{name} = None  {grading.ANSWER_PLACEHOLDER}"
        if placeholder not in cell.source:
            raise SystemExit(f"{NOTEBOOK.name}: {gid}: expected the line {placeholder!r} in "
                             f"the student version, found:\n{cell.source}")
        cell.source = cell.source.replace(placeholder, answer)
    ex = _cell(wrong, "02-ex1-answer")
    stub = f"    {grading.CODE_PLACEHOLDER}\n    raise NotImplementedError()"
    if stub not in ex.source:
        raise SystemExit(f"{NOTEBOOK.name}: 02-ex1-answer: expected the stub {stub!r}, "
                         f"found:\n{ex.source}")
    ex.source = ex.source.replace(stub, WRONG_MAXOUT)

    after_imports = _import_index(instructor) + 1
    out = {"correct": copy.deepcopy(instructor), "wrong": wrong,
           "untouched": copy.deepcopy(handout)}
    out["loop"] = _insert(copy.deepcopy(instructor), after_imports,
                          "while True:  # forgot the exit condition\n    pass", "demo-loop")
    hidden = copy.deepcopy(instructor)
    skipped = [c for c in hidden.cells if c.cell_type == "code"
               and grading.SKIP_TAGS & set(c.metadata.get("tags", []))]
    if not skipped:
        raise SystemExit(f"{NOTEBOOK.name}: no skip-grading cell to hide a loop in")
    training = [c for c in skipped if "EPOCHS" in c.source] or skipped
    training[0].source += "\nwhile True:  # 'one more epoch'\n    pass\n"
    out["loop_skipped"] = hidden
    deleted = copy.deepcopy(instructor)
    deleted.cells = [c for c in deleted.cells if c.metadata.get("nbgrader", {}).get(
        "grade_id") not in {"02-q3", "02-q3-answer", "02-ex1", "02-ex1-answer"}]
    out["deleted"] = deleted
    out["exception"] = _insert(copy.deepcopy(instructor), after_imports,
                               "raise RuntimeError('an early mistake')", "demo-raise")
    broken = copy.deepcopy(instructor)
    imp = broken.cells[after_imports - 1]
    imp.source = imp.source.replace("import numpy as np", "import numpyy as np")
    out["broken_import"] = broken
    texts = {f"{name}.ipynb": nbformat.writes(nb) + "\n" for name, nb in out.items()}
    full = nbformat.writes(instructor)
    texts["invalid.ipynb"] = full[: len(full) // 2]
    return texts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--work", type=Path, help="folder for submissions and grades "
                   "(default: a temporary folder, removed afterwards)")
    p.add_argument("--timeout", type=float, default=90, help="per-cell limit passed to grade")
    p.add_argument("--total-timeout", type=float, default=900,
                   help="whole-notebook limit passed to grade")
    p.add_argument("--jobs", type=int, default=2, help="submissions graded at once")
    p.add_argument("--budget", type=float, default=1500,
                   help="fail when the grade run takes longer than this (seconds)")
    p.add_argument("--run-all", action="store_true",
                   help="pass --run-all: also run the skip-grading cells (GAN training)")
    args = p.parse_args(argv)
    if not os.environ.get("COURSE_DATA_DIR"):
        print("note: COURSE_DATA_DIR is not set; notebook 02 needs MNIST there or in "
              "~/.cache/course_lib/data", file=sys.stderr)

    work = args.work or Path(tempfile.mkdtemp(prefix="grade-demo-"))
    subs = work / "submissions"
    if subs.exists():
        shutil.rmtree(subs)
    subs.mkdir(parents=True)
    instructor = nbformat.read(str(NOTEBOOK), as_version=4)
    for name, text in build_class(instructor).items():
        (subs / name).write_text(text, encoding="utf-8")
    out_csv = work / "grades" / "grades.csv"
    cmd = [sys.executable, "-m", "course_lib", "grade", str(subs), "--out", str(out_csv),
           "--timeout", f"{args.timeout:g}", "--total-timeout", f"{args.total_timeout:g}",
           "--jobs", str(args.jobs)] + (["--run-all"] if args.run_all else [])
    print("$ " + " ".join(cmd), flush=True)
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=REPO)
    seconds = time.monotonic() - start
    print(f"grade run: exit {proc.returncode}, {seconds:.0f} s wall clock", flush=True)
    if not out_csv.exists():
        print(f"FAIL: {out_csv} was not written", file=sys.stderr)
        return 1
    text = out_csv.read_text(encoding="utf-8")
    print(text)
    with open(out_csv, newline="", encoding="utf-8") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}

    problems = []
    expected = sorted(q.stem for q in subs.glob("*.ipynb"))
    if sorted(rows) != expected:
        problems.append(f"rows {sorted(rows)} != files {expected}")
    fb = out_csv.parent / "feedback"
    missing_fb = [s for s in expected if not (fb / f"{s}.md").exists()]
    if missing_fb:
        problems.append(f"no feedback file for {missing_fb}")
    if proc.returncode != 0:
        problems.append(f"grade exited with {proc.returncode}")
    if seconds > args.budget:
        problems.append(f"took {seconds:.0f} s, budget {args.budget:g} s")

    def score(name: str) -> float:
        return float(rows.get(name, {}).get("score") or "nan")

    correct = rows.get("correct", {})
    if correct.get("error") or score("correct") != float(correct.get("max_score") or -1):
        problems.append(f"correct copy: {correct}")
    if not score("correct") > score("wrong"):
        problems.append("the correct copy does not score above the wrong one")
    for name in ("invalid", "loop", "loop_skipped", "deleted", "exception", "broken_import"):
        if not rows.get(name, {}).get("error"):
            problems.append(f"{name}: no error reported")
    for name in ("wrong", "untouched"):
        if rows.get(name, {}).get("error"):
            problems.append(f"{name}: unexpected error {rows[name]['error']!r}")
    print(f"submissions and grades in {work}")
    if problems:
        print("FAIL:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print("OK: every file has a row and feedback, correct > wrong, broken copies carry an "
          f"error; {seconds:.0f} s for {len(rows)} submissions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
