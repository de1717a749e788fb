"""Grading a class (course_lib/grading/gradebook.py): real broken submissions through one
`grade` run (slow: each starts a sandboxed kernel), and resuming a killed run."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from course_lib import grading
from tests.grading_fixtures import INSTRUCTOR, ROOT, SUBS, build_submissions
from tests.test_grading_cli import _cli, _no_code


def test_default_jobs(monkeypatch):
    for cores, jobs in [(1, 1), (2, 2), (4, 2), (16, grading.MAX_DEFAULT_JOBS), (None, 1)]:
        monkeypatch.setattr(os, "cpu_count", lambda c=cores: c)
        assert grading.default_jobs() == jobs


def test_fixture_submissions_are_in_sync():
    texts = build_submissions()
    if os.environ.get("REGEN_FIXTURES"):
        SUBS.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (SUBS / name).write_text(text, encoding="utf-8")
    assert sorted(p.name for p in SUBS.glob("*.ipynb")) == sorted(texts)
    for name, text in texts.items():
        assert (SUBS / name).read_text(encoding="utf-8") == text, name


def _rows(csv_path: Path) -> dict[str, dict]:
    with open(csv_path, newline="", encoding="utf-8") as f:
        return {r["student"]: r for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("grades") / "grades.csv"
    cmd = [sys.executable, "-m", "course_lib", "grade", str(SUBS), "--out", str(out),
           "--reference", str(INSTRUCTOR), "--timeout", "4", "--total-timeout", "60",
           "--jobs", "2"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=400)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, proc


@pytest.mark.slow
def test_one_grade_run_over_broken_submissions(graded):
    out, proc = graded
    rows = _rows(out)
    assert sorted(rows) == sorted(p.stem for p in SUBS.glob("*.ipynb"))
    with open(out, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == ["student", "score", "max_score", "02-q3", "02-ex1", "error"]

    def score(name):
        return float(rows[name]["score"])

    assert rows["alice_correct"]["error"] == "" and score("alice_correct") == 3
    assert rows["alice_correct"]["max_score"] == "3"
    assert rows["bob_wrong"]["error"] == "" and score("bob_wrong") == 0
    assert score("alice_correct") > score("bob_wrong")
    assert rows["carol_untouched"]["error"] == "" and score("carol_untouched") == 0
    assert rows["dave_invalid"]["error"].startswith("invalid notebook JSON")
    assert rows["dave_invalid"]["max_score"] == "3" and score("dave_invalid") == 0
    # the loop times out, the cells after it still run and count
    assert re.fullmatch(r"timeout in cell \d+", rows["erin_loop"]["error"])
    assert score("erin_loop") == 3
    assert "kernel unresponsive" in rows["judy_stuck"]["error"]
    assert rows["judy_stuck"]["02-q3"] == "1" and rows["judy_stuck"]["02-ex1"] == "0"
    assert rows["frank_deleted"]["error"] == "graded cell 02-q3 missing"
    assert score("frank_deleted") == 2
    assert "graded cell 02-ex1 missing" in rows["gina_renamed"]["error"]
    assert "unexpected graded cell 02-ex1-v2" in rows["gina_renamed"]["error"]
    assert rows["gina_renamed"]["02-q3"] == "1" and rows["gina_renamed"]["02-ex1"] == "0"
    assert rows["hank_exception"]["error"] == \
        "exception in cell 3: RuntimeError: early failure"
    assert score("hank_exception") == 3
    assert score("ivan_forged") == 0
    assert "check cell 02-ex1 modified" in rows["ivan_forged"]["error"]


@pytest.mark.slow
def test_feedback_files_next_to_the_csv(graded):
    out, _ = graded
    fb = out.parent / "feedback"
    assert sorted(p.stem for p in fb.glob("*.md")) == sorted(p.stem for p in SUBS.glob("*.ipynb"))
    bob = (fb / "bob_wrong.md").read_text(encoding="utf-8")
    assert "**Score: 0 / 3**" in bob and "Hint:" in bob
    assert "invalid notebook JSON" in (fb / "dave_invalid.md").read_text(encoding="utf-8")
    assert "sealed token" in (fb / "alice_correct.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_grading_leaves_the_submissions_untouched(graded):
    texts = build_submissions()
    for name, text in texts.items():
        assert (SUBS / name).read_text(encoding="utf-8") == text


@pytest.mark.slow
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
