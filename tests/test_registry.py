"""The registry: names, builders, and the layer walk with and without Keras's private one."""

import h5py
import keras
import numpy as np
import pytest

from course_lib import models, registry
from course_lib.evaluation.judges import facade_parser
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


@pytest.mark.parametrize("builder", [facade_parser, models.dcgan_generator,
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


class _Block(keras.layers.Layer):
    """A plain Layer holding its sublayers as attributes (as models.EncoderBlock does)."""

    def __init__(self):
        super().__init__()
        self.down = keras.layers.Conv2D(4, 3, strides=2, padding="same")
        self.drop = keras.layers.Dropout(0.5)
        self.up = keras.layers.Conv2DTranspose(3, 3, strides=2, padding="same")

    def call(self, x, training=False):
        return self.up(self.drop(self.down(x), training=training))


class _Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.blocks = [_Block(), _Block()]

    def call(self, x, training=False):
        for block in self.blocks:
            x = block(x, training=training)
        return x


def test_a_subclassed_model_gives_the_same_int8_file_either_way(monkeypatch, tmp_path):
    keras.utils.set_random_seed(0)
    model = _Subclassed()
    model(np.zeros((1, 16, 16, 3), np.float32))
    axes = int8._output_channel_axes(model)
    assert sorted(axes.values()) == [2, 2, 3, 3]  # transposed kernels along axis 2
    private = registry.sublayers(model)
    with monkeypatch.context() as patch:
        patch.delattr(keras.layers.Layer, "_flatten_layers")
        assert [id(x) for x in registry.sublayers(model)] == [id(x) for x in private]
        assert int8._output_channel_axes(model) == axes
        public = int8.save_int8_weights(model, tmp_path / "public.h5", "tests:sub")
    private_file = int8.save_int8_weights(model, tmp_path / "private.h5", "tests:sub")
    with h5py.File(public, "r") as a, h5py.File(private_file, "r") as b:
        assert sorted(a["variables"]) == sorted(b["variables"])
        for key in a["variables"]:
            assert sorted(a["variables"][key]) == sorted(b["variables"][key])
            for name in a["variables"][key]:
                np.testing.assert_array_equal(a["variables"][key][name][()],
                                              b["variables"][key][name][()])
        assert sum("q" in item for item in a["variables"].values()) == 4
    copy = _Subclassed()
    copy(np.zeros((1, 16, 16, 3), np.float32))
    with monkeypatch.context() as patch:
        patch.delattr(keras.layers.Layer, "_flatten_layers")
        int8.load_weights_file(copy, public, "tests:sub")
    x = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 3)).astype(np.float32)
    np.testing.assert_allclose(copy(x), model(x), atol=0.02)
