"""Turning a training run into a shipped weight file: checkpoints, snapshots, averaging.

`export_checkpoint` takes the generator of a `training.fit` checkpoint, one snapshot
(`g-NNNNNNN.weights.h5`) or the weight average of several (Polyak averaging), writes it into
the weights folder in the model's storage (int8 for Pix2Pix) and registers it in the manifest.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from course_lib.registry import (
    MNIST_GENERATORS,
    PIX2PIX_GENERATORS,
    STORAGE_INT8,
    PathLike,
    WeightsError,
    build_model,
    spec,
)
from course_lib.weights.int8 import load_weights_file, save_weights_file
from course_lib.weights.manifest import register_weights, resolve_weights_dir


def restore_generator(name: str, checkpoint_dir: PathLike):
    """(generator, step) from the latest checkpoint that `training.fit` wrote in checkpoint_dir.

    Only the generator and the step counter are read: the checkpoint also holds the
    discriminator and both optimizers, which inference does not need (hence `expect_partial`).
    """
    import tensorflow as tf

    from course_lib import checkpoints

    latest = None
    found = checkpoints.candidates(checkpoint_dir)
    for prefix in found:  # newest first; skip damaged ones
        problem = checkpoints.intact_problem(prefix)
        if problem is None:
            latest = prefix
            break
        print(f"warning: checkpoint {prefix}: {problem}; trying the previous one",
              file=sys.stderr)
    if latest is None:
        what = "no intact checkpoint found" if found else "no checkpoint found"
        raise WeightsError(f"{checkpoint_dir}: {what} (expected a `checkpoint` file and "
                           "ckpt-N.index/.data files from training.fit)")
    generator = build_model(name)
    step = tf.Variable(0, dtype=tf.int64, name="step")
    status = tf.train.Checkpoint(step=step, generator=generator).restore(latest)
    try:
        status.expect_partial().assert_existing_objects_matched()
    except AssertionError as err:
        raise WeightsError(f"{latest} does not hold a {spec(name).architecture} generator: "
                           f"{str(err)[:300]}") from None
    return generator, int(step.numpy())


SNAPSHOT_PATTERN = re.compile(r"g-(\d+)\.weights\.h5$")


def snapshot_step(path: PathLike) -> int:
    """The training step in a snapshot name `g-NNNNNNN.weights.h5` (WeightsError otherwise)."""
    match = SNAPSHOT_PATTERN.search(Path(path).name)
    if match is None:
        raise WeightsError(f"{path}: expected a snapshot named g-<step>.weights.h5 "
                           "(a generator's save_weights during training)")
    return int(match.group(1))


def snapshot_files(paths: Iterable[PathLike]) -> list[Path]:
    """Snapshot files from files and folders (a folder gives its g-*.weights.h5), by step."""
    found = []
    for item in map(Path, paths):
        if item.is_dir():
            found.extend(p for p in item.iterdir() if SNAPSHOT_PATTERN.search(p.name))
        elif item.is_file():
            snapshot_step(item)  # refuse a file that is not named like a snapshot
            found.append(item)
        else:
            raise WeightsError(f"{item}: no such snapshot file or folder")
    return sorted(set(found), key=lambda p: (snapshot_step(p), str(p)))


def load_snapshot(name: str, path: PathLike):
    """(generator, step) from a snapshot: a plain Keras `save_weights` file of `name`'s
    generator, taken during training (`g-NNNNNNN.weights.h5`; the step comes from the name).

    The variable shapes are checked first, so a snapshot of another model (say a GAN snapshot
    given as cgan) is refused with both architectures named.
    """
    step = snapshot_step(path)
    generator = build_model(name)
    try:
        load_weights_file(generator, path, spec(name).architecture)
    except (OSError, ValueError) as err:  # e.g. a snapshot still being written
        raise WeightsError(f"{path}: could not be loaded as {spec(name).architecture} "
                           f"({err})") from None
    return generator, step


def average_snapshots(name: str, paths: Sequence[PathLike]):
    """(generator, step) whose every weight is the mean of that weight over the `paths`
    snapshots; step = the latest snapshot's step.

    Averaging the weights of snapshots taken along one run (Polyak averaging, as in stochastic
    weight averaging or the moving-average generators of ProGAN/BigGAN) smooths out the
    step-to-step jitter of adversarial training. It needs no retraining and keeps the
    architecture, so the result is an ordinary generator of `name`.
    """
    files = snapshot_files(paths)
    if not files:
        raise WeightsError("average_snapshots needs at least one snapshot")
    generator, step = load_snapshot(name, files[-1])
    total = [v.numpy().astype(np.float64) for v in generator.weights]
    for path in files[:-1]:
        other, _ = load_snapshot(name, path)
        for acc, v in zip(total, other.weights):
            acc += v.numpy()
    for v, acc in zip(generator.weights, total):
        v.assign((acc / len(files)).astype(v.numpy().dtype))
    return generator, step


def float32_generator(name: str, checkpoint_dir: PathLike | None = None,
                      snapshot: PathLike | Sequence[PathLike] | None = None):
    """(generator, step, source) from exactly one of a checkpoint folder or snapshot file(s).

    Several snapshot files give their weight average (`average_snapshots`). `source` is a short
    description for the model card ("checkpoint DIR" / "snapshot FILE" / "mean of N ...").
    """
    if snapshot is None:
        snapshots = []
    elif isinstance(snapshot, (list, tuple)):
        snapshots = list(snapshot)
    else:
        snapshots = [snapshot]
    if (checkpoint_dir is None) == (not snapshots):
        raise WeightsError("give exactly one of a checkpoint folder or snapshot file(s)")
    if len(snapshots) == 1:
        generator, step = load_snapshot(name, snapshots[0])
        return generator, step, f"snapshot {snapshots[0]}"
    if snapshots:
        generator, step = average_snapshots(name, snapshots)
        steps = [snapshot_step(p) for p in snapshot_files(snapshots)]
        return generator, step, (f"mean of the weights of {len(steps)} snapshots at steps "
                                 f"{', '.join(map(str, steps))} (in {Path(snapshots[0]).parent})")
    generator, step = restore_generator(name, checkpoint_dir)
    return generator, step, f"checkpoint {checkpoint_dir}"


def export_checkpoint(name: str, checkpoint_dir: PathLike | None = None,
                      weights_dir: PathLike | None = None, *,
                      snapshot: PathLike | Sequence[PathLike] | None = None,
                      wall_time_s: float | None = None, hardware: str | None = None,
                      notes: str | None = None, training: dict | None = None) -> dict:
    """Export a trained generator to `weights_dir` and register it; returns the manifest entry.

    The source is the latest checkpoint of `checkpoint_dir` (`training.fit`) or a `snapshot`
    file (`g-NNNNNNN.weights.h5`, e.g. the best one `eval MODEL --snapshots` found). Writes
    `<weights_dir>/<spec file>` (int8 for Pix2Pix) and refreshes the manifest entry: sha256,
    size, versions, the step (and epochs for the MNIST models), the training settings, where
    the weights came from, `wall_time_s`, `hardware`, `notes`.
    """
    s = spec(name)
    if name not in MNIST_GENERATORS + PIX2PIX_GENERATORS:
        raise WeightsError(f"{name} is not a GAN generator; nothing to export from a checkpoint")
    generator, step, source = float32_generator(name, checkpoint_dir, snapshot)
    folder = resolve_weights_dir(weights_dir)
    path = save_weights_file(generator, folder / s.file, s.architecture, s.storage)
    facts = {k: v for k, v in s.defaults.items() if k != "steps_per_epoch"}
    facts["steps"] = step
    facts["source"] = source
    if "steps_per_epoch" in s.defaults:
        facts["epochs"] = round(step / s.defaults["steps_per_epoch"], 2)
    facts.update(training or {})
    if notes is None:
        if "epochs_planned" in facts:
            notes = f"trained {facts['epochs']:g} of {facts['epochs_planned']} epochs"
        elif "steps_planned" in facts:
            notes = f"trained {step} of {facts['steps_planned']} steps"
        else:
            notes = f"trained {step} steps"
        if s.storage == STORAGE_INT8:
            notes += ("; convolution kernels stored as per-output-channel symmetric int8 "
                      "(float32 scales), biases and BatchNorm in float32")
    return register_weights(name, path, folder, model=generator, training=facts,
                            wall_time_s=wall_time_s, hardware=hardware, notes=notes)
