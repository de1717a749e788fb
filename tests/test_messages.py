"""course_lib.messages: the catalogue, `tr`, and lessons whose printed text is bilingual."""

import ast
import re
import string
from pathlib import Path

import pytest

from course_lib import messages
from course_lib.messages import tr

LESSONS = sorted((Path(__file__).resolve().parents[1] / "lessons").glob("0[1-5]_*.py"))
HANGUL = re.compile("[\uac00-\ud7a3]")
LETTERS = re.compile(r"[^\W\d_]")
# Library messages that stay English in the Korean edition on purpose (none today).
ENGLISH_ONLY: set[str] = set()
# Names from the code read the same in every edition, so they do not count as text to
# translate: a dotted / snake_case / keyword-argument name ("course_lib", "train_images",
# "training=True"), a CamelCase class ("GeneratorCGAN", "ValueError"), a call ("upsample(");
# so do units, metric names and the multiplication x ("12 MB", "PSNR 21 dB", "30 x 30").
CODE_NAME = re.compile(r"[A-Za-z_]\w*(?:[._=]\w+)+|[A-Z][a-z0-9]+[A-Z]\w*|[A-Za-z_]\w*\("
                       r"|\b(?:x|MB|dB|L1|L2|PSNR)\b")


def _fields(template: str) -> list[tuple[str, str, str | None]]:
    """(field, format spec, conversion) of every replacement field, in order."""
    return [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(template)
            if name is not None]


# --- the catalogue ---------------------------------------------------------------------------

def test_every_key_has_korean():
    assert set(messages.EN) - set(messages.KO) == ENGLISH_ONLY
    assert set(messages.KO) <= set(messages.EN), "a Korean entry without an English one"


def test_korean_entries_keep_the_english_fields():
    for key, ko in messages.KO.items():
        en_fields = {(name, spec) for name, spec, _ in _fields(messages.EN[key])}
        ko_fields = {(name, spec) for name, spec, _ in _fields(ko)}
        # Korean has no plural: it may leave out {s}; it never invents or reformats a field.
        assert ko_fields <= en_fields, key
        assert {name for name, _ in en_fields - ko_fields} <= {"s"}, key
        assert HANGUL.search(ko), f"{key}: not Korean"


def test_text_picks_the_language_at_call_time(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "en")
    assert messages.text("viz.step") == "step"
    monkeypatch.setenv("COURSE_LANG", "ko")
    assert messages.text("viz.step") == "스텝"
    with pytest.raises(KeyError):
        messages.text("no.such.key")


# --- tr: a lesson's own lines ----------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("ko", "ko"), ("ko_KR.UTF-8", "ko"), (" KO ", "ko"), ("en", "en"), ("", "en"), ("fr", "en"),
])
def test_tr_reads_course_lang_at_every_call(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_LANG", value)
    assert tr("Generator", "생성자") == {"en": "Generator", "ko": "생성자"}[expected]


def test_tr_without_course_lang_is_english(monkeypatch):
    monkeypatch.delenv("COURSE_LANG", raising=False)
    assert tr("loss", "손실") == "loss"


def test_tr_formats_both_languages_with_the_same_numbers(monkeypatch):
    en, ko = "step {step:,}: loss {loss:.3f}", "스텝 {step:,}: 손실 {loss:.3f}"
    monkeypatch.setenv("COURSE_LANG", "en")
    english = tr(en, ko, step=12000, loss=0.123456)
    monkeypatch.setenv("COURSE_LANG", "ko")
    korean = tr(en, ko, step=12000, loss=0.123456)
    assert english == "step 12,000: loss 0.123"
    assert korean == "스텝 12,000: 손실 0.123"
    assert re.findall(r"[\d.,]+\d", english) == re.findall(r"[\d.,]+\d", korean)


def test_tr_leaves_braces_alone_without_fields(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "ko")
    assert tr("{not a field}", "{필드 아님}") == "{필드 아님}"


# --- the lessons: everything a learner reads goes through tr ---------------------------------

# Calls whose positional arguments a learner reads, and keyword arguments that are shown text.
SHOWN_CALLS = {"print", "title", "suptitle", "set_title", "xlabel", "ylabel", "set_xlabel",
               "set_ylabel", "legend", "text", "set_text", "annotate"}
SHOWN_KEYWORDS = {"title", "titles", "label", "labels", "xlabel", "ylabel"}


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _shown_strings(node: ast.AST):
    """String constants in `node` that end up in the output, outside any tr(...) call.

    Follows what is printed as is (literals, f-string text, concatenation, tuples/lists and
    comprehensions, conditional branches, `"...".format(...)` templates); skips what only
    selects a value (subscripts, attribute and call arguments, f-string format specs).
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.JoinedStr):
        for part in node.values:
            yield from _shown_strings(part)
    elif isinstance(node, ast.FormattedValue):
        yield from _shown_strings(node.value)
    elif isinstance(node, ast.BinOp):
        yield from _shown_strings(node.left)
        yield from _shown_strings(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _shown_strings(node.body)
        yield from _shown_strings(node.orelse)
    elif isinstance(node, ast.Tuple | ast.List):
        for element in node.elts:
            yield from _shown_strings(element)
    elif isinstance(node, ast.Starred):
        yield from _shown_strings(node.value)
    elif isinstance(node, ast.ListComp | ast.GeneratorExp):
        yield from _shown_strings(node.elt)
    elif isinstance(node, ast.Call) and _call_name(node) != "tr":
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in {"format", "join"}:
            yield from _shown_strings(func.value)


def _untranslated(source: str) -> list[str]:
    """'line: text' for every shown string with letters that no tr(...) wraps."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        shown = list(node.args) if _call_name(node) in SHOWN_CALLS else []
        shown += [kw.value for kw in node.keywords if kw.arg in SHOWN_KEYWORDS]
        for expr in shown:
            for const in _shown_strings(expr):
                if LETTERS.search(CODE_NAME.sub("", const.value)):
                    found.append(f"{const.lineno}: {const.value!r}")
    return found


def _tr_calls(source: str) -> list[ast.Call]:
    return [node for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and _call_name(node) == "tr"]


def _template_shape(node: ast.AST):
    """What must match between the English and the Korean text of one tr(...) call: the
    replacement fields (str templates) or the interpolated expressions (f-strings), with
    their format specs and conversions, as a sorted list."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return sorted(_fields(node.value))
    if isinstance(node, ast.JoinedStr):
        return sorted((ast.unparse(part.value), ast.unparse(part.format_spec)
                       if part.format_spec else "", str(part.conversion))
                      for part in node.values if isinstance(part, ast.FormattedValue))
    return None


def test_scanner_catches_english_only_output():
    """The lesson check below must fail on the mistakes it is there to catch."""
    bad = ('print("Generator output shape:", shape)\n'
           'plt.title(f"epoch {e}")\n'
           'ax.set_title("loss " + name)\n'
           'viz.sample_grid(x, title="fakes")\n'
           'ax.plot(x, label="real" if a else "fake")\n'
           'print(tr("ok", "좋음"), "not ok")\n'
           'print("images:", x)\n'
           'print("image branch Maxout(240,5)")\n'
           'viz.sample_grid(x, labels=[f"asked {d}" for d in digits])\n')
    assert ([hit.split(":")[0] for hit in _untranslated(bad)]
            == ["1", "2", "3", "4", "5", "5", "6", "7", "8", "9"])
    fine = ('print(tr("Generator output shape:", "생성자 출력 모양:"), shape)\n'
            'print(f"{loss:.3f}", history["gen_loss"][-1], sep=" | ")\n'
            'plt.title(tr(f"epoch {e}", f"에포크 {e}"))\n'
            'print("-" * 40, f"{x:>8.2f}")\n'
            'print("train_images:", x, "course_lib", "training=True", "ValueError:")\n'
            'print("GeneratorCGAN (4, 100) ->", "upsample(3, 4):")\n'
            'print(f"({size:.0f} MB)", f"{n} x {n}")\n')
    assert _untranslated(fine) == []


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_output_is_bilingual(lesson):
    untranslated = _untranslated(lesson.read_text(encoding="utf-8"))
    assert not untranslated, (
        f"{lesson.name}: shown text without tr(english, korean):\n" + "\n".join(untranslated))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_translations_keep_numbers_and_formats(lesson):
    calls = _tr_calls(lesson.read_text(encoding="utf-8"))
    assert calls, f"{lesson.name} never uses tr"
    for call in calls:
        where = f"{lesson.name}:{call.lineno}"
        assert len(call.args) == 2, f"{where}: tr(english, korean)"
        en, ko = call.args
        assert _template_shape(en) is not None and _template_shape(ko) is not None, where
        assert _template_shape(en) == _template_shape(ko), f"{where}: fields differ"
        korean_text = ko.value if isinstance(ko, ast.Constant) else "".join(
            part.value for part in ko.values if isinstance(part, ast.Constant))
        english_text = en.value if isinstance(en, ast.Constant) else "".join(
            part.value for part in en.values if isinstance(part, ast.Constant))
        if HANGUL.search(english_text) is None and LETTERS.search(english_text):
            assert HANGUL.search(korean_text), f"{where}: the Korean text is not Korean"
