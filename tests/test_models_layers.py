"""The fast drop-in layers compute what the stock layers compute, and save like them."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_lib.models import layers, mnist


def test_mask_dropout_equals_keras_dropout_bit_for_bit():
    """Same seed -> the same mask, output and input gradient as `layers.Dropout`, step after
    step (the DCGAN discriminator relies on it to learn exactly what the lesson's learns)."""
    x = tf.constant(np.random.default_rng(0).normal(size=(8, 14, 14, 16)), tf.float32)
    keras.utils.set_random_seed(4)
    stock = keras.layers.Dropout(0.3)
    keras.utils.set_random_seed(4)
    masked = layers.MaskDropout(0.3)
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
    x = tf.random.stateless_normal(shape, seed=[1, 2])
    stock = keras.layers.Conv2DTranspose(filters, kernel, padding="same", **kwargs)
    fourier = layers.FourierConv2DTranspose(filters, kernel, padding="same", **kwargs)
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
    i_re, i_im, k_re, k_im, b_re, b_im = layers.fourier_matrices(7, 7, 5, 5)
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
    fast = mnist.dcgan_generator()
    stock = keras.models.clone_model(fast, clone_function=lambda layer: (
        keras.layers.Conv2DTranspose.from_config(layer.get_config())
        if isinstance(layer, layers.FourierConv2DTranspose) else layer.__class__.from_config(
            layer.get_config())))
    assert not any(isinstance(layer, layers.FourierConv2DTranspose) for layer in stock.layers)
    fast.save_weights(tmp_path / "g.weights.h5")
    stock.load_weights(tmp_path / "g.weights.h5")
    z = np.random.default_rng(1).standard_normal((4, mnist.NOISE_DIM)).astype("float32")
    np.testing.assert_allclose(stock(z).numpy(), fast(z).numpy(), atol=1e-5)


def test_the_renamed_fourier_layer_saves_like_the_stock_layer():
    """The reason for `__name__ = "Conv2DTranspose"`: weight files name layers by class."""
    assert layers.FourierConv2DTranspose.__name__ == "Conv2DTranspose"
    assert layers.fourier_layer_saves_like_stock()
    generator = mnist.dcgan_generator()
    assert any(isinstance(layer, layers.FourierConv2DTranspose) for layer in generator.layers)


def test_dcgan_falls_back_on_the_stock_layer_when_the_rename_does_not_apply(tmp_path):
    """A Keras that stored this layer under another name would break the shipped DCGAN weights;
    simulated by undoing the rename: the probe notices, and the generator is built from stock
    layers whose files still load into the lesson's model."""
    cls = layers.FourierConv2DTranspose
    cls.__name__ = "FourierConv2DTranspose"  # (monkeypatch cannot restore a class's __name__)
    layers.fourier_layer_saves_like_stock.cache_clear()
    try:
        assert not layers.fourier_layer_saves_like_stock()
        generator = mnist.dcgan_generator()
    finally:
        cls.__name__ = "Conv2DTranspose"
        layers.fourier_layer_saves_like_stock.cache_clear()
    assert not any(isinstance(layer, layers.FourierConv2DTranspose)
                   for layer in generator.layers)
    generator.save_weights(tmp_path / "g.weights.h5")
    fast = mnist.dcgan_generator()  # the rename applies again: the fast layer is back
    assert any(isinstance(layer, layers.FourierConv2DTranspose) for layer in fast.layers)
    fast.load_weights(tmp_path / "g.weights.h5")
    z = np.random.default_rng(2).standard_normal((2, mnist.NOISE_DIM)).astype("float32")
    np.testing.assert_allclose(fast(z).numpy(), generator(z).numpy(), atol=1e-5)


def test_the_probe_leaves_the_global_seed_alone():
    """Probing (once per process) must not shift the weights of the next model built after
    `set_random_seed`: the seeded comparisons with the lesson's code rely on it."""
    layers.fourier_layer_saves_like_stock.cache_clear()
    keras.utils.set_random_seed(11)
    layers.fourier_layer_saves_like_stock()
    probed = keras.layers.Dense(3)
    probed.build((None, 2))
    keras.utils.set_random_seed(11)
    plain = keras.layers.Dense(3)
    plain.build((None, 2))
    np.testing.assert_array_equal(probed.kernel.numpy(), plain.kernel.numpy())
