"""The one place where the course decides *how big* things are.

`COURSE_FAST=1` switches every notebook and command to "CPU/CI fast mode": a few steps on small
subsets, so the whole course executes in minutes on two CPU cores. Unset (the default, and what
Colab learners get) means the lesson's real numbers: 50 DCGAN epochs, 40 000 Pix2Pix steps, ...

Everything that depends on the mode asks `pick(full=..., fast=...)`, so a reader can see both
settings side by side where they are used.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TypeVar

from course_lib import messages

T = TypeVar("T")


def is_fast() -> bool:
    """True when `COURSE_FAST` is set to a true-ish value ("1", "true", "yes")."""
    return os.environ.get("COURSE_FAST", "").strip().lower() in {"1", "true", "yes", "on"}


def pick(full: T, fast: T) -> T:
    """Return `fast` in fast mode and `full` otherwise."""
    return fast if is_fast() else full


def mode_name() -> str:
    """The mode in a few words, in the learner's language (`course_lib.messages`)."""
    return messages.text("config.mode_fast" if is_fast() else "config.mode_full")


def data_dir() -> Path:
    """Root of the offline dataset copies.

    `COURSE_DATA_DIR` when set (CI points it at `../shared/data`); otherwise a per-user cache,
    `~/.cache/course_lib/data`, where downloads are extracted and verified.
    """
    env = os.environ.get("COURSE_DATA_DIR")
    if env:
        return Path(env).expanduser().resolve()
    return Path.home() / ".cache" / "course_lib" / "data"


def course_folder(start: Path | None = None) -> Path:
    """The course checkout around `start` (default: the current folder): the nearest folder at
    or above it that holds `weights/manifest.json` (where the notebooks run, from notebooks/ or
    notebooks/ko/); else `start` itself (e.g. /content on Colab). Found from where the learner
    works, never from where the library is installed, so a pip-installed course_lib behaves
    the same."""
    here = Path(start if start is not None else Path.cwd()).resolve()
    return next((folder for folder in (here, *here.parents)
                 if (folder / "weights" / "manifest.json").is_file()), here)


def weights_dir() -> Path:
    """Where pretrained weights and their manifest live: `COURSE_WEIGHTS_DIR` when set, else
    the course's own folder (`found_weights_dir`)."""
    env = os.environ.get("COURSE_WEIGHTS_DIR")
    return Path(env).expanduser().resolve() if env else found_weights_dir()


def found_weights_dir(start: Path | None = None) -> Path:
    """The course's own weights folder, found without any setting: the nearest
    `weights/manifest.json` in `start` (default: the current folder) or one of its parents
    (a checkout, whether the notebooks run from notebooks/ or notebooks/ko/), else the
    download cache (`weights_cache_dir`)."""
    weights = course_folder(start) / "weights"
    return weights if (weights / "manifest.json").is_file() else weights_cache_dir()


def weights_cache_dir() -> Path:
    """~/.cache/course_lib/weights: where downloaded weight files are kept."""
    return Path.home() / ".cache" / "course_lib" / "weights"


DRIVE_MOUNT = Path("/content/drive")  # where a Colab notebook mounts Google Drive
DRIVE_RUNS = Path("MyDrive") / "gan-to-pix2pix"  # the course's run folders, inside Drive


def on_colab() -> bool:
    """True inside a Google Colab runtime (its `google.colab` module is loaded)."""
    return "google.colab" in sys.modules


def run_folder(lesson: str, local_root: Path, use_drive: bool = False,
               drive_mount: Path = DRIVE_MOUNT) -> Path:
    """The full-mode checkpoint folder of a lesson; prints one line saying where and why.

    `use_drive` on Colab: `drive_mount/MyDrive/gan-to-pix2pix/<lesson>`, which survives a
    disconnect (the notebook mounts Drive first: `drive.mount("/content/drive")`; an unmounted
    Drive raises RuntimeError rather than silently writing to the runtime's own disk).
    Otherwise `local_root/<lesson>`; outside Colab `use_drive` changes nothing and says so.
    The folder is created.
    """
    if use_drive and on_colab():
        drive = drive_mount / "MyDrive"
        if not drive.is_dir():
            raise RuntimeError(f"Google Drive is not mounted at {drive_mount}: run "
                               f'drive.mount("{drive_mount}") first, or set USE_GOOGLE_DRIVE '
                               "= False.")
        folder = drive_mount / DRIVE_RUNS / lesson
        where = f"Google Drive ({(DRIVE_RUNS / lesson).as_posix()}): kept across disconnects"
    else:
        folder = Path(local_root) / lesson
        where = display_path(folder)
        if use_drive:
            where += " (USE_GOOGLE_DRIVE only applies on Colab; nothing changes here)"
        elif on_colab():
            where += (" (lost when the Colab runtime disconnects: set USE_GOOGLE_DRIVE = True "
                      "to keep checkpoints on Google Drive)")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"Run folder: {where}")
    return folder


def device_name() -> str:
    """'GPU (<name>)' when TensorFlow sees a GPU, else 'CPU'."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return f"GPU ({gpus[0].name})" if gpus else "CPU"


def display_path(path: Path) -> str:
    """`path` as a learner should read it in a notebook: relative to the course checkout or to
    the home folder (`~/...`), or `$COURSE_DATA_DIR` for the folder that variable names; never
    the executing machine's absolute layout (stored outputs travel to every reader)."""
    path = Path(path).expanduser().resolve()
    named = os.environ.get("COURSE_DATA_DIR")
    if named and Path(named).expanduser().resolve() == path:
        return "$COURSE_DATA_DIR"
    for base, prefix in ((course_folder(), ""), (Path.home(), "~/")):
        try:
            return prefix + path.relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return f".../{path.name}"


def describe() -> str:
    """One-paragraph report that every notebook prints in its setup cell (in its language)."""
    d = data_dir()
    missing = "" if d.exists() else messages.text("config.data_missing")
    return messages.text("config.describe", mode=mode_name(), device=device_name(),
                         data=display_path(d), missing=missing)


def import_tensorflow_quietly() -> None:
    """Import TensorFlow and look for a GPU with the process's stderr sent to /dev/null.

    TensorFlow's C++ start-up lines (oneDNN notes; "failed call to cuInit" where there is no
    GPU) are written before its log level applies and would clutter every notebook's stored
    outputs. Python errors are unaffected: they still raise here.
    """
    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        import tensorflow as tf

        tf.config.list_physical_devices("GPU")
    finally:
        os.dup2(saved, 2)
        os.close(null)
        os.close(saved)
