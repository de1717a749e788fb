"""Training: one readable train step per model family, and one kill-safe loop for all of them.

* `trainers`: `GANTrainer` (MNIST GAN, cGAN, DCGAN) and `Pix2PixTrainer`, `keras.Model`s whose
  `train_step` is exactly the lesson's step; `make_optimizer`.
* `loop`: `fit`, the loop: progress bar, TensorBoard scalars, hooks, and checkpoints it
  resumes from.
* `fast_adam`: the fused Adam update the trainers use when they can (with a public fallback).
* `recipes`, `hooks`, `command`: the named runs behind `python -m course_lib train MODEL ...`.

This package re-exports the names lessons, tools and tests use (`training.fit`,
`training.GANTrainer`, ...) and the CLI's `add_arguments` / `run`. Code inside course_lib imports
from the submodule itself.
"""

from course_lib.training.command import add_arguments, run
from course_lib.training.loop import Hook, fit
from course_lib.training.recipes import (
    GAN_D_DROPOUT,
    MODELS,
    build_run,
    default_schedule,
    warm_start,
    xla_helps,
)
from course_lib.training.trainers import GANTrainer, PairTrainer, Pix2PixTrainer, make_optimizer

__all__ = [
    "GAN_D_DROPOUT", "MODELS", "GANTrainer", "Hook", "PairTrainer", "Pix2PixTrainer",
    "add_arguments", "build_run", "default_schedule", "fit", "make_optimizer", "run",
    "warm_start", "xla_helps",
]
