"""Small helpers for the notebook generator scripts in this folder (nb01.py … nb05.py).

A generator script lists a notebook's cells as Python strings, so the lesson can be reviewed
as plain text and rebuilt with one command. This module turns that list into an `.ipynb`
(nbformat 4, stable cell ids, nbgrader metadata on graded cells) and can execute it with
nbclient so the committed notebook carries its outputs.

    python tools/build_notebooks/nb01.py             # write notebooks/01_gan_mnist.ipynb
    COURSE_FAST=1 COURSE_DATA_DIR=/path/to/data \
        python tools/build_notebooks/nb01.py --execute   # ... and store fast-mode outputs
    python tools/build_notebooks/nb01.py --keep-outputs  # markdown edits: keep stored outputs
"""

from __future__ import annotations

import argparse
import os
import textwrap
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
COLAB_BADGE = (
    "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
    "(https://colab.research.google.com/github/gan-course/gan-to-pix2pix/blob/main/notebooks/"
    "{name})"
)
IGNORE = "# NBVAL_IGNORE_OUTPUT"  # nbval: run the cell but do not compare its output
# Tag for cells the grader may skip: long training or plotting that no graded cell depends on.
SKIP_GRADING = "skip-grading"


def _clean(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def md(text: str) -> nbformat.NotebookNode:
    """A markdown cell; the text is dedented so scripts can indent it."""
    return nbformat.v4.new_markdown_cell(_clean(text))


def code(src: str, *, ignore_output: bool = False,
         tags: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    """A code cell. `ignore_output` adds nbval's first-line marker (timings, random values)."""
    src = _clean(src)
    if ignore_output:
        src = f"{IGNORE}\n{src}"
    cell = nbformat.v4.new_code_cell(src)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def answer(item_id: str, src: str) -> nbformat.NotebookNode:
    """An answer cell (docs/GRADED_CELLS.md): tag `answer` + nbgrader solution metadata."""
    cell = nbformat.v4.new_code_cell(_clean(src))
    cell.metadata["tags"] = ["answer"]
    cell.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False,
                                 "grade_id": f"{item_id}-answer", "schema_version": 3}
    return cell


def check(item_id: str, src: str, points: float) -> nbformat.NotebookNode:
    """A check cell: tag `check` + locked nbgrader grade metadata with the bank's points."""
    cell = nbformat.v4.new_code_cell(_clean(src))
    cell.metadata["tags"] = ["check"]
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                 "points": points, "grade_id": item_id, "schema_version": 3}
    return cell


def manual(grade_id: str, text: str, points: float) -> nbformat.NotebookNode:
    """A manually graded markdown answer (e.g. a project discussion): the instructor scores it."""
    cell = md(text)
    cell.metadata["tags"] = ["answer"]
    cell.metadata["nbgrader"] = {"grade": True, "solution": True, "locked": False,
                                 "points": points, "grade_id": grade_id, "schema_version": 3}
    return cell


def setup_cells(name: str, title_md: str) -> list[nbformat.NotebookNode]:
    """The opening every course notebook shares: badge + title, then the Colab setup cell."""
    badge = md(COLAB_BADGE.format(name=name) + "\n\n" + _clean(title_md))
    setup = code(
        '''
        # Make `course_lib` importable. On Colab: clone the course and install it. Locally it is
        # normally installed already (`pip install -e .`); if not, use the checkout around us.
        import importlib.util
        import os
        import subprocess
        import sys
        from pathlib import Path

        # Hide TensorFlow's C++ info/warning chatter (errors still show). Must precede its import.
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

        if importlib.util.find_spec("course_lib") is None:
            if "google.colab" in sys.modules:
                repo = Path("/content/gan-to-pix2pix")
                if not repo.exists():
                    subprocess.run(["git", "clone", "-q",
                                    "https://github.com/gan-course/gan-to-pix2pix", str(repo)],
                                   check=True)
                subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", str(repo)],
                               check=True)
            else:
                repo = Path.cwd().parent  # running from notebooks/ inside a checkout
            # An editable install is only seen by new processes: make it visible to this kernel.
            sys.path.insert(0, str(repo))
            importlib.invalidate_caches()
        import course_lib

        print("course_lib", course_lib.__version__)
        ''',
        ignore_output=True,
    )
    return [badge, setup]


def notebook(cells: list[nbformat.NotebookNode], stem: str) -> nbformat.NotebookNode:
    """Wrap cells in a notebook with stable ids (`<stem>-NN`) and Colab/kernel metadata."""
    nb = nbformat.v4.new_notebook()
    for i, cell in enumerate(cells):
        cell["id"] = f"nb{stem}-{i:02d}"
    nb.cells = cells
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "accelerator": "GPU",  # Colab opens the notebook on a GPU runtime (full mode)
        "colab": {"provenance": []},
    }
    nbformat.validate(nb)
    return nb


def reuse_outputs(nb: nbformat.NotebookNode, stored: Path) -> None:
    """Copy the outputs of the executed notebook `stored` into the freshly built `nb`.

    For edits that touch only markdown: re-executing a training notebook takes minutes. Exits
    with an error unless both have the same code cells in the same order (same source, tags
    and nbgrader metadata), because outputs of changed code would be stale.
    """
    old = nbformat.read(stored, as_version=4)
    new_code = [c for c in nb.cells if c.cell_type == "code"]
    old_code = [c for c in old.cells if c.cell_type == "code"]

    def key(cell: nbformat.NotebookNode) -> tuple:
        meta = cell.metadata
        return cell.source, meta.get("tags", []), meta.get("nbgrader")

    if len(new_code) != len(old_code) or any(key(a) != key(b) for a, b in zip(new_code, old_code)):
        raise SystemExit(f"--keep-outputs: the code cells differ from {stored.name}; "
                         "run with --execute instead")
    for cell, executed in zip(new_code, old_code):
        cell.outputs = executed.outputs
        cell.execution_count = executed.execution_count
        if "execution" in executed.metadata:
            cell.metadata["execution"] = executed.metadata["execution"]
    for name in ("language_info", "widgets"):  # what the kernel reported when it ran
        if name in old.metadata:
            nb.metadata[name] = old.metadata[name]


def main(cells: list[nbformat.NotebookNode], filename: str) -> None:
    """Command line of a generator script: write the notebook, optionally execute it."""
    parser = argparse.ArgumentParser(description=f"Build notebooks/{filename}")
    parser.add_argument("--execute", action="store_true",
                        help="run it top to bottom (current env: set COURSE_FAST=1 and "
                             "COURSE_DATA_DIR) and store the outputs")
    parser.add_argument("--keep-outputs", action="store_true",
                        help="markdown-only edits: keep the outputs already stored in the "
                             "notebook (refused if any code cell changed)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    args = parser.parse_args()
    nb = notebook(cells, filename[:2])
    path = NOTEBOOKS / filename
    if args.keep_outputs and not args.execute:
        reuse_outputs(nb, path)
    if args.execute:
        print(f"executing {filename} (COURSE_FAST={os.environ.get('COURSE_FAST', '')!r}) ...",
              flush=True)
        start = time.perf_counter()
        NotebookClient(nb, timeout=args.timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
        print(f"executed in {time.perf_counter() - start:.0f} s", flush=True)
    nbformat.write(nb, path)
    print(f"wrote {path.relative_to(REPO)} ({len(nb.cells)} cells)")
