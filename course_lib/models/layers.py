"""Drop-in Keras layers that compute what a stock layer computes, faster on a CPU.

* `FourierConv2DTranspose`: `layers.Conv2DTranspose` by the convolution theorem (stride 1,
  'same' padding), with the stock layer's weights and weight-file entries;
* `MaskDropout`: `layers.Dropout` with the same mask, by two multiplications.

The DCGAN of lesson 01 (`course_lib.models.mnist`) uses both.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import h5py
import keras
import numpy as np
from keras import layers, ops


def fourier_matrices(height: int, width: int, kernel_h: int, kernel_w: int
                     ) -> tuple[np.ndarray, ...]:
    """Real matrices for a stride-1 'same' transposed convolution done in the Fourier domain.

    Returns (image_re, image_im, kernel_re, kernel_im, back_re, back_im), float32:
    image_*: (F, height*width), the real and imaginary parts of the 2-D real DFT of an image;
    kernel_*: (F, kernel_h*kernel_w), the same for a kernel; back_*: (height*width, F), the
    inverse DFT cropped to the 'same' output window. F = n_h * (n_w // 2 + 1) frequencies.

    The DFT size n = size + kernel - 1 - pad is the smallest whose wrap-around (a DFT computes
    a circular convolution) lands only on outputs that the 'same' crop throws away. The DFT is
    linear, so its matrix is simply the transform of each unit image (float64, then float32).
    """
    pad_h, pad_w = (kernel_h - 1) // 2, (kernel_w - 1) // 2
    n_h, n_w = height + kernel_h - 1 - pad_h, width + kernel_w - 1 - pad_w
    units = np.eye(height * width).reshape(-1, height, width)
    image = np.fft.rfft2(units, s=(n_h, n_w)).reshape(height * width, -1).T
    kernel_units = np.eye(kernel_h * kernel_w).reshape(-1, kernel_h, kernel_w)
    kernel = np.fft.rfft2(kernel_units, s=(n_h, n_w)).reshape(kernel_h * kernel_w, -1).T
    n_freq = image.shape[0]
    spectra = np.eye(n_freq).reshape(n_freq, n_h, n_w // 2 + 1)

    def back(unit_spectra):  # (F, n_h, n_w//2+1) -> (height*width, F)
        full = np.fft.irfft2(unit_spectra, s=(n_h, n_w))
        return full[:, pad_h:pad_h + height, pad_w:pad_w + width].reshape(n_freq, -1).T

    mats = (image.real, image.imag, kernel.real, kernel.imag, back(spectra), back(1j * spectra))
    return tuple(m.astype(np.float32) for m in mats)


class FourierConv2DTranspose(layers.Conv2DTranspose):
    """`layers.Conv2DTranspose` with the same weights and results, computed by the convolution
    theorem when it is stride 1 with 'same' padding (else exactly the stock layer).

    Why: the DCGAN's 7x7x256 -> 7x7x128 transposed convolution with a 5x5 kernel is about half
    of a DCGAN train step on a CPU. In the Fourier domain a convolution is a product per
    frequency, so the 25 kernel taps x 49 positions per channel pair shrink to 45 complex
    products (each a small (batch, in) x (in, out) matrix product); the transforms themselves
    are small matrix products too (`fourier_matrices`). Forward and backward together run about
    2x faster here; results agree with the stock layer to float32 rounding (about 1e-6
    relative, tested). Backpropagation needs nothing special: every op is a matmul or reshape.
    """

    def build(self, input_shape):
        super().build(input_shape)
        _, height, width, _ = input_shape
        self._fourier = (
            self.data_format == "channels_last" and tuple(self.strides) == (1, 1)
            and self.padding == "same" and tuple(self.dilation_rate) == (1, 1)
            and self.output_padding is None and height is not None and width is not None
            and all(k % 2 == 1 for k in self.kernel_size))
        if self._fourier:
            self._matrices = fourier_matrices(height, width, *self.kernel_size)

    def call(self, inputs):
        # The matmul formulation is written in TensorFlow ops; other backends (JAX on a GPU,
        # where the stock layer is fast anyway) take the stock path with the same weights.
        if not self._fourier or keras.backend.backend() != "tensorflow":
            return super().call(inputs)
        import tensorflow as tf

        image_re, image_im, kernel_re, kernel_im, back_re, back_im = self._matrices
        _, height, width, channels = inputs.shape
        pixels, filters = height * width, self.filters
        taps = self.kernel_size[0] * self.kernel_size[1]
        # (N,H,W,C) -> (H*W, N*C): every channel of every image is one column to transform.
        columns = tf.reshape(tf.transpose(tf.reshape(inputs, [-1, pixels, channels]), [1, 0, 2]),
                             [pixels, -1])
        x_re = tf.reshape(image_re @ columns, [-1, tf.shape(inputs)[0], channels])  # (F,N,C)
        x_im = tf.reshape(image_im @ columns, [-1, tf.shape(inputs)[0], channels])
        kernel = tf.reshape(self.kernel, [taps, filters * channels])  # (kh*kw, out*in)
        w_re = tf.reshape(kernel_re @ kernel, [-1, filters, channels])  # (F,out,in)
        w_im = tf.reshape(kernel_im @ kernel, [-1, filters, channels])

        def per_frequency(a, b):  # (F,N,in) x (F,out,in) -> (F,N,out)
            return tf.matmul(a, b, transpose_b=True)

        y_re = per_frequency(x_re, w_re) - per_frequency(x_im, w_im)  # complex product,
        y_im = per_frequency(x_re, w_im) + per_frequency(x_im, w_re)  # summed over channels
        n_freq = image_re.shape[0]
        out = (back_re @ tf.reshape(y_re, [n_freq, -1])
               + back_im @ tf.reshape(y_im, [n_freq, -1]))  # (H*W, N*out)
        out = tf.reshape(tf.transpose(tf.reshape(out, [pixels, -1, filters]), [1, 0, 2]),
                         [-1, height, width, filters])
        if self.use_bias:
            out = out + self.bias
        return self.activation(out)


# Why the rename: a `.weights.h5` file does not name a layer by its `name` but by its class,
# `snake_case(type(layer).__name__)` ("conv2d_transpose", then "conv2d_transpose_1", ... in a
# model's layer list). Under its own name this layer would be stored as
# "fourier_conv2d_transpose", and the shipped DCGAN weights, saved from the lesson's stock
# layers, would no longer load (nor would our files load into the lesson's model). Keras reads
# that name at save/load time, so the stock class name keeps both directions working; whether it
# still does in the installed Keras is checked by `fourier_layer_saves_like_stock`.
FourierConv2DTranspose.__name__ = "Conv2DTranspose"


def _weight_entries(layer: layers.Layer) -> set[str]:
    """The dataset paths of a .weights.h5 file written from a (1 layer) model holding `layer`."""
    model = keras.Sequential([keras.Input((3, 3, 1)), layer])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "probe.weights.h5"
        model.save_weights(path)
        entries: set[str] = set()
        with h5py.File(path, "r") as f:
            f.visit(entries.add)
    return entries


@functools.cache
def fourier_layer_saves_like_stock() -> bool:
    """Whether `FourierConv2DTranspose` writes the weight-file entries of the stock layer.

    True with the Keras this course is tested on. Checked once per process, by saving two tiny
    models (a few milliseconds): a Keras that names weight-file entries some other way (e.g.
    by registered name) makes this False, and the DCGAN then falls back on the stock layer:
    slower, but its weight files stay interchangeable with the lesson's.
    """
    # Zero initializers: the probe must not draw from Keras' global seed, or the first model
    # built after `keras.utils.set_random_seed` would get other weights than without the probe.
    fixed = {"padding": "same", "kernel_initializer": "zeros", "bias_initializer": "zeros"}
    return (_weight_entries(FourierConv2DTranspose(1, 3, **fixed))
            == _weight_entries(layers.Conv2DTranspose(1, 3, **fixed)))


class MaskDropout(layers.Dropout):
    """`layers.Dropout` with the same mask and the same result, computed more cheaply.

    Keras' TensorFlow backend drops with `where(keep, x * scale, 0)`, whose broadcasting
    select is slow on the CPU in both directions (about 10% of a DCGAN step). Here the same
    uniform draw (same seed generator, same stateless op) gives the same `keep` mask, and the
    output is `x * (keep * scale)`: bit for bit the same values and the same gradient,
    `grad * keep * scale`, from two plain multiplications.
    """

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        uniform = keras.random.uniform(ops.shape(inputs), dtype=inputs.dtype,
                                       seed=self.seed_generator)
        scale = 1.0 / (1.0 - self.rate)
        return inputs * (ops.cast(uniform >= self.rate, inputs.dtype) * scale)

