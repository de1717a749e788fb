"""Inference: reproducible dropout, and `translate_dir` reads the right half and keeps stems."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from weights_fixtures import tiny_convnet

from course_lib import inference as W


def test_dropout_seed_makes_translation_reproducible():
    keras.utils.set_random_seed(0)
    model = tiny_convnet()
    x = np.random.default_rng(2).uniform(-1, 1, (64, 64, 3)).astype(np.float32)
    first = W.translate_image(model, x, seed=5)
    model(x[None], training=True)  # advances the dropout state...
    np.testing.assert_array_equal(W.translate_image(model, x, seed=5), first)  # ...reset here
    assert not np.array_equal(W.translate_image(model, x, seed=6), first)


def test_translate_uses_the_input_half_and_keeps_stems(tmp_path):
    identity = keras.Sequential([keras.Input((256, 256, 3)), keras.layers.Activation("linear")])
    src = tmp_path / "in"
    src.mkdir()
    pair = np.zeros((256, 512, 3), np.uint8)
    pair[:, 256:] = 255  # right half (the facades input) white, left half black
    tf.io.write_file(str(src / "pair.jpg"), tf.io.encode_jpeg(pair, quality=100))
    square = np.full((128, 128, 3), 64, np.uint8)
    tf.io.write_file(str(src / "single.png"), tf.io.encode_png(square))

    written = W.translate_dir("pix2pix-facades", src, tmp_path / "out", generator=identity)
    assert [p.name for p in written] == ["pair.png", "single.png"]
    out = tf.io.decode_png(tf.io.read_file(str(written[0]))).numpy()
    assert out.shape == (256, 256, 3) and out.min() > 250  # the right half
    assert np.all(tf.io.decode_png(tf.io.read_file(str(written[1]))).numpy() == 64)

    pokemon = W.translate_dir("pix2pix-pokemon", src, tmp_path / "poke", generator=identity)
    assert tf.io.decode_png(tf.io.read_file(str(pokemon[0]))).numpy().max() < 5  # left half

    tf.io.write_file(str(src / "odd.png"), tf.io.encode_png(np.zeros((200, 300, 3), np.uint8)))
    with pytest.raises(W.WeightsError, match="odd.png.*found 300x200"):
        W.translate_dir("pix2pix-facades", src, tmp_path / "out", generator=identity)
