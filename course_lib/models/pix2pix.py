"""The Pix2Pix networks, twice: lesson 03's functional builders and lesson 04's subclasses.

* Functional API (lesson 03): `downsample`, `upsample`, `unet_generator`,
  `patchgan_discriminator`.
* The same ideas rebuilt by subclassing (lesson 04): `EncoderBlock`, `DecoderBlock`,
  `EncoderDecoderGenerator`, `UNetGenerator`, `PatchGANDiscriminator`.

Shapes are written as (batch, height, width, channels); `N` is the batch size. Images are in
[-1, 1].
"""

from __future__ import annotations

import keras
from keras import layers, ops

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
