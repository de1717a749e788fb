"""Every network the course trains, in Keras 3, by model family.

* `course_lib.models.mnist`: the MNIST MLP GAN and cGAN (lesson 02, subclassing API) and the
  DCGAN (lesson 01);
* `course_lib.models.pix2pix`: the U-Net, encoder-decoder and PatchGAN (lessons 03 and 04);
* `course_lib.models.layers`: drop-in layers that compute a stock layer's result faster.

This package re-exports their public names, so `models.unet_generator()` and registry strings
such as "course_lib.models:unet_generator" keep working. Code inside course_lib imports from the
submodule itself (`from course_lib.models.pix2pix import unet_generator`).
"""

from course_lib.models.layers import (
    FourierConv2DTranspose,
    MaskDropout,
    fourier_layer_saves_like_stock,
    fourier_matrices,
)
from course_lib.models.mnist import (
    NOISE_DIM,
    NUM_CLASSES,
    DiscriminatorCGAN,
    DiscriminatorGAN,
    GeneratorCGAN,
    GeneratorGAN,
    Maxout,
    build,
    dcgan_discriminator,
    dcgan_generator,
    maxout,
)
from course_lib.models.pix2pix import (
    OUTPUT_CHANNELS,
    DecoderBlock,
    EncoderBlock,
    EncoderDecoderGenerator,
    PatchGANDiscriminator,
    UNetGenerator,
    downsample,
    patchgan_discriminator,
    unet_generator,
    upsample,
)

__all__ = [
    "NOISE_DIM", "NUM_CLASSES", "OUTPUT_CHANNELS", "DecoderBlock", "DiscriminatorCGAN",
    "DiscriminatorGAN", "EncoderBlock", "EncoderDecoderGenerator", "FourierConv2DTranspose",
    "GeneratorCGAN", "GeneratorGAN", "MaskDropout", "Maxout", "PatchGANDiscriminator",
    "UNetGenerator", "build", "dcgan_discriminator", "dcgan_generator",
    "fourier_layer_saves_like_stock", "fourier_matrices", "downsample", "maxout",
    "patchgan_discriminator", "unet_generator", "upsample",
]
