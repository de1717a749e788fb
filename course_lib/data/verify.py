"""Checking dataset folders file by file: sha256 and size from the manifests, image format and
size, split counts, and the per-dataset content checks. Problems name the file, what was
expected and what was found.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from course_lib.data.errors import DataError
from course_lib.data.sketch_check import check_sketch_pairs
from course_lib.data.storage import (
    DATASETS,
    MNIST_FILES,
    DatasetSpec,
    PathLike,
    load_manifest,
    natural_key,
    os_reason,
    sha256_file,
)

_VERIFIED: set[tuple] = set()


def _short(digest: str) -> str:
    return digest[:12] + "…"


def _list_images(folder: Path, extensions: tuple[str, ...]) -> list[Path]:
    files = [p for p in folder.iterdir()
             if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in extensions]
    return sorted(files, key=natural_key)


def _expected_format(path: Path) -> str:
    return "PNG" if path.suffix.lower() == ".png" else "JPEG"


def check_image(label: str, path: Path, size: tuple[int, int], full_decode: bool) -> list[str]:
    """Problems with one image file: format (from its extension), size, and decodability.

    `full_decode` decodes every pixel (catches truncation); otherwise only the header is read,
    which is enough when the sha256 already proved the bytes genuine.
    """
    from PIL import Image

    want = _expected_format(path)
    try:
        with Image.open(path) as im:
            found_format, found_size = im.format, im.size
            if full_decode:
                im.load()
    except Exception as exc:  # PIL raises OSError, SyntaxError, ValueError... for bad files
        return [f"{label}: truncated or undecodable {want} ({exc})"]
    problems = []
    if found_format != want:
        problems.append(f"{label}: expected a {want} file, found {found_format}")
    if found_size != size:
        problems.append(f"{label}: expected {size[0]}x{size[1]}, found "
                        f"{found_size[0]}x{found_size[1]}")
    return problems


def _check_file(label: str, path: Path, spec: DatasetSpec, entry: dict | None) -> list[str]:
    """sha256 + size against the manifest entry when there is one, then the image checks."""
    problems = []
    trusted = False
    if entry is not None:
        try:
            size = path.stat().st_size
            digest = sha256_file(path)
        except OSError as exc:  # unreadable file: a problem line naming it, not a traceback
            return [f"{label}: cannot read {path} ({os_reason(exc)})"]
        if size == entry["bytes"] and digest == entry["sha256"]:
            trusted = True
        else:
            problems.append(f"{label}: sha256 expected {_short(entry['sha256'])}, found "
                            f"{_short(digest)} ({size:,} bytes, expected {entry['bytes']:,})")
    return problems + check_image(label, path, spec.image_size, full_decode=not trusted)


def _signature(folder: Path) -> tuple:
    """Cheap fingerprint of a folder's files, so a verified folder is not hashed again unless a
    file changed (size or modification time)."""
    return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns)
                        for e in os.scandir(folder) if e.is_file()))


def verify_split(name: str, root: PathLike, split: str,
                 exact_counts: bool = True) -> tuple[list[Path], list[str]]:
    """Check one split folder of an image dataset.

    Args:
        name: dataset name (a key of `DATASETS`).
        root: the dataset folder, e.g. `.../data/facades`.
        split: split folder name ("" for a flat dataset such as pokemon_art).
        exact_counts: require the spec's file count and every manifest-listed file (off for the
            embedded sample, which holds a few files only).

    Returns:
        (image files sorted by number, problems) where each problem names a file or folder.
    """
    spec = DATASETS[name]
    root = Path(root)
    folder = root / split if split else root
    where = f"{name}/{split}" if split else name
    if not folder.is_dir():
        counts = spec.splits.get(split, ())
        want = f" (expected {' or '.join(map(str, counts))} files)" if counts else ""
        return [], [f"{where}: split folder missing{want}; looked for {folder}"]
    try:
        files = _list_images(folder, spec.extensions)
    except OSError as exc:  # e.g. a folder without read permission: name it, no traceback
        return [], [f"{where}: cannot list folder {folder} ({os_reason(exc)})"]
    problems: list[str] = []
    allowed = spec.splits.get(split, ())
    if exact_counts and allowed and len(files) not in allowed:
        problems.append(f"{where}: expected {' or '.join(map(str, allowed))} files, "
                        f"found {len(files)}")
    elif not files:
        problems.append(f"{where}: no {'/'.join(spec.extensions)} files in {folder}")
    manifest = load_manifest(name)
    prefix = f"{split}/" if split else ""
    if exact_counts:
        present = {prefix + f.name for f in files}
        for rel in manifest:
            if rel.startswith(prefix) and "/" not in rel[len(prefix):] and rel not in present:
                problems.append(f"{name}/{rel}: missing (listed in the manifest)")
    for f in files:
        rel = prefix + f.name
        problems += _check_file(f"{name}/{rel}", f, spec, manifest.get(rel))
    return files, problems


def verified_files(name: str, root: Path, split: str, exact_counts: bool = True) -> list[str]:
    """verify_split, raising DataError on problems; remembered per folder fingerprint."""
    folder = root / split if split else root
    try:
        key = (name, str(folder.resolve()), exact_counts,
               _signature(folder) if folder.is_dir() else None)
    except OSError as exc:
        raise DataError(f"{name}/{split or '.'}: cannot read {folder} ({os_reason(exc)})") \
            from None
    if key in _VERIFIED:
        return [str(f) for f in _list_images(folder, DATASETS[name].extensions)]
    files, problems = verify_split(name, root, split, exact_counts)
    if problems:
        raise DataError(f"{name}/{split or '.'} in {root} failed verification:", problems)
    _VERIFIED.add(key)
    return [str(f) for f in files]


def _idx_header(path: Path) -> tuple[int, ...]:
    """Dimensions from an IDX .gz header (reads only the first bytes)."""
    with gzip.open(path, "rb") as f:
        head = f.read(4)
        ndim = head[3]
        dims = f.read(4 * ndim)
    return tuple(int.from_bytes(dims[4 * i:4 * i + 4], "big") for i in range(ndim))


def _check_mnist(root: Path) -> tuple[str, list[str]]:
    manifest = load_manifest("mnist")
    problems = []
    for fname, entry in manifest.items():
        path = root / fname
        if not path.is_file():
            problems.append(f"mnist/{fname}: missing")
            continue
        try:
            size, digest = path.stat().st_size, sha256_file(path)
        except OSError as exc:
            problems.append(f"mnist/{fname}: cannot read {path} ({os_reason(exc)})")
            continue
        if size != entry["bytes"] or digest != entry["sha256"]:
            problems.append(f"mnist/{fname}: sha256 expected {_short(entry['sha256'])}, found "
                            f"{_short(digest)} ({size:,} bytes, expected {entry['bytes']:,})")
    if problems:
        return "", problems
    counts = {split: _idx_header(root / files[0])[0] for split, files in MNIST_FILES.items()}
    return f"train {counts['train']}, test {counts['test']} digits (4 files, sha256 OK)", []



# Extra checks that the files hold the named dataset, beyond sizes and formats.
CONTENT_CHECKS = {"sketch2pokemon": check_sketch_pairs}


def verify_dataset(name: str, root: PathLike, exact_counts: bool = True) -> tuple[str, list[str]]:
    """Check every split of a dataset folder. Returns (one-line summary, problems)."""
    root = Path(root)
    if not os.access(root, os.R_OK | os.X_OK):
        return "", [f"{name}: cannot read folder {root} (permission denied)"]
    if name == "mnist":
        return _check_mnist(root)
    spec = DATASETS[name]
    counts, problems = [], []
    all_files: list[Path] = []
    for split in spec.splits:
        files, split_problems = verify_split(name, root, split, exact_counts)
        counts.append(f"{split} {len(files)}" if split else f"{len(files)} files")
        problems += split_problems
        all_files += files
    if name in CONTENT_CHECKS and all_files and not problems:
        problems += CONTENT_CHECKS[name](all_files)
    manifest = load_manifest(name)
    how = "sha256 + size checked" if manifest else "no known hashes: every image decoded"
    return f"{', '.join(counts)} ({how})", problems


def verified_mnist_dir(root: Path) -> Path:
    key = ("mnist", str(root.resolve()), True, _signature(root))
    if key not in _VERIFIED:
        _, problems = _check_mnist(root)
        if problems:
            raise DataError(f"mnist in {root} failed verification:", problems)
        _VERIFIED.add(key)
    return root
