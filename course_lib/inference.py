"""Running generators: sampling MNIST digits and translating images with Pix2Pix.

Inputs and outputs are on the generators' [-1, 1] scale (`course_lib.pixels` converts);
image files are read and written as 256x256 RGB.
"""

from __future__ import annotations

import zlib
from collections import Counter
from pathlib import Path

import numpy as np

from course_lib.pixels import split_pair, to_signed, to_uint8
from course_lib.registry import INPUT_SIDE, PIX2PIX_GENERATORS, PathLike, WeightsError, sublayers


def sample_digits(generator, n: int, label: int | None = None, seed: int = 0) -> np.ndarray:
    """n images (n,28,28,1), float32 in [-1,1], from an MNIST generator.

    z ~ N(0, I) of length 100 from numpy's generator seeded with `seed`, so the same seed gives
    the same digits. `label` (0..9) is one-hot encoded for the cGAN and must be None for the
    unconditional models. Inference mode (training=False): the MLPs have no dropout, and the
    DCGAN's BatchNorm uses the statistics it learned.
    """
    from course_lib import models

    noise = np.random.default_rng(seed).standard_normal((n, models.NOISE_DIM)).astype(np.float32)
    if isinstance(generator, models.GeneratorCGAN):
        if label is None:
            raise ValueError("the cGAN needs a label (0-9) for the digit to draw")
        labels = np.eye(models.NUM_CLASSES, dtype=np.float32)[np.full(n, int(label))]
        images = generator(noise, labels, training=False)
    else:
        if label is not None:
            raise ValueError("this generator is unconditional: a label cannot be used")
        images = generator(noise, training=False)
    return np.asarray(images, np.float32)


def reseed_dropout(model, seed: int) -> int:
    """Reset the random state of every Dropout layer in `model`; return how many there are.

    Pix2Pix's only noise at inference is its dropout; Keras draws each mask from the layer's
    seed state, which advances with every call. Resetting the states makes one prediction
    depend on `seed` alone, not on how many images came before it.
    """
    import keras

    count = 0
    for layer in sublayers(model):
        if isinstance(layer, keras.layers.Dropout):
            state = layer.seed_generator.state
            state.assign(np.array([seed * 1009 + count + 1, 0], dtype=state.dtype))
            count += 1
    return count


def translate_image(generator, image: np.ndarray, seed: int = 0) -> np.ndarray:
    """One Pix2Pix prediction: input (256,256,3) in [-1,1] -> output (256,256,3) in [-1,1].

    Runs `generator(x, training=True)` on a batch of one, as lesson 03 teaches and the pix2pix
    paper does: BatchNorm normalises with the statistics of this image (exactly what it did
    during training, where the batch size is 1, instead of running averages that fit no single
    image), and dropout stays on as the generator's noise source. `seed` fixes the dropout
    masks, so a prediction is reproducible.
    """
    reseed_dropout(generator, seed)
    out = generator(np.asarray(image, np.float32)[None], training=True)
    return np.asarray(out[0], np.float32)


def image_seed(seed: int, stem: str) -> int:
    """A per-file seed: the same file gets the same dropout masks whatever else is translated."""
    return (seed * 7919 + zlib.crc32(stem.encode())) % (2**31 - 1)


def read_input_image(path: PathLike, input_side: str) -> np.ndarray:
    """The generator input from an image file: float32 (256,256,3) in [-1,1].

    A side-by-side pair (width = 2 x height, e.g. 512x256) gives its `input_side` half
    ("right" for facades: the label map; "left" for Sketch2Pokemon: the sketch); a square image
    is the input itself. Resizing to 256x256 uses nearest neighbour, as in course_lib.data
    (label colours stay exact).
    """
    import tensorflow as tf

    path = Path(path)
    try:
        image = tf.io.decode_image(tf.io.read_file(str(path)), channels=3,
                                   expand_animations=False)
    except tf.errors.OpError as err:
        raise WeightsError(f"{path}: not a readable JPEG/PNG image ({err.message})") from None
    height, width = int(image.shape[0]), int(image.shape[1])
    if width == 2 * height:
        image = split_pair(image, input_side)[0]
    elif width != height:
        raise WeightsError(f"{path}: expected a side-by-side pair (width = 2 x height, e.g. "
                           f"512x256) or a square input image, found {width}x{height}")
    image = tf.image.resize(tf.cast(image, tf.float32), [256, 256],
                            method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)
    return to_signed(image.numpy())


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


def translate_dir(name: str, input_dir: PathLike, out_dir: PathLike, seed: int = 0, *,
                  generator, progress: bool = False) -> list[Path]:
    """Translate every JPEG/PNG in `input_dir` with `generator` (a Pix2Pix generator of the
    registry's `name`, which says the input half of a pair); write `<out_dir>/<stem>.png`
    (256x256 RGB).

    Returns the written paths, in sorted input order. The `translate` command passes the
    pretrained generator (`weights.load_pretrained(name)`); notebooks and tests pass their own.
    """
    import tensorflow as tf

    if name not in PIX2PIX_GENERATORS:
        raise WeightsError(f"translate works with {', '.join(PIX2PIX_GENERATORS)}, not {name!r}")
    files = sorted(p for p in Path(input_dir).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise WeightsError(f"{input_dir}: no .jpg/.jpeg/.png files to translate")
    stems = Counter(p.stem for p in files)
    clashes = [s for s, n in stems.items() if n > 1]
    if clashes:
        raise WeightsError(f"{input_dir}: several files share the stem(s) {clashes[:5]}; "
                           "outputs are named <stem>.png, so they would overwrite each other")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    iterator = files
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(files, unit="image")
    for path in iterator:
        x = read_input_image(path, INPUT_SIDE[name])
        y = translate_image(generator, x, image_seed(seed, path.stem))
        target = out / f"{path.stem}.png"
        tf.io.write_file(str(target), tf.io.encode_png(to_uint8(y)))
        written.append(target)
    return written
