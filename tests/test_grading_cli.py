"""`python -m course_lib grade|student` (course_lib/grading/cli.py): options, exit codes and
clear messages for bad input."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.grading_fixtures import INSTRUCTOR, ROOT, SUBS, _nb

CLI = [sys.executable, "-m", "course_lib"]


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=300)


@pytest.mark.slow  # 21 interpreter starts
@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "0", "-5", "abc", "1e12"])
def test_bad_timeouts_are_rejected_with_a_clear_message(value, tmp_path):
    for flag in ("--timeout", "--total-timeout"):
        proc = _cli("grade", str(SUBS), "--out", str(tmp_path / "g.csv"), f"{flag}={value}")
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert f"argument {flag}" in proc.stderr and "seconds" in proc.stderr
    proc = _cli("grade", str(SUBS), "--out", str(tmp_path / "g.csv"), "--jobs", "0")
    assert proc.returncode == 2 and "argument --jobs" in proc.stderr


def test_student_out_existing_file_is_a_clear_error(tmp_path):
    existing = tmp_path / "handout.ipynb"
    existing.write_text("x")
    proc = _cli("student", str(INSTRUCTOR), "--out", str(existing))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "not a folder" in proc.stderr and existing.read_text() == "x"


def test_grading_nothing_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = _cli("grade", str(tmp_path / "empty"), "--out", str(tmp_path / "g.csv"))
    assert proc.returncode == 2 and "nothing graded" in proc.stderr
    proc = _cli("grade", str(tmp_path / "missing"), "--out", str(tmp_path / "g.csv"))
    assert proc.returncode == 2 and "not found" in proc.stderr


def _no_code(path: Path) -> None:
    """A submission without code cells: graded without starting a kernel (fast)."""
    nb = _nb()
    nb.cells = [c for c in nb.cells if c.cell_type == "markdown"]
    nbformat.write(nb, str(path))


@pytest.mark.slow
def test_out_next_to_or_inside_the_submissions(tmp_path):
    subs = tmp_path / "submissions"
    subs.mkdir()
    _no_code(subs / "bob.ipynb")
    for out in ("grades.csv", "submissions/grades.csv", "submissions/x/grades.csv"):
        proc = _cli("grade", "submissions/", "--out", out, "--reference", str(INSTRUCTOR),
                    cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert "graded 1 submission(s)" in proc.stdout
        rows = list(csv.reader(open(tmp_path / out, encoding="utf-8")))
        assert rows[1][0] == "bob" and (tmp_path / out).parent.joinpath("feedback",
                                                                        "bob.md").exists()


def test_grading_without_any_reference_is_a_clear_error(tmp_path):
    """Outside a checkout, with neither --reference nor COURSE_REFERENCE_DIR: exit 2, how to."""
    _no_code(tmp_path / "bob.ipynb")
    env = {k: v for k, v in os.environ.items() if k != "COURSE_REFERENCE_DIR"}
    proc = subprocess.run([*CLI, "grade", "bob.ipynb", "--out", "g.csv"], capture_output=True,
                          text=True, cwd=tmp_path, env=dict(env, PYTHONPATH=str(ROOT)),
                          timeout=300)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--reference" in proc.stderr and "COURSE_REFERENCE_DIR" in proc.stderr
    assert not (tmp_path / "g.csv").exists()
