"""`python -m course_lib train MODEL ...`: a named run, trained by `fit` with checkpoints.

Builds the run (`recipes.build_run`), its hooks (sample grids, snapshots, learning-rate decay)
and calls `fit`; a run pointed at an existing checkpoint folder resumes it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from course_lib import checkpoints, config
from course_lib.models.mnist import NOISE_DIM
from course_lib.training.hooks import lr_decay_hook, sample_hook, snapshot_hook
from course_lib.training.loop import Hook, fit
from course_lib.training.recipes import MODELS, build_run, default_schedule, warm_start


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
        sample_inputs = (rng.standard_normal((20, NOISE_DIM)).astype("float32"),
                         np.eye(10, dtype="float32")[np.arange(20) % 10])
    elif args.model in ("gan", "dcgan"):
        sample_inputs = rng.standard_normal((16, NOISE_DIM)).astype("float32")
    else:
        inp, tar = next(iter(ds.unbatch().batch(3)))
        sample_inputs = (inp.numpy(), tar.numpy())
    every = steps_per_epoch if args.model == "dcgan" else checkpoint_every
    hooks: list[Hook] = [(every, sample_hook(args.model, trainer, sample_dir, steps_per_epoch,
                                             sample_inputs))]
    if args.snapshot_every:
        hooks.append((args.snapshot_every,
                      snapshot_hook(trainer.generator, Path(logdir).parent / "snapshots")))
    if args.lr_decay_start is not None:
        if not 0 <= args.lr_decay_start < total:
            raise SystemExit(f"--lr-decay-start must be in [0, {total}), got "
                             f"{args.lr_decay_start}")
        hooks.append((10, lr_decay_hook(trainer, args.lr_decay_start, total)))
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
