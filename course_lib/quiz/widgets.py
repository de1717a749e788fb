"""Asking a question: an ipywidgets form when a frontend exists, plain text headless."""

from __future__ import annotations

import os

from course_lib import messages
from course_lib.quiz.bank import Item, get_item, localized
from course_lib.quiz.checking import evaluate
from course_lib.quiz.records import in_kernel

_TRUTHY = {"1", "true", "yes", "on"}


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
    if not in_kernel():
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
