"""`notebook_run.execute`: a notebook runs in place, in a fresh kernel started in `cwd`."""

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from course_lib.notebook_run import execute


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return nb


@pytest.mark.slow  # starts real Jupyter kernels (seconds each)
def test_execute_runs_every_cell_in_cwd_and_reports_a_failing_cell(tmp_path):
    (tmp_path / "here.txt").write_text("found")
    nb = _notebook("x = 6 * 7", "print(x, open('here.txt').read())")
    assert execute(nb, cwd=tmp_path, timeout=60) is nb
    assert nb.cells[1].outputs[0]["text"] == "42 found\n"

    broken = _notebook("print('before')", "raise ValueError('boom')", "print('never')")
    with pytest.raises(CellExecutionError, match="boom"):
        execute(broken, cwd=tmp_path, timeout=60)
    assert broken.cells[0].outputs[0]["text"] == "before\n"
    assert broken.cells[2].outputs == []
