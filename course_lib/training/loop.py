"""The one kill-safe training loop for every trainer: `fit(trainer, dataset, ...)`.

A progress bar, TensorBoard scalars, hooks for sample images, and a `tf.train.CheckpointManager`
that saves generator, discriminator, both optimizers and the step counter. Run it again with the
same checkpoint directory and it resumes where the last checkpoint left off, printing
`Resuming from step N`.

Why a loop of its own and not `Model.fit`: Keras' `compile(steps_per_execution=N)` with
`keras.callbacks.BackupAndRestore` would give multi-step calls and a resume, but not what this
loop promises: a refusal before the first step when the folder is not writable or is another
model's, the newest checkpoint that passes its checksums (not just the last one written), hooks
and checkpoints at exact step boundaries, and the trainers' own two-optimizer `compile`. The
speed comes from the same idea, several steps per call (`PairTrainer.train_steps`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import tensorflow as tf

from course_lib import checkpoints, config, messages
from course_lib.training.trainers import PairTrainer

Hook = tuple[int, Callable[[int, dict], None]]  # (every N steps, fn(step, logs))


def fit(
    trainer: PairTrainer,
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
        print(messages.text("training.resuming", step=int(step),
                            path=config.display_path(restored)), flush=True)
    else:
        print(messages.text("training.starting", path=config.display_path(checkpoint_dir)),
              flush=True)
    writer = tf.summary.create_file_writer(str(logdir)) if logdir else None
    history: dict[str, list] = {"step": []}
    start = int(step)
    if start >= total_steps:
        print(messages.text("training.nothing_to_do", start=start, total=total_steps), flush=True)
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
    print(messages.text("training.finished", step=current,
                        path=config.display_path(manager.latest_checkpoint)), flush=True)
    return history
