"""MNIST (notebooks 01, 02): `load_mnist` has `tfds.load("mnist")` semantics.

Offline, tfds itself builds its dataset from the verified local IDX files (its "manual_dir"
mechanism), so the notebooks run the real tfds code path; a plain IDX reader is the fallback when
tfds cannot be used, and `load_mnist_arrays` uses it directly (fast, for evaluation code).
Preprocessing and the three batch pipelines (GAN, cGAN, DCGAN) follow the lessons' numbers.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import tempfile
from pathlib import Path

import numpy as np

from course_lib import config, messages
from course_lib.data.download import network_available
from course_lib.data.errors import DataError
from course_lib.data.lazy_tf import tf
from course_lib.data.storage import (
    DATASETS,
    MNIST_FILES,
    SAMPLE_DIR,
    PathLike,
    find_local,
    missing_message,
    notice,
    search_roots,
)
from course_lib.data.verify import verified_mnist_dir
from course_lib.pixels import to_signed

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


def _mnist_sample_arrays(why_key: str) -> tuple[np.ndarray, np.ndarray]:
    """The 40 embedded digits; `why_key` names the message saying why they are used."""
    notice(messages.text("data.mnist_sample", why=messages.text(why_key)))
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
               backend: str = "auto") -> tf.data.Dataset:
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
        return _as_mnist_dataset(*_mnist_sample_arrays("data.sample_asked"))
    root = find_local("mnist", data_dir)
    if root is not None:
        verified_mnist_dir(root)
        if backend != "idx":
            try:
                if not _tfds_mnist_prepared():
                    notice(f"preparing MNIST with tensorflow-datasets from the verified IDX files "
                           f"in {config.display_path(root)} (once; about 15 s on a CPU)")
                return _tfds_load_mnist(split, manual_dir=root, download=True)
            except ImportError as exc:
                if backend == "tfds":
                    raise
                notice(f"tensorflow-datasets unavailable ({exc}); reading the IDX files in "
                       f"{config.display_path(root)} directly instead")
        return _as_mnist_dataset(*_idx_arrays(root, split))
    if backend == "idx":
        searched = [r / "mnist" for r in search_roots(data_dir)]
        raise DataError(missing_message(DATASETS["mnist"], searched))
    if _tfds_mnist_prepared() or network_available("storage.googleapis.com"):
        try:
            return _tfds_load_mnist(split, manual_dir=None, download=True)
        except Exception as exc:
            if backend == "tfds":
                raise
            notice(f"tensorflow-datasets could not provide MNIST ({exc})")
    return _as_mnist_dataset(*_mnist_sample_arrays("data.sample_offline"))


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
        return _mnist_sample_arrays("data.sample_asked")
    root = find_local("mnist", data_dir)
    if root is not None:
        verified_mnist_dir(root)
        return _idx_arrays(root, split)
    ds = load_mnist(split, data_dir)
    images, labels = [], []
    for batch in ds.batch(10_000).as_numpy_iterator():
        images.append(batch["image"])
        labels.append(batch["label"])
    return np.concatenate(images), np.concatenate(labels).astype(np.int64)


def gan_preprocessing(example: dict) -> tf.Tensor:
    """MNIST element (or batch) -> float32 image(s) scaled from [0, 255] to [-1, 1].

    (28, 28, 1) uint8 -> (28, 28, 1) float32; works the same on a batch (B, 28, 28, 1).
    [-1, 1] matches the generators' tanh output.
    """
    return to_signed(example["image"])


def cgan_preprocessing(example: dict) -> tuple[tf.Tensor, tf.Tensor]:
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
                      sample: bool = False,
                      drop_remainder: bool = False) -> tf.data.Dataset:
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
                       sample: bool = False,
                       drop_remainder: bool = False) -> tf.data.Dataset:
    """Batches of (images (B, 28, 28, 1) in [-1, 1], one-hot labels (B, 10)) for the cGAN.

    The lesson's `mnist.map(cgan_preprocessing).shuffle(100).batch(128)`.
    """
    ds = _mnist_elements(split, data_dir, sample, limit)
    ds = ds.shuffle(shuffle).batch(batch_size, drop_remainder=drop_remainder)
    return ds.map(cgan_preprocessing, num_parallel_calls=tf.data.AUTOTUNE).prefetch(
        tf.data.AUTOTUNE)


def mnist_dcgan_dataset(batch_size: int = 256, shuffle: int = 60000, limit: int | None = None, *,
                        data_dir: PathLike | None = None, sample: bool = False,
                        drop_remainder: bool = False) -> tf.data.Dataset:
    """Batches of float32 images (B, 28, 28, 1) in [-1, 1] for the DCGAN (lesson 01).

    As in the DCGAN lesson, the training images are taken as arrays and shuffled with a buffer
    of 60 000 (the whole set), batch 256.
    """
    images, _ = load_mnist_arrays("train", data_dir, sample=sample)
    if limit is not None:
        images = images[:limit]
    ds = tf.data.Dataset.from_tensor_slices(images).cache()
    ds = ds.shuffle(min(shuffle, len(images))).batch(batch_size, drop_remainder=drop_remainder)
    return ds.map(to_signed, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
