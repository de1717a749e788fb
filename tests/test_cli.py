"""The command-line frame: help, unknown commands, argument errors."""

import subprocess
import sys

import pytest

from course_lib import cli


def test_help_lists_every_command(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in cli.COMMANDS:
        assert name in out


def test_no_command_is_an_error(capsys):
    assert cli.main([]) == 2


def test_unknown_command_exits_2():
    proc = subprocess.run([sys.executable, "-m", "course_lib", "frobnicate"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr


@pytest.mark.slow  # builds/executes for seconds
def test_train_rejects_unknown_model():
    proc = subprocess.run([sys.executable, "-m", "course_lib", "train", "vae"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "invalid choice: 'vae'" in proc.stderr
