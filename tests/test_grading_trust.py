"""The grader's own judgement (course_lib/grading/trust.py): instructor keys, re-judging
recorded answers, patches of the quiz engine seen in the source."""

from __future__ import annotations

import json

from course_lib import quiz
from course_lib.grading import trust


def test_plain_answer_key_outside_the_distribution(tmp_path):
    key = tmp_path / "key.json"
    key.write_text(json.dumps({"02-q1": ["b"]}))  # the instructor's own (different) answer
    items = trust.load_key(key)
    assert items["02-q1"].salt != quiz.get_item("02-q1").salt
    assert trust.rejudge({"answer": "b"}, items["02-q1"])[0] == 1.0
    assert trust.rejudge({"answer": "c"}, items["02-q1"])[0] == 0.0
    assert trust.rejudge({"score": 1}, items["02-q1"])[0] is None


def test_alias_patches_are_seen_in_the_source():
    assert trust.alias_tampering("import course_lib.quiz as Q\nQ.evaluate = f")
    assert trust.alias_tampering("from course_lib import quiz as z\nsetattr(z, 'a', 1)")
    assert not trust.alias_tampering("from course_lib import quiz as z\nz.check(1)")


def test_patches_through_a_quiz_submodule_alias_are_seen():
    assert trust.alias_tampering("import course_lib.quiz.records as R\nR.emit = print")
    assert trust.alias_tampering("from course_lib.quiz import exercises as E\n"
                                 "setattr(E, 'evaluate_exercise', f)")
    assert not trust.alias_tampering("from course_lib.quiz import exercises as E\n"
                                     "E.check_exercise('02-ex1', f)")
