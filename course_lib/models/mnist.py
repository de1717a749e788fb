"""The MNIST networks: the MLP GAN and cGAN of lesson 02 and the DCGAN of lesson 01.

* MNIST MLPs, written with the **subclassing API** as lesson 02 teaches: `GeneratorGAN`,
  `DiscriminatorGAN`, `GeneratorCGAN`, `Maxout`, `DiscriminatorCGAN`; `build` creates their
  weights.
* The DCGAN of lesson 01 (functional `Sequential` models): `dcgan_generator`,
  `dcgan_discriminator`, which use the faster drop-in layers of `course_lib.models.layers`.

Shapes are written as (batch, height, width, channels); `N` is the batch size.
"""

from __future__ import annotations

import keras
from keras import layers, ops

from course_lib.models.layers import (
    FourierConv2DTranspose,
    MaskDropout,
    fourier_layer_saves_like_stock,
)

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
    # The fast layer only where its weight files stay the stock layer's (see
    # `fourier_layer_saves_like_stock`); otherwise the lesson's own layer, slower but the same.
    transposed = (FourierConv2DTranspose if fourier_layer_saves_like_stock()
                  else layers.Conv2DTranspose)
    return keras.Sequential(
        [
            keras.Input((NOISE_DIM,)),
            layers.Dense(7 * 7 * 256, use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.Reshape((7, 7, 256)),  # (N,7,7,256)
            # The lesson's Conv2DTranspose(128, 5), computed by the convolution theorem.
            transposed(128, 5, strides=1, padding="same", use_bias=False),
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
