"""Pixel value ranges and side-by-side pairs: the one place these facts live.

Every generator in the course ends in ``tanh``, so images travel through the models scaled to
[-1, 1]. Files hold uint8 in [0, 255]; matplotlib wants [0, 1]. The paired datasets store two
images side by side in one file, and which half is the model's *input* depends on the dataset.

The functions take numpy arrays or TensorFlow tensors alike (they only use arithmetic and
slicing), except where the docstring says numpy.
"""

from __future__ import annotations

import numpy as np

PIXEL_MAX = 127.5  # half of 255: x / 127.5 - 1 maps [0, 255] onto [-1, 1]
SIDES = ("left", "right")


def to_signed(pixels):
    """[0, 255] (uint8 or float) -> float in [-1, 1], the range of a tanh output.

    Tensors stay tensors (float32); numpy arrays come back as float32 arrays.
    """
    if isinstance(pixels, np.ndarray) or np.isscalar(pixels):
        return np.asarray(pixels, np.float32) / PIXEL_MAX - 1.0
    import tensorflow as tf

    return tf.cast(pixels, tf.float32) / PIXEL_MAX - 1.0


def to_unit(images) -> np.ndarray:
    """[-1, 1] -> [0, 1] float32 numpy array, clipped (what imshow and PSNR/SSIM expect)."""
    return np.clip((np.asarray(images, np.float32) + 1.0) / 2.0, 0.0, 1.0)


def to_uint8(images) -> np.ndarray:
    """[-1, 1] -> uint8 numpy array in [0, 255], rounded and clipped (what image files hold)."""
    return np.clip(np.rint((np.asarray(images, np.float32) + 1.0) * PIXEL_MAX), 0,
                   255).astype(np.uint8)


def check_side(input_side: str) -> None:
    """Raise ValueError unless `input_side` names a half of a pair ("left" or "right")."""
    if input_side not in SIDES:
        raise ValueError(f"input_side must be 'left' or 'right', not {input_side!r}")


def split_pair(image, input_side: str):
    """(H, 2W, C) side-by-side pair -> (input_image, target_image), each (H, W, C).

    `input_side` says which half the model reads: "right" for facades and cityscapes (the label
    map; the photo is on the left), "left" for Sketch2Pokemon (the sketch). Works on numpy
    arrays and tensors; the width must be even.
    """
    check_side(input_side)
    half = image.shape[1] // 2 if image.shape[1] is not None else None
    if half is None:  # a tf.function tensor of unknown width
        import tensorflow as tf

        half = tf.shape(image)[1] // 2
    left, right = image[:, :half], image[:, half:]
    return (right, left) if input_side == "right" else (left, right)
