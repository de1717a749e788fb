"""Architectures: output shapes, parameter counts from the spec, and Maxout's semantics."""

import numpy as np
import pytest

from course_lib import models


def test_pix2pix_functional_shapes_and_counts():
    g, d = models.unet_generator(), models.patchgan_discriminator()
    x = np.zeros((1, 256, 256, 3), np.float32)
    assert g.count_params() == 54_425_859
    assert d.count_params() == 2_770_433
    assert tuple(g(x).shape) == (1, 256, 256, 3)
    assert tuple(d([x, x]).shape) == (1, 30, 30, 1)


def test_downsample_upsample_shapes():
    x = np.random.default_rng(0).uniform(-1, 1, (1, 256, 256, 3)).astype(np.float32)
    down = models.downsample(3, 4)(x)
    assert tuple(down.shape) == (1, 128, 128, 3)
    assert tuple(models.upsample(3, 4)(down).shape) == (1, 256, 256, 3)


def test_subclassed_pix2pix_matches_functional():
    x = np.zeros((2, 256, 256, 3), np.float32)
    unet, d = models.UNetGenerator(), models.PatchGANDiscriminator()
    assert tuple(unet(x).shape) == (2, 256, 256, 3)
    assert tuple(d([x, x]).shape) == (2, 30, 30, 1)
    assert unet.count_params() == 54_425_859
    assert d.count_params() == 2_770_433
    plain = models.EncoderDecoderGenerator()
    assert tuple(plain(x).shape) == (2, 256, 256, 3)
    assert plain.count_params() < unet.count_params()  # no skip-widened decoder inputs


def test_dcgan_shapes():
    g, d = models.dcgan_generator(), models.dcgan_discriminator()
    z = np.zeros((3, models.NOISE_DIM), np.float32)
    images = g(z)
    assert tuple(images.shape) == (3, 28, 28, 1)
    assert tuple(d(images).shape) == (3, 1)
    shapes = [tuple(layer.output.shape[1:]) for layer in g.layers if "conv2d_transpose" in
              layer.name or layer.name.startswith("reshape")]
    assert shapes == [(7, 7, 256), (7, 7, 128), (14, 14, 64), (28, 28, 1)]


@pytest.mark.parametrize(
    ("cls", "params"),
    [(models.GeneratorGAN, 579_728), (models.GeneratorCGAN, 693_520),
     (models.DiscriminatorGAN, 566_273), (models.DiscriminatorCGAN, 1_224_351)],
)
def test_mlp_models_build_and_count(cls, params):
    model = models.build(cls())
    assert model.count_params() == params


def test_mlp_model_shapes():
    z = np.zeros((4, 100), np.float32)
    y = np.eye(10, dtype=np.float32)[[1, 2, 3, 4]]
    assert tuple(models.GeneratorGAN()(z).shape) == (4, 28, 28, 1)
    image = models.GeneratorCGAN()(z, y)
    assert tuple(image.shape) == (4, 28, 28, 1)
    assert tuple(models.DiscriminatorCGAN()(image, y).shape) == (4, 1)
    assert tuple(models.DiscriminatorGAN()(image).shape) == (4, 1)


def test_maxout_takes_max_over_pieces():
    layer = models.Maxout(240, 5)
    x = np.random.default_rng(1).normal(size=(4, 784)).astype(np.float32)
    out = np.asarray(layer(x, training=False))
    assert out.shape == (4, 240)
    # Recompute by hand: relu(xW + b) viewed as (N, pieces, units), max over pieces.
    kernel, bias = (np.asarray(v) for v in layer.dense.weights)
    pieces = np.maximum(x @ kernel + bias, 0).reshape(4, 5, 240)
    np.testing.assert_allclose(out, pieces.max(axis=1), rtol=1e-5, atol=1e-5)
    # A wrong axis (max over units, or over a size-1 axis) would give something else.
    assert not np.allclose(out[:, :5], pieces.max(axis=2)[:, :5])


def test_maxout_widths_for_q3():
    d = models.build(models.DiscriminatorCGAN())
    image = np.zeros((1, 784), np.float32)
    label = np.eye(10, dtype=np.float32)[[3]]
    a = d.image_block(image)
    b = d.label_block(label)
    c = d.combine_block(np.concatenate([a, b], axis=-1))
    assert (a.shape[-1], b.shape[-1], c.shape[-1]) == (240, 50, 240)


def test_build_rejects_unknown_model():
    with pytest.raises(TypeError, match="build"):
        models.build(models.dcgan_generator())


def test_mask_dropout_equals_keras_dropout_bit_for_bit():
    """Same seed -> the same mask, output and input gradient as `layers.Dropout`, step after
    step (the DCGAN discriminator relies on it to learn exactly what the lesson's learns)."""
    import keras
    import tensorflow as tf

    x = tf.constant(np.random.default_rng(0).normal(size=(8, 14, 14, 16)), tf.float32)
    keras.utils.set_random_seed(4)
    stock = keras.layers.Dropout(0.3)
    keras.utils.set_random_seed(4)
    masked = models.MaskDropout(0.3)
    for _ in range(3):  # each call draws a fresh mask from the layer's seed generator
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            a, b = stock(x, training=True), masked(x, training=True)
            loss_a, loss_b = tf.reduce_sum(a * x), tf.reduce_sum(b * x)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        np.testing.assert_array_equal(tape.gradient(loss_a, x), tape.gradient(loss_b, x))
        assert 0.25 < float(tf.reduce_mean(tf.cast(b == 0, tf.float32))) < 0.35
    np.testing.assert_array_equal(masked(x, training=False).numpy(), x.numpy())
