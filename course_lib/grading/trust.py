"""Scores the grader computes itself, and the tampering it can see.

The kernel is the student's: whatever it prints may be forged. So the grader

- re-judges every quiz answer in its own process, with its own key: the bank of this checkout
  or an instructor key kept outside the student distribution (`grade --key FILE`), from the
  answer the check cell recorded (a forged answer is just a wrong answer);
- re-runs each coding exercise's checks in a fresh sandboxed process that holds only the
  notebook's imports and the answer cell (`recheck_exercises`), and keeps the lower of the
  kernel's and the re-run's scores;
- flags what it can detect: a check cell with more or fewer grade records than the one its
  call makes (an IPython hook or an output injection), a kernel verdict that differs from
  the grader's (a patched checker), quiz module attributes reassigned through an alias, an
  answer cell that patches numpy / builtins / the checker in the re-run.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import secrets
from pathlib import Path
from typing import Any

from course_lib.grading import runner
from course_lib.grading.cells import cell_source, nbgrader_meta
from course_lib.quiz.answers import answer_digest, answer_from_data, key_forms
from course_lib.quiz.bank import Item, bank_files, load_bank, parse_bank
from course_lib.quiz.checking import evaluate_item

RECHECK_SECONDS = 120.0
# `import course_lib.quiz[.part] as X`, `from course_lib import quiz as X`,
# `from course_lib.quiz import part as X`: X.attr = ... then patches the quiz engine
_QUIZ_ALIAS = re.compile(r"(?:import\s+course_lib\.quiz(?:\.\w+)*|from\s+course_lib\s+import"
                         r"\s+quiz|from\s+course_lib\.quiz(?:\.\w+)*\s+import\s+\w+)"
                         r"\s+as\s+(\w+)")


def load_key(path: str | Path | None) -> dict[str, Item]:
    """The grader's items: the bank, overridden by an instructor key file or folder.

    A key is either bank JSON (`{"salt": ..., "items": [...]}` with `accept` digests, e.g. a
    private copy made with tools/make_quiz_keys.py under a new salt) or plain answers
    (`{"02-q3": [[12, 34, 56]], "02-q1": ["c"]}`), hashed here under a fresh random salt.
    """
    items = dict(load_bank())
    if path is None:
        return items
    path = Path(path)
    files = bank_files(path) if path.is_dir() else [path]
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "items" in data:
            items.update(parse_bank(data))
            continue
        if not isinstance(data, dict):
            raise ValueError(f"{f}: a key is bank JSON or {{item id: [answers]}}")
        salt = secrets.token_hex(16)
        for item_id, answers in data.items():
            if item_id not in items:
                raise ValueError(f"{f}: unknown item {item_id!r}")
            item = dataclasses.replace(items[item_id], salt=salt, accept=())
            forms = [k for a in (answers if isinstance(answers, list) else [answers])
                     for k in key_forms(item, a)]
            items[item_id] = dataclasses.replace(
                item, accept=tuple(answer_digest(item, k) for k in forms))
    return items


def rejudge(record: dict, item: Item | None) -> tuple[float | None, list[str], bool]:
    """(fraction, feedback, sealed) of a quiz record, judged by the grader; None when the
    record carries no answer to judge."""
    if item is None or item.kind == "code-exercise" or "answer" not in record:
        return None, [], False
    result = evaluate_item(item, answer_from_data(record.get("answer")))
    frac = result.score / item.points if item.points else 0.0
    return frac, list(result.feedback), result.sealed


def alias_tampering(source: str) -> bool:
    """Does a cell reassign an attribute of the quiz module through an alias?"""
    for alias in _QUIZ_ALIAS.findall(source):
        if re.search(rf"\b{re.escape(alias)}\s*\.\s*\w+\s*=[^=]", source) or \
                re.search(rf"setattr\s*\(\s*{re.escape(alias)}\b", source):
            return True
    return False


def _imports(cells: list[str]) -> list[str]:
    """Top-level import statements of the cells (what an answer cell may rely on)."""
    out = []
    for src in cells:
        lines = [ln for ln in src.split("\n") if not ln.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue
        out += [ast.get_source_segment("\n".join(lines), n) or "" for n in tree.body
                if isinstance(n, (ast.Import, ast.ImportFrom))]
    return [s for s in out if s]


def exercise_function(check_source: str) -> str | None:
    """The name passed to `quiz.check_exercise("<id>", NAME)` in a check cell."""
    try:
        tree = ast.parse(check_source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "check_exercise" \
                and len(node.args) >= 2 and isinstance(node.args[1], ast.Name):
            return node.args[1].id
    return None


HARNESS = r'''
import builtins, json, sys, types
from course_lib import quiz
from course_lib.quiz import registry
evaluate = quiz.evaluate_exercise
quiz.load_bank()  # registers the course's exercise checks before any answer runs
def snapshot():
    import numpy
    # the quiz engine is a package: every module of it (and of the course's checks) counts
    mods = [builtins, numpy] + [m for k, m in list(sys.modules.items()) if m is not None
                                and (k == "tensorflow" or k.startswith("course_lib.quiz"))]
    ids = {(m.__name__, k): id(v) for m in mods for k, v in list(vars(m).items())
           if callable(v) and not k.startswith("__")}
    ids.update({("exercise check", k): id(v) for k, v in registry.EXERCISES.items()})
    return ids
job = json.load(open("job.json", encoding="utf-8"))
out = {}
for it in job["items"]:
    ns = {"__name__": "__main__"}
    try:
        for stmt in job["imports"]:
            try:
                exec(stmt, ns)
            except Exception:
                pass
        before = snapshot()
        exec(compile(it["source"], "answer-cell", "exec"), ns)
        changed = sorted("%s.%s" % k for k, v in snapshot().items() if before.get(k, v) != v)
        r = evaluate(it["id"], ns.get(it["fn"]))
        if quiz.evaluate_exercise is not evaluate or changed:
            out[it["id"]] = {"tampered": changed[:5] or ["quiz"]}
        else:
            out[it["id"]] = {"score": r.score, "max": r.max_score, "feedback": r.feedback}
    except BaseException as e:
        out[it["id"]] = {"error": "%s: %s" % (type(e).__name__, str(e)[:200])}
print("\n" + job["nonce"] + json.dumps(out), flush=True)
'''


def recheck_exercises(nb, ref_checks: dict, policy=None, pool=None) -> dict[str, dict]:
    """Re-run each exercise's checks in a fresh sandboxed process.

    ref_checks: grade_id -> reference check GradedCell. Returns grade_id -> {"score", "max",
    "feedback"} or {"error"} or {"tampered"}; items the notebook lacks are left out.
    """
    cells = nb.get("cells", [])
    code = [cell_source(c) if c.get("cell_type") == "code" else "" for c in cells]
    items = []
    for gid, check in ref_checks.items():
        fn = exercise_function(check.source)
        if fn is None:
            continue
        answer = next((i for i, c in enumerate(cells) if nbgrader_meta(c).get("grade_id")
                       == f"{gid}-answer" and c.get("cell_type") == "code"), None)
        if answer is None:
            continue
        items.append({"id": gid, "fn": fn, "source": code[answer],
                      "imports": _imports(code[:answer])})
    if not items:
        return {}
    nonce = secrets.token_hex(16)
    imports = list(dict.fromkeys(s for it in items for s in it.pop("imports")))
    job = {"items": items, "imports": imports, "nonce": nonce}
    status, out = runner.run_program(
        {"job.json": json.dumps(job), "recheck.py": HARNESS}, ["python", "recheck.py"],
        RECHECK_SECONDS, policy, pool)
    found = [ln for ln in out.split("\n") if ln.startswith(nonce)]
    if len(found) != 1:
        why = "timed out" if status is None else f"printed no result (exit {status})"
        return {it["id"]: {"error": f"the re-run {why}"} for it in items}
    try:
        data = json.loads(found[0][len(nonce):])
    except json.JSONDecodeError:
        data = {}
    return {it["id"]: data.get(it["id"], {"error": "no result"}) for it in items}


def kernel_verdict_differs(record: dict, frac: float) -> bool:
    """Did the kernel's checker score the answer differently from the grader? (patched)"""
    try:
        kernel = float(record.get("score", 0)) / float(record.get("max_score", 0))
    except (TypeError, ValueError, ZeroDivisionError):
        return True
    return abs(kernel - frac) > 1e-6


def describe(value: Any) -> str:
    return str(value)[:80]
