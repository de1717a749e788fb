"""Answers: normalising them, their canonical and key forms, and sealed tokens and digests.

The bank never holds an answer in plain text: each accepted answer is reduced to a
*canonical form* (see `canonical_forms`), and the bank stores
``sha256("seal" | sha256(salt | item id | canonical form))``. The inner hash is the item's
*sealed token*: instructor notebooks write ``quiz.sealed("…")`` instead of the plain answer,
so the committed notebooks carry no answer either. Numbers are matched on a grid: the bank
stores the hash of ``round(answer / step)`` and the checker tries every grid point within
``tol`` of the learner's value, so a tolerance check needs no plaintext number.

This keeps answers out of sight, not out of reach: an item with four options can be
brute-forced by anyone who reads this file. The grader is the authority, and it only trusts
grade records printed by locked check cells (see `course_lib.grading`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from course_lib import messages
from course_lib.quiz.bank import AnswerFormatError, Item

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


def as_python(value: Any) -> Any:
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
    value = as_python(answer)
    if isinstance(value, str):
        tokens = re.findall(r"-?\d+(?:\.\d+)?|none|\?", value.lower())
        if not tokens:
            raise AnswerFormatError(messages.text("quiz.fmt.numbers"))
        parts = ["none" if t in {"none", "?"} else t for t in tokens]
    elif isinstance(value, Iterable):
        parts = []
        for v in value:
            v = as_python(v)
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
    value = as_python(answer)
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
    value = as_python(answer)
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
        return [str(round(float(as_python(answer)) / item.step))]
    return canonical_forms(item, answer)


def answer_data(answer: Any) -> Any:
    """An answer as JSON data (what the grader re-judges with its own key)."""
    if isinstance(answer, Sealed):
        return {"sealed": answer.token}
    value = as_python(answer)
    if isinstance(value, (tuple, list)):
        value = [as_python(v) for v in value]
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

