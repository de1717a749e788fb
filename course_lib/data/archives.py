"""Safe extraction of dataset archives (.tar(.gz|.bz2|.xz), .tgz, .zip).

Nothing unsafe is written: members are vetted before the first byte (paths that leave the
folder, links, special files), and a byte/file budget stops zip/tar bombs.
"""

from __future__ import annotations

import re
import stat
import tarfile
import zipfile
import zlib
from pathlib import Path
from typing import IO

from course_lib.data.errors import DataError
from course_lib.data.storage import PathLike, load_manifest


def _unsafe_name(name: str) -> str | None:
    """Why an archive member name could land outside the extraction folder, or None if safe."""
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        return "absolute path"
    if ".." in norm.split("/"):
        return "'..' in path"
    if "\x00" in norm:
        return "NUL byte in name"
    return None


# Caps on what an import may write, so a zip/tar bomb (a few MB that expand to GBs) is refused
# after at most the cap, not after filling the disk. Per dataset from its manifest: an archive
# may hold the dataset up to CAP_FACTOR times over (e.g. the Kaggle Pokemon zip ships PNG and
# JPEG copies) plus a little slack for READMEs; datasets with no manifest use FALLBACK_CAP.
CAP_FACTOR = 3
CAP_SLACK_BYTES = 64 << 20
CAP_SLACK_FILES = 200
FALLBACK_CAP = (1 << 30, 20_000)  # (bytes, files): 1 GiB, e.g. sketch2pokemon (~100 MB known)


def extraction_cap(name: str) -> tuple[int, int]:
    """(max bytes, max files) that importing dataset `name` may extract."""
    manifest = load_manifest(name)
    if not manifest:
        return FALLBACK_CAP
    total = sum(int(e["bytes"]) for e in manifest.values())
    return (CAP_FACTOR * total + CAP_SLACK_BYTES, CAP_FACTOR * len(manifest) + CAP_SLACK_FILES)


class _Budget:
    """Counts what extraction has written and refuses to go past the cap (checked per block
    written, so the cap holds even when an archive lies about its members' sizes)."""

    def __init__(self, archive: Path, max_bytes: int | None, max_files: int | None):
        self.archive, self.max_bytes, self.max_files = archive, max_bytes, max_files
        self.bytes = self.files = 0

    def _refuse(self, what: str) -> DataError:
        limits = ((self.max_bytes, "bytes"), (self.max_files, "files"))
        caps = " and ".join(f"{cap:,} {unit}" for cap, unit in limits if cap is not None)
        return DataError(f"{self.archive}: refused: {what} (a cap of {caps} for this dataset, "
                         "from its manifest); nothing was installed")

    def declare(self, total_bytes: int, n_files: int) -> None:
        """Refuse at once when the archive's own listing already exceeds the cap."""
        if self.max_files is not None and n_files > self.max_files:
            raise self._refuse(f"it holds {n_files:,} files")
        if self.max_bytes is not None and total_bytes > self.max_bytes:
            raise self._refuse(f"it would extract to {total_bytes:,} bytes")

    def copy(self, src: IO[bytes], out: IO[bytes]) -> None:
        self.files += 1
        if self.max_files is not None and self.files > self.max_files:
            raise self._refuse(f"more than {self.max_files:,} files")
        while block := src.read(1 << 20):
            self.bytes += len(block)
            if self.max_bytes is not None and self.bytes > self.max_bytes:
                raise self._refuse(f"more than {self.max_bytes:,} bytes extracted")
            out.write(block)


def safe_extract(archive: PathLike, dest: PathLike, max_bytes: int | None = None,
                 max_files: int | None = None) -> None:
    """Extract a .tar(.gz|.bz2|.xz)/.tgz/.zip archive into `dest`, refusing anything unsafe.

    Every member is checked before a single byte is written, and the archive is refused as a
    whole (DataError naming each bad member) if any member has an absolute path or a path that
    leaves `dest`, is a symbolic or hard link, or is a device, FIFO or other special file (for
    tar, through Python's 'data' filter where the interpreter has it, see
    `_tar_member_problem`). Only regular files and folders
    are then written, always below `dest`. `max_bytes` / `max_files` cap the extracted total,
    checked against the archive's listing first and then while writing (DataError; the caller
    removes `dest`).
    """
    archive, dest = Path(archive), Path(dest)
    if not archive.is_file():
        raise DataError(f"{archive}: no such archive file")
    budget = _Budget(archive, max_bytes, max_files)
    try:
        _extract_members(archive, dest, budget)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error, OSError) as exc:
        raise DataError(f"{archive}: damaged archive or extraction failed ({exc})") from exc


def _inside(dest: Path, name: str, archive: Path) -> Path:
    """Where member `name` goes; a last guard (names were already vetted) that it stays in dest."""
    root = dest.resolve()
    target = (root / name.replace("\\", "/")).resolve()
    if target != root and root not in target.parents:
        raise DataError(f"{archive.name}: refused member '{name}': path leaves the target")
    return target


def _tar_member_problem(member: tarfile.TarInfo, dest: Path) -> str | None:
    """Why tar `member` must not be extracted into `dest`, or None.

    Links of any kind are refused outright (a dataset is regular files and folders; Python's
    filter would let links that stay inside `dest` through), and so is a leading `/` (the
    filter would strip it and extract the member elsewhere than it says). The rest, paths that
    leave `dest` and device/FIFO files, is Python's tar 'data' filter (PEP 706: 3.12, and the
    3.10.12+/3.11.4+ backports); on interpreters without it, the same checks by hand.
    """
    if member.issym():
        return "symbolic link"
    if member.islnk():
        return "hard link"
    if member.name.startswith(("/", "\\")):
        return "absolute path"
    data_filter = getattr(tarfile, "data_filter", None)
    if data_filter is None:
        return _unsafe_name(member.name) or (
            None if member.isfile() or member.isdir() else "device or special file")
    try:
        data_filter(member, str(dest))
    except tarfile.FilterError as exc:
        return str(exc)
    return None


def _extract_members(archive: Path, dest: Path, budget: _Budget) -> None:
    """safe_extract's body: vet every member first, then write regular files and folders."""
    if zipfile.is_zipfile(archive):
        _extract_zip(archive, dest, budget)
    else:
        _extract_tar(archive, dest, budget)


def _extract_zip(archive: Path, dest: Path, budget: _Budget) -> None:
    refused: list[str] = []
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
        for info in infos:
            kind = (info.external_attr >> 16) & 0o170000  # Unix file type, when recorded
            why = _unsafe_name(info.filename) or (
                "symbolic link" if kind == stat.S_IFLNK else
                "special file" if kind not in (0, stat.S_IFREG, stat.S_IFDIR) else None)
            if why:
                refused.append(f"{archive.name}: refused member '{info.filename}': {why}")
        if refused:
            raise DataError(f"{archive}: unsafe archive, nothing was extracted:", refused)
        files = [i for i in infos if not i.is_dir()]
        budget.declare(sum(i.file_size for i in files), len(files))
        for info in infos:
            target = _inside(dest, info.filename, archive)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                budget.copy(src, out)


def _extract_tar(archive: Path, dest: Path, budget: _Budget) -> None:
    refused: list[str] = []
    with tarfile.open(archive, "r:*") as tar:
        members = tar.getmembers()
        for m in members:
            why = _tar_member_problem(m, dest)
            if why:
                refused.append(f"{archive.name}: refused member '{m.name}': {why}")
        if refused:
            raise DataError(f"{archive}: unsafe archive, nothing was extracted:", refused)
        files = [m for m in members if m.isfile()]
        budget.declare(sum(m.size for m in files), len(files))
        for m in members:
            target = _inside(dest, m.name, archive)
            if m.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            src = tar.extractfile(m)
            if src is None:  # cannot happen after the vetting above; never write a non-file
                raise DataError(f"{archive.name}: refused member '{m.name}': not a regular file")
            with src, open(target, "wb") as out:
                budget.copy(src, out)
