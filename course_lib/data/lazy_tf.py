"""TensorFlow, imported on first use: the one place the data modules get `tf` from.

TensorFlow takes seconds to import; `python -m course_lib data check` needs none of it.
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """A module imported on first attribute access (so only when a function builds tensors)."""

    def __init__(self, name: str):
        self._name = name
        self._module = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)


tf = LazyModule("tensorflow")
