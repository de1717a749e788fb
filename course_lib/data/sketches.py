"""Sketch -> Pokémon (notebook 04): real pairs, or DERIVED pairs drawn from the artwork.

`pokemon_pairs_files` returns the real Sketch2Pokemon pairs when present (or fetchable with
kagglehub); otherwise it builds clearly labelled DERIVED pairs from the Pokémon artwork with
`make_sketch`. `pokemon_augment` and `pokemon_dataset` are the lesson's augmentation and pipeline.
"""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from course_lib import config
from course_lib.data.download import fetch_kaggle
from course_lib.data.errors import DataError
from course_lib.data.install import install_tree
from course_lib.data.lazy_tf import tf
from course_lib.data.pairs import (
    IMG_HEIGHT,
    IMG_WIDTH,
    decode_pair,
    load_image_test,
    normalize,
    resize,
)
from course_lib.data.storage import (
    DATASETS,
    DERIVED_NAME,
    SAMPLE_DIR,
    SKETCH2POKEMON_KAGGLE,
    PathLike,
    cache_data_root,
    cache_root,
    find_local,
    install_parent,
    is_writable,
    missing_message,
    natural_key,
    notice,
    search_roots,
)
from course_lib.data.verify import verified_files
from course_lib.pixels import check_side

SKETCH_VERSION = 1  # bump whenever make_sketch changes, so cached derived pairs are rebuilt

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
    files = sorted((Path(f) for f in art_files), key=natural_key)
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
        notice(f"building DERIVED sketch->colour pairs from the {len(art_files)} artworks in "
               f"{config.display_path(art_root)} into {config.display_path(out_dir)} "
               f"(once; roughly 2 s per 100 images). They stand in for "
               f"the Kaggle Sketch2Pokemon set, which is not available here; the sketches are "
               f"made by course_lib.data.make_sketch.")
        derive_pokemon_pairs(art_files, out_dir)
    else:
        notice(f"using DERIVED sketch->colour pairs from {config.display_path(out_dir)} "
               "(made from Pokémon artwork by make_sketch; not the Kaggle Sketch2Pokemon set).")
    return verified_files(DERIVED_NAME, out_dir, split, exact_counts=False)


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
        art = verified_files("pokemon_art", art_root, "", exact_counts=False)
        return _derived_pairs(art_root, art, cache_root() / f"sample_{DERIVED_NAME}", split)

    real = find_local("sketch2pokemon", data_dir)
    if real is None and download and importlib.util.find_spec("kagglehub") is not None:
        try:
            real = install_tree("sketch2pokemon", fetch_kaggle(SKETCH2POKEMON_KAGGLE),
                                install_parent(data_dir))
        except Exception as exc:
            notice(f"could not fetch Sketch2Pokemon with kagglehub ({exc})")
    if real is not None:
        return verified_files("sketch2pokemon", real, split)

    art_root = find_local("pokemon_art", data_dir)
    if art_root is None:
        searched = [r / n for r in search_roots(data_dir) for n in ("sketch2pokemon",
                                                                    "pokemon_art")]
        raise DataError(missing_message(DATASETS["sketch2pokemon"], searched)
                        + "\nAlternatively provide pokemon_art/*.png to build derived pairs: "
                        + DATASETS["pokemon_art"].how_to_get)
    art = verified_files("pokemon_art", art_root, "")
    parent = art_root.parent if is_writable(art_root.parent) else cache_data_root()
    return _derived_pairs(art_root, art, parent / DERIVED_NAME, split)


POKEMON_PAD = 30  # pixels added on each side before the random crop back to 256


def pokemon_augment(input_image: tf.Tensor, target_image: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
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


def paired_augment(sketch: tf.Tensor, colour: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
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
                    limit: int | None = None,
                    augment: Callable[[tf.Tensor, tf.Tensor], tuple] | None = None,
                    ) -> tf.data.Dataset:
    """tf.data pipeline of (sketch, colour) batches, float32 (B, 256, 256, 3) in [-1, 1].

    training=True: shuffled (buffer = number of files unless given) with `pokemon_augment`,
    or with `augment(sketch, colour)` on the normalised pair when given (notebook 04 passes
    the learner's exercise 04-ex1); training=False: file order, resize + normalise only.
    `limit`: first `limit` files only.
    """
    check_side(input_side)
    paths = [str(f) for f in files][:limit]
    if not paths:
        raise DataError("pokemon_dataset: the file list is empty")
    ds = tf.data.Dataset.from_tensor_slices(paths)
    if training:
        ds = ds.map(tf.io.read_file).cache().shuffle(shuffle or len(paths))

        def train_example(raw: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
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
