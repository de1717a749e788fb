"""Tools for writing the behaviour checks of coding exercises (see `course_lib.quiz.registry`).

A check calls the learner's function on fixed inputs; a test that finds a wrong behaviour
raises `Fail` with the message the learner reads. NumPy is imported on first use
and TensorFlow never (`tensor` only uses it when the notebook already did), so checking a quiz
answer stays light.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

from course_lib.quiz.answers import as_python


class Fail(Exception):
    """A behaviour test found the learner's function wrong; the message says how."""


def numpy() -> ModuleType:
    """The numpy module, imported on first use."""
    import numpy as np

    return np


def tensor(x: Any) -> Any:
    """A TF tensor when TensorFlow is already loaded (the notebook imported it), else numpy."""
    tf = sys.modules.get("tensorflow")
    if tf is not None and hasattr(tf, "constant"):
        return tf.constant(x)
    return x


def to_numpy(value: Any, what: str = "the result") -> Any:
    """`value` (tensor, array, number, nested list) as a float64 numpy array, or Fail."""
    np = numpy()
    value = as_python(value) if hasattr(value, "numpy") else value
    try:
        return np.asarray(value, dtype=np.float64)
    except Exception:
        raise Fail(f"{what} is not a number or an array (got {type(value).__name__})") from None


def close(got: Any, want: Any, what: str, rtol: float = 1e-4, atol: float = 1e-5) -> None:
    """Fail unless `got` has `want`'s shape (a single value may differ in shape) and values."""
    np = numpy()
    got = to_numpy(got, what)
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape and got.size == want.size == 1:
        got = got.reshape(want.shape)
    if got.shape != want.shape:
        raise Fail(f"{what}: expected shape {want.shape}, got {got.shape}")
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        if want.size == 1:
            raise Fail(f"{what}: expected {float(want):.6g}, got {float(got):.6g}")
        worst = float(np.max(np.abs(got - want)))
        raise Fail(f"{what}: values differ from the expected ones (max error {worst:.3g})")

