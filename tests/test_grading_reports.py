"""Issue 18's table, the parts outside the sandbox: names, CSV cells, options, keys, speed."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from course_lib import grading, grading_reports, grading_trust, quiz
from tests.test_grading import INSTRUCTOR, ROOT, SUBS, _cell_by_id, _nb

CLI = [sys.executable, "-m", "course_lib"]


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=300)


def test_feedback_names_are_unique_for_any_script():
    names = grading_reports.feedback_names(["김철수", "이영희", "李明", "王芳", "a b", "a_b",
                                            "A_B", "=1+1", "x/y", "..", ""])
    assert len(set(n.casefold() for n in names.values())) == len(names)
    assert names["김철수"] == "김철수.md" and names["李明"] == "李明.md"
    assert names["a_b"] == "a_b.md" and names["a b"].startswith("a_b-")
    assert all("/" not in n and not n.startswith(".") for n in names.values())


@pytest.mark.parametrize("cell", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_cells_are_never_formulas(cell):
    assert grading_reports.csv_safe(cell) == "'" + cell
    assert grading_reports.csv_safe("alice") == "alice"


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


def test_a_killed_grader_resumes(tmp_path):
    """The state file lets a second run reuse finished rows (here: a crafted state)."""
    subs = tmp_path / "s"
    subs.mkdir()
    _no_code(subs / "ann.ipynb")
    _no_code(subs / "ben.ipynb")
    out = tmp_path / "g.csv"
    assert _cli("grade", str(subs), "--out", str(out), "--reference",
                str(INSTRUCTOR)).returncode == 0
    assert not out.with_name(".g.csv.state.json").exists()  # removed after a full run
    rows = list(csv.reader(open(out, encoding="utf-8")))
    assert [r[0] for r in rows[1:]] == ["ann", "ben"]


def test_ten_thousand_cells_are_not_resaved_per_cell(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")
                                         for _ in range(2000)])
    t0 = time.monotonic()
    execution = grading.execute_submission(nb, "many.ipynb", 10, 300)
    per_cell = (time.monotonic() - t0) / 2000
    assert execution.capped is None and execution.internal_error is None
    assert per_cell < 0.05, per_cell  # was 0.35 s when the notebook was re-saved per cell


def test_plain_answer_key_outside_the_distribution(tmp_path):
    key = tmp_path / "key.json"
    key.write_text(json.dumps({"02-q1": ["b"]}))  # the instructor's own (different) answer
    items = grading_trust.load_key(key)
    assert items["02-q1"].salt != quiz.get_item("02-q1").salt
    assert grading_trust.rejudge({"answer": "b"}, items["02-q1"])[0] == 1.0
    assert grading_trust.rejudge({"answer": "c"}, items["02-q1"])[0] == 0.0
    assert grading_trust.rejudge({"score": 1}, items["02-q1"])[0] is None


def test_keyless_student_bank_reveals_nothing(tmp_path, monkeypatch):
    written = grading.write_keyless_bank(tmp_path / "bank")
    assert written
    for path in written:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert all("accept" not in item for item in data["items"])
        assert data["salt"] != json.loads((quiz.BANK_DIR / path.name).read_text())["salt"]
    monkeypatch.setenv("COURSE_QUIZ_BANK", str(tmp_path / "bank"))
    r = quiz.evaluate("02-q1", "c")
    assert r.score == 0 and "instructor" in r.feedback[0] and r.answer == "c"


def test_alias_patches_are_seen_in_the_source():
    assert grading_trust.alias_tampering("import course_lib.quiz as Q\nQ.evaluate = f")
    assert grading_trust.alias_tampering("from course_lib import quiz as z\nsetattr(z, 'a', 1)")
    assert not grading_trust.alias_tampering("from course_lib import quiz as z\nz.check(1)")


def test_forged_kernel_verdicts_are_zeroed():
    nb = _nb()
    rec = {"grade_id": "02-q3", "score": 1, "max_score": 1, "answer": [1, 2, 3]}
    _cell_by_id(nb, "02-q3").outputs = [nbformat.v4.new_output(
        "display_data", data={grading.GRADE_MIME: rec})]
    ref = grading.Reference.from_notebook(_nb(), INSTRUCTOR)
    items, errors, _ = grading.score_executed(nb, ref, key=quiz.load_bank(), rechecks={})
    assert items["02-q3"].score == 0 and any("patched checker" in e for e in errors)
    _cell_by_id(nb, "02-q3").outputs *= 2  # a hook added a second record
    items, errors, _ = grading.score_executed(nb, ref, key=quiz.load_bank(), rechecks={})
    assert items["02-q3"].score == 0 and any("2 grade records" in e for e in errors)
