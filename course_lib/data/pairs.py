"""Pix2Pix pairs (notebooks 03, 05): reading side-by-side pair files, the lesson's preprocessing
and augmentation, the tf.data pipeline, and the verified facades / cityscapes file lists.

Pair files are 512 wide x 256 high; which half is the model's input (`input_side`) is decided
by `course_lib.pixels.split_pair` alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from course_lib import messages
from course_lib.data.download import obtain
from course_lib.data.errors import DataError
from course_lib.data.lazy_tf import tf
from course_lib.data.storage import DATASETS, SAMPLE_DIR, PathLike, notice
from course_lib.data.verify import verified_files
from course_lib.pixels import check_side, split_pair, to_signed

IMG_HEIGHT = 256
IMG_WIDTH = 256
JITTER_SIZE = 286  # resize target before the random 256 crop ("random jitter" in the paper)
BUFFER_SIZE = 400  # facades training set size: shuffle over all of it


def decode_pair(raw: tf.Tensor, input_side: str = "right") -> tuple[tf.Tensor, tf.Tensor]:
    """Encoded JPEG/PNG bytes of a side-by-side pair -> (input_image, real_image).

    Both float32 (H, W/2, 3) in [0, 255]; for the 512x256 files, (256, 256, 3) each.
    """
    image = tf.io.decode_image(raw, channels=3, expand_animations=False)
    input_image, real_image = split_pair(image, input_side)
    return tf.cast(input_image, tf.float32), tf.cast(real_image, tf.float32)


def load(path: PathLike | tf.Tensor, input_side: str = "right") -> tuple[tf.Tensor, tf.Tensor]:
    """Read a pair file and split it into (input_image, real_image), float32 in [0, 255].

    Facades and cityscapes (default, `input_side="right"`): the LEFT half is the real photo
    (target) and the RIGHT half the label map (input). Sketch2Pokemon: `input_side="left"`.
    Shapes: (256, 256, 3) each for the 512x256 files.
    """
    return decode_pair(tf.io.read_file(path), input_side)


def resize(input_image: tf.Tensor, real_image: tf.Tensor, height: int,
           width: int) -> tuple[tf.Tensor, tf.Tensor]:
    """Resize both images to (height, width) with nearest neighbour (keeps label colours exact)."""
    nearest = tf.image.ResizeMethod.NEAREST_NEIGHBOR
    return (tf.image.resize(input_image, [height, width], method=nearest),
            tf.image.resize(real_image, [height, width], method=nearest))


def random_crop(input_image: tf.Tensor, real_image: tf.Tensor, height: int = IMG_HEIGHT,
                width: int = IMG_WIDTH) -> tuple[tf.Tensor, tf.Tensor]:
    """Crop the same random (height, width) window from both images.

    Stacking the pair into one (2, H, W, 3) tensor and cropping once guarantees that the input
    and its target stay aligned pixel for pixel.
    """
    stacked = tf.stack([input_image, real_image], axis=0)
    cropped = tf.image.random_crop(stacked, size=[2, height, width, 3])
    return cropped[0], cropped[1]


def normalize(input_image: tf.Tensor, real_image: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """[0, 255] -> [-1, 1] for both images (the generator ends in tanh)."""
    return to_signed(input_image), to_signed(real_image)


def random_jitter(input_image: tf.Tensor, real_image: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
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


def load_image_train(path: PathLike | tf.Tensor,
                     input_side: str = "right") -> tuple[tf.Tensor, tf.Tensor]:
    """Training example: load -> random_jitter -> normalize. (256, 256, 3) pair in [-1, 1]."""
    input_image, real_image = load(path, input_side)
    input_image, real_image = random_jitter(input_image, real_image)
    return normalize(input_image, real_image)


def load_image_test(path: PathLike | tf.Tensor,
                    input_side: str = "right") -> tuple[tf.Tensor, tf.Tensor]:
    """Test example: load -> resize to 256x256 -> normalize. Deterministic, no augmentation."""
    input_image, real_image = load(path, input_side)
    input_image, real_image = resize(input_image, real_image, IMG_HEIGHT, IMG_WIDTH)
    return normalize(input_image, real_image)


def pix2pix_dataset(files: Sequence[PathLike], training: bool, batch_size: int = 1,
                    shuffle: int = BUFFER_SIZE, input_side: str = "right",
                    limit: int | None = None) -> tf.data.Dataset:
    """tf.data pipeline of (input, target) batches, each float32 (B, 256, 256, 3) in [-1, 1].

    training=True: shuffled, with random jitter (a fresh crop/mirror every epoch);
    training=False: file order, resize only, the same output on every pass.
    `limit` keeps the first `limit` files (fast mode).
    """
    check_side(input_side)
    paths = [str(f) for f in files][:limit]
    if not paths:
        raise DataError("pix2pix_dataset: the file list is empty")
    ds = tf.data.Dataset.from_tensor_slices(paths)
    if training:
        # Cache the encoded files (~50 KB each), not decoded floats (768 KB each): decoding is
        # cheap, and the jitter must run after the cache to differ between epochs.
        ds = ds.map(tf.io.read_file).cache().shuffle(shuffle)

        def train_example(raw: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
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
    notice(messages.text("data.pairs_sample", name=name.upper(), split=split))
    return verified_files(name, root, split, exact_counts=False)


def _split_files(name: str, split: str, data_dir: PathLike | None, sample: bool,
                 download: bool) -> list[str]:
    spec = DATASETS[name]
    if split not in spec.splits:
        raise ValueError(f"{name} has the splits {', '.join(spec.splits)}, not {split!r}")
    if sample:
        return _sample_files(name, split)
    root = obtain(name, data_dir, download)
    return verified_files(name, root, split)


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
