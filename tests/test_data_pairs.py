"""Paired images (course_lib.data.pairs): halves, resize/crop/normalize, jitter, pipelines."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from course_lib import data
from tests.data_helpers import (
    MIRROR,
    needs_mirror,
    private_cache,  # noqa: F401  (an autouse fixture)
)


@needs_mirror
def test_facades_split_counts():
    counts = {s: len(data.facades_files(s, MIRROR)) for s in ("train", "val", "test")}
    assert counts == {"train": 400, "val": 100, "test": 106}
    assert data.facades_files("train", MIRROR)[:3] == [
        str(MIRROR / "facades" / "train" / f"{n}.jpg") for n in (1, 2, 3)]
    assert len(data.cityscapes_files("val", MIRROR)) == 500


def test_load_splits_halves_by_input_side():
    path = data.facades_files("test", sample=True)[0]
    whole = tf.io.decode_jpeg(tf.io.read_file(path)).numpy().astype(np.float32)
    inp, real = data.load(path)
    assert inp.shape == real.shape == (256, 256, 3) and inp.dtype == tf.float32
    assert np.array_equal(real.numpy(), whole[:, :256])  # left: the photo (target)
    assert np.array_equal(inp.numpy(), whole[:, 256:])   # right: the label map (input)
    sketch, colour = data.load(path, input_side="left")
    assert np.array_equal(sketch.numpy(), whole[:, :256])
    with pytest.raises(ValueError, match="input_side"):
        data.load(path, input_side="top")


def test_resize_crop_normalize():
    x = tf.random.uniform((256, 256, 3), 0, 255)
    a, b = data.resize(x, x + 1, 286, 286)
    assert a.shape == b.shape == (286, 286, 3)
    ca, cb = data.random_crop(a, b)
    assert ca.shape == (256, 256, 3)
    assert np.allclose(cb.numpy() - ca.numpy(), 1.0)  # both crops come from the same window
    lo, hi = data.normalize(tf.zeros((2, 2, 3)), tf.fill((2, 2, 3), 255.0))
    assert float(tf.reduce_min(lo)) == -1.0 and float(tf.reduce_max(hi)) == 1.0


def _find_window(out: np.ndarray, big: np.ndarray) -> tuple[int, int, bool]:
    """Offset and mirroring of a 256 crop inside the 286 image (exact equality).

    Candidates are the places where the crop's first row matches (all found at once with a
    sliding window), then each candidate is compared whole.
    """
    size = out.shape[0]
    for flip in (False, True):
        src = big[:, ::-1] if flip else big
        rows = np.lib.stride_tricks.sliding_window_view(src[: big.shape[0] - size + 1], size,
                                                        axis=1)  # (dy, dx, C, size)
        first_row_matches = (rows == out[0].T).all(axis=(2, 3))
        for dy, dx in zip(*np.nonzero(first_row_matches)):
            if np.array_equal(src[dy:dy + size, dx:dx + size], out):
                return int(dy), int(dx), flip
    raise AssertionError("output is not a crop of the resized image")


def test_train_pipeline_really_jitters():
    tf.random.set_seed(7)
    path = data.facades_files("train", sample=True)[0]
    big_inp, big_real = data.normalize(*data.resize(*data.load(path), 286, 286))
    big_inp, big_real = big_inp.numpy(), big_real.numpy()
    windows = []
    for inp, real in data.pix2pix_dataset([path] * 12, training=True).as_numpy_iterator():
        assert inp.shape == real.shape == (1, 256, 256, 3)
        assert inp.min() >= -1.0 and inp.max() <= 1.0
        w_inp = _find_window(inp[0], big_inp)
        assert w_inp == _find_window(real[0], big_real)  # same crop and mirror for the pair
        windows.append(w_inp)
    assert len({w[:2] for w in windows}) > 1  # random crops
    assert {w[2] for w in windows} == {False, True}  # mirrors happen, but not always


def test_test_pipeline_is_deterministic():
    files = data.facades_files("test", sample=True)
    ds = data.pix2pix_dataset(files, training=False)
    first, second = list(ds.as_numpy_iterator()), list(ds.as_numpy_iterator())
    assert len(first) == 2
    for (a, b), (c, d) in zip(first, second):
        assert np.array_equal(a, c) and np.array_equal(b, d)
        assert a.shape == (1, 256, 256, 3) and a.min() >= -1 and a.max() <= 1
    expected = data.normalize(*data.load(files[0]))
    assert np.array_equal(first[0][0][0], expected[0].numpy())


def test_samples_are_verified_by_the_manifests():
    assert len(data.facades_files("train", sample=True)) == 4
    assert len(data.cityscapes_files("val", sample=True)) == 2
    with pytest.raises(data.DataError, match="sample has the splits"):
        data.facades_files("val", sample=True)
    total = sum(p.stat().st_size for p in data.SAMPLE_DIR.rglob("*") if p.is_file())
    assert total < 600_000
