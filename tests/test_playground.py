"""course_lib.playground: label maps, sketches and uploads -> generator input -> picture."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_lib import evaluation, messages, playground


def identity_generator(dropout: float = 0.0) -> keras.Model:
    """A 1x1-conv generator that returns its input (optionally through dropout)."""
    inputs = keras.Input((256, 256, 3))
    x = keras.layers.Dropout(dropout, seed=1)(inputs) if dropout else inputs
    conv = keras.layers.Conv2D(3, 1, use_bias=False)
    outputs = conv(x)
    conv.set_weights([np.eye(3, dtype=np.float32)[None, None]])
    return keras.Model(inputs, outputs)


def colour(name: str) -> np.ndarray:
    return np.rint(evaluation.CMP_PALETTE[evaluation.CMP_CLASSES.index(name)]).astype(np.uint8)


# --- facade label maps -----------------------------------------------------------------------


def test_label_map_starts_as_facade_and_paints_exact_palette_colours():
    label_map = playground.facade_label_map([("window", 10, 20, 30, 40)], size=64)
    assert label_map.shape == (64, 64, 3) and label_map.dtype == np.uint8
    assert (label_map[20:60, 10:40] == colour("window")).all()
    outside = np.ones((64, 64), bool)
    outside[20:60, 10:40] = False
    assert (label_map[outside] == colour("facade")).all()
    # the colours are the palette's, so the course's own decoder reads the classes back
    classes = evaluation.label_map_to_classes(label_map)
    assert classes[30, 20] == evaluation.CMP_CLASSES.index("window")
    assert classes[0, 0] == evaluation.CMP_CLASSES.index("facade")


def test_every_class_has_its_own_colour():
    colours = {tuple(playground.class_colour(name)) for name in evaluation.CMP_CLASSES}
    assert len(colours) == len(evaluation.CMP_CLASSES)


def test_later_rectangles_cover_earlier_ones():
    label_map = playground.facade_label_map(
        [("shop", 0, 0, 20, 20), ("door", 10, 10, 20, 20)], size=32)
    assert (label_map[5, 5] == colour("shop")).all()
    assert (label_map[15, 15] == colour("door")).all()  # the overlap: the last one wins
    swapped = playground.facade_label_map(
        [("door", 10, 10, 20, 20), ("shop", 0, 0, 20, 20)], size=32)
    assert (swapped[15, 15] == colour("shop")).all()


def test_rectangles_are_clipped_at_the_border():
    label_map = playground.facade_label_map([("balcony", -5, 28, 10, 100)], size=32)
    painted = (label_map == colour("balcony")).all(axis=-1)
    assert painted.sum() == 5 * 4  # columns 0..4, rows 28..31
    assert painted[28:, :5].all()


def test_background_can_be_another_class():
    label_map = playground.facade_label_map([], size=8, background="background")
    assert (label_map == colour("background")).all()


@pytest.mark.parametrize("rectangle, words", [
    (("chimney", 0, 0, 5, 5), ["'chimney'", "window"]),
    (("window", 0, 0, 0, 5), ["rectangle 1", "positive"]),
    (("door", 0, 0, 5, -2), ["rectangle 1", "'door'", "h=-2"]),
    (("sill", 40, 0, 5, 5), ["rectangle 1", "outside", "32x32"]),
    (("sill", -9, 0, 5, 5), ["rectangle 1", "outside"]),
    (("sill", 1.5, 0, 5, 5), ["rectangle 1", "x=1.5", "whole numbers"]),
    (("sill", 1, 0, 5), ["rectangle 1", "(class, x, y, width, height)"]),
])
def test_bad_rectangles_are_named(rectangle, words):
    with pytest.raises(ValueError) as err:
        playground.facade_label_map([("window", 0, 0, 4, 4), rectangle], size=32)
    for word in words:
        assert word in str(err.value)


def test_example_facade_is_valid_and_uses_several_classes():
    label_map = playground.facade_label_map(playground.EXAMPLE_FACADE)
    found = set(np.unique(evaluation.label_map_to_classes(label_map)).tolist())
    assert len(found) >= 6


# --- sketches ---------------------------------------------------------------------------------


def test_sketch_is_white_with_black_lines_of_the_given_width():
    sketch = playground.sketch_from_strokes([[(4, 10.5), (28, 10.5)]], size=32, width=3)
    assert sketch.shape == (32, 32, 3) and sketch.dtype == np.uint8
    assert set(np.unique(sketch).tolist()) == {0, 255}
    column = sketch[:, 16, 0]
    assert (np.flatnonzero(column == 0) == [9, 10, 11]).all()  # 3 px thick around y = 10.5
    assert (sketch[:, :2] == 255).all() and sketch[10, 2, 0] == 0  # round cap: radius 1.5


def test_thicker_lines_ink_more_pixels_and_dots_are_round():
    thin = playground.sketch_from_strokes([[(5, 5), (25, 25)]], size=32, width=1)
    thick = playground.sketch_from_strokes([[(5, 5), (25, 25)]], size=32, width=6)
    assert (thick == 0).sum() > 3 * (thin == 0).sum() > 0
    dot = playground.sketch_from_strokes([[(16, 16)]], size=32, width=8)
    inked = (dot[..., 0] == 0).sum()
    assert 40 < inked < 60  # about pi * 4^2 = 50 pixels


def test_draw_strokes_does_not_change_its_input():
    page = np.full((16, 16, 3), 255, np.uint8)
    drawn = playground.draw_strokes(page, [[(0, 0), (15, 15)]], width=2)
    assert (page == 255).all() and (drawn == 0).any()


def test_bad_strokes_are_refused():
    with pytest.raises(ValueError, match="width"):
        playground.sketch_from_strokes([[(1, 1)]], width=0)
    with pytest.raises(ValueError, match="stroke 1"):
        playground.sketch_from_strokes([[(1, 1)], []])


# --- any picture -> generator input -----------------------------------------------------------


def test_prepare_input_keeps_a_256_rgb_image_exactly():
    image = np.random.default_rng(0).integers(0, 256, (256, 256, 3), dtype=np.uint8)
    model_input = playground.prepare_input(image)
    assert model_input.shape == (1, 256, 256, 3) and model_input.dtype == np.float32
    assert model_input.min() >= -1 and model_input.max() <= 1
    np.testing.assert_array_equal(np.rint((model_input[0] + 1) * 127.5), image)


def test_prepare_input_turns_grey_into_rgb_and_resizes():
    grey = np.zeros((64, 64), np.uint8)
    grey[:, 32:] = 255
    model_input = playground.prepare_input(grey)
    assert model_input.shape == (1, 256, 256, 3)
    assert np.allclose(model_input[0, :, :120], -1) and np.allclose(model_input[0, :, 136:], 1)
    same = playground.prepare_input(grey[..., None])
    np.testing.assert_array_equal(model_input, same)


def test_prepare_input_puts_transparency_on_white():
    rgba = np.zeros((256, 256, 4), np.uint8)  # black, but fully transparent ...
    rgba[100:110, 100:110, 3] = 255  # ... except an opaque black square
    model_input = playground.prepare_input(rgba)[0]
    assert np.allclose(model_input[0, 0], 1.0)  # white where transparent
    assert np.allclose(model_input[105, 105], -1.0)


def test_prepare_input_pads_a_non_square_picture_with_white():
    wide = np.zeros((128, 256, 3), np.uint8)  # a black 2:1 picture
    model_input = playground.prepare_input(wide)[0]
    assert np.allclose(model_input[:64], 1.0) and np.allclose(model_input[-64:], 1.0)
    assert np.allclose(model_input[64:192], -1.0)  # all of it kept, centred


def test_prepare_input_nearest_keeps_label_colours():
    label_map = playground.facade_label_map([("window", 0, 0, 64, 64)], size=128)
    model_input = playground.prepare_input(label_map, method="nearest")[0]
    values = np.unique(np.rint((model_input + 1) * 127.5).reshape(-1, 3), axis=0)
    assert {tuple(v) for v in values} == {tuple(colour("window")), tuple(colour("facade"))}


def test_prepare_input_refuses_other_shapes():
    with pytest.raises(ValueError, match="shape"):
        playground.prepare_input(np.zeros((4, 4, 2)))


def test_decode_upload_reads_png_with_alpha_and_refuses_garbage():
    rgba = np.zeros((20, 30, 4), np.uint8)
    rgba[..., 3] = 255
    decoded = playground.decode_upload(tf.io.encode_png(rgba).numpy())
    np.testing.assert_array_equal(decoded, rgba)
    grey_alpha = np.full((8, 8, 2), 200, np.uint8)
    decoded = playground.decode_upload(tf.io.encode_png(grey_alpha).numpy())
    assert decoded.shape == (8, 8, 4) and (decoded == 200).all()
    with pytest.raises(ValueError):
        playground.decode_upload(b"not an image at all")


def test_load_test_sketch_takes_the_left_half_of_a_pair(tmp_path):
    pair = np.zeros((256, 512, 3), np.uint8)
    pair[:, :256] = 255  # white sketch half on the left, black photo on the right
    pair[100:110, 50:60] = 0
    path = tmp_path / "pair.png"
    path.write_bytes(tf.io.encode_png(pair).numpy())
    sketch = playground.load_test_sketch(str(path))
    np.testing.assert_array_equal(sketch, pair[:, :256])


# --- generator -> picture ---------------------------------------------------------------------


def test_translate_returns_the_generators_picture_as_uint8():
    image = playground.facade_label_map(playground.EXAMPLE_FACADE)
    out = playground.translate(identity_generator(), playground.prepare_input(image))
    assert out.dtype == np.uint8 and out.shape == (256, 256, 3)
    np.testing.assert_array_equal(out, image)
    with pytest.raises(ValueError, match="batch of one"):
        playground.translate(identity_generator(), np.zeros((2, 256, 256, 3), np.float32))


def test_translate_is_reproducible_for_a_seed():
    generator = identity_generator(dropout=0.5)
    model_input = playground.prepare_input(np.full((256, 256, 3), 200, np.uint8))
    first = playground.translate(generator, model_input, seed=3)
    assert (first == playground.translate(generator, model_input, seed=3)).all()
    assert (first != playground.translate(generator, model_input, seed=4)).any()


def test_examples_pair_the_input_with_the_output():
    label_map, photo = playground.facade_example(identity_generator())
    np.testing.assert_array_equal(label_map, photo)
    assert (label_map == playground.facade_label_map(playground.EXAMPLE_FACADE)).all()
    grey_sketch = np.full((64, 32), 255, np.uint8)
    shown, colouring = playground.colour_sketch(identity_generator(), grey_sketch)
    assert shown.shape == colouring.shape == (256, 256, 3)
    np.testing.assert_array_equal(shown, colouring)


def test_figure_helpers_make_images():
    import matplotlib

    matplotlib.use("Agg")
    image = np.zeros((8, 8, 3), np.uint8)
    fig = playground.side_by_side_figure(image, image, ("a", "b"))
    assert playground.figure_jpeg(fig)[:2] == b"\xff\xd8"  # JPEG magic
    assert playground.encode_image(image)[:4] == b"\x89PNG"
    assert playground.encode_image(image, "jpeg")[:2] == b"\xff\xd8"


def test_every_playground_message_is_in_both_languages():
    keys = {key for key in messages.EN if key.startswith("playground.")}
    assert keys and keys <= set(messages.KO)
