"""Student editions: solution regions blanked, answer outputs cleared, checks kept.

    python -m course_lib student NOTEBOOK_OR_DIR... --out DIR [--check] [--bank-out DIR]

`write_keyless_bank` writes the question bank without its answer digests, for a class whose
students must not check their own answers.
"""

from __future__ import annotations

import ast
import copy
import json
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from course_lib.grading.cells import (
    REVEALS_ANSWER,
    cell_role,
    cell_source,
    cell_tags,
    graded_cells,
    has_grade_output,
    nbgrader_meta,
)
from course_lib.grading.notebooks import dumps_notebook, notebooks_in, read_notebook
from course_lib.grading.reports import atomic_write
from course_lib.quiz.bank import bank_files, translation_files

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
ANSWER_PLACEHOLDER = "# YOUR ANSWER HERE"
CODE_PLACEHOLDER = "# YOUR CODE HERE"
MARKDOWN_PLACEHOLDER = "YOUR ANSWER HERE"


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


def clear_outputs(cell) -> None:
    if cell.get("cell_type") == "code":
        cell["outputs"] = []
        cell["execution_count"] = None


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
        src = cell_source(cell)
        ctype = cell.get("cell_type", "code")
        try:
            new, n = blank_solutions(src, ctype)
        except SolutionMarkerError as e:
            raise SolutionMarkerError(f"cell {i + 1}: {e}") from None
        if n == 0 and role in {"answer", "manual"}:
            if ctype == "markdown":
                new = MARKDOWN_PLACEHOLDER
            else:
                gid = nbgrader_meta(cell).get("grade_id")
                warnings.append(f"cell {i + 1} ({gid}) is an answer cell without a '{BEGIN}' "
                                "region: left unchanged")
        if n or new != src:
            cell["source"] = new
        if role is not None or n or {"answer", "check", REVEALS_ANSWER} & set(cell_tags(cell)) \
                or has_grade_output(cell):
            clear_outputs(cell)
    return nb, warnings


def student_command(paths: Sequence[str | Path], out_dir: str | Path,
                    check_only: bool = False) -> int:
    """Write (or with check_only, compare against) the student version of each notebook."""
    out_dir = Path(out_dir)
    notebooks = notebooks_in(paths)
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
            student, warnings = make_student(read_notebook(src))
        except Exception as e:
            print(f"{src}: {type(e).__name__}: {e}", file=sys.stderr)
            status = 1
            continue
        for w in warnings:
            print(f"{src}: warning: {w}", file=sys.stderr)
        text = dumps_notebook(student)
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


def write_keyless_bank(out_dir: str | Path) -> list[Path]:
    """The bank without answer digests: what a graded class's students may get.

    The translations (`NN.<lang>.json`: question texts only, never answers) are copied as they
    are, so a Korean class's keyless bank still speaks Korean.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for src in translation_files():
        atomic_write(out / src.name, src.read_text(encoding="utf-8"))
        written.append(out / src.name)
    for src in bank_files():
        data = json.loads(src.read_text(encoding="utf-8"))
        data["edition"] = "student"
        data["salt"] = "keyless-" + "0" * 8  # the real salt stays with the instructor
        for item in data.get("items", []):
            item.pop("accept", None)
        atomic_write(out / src.name, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        written.append(out / src.name)
    return written

