"""Quizzes and coding exercises with instant feedback, and grade records for the grader.

Quick use inside a notebook::

    from course_lib import quiz
    quiz.ask("02-q3")                       # shows the question (a widget when a frontend exists)
    q3_answer = (12, 34, 56)                # the learner's answer (an *answer* cell)
    quiz.check("02-q3", q3_answer)          # ✓ / ✗ with a hint (a *check* cell)
    quiz.check_exercise("02-ex1", maxout)   # runs behaviour tests on the learner's function

Where the answers live
----------------------
Questions, options and hints are shown in the learner's language (`COURSE_LANG`, see
`course_lib.messages`) from `course_lib/quizzes/NN.<lang>.json` when present (`localized`);
judging never depends on it.

The question bank is `course_lib/quizzes/NN.json`. It never holds an answer in plain text:
each accepted answer is reduced to a *canonical form* (see `canonical_forms`), and the bank
stores ``sha256("seal" | sha256(salt | item id | canonical form))``. The inner hash is the
item's *sealed token*: instructor notebooks write ``quiz.sealed("…")`` instead of the plain
answer, so the committed notebooks carry no answer either. Numbers are matched on a grid:
the bank stores the hash of ``round(answer / step)`` and the checker tries every grid point
within ``tol`` of the learner's value, so a tolerance check needs no plaintext number.

This keeps answers out of sight, not out of reach: an item with four options can be
brute-forced by anyone who reads this file. The grader is the authority, and it only trusts
grade records printed by locked check cells (see `course_lib.grading`).

Every check emits two things: human feedback (stdout when right, stderr when wrong, so
nbgrader's autograder also scores a wrong answer 0) and, inside a Jupyter kernel, a display
output with MIME type `application/vnd.course.grade+json` that the grader reads from the
executed notebook.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from course_lib import messages

GRADE_MIME = "application/vnd.course.grade+json"
BANK_DIR = Path(__file__).resolve().parent / "quizzes"
KINDS = ("multiple-choice", "short-answer", "number", "shape", "ordering", "code-exercise")
_TRUTHY = {"1", "true", "yes", "on"}

# --------------------------------------------------------------------------------------------
# The bank
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One quiz question or coding exercise from the bank."""

    id: str
    kind: str
    points: float
    question: str
    salt: str
    hint: str = ""
    options: dict[str, str] = field(default_factory=dict)  # key -> text (choice/ordering)
    accept: tuple[str, ...] = ()  # digests of accepted canonical forms
    step: float = 1.0  # number items: grid step
    tol: float | None = None  # number items: tolerance (default step / 2)
    check: str = ""  # code-exercise: name of the behaviour check in EXERCISES
    signature: str = ""  # code-exercise: what the learner's function looks like

    @property
    def notebook(self) -> str:
        return self.id.split("-", 1)[0]


class AnswerFormatError(ValueError):
    """The answer cannot be read as this kind of item (feedback for the learner)."""


def _bank_files(bank_dir: Path | None = None) -> list[Path]:
    """The bank's `NN.json` files (not the translations, `NN.<lang>.json`)."""
    return sorted(p for p in Path(bank_dir or BANK_DIR).glob("*.json")
                  if p.suffixes == [".json"])


def _translation_file(item_id: str, lang: str, bank_dir: Path | None = None) -> Path:
    return Path(bank_dir or BANK_DIR) / f"{item_id.split('-', 1)[0]}.{lang}.json"


@functools.lru_cache(maxsize=16)
def _translations(path: str) -> dict[str, dict]:
    """Items of one translation file; {} when it is missing or unreadable (a translation can
    only change what a learner reads, never break a check)."""
    try:
        items = json.loads(Path(path).read_text(encoding="utf-8")).get("items", {})
        return {k: v for k, v in items.items() if isinstance(v, dict)}
    except (OSError, ValueError, AttributeError):
        return {}


def localized(item: Item, lang: str | None = None) -> Item:
    """`item` with the question, options and hint of the learner's language.

    A translation is `quizzes/NN.<lang>.json`: {"items": {"<id>": {"question": ..., "options":
    {<the English keys>: ...}, "hint": ..., "signature": ...}}}. A missing field, option or
    file keeps the English text; ids, kinds, points, salts and answer digests never change.
    """
    lang = lang or messages.lang()
    if lang == "en":
        return item
    tr: dict = {}
    for folder in (os.environ.get("COURSE_QUIZ_BANK"), BANK_DIR):  # a chosen bank, the course's
        if folder and not tr:
            path = _translation_file(item.id, lang, Path(folder)).resolve()
            tr = _translations(str(path)).get(item.id) or {}
    if not tr:
        return item
    texts = tr.get("options") if isinstance(tr.get("options"), dict) else {}
    options = {k: str(texts.get(k) or text) for k, text in item.options.items()}
    return replace(item, question=tr.get("question") or item.question,
                   hint=tr.get("hint") or item.hint, options=options,
                   signature=tr.get("signature") or item.signature)


def parse_bank(data: dict) -> dict[str, Item]:
    """Items of one bank file (already parsed JSON), validated."""
    salt = data.get("salt")
    if not isinstance(salt, str) or len(salt) < 8:
        raise ValueError("quiz bank needs a 'salt' string")
    items: dict[str, Item] = {}
    for raw in data.get("items", []):
        kind = raw.get("kind")
        if kind not in KINDS:
            raise ValueError(f"{raw.get('id')}: unknown kind {kind!r}")
        item = Item(
            id=raw["id"],
            kind=kind,
            points=float(raw.get("points", 1)),
            question=raw.get("question", ""),
            salt=salt,
            hint=raw.get("hint", ""),
            options=dict(raw.get("options", {})),
            accept=tuple(raw.get("accept", ())),
            step=float(raw.get("step", 1.0)),
            tol=None if raw.get("tol") is None else float(raw["tol"]),
            check=raw.get("check", ""),
            signature=raw.get("signature", ""),
        )
        if kind != "code-exercise" and not item.accept and data.get("edition") != "student":
            raise ValueError(f"{item.id}: no accepted answers (run tools/make_quiz_keys.py)")
        if kind == "code-exercise" and item.check not in EXERCISES:
            raise ValueError(f"{item.id}: unknown exercise check {item.check!r}")
        if item.id in items:
            raise ValueError(f"duplicate item id {item.id}")
        items[item.id] = item
    return items


@functools.lru_cache(maxsize=4)
def _load_bank_cached(bank_dir: str) -> dict[str, Item]:
    items: dict[str, Item] = {}
    for path in _bank_files(Path(bank_dir)):
        for item_id, item in parse_bank(json.loads(path.read_text(encoding="utf-8"))).items():
            if item_id in items:
                raise ValueError(f"item {item_id} defined twice (second time in {path.name})")
            items[item_id] = item
    return items


def load_bank(bank_dir: str | Path | None = None) -> dict[str, Item]:
    """All items of every `quizzes/*.json` file, by id.

    `COURSE_QUIZ_BANK=DIR` selects another bank, e.g. the keyless student edition written by
    `python -m course_lib student --bank-out DIR` (no digests, so no instant feedback).
    """
    chosen = bank_dir or os.environ.get("COURSE_QUIZ_BANK") or BANK_DIR
    return _load_bank_cached(str(Path(chosen).resolve()))


def get_item(item_id: str) -> Item:
    bank = load_bank()
    if item_id not in bank:
        raise KeyError(f"no quiz item {item_id!r}; known: {', '.join(sorted(bank))}")
    return bank[item_id]


# --------------------------------------------------------------------------------------------
# Normalisation and hashing
# --------------------------------------------------------------------------------------------

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "−": "-", "×": "x"})


def normalise_text(text: Any) -> str:
    """Lower-case, NFKC, straight quotes, whitespace collapsed, trailing full stop removed."""
    s = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES).lower()
    s = " ".join(s.split())
    return s.rstrip(".!").strip()


def seal_token(salt: str, item_id: str, canonical: str) -> str:
    """The sealed token of one canonical answer (what instructor notebooks may carry)."""
    return hashlib.sha256(f"{salt}\x1f{item_id}\x1f{canonical}".encode()).hexdigest()


def digest_of_token(token: str) -> str:
    """What the bank stores for a sealed token."""
    return hashlib.sha256(f"seal\x1f{token}".encode()).hexdigest()


def answer_digest(item: Item, canonical: str) -> str:
    return digest_of_token(seal_token(item.salt, item.id, canonical))


@dataclass(frozen=True)
class Sealed:
    """An answer given as its sealed token (instructor notebooks), not in plain text."""

    token: str

    def __repr__(self) -> str:
        return f"quiz.sealed({self.token[:12]}…)"


def sealed(token: str) -> Sealed:
    """Wrap a sealed token printed by `tools/make_quiz_keys.py` so `check` accepts it."""
    token = str(token).strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", token):
        raise ValueError("a sealed token is 64 hex digits (see tools/make_quiz_keys.py)")
    return Sealed(token)


def _as_python(value: Any) -> Any:
    """numpy / TensorFlow values -> plain Python (without importing either)."""
    if hasattr(value, "as_list") and callable(value.as_list):  # tf.TensorShape
        try:
            return value.as_list()
        except ValueError:  # unknown rank
            return None
    if hasattr(value, "numpy") and callable(value.numpy):  # eager tensor
        value = value.numpy()
    if hasattr(value, "tolist") and callable(value.tolist):  # numpy array / scalar
        return value.tolist()
    return value


def _choice_key(item: Item, answer: Any) -> str:
    if isinstance(answer, bool) or not isinstance(answer, str):
        raise AnswerFormatError(messages.text("quiz.fmt.letter",
                                              example=repr(next(iter(item.options), "a"))))
    raw = normalise_text(answer)
    s = raw.strip("()[]'\" ").rstrip(")").strip()
    keys = {k.lower(): k.lower() for k in item.options}
    if s in keys:
        return keys[s]
    texts = {normalise_text(text): k.lower() for k, text in item.options.items()}
    for form in (raw, raw.strip("'\" "), s):
        if form in texts:
            return texts[form]
    raise AnswerFormatError(messages.text("quiz.fmt.not_an_option", answer=repr(answer),
                                          options=", ".join(repr(k) for k in item.options)))


def _shape_form(answer: Any) -> str:
    value = _as_python(answer)
    if isinstance(value, str):
        tokens = re.findall(r"-?\d+(?:\.\d+)?|none|\?", value.lower())
        if not tokens:
            raise AnswerFormatError(messages.text("quiz.fmt.numbers"))
        parts = ["none" if t in {"none", "?"} else t for t in tokens]
    elif isinstance(value, Iterable):
        parts = []
        for v in value:
            v = _as_python(v)
            if v is None:
                parts.append("none")
            elif isinstance(v, bool) or not isinstance(v, (int, float)):
                raise AnswerFormatError(messages.text("quiz.fmt.not_whole", value=repr(v)))
            else:
                parts.append(str(v))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        parts = [str(value)]
    else:
        raise AnswerFormatError(messages.text("quiz.fmt.tuple"))
    out = []
    for p in parts:
        if p == "none":
            out.append(p)
            continue
        f = float(p)
        if not f.is_integer():
            raise AnswerFormatError(messages.text("quiz.fmt.not_whole", value=p))
        out.append(str(int(f)))
    return ",".join(out)


def _ordering_form(item: Item, answer: Any) -> str:
    value = _as_python(answer)
    if isinstance(value, str):
        s = normalise_text(value)
        tokens = re.split(r"[\s,;>\-]+", s) if re.search(r"[\s,;>]", s) else list(s)
    elif isinstance(value, Iterable):
        tokens = [normalise_text(v) for v in value]
    else:
        raise AnswerFormatError(messages.text("quiz.fmt.order"))
    tokens = [t.strip("()") for t in tokens if t.strip("()")]
    keys = {k.lower() for k in item.options}
    bad = [t for t in tokens if t not in keys]
    if bad:
        raise AnswerFormatError(messages.text("quiz.fmt.unknown_steps", steps=", ".join(bad)))
    return ",".join(tokens)


def _number_grid(item: Item, answer: Any) -> list[str]:
    value = _as_python(answer)
    if isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool):
        raise AnswerFormatError(messages.text("quiz.fmt.number"))
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise AnswerFormatError(messages.text("quiz.fmt.number")) from None
    step = item.step
    if not math.isfinite(x) or abs(x) / step > 1e15:
        raise AnswerFormatError(messages.text("quiz.fmt.finite"))
    tol = item.tol if item.tol is not None else step / 2
    slack = 1e-9 * max(1.0, abs(x) / step)
    lo, hi = math.ceil((x - tol) / step - slack), math.floor((x + tol) / step + slack)
    if hi - lo > 2000:
        hi = lo + 2000
    return [str(k) for k in range(lo, hi + 1)]


def canonical_forms(item: Item, answer: Any) -> list[str]:
    """The canonical form(s) of a learner's answer; raises AnswerFormatError when unreadable.

    multiple-choice: the option key ("b"); the option's text is accepted too.
    short-answer:    `normalise_text(answer)`.
    shape:           comma-joined whole numbers / "none", e.g. "28,28,1".
    ordering:        comma-joined option keys, e.g. "c,a,b".
    number:          every grid index k with |answer - k*step| <= tol, as "k".
    """
    if item.kind == "multiple-choice":
        return [_choice_key(item, answer)]
    if item.kind == "short-answer":
        if not isinstance(answer, (str, int, float)) or isinstance(answer, bool):
            raise AnswerFormatError(messages.text("quiz.fmt.text"))
        return [normalise_text(answer)]
    if item.kind == "shape":
        return [_shape_form(answer)]
    if item.kind == "ordering":
        return [_ordering_form(item, answer)]
    if item.kind == "number":
        return _number_grid(item, answer)
    raise AnswerFormatError(f"{item.id} is a coding exercise: use quiz.check_exercise")


def key_forms(item: Item, answer: Any) -> list[str]:
    """Canonical form(s) to *store* for an instructor's answer (one per accepted answer)."""
    if item.kind == "number":
        return [str(round(float(_as_python(answer)) / item.step))]
    return canonical_forms(item, answer)


# --------------------------------------------------------------------------------------------
# Checking
# --------------------------------------------------------------------------------------------


@dataclass
class Result:
    """Outcome of one check: what the learner sees and what the grader records."""

    item_id: str
    score: float
    max_score: float
    correct: bool
    feedback: list[str]
    sealed: bool = False
    answer: Any = None  # quiz items: the answer as plain data, re-judged by the grader

    def record(self) -> dict:
        return {
            "grade_id": self.item_id,
            "score": round(self.score, 6),
            "max_score": self.max_score,
            "correct": self.correct,
            "sealed": self.sealed,
            "feedback": self.feedback,
            "answer": self.answer,
            "version": 2,
        }


def answer_data(answer: Any) -> Any:
    """An answer as JSON data (what the grader re-judges with its own key)."""
    if isinstance(answer, Sealed):
        return {"sealed": answer.token}
    value = _as_python(answer)
    if isinstance(value, (tuple, list)):
        value = [_as_python(v) for v in value]
    try:
        json.dumps(value, allow_nan=False)
        return value
    except (TypeError, ValueError):
        return {"repr": repr(value)[:1000]}


def answer_from_data(data: Any) -> Any:
    """Inverse of `answer_data`, on the grader's side."""
    if isinstance(data, dict):
        if isinstance(data.get("sealed"), str):
            try:
                return sealed(data["sealed"])
            except ValueError:
                return data["sealed"]
        return str(data.get("repr", ""))
    return data


RESULTS: dict[str, Result] = {}  # latest result per item in this session


def evaluate(item_id: str, answer: Any) -> Result:
    """Judge a quiz answer without printing anything."""
    result = evaluate_item(get_item(item_id), answer)
    result.answer = answer_data(answer)
    return result


def evaluate_item(item: Item, answer: Any) -> Result:
    """Judge an answer against one item (the grader passes the items of its own key)."""
    item_id = item.id
    if item.kind == "code-exercise":
        raise ValueError(f"{item_id} is a coding exercise: use quiz.check_exercise")
    if answer is None or answer is Ellipsis:
        return Result(item_id, 0.0, item.points, False,
                      [messages.text("quiz.no_answer")])
    if isinstance(answer, Sealed):
        ok = digest_of_token(answer.token) in item.accept
        return Result(item_id, item.points if ok else 0.0, item.points, ok,
                      [] if ok else [messages.text("quiz.sealed_wrong")],
                      sealed=True)
    if not item.accept:  # keyless student edition: the grader judges it
        return Result(item_id, 0.0, item.points, False,
                      [messages.text("quiz.keyless")])
    try:
        forms = canonical_forms(item, answer)
    except AnswerFormatError as e:
        return Result(item_id, 0.0, item.points, False,
                      [messages.text("quiz.cannot_read", error=e)])
    accepted = set(item.accept)
    ok = any(answer_digest(item, f) in accepted for f in forms)
    hint = localized(item).hint
    fb = [] if ok else ([messages.text("quiz.hint", hint=hint)] if hint else [])
    return Result(item_id, item.points if ok else 0.0, item.points, ok, fb)


def _in_kernel() -> bool:
    ip = sys.modules.get("IPython")
    if ip is None:
        return False
    try:
        shell = ip.get_ipython()
    except Exception:
        return False
    return shell is not None and getattr(shell, "kernel", None) is not None


def _emit(result: Result) -> None:
    """Print the feedback and, inside a kernel, the machine-readable grade record."""
    RESULTS[result.item_id] = result
    pts = messages.text("quiz.points", score=f"{result.score:g}", max=f"{result.max_score:g}",
                        s="s" if result.max_score != 1 else "")
    key = "correct" if result.correct else "partly" if result.score > 0 else "not_yet"
    lines = [messages.text(f"quiz.{key}", item=result.item_id, pts=pts)]
    lines += [f"  {line}" for line in result.feedback]
    stream = sys.stdout if result.correct else sys.stderr
    print("\n".join(lines), file=stream, flush=True)
    if _in_kernel():
        from IPython.display import display

        display(
            {GRADE_MIME: result.record(), "text/plain": f"[grade] {result.item_id}: {pts}"},
            raw=True,
        )


def check(item_id: str, answer: Any) -> bool:
    """Check a quiz answer, print ✓/✗ (with a hint when wrong) and record the grade."""
    try:
        result = evaluate(item_id, answer)
    except Exception as e:  # a check cell must never crash the notebook
        item = load_bank().get(item_id)
        result = Result(item_id, 0.0, item.points if item else 1.0, False,
                        [messages.text("quiz.could_not_check", error=f"{type(e).__name__}: {e}")])
    _emit(result)
    return result.correct


# --------------------------------------------------------------------------------------------
# Coding exercises: behaviour tests on fixed inputs
# --------------------------------------------------------------------------------------------


class _Fail(Exception):
    pass


def _np():
    import numpy as np

    return np


def _tensor(x):
    """A TF tensor when TensorFlow is already loaded (the notebook imported it), else numpy."""
    tf = sys.modules.get("tensorflow")
    if tf is not None and hasattr(tf, "constant"):
        return tf.constant(x)
    return x


def _to_numpy(value, what: str = "the result"):
    np = _np()
    value = _as_python(value) if hasattr(value, "numpy") else value
    try:
        return np.asarray(value, dtype=np.float64)
    except Exception:
        raise _Fail(f"{what} is not a number or an array (got {type(value).__name__})") from None


def _close(got, want, what: str, rtol: float = 1e-4, atol: float = 1e-5) -> None:
    np = _np()
    got = _to_numpy(got, what)
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape and got.size == want.size == 1:
        got = got.reshape(want.shape)
    if got.shape != want.shape:
        raise _Fail(f"{what}: expected shape {want.shape}, got {got.shape}")
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        if want.size == 1:
            raise _Fail(f"{what}: expected {float(want):.6g}, got {float(got):.6g}")
        worst = float(np.max(np.abs(got - want)))
        raise _Fail(f"{what}: values differ from the expected ones (max error {worst:.3g})")


def _bce_logits(labels, logits):
    """Mean binary cross-entropy on logits, the numerically stable way (numpy)."""
    np = _np()
    x = np.asarray(logits, dtype=np.float64)
    z = np.asarray(labels, dtype=np.float64)
    return float(np.mean(np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))))


def _ex_discriminator_loss(fn) -> list[tuple[str, Callable[[], None]]]:
    np = _np()
    real = np.array([[2.0], [-1.0], [0.5], [3.0]], dtype=np.float32)
    fake = np.array([[-2.5], [0.3], [1.0], [-0.2]], dtype=np.float32)
    want = _bce_logits(np.ones_like(real), real) + _bce_logits(np.zeros_like(fake), fake)

    def value():
        _close(fn(_tensor(real), _tensor(fake)), want, "loss on fixed logits")

    def perfect():
        got = float(_to_numpy(fn(_tensor(np.full((4, 1), 20.0, np.float32)),
                                  _tensor(np.full((4, 1), -20.0, np.float32)))).sum())
        if not got < 1e-3:
            raise _Fail(f"a perfect discriminator should have loss ≈ 0, got {got:.4g}")

    def order():
        swapped = float(_to_numpy(fn(_tensor(fake), _tensor(real))).sum())
        if abs(swapped - want) < 1e-4:
            raise _Fail("swapping real and fake logits gives the same loss: "
                        "real images need label 1 and fakes label 0")

    return [("value on fixed logits (hand-computed BCE)", value),
            ("perfect discriminator has ~0 loss", perfect),
            ("real→1 and fake→0, not the other way round", order)]


def _maxout_reference(z, units, pieces):
    np = _np()
    return np.asarray(z, np.float64).reshape(z.shape[0], pieces, units).max(axis=1)


def _ex_maxout(fn) -> list[tuple[str, Callable[[], None]]]:
    np = _np()
    units, pieces = 3, 4
    z = np.arange(2 * units * pieces, dtype=np.float32).reshape(2, units * pieces)
    z = (np.sin(z * 1.7) * 5).astype(np.float32)  # fixed, not monotonic

    def result(zz, u, p):
        got = _to_numpy(fn(_tensor(zz), u, p), "maxout output")
        if got.size != zz.shape[0] * u:
            raise _Fail(f"expected {zz.shape[0]}×{u} values (batch × units), got shape "
                        f"{got.shape}: take the max over the *pieces* axis")
        return got.reshape(zz.shape[0], u)

    def value():
        _close(result(z, units, pieces), _maxout_reference(z, units, pieces),
               "max over the pieces axis")

    def other_sizes():
        zz = (np.cos(np.arange(3 * 5 * 2, dtype=np.float32)) * 3).reshape(3, 10)
        _close(result(zz, 5, 2), _maxout_reference(zz, 5, 2), "units=5, pieces=2")

    return [("shape (batch, units) and max over pieces", value),
            ("works for other units/pieces", other_sizes)]


def _ex_pix2pix_generator_loss(fn) -> list[tuple[str, Callable[[], None]]]:
    np = _np()
    rng = np.random.default_rng(7)
    logits = rng.normal(size=(1, 4, 4, 1)).astype(np.float32)
    gen = np.tanh(rng.normal(size=(1, 8, 8, 3))).astype(np.float32)
    target = np.tanh(rng.normal(size=(1, 8, 8, 3))).astype(np.float32)
    gan = _bce_logits(np.ones_like(logits), logits)
    l1 = float(np.mean(np.abs(target.astype(np.float64) - gen)))
    out: dict[str, Any] = {}

    def call():
        if "value" not in out:
            res = fn(_tensor(logits), _tensor(gen), _tensor(target))
            if not isinstance(res, (tuple, list)) or len(res) != 3:
                raise _Fail("return three values: (total_loss, gan_loss, l1_loss)")
            out["value"] = res
        return out["value"]

    def gan_term():
        _close(call()[1], gan, "gan_loss = BCE(ones, D(x, G(x)))")

    def l1_term():
        _close(call()[2], l1, "l1_loss = mean |target − G(x)|")

    def total():
        _close(call()[0], gan + 100.0 * l1, "total = gan_loss + 100 · l1_loss", rtol=1e-4)

    return [("gan term", gan_term), ("L1 term", l1_term), ("total with λ = 100", total)]


def _ex_paired_augment(fn) -> list[tuple[str, Callable[[], None]]]:
    np = _np()
    size = 256
    r, c = np.meshgrid(np.linspace(-0.9, 0.9, size), np.linspace(-0.8, 0.8, size),
                       indexing="ij")
    sketch = np.stack([r, c, r * c], axis=-1).astype(np.float32)  # every pixel unique
    colour = -sketch[..., ::-1]  # a fixed pixel-wise partner of the sketch
    outs: list = []

    def run_once():
        res = fn(_tensor(sketch), _tensor(colour))
        if not isinstance(res, (tuple, list)) or len(res) != 2:
            raise _Fail("return the pair (sketch, colour)")
        s, col = (_to_numpy(v, "augmented image") for v in res)
        return s, col

    def shapes():
        for _ in range(6):
            outs.append(run_once())
        for s, col in outs:
            if s.shape != (size, size, 3) or col.shape != (size, size, 3):
                raise _Fail(f"outputs must stay {size}×{size}×3, got {s.shape} and {col.shape}")

    def aligned():
        if not outs:
            raise _Fail("(no outputs to compare)")
        for s, col in outs:
            if not np.allclose(col, -s[..., ::-1], atol=1e-4):
                raise _Fail("sketch and colour were cropped/flipped/rotated differently: "
                            "apply one random transform to the stacked 6-channel pair")

    def random():
        if not outs:
            raise _Fail("(no outputs to compare)")
        first = outs[0][0]
        if all(np.allclose(s, first) for s, _ in outs[1:]) and np.allclose(first, sketch):
            raise _Fail("six calls returned the untouched input: the augmentation must be random")

    return [("output shapes stay 256×256×3", shapes),
            ("sketch and colour stay pixel-aligned", aligned),
            ("the transform is random", random)]


def _ex_image_metrics(fn) -> list[tuple[str, Callable[[], None]]]:
    np = _np()
    rng = np.random.default_rng(5)
    target = np.tanh(rng.normal(size=(16, 16, 3))).astype(np.float32)
    pred = np.clip(target + rng.normal(scale=0.1, size=target.shape), -1, 1).astype(np.float32)
    err = pred.astype(np.float64) - target
    l1 = float(np.mean(np.abs(err)))
    psnr = float(10 * np.log10(4.0 / np.mean(err**2)))
    out: dict[str, Any] = {}

    def call():
        if "value" not in out:
            res = fn(_tensor(pred), _tensor(target))
            if not isinstance(res, (tuple, list)) or len(res) != 2:
                raise _Fail("return two values: (l1, psnr)")
            out["value"] = res
        return out["value"]

    def l1_value():
        _close(call()[0], l1, "L1 = mean |pred − target| on the [-1, 1] scale")

    def psnr_value():
        _close(call()[1], psnr, "PSNR = 10·log10(2² / MSE) in dB", rtol=1e-3, atol=1e-3)

    def better_is_higher():
        res = fn(_tensor(target * 0.99), _tensor(target))
        if not float(_to_numpy(res[1]).sum()) > psnr:
            raise _Fail("a closer prediction must get a higher PSNR")

    return [("L1 value", l1_value), ("PSNR value", psnr_value),
            ("closer images score higher PSNR", better_is_higher)]


EXERCISES: dict[str, Callable[[Callable], list[tuple[str, Callable[[], None]]]]] = {
    "discriminator_loss": _ex_discriminator_loss,
    "maxout": _ex_maxout,
    "pix2pix_generator_loss": _ex_pix2pix_generator_loss,
    "paired_augment": _ex_paired_augment,
    "image_metrics": _ex_image_metrics,
}


def evaluate_exercise(item_id: str, fn: Any) -> Result:
    """Run an exercise's behaviour tests on `fn` without printing; partial credit per test."""
    item = get_item(item_id)
    if item.kind != "code-exercise":
        raise ValueError(f"{item_id} is a quiz question: use quiz.check")
    if fn is None or not callable(fn):
        return Result(item_id, 0.0, item.points, False,
                      [messages.text("quiz.define_first", signature=localized(item).signature
                                     or messages.text("quiz.see_above"))])
    tests = EXERCISES[item.check](fn)
    passed, lines = 0, []
    for name, test in tests:
        try:
            test()
        except _Fail as e:
            lines.append(f"✗ {name}: {e}")
        except NotImplementedError:
            lines.append(messages.text("quiz.test_not_implemented", name=name))
        except Exception as e:
            lines.append(messages.text("quiz.test_raised", name=name,
                                       error=f"{type(e).__name__}: {str(e)[:200]}"))
        else:
            passed += 1
            lines.append(f"✓ {name}")
    frac = passed / len(tests)
    ok = passed == len(tests)
    hint = localized(item).hint
    if not ok and hint:
        lines.append(messages.text("quiz.hint", hint=hint))
    return Result(item_id, round(item.points * frac, 6), item.points, ok, lines)


def check_exercise(item_id: str, fn: Any) -> bool:
    """Test the learner's function on fixed inputs, print per-test ✓/✗, record the grade."""
    try:
        result = evaluate_exercise(item_id, fn)
    except Exception as e:
        item = load_bank().get(item_id)
        result = Result(item_id, 0.0, item.points if item else 1.0, False,
                        [messages.text("quiz.could_not_run", error=f"{type(e).__name__}: {e}")])
    _emit(result)
    return result.correct


def use_answer(item_id: str, answer: Any, reference: Any, what: str | None = None) -> Any:
    """The learner's exercise answer when it passes its check, else the library's reference.

    This is how an exercise *counts*: the lesson goes on with what this returns (the
    learner's loss trains the model, their layer sits in the discriminator). A missing
    answer, a `raise NotImplementedError()` placeholder or any failed behaviour test gives one
    visible line and `reference`, so a blank student edition still runs top to bottom.
    Nothing is graded or recorded here: the check cell does that.
    """
    name = what or get_item(item_id).check.replace("_", " ")
    try:
        ok = callable(answer) and evaluate_exercise(item_id, answer).correct
    except Exception:
        ok = False
    if ok:
        print(f"Using your {name} ({item_id}) from here on.")
        return answer
    print(f"Your {name} ({item_id}) is missing or failed its check — the lesson continues "
          "with course_lib's reference.")
    return reference


def summary() -> str:
    """Scores of every item checked in this session (print it at the end of a notebook)."""
    if not RESULTS:
        return messages.text("quiz.summary_none")
    rows = [f"{'✓' if r.correct else '✗'} {r.item_id:8s} {r.score:g}/{r.max_score:g}"
            for r in RESULTS.values()]
    got = sum(r.score for r in RESULTS.values())
    total = sum(r.max_score for r in RESULTS.values())
    total_line = messages.text("quiz.summary_total", got=f"{got:g}", total=f"{total:g}")
    return "\n".join([*rows, total_line])


# --------------------------------------------------------------------------------------------
# Asking: widget with a frontend, plain text headless
# --------------------------------------------------------------------------------------------


def question_text(item_id: str) -> str:
    """The question as plain text (what headless runs print)."""
    item = localized(get_item(item_id))
    if item.kind != "code-exercise":
        how = messages.text(f"quiz.how.{item.kind}")
    elif item.signature:
        how = messages.text("quiz.how.write", signature=item.signature)
    else:
        how = messages.text("quiz.how.write_function")
    lines = [messages.text("quiz.header", item=item.id, points=f"{item.points:g}",
                           s="s" if item.points != 1 else "", question=item.question)]
    lines += [f"  {k}) {text}" for k, text in item.options.items()]
    lines.append(how)
    return "\n".join(lines)


def has_frontend() -> bool:
    """True when widgets can be shown: inside a kernel, ipywidgets present, not headless.

    `COURSE_HEADLESS=1` (or `COURSE_GRADING=1`, which the grader sets) forces plain text.
    """
    for var in ("COURSE_HEADLESS", "COURSE_GRADING"):
        if os.environ.get(var, "").strip().lower() in _TRUTHY:
            return False
    if not _in_kernel():
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


class _WithText:
    """Display a widget, with our own text/plain for frontends that cannot show widgets."""

    def __init__(self, widget, text: str):
        self.widget, self.text = widget, text

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle or {})
        bundle["text/plain"] = self.text
        return bundle


def _widget(item: Item, text: str):
    import ipywidgets as w

    title = w.HTML(f"<b>[{item.id}]</b> {_html(item.question)}")
    if item.kind == "multiple-choice":
        box = w.RadioButtons(options=[(f"{k}) {t}", k) for k, t in item.options.items()],
                             value=None, layout=w.Layout(width="max-content"))
    elif item.kind == "code-exercise":
        return _WithText(w.VBox([title, w.HTML(_html(text.split("\n")[-1]))]), text)
    else:
        extra = [w.HTML(_html(f"{k}) {t}")) for k, t in item.options.items()]
        box = w.Text(placeholder=text.split("\n")[-1], layout=w.Layout(width="28em"))
        title = w.VBox([title, *extra])
    button = w.Button(description=messages.text("quiz.button"), button_style="primary")
    out = w.Output()

    def on_click(_):
        out.clear_output()
        with out:
            value = box.value
            if item.kind in {"number"} and isinstance(value, str):
                value = value.strip() or None
            r = evaluate(item.id, value if value != "" else None)
            mark = messages.text("quiz.mark_correct" if r.correct else "quiz.mark_not_yet")
            print("\n".join([mark, *r.feedback]))
            if r.correct:
                print(messages.text("quiz.write_it_down"))

    button.on_click(on_click)
    return _WithText(w.VBox([title, box, w.HBox([button]), out]), text)


def _html(s: str) -> str:
    import html

    return html.escape(s)


def ask(item_id: str) -> None:
    """Show a question: an interactive widget when a frontend exists, plain text otherwise.

    The widget only gives instant feedback; the graded answer is the one written in the
    notebook's answer cell and judged by its check cell.
    """
    text = question_text(item_id)
    if has_frontend():
        try:
            from IPython.display import display

            display(_widget(localized(get_item(item_id)), text))
            return
        except Exception:  # any widget trouble: fall back to text
            pass
    print(text)
