"""course_lib.playground_widgets: the facade editor, the sketch pad and their static fallback."""

from __future__ import annotations

import base64

import matplotlib
import numpy as np
import pytest
import tensorflow as tf

from course_lib import evaluation, playground, playground_widgets
from tests.test_playground import colour, identity_generator

matplotlib.use("Agg")


@pytest.fixture
def shown(monkeypatch):
    """What the functions display, in order (instead of a notebook's output area)."""
    import IPython.display

    displayed = []
    monkeypatch.setattr(IPython.display, "display", displayed.append)
    return displayed


@pytest.fixture
def frontend(monkeypatch):
    monkeypatch.setattr(playground_widgets.quiz, "has_frontend", lambda: True)


@pytest.fixture
def headless(monkeypatch):
    monkeypatch.setenv("COURSE_HEADLESS", "1")


def pair_file(tmp_path, name="pair.png"):
    """A 512x256 pair: a white sketch with a black bar on the left, a black photo right."""
    pair = np.zeros((256, 512, 3), np.uint8)
    pair[:, :256] = 255
    pair[120:130, 40:200] = 0
    path = tmp_path / name
    path.write_bytes(tf.io.encode_png(pair).numpy())
    return str(path)


def test_headless_facade_editor_shows_the_static_figure(headless, shown):
    playground_widgets.facade_editor(identity_generator())
    (figure,) = shown
    assert isinstance(figure, matplotlib.figure.Figure)
    left, right = figure.axes
    np.testing.assert_array_equal(left.images[0].get_array(),
                                  playground.facade_label_map(playground.EXAMPLE_FACADE))
    np.testing.assert_array_equal(right.images[0].get_array(), left.images[0].get_array())


def test_headless_sketch_pad_shows_the_first_test_sketch(headless, shown, tmp_path):
    path = pair_file(tmp_path)
    playground_widgets.sketch_pad(identity_generator(), [path])
    (figure,) = shown
    np.testing.assert_array_equal(figure.axes[0].images[0].get_array(),
                                  playground.load_test_sketch(path))


def test_widget_output_carries_a_jpeg_for_widgetless_viewers(frontend, shown):
    playground_widgets.facade_editor(identity_generator())
    (output,) = shown
    bundle = output._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/jpeg"])[:2] == b"\xff\xd8"
    assert bundle["text/plain"]


def test_legend_names_every_class_in_its_colour():
    legend = playground_widgets.legend_html()
    for name in evaluation.CMP_CLASSES:
        red, green, blue = playground.class_colour(name).tolist()
        assert f"background:rgb({red}, {green}, {blue})" in legend
        assert f"</span>{name}" in legend


def test_facade_editor_adds_undoes_and_clears():
    editor = playground_widgets.FacadeEditor(identity_generator(), [("door", 0, 0, 10, 10)])
    editor.kind.value = "shop"
    for slider, value in zip(editor.sliders, (50, 60, 20, 30)):
        slider.value = value
    assert editor.pending() == ("shop", 50, 60, 20, 30)
    assert editor.rectangles == [("door", 0, 0, 10, 10)]  # previewed, not added yet
    buttons = {b.description: b for b in editor.widget.children[-1].children[:-1]}
    buttons["Add"].click()
    assert editor.rectangles[-1] == ("shop", 50, 60, 20, 30)
    assert (editor.photo[70, 55] == colour("shop")).all()  # the stub generator is identity
    buttons["Undo"].click()
    assert editor.rectangles == [("door", 0, 0, 10, 10)]
    buttons["Clear"].click()
    assert editor.rectangles == [] and (editor.photo == colour("facade")).all()
    buttons["Example"].click()
    assert editor.rectangles == list(playground.EXAMPLE_FACADE)


@pytest.mark.skipif(not playground_widgets._has_ipycanvas(), reason="needs ipycanvas")
def test_dragging_on_the_facade_sets_the_box_in_any_direction():
    editor = playground_widgets.FacadeEditor(identity_generator(), [])
    editor._drag_start(120.4, 200.0)
    editor._drag_end(80.0, 150.6)  # up and to the left
    assert editor.pending()[1:] == (80, 150, 40, 50)
    editor._drag_start(250, 250)
    editor._drag_end(400, -20)  # left the canvas: clipped to it
    assert editor.pending()[1:] == (250, 0, 6, 250)
    editor._drag_end(10, 10)  # a release without a press changes nothing
    assert editor.pending()[1:] == (250, 0, 6, 250)
    assert editor.rectangles == []  # dragging previews; only "Add" adds


def test_sketch_pad_draws_uploads_picks_and_undoes(tmp_path):
    path = pair_file(tmp_path)
    pad = playground_widgets.SketchPad(identity_generator(), [path])
    np.testing.assert_array_equal(pad.sketch, playground.load_test_sketch(path))
    pad.picker.value = -1  # the blank page
    assert (pad.sketch == 255).all() and (pad.colouring == 255).all()
    if playground_widgets._has_ipycanvas():
        pad._pen_down(10, 10)
        pad._pen_move(100, 10)
        pad._pen_up(100, 10)
        assert (pad.sketch[10, 10:100] == 0).all() and (pad.colouring[10, 50] == 0).all()
        pad._undo()
        assert (pad.sketch == 255).all()
    grey = np.full((40, 80), 0, np.uint8)  # a black 2:1 upload: padded with white
    pad._uploaded({"new": [{"content": memoryview(tf.io.encode_png(grey[..., None]).numpy())}]})
    assert (pad.sketch[0] == 255).all() and (pad.sketch[128] == 0).all()
    pad._uploaded({"new": {"x.png": {"content": b"garbage"}}})  # ipywidgets 7's dict form
    assert pad.status.value  # says the upload is not an image ...
    assert (pad.sketch[128] == 0).all()  # ... and keeps the sketch
    pad._undo()
    assert (pad.sketch == 255).all()


def test_without_ipycanvas_the_views_are_images(monkeypatch, tmp_path):
    import ipywidgets

    monkeypatch.setattr(playground_widgets, "_has_ipycanvas", lambda: False)
    pad = playground_widgets.SketchPad(identity_generator(), [pair_file(tmp_path)])
    assert isinstance(pad.canvas, ipywidgets.Image)
    assert "ipycanvas" in pad.status.value  # says why there is no mouse drawing
    pad.picker.value = -1
    assert pad.canvas.value == playground.encode_image(pad.sketch)
    editor = playground_widgets.FacadeEditor(identity_generator(), [])
    assert isinstance(editor.map_view, ipywidgets.Image)
    editor.sliders[0].value = 7  # the preview still shows on the image
    assert editor.map_view.value == playground.encode_image(
        playground.facade_label_map([editor.pending()]))
