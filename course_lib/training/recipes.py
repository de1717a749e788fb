"""Ready-made runs: the course's models with their lesson schedules, for the CLI and notebooks.

`build_run(name, ...)` returns the compiled trainer and dataset of `gan`, `cgan`, `dcgan`,
`pix2pix-facades`, `pix2pix-cityscapes` or `pix2pix-pokemon`; `default_schedule(name)` their
lesson (or fast-mode) lengths; `warm_start` starts a new run from a shipped generator.
"""

from __future__ import annotations

import math
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from course_lib import config
from course_lib.models import mnist, pix2pix
from course_lib.training.trainers import GANTrainer, PairTrainer, Pix2PixTrainer, make_optimizer

GAN_D_DROPOUT = 0.3  # the MLP GAN discriminator's dropout rate (lesson 02)
MODELS = ("gan", "cgan", "dcgan", "pix2pix-facades", "pix2pix-cityscapes", "pix2pix-pokemon")


def default_schedule(name: str) -> dict:
    """The lesson's (full) or fast-mode numbers for a run: epochs or steps, batch, intervals."""
    fast = config.is_fast()
    if name in ("gan", "cgan"):
        # The pretrained weights' recipe: 500 epochs of batch 128 on the 60 000 training digits.
        return {"epochs": 2 if fast else 500, "batch_size": 128,
                "limit": 6400 if fast else None, "checkpoint_every": 25 if fast else 469}
    if name == "dcgan":
        return {"epochs": 1 if fast else 50, "batch_size": 256,
                "limit": 2560 if fast else None, "checkpoint_every": 5 if fast else 235 * 15}
    if name == "pix2pix-facades":
        return {"steps": 20 if fast else 40_000, "batch_size": 1,
                "limit": 20 if fast else None, "checkpoint_every": 10 if fast else 5000}
    if name == "pix2pix-cityscapes":  # 40 epochs of the 1 000 training pairs
        return {"steps": 20 if fast else 40_000, "batch_size": 1,
                "limit": 20 if fast else None, "checkpoint_every": 10 if fast else 5000}
    if name == "pix2pix-pokemon":
        # Batch 1, like lesson 03: `translate` normalises each image by its own BatchNorm
        # statistics (training=True, one image), which matches training only at batch 1. A
        # batch-4 model sees other statistics at inference (and a zeroed 1x1 bottleneck).
        return {"epochs": 1 if fast else 50, "batch_size": 1,
                "limit": 16 if fast else None, "checkpoint_every": 8 if fast else 2000}
    raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")


def xla_helps() -> bool:
    """Whether to compile train steps with XLA by default: on a GPU, yes.

    On CPU, measured (docs/PERFORMANCE.md): XLA made the MNIST MLP steps slower, and far slower
    in wall time when the cores are shared with other work, because its parallel loops wait for
    every worker thread; TensorFlow's own oneDNN kernels are the better choice there.
    """
    return bool(tf.config.list_physical_devices("GPU"))


def build_run(name: str, batch_size: int, limit: int | None = None, seed: int | None = None,
              jit_compile: bool | None = None, sample: bool = False):
    """Models, trainer and dataset for a named run.

    `jit_compile=None` picks XLA where it helps (`xla_helps()`: on a GPU). `sample=True`
    trains on the embedded sample (tests).
    Returns (trainer, dataset, steps_per_epoch).
    """
    from course_lib import data

    if jit_compile is None:
        jit_compile = xla_helps()
    if seed is not None:
        keras.utils.set_random_seed(seed)
    if name in ("gan", "cgan", "dcgan"):
        if name == "gan":
            # Dropout 0.3 in D is the one change to lesson 02's seed recipe: without it the
            # GAN collapses onto a few digits (see the `gan-collapsed` weights and lesson 02).
            g = mnist.build(mnist.GeneratorGAN())
            d = mnist.build(mnist.DiscriminatorGAN(dropout=GAN_D_DROPOUT))
            ds = data.mnist_gan_dataset(batch_size=batch_size, limit=limit)
        elif name == "cgan":
            g, d = mnist.build(mnist.GeneratorCGAN()), mnist.build(mnist.DiscriminatorCGAN())
            ds = data.mnist_cgan_dataset(batch_size=batch_size, limit=limit)
        else:
            g, d = mnist.dcgan_generator(), mnist.dcgan_discriminator()
            ds = data.mnist_dcgan_dataset(batch_size=batch_size, limit=limit)
        trainer = GANTrainer(g, d, conditional=(name == "cgan"), seed=seed)
        trainer.compile(make_optimizer(1e-4), make_optimizer(1e-4), jit_compile=jit_compile)
        n = limit or 60_000
        return trainer, ds, math.ceil(n / batch_size)

    if name in ("pix2pix-facades", "pix2pix-cityscapes"):
        g, d = pix2pix.unet_generator(), pix2pix.patchgan_discriminator()
        files = (data.facades_files if name == "pix2pix-facades" else data.cityscapes_files)(
            "train", sample=sample)[:limit]
        ds = data.pix2pix_dataset(files, training=True, batch_size=batch_size)
    elif name == "pix2pix-pokemon":
        g, d = pix2pix.UNetGenerator(), pix2pix.PatchGANDiscriminator()
        files = data.pokemon_pairs_files("train", sample=sample)[:limit]
        ds = data.pokemon_dataset(files, training=True, batch_size=batch_size)
        dummy = np.zeros((1, 256, 256, 3), np.float32)
        d([dummy, g(dummy)])  # subclassed models get their weights on the first call
    else:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
    trainer = Pix2PixTrainer(g, d)
    trainer.compile(make_optimizer(2e-4, beta_1=0.5), make_optimizer(2e-4, beta_1=0.5),
                    jit_compile=jit_compile)
    return trainer, ds, math.ceil(len(files) / batch_size)


def warm_start(trainer: PairTrainer, name: str, checkpoint_dir: Path) -> bool:
    """Start a new run from the shipped, verified generator of `name` (not from random weights).

    Only a new run is warm-started: when `checkpoint_dir` already holds a checkpoint, `fit`
    resumes it and this does nothing (returns False). The discriminator and both optimizers
    start fresh; the step counter starts at 0, so a model card must add the steps the shipped
    generator had already trained.
    """
    from course_lib import weights

    if tf.train.latest_checkpoint(str(checkpoint_dir)):
        return False
    path, _ = weights.locate(name)
    weights.load_weights_file(trainer.generator, path, weights.spec(name).architecture)
    print(f"Warm start: generator from the shipped {name} weights ({path})", flush=True)
    return True
