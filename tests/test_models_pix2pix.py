"""Pix2Pix networks: output shapes and parameter counts from the spec, functional and subclassed."""

import numpy as np
import pytest

from course_lib.models import pix2pix


def test_pix2pix_functional_shapes_and_counts():
    g, d = pix2pix.unet_generator(), pix2pix.patchgan_discriminator()
    x = np.zeros((1, 256, 256, 3), np.float32)
    assert g.count_params() == 54_425_859
    assert d.count_params() == 2_770_433
    assert tuple(g(x).shape) == (1, 256, 256, 3)
    assert tuple(d([x, x]).shape) == (1, 30, 30, 1)


def test_downsample_upsample_shapes():
    x = np.random.default_rng(0).uniform(-1, 1, (1, 256, 256, 3)).astype(np.float32)
    down = pix2pix.downsample(3, 4)(x)
    assert tuple(down.shape) == (1, 128, 128, 3)
    assert tuple(pix2pix.upsample(3, 4)(down).shape) == (1, 256, 256, 3)


@pytest.mark.slow  # three full-size 256x256 networks: about 8 s on 2 cores
def test_subclassed_pix2pix_matches_functional():
    x = np.zeros((2, 256, 256, 3), np.float32)
    unet, d = pix2pix.UNetGenerator(), pix2pix.PatchGANDiscriminator()
    assert tuple(unet(x).shape) == (2, 256, 256, 3)
    assert tuple(d([x, x]).shape) == (2, 30, 30, 1)
    assert unet.count_params() == 54_425_859
    assert d.count_params() == 2_770_433
    plain = pix2pix.EncoderDecoderGenerator()
    assert tuple(plain(x).shape) == (2, 256, 256, 3)
    assert plain.count_params() < unet.count_params()  # no skip-widened decoder inputs
