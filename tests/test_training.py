"""The `course_lib.training` package re-exports the names its callers use today."""

from course_lib import cli, training
from course_lib.training import command, loop, recipes, trainers


def test_the_package_re_exports_its_public_api():
    assert training.fit is loop.fit and training.Hook is loop.Hook
    for name in ("GANTrainer", "Pix2PixTrainer", "PairTrainer", "make_optimizer"):
        assert getattr(training, name) is getattr(trainers, name), name
    for name in ("GAN_D_DROPOUT", "MODELS", "build_run", "default_schedule", "warm_start",
                 "xla_helps"):
        assert getattr(training, name) is getattr(recipes, name), name
    assert set(training.__all__) <= set(dir(training))


def test_the_train_command_is_served_by_the_package():
    """`python -m course_lib train` imports "course_lib.training.command" and calls its two
    functions (the package re-exports them too)."""
    assert cli.COMMANDS["train"][0] == "course_lib.training.command"
    assert training.add_arguments is command.add_arguments and training.run is command.run
