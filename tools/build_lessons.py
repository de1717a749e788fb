"""Build every edition of the course notebooks from their source, `lessons/*.py`.

    python tools/build_lessons.py                      # write every edition (EDITIONS)
    python tools/build_lessons.py --check              # exit 1 if a committed notebook differs
    COURSE_FAST=1 COURSE_DATA_DIR=/path/to/data \
        python tools/build_lessons.py --execute [--edition instructor] [01 03 ...]

A lesson is one notebook in jupytext's percent format: `# %%` starts a code cell,
`# %% [markdown]` a markdown cell, and the rest of that line is the cell's metadata:

    id="nb01-22"             the cell id (required, unique: stored outputs are matched by it)
    tags=["answer"]          answer / check (graded cells, docs/GRADED_CELLS.md), skip-grading,
                             reveals-answer (stored output gives an answer away), nbval tags
    grade_id="01-ex1"        of an answer or check cell; becomes nbgrader metadata (a check
                             cell's points come from the question bank, course_lib/quizzes/)
    points=4                 of a manually graded markdown answer (not in the bank)
    lang="ko"                only in the editions of that language (see EDITIONS): a
                             translated markdown cell is a lang="en" cell + a lang="ko" one
                             with the id "<english id>-ko" and the same tags / grade_id /
                             points (a Korean-only cell, e.g. a glossary: lang="ko" alone)

The setup cell (every lesson's first code cell: make course_lib importable, on Colab by
cloning the course) is kept once, in `lessons/setup_cell.py`, with the course's address
`COURSE_REPO`; a lesson's first code cell holds only the line SETUP_MARKER, which the build
replaces with that file. The Colab badges are made from the same `COURSE_REPO`.

Editions (EDITIONS below): the instructor one keeps the `### BEGIN SOLUTION` regions; the
student one is `course_lib.grading.make_student` of it (regions blanked, outputs of answer,
check and reveals-answer cells dropped; those cells are tagged nbval-ignore-output, since
they print something else with a blank answer). Each first cell gets the Colab badge of
its own edition.

Language editions (notebooks/ko, instructor/ko) have the English editions' code cells, cell
ids and grade ids, so the grader scores them alike; only markdown differs (a translated cell's
twin has the id `<english id>-ko`). The one exception: the setup cell (the first code cell)
gets one more line, `os.environ["COURSE_LANG"] = "ko"` after its TF_CPP_MIN_LOG_LEVEL line,
so that course_lib's messages and quizzes speak the edition's language (course_lib.messages).
A code cell of a language edition with no stored output of its own *borrows* the output of
the same cell (same id, same source apart from that line) in the committed English edition
of the same role: the cell is marked `"outputs_from": "en"` and tagged nbval-ignore-output
(printed text may be in the other language), and every build refreshes it from English
until `--execute` runs that edition and stores its own outputs (which drops the mark). A
cell that printed nothing in English gets no mark: its empty output counts as its own.

Building keeps the stored outputs of every cell whose id and source did not change, so the
committed executed outputs survive edits elsewhere; a code cell whose source changed loses
its outputs (the build lists them) until `--execute` runs the notebook again. `--execute`
runs each selected notebook top to bottom in a fresh kernel in its own folder, with this
checkout's `course_lib` first on the kernel's path, and stores the outputs.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

REPO = Path(__file__).resolve().parent.parent
LESSONS = REPO / "lessons"
sys.path.insert(0, str(REPO))  # this checkout's course_lib, not another installed copy

from course_lib import grading, quiz  # noqa: E402

SETUP_CELL = LESSONS / "setup_cell.py"  # every lesson's first code cell, kept once
SETUP_MARKER = "# SETUP CELL: tools/build_lessons.py puts lessons/setup_cell.py here"


def course_repo() -> str:
    """The course's GitHub address: `COURSE_REPO` in lessons/setup_cell.py, its one home."""
    for node in ast.parse(SETUP_CELL.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] \
                == ["COURSE_REPO"]:
            return ast.literal_eval(node.value)
    raise LessonError(f"{SETUP_CELL.name} defines no COURSE_REPO")


def colab_badge(folder: str, name: str) -> str:
    """Markdown of an "Open In Colab" badge for the notebook `folder/name` of the course."""
    github = course_repo().removeprefix("https://github.com/")
    return ("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"(https://colab.research.google.com/github/{github}/blob/main/{folder}/{name})")



NOTEBOOK_METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
    "accelerator": "GPU",  # Colab opens the notebook on a GPU runtime (full mode)
    "colab": {"provenance": []},
}
EXECUTED_METADATA = ("language_info", "widgets")  # what the kernel reported when it ran
NBVAL_IGNORE = "nbval-ignore-output"
DEFAULT_LANG = "en"


@dataclass(frozen=True)
class Edition:
    folder: str  # relative to the repository root
    solutions: bool  # instructor edition: solutions and their outputs
    lang: str = DEFAULT_LANG  # cells marked with another lang="..." are left out


# A language edition is one more line; its lessons carry lang="en"/lang="ko" markdown twins.
EDITIONS = (Edition("notebooks", solutions=False), Edition("instructor", solutions=True),
            Edition("notebooks/ko", solutions=False, lang="ko"),
            Edition("instructor/ko", solutions=True, lang="ko"))
BORROWED = "outputs_from"  # code-cell metadata: outputs borrowed from that language's edition
LANG_ANCHOR = "TF_CPP_MIN_LOG_LEVEL"  # the setup cell's line after which a language is set
LANG_LINE = {"ko": 'os.environ["COURSE_LANG"] = "ko"  # 한국어판: 메시지와 퀴즈를 한국어로'}


def base_edition(edition: Edition) -> Edition:
    """The English edition of the same role (student or instructor)."""
    return next(e for e in EDITIONS if e.lang == DEFAULT_LANG and e.solutions == edition.solutions)


def set_language(cells: list, lang: str) -> None:
    """Add the edition's COURSE_LANG line to its setup cell (the first code cell)."""
    if lang == DEFAULT_LANG:
        return
    setup = next(c for c in cells if c.cell_type == "code")
    lines = setup.source.split("\n")
    at = next((i for i, ln in enumerate(lines) if LANG_ANCHOR in ln), None)
    if at is None:
        raise LessonError(f"cell {setup.id}: the setup cell has no {LANG_ANCHOR} line")
    lines.insert(at + 1, LANG_LINE[lang])
    setup.source = "\n".join(lines)


def without_language(source: str) -> str:
    """A code cell's source as in the English editions (the COURSE_LANG line removed)."""
    return "\n".join(ln for ln in source.split("\n") if ln not in LANG_LINE.values())


class LessonError(ValueError):
    pass


# --------------------------------------------------------------------------------------------
# Lesson -> notebook
# --------------------------------------------------------------------------------------------


def _nbgrader(cell, grade_id: str) -> dict:
    """nbgrader (schema 3) metadata of a graded cell, from its tag and grade id."""
    meta = {"grade_id": grade_id, "schema_version": 3}
    tags = cell.metadata.get("tags", [])
    if cell.cell_type == "markdown" and "answer" in tags:  # manually graded free text
        points = cell.metadata.pop("points", None)
        if points is None:
            raise LessonError(f"cell {cell.id}: a markdown answer needs points=N")
        return meta | {"grade": True, "solution": True, "locked": False, "points": points}
    if "answer" in tags:
        return meta | {"grade": False, "solution": True, "locked": False}
    if "check" in tags:
        points = quiz.get_item(grade_id).points
        return meta | {"grade": True, "solution": False, "locked": True,
                       "points": int(points) if points == int(points) else points}
    raise LessonError(f"cell {cell.id}: grade_id without an answer or check tag")


def read_lesson(path: Path) -> list[nbformat.NotebookNode]:
    """The lesson's cells, with their ids and nbgrader metadata, in every language."""
    text = jupytext.read(path, fmt="py:percent")
    cells, seen = [], set()
    for i, raw in enumerate(text.cells):
        meta = dict(raw.metadata)
        cell_id = meta.pop("id", None)
        if not cell_id:
            raise LessonError(f"{path.name}: cell {i + 1} has no id=\"...\"")
        if cell_id in seen:
            raise LessonError(f"{path.name}: duplicate cell id {cell_id}")
        seen.add(cell_id)
        new = (nbformat.v4.new_markdown_cell if raw.cell_type == "markdown"
               else nbformat.v4.new_code_cell)(raw.source)
        new.id = cell_id
        grade_id = meta.pop("grade_id", None)
        new.metadata = meta
        if grade_id:
            try:
                new.metadata["nbgrader"] = _nbgrader(new, grade_id)
            except LessonError as e:
                raise LessonError(f"{path.name}: {e}") from None
        cells.append(new)
    setup = next((c for c in cells if c.cell_type == "code"), None)
    if setup is None or setup.source.strip() != SETUP_MARKER:
        raise LessonError(f"{path.name}: the first code cell must be the line {SETUP_MARKER!r}")
    setup.source = SETUP_CELL.read_text(encoding="utf-8").strip()
    return cells


def select_language(cells: list, lang: str) -> list:
    """The cells of one language: unmarked cells are in every edition, a cell marked lang=L
    only in the editions of language L."""
    out = []
    for cell in cells:
        if cell.metadata.get("lang", lang) == lang:
            cell = copy.deepcopy(cell)
            cell.metadata.pop("lang", None)
            out.append(cell)
    return out


def _student(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Solutions blanked and revealing outputs dropped; nbval does not compare those cells."""
    nb, _ = grading.make_student(nb)
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code" and ("check" in tags or grading.REVEALS_ANSWER in tags) \
                and NBVAL_IGNORE not in tags:
            cell.metadata["tags"] = [*tags, NBVAL_IGNORE]
    return nb


def build(lesson: Path, edition: Edition) -> nbformat.NotebookNode:
    """The edition's notebook of a lesson, without outputs."""
    cells = select_language(read_lesson(lesson), edition.lang)
    set_language(cells, edition.lang)
    name = f"{lesson.stem}.ipynb"
    badge = colab_badge(edition.folder, name)
    cells[0].source = f"{badge}\n\n{cells[0].source}"
    nb = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(NOTEBOOK_METADATA))
    if not edition.solutions:
        nb = _student(nb)
    nbformat.validate(nb)
    return nb


def keep_outputs(nb: nbformat.NotebookNode, stored: nbformat.NotebookNode) -> list[str]:
    """Copy the outputs of `stored` cells with the same id and source; return the ids of
    code cells that have none stored (new or changed source: they need --execute)."""
    old = {c.get("id"): c for c in stored.cells if c.cell_type == "code"}
    missing = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        prev = old.get(cell.id)
        if prev is None or prev.source != cell.source or BORROWED in prev.metadata:
            missing.append(cell.id)
            continue
        cell.outputs = prev.outputs
        cell.execution_count = prev.execution_count
        if "execution" in prev.metadata:
            cell.metadata["execution"] = prev.metadata["execution"]
    for key in EXECUTED_METADATA:
        if key in stored.metadata:
            nb.metadata[key] = stored.metadata[key]
    return missing


# --------------------------------------------------------------------------------------------
# Editions on disk
# --------------------------------------------------------------------------------------------


def lessons(selected: list[str] | None = None) -> list[Path]:
    paths = sorted(LESSONS.glob("[0-9][0-9]_*.py"))
    if selected:
        paths = [p for p in paths if any(p.stem.startswith(s) for s in selected)]
    return paths


def target(lesson: Path, edition: Edition) -> Path:
    return REPO / edition.folder / f"{lesson.stem}.ipynb"


def borrow_outputs(nb: nbformat.NotebookNode, stored: nbformat.NotebookNode, ids: list[str],
                   lang: str) -> list[str]:
    """Give the code cells `ids` of a language edition the outputs of the same cells (same id,
    same source but for the COURSE_LANG line) of `stored`, the English edition of the same
    role; mark them borrowed and tag them nbval-ignore-output. Return the ids still lacking."""
    old = {c.get("id"): c for c in stored.cells if c.cell_type == "code"}
    missing = []
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.id not in ids:
            continue
        prev = old.get(cell.id)
        if prev is None or prev.source != without_language(cell.source):
            missing.append(cell.id)
            continue
        cell.outputs = copy.deepcopy(prev.outputs)
        cell.execution_count = prev.execution_count
        if not cell.outputs:  # nothing printed: nothing to compare, nothing to refresh
            continue
        cell.metadata[BORROWED] = lang
        tags = cell.metadata.get("tags", [])
        if NBVAL_IGNORE not in tags:
            cell.metadata["tags"] = [*tags, NBVAL_IGNORE]
    for key in EXECUTED_METADATA:
        if key in stored.metadata and key not in nb.metadata:
            nb.metadata[key] = copy.deepcopy(stored.metadata[key])
    return missing


def unborrow(nb: nbformat.NotebookNode, fresh: nbformat.NotebookNode) -> None:
    """After an edition ran: its outputs are its own (drop the marks and the tags they added)."""
    tags = {c.id: c.metadata.get("tags") for c in fresh.cells}
    for cell in nb.cells:
        if cell.metadata.pop(BORROWED, None) is not None:
            if tags.get(cell.id) is None:
                cell.metadata.pop("tags", None)
            else:
                cell.metadata["tags"] = tags[cell.id]


def built_with_outputs(lesson: Path, edition: Edition) -> tuple[nbformat.NotebookNode, list]:
    nb = build(lesson, edition)
    path = target(lesson, edition)
    missing = [c.id for c in nb.cells if c.cell_type == "code"]
    if path.exists():
        missing = keep_outputs(nb, nbformat.read(path, as_version=4))
    if missing and edition.lang != DEFAULT_LANG:
        english = target(lesson, base_edition(edition))
        if english.exists():
            missing = borrow_outputs(nb, nbformat.read(english, as_version=4), missing,
                                     DEFAULT_LANG)
    if not edition.solutions:
        nb = _student(nb)  # a stored output of an answer or check cell does not survive
    return nb, missing


def differences(built: nbformat.NotebookNode, committed: nbformat.NotebookNode) -> list[str]:
    """Where a committed notebook differs from what its lesson builds: cell by cell."""
    found = []
    ids_b = [c.get("id") for c in built.cells]
    ids_c = [c.get("id") for c in committed.cells]
    if ids_b != ids_c:
        extra = [i for i in ids_c if i not in ids_b]
        lacking = [i for i in ids_b if i not in ids_c]
        found.append(f"cells differ: not in the lesson {extra or '-'}, missing {lacking or '-'}"
                     + ("" if extra or lacking else ", order differs"))
    by_id = {c.get("id"): c for c in committed.cells}
    for k, cell in enumerate(built.cells):
        old = by_id.get(cell.id)
        if old is None:
            continue
        for field in ("cell_type", "source", "metadata", "outputs", "execution_count"):
            if cell.get(field) != old.get(field):
                found.append(f"cell {k + 1} (id {cell.id}): {field} differs")
    if built.metadata != committed.metadata:
        found.append("notebook metadata differs")
    if not found and nbformat.writes(built) != nbformat.writes(committed):
        found.append("file layout differs")
    return found


def _execute(nb: nbformat.NotebookNode, folder: Path, timeout: int) -> None:
    from course_lib.notebook_run import execute

    # The kernel inherits the environment: make it import this checkout's course_lib too.
    path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), path) if p)
    execute(nb, cwd=folder, timeout=timeout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lessons", nargs="*", metavar="NN",
                        help="only these lessons (file name prefix, e.g. 01)")
    parser.add_argument("--edition", action="append", metavar="FOLDER",
                        choices=[e.folder for e in EDITIONS],
                        help="only this edition (repeatable; default: all)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 naming each notebook and cell that differs")
    mode.add_argument("--execute", action="store_true",
                      help="run each notebook (current env: set COURSE_FAST=1 and "
                           "COURSE_DATA_DIR) and store its outputs")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    args = parser.parse_args(argv)
    editions = [e for e in EDITIONS if not args.edition or e.folder in args.edition]
    paths = lessons(args.lessons)
    if not paths:
        print("no lessons found", file=sys.stderr)
        return 2
    status = 0
    for lesson in paths:
        for edition in editions:
            path = target(lesson, edition)
            rel = path.relative_to(REPO)
            try:
                nb, missing = built_with_outputs(lesson, edition)
            except LessonError as e:
                print(f"{lesson.relative_to(REPO)}: {e}", file=sys.stderr)
                status = 1
                continue
            if args.check:
                if not path.exists():
                    problems = ["missing"]
                else:
                    problems = differences(nb, nbformat.read(path, as_version=4))
                for problem in problems:
                    print(f"{rel}: {problem} (lesson {lesson.relative_to(REPO)})")
                status = status or (1 if problems else 0)
                continue
            if args.execute:
                print(f"executing {rel} (COURSE_FAST={os.environ.get('COURSE_FAST', '')!r})"
                      " ...", flush=True)
                start = time.perf_counter()
                path.parent.mkdir(parents=True, exist_ok=True)
                _execute(nb, path.parent, args.timeout)
                unborrow(nb, build(lesson, edition))
                if not edition.solutions:
                    nb = _student(nb)  # drop what the run printed in answer/check cells
                print(f"  executed in {time.perf_counter() - start:.0f} s", flush=True)
                missing = []
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            note = f"; no stored outputs: {', '.join(missing)}" if missing else ""
            print(f"wrote {rel} ({len(nb.cells)} cells{note})")
    if args.check and status == 0:
        print("all notebooks match their lessons")
    elif args.check:
        print("rebuild with: python tools/build_lessons.py (and --execute for changed code)",
              file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
