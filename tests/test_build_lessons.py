"""lessons/*.py -> notebooks/ (student) and instructor/: tools/build_lessons.py and what it
promises about the two committed editions (docs/GRADED_CELLS.md, section 6)."""

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course_lib import grading

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "build_lessons.py"
_spec = importlib.util.spec_from_file_location("build_lessons", TOOL)
build_lessons = sys.modules["build_lessons"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_lessons)

STEMS = [p.stem for p in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py"))]


def _pair(stem: str):
    return (nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4),
            nbformat.read(ROOT / "instructor" / f"{stem}.ipynb", as_version=4))


def _output_text(cell) -> str:
    return json.dumps(cell.get("outputs", []), ensure_ascii=False)


def test_every_notebook_has_a_lesson():
    assert STEMS and STEMS == [p.stem for p in sorted((ROOT / "instructor").glob("*.ipynb"))]
    assert STEMS == [p.stem for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]


def test_committed_notebooks_match_their_lessons():
    run = subprocess.run([sys.executable, str(TOOL), "--check"], capture_output=True,
                         text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


def test_check_names_the_notebook_and_cell_edited_by_hand(tmp_path):
    """In a copy of the checkout, a notebook edited by hand makes --check fail."""
    (tmp_path / "tools").mkdir()
    shutil.copy(TOOL, tmp_path / "tools")
    for name in ("lessons", "course_lib"):
        (tmp_path / name).symlink_to(ROOT / name)
    stem = STEMS[0]
    for folder in ("notebooks", "instructor"):
        (tmp_path / folder).mkdir()
        shutil.copy(ROOT / folder / f"{stem}.ipynb", tmp_path / folder)
    cmd = [sys.executable, str(tmp_path / "tools" / "build_lessons.py"), "--check", stem[:2]]
    assert subprocess.run(cmd, capture_output=True, text=True).returncode == 0
    path = tmp_path / "notebooks" / f"{stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    index, cell = next((i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code")
    cell.source += "\nprint('edited by hand')"
    nbformat.write(nb, path)
    run = subprocess.run(cmd, capture_output=True, text=True)
    assert run.returncode == 1
    assert f"notebooks/{stem}.ipynb: cell {index + 1} (id {cell.id}): source differs" \
        in run.stdout
    assert "instructor/" not in run.stdout


@pytest.mark.parametrize("stem", STEMS)
def test_student_edition_holds_no_solution(stem):
    student, instructor = _pair(stem)
    text = nbformat.writes(student)
    assert grading.BEGIN not in text and grading.END not in text
    assert "quiz.sealed(" not in text
    tokens = set(re.findall(r"[0-9a-f]{64}", nbformat.writes(instructor)))
    assert not tokens & set(re.findall(r"[0-9a-f]{64}", text)), "a sealed token leaked"
    solution_lines = set()
    for g in grading.graded_cells(instructor):
        for region in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", g.source, re.S):
            solution_lines |= {ln.strip() for ln in region.splitlines() if len(ln.strip()) > 20}
    for cell in student.cells:
        role = grading.cell_role(cell)
        if role in ("answer", "check"):
            assert not cell.get("outputs"), f"{cell.id}: {role} cell with stored output"
        out = _output_text(cell)
        assert grading.GRADE_MIME not in out, cell.id
        assert not re.search(r"✓ \d\d-\w+", out), f"{cell.id}: a passed check in the output"
        leaked = [ln for ln in solution_lines if json.dumps(ln, ensure_ascii=False)[1:-1] in out]
        assert not leaked, f"{cell.id}: its output shows solution lines {leaked}"
    answers = [c for c in student.cells if grading.cell_role(c) == "answer" and
               c.cell_type == "code"]
    assert answers and all(grading.CODE_PLACEHOLDER in c.source or
                           grading.ANSWER_PLACEHOLDER in c.source for c in answers)


@pytest.mark.parametrize("stem", STEMS)
def test_editions_have_the_same_cells_apart_from_answers(stem):
    student, instructor = _pair(stem)
    assert [c.id for c in student.cells] == [c.id for c in instructor.cells]
    for s, i in zip(student.cells, instructor.cells):
        assert s.cell_type == i.cell_type, s.id
        if grading.cell_role(i) in ("answer", "manual"):
            assert s.source == grading.blank_solutions(i.source, i.cell_type)[0], s.id
        elif s.id.endswith("-00"):  # the Colab badge opens the edition itself
            assert s.source == i.source.replace("/instructor/", "/notebooks/"), s.id
        else:
            assert s.source == i.source, s.id
        assert s.metadata.get("nbgrader") == i.metadata.get("nbgrader"), s.id


@pytest.mark.parametrize("stem", STEMS)
def test_student_edition_keeps_the_figures(stem):
    student, _ = _pair(stem)
    figures = [o for c in student.cells for o in c.get("outputs", [])
               if {"image/png", "image/jpeg"} & set(o.get("data", {}))]
    assert len(figures) >= 3


def _cells(*specs):
    cells = []
    for cell_id, lang in specs:
        cell = nbformat.v4.new_markdown_cell(f"text {cell_id}")
        cell.id = cell_id
        if lang:
            cell.metadata["lang"] = lang
        cells.append(cell)
    return cells


def test_a_cell_marked_with_a_language_is_only_in_its_editions():
    cells = _cells(("a", None), ("b", "en"), ("b-ko", "ko"), ("c", None))
    assert [c.id for c in build_lessons.select_language(cells, "en")] == ["a", "b", "c"]
    ko = build_lessons.select_language(cells, "ko")
    assert [c.id for c in ko] == ["a", "b-ko", "c"] and "lang" not in ko[1].metadata
    assert cells[2].metadata["lang"] == "ko"  # the lesson's cells are left as they are


def test_lesson_cells_need_unique_ids(tmp_path):
    lesson = tmp_path / "09_x.py"
    lesson.write_text('# %% id="c1"\nx = 1\n\n# %% id="c1"\ny = 2\n')
    with pytest.raises(build_lessons.LessonError, match="duplicate cell id c1"):
        build_lessons.read_lesson(lesson)
    lesson.write_text('# %% id="c1"\nx = 1\n\n# %%\ny = 2\n')
    with pytest.raises(build_lessons.LessonError, match="cell 2 has no id"):
        build_lessons.read_lesson(lesson)


def test_grade_ids_become_nbgrader_metadata(tmp_path):
    lesson = tmp_path / "09_x.py"
    lesson.write_text('# %% id="a" tags=["answer"] grade_id="01-ex1-answer"\nx = 1\n\n'
                      '# %% id="c" tags=["check"] grade_id="01-ex1"\nquiz.check("01-ex1", x)\n')
    answer, check = build_lessons.read_lesson(lesson)
    assert grading.cell_role(answer) == "answer"
    assert grading.cell_role(check) == "check"
    assert check.metadata["nbgrader"]["points"] == 2  # from the bank
