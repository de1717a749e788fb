"""`python -m course_lib COMMAND ...`: the course's command line.

Each command lives in the module of its concern and exposes two functions,
`add_arguments(parser)` and `run(args) -> int`. Only the module of the command being run is
imported, so `data check` starts without loading TensorFlow's training machinery.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# command -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "data": ("course_lib.data.cli", "check or import datasets"),
    "train": ("course_lib.training.command", "train a model with checkpoint/resume"),
    "weights": ("course_lib.weights.cli", "verify pretrained weight files"),
    "sample": ("course_lib.weights.cli", "sample MNIST digits from pretrained weights"),
    "translate": ("course_lib.weights.cli", "run a pretrained Pix2Pix generator over images"),
    "eval": ("course_lib.evaluation.cli", "evaluate pretrained models"),
    "grade": ("course_lib.grading.cli", "grade student notebooks into a CSV gradebook"),
    "student": ("course_lib.grading.cli", "make student versions of the notebooks"),
}
# Commands that import TensorFlow anyway: imported first with its start-up lines silenced.
TENSORFLOW_COMMANDS = {"train", "sample", "translate", "eval"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m course_lib",
                                     description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_) in COMMANDS.items():
        sub.add_parser(name, help=help_, add_help=False)
    if not argv or argv[0] in {"-h", "--help"}:
        parser.print_help()
        return 0 if argv else 2
    if argv[0] not in COMMANDS:
        parser.parse_args(argv)  # prints "invalid choice" and exits with status 2
    name = argv[0]
    # TensorFlow's C++ start-up lines are noise on a command line (errors still show); the
    # variable must be set before any command module imports TensorFlow.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if name in TENSORFLOW_COMMANDS:
        from course_lib import config

        config.import_tensorflow_quietly()
    module = importlib.import_module(COMMANDS[name][0])
    cmd_parser = argparse.ArgumentParser(prog=f"python -m course_lib {name}")
    module.add_arguments(cmd_parser, name)
    args = cmd_parser.parse_args(argv[1:])
    args.command = name
    return int(module.run(args) or 0)
