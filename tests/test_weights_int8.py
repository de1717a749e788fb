"""Weight files: int8 storage close to float32, and a file for another architecture refused."""

import shutil

import keras
import numpy as np
import pytest
from weights_fixtures import gan_generator, shipped, tiny_convnet

from course_lib import models
from course_lib import weights as W
from course_lib.weights import int8

__all__ = ["gan_generator", "shipped"]  # fixtures used by name


def test_int8_quantisation_round_trip_error_is_small():
    rng = np.random.default_rng(0)
    kernel = rng.normal(0, 0.02, (4, 4, 8, 16)).astype(np.float32)
    kernel[..., 5] *= 50  # one channel with a much larger range must not hurt the others
    kernel[..., 7] = 0  # an all-zero channel must survive (no division by zero)
    q, scale = W.quantize_per_channel(kernel, axis=3)
    assert q.dtype == np.int8 and scale.shape == (16,) and np.abs(q).max() == 127
    back = W.dequantize_per_channel(q, scale, axis=3)
    error = np.abs(back - kernel).max(axis=(0, 1, 2))
    assert np.all(error <= scale / 2 + 1e-9)
    assert np.all(back[..., 7] == 0)
    small = np.delete(np.arange(16), [5, 7])
    assert np.abs(back - kernel)[..., small].max() < 0.02 * 4 / 127  # about 1% of the range


def test_int8_file_loads_close_to_float32(tmp_path):
    keras.utils.set_random_seed(0)
    model = tiny_convnet()
    path = W.save_int8_weights(model, tmp_path / "tiny.int8.weights.h5", "tests:tiny")
    copy = tiny_convnet()
    W.load_weights_file(copy, path, "tests:tiny")
    x = np.random.default_rng(1).uniform(-1, 1, (2, 32, 32, 3)).astype(np.float32)
    # Transposed-convolution kernels are (kh, kw, out, in): quantised along axis 2.
    assert int8._output_channel_axes(model)[id(model.layers[-1].kernel)] == 2
    np.testing.assert_allclose(copy(x), model(x), atol=0.02)
    with pytest.raises(W.WeightsError, match="holds weights for tests:tiny"):
        W.load_weights_file(tiny_convnet(), path, "tests:other")


def test_a_file_for_another_architecture_is_refused(shipped, tmp_path, gan_generator):
    # The gan generator's file registered under the name cgan (its checksum is right).
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(shipped / W.spec("gan").file, folder / W.spec("cgan").file)
    W.register_weights("cgan", folder / W.spec("cgan").file, folder)
    with pytest.raises(W.WeightsError, match="holds weights for course_lib.models:GeneratorGAN"):
        W.load_pretrained("cgan", folder)

    # A plain Keras file (no architecture tag, e.g. a learner's save_weights) is caught by shape.
    plain = tmp_path / "plain.weights.h5"
    gan_generator.save_weights(str(plain))
    with pytest.raises(W.WeightsError, match="does not fit course_lib.models:GeneratorCGAN"):
        W.load_weights_file(models.build(models.GeneratorCGAN()), plain,
                            "course_lib.models:GeneratorCGAN")
