"""course_lib/grading/sandbox.py: sandbox uids are never shared between graders, and hostile
submissions graded next to honest ones harm nobody.
Hostile submissions graded next to honest ones (issue 18): nobody else is harmed.

One `grade` run over a class folder where submissions vandalise what they can reach, start
detached processes that keep rewriting the gradebook, patch the checker through an alias, hook
IPython's output, fork-bomb, eat memory, write huge files, try to kill every process, plant a
`course_lib/` package next to the notebooks. Honest copies (Hangul and Chinese names, `a b`
next to `a_b`, a name that is a spreadsheet formula) must keep full marks, nothing outside
the grader's output may change, and the gradebook must not change after the grader exits.

These probes really attack the machine, so they only run where the grader can sandbox them
(root with namespaces); elsewhere they are skipped (`hostile`).
"""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from course_lib import grading
from course_lib.grading import sandbox
from tests.grading_fixtures import INSTRUCTOR, ROOT, SUBS, _cell_by_id, _insert, _nb


def hostile(test):
    """A probe that really attacks the machine: slow, and only run where the grader can
    sandbox it (root with namespaces)."""
    needs_namespaces = pytest.mark.skipif(
        sandbox.detect_policy().mode != "namespace",
        reason="hostile probes need the namespace sandbox (root + unshare)")
    return pytest.mark.slow(needs_namespaces(test))


def test_two_graders_never_get_the_same_uid():
    # Two pools stand for two `grade` runs on one machine: before the uid locks both started
    # at UID_BASE, and each one's clean-up killed the other's running kernels.
    first, second = sandbox.UidPool(2), sandbox.UidPool(2)
    a, b = first.acquire(), first.acquire()
    c = second.acquire()
    assert len({a, b, c}) == 3
    first.release(a)
    d = second.acquire()  # a freed uid can be taken by the other grader
    assert d not in {b, c}
    for pool, uid in ((first, b), (second, c), (second, d)):
        pool.release(uid)


def test_a_uid_is_locked_while_held_and_free_after_release():
    pool = sandbox.UidPool(1)
    uid = pool.acquire()
    assert sandbox._try_lock(uid) is None  # held: nobody else can lock it
    pool.release(uid)
    fd = sandbox._try_lock(uid)
    assert fd is not None
    sandbox.os.close(fd)


# --------------------------------------------------------------------------------------------
# Hostile submissions (issue 18)
# --------------------------------------------------------------------------------------------

HONEST = ["김철수", "이영희", "李明", "王芳", "a b", "a_b", "=1+1", "+cmd", "@sum", "-2"]


CORRECT = (SUBS / "alice_correct.ipynb").read_text(encoding="utf-8")


BLANK = (SUBS / "carol_untouched.ipynb").read_text(encoding="utf-8")


def _with(base: str, *cells: str) -> str:
    """A submission: `base` with code cells inserted after its first (import) cell."""
    nb = nbformat.reads(base, as_version=4)
    for k, src in enumerate(cells):
        _insert(nb, 2 + k, src)
    return nbformat.writes(nb)


def _probes(cls: Path, out: Path) -> dict[str, str]:
    victim = cls / "김철수.ipynb"
    repo_file = ROOT / "course_lib" / "quiz.py"
    spam = (f"import pathlib, time\nfor _ in range(150):\n"
            f"    for p in [{str(out)!r}, {str(out.parent / 'feedback' / 'x.md')!r}]:\n"
            f"        try: pathlib.Path(p).write_text('student,score\\nmallory,999\\n')\n"
            f"        except Exception: pass\n    time.sleep(0.2)\n")
    return {
        # patched checkers through an alias: quiz item and exercise
        "alias.ipynb": _with(BLANK, "import course_lib.quiz as Q\n"
                             "Q.evaluate = lambda i, a: Q.Result(i, 1.0, 1.0, True, [])\n"
                             "Q.evaluate_exercise = lambda i, f: Q.Result(i, 2.0, 2.0, True, [])"),
        # an IPython hook that adds a full-score record to every check cell's output
        "hook.ipynb": _with(BLANK, "from IPython import get_ipython\n"
                            "from IPython.display import display\n"
                            "M = 'application/vnd.course.' + 'grade+json'\n"
                            "def h(result):\n"
                            "    src = result.info.raw_cell\n"
                            "    if 'quiz.check' in src:\n"
                            "        gid = src.split('\"')[1]\n"
                            "        display({M: {'grade_id': gid, 'score': 9, 'max_score': 9,"
                            " 'answer': [1, 2, 3]}}, raw=True)\n"
                            "get_ipython().events.register('post_run_cell', h)"),
        # vandalism: everything it can name, then kill everything it can signal
        "vandal.ipynb": _with(BLANK, "import glob, os, signal\n"
                              f"targets = [{str(victim)!r}, {str(repo_file)!r}, {str(out)!r}]\n"
                              f"targets += glob.glob({str(cls)!r} + '/**', recursive=True)\n"
                              "targets += glob.glob('/tmp/course-grade-*/**', recursive=True)\n"
                              "for t in targets:\n"
                              "    try: open(t, 'w').write('{}')\n"
                              "    except Exception: pass\n"
                              "for pid in [int(p) for p in os.listdir('/proc') if p.isdigit()]:\n"
                              "    if pid != os.getpid():\n"
                              "        try: os.kill(pid, signal.SIGKILL)\n"
                              "        except Exception: pass"),
        "killall.ipynb": _with(CORRECT, "import os, signal\nos.kill(-1, signal.SIGKILL)\n"
                               "os.kill(0, signal.SIGKILL)"),
        # detached processes that keep rewriting the gradebook after the kernel is gone
        "detached.ipynb": _with(BLANK, "import subprocess, sys, os\n"
                                f"code = {spam!r}\n"
                                "subprocess.Popen([sys.executable, '-c', code],"
                                " start_new_session=True)\n"
                                "if os.fork() == 0:\n"
                                "    os.setsid()\n"
                                "    if os.fork() == 0:\n"
                                "        exec(code)\n"
                                "    os._exit(0)"),
        "forkbomb.ipynb": _with(BLANK, "import subprocess, sys\n"
                                "bomb = ('import os, time\\nn = 0\\nwhile n < 5000:\\n'\n"
                                "        '    try: pid = os.fork()\\n'\n"
                                "        '    except OSError: break\\n'\n"
                                "        '    if pid == 0: time.sleep(60); os._exit(0)\\n'\n"
                                "        '    n += 1\\nprint(n)')\n"
                                "print(subprocess.run([sys.executable, '-c', bomb],"
                                " capture_output=True, text=True).stdout)"),
        "memory.ipynb": _with(BLANK, "hog = bytearray(64 * 2**30)"),
        "bigfile.ipynb": _with(BLANK, "with open('big', 'wb') as f:\n"
                               "    for _ in range(16): f.write(bytes(64 * 2**20))"),
        "planted/blank.ipynb": BLANK,
        "planted/course_lib/__init__.py": "",
        "planted/course_lib/quiz.py": "def check(*a): print('5/5')\n"
                                      "def check_exercise(*a): print('5/5')\n"
                                      "def ask(*a): pass\ndef summary(): return ''\n",
        "course_lib/__init__.py": "",
        "course_lib/quiz.py": "raise SystemExit('planted')\n",
    }


def _tree(folder: Path, skip: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and skip not in p.parents}


def _checkout() -> dict[str, str]:
    files = [p for p in (ROOT / "course_lib").rglob("*") if p.is_file()
             and "__pycache__" not in p.parts] + [ROOT / "README.md", ROOT / "pyproject.toml"]
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _cells(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    cls = tmp_path_factory.mktemp("class")
    out = cls / "grades" / "grades.csv"  # --out inside the submissions folder
    for name in HONEST:
        (cls / f"{name}.ipynb").write_text(CORRECT, encoding="utf-8")
    for rel, text in _probes(cls, out).items():
        (cls / rel).parent.mkdir(parents=True, exist_ok=True)
        (cls / rel).write_text(text, encoding="utf-8")
    before, checkout = _tree(cls, cls / "grades"), _checkout()
    cmd = [sys.executable, "-m", "course_lib", "grade", str(cls), "--out", str(out),
           "--reference", str(INSTRUCTOR), "--timeout", "5", "--total-timeout", "40",
           "--jobs", "2"]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    seconds = time.monotonic() - t0
    assert proc.returncode == 0, proc.stderr[-3000:]
    right_after = out.read_bytes()
    time.sleep(3)  # the detached writers would strike now
    return {"cls": cls, "out": out, "proc": proc, "before": before, "checkout": checkout,
            "right_after": right_after, "seconds": seconds}


@hostile
def test_honest_students_keep_full_marks(hostile_class):
    rows = {r[0]: r for r in _cells(hostile_class["out"])[1:]}
    for name in HONEST:
        shown = "'" + name if name[0] in "=+-@" else name
        assert rows[shown][1:3] == ["3", "3"], (name, rows.get(shown))
        assert rows[shown][-1] == "", rows[shown]


@hostile
def test_cheats_score_nothing_and_are_flagged(hostile_class):
    rows = {r[0]: r for r in _cells(hostile_class["out"])[1:]}
    for name in ("alias", "hook"):
        assert rows[name][1] == "0", rows[name]
        assert "tamper" in rows[name][-1], rows[name]
    for name in ("vandal", "detached", "forkbomb", "memory", "bigfile", "blank"):
        assert rows[name][1] == "0", rows[name]  # blank answers: planted checkers ignored
    assert "MemoryError" in rows["memory"][-1]
    assert rows["killall"][1] in {"0", "3"}  # kill(-1) only reaches its own sandbox


@hostile
def test_nothing_outside_the_gradebook_changes(hostile_class):
    cls = hostile_class["cls"]
    assert _tree(cls, cls / "grades") == hostile_class["before"]
    assert _checkout() == hostile_class["checkout"]


@hostile
def test_gradebook_does_not_change_after_the_grader_exits(hostile_class):
    out = hostile_class["out"]
    assert out.read_bytes() == hostile_class["right_after"]
    assert b"mallory" not in out.read_bytes()
    assert not (out.parent / "feedback" / "x.md").exists()
    left = [u for u in range(sandbox.UID_BASE, sandbox.UID_BASE + 8)
            if sandbox.processes_of(u)]
    assert left == []


@hostile
def test_every_student_has_their_own_feedback_file(hostile_class):
    cells = _cells(hostile_class["out"])
    fb = hostile_class["out"].parent / "feedback"
    files = sorted(fb.glob("*.md"))
    assert len(files) == len(cells) - 1
    texts = [f.read_text(encoding="utf-8") for f in files]
    for name in HONEST:
        assert sum(t.startswith(f"# Feedback for {name}\n") for t in texts) == 1, name


@hostile
def test_no_csv_cell_is_a_formula(hostile_class):
    for row in _cells(hostile_class["out"]):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), row


@hostile
def test_a_submission_cannot_kill_the_grader_or_its_neighbours(hostile_class):
    proc = hostile_class["proc"]
    assert "graded 19 submission(s)" in proc.stdout, proc.stdout + proc.stderr[-2000:]


@hostile
def test_honest_copy_alone_matches(tmp_path):
    """Control: the same honest copy graded on its own gets the same 3/3."""
    path = tmp_path / "solo.ipynb"
    path.write_text(CORRECT, encoding="utf-8")
    ref = grading.Reference.from_notebook(_nb(), INSTRUCTOR)
    g = grading.grade_submission(path, [ref], timeout=5, total_timeout=40)
    assert g.score == 3 and g.errors == []
    assert _cell_by_id(_nb(), "02-q3")  # the reference still has its check cells
