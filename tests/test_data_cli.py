"""`python -m course_lib data check` (course_lib.data.cli) on the real data mirror."""

from __future__ import annotations

import subprocess
import sys

from tests.data_helpers import (
    MIRROR,
    REPO,
    needs_mirror,
    private_cache,  # noqa: F401  (an autouse fixture)
)


@needs_mirror
def test_data_check_passes_on_the_mirror():
    proc = subprocess.run([sys.executable, "-m", "course_lib", "data", "check",
                           "--data-dir", str(MIRROR)], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for line in ("mnist", "facades", "cityscapes"):
        assert any(row.split()[:2] == [line, "OK"] for row in proc.stdout.splitlines())
