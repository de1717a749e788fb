"""Every network the course trains, in Keras 3.

Three families, in lesson order:

* MNIST MLPs, written with the **subclassing API** as lesson 02 teaches: `GeneratorGAN`,
  `DiscriminatorGAN`, `GeneratorCGAN`, `Maxout`, `DiscriminatorCGAN`.
* The DCGAN of lesson 01 (functional `Sequential` models): `dcgan_generator`,
  `dcgan_discriminator`; two drop-in layers that compute the same thing faster on a CPU:
  `FourierConv2DTranspose` and `MaskDropout`.
* Pix2Pix (lesson 03, functional API): `downsample`, `upsample`, `unet_generator`,
  `patchgan_discriminator`; and the same ideas rebuilt by subclassing for lesson 04:
  `EncoderBlock`, `DecoderBlock`, `EncoderDecoderGenerator`, `UNetGenerator`,
  `PatchGANDiscriminator`.

Shapes are written as (batch, height, width, channels); `N` is the batch size.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

NOISE_DIM = 100  # length of the latent vector z for every MNIST model
NUM_CLASSES = 10  # MNIST digits, one-hot encoded for the conditional models


# --------------------------------------------------------------------------------------------
# Lesson 02: MLP GAN and conditional GAN (subclassing API)
# --------------------------------------------------------------------------------------------


class GeneratorGAN(keras.Model):
    """z (N,100) -> image (N,28,28,1) in [-1,1]: Dense 128 -> 256 -> 512 (relu) -> 784 (tanh)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense_1 = layers.Dense(128, activation="relu")
        self.dense_2 = layers.Dense(256, activation="relu")
        self.dense_3 = layers.Dense(512, activation="relu")
        self.dense_4 = layers.Dense(28 * 28 * 1, activation="tanh")  # tanh matches data in [-1,1]
        self.reshape = layers.Reshape((28, 28, 1))

    def call(self, noise):
        x = self.dense_3(self.dense_2(self.dense_1(noise)))
        return self.reshape(self.dense_4(x))


class GeneratorCGAN(keras.Model):
    """(z (N,100), one-hot y (N,10)) -> image (N,28,28,1).

    Each input gets its own Dense 256 (relu); the two are concatenated (N,512) and go through
    Dense 512 (relu) and Dense 784 (tanh).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense_z = layers.Dense(256, activation="relu")
        self.dense_y = layers.Dense(256, activation="relu")
        self.combined_dense = layers.Dense(512, activation="relu")
        self.final_dense = layers.Dense(28 * 28 * 1, activation="tanh")
        self.reshape = layers.Reshape((28, 28, 1))

    def call(self, noise, label):
        x = ops.concatenate([self.dense_z(noise), self.dense_y(label)], axis=-1)
        return self.reshape(self.final_dense(self.combined_dense(x)))


class DiscriminatorGAN(keras.Model):
    """image (N,28,28,1) -> logit (N,1): Flatten -> Dense 512, 256, 128 (relu) -> Dense 1.

    `activation` is the hidden layers' activation: "relu" is the lesson's seed recipe,
    "leaky_relu" (Keras' slope 0.2) keeps a gradient for inputs a unit has switched off.
    `dropout` > 0 adds Dropout after each hidden layer (as in Goodfellow et al.'s MNIST
    discriminator): a noisier critic that cannot memorise which samples are real.
    """

    def __init__(self, activation: str = "relu", dropout: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.flatten = layers.Flatten()
        # A list of layers built in a loop: Keras tracks the list, so the weights are found.
        self.blocks = [layers.Dense(f, activation=activation) for f in (512, 256, 128)]
        self.blocks.append(layers.Dense(1))  # a raw logit: the loss applies the sigmoid
        self.dropouts = [layers.Dropout(dropout) for _ in range(3)] if dropout else []

    def call(self, x, training=None):
        x = self.flatten(x)
        for i, block in enumerate(self.blocks):
            x = block(x)
            if i < len(self.dropouts):
                x = self.dropouts[i](x, training=training)
        return x


def maxout(z, units: int, pieces: int):
    """(N, units*pieces) -> (N, units): for each unit, the largest of its `pieces` candidates.

    The view is (N, pieces, units), pieces first, as in `Maxout`; the reference answer of
    exercise 02-ex1, which notebook 02 falls back on when the learner's is missing.
    """
    return ops.max(ops.reshape(z, (-1, pieces, units)), axis=1)


class Maxout(layers.Layer):
    """Maxout(units, pieces): (N, d) -> (N, units).

    One Dense layer computes `pieces` candidate vectors of width `units` at once
    (N, units*pieces); we view them as (N, pieces, units) and keep, for each unit, the largest
    piece. The max must run over the *pieces* axis (axis -2 here): reducing over any other axis
    silently turns the layer into something that is not a maxout.

    Like the course's source lesson, the pieces go through ReLU and Dropout(0.5) before the max.
    Goodfellow et al.'s paper uses linear pieces; we keep the lesson's choice and say so.
    """

    def __init__(self, units: int, pieces: int, dropout: float = 0.5, **kwargs):
        super().__init__(**kwargs)
        self.units, self.pieces = units, pieces
        self.dense = layers.Dense(units * pieces, activation="relu")
        self.dropout = layers.Dropout(dropout)
        self.reshape = layers.Reshape((pieces, units))

    def call(self, x, training=None):
        x = self.dropout(self.dense(x), training=training)
        return ops.max(self.reshape(x), axis=-2)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)


class DiscriminatorCGAN(keras.Model):
    """(image (N,28,28,1), one-hot y (N,10)) -> logit (N,1).

    image -> Flatten -> Maxout(240,5) -> (N,240); label -> Maxout(50,5) -> (N,50);
    concat (N,290) -> Maxout(240,4) -> (N,240) -> Dense 1.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.flatten = layers.Flatten()
        self.image_block = Maxout(240, 5)
        self.label_block = Maxout(50, 5)
        self.combine_block = Maxout(240, 4)
        self.dense = layers.Dense(1)

    def call(self, image, label, training=None):
        image = self.image_block(self.flatten(image), training=training)
        label = self.label_block(label, training=training)
        x = self.combine_block(ops.concatenate([image, label], axis=-1), training=training)
        return self.dense(x)


def build(model: keras.Model) -> keras.Model:
    """Create a subclassed MNIST model's weights by calling it once on zeros.

    Subclassed models have no weights until their first call; loading weights or counting
    parameters needs them.
    """
    z = ops.zeros((1, NOISE_DIM))
    y = ops.zeros((1, NUM_CLASSES))
    image = ops.zeros((1, 28, 28, 1))
    if isinstance(model, GeneratorGAN):
        model(z)
    elif isinstance(model, GeneratorCGAN):
        model(z, y)
    elif isinstance(model, DiscriminatorGAN):
        model(image)
    elif isinstance(model, DiscriminatorCGAN):
        model(image, y)
    else:
        raise TypeError(f"build() knows the four MNIST MLP models, not {type(model).__name__}")
    return model


# --------------------------------------------------------------------------------------------
# Lesson 01: DCGAN on MNIST
# --------------------------------------------------------------------------------------------


def dcgan_generator() -> keras.Sequential:
    """z (N,100) -> image (N,28,28,1) in [-1,1] by transposed convolutions.

    7x7x256 -> 7x7x128 -> 14x14x64 -> 28x28x1. No biases before BatchNorm: BN's shift makes them
    redundant.
    """
    return keras.Sequential(
        [
            keras.Input((NOISE_DIM,)),
            layers.Dense(7 * 7 * 256, use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.Reshape((7, 7, 256)),  # (N,7,7,256)
            # The lesson's Conv2DTranspose(128, 5), computed by the convolution theorem.
            FourierConv2DTranspose(128, 5, strides=1, padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),  # (N,7,7,128)
            layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),  # (N,14,14,64)
            layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False,
                                   activation="tanh"),  # (N,28,28,1)
        ],
        name="dcgan_generator",
    )


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


# Weight files (.weights.h5) name a layer after its class. Keeping the stock class name keeps the
# DCGAN's files interchangeable with a generator built from stock layers, as lesson 01 builds it.
FourierConv2DTranspose.__name__ = "Conv2DTranspose"


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


def dcgan_discriminator() -> keras.Sequential:
    """image (N,28,28,1) -> logit (N,1): two strided 5x5 convolutions with dropout, then Dense."""
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(64, 5, strides=2, padding="same"),  # (N,14,14,64)
            layers.LeakyReLU(),
            MaskDropout(0.3),
            layers.Conv2D(128, 5, strides=2, padding="same"),  # (N,7,7,128)
            layers.LeakyReLU(),
            MaskDropout(0.3),
            layers.Flatten(),
            layers.Dense(1),
        ],
        name="dcgan_discriminator",
    )


# --------------------------------------------------------------------------------------------
# Lesson 03: Pix2Pix (functional API)
# --------------------------------------------------------------------------------------------

OUTPUT_CHANNELS = 3


def _init():
    # The pix2pix paper initialises every convolution from N(0, 0.02).
    return keras.initializers.RandomNormal(0.0, 0.02)


def downsample(filters: int, size: int, apply_batchnorm: bool = True) -> keras.Sequential:
    """Conv2D(stride 2) -> [BatchNorm] -> LeakyReLU: halves height and width."""
    block = keras.Sequential(name=None)
    block.add(layers.Conv2D(filters, size, strides=2, padding="same",
                            kernel_initializer=_init(), use_bias=False))
    if apply_batchnorm:
        block.add(layers.BatchNormalization())
    block.add(layers.LeakyReLU())
    return block


def upsample(filters: int, size: int, apply_dropout: bool = False) -> keras.Sequential:
    """Conv2DTranspose(stride 2) -> BatchNorm -> [Dropout 0.5] -> ReLU: doubles height and width.

    Dropout is Pix2Pix's only source of noise (it stays on at inference, see lesson 03).
    """
    block = keras.Sequential()
    block.add(layers.Conv2DTranspose(filters, size, strides=2, padding="same",
                                     kernel_initializer=_init(), use_bias=False))
    block.add(layers.BatchNormalization())
    if apply_dropout:
        block.add(layers.Dropout(0.5))
    block.add(layers.ReLU())
    return block


def unet_generator(output_channels: int = OUTPUT_CHANNELS) -> keras.Model:
    """U-Net: (N,256,256,3) -> (N,256,256,output_channels) in [-1,1]. 54,425,859 parameters.

    Eight downsamples take 256x256 to 1x1x512; seven upsamples come back to 128x128, each
    concatenated with the encoder feature map of the same size (the skip connections), and a
    last transposed convolution gives 256x256.
    """
    inputs = layers.Input(shape=[256, 256, 3])
    down_stack = [
        downsample(64, 4, apply_batchnorm=False),  # (N,128,128,64)
        downsample(128, 4),  # (N,64,64,128)
        downsample(256, 4),  # (N,32,32,256)
        downsample(512, 4),  # (N,16,16,512)
        downsample(512, 4),  # (N,8,8,512)
        downsample(512, 4),  # (N,4,4,512)
        downsample(512, 4),  # (N,2,2,512)
        downsample(512, 4),  # (N,1,1,512)
    ]
    up_stack = [
        upsample(512, 4, apply_dropout=True),  # (N,2,2,1024) after the skip
        upsample(512, 4, apply_dropout=True),  # (N,4,4,1024)
        upsample(512, 4, apply_dropout=True),  # (N,8,8,1024)
        upsample(512, 4),  # (N,16,16,1024)
        upsample(256, 4),  # (N,32,32,512)
        upsample(128, 4),  # (N,64,64,256)
        upsample(64, 4),  # (N,128,128,128)
    ]
    last = layers.Conv2DTranspose(output_channels, 4, strides=2, padding="same",
                                  kernel_initializer=_init(), activation="tanh")  # (N,256,256,3)
    x = inputs
    skips = []
    for down in down_stack:
        x = down(x)
        skips.append(x)
    skips = reversed(skips[:-1])  # the 1x1 bottleneck has no partner
    for up, skip in zip(up_stack, skips):
        x = layers.Concatenate()([up(x), skip])
    return keras.Model(inputs=inputs, outputs=last(x), name="unet_generator")


def patchgan_discriminator() -> keras.Model:
    """PatchGAN: (input (N,256,256,3), target (N,256,256,3)) -> logits (N,30,30,1).

    2,770,433 parameters. Each output logit judges one 70x70 patch of the pair as real or fake.
    """
    inp = layers.Input(shape=[256, 256, 3], name="input_image")
    tar = layers.Input(shape=[256, 256, 3], name="target_image")
    x = layers.Concatenate()([inp, tar])  # (N,256,256,6)
    x = downsample(64, 4, apply_batchnorm=False)(x)  # (N,128,128,64)
    x = downsample(128, 4)(x)  # (N,64,64,128)
    x = downsample(256, 4)(x)  # (N,32,32,256)
    x = layers.ZeroPadding2D()(x)  # (N,34,34,256)
    x = layers.Conv2D(512, 4, strides=1, kernel_initializer=_init(), use_bias=False)(x)  # 31x31
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU()(x)
    x = layers.ZeroPadding2D()(x)  # (N,33,33,512)
    x = layers.Conv2D(1, 4, strides=1, kernel_initializer=_init())(x)  # (N,30,30,1)
    return keras.Model(inputs=[inp, tar], outputs=x, name="patchgan_discriminator")


# --------------------------------------------------------------------------------------------
# Lesson 04: the same Pix2Pix ideas, rebuilt with the subclassing API
# --------------------------------------------------------------------------------------------


class EncoderBlock(layers.Layer):
    """Conv2D(4, stride 2 by default) -> [BatchNorm] -> LeakyReLU(0.2)."""

    def __init__(self, filters: int, kernel: int = 4, strides: int = 2, use_bn: bool = True,
                 padding: str = "same", **kwargs):
        super().__init__(**kwargs)
        self.use_bn = use_bn
        self.conv = layers.Conv2D(filters, kernel, strides=strides, padding=padding,
                                  kernel_initializer=_init(), use_bias=False)
        self.batchnorm = layers.BatchNormalization() if use_bn else None
        self.lrelu = layers.LeakyReLU(0.2)

    def call(self, x, training=None):
        x = self.conv(x)
        if self.use_bn:
            x = self.batchnorm(x, training=training)
        return self.lrelu(x)


class DecoderBlock(layers.Layer):
    """Conv2DTranspose(4, stride 2) -> BatchNorm -> [Dropout 0.5] -> ReLU."""

    def __init__(self, filters: int, dropout: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.use_dropout = dropout
        self.convt = layers.Conv2DTranspose(filters, 4, strides=2, padding="same",
                                            kernel_initializer=_init(), use_bias=False)
        self.batchnorm = layers.BatchNormalization()
        self.dropout = layers.Dropout(0.5) if dropout else None
        self.relu = layers.ReLU()

    def call(self, x, training=None):
        x = self.batchnorm(self.convt(x), training=training)
        if self.use_dropout:
            x = self.dropout(x, training=training)
        return self.relu(x)


_ENCODER_FILTERS = (64, 128, 256, 512, 512, 512, 512, 512)  # 256 -> 1 in eight halvings
_DECODER_FILTERS = (512, 512, 512, 512, 256, 128, 64)  # 1 -> 128 in seven doublings


class EncoderDecoderGenerator(keras.Model):
    """Plain encoder-decoder (no skips): (N,256,256,3) -> (N,256,256,3).

    Everything the output needs must squeeze through the 1x1x512 bottleneck, which is why its
    results are blurrier than the U-Net's.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.encoder = [EncoderBlock(f, use_bn=(i > 0)) for i, f in enumerate(_ENCODER_FILTERS)]
        self.decoder = [DecoderBlock(f, dropout=(i < 3)) for i, f in enumerate(_DECODER_FILTERS)]
        self.last = layers.Conv2DTranspose(3, 4, strides=2, padding="same",
                                           kernel_initializer=_init(), activation="tanh")

    def call(self, x, training=None):
        for block in self.encoder:
            x = block(x, training=training)
        for block in self.decoder:
            x = block(x, training=training)
        return self.last(x)


class UNetGenerator(EncoderDecoderGenerator):
    """The encoder-decoder plus skip connections: decoder step i also sees encoder map 7-i-1."""

    def call(self, x, training=None):
        features = []
        for block in self.encoder:
            x = block(x, training=training)
            features.append(x)
        for block, skip in zip(self.decoder, reversed(features[:-1])):
            x = ops.concatenate([block(x, training=training), skip], axis=-1)
        return self.last(x)


class PatchGANDiscriminator(keras.Model):
    """[input (N,256,256,3), target (N,256,256,3)] -> logits (N,30,30,1), built from blocks.

    Called like the functional version, with a list of two images: `disc([inp, tar])`.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.blocks = [
            EncoderBlock(64, use_bn=False),  # (N,128,128,64)
            EncoderBlock(128),  # (N,64,64,128)
            EncoderBlock(256),  # (N,32,32,256)
        ]
        self.pad1 = layers.ZeroPadding2D()
        self.block4 = EncoderBlock(512, strides=1, padding="valid")  # (N,31,31,512)
        self.pad2 = layers.ZeroPadding2D()
        self.out = layers.Conv2D(1, 4, strides=1, kernel_initializer=_init())  # (N,30,30,1)

    def call(self, inputs, training=None):
        x = ops.concatenate(list(inputs), axis=-1)  # (N,256,256,6)
        for block in self.blocks:
            x = block(x, training=training)
        x = self.block4(self.pad1(x), training=training)
        return self.out(self.pad2(x))
