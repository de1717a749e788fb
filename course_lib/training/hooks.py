"""Hooks for `fit`: `fn(step, logs)` callables run every N steps (see `loop.Hook`).

Sample grids from fixed inputs, generator snapshots for weight averaging, and the pix2pix
paper's linear learning-rate decay.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import keras
import numpy as np

from course_lib.training.trainers import PairTrainer


def sample_hook(name: str, trainer: PairTrainer, out_dir: Path, steps_per_epoch: int,
                 sample_inputs) -> Callable[[int, dict], None]:
    """Save a grid of samples from fixed inputs (so frames are comparable across steps)."""
    from course_lib import viz

    def hook(step: int, logs: dict) -> None:
        if name == "dcgan":
            epoch = math.ceil(step / steps_per_epoch)
            path = out_dir / f"image_at_epoch_{epoch:04d}.png"
        else:
            path = out_dir / f"samples_step_{step:07d}.png"
        if name.startswith("pix2pix"):
            inp, tar = sample_inputs
            pred = trainer.generator(inp, training=True)
            images = np.concatenate([inp, tar, pred], axis=0)
            viz.save_grid(images, path, rows=3, cols=len(inp), size=2.0)
        elif name == "cgan":
            viz.save_grid(trainer.generator(*sample_inputs, training=False), path, rows=4)
        else:
            viz.save_grid(trainer.generator(sample_inputs, training=False), path, rows=4)

    return hook


def snapshot_hook(generator: keras.Model, out_dir: Path) -> Callable[[int, dict], None]:
    """Save the generator's weights as `g-<step>.weights.h5` (what `weights export --snapshot`
    averages: the mean of several late snapshots is usually a better generator than any one)."""
    out_dir.mkdir(parents=True, exist_ok=True)

    def hook(step: int, logs: dict) -> None:
        generator.save_weights(str(out_dir / f"g-{step:07d}.weights.h5"))

    return hook


def lr_decay_hook(trainer: PairTrainer, start: int, total: int) -> Callable[[int, dict], None]:
    """From step `start` on, scale both learning rates linearly down to 0 at step `total`.

    The pix2pix paper's code trains at a constant rate, then decays it linearly to zero; a
    smaller step at the end lets generator and discriminator settle instead of jittering
    around each other. Runs between `fit` calls, so the rate changes every few steps.

    Kill-safe as it is: the rate is an optimizer variable, so a checkpoint carries the decayed
    value and a resumed run continues from it. (A `keras.optimizers.schedules.
    LearningRateSchedule` would decay every step, but it replaces that variable, so checkpoints
    of runs with and without decay would no longer hold the same optimizer state; kept a hook.)
    """
    base = {id(opt): float(opt.learning_rate) for opt in (trainer.g_optimizer,
                                                           trainer.d_optimizer)}

    def hook(step: int, logs: dict) -> None:
        scale = min(1.0, max(0.0, (total - step) / max(1, total - start)))
        for opt in (trainer.g_optimizer, trainer.d_optimizer):
            opt.learning_rate = base[id(opt)] * scale

    return hook
