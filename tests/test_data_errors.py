"""DataError (course_lib.data.errors): one line per bad file, long lists shortened."""

from __future__ import annotations

from course_lib.data.errors import DataError


def test_problems_are_listed_under_the_message():
    err = DataError("facades/train failed verification:", ["a.jpg: truncated", "b.jpg: 1x1"])
    assert err.problems == ["a.jpg: truncated", "b.jpg: 1x1"]
    assert str(err) == "facades/train failed verification:\n  a.jpg: truncated\n  b.jpg: 1x1"
    assert str(DataError("no network")) == "no network" and DataError("x").problems == []


def test_a_long_list_shows_twenty_and_counts_the_rest():
    err = DataError("bad:", [f"{i}.jpg: missing" for i in range(25)])
    lines = str(err).splitlines()
    assert len(err.problems) == 25 and len(lines) == 1 + 20 + 1
    assert lines[20] == "  19.jpg: missing" and lines[-1] == "  ... and 5 more"
