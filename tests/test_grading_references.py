"""Reference notebooks (course_lib/grading/references.py): which one a submission is graded
against, and where they come from when `grade --reference` names none."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from course_lib import grading
from tests.grading_fixtures import INSTRUCTOR, _nb

REF = grading.Reference.from_notebook(_nb(), INSTRUCTOR)


def test_reference_found_without_any_graded_cell():
    other = grading.Reference.from_notebook(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"x{k} = {k}") for k in range(5)]), Path("other.ipynb"))
    nb = _nb()
    nb.cells = [c for c in nb.cells if grading.cell_role(c) is None]
    assert grading._choose_reference(nb, [other, REF]) is REF  # same ordinary cells
    assert grading._choose_reference(nbformat.v4.new_notebook(), [other, REF]) is None


def _folder_with_reference(folder: Path) -> Path:
    folder.mkdir(parents=True)
    nbformat.write(_nb(), str(folder / "02_handout.ipynb"))
    nbformat.write(nbformat.v4.new_notebook(), str(folder / "no_checks.ipynb"))
    return folder


def test_references_come_from_the_nearest_instructor_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_REFERENCE_DIR", raising=False)
    _folder_with_reference(tmp_path / "course" / "instructor")
    deep = tmp_path / "course" / "grading" / "week2"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert grading.reference_dir() == tmp_path / "course" / "instructor"
    refs = grading.course_references()
    assert [r.path.name for r in refs] == ["02_handout.ipynb"]  # notebooks with check cells
    assert set(refs[0].checks) == set(REF.checks)


def test_course_reference_dir_comes_before_the_checkout(tmp_path, monkeypatch):
    _folder_with_reference(tmp_path / "instructor")
    chosen = _folder_with_reference(tmp_path / "elsewhere")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COURSE_REFERENCE_DIR", str(chosen))
    assert grading.reference_dir() == chosen
    monkeypatch.setenv("COURSE_REFERENCE_DIR", str(tmp_path / "missing"))
    with pytest.raises(grading.ReferenceNotFound, match="COURSE_REFERENCE_DIR"):
        grading.reference_dir()


def test_no_reference_anywhere_says_how_to_give_one(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_REFERENCE_DIR", raising=False)
    with pytest.raises(grading.ReferenceNotFound) as err:
        grading.reference_dir(tmp_path)
    assert "--reference" in str(err.value) and "COURSE_REFERENCE_DIR" in str(err.value)
