"""The lazy TensorFlow import (course_lib.data.lazy_tf): data check must not pay for TF."""

from __future__ import annotations

import subprocess
import sys

from course_lib.data.lazy_tf import LazyModule
from tests.data_helpers import REPO


def test_importing_the_data_package_does_not_import_tensorflow():
    code = ("import sys, course_lib.data, course_lib.data.cli; "
            "print('tensorflow' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


def test_a_lazy_module_imports_on_first_attribute_access():
    lazy = LazyModule("json")
    assert lazy._module is None
    assert lazy.dumps([1]) == "[1]"
    assert lazy._module is sys.modules["json"]
