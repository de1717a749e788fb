"""Shared helpers of the weights / evaluation tests: a registered weights folder, tiny models.

Not a test module: the test files import what they use (fixtures included) from here."""

import keras
import numpy as np
import pytest

from course_lib import models
from course_lib import weights as W


def ship(model, name, folder, **kwargs):
    """Save `model` as the file of `name` in `folder` and register it in the manifest there."""
    s = W.spec(name)
    path = W.save_weights_file(model, folder / s.file, s.architecture, s.storage)
    return W.register_weights(name, path, folder, model=model, **kwargs)


@pytest.fixture(scope="module")
def gan_generator():
    keras.utils.set_random_seed(1)
    return models.build(models.GeneratorGAN())


@pytest.fixture
def shipped(tmp_path, gan_generator):
    """A weights folder with a registered `gan` generator and a `cgan` generator."""
    folder = tmp_path / "weights"
    ship(gan_generator, "gan", folder)
    keras.utils.set_random_seed(2)
    ship(models.build(models.GeneratorCGAN()), "cgan", folder)
    return folder


def same_outputs(a, b):
    z = np.random.default_rng(0).standard_normal((4, models.NOISE_DIM)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(a(z)), np.asarray(b(z)), atol=1e-6)


def flip_two_bytes(path):
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle] ^= 0xFF
    data[middle + 1] ^= 0xFF
    path.write_bytes(bytes(data))


def tiny_convnet():
    inputs = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(8, 4, strides=2, padding="same", use_bias=False)(inputs)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Dropout(0.5)(x)
    x = keras.layers.Conv2DTranspose(3, 4, strides=2, padding="same", activation="tanh")(x)
    return keras.Model(inputs, x)


def zeroed(name):
    model = W.build_model(name)
    for v in model.weights:
        v.assign(np.zeros(v.shape, v.dtype))
    return model


class AlwaysThree:
    """A stand-in classifier that reads every image as a confident 3."""

    def __call__(self, x, training=False):
        logits = np.full((len(x), 10), -10.0, np.float32)
        logits[:, 3] = 10.0
        return logits


def snapshot_folder(tmp_path, model_class, steps):
    folder = tmp_path / "snapshots"
    folder.mkdir()
    for step in steps:
        keras.utils.set_random_seed(step)
        models.build(model_class()).save_weights(str(folder / f"g-{step:07d}.weights.h5"))
    return folder
