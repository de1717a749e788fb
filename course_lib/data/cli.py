"""`python -m course_lib data check | import` (`add_arguments`, `run`), and `check_data_dir`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from course_lib import config
from course_lib.data.errors import DataError
from course_lib.data.install import clean_stale_staging, install_archive
from course_lib.data.storage import (
    DATASETS,
    DERIVED_NAME,
    IMPORTABLE,
    PathLike,
    is_writable,
    os_reason,
)
from course_lib.data.verify import verify_dataset


@dataclass
class CheckResult:
    name: str
    status: str  # "OK", "missing" or "BAD"
    detail: str
    problems: list[str] = field(default_factory=list)


def check_data_dir(data_dir: PathLike, datasets: Sequence[str] | None = None) -> list[CheckResult]:
    """Verify every dataset folder present in `data_dir` (or just `datasets`)."""
    data_dir = Path(data_dir)
    names = list(datasets) if datasets else [
        n for n in DATASETS if n != DERIVED_NAME or _quiet_is_dir(data_dir / n)]
    results = []
    for name in names:
        try:
            results.append(_check_one(name, data_dir))
        except OSError as exc:  # unreadable data folder, or a file vanishing mid-check
            where = exc.filename or data_dir / name
            results.append(CheckResult(name, "BAD", f"cannot read {where} ({os_reason(exc)})",
                                       [f"{name}: cannot read {where} ({os_reason(exc)})"]))
    return results


def _quiet_is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # an unreadable parent: _check_one reports it
        return True


def _check_one(name: str, data_dir: Path) -> CheckResult:
    """check_data_dir for one dataset."""
    spec, root = DATASETS[name], data_dir / name
    if not root.is_dir():
        target = data_dir if is_writable(data_dir) else "DIR"
        detail = (f"not in {root}. To get it: {spec.how_to_get} Or: "
                  f"python -m course_lib data import {name} ARCHIVE --data-dir {target}")
        return CheckResult(name, "missing", detail)
    summary, problems = verify_dataset(name, root)
    return CheckResult(name, "BAD" if problems else "OK",
                       summary or f"{len(problems)} problem(s)", problems)


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    """`data check` and `data import` sub-commands (called by course_lib.cli)."""
    sub = parser.add_subparsers(dest="data_command", metavar="{check,import}", required=True)
    check = sub.add_parser("check", help="verify the datasets present in a data folder")
    check.add_argument("--data-dir", type=Path, default=None,
                       help="data folder (default: $COURSE_DATA_DIR or ~/.cache/course_lib/data)")
    check.add_argument("--dataset", choices=list(DATASETS), default=None,
                       help="check only this dataset (missing then counts as a failure)")
    imp = sub.add_parser("import", help="install a dataset from a local .tar.gz/.tgz/.zip")
    imp.add_argument("name", choices=IMPORTABLE)
    imp.add_argument("archive", type=Path)
    imp.add_argument("--data-dir", type=Path, default=None,
                     help="where to install (default: $COURSE_DATA_DIR or "
                          "~/.cache/course_lib/data)")


def run(args: argparse.Namespace) -> int:
    """Run `data check` / `data import`; returns the exit status."""
    data_dir = Path(args.data_dir).expanduser() if args.data_dir else config.data_dir()
    if args.data_command == "import":
        try:
            install_archive(args.name, args.archive, data_dir)
        except DataError as exc:
            print(f"data import: {exc}", file=sys.stderr)
            return 1
        return 0

    if not data_dir.is_dir():
        print(f"data check: {data_dir} does not exist. Set COURSE_DATA_DIR or pass --data-dir; "
              "datasets are downloaded into ~/.cache/course_lib/data on first use.",
              file=sys.stderr)
        return 1
    print(f"Checking datasets in {data_dir}")
    for message in clean_stale_staging(data_dir, remove=is_writable(data_dir)):
        print(f"  note: {message}")
    results = check_data_dir(data_dir, [args.dataset] if args.dataset else None)
    failed = False
    for r in results:
        print(f"  {r.name:<24} {r.status:<8} {r.detail}")
        for line in r.problems:
            print(f"      {line}")
        failed |= r.status == "BAD" or (r.status == "missing" and bool(args.dataset))
    bad = [r.name for r in results if r.status == "BAD"]
    print(f"data check: {'FAILED: ' + ', '.join(bad or [args.dataset]) if failed else 'OK'}")
    return 1 if failed else 0
