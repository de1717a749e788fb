"""MNIST (course_lib.data.mnist): IDX files, tfds, the embedded sample, preprocessing, pipelines.

Uses the real MNIST in `COURSE_DATA_DIR` read-only; tests needing it are skipped otherwise.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from course_lib import data
from course_lib.data import mnist
from tests.data_helpers import (
    MIRROR,
    needs_mirror,
    private_cache,  # noqa: F401  (an autouse fixture)
)


@needs_mirror
def test_mnist_arrays_from_idx():
    images, labels = data.load_mnist_arrays("test", MIRROR)
    assert images.shape == (10_000, 28, 28, 1) and images.dtype == np.uint8
    assert labels.shape == (10_000,) and labels.dtype == np.int64
    assert images.max() == 255 and images.min() == 0
    assert set(np.unique(labels)) == set(range(10))


@needs_mirror
def test_load_mnist_through_tfds_matches_the_idx_files():
    ds = data.load_mnist("test", MIRROR)  # tfds builds from the local files (once)
    spec = ds.element_spec
    assert spec["image"].shape == (28, 28, 1) and spec["image"].dtype == tf.uint8
    assert spec["label"].shape == () and spec["label"].dtype == tf.int64
    batch = next(ds.batch(10_000).as_numpy_iterator())
    images, labels = data.load_mnist_arrays("test", MIRROR)
    # tfds stores the split in its own order: compare order-free statistics.
    assert np.array_equal(np.bincount(batch["label"]), np.bincount(labels))
    assert batch["image"].astype(np.int64).sum() == images.astype(np.int64).sum()
    assert data.load_mnist("test", MIRROR, backend="idx").element_spec == spec


@needs_mirror
def test_mnist_preprocessing_and_builders():
    example = next(iter(data.load_mnist("train", MIRROR, backend="idx")))
    image = data.gan_preprocessing(example)
    assert image.shape == (28, 28, 1) and image.dtype == tf.float32
    assert -1.0 <= float(tf.reduce_min(image)) and float(tf.reduce_max(image)) <= 1.0
    image2, onehot = data.cgan_preprocessing(example)
    assert onehot.shape == (10,) and onehot.dtype == tf.float32
    assert int(tf.argmax(onehot)) == int(example["label"]) and float(tf.reduce_sum(onehot)) == 1

    gan = next(iter(data.mnist_gan_dataset(batch_size=8, limit=32, data_dir=MIRROR)))
    assert gan.shape == (8, 28, 28, 1) and gan.dtype == tf.float32
    assert float(tf.reduce_min(gan)) == -1.0 and float(tf.reduce_max(gan)) == 1.0
    images, labels = next(iter(data.mnist_cgan_dataset(batch_size=8, limit=32, data_dir=MIRROR)))
    assert images.shape == (8, 28, 28, 1) and labels.shape == (8, 10)
    batches = list(data.mnist_dcgan_dataset(batch_size=256, limit=600, data_dir=MIRROR))
    assert [b.shape[0] for b in batches] == [256, 256, 88]


def test_mnist_sample_when_asked(capsys):
    images, labels = data.load_mnist_arrays(sample=True)
    assert images.shape == (40, 28, 28, 1) and images.dtype == np.uint8
    assert np.array_equal(np.bincount(labels), [4] * 10)
    assert "EMBEDDED MNIST SAMPLE" in capsys.readouterr().out


def test_mnist_without_data_or_network_falls_back_to_the_sample(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(mnist, "network_available", lambda *a, **k: False)
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))  # no prepared tfds copy either
    ds = data.load_mnist("train", tmp_path / "nothing")
    assert ds.cardinality().numpy() == 40
    out = capsys.readouterr().out
    assert "EMBEDDED MNIST SAMPLE" in out and "no local MNIST and no network" in out
    with pytest.raises(data.DataError, match="data import mnist"):
        data.load_mnist("train", tmp_path / "nothing", backend="idx")
