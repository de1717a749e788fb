"""Lesson 03's facade editor and lesson 04's sketch pad: widgets over `course_lib.playground`.

    playground_widgets.facade_editor(generator)              # lesson 03, pix2pix-facades
    playground_widgets.sketch_pad(generator, test_files)     # lesson 04, pix2pix-pokemon

With a widget frontend (`quiz.has_frontend`) each shows its widgets, and the same output also
carries a JPEG of its first picture, which is what GitHub's viewer and other widget-less
renderers show. Headless (CI, grading, `COURSE_HEADLESS=1`) each shows only that static figure.
The mouse (drawing a sketch, dragging a box on the facade) needs ipycanvas; without it the
views are plain images and the sliders, uploads and test sketches still work.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np

from course_lib import evaluation, messages, pixels, playground, quiz, viz

IMAGE_PX = "256px"


class _WithFallback:
    """A widget whose output also holds a JPEG (and text) for frontends without widgets."""

    def __init__(self, widget, jpeg: bytes):
        self.widget, self.jpeg = widget, jpeg

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle or {})
        bundle["image/jpeg"] = base64.b64encode(self.jpeg).decode("ascii")
        bundle["text/plain"] = messages.text("playground.static")
        return bundle


def _show(widget, left: np.ndarray, right: np.ndarray, title_keys: tuple[str, str]) -> None:
    """Display `widget` (None: headless) with the two-image figure as its static fallback.

    The figure's titles are the messages `title_keys` in the learner's language (with the
    Hangul font in the Korean edition).
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    if messages.lang() == "ko":
        viz.use_korean_font()
    titles = (messages.text(title_keys[0]), messages.text(title_keys[1]))
    fig = playground.side_by_side_figure(left, right, titles)
    if widget is None:
        display(fig)
    else:
        display(_WithFallback(widget, playground.figure_jpeg(fig)))
    plt.close(fig)


def _image_widget(image: np.ndarray, fmt: str = "png"):
    import ipywidgets as w

    return w.Image(value=playground.encode_image(image, fmt), format=fmt,
                   layout=w.Layout(width=IMAGE_PX, height=IMAGE_PX))


def _picture(image: np.ndarray):
    """A 256x256 view of `image`: an ipycanvas Canvas (mouse input) if installed, else an Image."""
    if not _has_ipycanvas():
        return _image_widget(image)
    import ipycanvas

    canvas = ipycanvas.Canvas(width=playground.CANVAS_SIZE, height=playground.CANVAS_SIZE,
                              layout={"width": IMAGE_PX, "height": IMAGE_PX})
    canvas.put_image_data(image, 0, 0)
    return canvas


def _show_picture(view, image: np.ndarray) -> None:
    """Replace what a `_picture` view shows."""
    if hasattr(view, "put_image_data"):
        view.put_image_data(image, 0, 0)
    else:
        view.value = playground.encode_image(image)


def _titled(title: str, widget):
    import ipywidgets as w

    return w.VBox([w.HTML(f"<b>{title}</b>"), widget])


class FacadeEditor:
    """Rectangles of CMP classes on a facade; the generator's photo after every change."""

    def __init__(self, generator, rectangles: Sequence[playground.Rectangle], seed: int = 0):
        import ipywidgets as w

        self.generator, self.seed, self.previewing = generator, seed, True
        self.rectangles = list(rectangles)
        self.label_map, self.photo = playground.facade_example(generator, rectangles, seed)
        self.map_view = _picture(self.label_map)
        self.drag_from: playground.Point | None = None
        if hasattr(self.map_view, "on_mouse_down"):  # drag a box on the map to set the sliders
            self.map_view.on_mouse_down(self._drag_start)
            self.map_view.on_mouse_up(self._drag_end)
            self.map_view.on_mouse_out(self._drag_end)
        self.photo_view = _image_widget(self.photo, "jpeg")
        self.kind = w.Dropdown(options=list(evaluation.CMP_CLASSES), value="window",
                               description=messages.text("playground.class"))
        size = playground.CANVAS_SIZE
        self.sliders = [w.IntSlider(value=value, min=low, max=size - 1 + low, description=name,
                                    continuous_update=False)
                        for name, value, low in (("x", 100, 0), ("y", 100, 0), ("w", 40, 1),
                                                 ("h", 50, 1))]
        buttons = {key: w.Button(description=messages.text(f"playground.{key}"))
                   for key in ("add", "undo", "clear", "example")}
        buttons["add"].on_click(lambda _: self._change(self.rectangles + [self.pending()]))
        buttons["undo"].on_click(lambda _: self._change(self.rectangles[:-1]))
        buttons["clear"].on_click(lambda _: self._change([]))
        buttons["example"].on_click(lambda _: self._change(list(playground.EXAMPLE_FACADE)))
        for control in (self.kind, *self.sliders):
            control.observe(lambda _: self._preview(), names="value")
        self.status = w.Label(messages.text("playground.count", count=len(self.rectangles)))
        self.widget = w.VBox([
            w.HBox([_titled(messages.text("playground.label_map"), self.map_view),
                    _titled(messages.text("playground.photo"), self.photo_view)]),
            w.HTML(legend_html()),
            w.HBox([self.kind, *self.sliders[:1]]), w.HBox(self.sliders[1:]),
            w.HBox([*buttons.values(), self.status]),
        ])

    def pending(self) -> playground.Rectangle:
        """The rectangle the controls describe now (not added yet)."""
        x, y, width, height = (slider.value for slider in self.sliders)
        return (self.kind.value, x, y, width, height)

    def _drag_start(self, x: float, y: float) -> None:
        self.drag_from = (x, y)

    def _drag_end(self, x: float, y: float) -> None:
        """Set the sliders to the box dragged from `drag_from` to (x, y), then preview it."""
        if self.drag_from is None:
            return
        (x0, y0), self.drag_from = self.drag_from, None
        size = playground.CANVAS_SIZE
        left, top = (int(np.clip(min(a, b), 0, size - 1)) for a, b in ((x0, x), (y0, y)))
        right, bottom = (int(np.clip(round(max(a, b)), 1, size)) for a, b in ((x0, x), (y0, y)))
        values = (left, top, max(right - left, 1), max(bottom - top, 1))
        self.previewing = False  # one preview for the four slider changes
        for slider, value in zip(self.sliders, values):
            slider.value = value
        self.previewing = True
        self._preview()

    def _preview(self) -> None:
        """Show the pending rectangle on the label map; the photo waits for "Add"."""
        if self.previewing:
            _show_picture(self.map_view,
                          playground.facade_label_map([*self.rectangles, self.pending()]))

    def _change(self, rectangles: list[playground.Rectangle]) -> None:
        self.status.value = messages.text("playground.working")
        self.rectangles = rectangles
        self.label_map, self.photo = playground.facade_example(self.generator, rectangles,
                                                               self.seed)
        _show_picture(self.map_view, self.label_map)
        self.photo_view.value = playground.encode_image(self.photo, "jpeg")
        self.status.value = messages.text("playground.count", count=len(rectangles))


def legend_html() -> str:
    """One colour swatch and name per CMP class, in palette order (HTML)."""
    swatch = ('<span style="display:inline-block;width:12px;height:12px;'
              'background:rgb{};margin:0 3px 0 9px;vertical-align:middle"></span>{}')
    return "".join(swatch.format(tuple(playground.class_colour(name).tolist()), name)
                   for name in evaluation.CMP_CLASSES)


def facade_editor(generator, rectangles: Sequence[playground.Rectangle] = (
        playground.EXAMPLE_FACADE), seed: int = 0) -> None:
    """Show the facade editor for a pix2pix-facades `generator`, or its static figure."""
    titles = ("playground.label_map", "playground.photo")
    if quiz.has_frontend():
        editor = FacadeEditor(generator, rectangles, seed)
        _show(editor.widget, editor.label_map, editor.photo, titles)
        return
    _show(None, *playground.facade_example(generator, rectangles, seed), titles)


class SketchPad:
    """Draw (ipycanvas), upload or pick a sketch; the generator colours it after each change."""

    def __init__(self, generator, test_files: Sequence[str], first: int = 0, seed: int = 0):
        import ipywidgets as w

        self.generator, self.seed, self.test_files = generator, seed, list(test_files)
        self.history: list[np.ndarray] = []
        self.stroke: list[playground.Point] = []
        self.sketch, self.colouring = playground.colour_sketch(generator,
                                                               self._start_sketch(first), seed)
        self.canvas = _picture(self.sketch)
        if hasattr(self.canvas, "on_mouse_down"):  # draw with the mouse
            self.canvas.line_cap, self.canvas.stroke_style = "round", "black"
            self.canvas.on_mouse_down(self._pen_down)
            self.canvas.on_mouse_move(self._pen_move)
            self.canvas.on_mouse_up(self._pen_up)
            self.canvas.on_mouse_out(self._pen_up)  # a stroke ends where the pen leaves
        self.colour_view = _image_widget(self.colouring, "jpeg")
        self.width = w.FloatSlider(value=3.0, min=1.0, max=12.0, step=0.5,
                                   description=messages.text("playground.line_width"))
        names = [messages.text("playground.blank")] + [_stem(path) for path in self.test_files]
        self.picker = w.Dropdown(options=list(zip(names, range(-1, len(self.test_files)))),
                                 value=first if self.test_files else -1,
                                 description=messages.text("playground.test_sketch"))
        self.picker.observe(lambda change: self._set(self._start_sketch(change["new"])),
                            names="value")
        self.upload = w.FileUpload(accept="image/*", multiple=False,
                                   description=messages.text("playground.upload"))
        self.upload.observe(self._uploaded, names="value")
        undo = w.Button(description=messages.text("playground.undo"))
        undo.on_click(lambda _: self._undo())
        clear = w.Button(description=messages.text("playground.clear"))
        clear.on_click(lambda _: self._set(self._start_sketch(-1)))
        self.status = w.Label("" if _has_ipycanvas() else messages.text("playground.no_canvas"))
        self.widget = w.VBox([
            w.HBox([_titled(messages.text("playground.sketch"), self.canvas),
                    _titled(messages.text("playground.colouring"), self.colour_view)]),
            w.HBox([self.width, self.picker]), w.HBox([self.upload, undo, clear]), self.status,
        ])

    def _start_sketch(self, index: int) -> np.ndarray:
        if 0 <= index < len(self.test_files):
            return playground.load_test_sketch(self.test_files[index])
        return playground.sketch_from_strokes([])  # a blank white page

    def _pen_down(self, x: float, y: float) -> None:
        self.stroke = [(x, y)]
        self.canvas.line_width = self.width.value
        self.canvas.fill_style = "black"
        self.canvas.fill_circle(x, y, self.width.value / 2)

    def _pen_move(self, x: float, y: float) -> None:
        if self.stroke:
            self.canvas.stroke_line(*self.stroke[-1], x, y)
            self.stroke.append((x, y))

    def _pen_up(self, x: float, y: float) -> None:
        if self.stroke:
            stroke, self.stroke = [*self.stroke, (x, y)], []
            self._set(playground.draw_strokes(self.sketch, [stroke], self.width.value))

    def _uploaded(self, change) -> None:
        files = change["new"]
        if isinstance(files, dict):  # ipywidgets 7 (Colab): {name: {"content": ...}}
            files = list(files.values())
        if not files:
            return
        try:
            image = playground.decode_upload(bytes(files[0]["content"]))
        except ValueError as err:
            self.status.value = str(err)
            return
        self._set(pixels.to_uint8(playground.prepare_input(image)[0]))

    def _undo(self) -> None:
        if self.history:
            self._set(self.history.pop(), remember=False)

    def _set(self, sketch: np.ndarray, remember: bool = True) -> None:
        """Make `sketch` the current one, show it and its colouring."""
        if remember:
            self.history.append(self.sketch)
        self.sketch = sketch
        _show_picture(self.canvas, sketch)
        self.status.value = messages.text("playground.working")
        self.colouring = playground.colour_sketch(self.generator, sketch, self.seed)[1]
        self.colour_view.value = playground.encode_image(self.colouring, "jpeg")
        self.status.value = "" if _has_ipycanvas() else messages.text("playground.no_canvas")


def _stem(path: str) -> str:
    return str(path).replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _has_ipycanvas() -> bool:
    import importlib.util

    return importlib.util.find_spec("ipycanvas") is not None


def sketch_pad(generator, test_files: Sequence[str], first: int = 0, seed: int = 0) -> None:
    """Show the sketch pad for a pix2pix-pokemon `generator`, or its static figure.

    `test_files`: Sketch2Pokemon pair files (sketch on the left) offered in the picker; the
    pad starts from `test_files[first]` (a blank page when there are none), and so does the
    static figure: that sketch next to its colouring.
    """
    titles = ("playground.sketch", "playground.colouring")
    if quiz.has_frontend():
        pad = SketchPad(generator, test_files, first, seed)
        _show(pad.widget, pad.sketch, pad.colouring, titles)
        return
    sketch = (playground.load_test_sketch(test_files[first]) if test_files
              else playground.sketch_from_strokes([]))
    _show(None, *playground.colour_sketch(generator, sketch, seed), titles)
