"""`python -m course_lib student|grade`: the options (a contract) and the entry point."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from course_lib.grading import sandbox
from course_lib.grading.editions import student_command, write_keyless_bank
from course_lib.grading.gradebook import MAX_DEFAULT_JOBS, grade_command
from course_lib.grading.notebooks import notebooks_in
from course_lib.grading.submission import DEFAULT_TIMEOUT, DEFAULT_TOTAL

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
    return int(value * sandbox.GiB)


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
    parser.add_argument("--reference", action="append", metavar="DIR_OR_NOTEBOOK",
                        help="handed-out notebook(s), or a folder of them, whose check cells "
                             "are trusted (default: the folder COURSE_REFERENCE_DIR names, "
                             "else the nearest instructor/ folder in the current directory "
                             "or its parents; 'none' to disable)")
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
                             f"{sandbox.DEFAULT_MEMORY // sandbox.GiB:g})")


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
    subs = notebooks_in(args.submissions, recursive=True)
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
