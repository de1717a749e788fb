"""The question bank: items, loading and validating `NN.json`, and their translations.

The bank is the course's (`course_lib/quizzes/NN.json`, see `course_lib.quizzes`); it never
holds an answer in plain text, only digests (see `course_lib.quiz.answers`). Questions,
options and hints are shown in the learner's language (`COURSE_LANG`, see
`course_lib.messages`) from `NN.<lang>.json` when present (`localized`); judging never
depends on it.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from course_lib import messages
from course_lib.quiz.registry import exercise_check

BANK_DIR = Path(__file__).resolve().parent.parent / "quizzes"
KINDS = ("multiple-choice", "short-answer", "number", "shape", "ordering", "code-exercise")


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
    check: str = ""  # code-exercise: name of its registered behaviour check
    signature: str = ""  # code-exercise: what the learner's function looks like

    @property
    def notebook(self) -> str:
        return self.id.split("-", 1)[0]


class AnswerFormatError(ValueError):
    """The answer cannot be read as this kind of item (feedback for the learner)."""


def bank_files(bank_dir: Path | None = None) -> list[Path]:
    """The bank's `NN.json` files (not the translations, `NN.<lang>.json`)."""
    return sorted(p for p in Path(bank_dir or BANK_DIR).glob("*.json")
                  if p.suffixes == [".json"])


def translation_files(bank_dir: Path | None = None) -> list[Path]:
    """The bank's translations, `NN.<lang>.json` (texts a learner reads; no answers)."""
    return sorted(p for p in Path(bank_dir or BANK_DIR).glob("*.json")
                  if len(p.suffixes) == 2)


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
        if kind == "code-exercise" and exercise_check(item.check) is None:
            raise ValueError(f"{item.id}: unknown exercise check {item.check!r}")
        if item.id in items:
            raise ValueError(f"duplicate item id {item.id}")
        items[item.id] = item
    return items


@functools.lru_cache(maxsize=4)
def _load_bank_cached(bank_dir: str) -> dict[str, Item]:
    items: dict[str, Item] = {}
    for path in bank_files(Path(bank_dir)):
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

