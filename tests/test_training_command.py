"""`python -m course_lib train`: its flags, and a run killed with SIGKILL resumes."""

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from course_lib.training import command

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # two real training processes
@pytest.mark.needs_data("mnist")
def test_cli_resumes_after_sigkill(tmp_path):
    ckpt = tmp_path / "ckpt"
    cmd = [sys.executable, "-m", "course_lib", "train", "cgan", "--epochs", "3",
           "--checkpoint-dir", str(ckpt), "--checkpoint-every", "10", "--no-progress"]
    # PYTHONPATH: the subprocess runs in tmp_path, so make the checkout importable even
    # when the package is not pip-installed.
    env = dict(os.environ, COURSE_FAST="1", PYTHONUNBUFFERED="1",
               PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 900  # generous: a CI machine may be slow or busy
    while time.time() < deadline and not list(ckpt.glob("ckpt-*.index")):
        assert proc.poll() is None, proc.stdout.read()
        time.sleep(0.2)
    assert list(ckpt.glob("ckpt-*.index")), "no checkpoint written within 900 s"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    saved = sorted(int(p.name.split("-")[1].split(".")[0]) for p in ckpt.glob("ckpt-*.index"))
    assert saved and saved[-1] > 0

    done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    resumed = re.search(r"Resuming from step (\d+)", done.stdout)
    assert resumed and int(resumed.group(1)) >= saved[-1] > 0
    assert re.search(r"Finished at step 150\b", done.stdout), done.stdout


def test_train_command_line_jit_flags():
    parser = argparse.ArgumentParser()
    command.add_arguments(parser, "train")
    assert parser.parse_args(["cgan"]).jit is None  # automatic: XLA only where it helps
    assert parser.parse_args(["cgan", "--jit"]).jit is True
    assert parser.parse_args(["cgan", "--no-jit"]).jit is False
    with pytest.raises(SystemExit):
        parser.parse_args(["cgan", "--jit", "--no-jit"])
