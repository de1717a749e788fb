"""Execute a notebook top to bottom in a fresh kernel: the one executor of the course's tools.

`tools/run_notebooks.py`, `tools/build_lessons.py` and the benchmark (`benchmarks/bench.py`)
all run notebooks through `execute`. (The grader runs students' notebooks through its own
sandboxed, locked-down client in its worker process, and does not use this.)
"""

from __future__ import annotations

from pathlib import Path

import nbformat

KERNEL = "python3"


def execute(nb: nbformat.NotebookNode, cwd: str | Path, timeout: int,
            kernel_name: str = KERNEL) -> nbformat.NotebookNode:
    """Run every cell of `nb` in place, in a new `kernel_name` kernel started in `cwd`.

    Args:
        nb: the notebook; its cells get their outputs (and execution counts) written in.
        cwd: the kernel's working directory (a notebook's relative paths start there).
        timeout: seconds any one cell may run before it is interrupted.
        kernel_name: the Jupyter kernel; it inherits this process's environment, so variables
            such as COURSE_FAST and COURSE_DATA_DIR apply.

    Returns:
        `nb` itself, executed.

    Raises:
        nbclient.exceptions.CellExecutionError: a cell raised (the cells before it keep their
            outputs); nbclient.exceptions.CellTimeoutError: a cell ran past `timeout`.
    """
    from nbclient import NotebookClient  # only the tools need it: not imported with the package

    NotebookClient(nb, timeout=timeout, kernel_name=kernel_name,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb
