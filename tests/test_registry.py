"""The registry: names, builders, and the layer walk with and without Keras's private one."""

import h5py
import keras
import numpy as np
import pytest

from course_lib import models, registry
from course_lib.weights import int8


def test_every_name_builds_its_architecture():
    assert registry.NAMES == tuple(registry.SPECS)
    assert set(registry.INPUT_SIDE) == set(registry.PIX2PIX_GENERATORS)
    assert set(registry.MNIST_GENERATORS + registry.PIX2PIX_GENERATORS) < set(registry.NAMES)
    model = registry.build_model("cgan")
    assert model.built and registry.count_parameters(model) == model.count_params()
    with pytest.raises(registry.WeightsError, match="unknown pretrained model 'vae'; known: gan"):
        registry.spec("vae")


def _walk_without_private_api(monkeypatch, model):
    """`sublayers(model)` in a Keras that has no `_flatten_layers`."""
    with monkeypatch.context() as patch:
        patch.delattr(keras.layers.Layer, "_flatten_layers")
        assert not hasattr(model, "_flatten_layers")
        return registry.sublayers(model)


@pytest.mark.parametrize("builder", [models.unet_generator, models.dcgan_generator,
                                     models.DiscriminatorCGAN])
def test_the_public_fallback_finds_the_same_layers_in_the_same_order(monkeypatch, builder):
    model = builder()
    if isinstance(model, models.DiscriminatorCGAN):
        models.build(model)
    private = registry.sublayers(model)
    public = _walk_without_private_api(monkeypatch, model)
    assert [id(layer) for layer in public] == [id(layer) for layer in private]
    assert len(public) > 5 and not any(isinstance(x, keras.layers.InputLayer) for x in public)
    # Every weight of the model sits in a layer the walk found: the same parameter count.
    found = {id(v): int(np.prod(v.shape)) for layer in public for v in layer.weights}
    assert sum(found.values()) == registry.count_parameters(model)


def test_the_subclassed_unet_gives_the_same_int8_file_either_way(monkeypatch, tmp_path):
    keras.utils.set_random_seed(0)
    model = models.UNetGenerator()
    model(np.zeros((1, 256, 256, 3), np.float32))
    axes = int8._output_channel_axes(model)
    with monkeypatch.context() as patch:
        patch.delattr(keras.layers.Layer, "_flatten_layers")
        assert int8._output_channel_axes(model) == axes
        public = int8.save_int8_weights(model, tmp_path / "public.h5", "tests:unet")
    private = int8.save_int8_weights(model, tmp_path / "private.h5", "tests:unet")
    with h5py.File(public, "r") as a, h5py.File(private, "r") as b:
        assert sorted(a["variables"]) == sorted(b["variables"])
        for key in a["variables"]:
            for name in a["variables"][key]:
                np.testing.assert_array_equal(a["variables"][key][name][()],
                                              b["variables"][key][name][()])
    quantised = sum("q" in item for item in h5py.File(public, "r")["variables"].values())
    assert quantised == len(axes) > 10  # every convolution kernel went to int8
