"""Where datasets are and what they should hold: the registry, data roots, manifests.

Every dataset is a folder under a data root: `$COURSE_DATA_DIR` (see `course_lib.config.data_dir`)
or the per-user cache `~/.cache/course_lib/data`, where downloads land when the data root is
read-only. `course_lib/manifests/<dataset>.json` holds the sha256 and size of every known file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from course_lib import config, messages

PathLike = str | os.PathLike

PIX2PIX_URL = "http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/{name}.tar.gz"
SKETCH2POKEMON_KAGGLE = "norod78/sketch2pokemon"
MNIST_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
DERIVED_NAME = "sketch2pokemon_derived"  # built from pokemon_art by course_lib.data.sketches


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
    DERIVED_NAME: DatasetSpec(
        DERIVED_NAME, splits={"train": (), "test": ()}, extensions=(".png",),
        layout=f"{DERIVED_NAME}/{{train,test}}/NAME.png (made by course_lib)",
        how_to_get="built automatically from pokemon_art by pokemon_pairs_files().",
    ),
}
IMPORTABLE = ("mnist", "facades", "cityscapes", "sketch2pokemon", "pokemon_art")

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # course_lib/
SAMPLE_DIR = PACKAGE_DIR / "sample_data"
MANIFEST_DIR = PACKAGE_DIR / "manifests"


def notice(message: str) -> None:
    """Messages for the learner (fallbacks, derived data, downloads): plain stdout, visible in
    notebooks without looking like an error."""
    print(f"[course_lib.data] {message}", flush=True)


def cache_root() -> Path:
    """Per-user cache for downloads and derived data (`COURSE_CACHE_DIR` overrides)."""
    env = os.environ.get("COURSE_CACHE_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "course_lib"


def cache_data_root() -> Path:
    """Where downloaded datasets go when the data root is read-only."""
    return cache_root() / "data"


def is_writable(path: Path) -> bool:
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


def search_roots(data_dir: PathLike | None = None) -> list[Path]:
    """The data roots searched for datasets, in order ($COURSE_DATA_DIR or `data_dir`, then the
    per-user download cache)."""
    first = Path(data_dir).expanduser() if data_dir is not None else config.data_dir()
    roots: list[Path] = []
    for root in (first, cache_data_root()):
        if root.resolve() not in [r.resolve() for r in roots]:
            roots.append(root)
    return roots


def find_local(name: str, data_dir: PathLike | None = None) -> Path | None:
    """The folder of dataset `name` if it is already on this machine (no download, no
    verification: a cheap presence test, e.g. to decide whether a test can run)."""
    for root in search_roots(data_dir):
        if (root / name).is_dir():
            return root / name
    return None


def install_parent(data_dir: PathLike | None) -> Path:
    """Where a download of a missing dataset goes: the data root if writable, else the cache."""
    first = search_roots(data_dir)[0]
    return first if is_writable(first) else cache_data_root()


def missing_message(spec: DatasetSpec, searched: Iterable[Path], reason: str = "") -> str:
    text = messages.text("data.missing", name=spec.name, searched=", ".join(map(str, searched)),
                         how_to_get=spec.how_to_get, layout=spec.layout)
    return text + (f"\n({reason})" if reason else "")


_MANIFESTS: dict[str, dict[str, dict]] = {}


def load_manifest(name: str) -> dict[str, dict]:
    """`{"train/1.jpg": {"bytes": int, "sha256": str}, ...}` for a dataset ({} when none ships)."""
    if name not in _MANIFESTS:
        path = MANIFEST_DIR / f"{name}.json"
        _MANIFESTS[name] = json.loads(path.read_text())["files"] if path.exists() else {}
    return _MANIFESTS[name]


def sha256_file(path: PathLike) -> str:
    """Hex sha256 of a file's bytes (read in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def os_reason(exc: OSError) -> str:
    """'Permission denied' etc.: the OS's words, without the path repeated."""
    return exc.strerror or type(exc).__name__


def natural_key(path: PathLike) -> list:
    """Sort 2.jpg before 10.jpg, so file lists follow the datasets' own numbering."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", os.path.basename(path))]


def known_files() -> dict[str, str]:
    """sha256 -> 'dataset/relative path' over every shipped manifest (to name what an archive
    really holds when it is not what it claims to be)."""
    known = {}
    for path in sorted(MANIFEST_DIR.glob("*.json")):
        for rel, entry in load_manifest(path.stem).items():
            known[entry["sha256"]] = f"{path.stem}/{rel}"
    return known
