"""MNIST networks: output shapes, parameter counts from the spec, and Maxout's semantics."""

import numpy as np
import pytest

from course_lib.models import mnist


def test_dcgan_shapes():
    g, d = mnist.dcgan_generator(), mnist.dcgan_discriminator()
    z = np.zeros((3, mnist.NOISE_DIM), np.float32)
    images = g(z)
    assert tuple(images.shape) == (3, 28, 28, 1)
    assert tuple(d(images).shape) == (3, 1)
    shapes = [tuple(layer.output.shape[1:]) for layer in g.layers if "conv2d_transpose" in
              layer.name or layer.name.startswith("reshape")]
    assert shapes == [(7, 7, 256), (7, 7, 128), (14, 14, 64), (28, 28, 1)]


@pytest.mark.parametrize(
    ("cls", "params"),
    [(mnist.GeneratorGAN, 579_728), (mnist.GeneratorCGAN, 693_520),
     (mnist.DiscriminatorGAN, 566_273), (mnist.DiscriminatorCGAN, 1_224_351)],
)
def test_mlp_models_build_and_count(cls, params):
    model = mnist.build(cls())
    assert model.count_params() == params


def test_mlp_model_shapes():
    z = np.zeros((4, 100), np.float32)
    y = np.eye(10, dtype=np.float32)[[1, 2, 3, 4]]
    assert tuple(mnist.GeneratorGAN()(z).shape) == (4, 28, 28, 1)
    image = mnist.GeneratorCGAN()(z, y)
    assert tuple(image.shape) == (4, 28, 28, 1)
    assert tuple(mnist.DiscriminatorCGAN()(image, y).shape) == (4, 1)
    assert tuple(mnist.DiscriminatorGAN()(image).shape) == (4, 1)


def test_maxout_takes_max_over_pieces():
    layer = mnist.Maxout(240, 5)
    x = np.random.default_rng(1).normal(size=(4, 784)).astype(np.float32)
    out = np.asarray(layer(x, training=False))
    assert out.shape == (4, 240)
    # Recompute by hand: relu(xW + b) viewed as (N, pieces, units), max over pieces.
    kernel, bias = (np.asarray(v) for v in layer.dense.weights)
    pieces = np.maximum(x @ kernel + bias, 0).reshape(4, 5, 240)
    np.testing.assert_allclose(out, pieces.max(axis=1), rtol=1e-5, atol=1e-5)
    # A wrong axis (max over units, or over a size-1 axis) would give something else.
    assert not np.allclose(out[:, :5], pieces.max(axis=2)[:, :5])


def test_maxout_widths_for_q3():
    d = mnist.build(mnist.DiscriminatorCGAN())
    image = np.zeros((1, 784), np.float32)
    label = np.eye(10, dtype=np.float32)[[3]]
    a = d.image_block(image)
    b = d.label_block(label)
    c = d.combine_block(np.concatenate([a, b], axis=-1))
    assert (a.shape[-1], b.shape[-1], c.shape[-1]) == (240, 50, 240)


def test_build_rejects_unknown_model():
    with pytest.raises(TypeError, match="build"):
        mnist.build(mnist.dcgan_generator())
