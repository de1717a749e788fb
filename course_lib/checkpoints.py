"""Resuming training safely: the checks `training.fit` makes before its first step.

A resumed run must never lose more than it has to, and must never train for an hour before
finding out it cannot save. So, before the first step:

1. **The folder is writable** (`ensure_writable`): a real file is created and removed there,
   and read-only permission bits are honoured even for root (who could write anyway), so a
   folder marked read-only is refused at once instead of at the first save, possibly thousands
   of steps later.
2. **The folder belongs to this model** (`claim_folder`): `course_lib-run.json` records which
   model a checkpoint folder was made by; `train gan` pointed at a cgan folder is refused with
   both names. Folders from before that file existed are recognised by the restore failing
   on mismatched variables, and refused the same way.
3. **The newest intact checkpoint is used** (`restore_newest_intact`): candidates are every
   `ckpt-N` named in the `checkpoint` state file or present as `ckpt-N.index`, newest first.
   Each one is read in full through `tf.train.load_checkpoint` before anything is restored:
   TensorFlow's bundle reader checks every tensor's crc32c, so a bit flip, a truncated data
   file, a deleted index or a state file naming a step that is gone are all caught, reported
   by name, and the next older checkpoint is tried. The state file is then rewritten to name
   the checkpoint actually used, so `tf.train.CheckpointManager` continues from it.
"""

from __future__ import annotations

import json
import os
import re
import stat
import uuid
import warnings
from pathlib import Path

import tensorflow as tf

from course_lib import messages

RUN_FILE = "course_lib-run.json"  # {"model": NAME}: which model this checkpoint folder is for
_CKPT = re.compile(r"^ckpt-(\d+)$")


class CheckpointError(Exception):
    """A checkpoint folder cannot be used: not writable, another model's, or no intact
    checkpoint to resume although some exist."""


class CheckpointWarning(UserWarning):
    """A checkpoint was skipped (corrupt or missing) and an older one used instead."""


def ensure_writable(folder: str | os.PathLike) -> Path:
    """Create `folder` if needed and prove a file can be written there; returns it.

    Raises CheckpointError naming the folder when it (or the nearest existing parent) is
    read-only, by permission bits or by the file system.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CheckpointError(f"checkpoint folder {folder} cannot be created ({err.strerror}); "
                              "choose another with --checkpoint-dir") from None
    # Root passes os.access checks on a chmod-555 folder, but a folder marked read-only is a
    # statement that nothing should be written there: honour the bits.
    if not folder.stat().st_mode & stat.S_IWUSR or not os.access(folder, os.W_OK):
        raise CheckpointError(f"checkpoint folder {folder} is read-only; nothing was trained. "
                              "Make it writable or choose another with --checkpoint-dir")
    probe = folder / f".write-test-{uuid.uuid4().hex[:8]}"
    try:
        probe.write_bytes(b"ok")
    except OSError as err:  # e.g. a read-only mount, a full disk
        raise CheckpointError(f"checkpoint folder {folder} is not writable ({err.strerror}); "
                              "nothing was trained. Choose another with --checkpoint-dir") \
            from None
    finally:
        probe.unlink(missing_ok=True)
    return folder


def claim_folder(folder: str | os.PathLike, model: str) -> None:
    """Record that `folder` holds `model`'s checkpoints, or refuse if it holds another's."""
    path = Path(folder) / RUN_FILE
    if path.is_file():
        try:
            owner = json.loads(path.read_text()).get("model")
        except (OSError, ValueError, AttributeError):
            owner = None
        if owner and owner != model:
            raise CheckpointError(
                f"checkpoint folder {folder} holds a {owner} run, not {model}: `train {model}` "
                f"cannot resume it. Use `train {owner}` to resume that run, or give {model} "
                "its own --checkpoint-dir")
        if owner == model:
            return
    path.write_text(json.dumps({"model": model}) + "\n")


def _read_state(folder: Path):
    """The parsed `checkpoint` state file, or None when it is absent or damaged (the
    `ckpt-N.index` files are still there to use)."""
    try:
        return tf.train.get_checkpoint_state(str(folder))
    except Exception:  # parse errors, undecodable bytes: TF raises several kinds
        return None


def _step(prefix: str) -> int:
    match = _CKPT.match(Path(prefix).name)
    return int(match.group(1)) if match else -1


def candidates(folder: str | os.PathLike) -> list[str]:
    """Checkpoint prefixes in `folder`, newest step first: those the `checkpoint` state file
    names (even if their files are gone: that is worth reporting) and every `ckpt-N.index`."""
    folder = Path(folder)
    found = {str(folder / p.name[: -len(".index")]) for p in folder.glob("ckpt-*.index")}
    state = _read_state(folder)
    if state is not None:
        for path in list(state.all_model_checkpoint_paths) + [state.model_checkpoint_path]:
            if path:
                found.add(str(folder / Path(path).name))
    return sorted((p for p in found if _step(p) >= 0), key=_step, reverse=True)


def intact_problem(prefix: str) -> str | None:
    """Why checkpoint `prefix` cannot be restored (missing or corrupt files), or None.

    Reads every tensor: the bundle reader checks each one's crc32c and length.
    """
    if not Path(prefix + ".index").is_file():
        return "its .index file is missing"
    try:
        reader = tf.train.load_checkpoint(prefix)
        for key in reader.get_variable_to_dtype_map():
            reader.get_tensor(key)
    except (tf.errors.OpError, IndexError, ValueError, OSError) as err:
        return f"unreadable ({type(err).__name__}: {str(err).splitlines()[0][:200]})"
    return None


def restore_newest_intact(checkpoint: tf.train.Checkpoint, folder: str | os.PathLike,
                          model: str | None = None) -> str | None:
    """Restore the newest intact checkpoint of `folder` into `checkpoint`; return its prefix
    (None when the folder holds no checkpoint: a new run).

    Every skipped checkpoint is reported by name (a CheckpointWarning, printed). Raises
    CheckpointError when checkpoints exist but none is intact, or when the variables do not
    match (another model's checkpoint; `model` names the one being trained).
    """
    folder = Path(folder)
    skipped: list[str] = []
    for prefix in candidates(folder):
        problem = intact_problem(prefix)
        if problem:
            skipped.append(prefix)
            message = (f"checkpoint {prefix} is {problem}" if problem.startswith("unreadable")
                       else f"checkpoint {prefix}: {problem}")
            warnings.warn(f"{message}; trying the previous one", CheckpointWarning,
                          stacklevel=2)
            continue
        try:
            checkpoint.restore(prefix).assert_existing_objects_matched()
        except (ValueError, AssertionError) as err:
            this = f"{model}'s" if model else "this model's"
            raise CheckpointError(
                f"{prefix} does not hold {this} variables: the folder {folder} holds "
                f"checkpoints of another model ({str(err).splitlines()[0][:200]}). Give "
                f"{model or 'this run'} its own --checkpoint-dir") from None
        state = _read_state(folder)
        if skipped or state is None or Path(state.model_checkpoint_path).name != \
                Path(prefix).name:
            # Make the state file name what was used, so CheckpointManager continues from it
            # and does not keep pointing at (and rotating around) the broken ones.
            keep = [p for p in candidates(folder)
                    if p not in skipped and _step(p) <= _step(prefix)]
            tf.compat.v1.train.update_checkpoint_state(
                str(folder), prefix, all_model_checkpoint_paths=sorted(keep, key=_step))
            if skipped:
                print(messages.text("checkpoints.using_newest", prefix=prefix,
                                    skipped=", ".join(Path(p).name for p in skipped)),
                      flush=True)
            else:
                print(messages.text("checkpoints.rewrote_state", folder=folder,
                                    name=Path(prefix).name), flush=True)
        return prefix
    if skipped:
        raise CheckpointError(f"no intact checkpoint in {folder}: "
                              f"{', '.join(Path(p).name for p in skipped)} are all damaged or "
                              "missing. Move them away to start a new run")
    return None
