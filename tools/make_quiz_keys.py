#!/usr/bin/env python
"""Turn plaintext quiz answers into the hashed `accept` lists of the question bank.

The plaintext answers never enter the repository: keep them in an untracked file (for example
`~/course_answers.json`) or type them on stdin. Format: item id -> list of accepted answers
(a single answer may be given without the list):

    {"02-q7": ["b"], "02-q8": [[7, 7, 256]], "02-q9": ["generator", "the generator"]}

Commands
    keys BANK.json [--answers FILE] [--new-salt]
        reads the answers (FILE or stdin), writes their digests into BANK.json's `accept`
        lists (items not mentioned keep theirs) and prints one sealed token per item, the
        value instructor notebooks write as `quiz.sealed("<token>")`.
    seal BANK.json ITEM ANSWER
        prints the sealed token of one answer (ANSWER is read as JSON when it parses,
        else as text), e.g.  seal course_lib/quizzes/02.json 02-q8 "[7, 7, 256]"
    verify BANK.json [--answers FILE]
        checks that every given answer is accepted by the bank as it stands.

Changing the salt (`--new-salt`) invalidates every digest and sealed token of that bank
file, so give all of its answers in the same run and update the notebooks' tokens.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course_lib import quiz  # noqa: E402


def _read_answers(path: str | None) -> dict:
    text = Path(path).read_text(encoding="utf-8") if path else sys.stdin.read()
    return json.loads(text)


def _accepted(item: quiz.Item, value) -> list:
    """The list of accepted answers; a flat list of numbers for a shape item is ONE answer."""
    if not isinstance(value, list):
        return [value]
    flat = all(isinstance(x, (int, float)) or x is None for x in value)
    if item.kind == "shape" and flat:
        return [value]
    if item.kind == "ordering" and all(isinstance(x, str) and len(x) == 1 for x in value):
        return [value]
    return value


def _parse_answer(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _items(bank: dict) -> dict[str, quiz.Item]:
    data = json.loads(json.dumps(bank))
    for raw in data["items"]:  # parse_bank refuses items without answers; fake one here
        raw.setdefault("accept", ["0"])
        if not raw["accept"]:
            raw["accept"] = ["0"]
    return quiz.parse_bank(data)


def cmd_keys(args) -> int:
    path = Path(args.bank)
    bank = json.loads(path.read_text(encoding="utf-8"))
    if args.new_salt:
        bank["salt"] = secrets.token_hex(16)
    answers = _read_answers(args.answers)
    items = _items(bank)
    unknown = sorted(set(answers) - set(items))
    if unknown:
        print(f"not in {path.name}: {', '.join(unknown)}", file=sys.stderr)
        return 2
    for raw in bank["items"]:
        if raw["id"] not in answers:
            continue
        item = items[raw["id"]]
        digests, tokens = [], []
        for answer in _accepted(item, answers[raw["id"]]):
            for form in quiz.key_forms(item, answer):
                tokens.append(quiz.seal_token(item.salt, item.id, form))
                digests.append(quiz.digest_of_token(tokens[-1]))
        raw["accept"] = sorted(set(digests))
        print(f"{item.id}: quiz.sealed(\"{tokens[0]}\")")
    path.write_text(json.dumps(bank, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def cmd_seal(args) -> int:
    bank = json.loads(Path(args.bank).read_text(encoding="utf-8"))
    item = _items(bank)[args.item]
    for form in quiz.key_forms(item, _parse_answer(args.answer)):
        print(quiz.seal_token(item.salt, item.id, form))
    return 0


def cmd_verify(args) -> int:
    items = quiz.parse_bank(json.loads(Path(args.bank).read_text(encoding="utf-8")))
    bad = 0
    for item_id, value in _read_answers(args.answers).items():
        for answer in _accepted(items[item_id], value):
            forms = quiz.canonical_forms(items[item_id], answer)
            ok = any(quiz.answer_digest(items[item_id], f) in items[item_id].accept
                     for f in forms)
            bad += not ok
            print(f"{'ok ' if ok else 'BAD'} {item_id}")
    return 1 if bad else 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    k = sub.add_parser("keys")
    k.add_argument("bank")
    k.add_argument("--answers", help="plaintext answers file (default: stdin)")
    k.add_argument("--new-salt", action="store_true")
    s = sub.add_parser("seal")
    s.add_argument("bank")
    s.add_argument("item")
    s.add_argument("answer")
    v = sub.add_parser("verify")
    v.add_argument("bank")
    v.add_argument("--answers")
    args = p.parse_args(argv)
    return {"keys": cmd_keys, "seal": cmd_seal, "verify": cmd_verify}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
