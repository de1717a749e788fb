"""The one exception of the data layer."""

from __future__ import annotations

from collections.abc import Sequence


class DataError(Exception):
    """A dataset is missing, incomplete or corrupt, or an archive is unsafe.

    `problems` lists one line per bad file, e.g.
    `facades/train/12.jpg: sha256 expected 68800d4e0ee5…, found 1f3a9b1c2d7e…`.
    """

    def __init__(self, message: str, problems: Sequence[str] = ()):
        self.problems = list(problems)
        if self.problems:
            shown = self.problems[:20]
            more = len(self.problems) - len(shown)
            message += "\n  " + "\n  ".join(shown) + (f"\n  ... and {more} more" if more else "")
        super().__init__(message)
