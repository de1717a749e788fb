"""Training: one readable train step per model family, and one kill-safe loop for all of them.

* `GANTrainer` trains the MNIST GAN, cGAN and DCGAN; `Pix2PixTrainer` trains Pix2Pix. Each is a
  `keras.Model` whose `train_step` is exactly the lesson's step: two gradient tapes, one
  optimizer per network.
* `fit(trainer, dataset, ...)` is the loop: a progress bar, TensorBoard scalars, hooks for
  sample images, and a `tf.train.CheckpointManager` that saves generator, discriminator, both
  optimizers and the step counter. Run it again with the same checkpoint directory and it
  resumes where the last checkpoint left off, printing `Resuming from step N`.
* `python -m course_lib train MODEL ...` builds a run for `gan`, `cgan`, `dcgan`,
  `pix2pix-facades` or `pix2pix-pokemon` and calls `fit`.

Why the loop runs several steps per call: every Python -> TensorFlow round trip and every
`.numpy()` on a loss waits for the device. `fit` runs `steps_per_call` steps inside one
`tf.function` and reads the losses once per call. Why the update bypasses
`Adam.apply_gradients` when it can: Keras 3 spells Adam as about ten element-wise ops per
variable, each a full pass over memory; TensorFlow's fused kernel does it in one pass, which
saves about a sixth of a Pix2Pix step (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from course_lib import checkpoints, config, losses, models

Hook = tuple[int, Callable[[int, dict], None]]  # (every N steps, fn(step, logs))


def make_optimizer(learning_rate: float, beta_1: float = 0.9) -> keras.optimizers.Adam:
    """A fresh Adam. Keras 3 optimizers bind to the variables they first update, so every
    network gets its own instance: sharing one between two model pairs fails (or worse, mixes
    their moment estimates)."""
    return keras.optimizers.Adam(learning_rate, beta_1=beta_1)


def _fusable_adam(optimizer, variables) -> bool:
    """Whether TF's fused ApplyAdam kernel computes exactly `optimizer`'s update of `variables`.

    True for a plain `keras.optimizers.Adam` (a subclass may change the update) on float32
    variables without constraints, and none of the extras the kernel knows nothing about:
    AMSGrad, weight decay, gradient clipping, EMA, loss scaling, gradient accumulation.
    """
    return (type(optimizer) is keras.optimizers.Adam and not optimizer.amsgrad
            and optimizer.weight_decay is None and optimizer.clipnorm is None
            and optimizer.clipvalue is None and optimizer.global_clipnorm is None
            and not optimizer.use_ema and optimizer.loss_scale_factor is None
            and optimizer.gradient_accumulation_steps is None
            and all(v.dtype == "float32" and v.constraint is None for v in variables))


def _apply_adam_fused(optimizer: keras.optimizers.Adam, grads, variables) -> None:
    """Keras Adam's update, computed by `ResourceApplyAdam` on the optimizer's own moment
    slots, then the optimizer's step counter advanced (as `apply_gradients` does).

    The kernel evaluates Keras' formula: m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2);
    w -= alpha m / (sqrt(v) + eps) with alpha = lr sqrt(1 - b2^t) / (1 - b1^t). The one
    difference is rounding: the kernel forms 1 - b in float32 where Keras rounds the float64
    value (for b2 = 0.999 the two differ by 1.3e-5 relative, so each step's size differs by
    about 6e-6 relative), far below what the numerics tests can see.
    """
    lr = tf.cast(optimizer.learning_rate, tf.float32)
    t = tf.cast(optimizer.iterations + 1, tf.float32)
    beta_1 = tf.constant(optimizer.beta_1, tf.float32)
    beta_2 = tf.constant(optimizer.beta_2, tf.float32)
    epsilon = tf.constant(optimizer.epsilon, tf.float32)
    beta_1_power, beta_2_power = tf.pow(beta_1, t), tf.pow(beta_2, t)
    for grad, var in zip(grads, variables):
        slot = optimizer._get_variable_index(var)  # where Keras keeps this variable's moments
        tf.raw_ops.ResourceApplyAdam(
            var=var.handle, m=optimizer._momentums[slot].handle,
            v=optimizer._velocities[slot].handle, beta1_power=beta_1_power,
            beta2_power=beta_2_power, lr=lr, beta1=beta_1, beta2=beta_2, epsilon=epsilon,
            grad=grad)
    optimizer.iterations.assign_add(1)


class _Trainer(keras.Model):
    """Shared plumbing: optimizers, checkpointable state and the multi-step function."""

    def __init__(self, generator: keras.Model, discriminator: keras.Model, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator

    def compile(self, g_optimizer, d_optimizer, jit_compile: bool = False):
        """Attach one optimizer per network; `jit_compile=True` compiles the step with XLA."""
        super().compile()
        if g_optimizer is d_optimizer:
            raise ValueError("generator and discriminator need separate optimizers (Keras 3)")
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer
        # Build the optimizer slots now so that a checkpoint restore has somewhere to write.
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self._fused_adam = {id(opt): _fusable_adam(opt, net.trainable_variables)
                            for opt, net in ((g_optimizer, self.generator),
                                             (d_optimizer, self.discriminator))}
        self._step_fn = tf.function(self.train_step, jit_compile=jit_compile)
        self._chunk_fn = tf.function(self._run_chunk)

    def _apply(self, optimizer, loss, tape, variables) -> None:
        """One optimizer update of `variables` from `tape`'s gradient of `loss`.

        A plain Adam goes through TensorFlow's fused ApplyAdam kernel (see `_fusable_adam`):
        one pass over each variable and its two moments instead of Keras' ten element-wise
        ops, which matters for the 54M-parameter U-Net. Anything else uses the optimizer's
        own `apply_gradients`.
        """
        grads = tape.gradient(loss, variables)
        if self._fused_adam.get(id(optimizer)):
            _apply_adam_fused(optimizer, grads, variables)
        else:
            optimizer.apply_gradients(zip(grads, variables))

    def _run_chunk(self, iterator, n):
        logs = self._step_fn(next(iterator))
        for _ in tf.range(n - 1):
            logs = self._step_fn(next(iterator))
        return logs

    def train_steps(self, iterator, n: int) -> dict[str, float]:
        """Run `n` train steps from `iterator`; return the last step's losses as floats."""
        logs = self._chunk_fn(iterator, tf.constant(n, tf.int32))
        return {k: float(v) for k, v in logs.items()}

    def checkpoint_objects(self) -> dict:
        return {
            "generator": self.generator,
            "discriminator": self.discriminator,
            "generator_optimizer": self.g_optimizer,
            "discriminator_optimizer": self.d_optimizer,
        }


class GANTrainer(_Trainer):
    """Trains an MNIST GAN (`conditional=False`: batches are images) or cGAN
    (`conditional=True`: batches are (images, one-hot labels)).

    Works for the MLP models and the DCGAN alike: z ~ N(0, I) of length `noise_dim`.
    """

    def __init__(self, generator, discriminator, conditional: bool = False,
                 noise_dim: int = models.NOISE_DIM, seed: int | None = None, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.conditional = conditional
        self.noise_dim = noise_dim
        self.seed_generator = keras.random.SeedGenerator(seed)

    def train_step(self, batch):
        if self.conditional:
            images, labels = batch
            g_inputs, d_extra = (labels,), (labels,)
        else:
            images, g_inputs, d_extra = batch, (), ()
        noise = keras.random.normal((tf.shape(images)[0], self.noise_dim),
                                    seed=self.seed_generator)
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generator(noise, *g_inputs, training=True)
            # training=True matters: without it Keras runs Dropout (and BatchNorm) in
            # inference mode, and the discriminator's dropout silently never happens.
            real_logits = self.discriminator(images, *d_extra, training=True)
            fake_logits = self.discriminator(fake, *d_extra, training=True)
            g_loss = losses.generator_loss(fake_logits)
            d_loss = losses.discriminator_loss(real_logits, fake_logits)
        self._apply(self.g_optimizer, g_loss, g_tape, self.generator.trainable_variables)
        self._apply(self.d_optimizer, d_loss, d_tape, self.discriminator.trainable_variables)
        return {"gen_loss": g_loss, "disc_loss": d_loss}


class Pix2PixTrainer(_Trainer):
    """Trains a Pix2Pix generator/PatchGAN pair on (input, target) batches in [-1,1]."""

    def __init__(self, generator, discriminator, lam: float = losses.LAMBDA, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.lam = lam

    def train_step(self, batch):
        input_image, target = (tf.convert_to_tensor(t) for t in batch)
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            generated = self.generator(input_image, training=True)
            disc_real = self.discriminator([input_image, target], training=True)
            disc_fake = self.discriminator([input_image, generated], training=True)
            gen_total, gen_gan, gen_l1 = losses.pix2pix_generator_loss(
                disc_fake, generated, target, self.lam)
            disc_loss = losses.pix2pix_discriminator_loss(disc_real, disc_fake)
        self._apply(self.g_optimizer, gen_total, g_tape, self.generator.trainable_variables)
        self._apply(self.d_optimizer, disc_loss, d_tape, self.discriminator.trainable_variables)
        return {"gen_total_loss": gen_total, "gen_gan_loss": gen_gan, "gen_l1_loss": gen_l1,
                "disc_loss": disc_loss}


def fit(
    trainer: _Trainer,
    dataset: tf.data.Dataset,
    total_steps: int,
    checkpoint_dir: str | Path,
    checkpoint_every: int,
    *,
    logdir: str | Path | None = None,
    hooks: Sequence[Hook] = (),
    steps_per_call: int = 50,
    max_to_keep: int = 3,
    progress: bool = True,
    model_name: str | None = None,
) -> dict[str, list]:
    """Train until the step counter reaches `total_steps`, resuming from `checkpoint_dir`.

    Args:
        trainer: a compiled `GANTrainer` or `Pix2PixTrainer`.
        dataset: batches for `trainer.train_step`; repeated forever here.
        total_steps: the target step count (a resumed run trains only what is left).
        checkpoint_dir: where `tf.train.CheckpointManager` keeps the last `max_to_keep`
            checkpoints. A killed run loses at most `checkpoint_every` steps.
        logdir: TensorBoard scalars go here (one point per call of `steps_per_call` steps).
        hooks: (every, fn) pairs; `fn(step, logs)` runs whenever `step % every == 0`
            (sample grids, timing prints, ...).
        steps_per_call: steps fused into one `tf.function` call between host syncs.
        model_name: recorded in the folder (`course_lib-run.json`) so that a folder of another
            model is refused by name instead of failing on mismatched shapes.

    Raises:
        checkpoints.CheckpointError: before any step, when `checkpoint_dir` is not writable,
            belongs to another model, or holds checkpoints none of which is intact. A damaged
            latest checkpoint only warns (CheckpointWarning) and the newest intact one is used.

    Returns:
        A history dict: "step" and one list per loss, one entry per call.
    """
    # Everything that could stop the run is checked before the first step (course_lib.
    # checkpoints): a writable folder, of this model, and the newest checkpoint that is intact.
    checkpoints.ensure_writable(checkpoint_dir)
    if model_name:
        checkpoints.claim_folder(checkpoint_dir, model_name)
    step = tf.Variable(0, dtype=tf.int64, name="step")
    ckpt = tf.train.Checkpoint(step=step, **trainer.checkpoint_objects())
    restored = checkpoints.restore_newest_intact(ckpt, checkpoint_dir, model_name)
    manager = tf.train.CheckpointManager(ckpt, str(checkpoint_dir), max_to_keep=max_to_keep)
    if restored:
        print(f"Resuming from step {int(step)} ({config.display_path(restored)})", flush=True)
    else:
        print(f"Starting a new run; checkpoints go to {config.display_path(checkpoint_dir)}",
              flush=True)
    writer = tf.summary.create_file_writer(str(logdir)) if logdir else None
    history: dict[str, list] = {"step": []}
    start = int(step)
    if start >= total_steps:
        print(f"Already at step {start} of {total_steps}: nothing to train.", flush=True)
        return history

    # Every boundary where something must happen after a step: checkpoint, hook, the end.
    periods = [checkpoint_every] + [every for every, _ in hooks]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=total_steps, initial=start, unit="step", mininterval=2.0,
                   dynamic_ncols=True)
    iterator = iter(dataset.repeat())
    current = start
    while current < total_steps:
        next_stop = min([total_steps, current + steps_per_call]
                        + [(current // p + 1) * p for p in periods if p > 0])
        logs = trainer.train_steps(iterator, next_stop - current)
        current = next_stop
        step.assign(current)
        history["step"].append(current)
        for name, value in logs.items():
            history.setdefault(name, []).append(value)
        if writer:
            with writer.as_default(step=current):
                for name, value in logs.items():
                    tf.summary.scalar(name, value)
        if bar is not None:
            bar.update(next_stop - bar.n)
            bar.set_postfix({k: f"{v:.3f}" for k, v in logs.items()}, refresh=False)
        if current % checkpoint_every == 0 or current == total_steps:
            manager.save(checkpoint_number=current)
        for every, fn in hooks:
            if current % every == 0 or current == total_steps:
                fn(current, logs)
    if bar is not None:
        bar.close()
    if writer:
        writer.flush()
    print(f"Finished at step {current}; latest checkpoint: "
          f"{config.display_path(manager.latest_checkpoint)}",
          flush=True)
    return history


# --------------------------------------------------------------------------------------------
# Ready-made runs for the CLI (and for notebooks that want the whole thing in one call)
# --------------------------------------------------------------------------------------------

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
            g = models.build(models.GeneratorGAN())
            d = models.build(models.DiscriminatorGAN(dropout=GAN_D_DROPOUT))
            ds = data.mnist_gan_dataset(batch_size=batch_size, limit=limit)
        elif name == "cgan":
            g, d = models.build(models.GeneratorCGAN()), models.build(models.DiscriminatorCGAN())
            ds = data.mnist_cgan_dataset(batch_size=batch_size, limit=limit)
        else:
            g, d = models.dcgan_generator(), models.dcgan_discriminator()
            ds = data.mnist_dcgan_dataset(batch_size=batch_size, limit=limit)
        trainer = GANTrainer(g, d, conditional=(name == "cgan"), seed=seed)
        trainer.compile(make_optimizer(1e-4), make_optimizer(1e-4), jit_compile=jit_compile)
        n = limit or 60_000
        return trainer, ds, math.ceil(n / batch_size)

    if name in ("pix2pix-facades", "pix2pix-cityscapes"):
        g, d = models.unet_generator(), models.patchgan_discriminator()
        files = (data.facades_files if name == "pix2pix-facades" else data.cityscapes_files)(
            "train", sample=sample)[:limit]
        ds = data.pix2pix_dataset(files, training=True, batch_size=batch_size)
    elif name == "pix2pix-pokemon":
        g, d = models.UNetGenerator(), models.PatchGANDiscriminator()
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


def _sample_hook(name: str, trainer: _Trainer, out_dir: Path, steps_per_epoch: int,
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


def _snapshot_hook(generator: keras.Model, out_dir: Path) -> Callable[[int, dict], None]:
    """Save the generator's weights as `g-<step>.weights.h5` (what `weights export --snapshot`
    averages: the mean of several late snapshots is usually a better generator than any one)."""
    out_dir.mkdir(parents=True, exist_ok=True)

    def hook(step: int, logs: dict) -> None:
        generator.save_weights(str(out_dir / f"g-{step:07d}.weights.h5"))

    return hook


def _lr_decay_hook(trainer: _Trainer, start: int, total: int) -> Callable[[int, dict], None]:
    """From step `start` on, scale both learning rates linearly down to 0 at step `total`.

    The pix2pix paper's code trains at a constant rate, then decays it linearly to zero; a
    smaller step at the end lets generator and discriminator settle instead of jittering
    around each other. Runs between `fit` calls, so the rate changes every few steps.
    """
    base = {id(opt): float(opt.learning_rate) for opt in (trainer.g_optimizer,
                                                           trainer.d_optimizer)}

    def hook(step: int, logs: dict) -> None:
        scale = min(1.0, max(0.0, (total - step) / max(1, total - start)))
        for opt in (trainer.g_optimizer, trainer.d_optimizer):
            opt.learning_rate = base[id(opt)] * scale

    return hook


def warm_start(trainer: _Trainer, name: str, checkpoint_dir: Path) -> bool:
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


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("model", choices=MODELS)
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--epochs", type=int, help="train until this many epochs are done")
    length.add_argument("--steps", type=int, help="train until exactly this many steps are done")
    parser.add_argument("--checkpoint-dir", type=Path,
                        help="checkpoints (default runs/MODEL/checkpoints); reused to resume")
    parser.add_argument("--logdir", type=Path, help="TensorBoard logs (default runs/MODEL/logs)")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--checkpoint-every", type=int, help="steps between checkpoints")
    parser.add_argument("--limit", type=int, help="use only the first N training examples")
    parser.add_argument("--seed", type=int)
    jit = parser.add_mutually_exclusive_group()
    jit.add_argument("--jit", dest="jit", action="store_const", const=True, default=None,
                     help="compile the step with XLA (default: only on a GPU)")
    jit.add_argument("--no-jit", dest="jit", action="store_const", const=False,
                     help="never compile the step with XLA")
    parser.add_argument("--snapshot-every", type=int,
                        help="also save the generator every N steps to <run>/snapshots "
                             "(for `weights export --snapshot`, which can average them)")
    parser.add_argument("--lr-decay-start", type=int, metavar="STEP",
                        help="from this step on, decay both learning rates linearly to 0 at "
                             "the last step (the pix2pix paper's schedule; default: constant)")
    parser.add_argument("--warm-start", action="store_true",
                        help="a new run starts from the shipped generator weights instead of "
                             "random ones (fresh discriminator and optimizers)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    """`train MODEL ...`; returns the exit status (1 with a message when the checkpoint folder
    cannot be used, before any data is loaded or step trained)."""
    try:
        return _run(args)
    except checkpoints.CheckpointError as err:
        print(f"train {args.model}: {err}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    schedule = default_schedule(args.model)
    batch_size = args.batch_size or schedule["batch_size"]
    limit = args.limit if args.limit is not None else schedule["limit"]
    root = Path("runs") / args.model
    ckpt_dir = args.checkpoint_dir or root / "checkpoints"
    logdir = args.logdir or (ckpt_dir.parent / "logs" if args.checkpoint_dir else root / "logs")
    sample_dir = Path(logdir).parent / "samples"
    print(f"Mode: {config.mode_name()}", flush=True)
    # Fail now, not after building the pipeline (or, as before, at the first save).
    checkpoints.ensure_writable(ckpt_dir)
    checkpoints.claim_folder(ckpt_dir, args.model)

    trainer, ds, steps_per_epoch = build_run(args.model, batch_size, limit, args.seed,
                                             jit_compile=args.jit)
    if args.steps is not None:
        total = args.steps
    elif args.epochs is not None:
        total = args.epochs * steps_per_epoch
    else:
        total = schedule.get("steps") or schedule["epochs"] * steps_per_epoch
    checkpoint_every = args.checkpoint_every or schedule["checkpoint_every"]
    print(f"Training {args.model}: {total} steps ({steps_per_epoch} steps per epoch, "
          f"batch {batch_size}); checkpoints -> {ckpt_dir}, TensorBoard -> {logdir}, "
          f"samples -> {sample_dir}", flush=True)

    rng = np.random.default_rng(0)  # fixed inputs so sample frames are comparable over time
    if args.model == "cgan":
        sample_inputs = (rng.standard_normal((20, models.NOISE_DIM)).astype("float32"),
                         np.eye(10, dtype="float32")[np.arange(20) % 10])
    elif args.model in ("gan", "dcgan"):
        sample_inputs = rng.standard_normal((16, models.NOISE_DIM)).astype("float32")
    else:
        inp, tar = next(iter(ds.unbatch().batch(3)))
        sample_inputs = (inp.numpy(), tar.numpy())
    every = steps_per_epoch if args.model == "dcgan" else checkpoint_every
    hooks: list[Hook] = [(every, _sample_hook(args.model, trainer, sample_dir, steps_per_epoch,
                                              sample_inputs))]
    if args.snapshot_every:
        hooks.append((args.snapshot_every,
                      _snapshot_hook(trainer.generator, Path(logdir).parent / "snapshots")))
    if args.lr_decay_start is not None:
        if not 0 <= args.lr_decay_start < total:
            raise SystemExit(f"--lr-decay-start must be in [0, {total}), got "
                             f"{args.lr_decay_start}")
        hooks.append((10, _lr_decay_hook(trainer, args.lr_decay_start, total)))
    if args.warm_start:
        warm_start(trainer, args.model, ckpt_dir)
    t0 = time.perf_counter()
    fit(trainer, ds, total, ckpt_dir, checkpoint_every, logdir=logdir, hooks=hooks,
        steps_per_call=10 if args.model.startswith("pix2pix") else 50,
        progress=not args.no_progress, model_name=args.model)
    if args.model == "dcgan":
        from course_lib import viz

        frames = sorted(sample_dir.glob("image_at_epoch_*.png"))
        if frames:
            print(f"GIF: {viz.make_gif(frames, sample_dir / 'dcgan.gif')}")
    print(f"Wall time: {time.perf_counter() - t0:.1f} s", flush=True)
    return 0
