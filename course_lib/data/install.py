"""Installing a dataset: extract into a staging folder next to the target, verify, then move
into place, so nothing is ever half-installed; and cleaning up after killed imports.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import tempfile
import time
import uuid
from pathlib import Path

from course_lib.data.archives import extraction_cap, safe_extract
from course_lib.data.errors import DataError
from course_lib.data.storage import (
    DATASETS,
    IMPORTABLE,
    MNIST_FILES,
    PathLike,
    is_writable,
    load_manifest,
    notice,
)
from course_lib.data.verify import verify_dataset


def _looks_like(name: str, folder: Path) -> bool:
    """Whether `folder` is the top of dataset `name` (used to find it inside an archive)."""
    if name == "mnist":
        return all((folder / f).is_file() for pair in MNIST_FILES.values() for f in pair)
    spec = DATASETS[name]
    if "" in spec.splits:  # flat folder: recognise it by a file the manifest knows
        return any((folder / rel).is_file() for rel in list(load_manifest(name))[:50])
    return all((folder / split).is_dir() for split in spec.splits)


def _locate(name: str, top: Path, max_depth: int = 4) -> Path | None:
    """Shallowest folder under `top` that looks like dataset `name` (breadth first)."""
    level = [top]
    for _ in range(max_depth + 1):
        nxt = []
        for folder in level:
            if _looks_like(name, folder):
                return folder
            nxt += sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())
        level = nxt
    return None


def _install_staged(name: str, staging: Path, parent: Path, origin: str) -> Path:
    """Find dataset `name` in `staging`, verify it, and move it to `parent/name`.

    An existing `parent/name` is swapped out only after the new copy verified.
    """
    found = _locate(name, staging)
    if found is None:
        raise DataError(f"{origin}: no {DATASETS[name].layout} found inside")
    summary, problems = verify_dataset(name, found)
    if problems:
        raise DataError(f"{origin}: {name} failed verification, nothing was installed:",
                        problems)
    final = parent / name
    if final.exists():
        old = parent / f".{name}.old-{uuid.uuid4().hex[:8]}"
        final.rename(old)
        found.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        found.rename(final)
    notice(f"installed {name} into {final}: {summary}")
    return final


STAGING_MARKER = ".course_lib-import.json"  # who is using a staging folder: {"pid", "host"}


def _new_staging(name: str, data_dir: Path) -> Path:
    """A hidden staging folder in `data_dir` (same file system, so the final move is a rename),
    marked with this process's id so that a later run can tell a killed import's leftovers from
    an import still running."""
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.import-", dir=data_dir))
    (staging / STAGING_MARKER).write_text(json.dumps({"pid": os.getpid(),
                                                      "host": socket.gethostname()}))
    return staging


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


def clean_stale_staging(data_dir: PathLike, remove: bool = True) -> list[str]:
    """Find what killed imports left in `data_dir` and remove it (or just report it).

    Staging folders `.NAME.import-*` whose process is gone are removed (a SIGKILL skips every
    `finally`). A `.NAME.old-*` folder is the previous copy of a dataset saved aside while a
    new one was swapped in: it is put back if the swap never finished (no `NAME/`), else
    removed. Staging folders without a marker (made before markers existed) count as stale
    once a minute old. Returns one message per folder found; markers naming another host are
    reported, never removed (that host may still be importing).
    """
    data_dir = Path(data_dir)
    try:
        leftovers = sorted(p for p in data_dir.glob(".*.*-*")
                           if p.is_dir() and re.match(r"^\.[\w.-]+\.(import|old)-\w+$", p.name))
    except OSError:
        return []
    notes = []
    for folder in leftovers:
        name, kind = re.match(r"^\.([\w.-]+)\.(import|old)-", folder.name).groups()
        if kind == "old":
            final = data_dir / name
            if not final.exists() and remove:
                folder.rename(final)
                notes.append(f"restored {final} from {folder.name}, left by an import that "
                             "was killed while swapping datasets")
                continue
            action = "removed" if remove else "found"
        else:
            try:
                marker = json.loads((folder / STAGING_MARKER).read_text())
            except (OSError, ValueError):
                marker = None
            if marker is None:
                if time.time() - folder.stat().st_mtime < 60:
                    continue  # another import may have just created it
            elif marker.get("host") != socket.gethostname():
                notes.append(f"{folder}: staging folder of an import on host "
                             f"{marker.get('host')} (pid {marker.get('pid')}); not touched")
                continue
            elif _pid_alive(int(marker.get("pid", -1))):
                continue  # an import running right now
            action = "removed" if remove else "found"
        size = _folder_bytes(folder)
        if remove:
            shutil.rmtree(folder, ignore_errors=True)
            if folder.exists():
                action = "could not remove"
        notes.append(f"{action} {folder} ({size / 1e6:,.1f} MB), left by an import of {name} "
                     "that was killed")
    return notes


def _report_stale(data_dir: Path) -> None:
    if is_writable(data_dir):
        for message in clean_stale_staging(data_dir):
            notice(message)


def install_archive(name: str, archive: PathLike, data_dir: PathLike) -> Path:
    """Install dataset `name` from a local archive into `data_dir/name`; returns that folder.

    The archive is extracted (safely, see `safe_extract`, within `extraction_cap(name)`) into a
    hidden staging folder inside `data_dir`, the dataset folder is located in it (e.g.
    `facades/` inside facades.tar.gz), verified file by file and checked to hold the named
    dataset (e.g. sketch2pokemon must be sketch|colour pairs), and only then renamed into
    place. On any failure, Ctrl-C included, the staging folder is removed and `data_dir` is left
    as it was; what a killed import left behind is cleaned up by the next import
    (`clean_stale_staging`).
    """
    if name not in IMPORTABLE:
        raise DataError(f"unknown dataset {name!r}; choose one of {', '.join(IMPORTABLE)}")
    data_dir = Path(data_dir).expanduser()
    if not is_writable(data_dir):
        raise DataError(f"{data_dir} is read-only; choose another folder with --data-dir")
    data_dir.mkdir(parents=True, exist_ok=True)
    _report_stale(data_dir)
    staging = _new_staging(name, data_dir)
    try:
        safe_extract(archive, staging, *extraction_cap(name))
        return _install_staged(name, staging, data_dir, origin=str(archive))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def install_tree(name: str, source: Path, data_dir: Path) -> Path:
    """Like install_archive, for an already-extracted folder (e.g. a kagglehub download)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    _report_stale(data_dir)
    staging = _new_staging(name, data_dir)
    try:
        shutil.copytree(source, staging / "src", symlinks=False)
        return _install_staged(name, staging, data_dir, origin=str(source))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
