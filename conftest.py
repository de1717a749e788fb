"""Session-wide pytest setup, shared by the unit tests and the nbval notebook runs.

The README's test command sets `COURSE_DATA_DIR=../shared/data`, a path relative to the
repository root. nbval starts each notebook's kernel inside `notebooks/`, where that relative
path points somewhere else, so it is made absolute here, once, before any kernel starts
(kernels inherit this process's environment).
"""

import os
from pathlib import Path

for _var in ("COURSE_DATA_DIR", "COURSE_WEIGHTS_DIR"):
    if os.environ.get(_var):
        os.environ[_var] = str(Path(os.environ[_var]).expanduser().resolve())
