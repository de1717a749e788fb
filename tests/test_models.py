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


@pytest.mark.parametrize(
    "shape, filters, kernel, kwargs",
    [
        ((3, 7, 7, 16), 8, 5, {"use_bias": False}),  # the DCGAN layer, scaled down
        ((2, 6, 9, 5), 4, (3, 5), {"activation": "tanh"}),  # non-square, bias, activation
        ((2, 5, 5, 3), 4, 4, {}),  # even kernel: the stock computation
        ((2, 5, 5, 3), 4, 5, {"strides": 2}),  # strided: the stock computation
    ],
)
def test_fourier_conv2d_transpose_matches_stock_layer(shape, filters, kernel, kwargs):
    """Same weights in, same outputs and same gradients out (to float32 rounding)."""
    import keras
    import tensorflow as tf

    x = tf.random.stateless_normal(shape, seed=[1, 2])
    stock = keras.layers.Conv2DTranspose(filters, kernel, padding="same", **kwargs)
    fourier = models.FourierConv2DTranspose(filters, kernel, padding="same", **kwargs)
    stock.build(shape)
    fourier.build(shape)
    fourier.set_weights([w + 0.1 for w in stock.get_weights()])  # a bias != 0 matters too
    stock.set_weights(fourier.get_weights())
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        a, b = stock(x), fourier(x)
        weight = tf.random.stateless_normal(a.shape, seed=[3, 4])
        loss_a, loss_b = tf.reduce_sum(a * weight), tf.reduce_sum(b * weight)
    assert b.shape == a.shape
    np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-4, atol=1e-5)
    for grad_a, grad_b in zip(tape.gradient(loss_a, [x, *stock.trainable_weights]),
                              tape.gradient(loss_b, [x, *fourier.trainable_weights])):
        np.testing.assert_allclose(grad_b.numpy(), grad_a.numpy(), rtol=1e-4, atol=1e-4)


def test_fourier_matrices_are_an_exact_transform_pair():
    """Transforming an image and a kernel, multiplying and transforming back is the 'same'
    transposed convolution (checked against numpy's direct sum)."""
    rng = np.random.default_rng(0)
    image, kernel = rng.standard_normal((7, 7)), rng.standard_normal((5, 5))
    i_re, i_im, k_re, k_im, b_re, b_im = models.fourier_matrices(7, 7, 5, 5)
    x_re, x_im = i_re @ image.ravel(), i_im @ image.ravel()
    w_re, w_im = k_re @ kernel.ravel(), k_im @ kernel.ravel()
    y = b_re @ (x_re * w_re - x_im * w_im) + b_im @ (x_re * w_im + x_im * w_re)
    full = np.zeros((11, 11))  # a transposed convolution scatters each input pixel's kernel
    for i in range(7):
        for j in range(7):
            full[i:i + 5, j:j + 5] += image[i, j] * kernel
    np.testing.assert_allclose(y.reshape(7, 7), full[2:9, 2:9], atol=1e-4)
    assert i_re.shape == (9 * 5, 49)  # 9x9 DFT (not 11x11): 45 frequencies


def test_dcgan_weight_files_interchange_with_stock_layers(tmp_path):
    """The fast generator saves and loads the same .weights.h5 paths as the lesson's stock one."""
    import keras

    fast = models.dcgan_generator()
    stock = keras.models.clone_model(fast, clone_function=lambda layer: (
        keras.layers.Conv2DTranspose.from_config(layer.get_config())
        if isinstance(layer, models.FourierConv2DTranspose) else layer.__class__.from_config(
            layer.get_config())))
    assert not any(isinstance(layer, models.FourierConv2DTranspose) for layer in stock.layers)
    fast.save_weights(tmp_path / "g.weights.h5")
    stock.load_weights(tmp_path / "g.weights.h5")
    z = np.random.default_rng(1).standard_normal((4, models.NOISE_DIM)).astype("float32")
    np.testing.assert_allclose(stock(z).numpy(), fast(z).numpy(), atol=1e-5)
