import numpy as np
import pytest
import tensorflow as tf

from course_lib import pixels


def test_signed_and_back_round_trip_every_byte():
    values = np.arange(256, dtype=np.uint8)
    signed = pixels.to_signed(values)
    assert signed.dtype == np.float32
    assert signed.min() == -1.0 and signed.max() == 1.0
    np.testing.assert_array_equal(pixels.to_uint8(signed), values)
    np.testing.assert_allclose(pixels.to_unit(signed), values / 255.0, atol=1e-6)


def test_tensors_stay_tensors():
    out = pixels.to_signed(tf.constant([0, 255], tf.uint8))
    assert isinstance(out, tf.Tensor) and out.dtype == tf.float32
    np.testing.assert_allclose(out.numpy(), [-1.0, 1.0])


def test_to_unit_and_uint8_clip_out_of_range_values():
    np.testing.assert_array_equal(pixels.to_unit([-3.0, 3.0]), [0.0, 1.0])
    np.testing.assert_array_equal(pixels.to_uint8([-3.0, 3.0]), [0, 255])


@pytest.mark.parametrize("as_tensor", [False, True])
def test_split_pair_returns_the_named_input_half_first(as_tensor):
    pair = np.zeros((4, 8, 3), np.uint8)
    pair[:, :4] = 10   # left half
    pair[:, 4:] = 200  # right half
    image = tf.constant(pair) if as_tensor else pair
    inp, target = pixels.split_pair(image, "right")
    assert np.asarray(inp).max() == 200 and np.asarray(target).max() == 10
    inp, target = pixels.split_pair(image, "left")
    assert np.asarray(inp).max() == 10 and np.asarray(target).max() == 200
    assert np.asarray(inp).shape == (4, 4, 3)


def test_split_pair_inside_tf_function_with_unknown_width():
    @tf.function(input_signature=[tf.TensorSpec([None, None, 3], tf.uint8)])
    def left_input(image):
        return pixels.split_pair(image, "left")[0]

    pair = np.concatenate([np.full((2, 3, 3), 1, np.uint8), np.full((2, 3, 3), 2, np.uint8)], 1)
    np.testing.assert_array_equal(left_input(pair).numpy(), pair[:, :3])


def test_split_pair_rejects_an_unknown_side():
    with pytest.raises(ValueError, match="'top'"):
        pixels.split_pair(np.zeros((2, 4, 3)), "top")
