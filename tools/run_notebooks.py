"""Execute the course notebooks top to bottom into an output folder (the "main job").

    python tools/run_notebooks.py [--out outputs] [--timeout 1800] [NOTEBOOK ...]

Each notebook runs in its own kernel with the current environment (so COURSE_FAST and
COURSE_DATA_DIR apply); executed copies, with their figures, land in --out. The sources in
notebooks/ are left untouched. Exits non-zero if any notebook fails, after running the rest.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # this checkout's course_lib, not another installed copy

from course_lib.notebook_run import execute  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=REPO / "outputs")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    args = parser.parse_args()
    paths = args.notebooks or sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    args.out.mkdir(parents=True, exist_ok=True)
    failed = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        try:
            execute(nb, cwd=path.parent, timeout=args.timeout)
            status = "ok"
        except Exception as exc:  # keep going: report every notebook
            status = f"FAILED: {type(exc).__name__}: {str(exc).splitlines()[-1][:200]}"
            failed.append(path.name)
        nbformat.write(nb, args.out / path.name)
        print(f"{path.name}: {status} ({time.perf_counter() - start:.0f} s) -> "
              f"{args.out / path.name}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
