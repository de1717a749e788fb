"""Datasets for the course: finding, downloading, verifying and feeding them to TensorFlow.

What lives here, top to bottom:

1. **Where data is.** Every dataset is a folder under a data root: `$COURSE_DATA_DIR` (see
   `course_lib.config.data_dir`) or the per-user cache `~/.cache/course_lib/data`, where downloads
   land when the data root is read-only. Layout (the one of the offline mirror):
   `mnist/*.gz`, `facades/{train,val,test}/N.jpg`, `cityscapes/{train,val}/N.jpg`,
   `sketch2pokemon/{train,test}/*.jpg`, `pokemon_art/*.png`.
2. **Verification.** `course_lib/manifests/<dataset>.json` holds the sha256 and size of every
   known file, so a copy is checked file by file whatever archive it came from. Files with no
   known hash are fully decoded instead. Every image's format and size are checked too. Problems
   raise `DataError`, naming the file and what was expected vs found.
3. **Installing.** `install_archive` (used by downloads and by `python -m course_lib data import`)
   extracts through one safe extractor into a staging folder next to the target and moves the
   dataset into place only after it verified, so nothing is ever half-installed.
4. **MNIST** (notebooks 01, 02): `load_mnist` has `tfds.load("mnist")` semantics. Offline, tfds
   itself builds its dataset from the verified local IDX files (its "manual_dir" mechanism), so
   the notebooks run the real tfds code path; a plain IDX reader is the fallback when tfds cannot
   be used, and `load_mnist_arrays` uses it directly (fast, for evaluation code). Preprocessing
   and the three batch pipelines (GAN, cGAN, DCGAN) follow the lessons' numbers.
5. **Pix2Pix** (notebooks 03, 05): `load`, `resize`, `random_crop`, `normalize`, `random_jitter`,
   `load_image_train`, `load_image_test`, `pix2pix_dataset`, plus `facades_files` and
   `cityscapes_files`.
6. **Sketch → Pokémon** (notebook 04): `pokemon_pairs_files` returns the real Sketch2Pokemon
   pairs when present (or fetchable with kagglehub); otherwise it builds clearly labelled
   DERIVED pairs from the Pokémon artwork with `make_sketch`. `pokemon_augment` and
   `pokemon_dataset` are the lesson's augmentation and pipeline.
7. **Command line:** `python -m course_lib data check|import` (`add_arguments`, `run`).

Every loader takes `sample=True` to use the tiny embedded sample in `course_lib/sample_data`
(a few files, for tests and first runs without data); MNIST also falls back to it, with a
printed notice, when there is neither local data nor network.

Image conventions: pair files are 512 wide x 256 high. For facades and cityscapes the LEFT half
is the real photo (the target) and the RIGHT half the label map (the input), so
`input_side="right"`; Sketch2Pokemon has the sketch (input) on the LEFT, `input_side="left"`.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import importlib
import importlib.util
import io
import json
import math
import os
import re
import shutil
import socket
import stat
import sys
import tarfile
import tempfile
import time
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from course_lib import config, messages


class _LazyModule:
    """A module imported on first attribute access.

    TensorFlow takes seconds to import; `python -m course_lib data check` needs none of it, so
    `tf` below is only imported when a function actually builds tensors.
    """

    def __init__(self, name: str):
        self._name = name
        self._module = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)


tf = _LazyModule("tensorflow")

PathLike = str | os.PathLike

# ---------------------------------------------------------------------------------------------
# 1. Errors, dataset descriptions, paths
# ---------------------------------------------------------------------------------------------


class DataError(Exception):
    """A dataset is missing, incomplete or corrupt, or an archive is unsafe.

    `problems` lists one line per bad file, e.g.
    `facades/train/12.jpg: sha256 expected 68800d4e0ee5…, found 1f3a9b1c2d7e…`.
    """

    def __init__(self, message: str, problems: Sequence[str] = ()):
        self.problems = list(problems)
        if self.problems:
            shown = self.problems[:20]
            more = len(self.problems) - len(shown)
            message += "\n  " + "\n  ".join(shown) + (f"\n  ... and {more} more" if more else "")
        super().__init__(message)


PIX2PIX_URL = "http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/{name}.tar.gz"
SKETCH2POKEMON_KAGGLE = "norod78/sketch2pokemon"
MNIST_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


@dataclass(frozen=True)
class DatasetSpec:
    """What a complete, healthy copy of one dataset looks like.

    splits: split folder -> allowed file counts (empty tuple: any non-zero count). The split ""
        means the images sit directly in the dataset folder.
    image_size: (width, height) in pixels of every image.
    """

    name: str
    splits: dict[str, tuple[int, ...]] = field(default_factory=dict)
    extensions: tuple[str, ...] = (".jpg",)
    image_size: tuple[int, int] = (512, 256)
    url: str | None = None
    archive_bytes: int | None = None
    layout: str = ""
    how_to_get: str = ""


DATASETS: dict[str, DatasetSpec] = {
    "mnist": DatasetSpec(
        "mnist",
        layout="mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz",
        how_to_get="online, tensorflow-datasets downloads it on first use; offline, copy the four "
                   "official IDX .gz files into DATA_DIR/mnist/.",
    ),
    "facades": DatasetSpec(
        "facades", splits={"train": (400,), "val": (100,), "test": (106,)},
        url=PIX2PIX_URL.format(name="facades"), archive_bytes=30_168_306,
        layout="facades/{train,val,test}/N.jpg (512x256 pairs)",
        how_to_get="online, it is downloaded on first use from "
                   f"{PIX2PIX_URL.format(name='facades')} (30 MB).",
    ),
    "cityscapes": DatasetSpec(
        # The offline mirror holds train 1..1000 of 2975; both are accepted.
        "cityscapes", splits={"train": (1000, 2975), "val": (500,)},
        url=PIX2PIX_URL.format(name="cityscapes"),
        layout="cityscapes/{train,val}/N.jpg (512x256 pairs)",
        how_to_get="online, it is downloaded on first use from "
                   f"{PIX2PIX_URL.format(name='cityscapes')} (about 100 MB).",
    ),
    "sketch2pokemon": DatasetSpec(
        "sketch2pokemon", splits={"train": (), "test": ()}, extensions=(".jpg", ".jpeg", ".png"),
        layout="sketch2pokemon/{train,test}/*.jpg (512x256, sketch on the left)",
        how_to_get=f"`pip install kagglehub`; it is then fetched from Kaggle "
                   f"({SKETCH2POKEMON_KAGGLE}) on first use, or download the zip from "
                   f"https://www.kaggle.com/datasets/{SKETCH2POKEMON_KAGGLE} and import it. "
                   "Without it, derived pairs are built from pokemon_art.",
    ),
    "pokemon_art": DatasetSpec(
        "pokemon_art", splits={"": (819,)}, extensions=(".png",), image_size=(256, 256),
        layout="pokemon_art/*.png (819 RGBA 256x256 artworks)",
        how_to_get="download the Kaggle 'Pokemon Images Dataset' (kvpratama/pokemon-images-"
                   "dataset) and import its zip; the PNG folder is found inside.",
    ),
    "sketch2pokemon_derived": DatasetSpec(
        "sketch2pokemon_derived", splits={"train": (), "test": ()}, extensions=(".png",),
        layout="sketch2pokemon_derived/{train,test}/NAME.png (made by course_lib)",
        how_to_get="built automatically from pokemon_art by pokemon_pairs_files().",
    ),
}
IMPORTABLE = ("mnist", "facades", "cityscapes", "sketch2pokemon", "pokemon_art")

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_data"
MANIFEST_DIR = Path(__file__).resolve().parent / "manifests"


def _notice(message: str) -> None:
    """Messages for the learner (fallbacks, derived data, downloads): plain stdout, visible in
    notebooks without looking like an error."""
    print(f"[course_lib.data] {message}", flush=True)


def _cache_root() -> Path:
    """Per-user cache for downloads and derived data (`COURSE_CACHE_DIR` overrides)."""
    env = os.environ.get("COURSE_CACHE_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "course_lib"


def _cache_data_root() -> Path:
    return _cache_root() / "data"


def _is_writable(path: Path) -> bool:
    """Whether we may write under `path` (or create it).

    The permission bits are respected even when running as root: a mirror marked read-only
    (like the course's shared offline copy) must never be written into, although root could.
    """
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    mode = probe.stat().st_mode
    return probe.is_dir() and os.access(probe, os.W_OK) and bool(mode & stat.S_IWUSR)


def _search_roots(data_dir: PathLike | None) -> list[Path]:
    """Data roots to look in, in order: the given/configured one, then the download cache."""
    first = Path(data_dir).expanduser() if data_dir is not None else config.data_dir()
    roots: list[Path] = []
    for root in (first, _cache_data_root()):
        if root.resolve() not in [r.resolve() for r in roots]:
            roots.append(root)
    return roots


def _find_local(name: str, data_dir: PathLike | None) -> Path | None:
    for root in _search_roots(data_dir):
        if (root / name).is_dir():
            return root / name
    return None


def search_roots(data_dir: PathLike | None = None) -> list[Path]:
    """The data roots searched for datasets, in order ($COURSE_DATA_DIR or `data_dir`, then the
    per-user download cache)."""
    return _search_roots(data_dir)


def find_local(name: str, data_dir: PathLike | None = None) -> Path | None:
    """The folder of dataset `name` if it is already on this machine (no download, no
    verification: a cheap presence test, e.g. to decide whether a test can run)."""
    return _find_local(name, data_dir)


def _install_parent(data_dir: PathLike | None) -> Path:
    """Where a download of a missing dataset goes: the data root if writable, else the cache."""
    first = _search_roots(data_dir)[0]
    return first if _is_writable(first) else _cache_data_root()


def _missing_message(spec: DatasetSpec, searched: Iterable[Path], reason: str = "") -> str:
    text = messages.text("data.missing", name=spec.name, searched=", ".join(map(str, searched)),
                         how_to_get=spec.how_to_get, layout=spec.layout)
    return text + (f"\n({reason})" if reason else "")


# ---------------------------------------------------------------------------------------------
# 2. Verification against the per-file manifests
# ---------------------------------------------------------------------------------------------

_MANIFESTS: dict[str, dict[str, dict]] = {}
_VERIFIED: set[tuple] = set()


def load_manifest(name: str) -> dict[str, dict]:
    """`{"train/1.jpg": {"bytes": int, "sha256": str}, ...}` for a dataset ({} when none ships)."""
    if name not in _MANIFESTS:
        path = MANIFEST_DIR / f"{name}.json"
        _MANIFESTS[name] = json.loads(path.read_text())["files"] if path.exists() else {}
    return _MANIFESTS[name]


def sha256_file(path: PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _os_reason(exc: OSError) -> str:
    """'Permission denied' etc.: the OS's words, without the path repeated."""
    return exc.strerror or type(exc).__name__


def _short(digest: str) -> str:
    return digest[:12] + "…"


def _natural_key(path: PathLike) -> list:
    """Sort 2.jpg before 10.jpg, so file lists follow the datasets' own numbering."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", os.path.basename(path))]


def _list_images(folder: Path, extensions: tuple[str, ...]) -> list[Path]:
    files = [p for p in folder.iterdir()
             if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in extensions]
    return sorted(files, key=_natural_key)


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
            return [f"{label}: cannot read {path} ({_os_reason(exc)})"]
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
        return [], [f"{where}: cannot list folder {folder} ({_os_reason(exc)})"]
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


def _verified_files(name: str, root: Path, split: str, exact_counts: bool = True) -> list[str]:
    """verify_split, raising DataError on problems; remembered per folder fingerprint."""
    folder = root / split if split else root
    try:
        key = (name, str(folder.resolve()), exact_counts,
               _signature(folder) if folder.is_dir() else None)
    except OSError as exc:
        raise DataError(f"{name}/{split or '.'}: cannot read {folder} ({_os_reason(exc)})") \
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
            problems.append(f"mnist/{fname}: cannot read {path} ({_os_reason(exc)})")
            continue
        if size != entry["bytes"] or digest != entry["sha256"]:
            problems.append(f"mnist/{fname}: sha256 expected {_short(entry['sha256'])}, found "
                            f"{_short(digest)} ({size:,} bytes, expected {entry['bytes']:,})")
    if problems:
        return "", problems
    counts = {split: _idx_header(root / files[0])[0] for split, files in MNIST_FILES.items()}
    return f"train {counts['train']}, test {counts['test']} digits (4 files, sha256 OK)", []


def _known_files() -> dict[str, str]:
    """sha256 -> 'dataset/relative path' over every shipped manifest (to name what an archive
    really holds when it is not what it claims to be)."""
    known = {}
    for path in sorted(MANIFEST_DIR.glob("*.json")):
        for rel, entry in load_manifest(path.stem).items():
            known[entry["sha256"]] = f"{path.stem}/{rel}"
    return known


# A sketch half must be mostly light background (pixels whose darkest channel is > 200) and
# nearly grey (mean max-min channel spread, in 0-255 levels). Measured: Sketch2Pokemon-style
# sketches (course_lib's derived ones) 0.85-0.94 light, spread 0; facades photos 0.01-0.09
# light, spread 13-53; cityscapes photos 0.00-0.03 light.
SKETCH_MIN_LIGHT = 0.5
SKETCH_MAX_SPREAD = 25.0
SKETCH_SAMPLE = 16  # pairs looked at (evenly spread over the dataset)


def _sketch_half_stats(path: Path, input_side: str = "left") -> tuple[float, float]:
    """(light fraction, mean channel spread) of the input half of a 512x256 pair file."""
    from PIL import Image

    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB"), dtype=np.int16)
    half = rgb[:, : rgb.shape[1] // 2] if input_side == "left" else rgb[:, rgb.shape[1] // 2:]
    light = float((half.min(axis=2) > 200).mean())
    spread = float((half.max(axis=2) - half.min(axis=2)).mean())
    return light, spread


def check_sketch_pairs(files: Sequence[Path]) -> list[str]:
    """Problems if `files` are not sketch|colour pairs (sketch on the LEFT), e.g. facades.

    Looks at up to SKETCH_SAMPLE pairs: files another dataset's manifest knows by sha256 are
    named as that dataset's; otherwise at least 3 in 4 must have a sketch-like left half.
    """
    files = list(files)
    picked = [files[i] for i in np.linspace(0, len(files) - 1,
                                            min(SKETCH_SAMPLE, len(files))).astype(int)]
    known = _known_files()
    foreign = [known[d] for d in map(sha256_file, picked) if d in known]
    if len(foreign) * 2 > len(picked):
        dataset = foreign[0].split("/")[0]
        return [f"sketch2pokemon: expected sketch|colour pairs, found the {dataset} dataset "
                f"({len(foreign)} of {len(picked)} sampled files are listed in its manifest, "
                f"e.g. {foreign[0]})"]
    bad = []
    for path in picked:
        light, spread = _sketch_half_stats(path)
        if light < SKETCH_MIN_LIGHT or spread > SKETCH_MAX_SPREAD:
            bad.append((path, light, spread))
    if len(bad) * 4 > len(picked):
        path, light, spread = bad[0]
        return [f"sketch2pokemon: expected sketch|colour pairs (left half a sketch: at least "
                f"{SKETCH_MIN_LIGHT:.0%} light background, colour spread at most "
                f"{SKETCH_MAX_SPREAD:g}), found {len(bad)} of {len(picked)} sampled pairs "
                f"without one, e.g. {path.parent.name}/{path.name}: {light:.0%} light, "
                f"spread {spread:.0f}"]
    return []


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


def _verified_mnist_dir(root: Path) -> Path:
    key = ("mnist", str(root.resolve()), True, _signature(root))
    if key not in _VERIFIED:
        _, problems = _check_mnist(root)
        if problems:
            raise DataError(f"mnist in {root} failed verification:", problems)
        _VERIFIED.add(key)
    return root


# ---------------------------------------------------------------------------------------------
# 3. Safe extraction and installation
# ---------------------------------------------------------------------------------------------


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
        return DataError(f"{self.archive}: refused: {what} (a cap of {self.max_bytes:,} bytes "
                         f"and {self.max_files:,} files for this dataset, from its manifest); "
                         "nothing was installed")

    def declare(self, total_bytes: int, n_files: int) -> None:
        """Refuse at once when the archive's own listing already exceeds the cap."""
        if self.max_files is not None and n_files > self.max_files:
            raise self._refuse(f"it holds {n_files:,} files")
        if self.max_bytes is not None and total_bytes > self.max_bytes:
            raise self._refuse(f"it would extract to {total_bytes:,} bytes")

    def copy(self, src, out) -> None:
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
    whole (DataError naming each bad member) if any member has an absolute path, a `..`
    component, is a symbolic or hard link, or is a device, FIFO or other special file (for tar,
    Python's own `tarfile.data_filter` vets each member too). Only regular files and folders
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


def _tar_filter_problem(member: tarfile.TarInfo, dest: Path) -> str | None:
    """What Python's tar 'data' filter (PEP 706) objects to in `member`, or None."""
    data_filter = getattr(tarfile, "data_filter", None)  # 3.12, and 3.8.17+/3.11.4+ backports
    if data_filter is None:
        return None
    try:
        data_filter(member, str(dest))
    except tarfile.FilterError as exc:
        return str(exc)
    return None


def _extract_members(archive: Path, dest: Path, budget: _Budget) -> None:
    """safe_extract's body: vet every member first, then write regular files and folders."""
    refused: list[str] = []
    if zipfile.is_zipfile(archive):
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
        return

    with tarfile.open(archive, "r:*") as tar:
        members = tar.getmembers()
        for m in members:
            why = _unsafe_name(m.name) or (
                "symbolic link" if m.issym() else
                "hard link" if m.islnk() else
                "device or special file" if not (m.isfile() or m.isdir()) else None
            ) or _tar_filter_problem(m, dest)
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
            assert src is not None  # regular file, checked above
            with src, open(target, "wb") as out:
                budget.copy(src, out)


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
    _notice(f"installed {name} into {final}: {summary}")
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
    if _is_writable(data_dir):
        for message in clean_stale_staging(data_dir):
            _notice(message)


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
    if not _is_writable(data_dir):
        raise DataError(f"{data_dir} is read-only; choose another folder with --data-dir")
    data_dir.mkdir(parents=True, exist_ok=True)
    _report_stale(data_dir)
    staging = _new_staging(name, data_dir)
    try:
        safe_extract(archive, staging, *extraction_cap(name))
        return _install_staged(name, staging, data_dir, origin=str(archive))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _install_tree(name: str, source: Path, data_dir: Path) -> Path:
    """Like install_archive, for an already-extracted folder (e.g. a kagglehub download)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    _report_stale(data_dir)
    staging = _new_staging(name, data_dir)
    try:
        shutil.copytree(source, staging / "src", symlinks=False)
        return _install_staged(name, staging, data_dir, origin=str(source))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# 4. Downloads (each a small function, so tests can simulate having no network)
# ---------------------------------------------------------------------------------------------


def _network_available(host: str, port: int = 443, timeout: float = 3.0) -> bool:
    """A quick TCP connect: without it, an offline machine can sit in download retries."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _fetch_url(url: str, fname: str, dest_dir: Path) -> Path:
    """Download `url` to `dest_dir/fname` with keras.utils.get_file; returns the path."""
    host = urlparse(url).hostname or ""
    port = 443 if url.startswith("https") else 80
    if not _network_available(host, port):
        raise DataError(f"no network connection to {host}")
    import keras

    return Path(keras.utils.get_file(fname, origin=url, cache_dir=str(dest_dir),
                                     cache_subdir="."))


def _fetch_kaggle(handle: str) -> Path:
    """Download a Kaggle dataset with kagglehub (optional dependency); returns its folder."""
    try:
        kagglehub = importlib.import_module("kagglehub")
    except ImportError as exc:
        raise DataError("kagglehub is not installed (pip install kagglehub)") from exc
    if not _network_available("www.kaggle.com"):
        raise DataError("no network connection to www.kaggle.com")
    return Path(kagglehub.dataset_download(handle))


def _obtain(name: str, data_dir: PathLike | None, download: bool = True) -> Path:
    """The folder of dataset `name`: found locally, or downloaded and installed.

    Raises DataError saying where it looked and how to get the data when neither works.
    """
    found = _find_local(name, data_dir)
    if found is not None:
        return found
    spec = DATASETS[name]
    searched = [root / name for root in _search_roots(data_dir)]
    if not download or spec.url is None:
        raise DataError(_missing_message(spec, searched))
    parent = _install_parent(data_dir)
    _notice(f"{name} not found locally; downloading {spec.url} into {parent} ...")
    # The archive goes to the system temp folder; only verified data ever reaches `parent`.
    with tempfile.TemporaryDirectory(prefix=f"course_lib-{name}-") as tmp:
        try:
            archive = _fetch_url(spec.url, f"{name}.tar.gz", Path(tmp))
        except Exception as exc:
            raise DataError(_missing_message(spec, searched, f"download failed: {exc}")) from exc
        if spec.archive_bytes and archive.stat().st_size != spec.archive_bytes:
            raise DataError(f"{spec.url}: expected {spec.archive_bytes:,} bytes, downloaded "
                            f"{archive.stat().st_size:,}")
        return install_archive(name, archive, parent)


# ---------------------------------------------------------------------------------------------
# 5. MNIST
# ---------------------------------------------------------------------------------------------

MNIST_SAMPLE = SAMPLE_DIR / "mnist_sample.npz"


def read_idx(path: PathLike) -> np.ndarray:
    """Read a gzip-compressed IDX file (the MNIST format) into a uint8 array.

    Header: two zero bytes, a type byte (0x08 = uint8), the number of dimensions, then each
    dimension as a big-endian uint32. Images give (N, 28, 28), labels (N,).
    """
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != b"\x00\x00" or raw[2] != 0x08:
        raise DataError(f"{path}: not an unsigned-byte IDX file")
    ndim = raw[3]
    dims = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    offset = 4 + 4 * ndim
    expected = int(np.prod(dims))
    if len(raw) - offset != expected:
        raise DataError(f"{path}: truncated IDX data: expected {expected:,} bytes, "
                        f"found {len(raw) - offset:,}")
    return np.frombuffer(raw, np.uint8, offset=offset).reshape(dims)


def _mnist_sample_arrays(why: str) -> tuple[np.ndarray, np.ndarray]:
    _notice(f"using the EMBEDDED MNIST SAMPLE (40 digits, 4 per class) {why}. It is only "
            "enough to check that code runs, not to train a useful GAN. For the real data: "
            "go online, or set COURSE_DATA_DIR to a folder with mnist/*.gz, or run "
            "`python -m course_lib data import mnist ARCHIVE`.")
    with np.load(MNIST_SAMPLE, allow_pickle=False) as z:
        return z["images"], z["labels"]


def _idx_arrays(root: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    if split not in MNIST_FILES:
        raise ValueError(f"the IDX reader knows the splits 'train' and 'test', not {split!r} "
                         "(sliced splits such as 'train[:10%]' need tensorflow-datasets)")
    image_file, label_file = MNIST_FILES[split]
    images = read_idx(root / image_file)[..., None]
    labels = read_idx(root / label_file).astype(np.int64)
    if len(images) != len(labels):
        raise DataError(f"mnist/{split}: {len(images)} images but {len(labels)} labels")
    return images, labels


def _tfds_data_dir() -> str | None:
    """tfds's own data folder: `TFDS_DATA_DIR` or its default (~/tensorflow_datasets)."""
    return os.environ.get("TFDS_DATA_DIR") or None


@contextlib.contextmanager
def _quiet_tfds():
    """Keep tfds's progress lines and absl warnings (which print its cache folder's absolute
    path) out of notebooks; course_lib's own notice says what is happening. Errors raise."""
    from absl import logging as absl_logging

    verbosity = absl_logging.get_verbosity()
    absl_logging.set_verbosity(absl_logging.ERROR)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        absl_logging.set_verbosity(verbosity)


def _tfds_load_mnist(split: str, manual_dir: Path | None, download: bool):
    """`tfds.load("mnist", split)`; with `manual_dir`, tfds builds from the local IDX files.

    tfds's download manager takes a file from `manual_dir` when its registered checksums list
    that file name, which is the case for MNIST: tfds then checks the sha256 itself, extracts
    the files and writes its usual TFRecords (once, about 15 s on a CPU) under its data folder.
    """
    import tensorflow_datasets as tfds

    with _quiet_tfds(), tempfile.TemporaryDirectory(prefix="course_lib-tfds-") as tmp:
        dl_config = tfds.download.DownloadConfig(
            manual_dir=str(manual_dir) if manual_dir is not None else None)
        return tfds.load("mnist", split=split, data_dir=_tfds_data_dir(), download=download,
                         download_and_prepare_kwargs={"download_dir": tmp,
                                                      "download_config": dl_config})


def _tfds_mnist_prepared() -> bool:
    try:
        import tensorflow_datasets as tfds

        with _quiet_tfds():
            return tfds.builder("mnist", data_dir=_tfds_data_dir()).is_prepared()
    except Exception:
        return False


def _as_mnist_dataset(images: np.ndarray, labels: np.ndarray):
    """Same element structure as tfds: {"image": uint8 (28,28,1), "label": int64 ()}."""
    return tf.data.Dataset.from_tensor_slices({"image": images, "label": labels})


def load_mnist(split: str = "train", data_dir: PathLike | None = None, *, sample: bool = False,
               backend: str = "auto"):
    """MNIST as `tfds.load("mnist", split=split)` gives it.

    Elements are dicts `{"image": uint8 (28, 28, 1) in [0, 255], "label": int64 ()}`.

    Where the data comes from, in order:
      1. `sample=True`: the embedded 40-digit sample (any split; a notice is printed).
      2. Local IDX files in `<data_dir>/mnist/` (data_dir defaults to `$COURSE_DATA_DIR`),
         verified against the sha256 manifest. With `backend="auto"` or `"tfds"`,
         tensorflow-datasets builds its own MNIST from these files (once; the notebooks then run
         the genuine tfds code path); `backend="idx"`, or tfds failing to import, reads the IDX
         files directly with gzip + numpy into the same structure.
      3. tensorflow-datasets' own prepared copy, or a download by tfds when online.
      4. Otherwise the embedded sample, with a notice saying how to get the real data.

    Args:
        split: "train" or "test" (any tfds split string, e.g. "train[:10%]", when tfds is used).
        backend: "auto", "tfds" or "idx".
    """
    if backend not in ("auto", "tfds", "idx"):
        raise ValueError(f"backend must be 'auto', 'tfds' or 'idx', not {backend!r}")
    if sample:
        return _as_mnist_dataset(*_mnist_sample_arrays("because sample=True was asked"))
    root = _find_local("mnist", data_dir)
    if root is not None:
        _verified_mnist_dir(root)
        if backend != "idx":
            try:
                if not _tfds_mnist_prepared():
                    _notice(f"preparing MNIST with tensorflow-datasets from the verified IDX files "
                            f"in {config.display_path(root)} (once; about 15 s on a CPU)")
                return _tfds_load_mnist(split, manual_dir=root, download=True)
            except ImportError as exc:
                if backend == "tfds":
                    raise
                _notice(f"tensorflow-datasets unavailable ({exc}); reading the IDX files in "
                        f"{config.display_path(root)} directly instead")
        return _as_mnist_dataset(*_idx_arrays(root, split))
    if backend == "idx":
        searched = [r / "mnist" for r in _search_roots(data_dir)]
        raise DataError(_missing_message(DATASETS["mnist"], searched))
    if _tfds_mnist_prepared() or _network_available("storage.googleapis.com"):
        try:
            return _tfds_load_mnist(split, manual_dir=None, download=True)
        except Exception as exc:
            if backend == "tfds":
                raise
            _notice(f"tensorflow-datasets could not provide MNIST ({exc})")
    return _as_mnist_dataset(*_mnist_sample_arrays(
        "because no local MNIST and no network were found"))


def load_mnist_arrays(split: str = "train", data_dir: PathLike | None = None, *,
                      sample: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """MNIST as numpy arrays, for evaluation code.

    Returns:
        images: uint8 (N, 28, 28, 1) in [0, 255]; labels: int64 (N,) in 0..9.
        N is 60 000 for "train" and 10 000 for "test" (40 for the sample).

    Local IDX files are read directly (no tfds build needed, well under a second); without them
    this goes through `load_mnist` (tfds or the sample, with its notices).
    """
    if sample:
        return _mnist_sample_arrays("because sample=True was asked")
    root = _find_local("mnist", data_dir)
    if root is not None:
        _verified_mnist_dir(root)
        return _idx_arrays(root, split)
    ds = load_mnist(split, data_dir)
    images, labels = [], []
    for batch in ds.batch(10_000).as_numpy_iterator():
        images.append(batch["image"])
        labels.append(batch["label"])
    return np.concatenate(images), np.concatenate(labels).astype(np.int64)


def gan_preprocessing(example: dict):
    """MNIST element (or batch) -> float32 image(s) scaled from [0, 255] to [-1, 1].

    (28, 28, 1) uint8 -> (28, 28, 1) float32; works the same on a batch (B, 28, 28, 1).
    [-1, 1] matches the generators' tanh output.
    """
    image = tf.cast(example["image"], tf.float32)
    return image / 127.5 - 1.0


def cgan_preprocessing(example: dict):
    """MNIST element (or batch) -> (image float32 in [-1, 1], one-hot label float32 (10,))."""
    return gan_preprocessing(example), tf.one_hot(example["label"], 10, dtype=tf.float32)


def _mnist_elements(split: str, data_dir: PathLike | None, sample: bool, limit: int | None):
    """Raw MNIST elements {"image": uint8 (28,28,1), "label": int64} for the batch pipelines.

    For the plain "train"/"test" splits the digits come straight from the IDX files as numpy
    arrays (`load_mnist_arrays`: about a second, and 47 MB of uint8 in memory), so training
    never pays for tensorflow-datasets' start-up or its per-digit PNG decoding. Only sliced
    tfds split strings such as "train[:10%]" go through `load_mnist`; those are cached after
    the first pass so the decoding happens once.
    """
    if split in MNIST_FILES:
        images, labels = load_mnist_arrays(split, data_dir, sample=sample)
        return _as_mnist_dataset(images[:limit], labels[:limit])
    ds = load_mnist(split, data_dir, sample=sample)
    if limit is not None:
        ds = ds.take(limit)
    return ds.cache()


def mnist_gan_dataset(batch_size: int = 128, shuffle: int = 1000, limit: int | None = None, *,
                      split: str = "train", data_dir: PathLike | None = None,
                      sample: bool = False, drop_remainder: bool = False):
    """Batches of float32 images (B, 28, 28, 1) in [-1, 1] for the unconditional GAN (lesson 02).

    Same result as the lesson's `mnist.map(gan_preprocessing).shuffle(1000).batch(128)`, but
    preprocessing runs once per batch instead of once per digit. `limit` keeps only the first
    `limit` digits (fast mode).
    """
    ds = _mnist_elements(split, data_dir, sample, limit)
    ds = ds.shuffle(shuffle).batch(batch_size, drop_remainder=drop_remainder)
    return ds.map(gan_preprocessing, num_parallel_calls=tf.data.AUTOTUNE).prefetch(
        tf.data.AUTOTUNE)


def mnist_cgan_dataset(batch_size: int = 128, shuffle: int = 100, limit: int | None = None, *,
                       split: str = "train", data_dir: PathLike | None = None,
                       sample: bool = False, drop_remainder: bool = False):
    """Batches of (images (B, 28, 28, 1) in [-1, 1], one-hot labels (B, 10)) for the cGAN.

    The lesson's `mnist.map(cgan_preprocessing).shuffle(100).batch(128)`.
    """
    ds = _mnist_elements(split, data_dir, sample, limit)
    ds = ds.shuffle(shuffle).batch(batch_size, drop_remainder=drop_remainder)
    return ds.map(cgan_preprocessing, num_parallel_calls=tf.data.AUTOTUNE).prefetch(
        tf.data.AUTOTUNE)


def mnist_dcgan_dataset(batch_size: int = 256, shuffle: int = 60000, limit: int | None = None, *,
                        data_dir: PathLike | None = None, sample: bool = False,
                        drop_remainder: bool = False):
    """Batches of float32 images (B, 28, 28, 1) in [-1, 1] for the DCGAN (lesson 01).

    As in the DCGAN lesson, the training images are taken as arrays and shuffled with a buffer
    of 60 000 (the whole set), batch 256.
    """
    images, _ = load_mnist_arrays("train", data_dir, sample=sample)
    if limit is not None:
        images = images[:limit]
    ds = tf.data.Dataset.from_tensor_slices(images).cache()
    ds = ds.shuffle(min(shuffle, len(images))).batch(batch_size, drop_remainder=drop_remainder)
    return ds.map(lambda x: tf.cast(x, tf.float32) / 127.5 - 1.0,
                  num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


# ---------------------------------------------------------------------------------------------
# 6. Pix2Pix preprocessing (lesson 03) and paired-image files
# ---------------------------------------------------------------------------------------------

IMG_HEIGHT = 256
IMG_WIDTH = 256
JITTER_SIZE = 286  # resize target before the random 256 crop ("random jitter" in the paper)
BUFFER_SIZE = 400  # facades training set size: shuffle over all of it


def _check_side(input_side: str) -> None:
    if input_side not in ("left", "right"):
        raise ValueError(f"input_side must be 'left' or 'right', not {input_side!r}")


def decode_pair(raw, input_side: str = "right"):
    """Encoded JPEG/PNG bytes of a side-by-side pair -> (input_image, real_image).

    Both float32 (H, W/2, 3) in [0, 255]; for the 512x256 files, (256, 256, 3) each.
    """
    _check_side(input_side)
    image = tf.io.decode_image(raw, channels=3, expand_animations=False)
    half = tf.shape(image)[1] // 2
    left, right = image[:, :half, :], image[:, half:, :]
    input_image, real_image = (right, left) if input_side == "right" else (left, right)
    return tf.cast(input_image, tf.float32), tf.cast(real_image, tf.float32)


def load(path, input_side: str = "right"):
    """Read a pair file and split it into (input_image, real_image), float32 in [0, 255].

    Facades and cityscapes (default, `input_side="right"`): the LEFT half is the real photo
    (target) and the RIGHT half the label map (input). Sketch2Pokemon: `input_side="left"`.
    Shapes: (256, 256, 3) each for the 512x256 files.
    """
    return decode_pair(tf.io.read_file(path), input_side)


def resize(input_image, real_image, height: int, width: int):
    """Resize both images to (height, width) with nearest neighbour (keeps label colours exact)."""
    nearest = tf.image.ResizeMethod.NEAREST_NEIGHBOR
    return (tf.image.resize(input_image, [height, width], method=nearest),
            tf.image.resize(real_image, [height, width], method=nearest))


def random_crop(input_image, real_image, height: int = IMG_HEIGHT, width: int = IMG_WIDTH):
    """Crop the same random (height, width) window from both images.

    Stacking the pair into one (2, H, W, 3) tensor and cropping once guarantees that the input
    and its target stay aligned pixel for pixel.
    """
    stacked = tf.stack([input_image, real_image], axis=0)
    cropped = tf.image.random_crop(stacked, size=[2, height, width, 3])
    return cropped[0], cropped[1]


def normalize(input_image, real_image):
    """[0, 255] -> [-1, 1] for both images (the generator ends in tanh)."""
    return input_image / 127.5 - 1.0, real_image / 127.5 - 1.0


def random_jitter(input_image, real_image):
    """Pix2Pix augmentation: resize to 286x286, random 256x256 crop, 50% left-right mirror.

    Input and output are float32 (H, W, 3) pairs; the output is (256, 256, 3) each, and the
    same crop and mirror apply to both images.
    """
    input_image, real_image = resize(input_image, real_image, JITTER_SIZE, JITTER_SIZE)
    input_image, real_image = random_crop(input_image, real_image)
    if tf.random.uniform(()) > 0.5:
        input_image = tf.image.flip_left_right(input_image)
        real_image = tf.image.flip_left_right(real_image)
    return input_image, real_image


def load_image_train(path, input_side: str = "right"):
    """Training example: load -> random_jitter -> normalize. (256, 256, 3) pair in [-1, 1]."""
    input_image, real_image = load(path, input_side)
    input_image, real_image = random_jitter(input_image, real_image)
    return normalize(input_image, real_image)


def load_image_test(path, input_side: str = "right"):
    """Test example: load -> resize to 256x256 -> normalize. Deterministic, no augmentation."""
    input_image, real_image = load(path, input_side)
    input_image, real_image = resize(input_image, real_image, IMG_HEIGHT, IMG_WIDTH)
    return normalize(input_image, real_image)


def pix2pix_dataset(files: Sequence[PathLike], training: bool, batch_size: int = 1,
                    shuffle: int = BUFFER_SIZE, input_side: str = "right",
                    limit: int | None = None):
    """tf.data pipeline of (input, target) batches, each float32 (B, 256, 256, 3) in [-1, 1].

    training=True: shuffled, with random jitter (a fresh crop/mirror every epoch);
    training=False: file order, resize only, the same output on every pass.
    `limit` keeps the first `limit` files (fast mode).
    """
    _check_side(input_side)
    paths = [str(f) for f in files][:limit]
    if not paths:
        raise DataError("pix2pix_dataset: the file list is empty")
    ds = tf.data.Dataset.from_tensor_slices(paths)
    if training:
        # Cache the encoded files (~50 KB each), not decoded floats (768 KB each): decoding is
        # cheap, and the jitter must run after the cache to differ between epochs.
        ds = ds.map(tf.io.read_file).cache().shuffle(shuffle)

        def train_example(raw):
            input_image, real_image = decode_pair(raw, input_side)
            return normalize(*random_jitter(input_image, real_image))

        ds = ds.map(train_example, num_parallel_calls=tf.data.AUTOTUNE)
    else:
        ds = ds.map(lambda p: load_image_test(p, input_side),
                    num_parallel_calls=tf.data.AUTOTUNE)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _sample_files(name: str, split: str) -> list[str]:
    root = SAMPLE_DIR / name
    splits = sorted(p.name for p in root.iterdir() if p.is_dir())
    if split not in splits:
        raise DataError(f"the embedded {name} sample has the splits {', '.join(splits)}, "
                        f"not {split!r}")
    _notice(f"using the EMBEDDED {name.upper()} SAMPLE ({split}): a handful of pairs, enough to "
            "run the code, not to train.")
    return _verified_files(name, root, split, exact_counts=False)


def _split_files(name: str, split: str, data_dir: PathLike | None, sample: bool,
                 download: bool) -> list[str]:
    spec = DATASETS[name]
    if split not in spec.splits:
        raise ValueError(f"{name} has the splits {', '.join(spec.splits)}, not {split!r}")
    if sample:
        return _sample_files(name, split)
    root = _obtain(name, data_dir, download)
    return _verified_files(name, root, split)


def facades_files(split: str = "train", data_dir: PathLike | None = None, *,
                  sample: bool = False, download: bool = True) -> list[str]:
    """Verified paths of the CMP facades pairs (512x256 JPEG; left photo, right label map).

    Splits: "train" (400), "val" (100), "test" (106), sorted by number. Looks in
    `<data_dir>/facades/` (data_dir defaults to `$COURSE_DATA_DIR`) and the download cache;
    downloads the pix2pix archive when absent and online; raises DataError (where it looked,
    how to get it) otherwise. `sample=True`: the 4 train / 2 test embedded pairs.
    """
    return _split_files("facades", split, data_dir, sample, download)


def cityscapes_files(split: str = "train", data_dir: PathLike | None = None, *,
                     sample: bool = False, download: bool = True) -> list[str]:
    """Verified paths of pix2pix cityscapes pairs (512x256 JPEG; left photo, right label map).

    Splits: "train" (2975, or the offline mirror's first 1000) and "val" (500). Same lookup,
    download and error rules as `facades_files`; `sample=True`: 4 train / 2 val pairs.
    """
    return _split_files("cityscapes", split, data_dir, sample, download)


# ---------------------------------------------------------------------------------------------
# 7. Sketch -> Pokémon (lesson 04): real pairs, or derived pairs from the artwork
# ---------------------------------------------------------------------------------------------

SKETCH_VERSION = 1  # bump whenever make_sketch changes, so cached derived pairs are rebuilt
DERIVED_NAME = "sketch2pokemon_derived"
DERIVED_TEST_EVERY = 20  # every 20th artwork (sorted by name, numbers numerically) is test


def composite_on_white(rgba: np.ndarray) -> np.ndarray:
    """uint8 (H, W, 4) RGBA -> uint8 (H, W, 3) RGB over a white background."""
    rgb = rgba[..., :3].astype(np.float64)
    alpha = rgba[..., 3:4].astype(np.float64) / 255.0
    return np.rint(rgb * alpha + 255.0 * (1.0 - alpha)).astype(np.uint8)


def _gaussian_blur(gray: np.ndarray, sigma: float) -> np.ndarray:
    """Separable Gaussian blur of a 2-D float array (edge padding), numpy only."""
    radius = max(1, int(math.ceil(3 * sigma)))
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel = np.exp(-x ** 2 / (2 * sigma ** 2))
    kernel /= kernel.sum()
    h, w = gray.shape
    padded = np.pad(gray, ((radius, radius), (0, 0)), mode="edge")
    rows = sum(k * padded[i:i + h] for i, k in enumerate(kernel))
    padded = np.pad(rows, ((0, 0), (radius, radius)), mode="edge")
    return sum(k * padded[:, i:i + w] for i, k in enumerate(kernel))


def make_sketch(rgb: np.ndarray, sigma: float = 1.0, k: float = 1.6, tau: float = 0.99,
                phi: float = 200.0) -> np.ndarray:
    """Deterministic pencil-style line drawing of an image (a difference-of-Gaussians sketch).

    Args:
        rgb: uint8 (H, W, 3), e.g. artwork composited on white.
        sigma: blur of the fine Gaussian in pixels; k: ratio of the coarse one (1.6 ~ an edge
            detector); tau: weight of the coarse blur; phi: line sharpness.

    Returns:
        uint8 (H, W, 3) grey drawing (three equal channels): white paper, dark lines.

    How: on the grey image g in [0, 1], D = G_sigma(g) - tau * G_{k*sigma}(g). In flat areas
    D = (1 - tau) g >= 0, so the paper stays white whatever the colour there (unlike a plain
    threshold, dark fills do not turn into black blobs); on the dark side of an edge D < 0 and
    the pixel becomes 1 + tanh(phi * D), a soft dark line. This is the edge-only member of the
    XDoG family (Winnemöller et al., 2012). It only uses numpy, so results are reproducible.
    """
    if rgb.ndim != 3 or rgb.shape[-1] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"make_sketch expects uint8 (H, W, 3), got {rgb.dtype} {rgb.shape}")
    gray = rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114]) / 255.0
    diff = _gaussian_blur(gray, sigma) - tau * _gaussian_blur(gray, k * sigma)
    tone = np.where(diff >= 0, 1.0, 1.0 + np.tanh(phi * diff))
    tone = np.rint(np.clip(tone, 0.0, 1.0) * 255.0).astype(np.uint8)
    return np.repeat(tone[..., None], 3, axis=-1)


def derive_pokemon_pairs(art_files: Sequence[PathLike], out_dir: PathLike) -> Path:
    """Build DERIVED Sketch2Pokemon-style pairs from Pokémon artwork PNGs.

    Each RGBA artwork is composited on white (the colour target) and `make_sketch` draws the
    input; they are saved side by side as `sketch|colour`, 512 wide x 256 high, sketch on the
    LEFT like Sketch2Pokemon, as `out_dir/{train,test}/NAME.png`. Split: artworks sorted by name
    (numbers numerically), every 20th one (the 1st, 21st, ...) goes to test.

    These are substitute data made by course_lib, not the Kaggle norod78/sketch2pokemon set
    (whose sketches came from a model). The folder is written next to `out_dir` and renamed into
    place when complete, with a DERIVED.json marker describing it.
    """
    from PIL import Image

    out_dir = Path(out_dir)
    files = sorted((Path(f) for f in art_files), key=_natural_key)
    staging = out_dir.parent / f".{out_dir.name}.build-{uuid.uuid4().hex[:8]}"
    counts = {"train": 0, "test": 0}
    try:
        for i, path in enumerate(files):
            split = "test" if i % DERIVED_TEST_EVERY == 0 else "train"
            with Image.open(path) as im:
                colour = composite_on_white(np.asarray(im.convert("RGBA")))
            pair = np.concatenate([make_sketch(colour), colour], axis=1)
            (staging / split).mkdir(parents=True, exist_ok=True)
            Image.fromarray(pair).save(staging / split / f"{path.stem}.png")
            counts[split] += 1
        marker = {
            "what": "DERIVED sketch/colour pairs made by course_lib.data.derive_pokemon_pairs "
                    "from Pokemon artwork; NOT the Kaggle norod78/sketch2pokemon dataset",
            "sketch": "make_sketch (difference-of-Gaussians pencil lines)",
            "sketch_version": SKETCH_VERSION,
            "layout": "512x256 PNG, sketch (input) on the left, colour (target) on the right",
            "split": f"sorted names, every {DERIVED_TEST_EVERY}th to test",
            "counts": counts,
            "licence": "Pokemon artwork (c) Nintendo / Game Freak / Creatures: teaching use only",
        }
        (staging / "DERIVED.json").write_text(json.dumps(marker, indent=1) + "\n")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.rename(out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir


def _derived_is_current(out_dir: Path, n_art: int) -> bool:
    try:
        marker = json.loads((out_dir / "DERIVED.json").read_text())
    except (OSError, ValueError):
        return False
    return (marker.get("sketch_version") == SKETCH_VERSION
            and sum(marker.get("counts", {}).values()) == n_art)


def _derived_pairs(art_root: Path, art_files: list[str], out_dir: Path, split: str) -> list[str]:
    if not _derived_is_current(out_dir, len(art_files)):
        _notice(f"building DERIVED sketch->colour pairs from the {len(art_files)} artworks in "
                f"{config.display_path(art_root)} into {config.display_path(out_dir)} "
                f"(once; roughly 2 s per 100 images). They stand in for "
                f"the Kaggle Sketch2Pokemon set, which is not available here; the sketches are "
                f"made by course_lib.data.make_sketch.")
        derive_pokemon_pairs(art_files, out_dir)
    else:
        _notice(f"using DERIVED sketch->colour pairs from {config.display_path(out_dir)} "
                "(made from Pokémon artwork by make_sketch; not the Kaggle Sketch2Pokemon set).")
    return _verified_files(DERIVED_NAME, out_dir, split, exact_counts=False)


def pokemon_pairs_files(split: str = "train", data_dir: PathLike | None = None, *,
                        sample: bool = False, download: bool = True) -> list[str]:
    """Paths of sketch|colour pair images (512x256, sketch = input on the LEFT), for lesson 04.

    In order of preference:
      1. the real Sketch2Pokemon pairs in `<data_dir>/sketch2pokemon/{train,test}/`;
      2. a kagglehub download of norod78/sketch2pokemon (if kagglehub is installed, online);
      3. DERIVED pairs, built once from `<data_dir>/pokemon_art/*.png` (verified) with
         `make_sketch` into `<data_dir>/sketch2pokemon_derived/` (or under ~/.cache/course_lib
         when the data folder is read-only). Notices say clearly that these are derived.
    `sample=True`: derived pairs from the 6 embedded artworks (5 train, 1 test).
    Feed them to `pokemon_dataset` or to `load(path, input_side="left")`.
    """
    if split not in ("train", "test"):
        raise ValueError(f"Sketch2Pokemon has the splits 'train' and 'test', not {split!r}")
    if sample:
        art_root = SAMPLE_DIR / "pokemon_art"
        art = _verified_files("pokemon_art", art_root, "", exact_counts=False)
        return _derived_pairs(art_root, art, _cache_root() / f"sample_{DERIVED_NAME}", split)

    real = _find_local("sketch2pokemon", data_dir)
    if real is None and download and importlib.util.find_spec("kagglehub") is not None:
        try:
            real = _install_tree("sketch2pokemon", _fetch_kaggle(SKETCH2POKEMON_KAGGLE),
                                 _install_parent(data_dir))
        except Exception as exc:
            _notice(f"could not fetch Sketch2Pokemon with kagglehub ({exc})")
    if real is not None:
        return _verified_files("sketch2pokemon", real, split)

    art_root = _find_local("pokemon_art", data_dir)
    if art_root is None:
        searched = [r / n for r in _search_roots(data_dir) for n in ("sketch2pokemon",
                                                                     "pokemon_art")]
        raise DataError(_missing_message(DATASETS["sketch2pokemon"], searched)
                        + "\nAlternatively provide pokemon_art/*.png to build derived pairs: "
                        + DATASETS["pokemon_art"].how_to_get)
    art = _verified_files("pokemon_art", art_root, "")
    parent = art_root.parent if _is_writable(art_root.parent) else _cache_data_root()
    return _derived_pairs(art_root, art, parent / DERIVED_NAME, split)


POKEMON_PAD = 30  # pixels added on each side before the random crop back to 256


def pokemon_augment(input_image, target_image):
    """Lesson 04 augmentation of a (sketch, colour) pair, then scaling to [-1, 1].

    Args: two float32 (256, 256, 3) images in [0, 255].
    Returns: two float32 (256, 256, 3) images in [-1, 1].

    On the 6-channel concatenation (so both images get the same geometry): pad 30 px per side,
    by reflection or with white (255) at random; random crop back to 256x256; random
    left-right and up-down flips; a random multiple of 90° rotation.
    """
    pair = tf.concat([input_image, target_image], axis=-1)
    pad = [[POKEMON_PAD, POKEMON_PAD], [POKEMON_PAD, POKEMON_PAD], [0, 0]]
    if tf.random.uniform(()) < 0.5:
        padded = tf.pad(pair, pad, mode="REFLECT")
    else:
        padded = tf.pad(pair, pad, mode="CONSTANT", constant_values=255.0)
    out = tf.image.random_crop(padded, size=[IMG_HEIGHT, IMG_WIDTH, 6])
    out = tf.image.random_flip_left_right(out)
    out = tf.image.random_flip_up_down(out)
    out = tf.image.rot90(out, k=tf.random.uniform((), 0, 4, dtype=tf.int32))
    out = tf.ensure_shape(out, [IMG_HEIGHT, IMG_WIDTH, 6])  # rot90 with a tensor k hides it
    return normalize(out[..., :3], out[..., 3:])


def paired_augment(sketch, colour):
    """`pokemon_augment`'s geometry for a pair already in [-1, 1], which it keeps as it is.

    The reference answer of exercise 04-ex1 (`augment_pair`), which notebook 04 falls back on:
    the constant border is 0 (mid-grey on this scale), as the exercise asks.
    """
    pair = tf.concat([sketch, colour], axis=-1)
    pad = [[POKEMON_PAD, POKEMON_PAD], [POKEMON_PAD, POKEMON_PAD], [0, 0]]
    if tf.random.uniform(()) < 0.5:
        pair = tf.pad(pair, pad, mode="REFLECT")
    else:
        pair = tf.pad(pair, pad, mode="CONSTANT")
    pair = tf.image.random_crop(pair, size=[IMG_HEIGHT, IMG_WIDTH, 6])
    pair = tf.image.random_flip_left_right(pair)
    pair = tf.image.random_flip_up_down(pair)
    pair = tf.image.rot90(pair, k=tf.random.uniform((), 0, 4, dtype=tf.int32))
    pair = tf.ensure_shape(pair, [IMG_HEIGHT, IMG_WIDTH, 6])
    return pair[..., :3], pair[..., 3:]


def pokemon_dataset(files: Sequence[PathLike], training: bool, batch_size: int = 4,
                    shuffle: int | None = None, input_side: str = "left",
                    limit: int | None = None, augment=None):
    """tf.data pipeline of (sketch, colour) batches, float32 (B, 256, 256, 3) in [-1, 1].

    training=True: shuffled (buffer = number of files unless given) with `pokemon_augment`,
    or with `augment(sketch, colour)` on the normalised pair when given (notebook 04 passes
    the learner's exercise 04-ex1); training=False: file order, resize + normalise only.
    `limit`: first `limit` files only.
    """
    _check_side(input_side)
    paths = [str(f) for f in files][:limit]
    if not paths:
        raise DataError("pokemon_dataset: the file list is empty")
    ds = tf.data.Dataset.from_tensor_slices(paths)
    if training:
        ds = ds.map(tf.io.read_file).cache().shuffle(shuffle or len(paths))

        def train_example(raw):
            sketch, colour = decode_pair(raw, input_side)
            sketch, colour = resize(sketch, colour, IMG_HEIGHT, IMG_WIDTH)
            if augment is None:
                return pokemon_augment(sketch, colour)
            sketch, colour = augment(*normalize(sketch, colour))
            shape = [IMG_HEIGHT, IMG_WIDTH, 3]
            return (tf.ensure_shape(tf.cast(sketch, tf.float32), shape),
                    tf.ensure_shape(tf.cast(colour, tf.float32), shape))

        ds = ds.map(train_example, num_parallel_calls=tf.data.AUTOTUNE)
    else:
        ds = ds.map(lambda p: load_image_test(p, input_side),
                    num_parallel_calls=tf.data.AUTOTUNE)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


# ---------------------------------------------------------------------------------------------
# 8. Command line: python -m course_lib data check | import
# ---------------------------------------------------------------------------------------------


@dataclass
class CheckResult:
    name: str
    status: str  # "OK", "missing" or "BAD"
    detail: str
    problems: list[str] = field(default_factory=list)


def check_data_dir(data_dir: PathLike, datasets: Sequence[str] | None = None) -> list[CheckResult]:
    """Verify every dataset folder present in `data_dir` (or just `datasets`)."""
    data_dir = Path(data_dir)
    names = list(datasets) if datasets else [
        n for n in DATASETS if n != DERIVED_NAME or _quiet_is_dir(data_dir / n)]
    results = []
    for name in names:
        try:
            results.append(_check_one(name, data_dir))
        except OSError as exc:  # unreadable data folder, or a file vanishing mid-check
            where = exc.filename or data_dir / name
            results.append(CheckResult(name, "BAD", f"cannot read {where} ({_os_reason(exc)})",
                                       [f"{name}: cannot read {where} ({_os_reason(exc)})"]))
    return results


def _quiet_is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # an unreadable parent: _check_one reports it
        return True


def _check_one(name: str, data_dir: Path) -> CheckResult:
    """check_data_dir for one dataset."""
    spec, root = DATASETS[name], data_dir / name
    if not root.is_dir():
        target = data_dir if _is_writable(data_dir) else "DIR"
        detail = (f"not in {root}. To get it: {spec.how_to_get} Or: "
                  f"python -m course_lib data import {name} ARCHIVE --data-dir {target}")
        return CheckResult(name, "missing", detail)
    summary, problems = verify_dataset(name, root)
    return CheckResult(name, "BAD" if problems else "OK",
                       summary or f"{len(problems)} problem(s)", problems)


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    """`data check` and `data import` sub-commands (called by course_lib.cli)."""
    sub = parser.add_subparsers(dest="data_command", metavar="{check,import}", required=True)
    check = sub.add_parser("check", help="verify the datasets present in a data folder")
    check.add_argument("--data-dir", type=Path, default=None,
                       help="data folder (default: $COURSE_DATA_DIR or ~/.cache/course_lib/data)")
    check.add_argument("--dataset", choices=list(DATASETS), default=None,
                       help="check only this dataset (missing then counts as a failure)")
    imp = sub.add_parser("import", help="install a dataset from a local .tar.gz/.tgz/.zip")
    imp.add_argument("name", choices=IMPORTABLE)
    imp.add_argument("archive", type=Path)
    imp.add_argument("--data-dir", type=Path, default=None,
                     help="where to install (default: $COURSE_DATA_DIR or "
                          "~/.cache/course_lib/data)")


def run(args: argparse.Namespace) -> int:
    """Run `data check` / `data import`; returns the exit status."""
    data_dir = Path(args.data_dir).expanduser() if args.data_dir else config.data_dir()
    if args.data_command == "import":
        try:
            install_archive(args.name, args.archive, data_dir)
        except DataError as exc:
            print(f"data import: {exc}", file=sys.stderr)
            return 1
        return 0

    if not data_dir.is_dir():
        print(f"data check: {data_dir} does not exist. Set COURSE_DATA_DIR or pass --data-dir; "
              "datasets are downloaded into ~/.cache/course_lib/data on first use.",
              file=sys.stderr)
        return 1
    print(f"Checking datasets in {data_dir}")
    for message in clean_stale_staging(data_dir, remove=_is_writable(data_dir)):
        print(f"  note: {message}")
    results = check_data_dir(data_dir, [args.dataset] if args.dataset else None)
    failed = False
    for r in results:
        print(f"  {r.name:<24} {r.status:<8} {r.detail}")
        for line in r.problems:
            print(f"      {line}")
        failed |= r.status == "BAD" or (r.status == "missing" and bool(args.dataset))
    bad = [r.name for r in results if r.status == "BAD"]
    print(f"data check: {'FAILED: ' + ', '.join(bad or [args.dataset]) if failed else 'OK'}")
    return 1 if failed else 0
