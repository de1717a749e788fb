"""Play with the pretrained Pix2Pix generators: draw an input, see the output.

The plain functions behind the widgets of lessons 03 and 04 (`course_lib.playground_widgets`):

    label_map = facade_label_map([("window", 40, 60, 30, 40)])   # uint8 (256, 256, 3)
    photo = translate(generator, prepare_input(label_map))      # uint8 (256, 256, 3)

Lesson 03 paints rectangles of the CMP facade classes (`evaluation.CMP_CLASSES`, coloured with
`evaluation.CMP_PALETTE`) on a facade-blue canvas; lesson 04 draws dark strokes on a white
canvas, the look of the Sketch2Pokemon input half. Coordinates are pixels: x to the right, y
down, (0, 0) the top-left corner. Images are uint8 (H, W, 3) in [0, 255] until `prepare_input`
scales them to the generator's [-1, 1].
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np

from course_lib import evaluation, messages, pixels, weights

CANVAS_SIZE = 256  # the generators' input: (256, 256, 3)
WHITE = 255
INK = 0  # sketch lines: black on white, like the dataset's sketches

# (class, x, y, width, height) in pixels, painted in this order (later boxes cover earlier).
Rectangle = tuple[str, int, int, int, int]
Point = tuple[float, float]  # (x, y) in pixels

# A small two-storey building: what lesson 03's editor starts from and its static figure shows.
EXAMPLE_FACADE: tuple[Rectangle, ...] = (
    ("background", 0, 0, 256, 16),  # sky above the roof line
    ("cornice", 0, 16, 256, 12),
    *[("window", x, y, 38, 44) for y in (40, 100) for x in (16, 78, 140, 202)],
    *[("sill", x - 3, y + 44, 44, 6) for y in (40, 100) for x in (16, 78, 140, 202)],
    ("balcony", 70, 130, 116, 16),
    ("molding", 0, 158, 256, 8),
    ("shop", 8, 176, 92, 80),
    ("door", 112, 176, 32, 80),
    ("shop", 156, 176, 92, 80),
)


def class_colour(name: str) -> np.ndarray:
    """The label-map colour of CMP class `name`: uint8 (3,), from `evaluation.CMP_PALETTE`.

    Raises ValueError naming the class and the known ones when `name` is not a CMP class.
    """
    if name not in evaluation.CMP_CLASSES:
        raise ValueError(f"unknown facade class {name!r}; the classes are "
                         f"{', '.join(evaluation.CMP_CLASSES)}")
    colour = evaluation.CMP_PALETTE[evaluation.CMP_CLASSES.index(name)]
    return np.rint(colour).astype(np.uint8)


def _check_rectangle(index: int, rectangle: Rectangle, size: int) -> None:
    if len(rectangle) != 5:
        raise ValueError(f"rectangle {index}: expected (class, x, y, width, height), "
                         f"got {rectangle!r}")
    name, x, y, w, h = rectangle
    box = f"rectangle {index} ({name!r}, x={x}, y={y}, w={w}, h={h})"
    class_colour(name)  # the class must exist
    if not all(isinstance(v, (int, np.integer)) for v in (x, y, w, h)):
        raise ValueError(f"{box}: x, y, w and h must be whole numbers of pixels")
    if w <= 0 or h <= 0:
        raise ValueError(f"{box}: width and height must be positive")
    if x >= size or y >= size or x + w <= 0 or y + h <= 0:
        raise ValueError(f"{box} lies entirely outside the {size}x{size} canvas")


def facade_label_map(rectangles: Sequence[Rectangle], size: int = CANVAS_SIZE,
                     background: str = "facade") -> np.ndarray:
    """Paint `rectangles` on a `background`-coloured canvas: uint8 (size, size, 3).

    Each rectangle is (class, x, y, width, height) in pixels and gets the exact palette colour
    of its class; they are painted in order, so a later one covers an earlier one, and the
    parts outside the canvas are clipped away. Raises ValueError naming the first bad
    rectangle (not 5 values, unknown class, a coordinate that is not a whole number, width or
    height <= 0, nothing inside the canvas).
    """
    label_map = np.empty((size, size, 3), np.uint8)
    label_map[:] = class_colour(background)
    for index, rectangle in enumerate(rectangles):
        _check_rectangle(index, rectangle, size)
        name, x, y, w, h = rectangle
        label_map[max(y, 0):max(y + h, 0), max(x, 0):max(x + w, 0)] = class_colour(name)
    return label_map


def draw_strokes(image: np.ndarray, strokes: Sequence[Sequence[Point]],
                 width: float) -> np.ndarray:
    """A copy of `image` (uint8 (H, W, 3)) with each stroke drawn on it as a black line.

    A stroke is a polyline of (x, y) pixel points; `width` is the line's thickness in pixels
    (a round pen: every pixel within width / 2 of a segment is inked). A one-point stroke
    is a dot. Raises ValueError for a width <= 0 or an empty stroke.
    """
    if width <= 0:
        raise ValueError(f"line width must be positive, not {width}")
    out = np.array(image, np.uint8, copy=True)
    height, image_width = out.shape[:2]
    radius = width / 2.0
    rows, cols = np.mgrid[0:height, 0:image_width].astype(np.float32) + 0.5  # pixel centres
    for index, stroke in enumerate(strokes):
        points = np.asarray(stroke, np.float32).reshape(-1, 2)
        if len(points) == 0:
            raise ValueError(f"stroke {index} has no points")
        segments = zip(points, points[1:]) if len(points) > 1 else [(points[0], points[0])]
        for start, end in segments:
            out[_segment_mask(rows, cols, start, end, radius)] = INK
    return out


def _segment_mask(rows: np.ndarray, cols: np.ndarray, start: np.ndarray, end: np.ndarray,
                  radius: float) -> np.ndarray:
    """Pixels whose centre is within `radius` of the segment start-end: bool (H, W)."""
    direction = end - start
    length2 = float(direction @ direction)
    if length2 == 0.0:
        t = np.zeros_like(cols)
    else:  # where along the segment (0..1) each pixel's nearest point lies
        t = np.clip(((cols - start[0]) * direction[0] + (rows - start[1]) * direction[1])
                    / length2, 0.0, 1.0)
    dx = cols - (start[0] + t * direction[0])
    dy = rows - (start[1] + t * direction[1])
    return dx * dx + dy * dy <= radius * radius


def sketch_from_strokes(strokes: Sequence[Sequence[Point]], size: int = CANVAS_SIZE,
                        width: float = 3.0) -> np.ndarray:
    """Black strokes `width` pixels thick on a white (size, size) canvas: uint8 (size, size, 3)."""
    return draw_strokes(np.full((size, size, 3), WHITE, np.uint8), strokes, width)


def prepare_input(image: np.ndarray, method: str = "area") -> np.ndarray:
    """Any picture -> the generator's input: float32 (1, 256, 256, 3) in [-1, 1].

    `image`: (H, W) grey, (H, W, 1) grey, (H, W, 3) RGB or (H, W, 4) RGBA, values in [0, 255]
    (uint8 or float). Alpha is composited onto white (a transparent PNG sketch gets the white
    background the model knows), grey becomes RGB, a non-square picture is padded with white
    to a square (centred, nothing cut off), and the square is resized to 256x256 with `method`
    ("area" averages, for drawings and photos; "nearest" keeps label colours exact).
    """
    rgb = np.asarray(image, np.float32)
    if rgb.ndim == 2:
        rgb = rgb[..., None]
    if rgb.ndim != 3 or rgb.shape[-1] not in (1, 3, 4):
        raise ValueError(f"expected an (H, W), (H, W, 1), (H, W, 3) or (H, W, 4) image, "
                         f"got shape {np.shape(image)}")
    if rgb.shape[-1] == 4:
        alpha = rgb[..., 3:] / 255.0
        rgb = rgb[..., :3] * alpha + WHITE * (1.0 - alpha)
    if rgb.shape[-1] == 1:
        rgb = np.repeat(rgb, 3, axis=-1)
    height, width = rgb.shape[:2]
    side = max(height, width)
    if height != width:
        square = np.full((side, side, 3), WHITE, np.float32)
        top, left = (side - height) // 2, (side - width) // 2
        square[top:top + height, left:left + width] = rgb
        rgb = square
    if side != CANVAS_SIZE:
        import tensorflow as tf

        rgb = tf.image.resize(rgb, [CANVAS_SIZE, CANVAS_SIZE], method=method).numpy()
    return pixels.to_signed(np.clip(rgb, 0, 255))[None].astype(np.float32)


def decode_upload(data: bytes) -> np.ndarray:
    """The bytes of an uploaded PNG/JPEG/GIF/BMP -> uint8 (H, W, C), C = 1, 2, 3 or 4.

    Grey + alpha (C = 2) is expanded to RGBA so `prepare_input` accepts it. Raises ValueError
    when the bytes are not an image TensorFlow can decode.
    """
    import tensorflow as tf

    try:
        image = tf.io.decode_image(data, expand_animations=False).numpy()
    except (tf.errors.OpError, ValueError) as err:
        raise ValueError(messages.text("playground.not_an_image", error=err)) from None
    if image.shape[-1] == 2:
        image = np.concatenate([np.repeat(image[..., :1], 3, axis=-1), image[..., 1:]], -1)
    return image


def load_test_sketch(path: str) -> np.ndarray:
    """The sketch half (left) of a Sketch2Pokemon pair file: uint8 (256, 256, 3)."""
    return pixels.to_uint8(weights.read_input_image(path, "left"))


def translate(generator, model_input: np.ndarray, seed: int = 0) -> np.ndarray:
    """Run `generator` on `model_input` (1, 256, 256, 3) in [-1, 1]: uint8 (256, 256, 3).

    The prediction is lesson 03's (`weights.translate_image`: training=True, dropout masks
    fixed by `seed`), so the same input and seed always give the same picture.
    """
    model_input = np.asarray(model_input, np.float32)
    if model_input.shape[0] != 1:
        raise ValueError(f"expected a batch of one image, got shape {model_input.shape}")
    return pixels.to_uint8(weights.translate_image(generator, model_input[0], seed=seed))


def side_by_side_figure(left: np.ndarray, right: np.ndarray, titles: tuple[str, str]):
    """A small matplotlib figure of two uint8 images with their titles (not shown yet)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(6, 3.2))
    for ax, image, title in zip(axes, (left, right), titles):
        ax.imshow(image)
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    fig.tight_layout()
    return fig


def facade_example(generator, rectangles: Sequence[Rectangle] = EXAMPLE_FACADE,
                   seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(label map of `rectangles`, the photo `generator` makes of it): two uint8 (256, 256, 3)."""
    label_map = facade_label_map(rectangles)
    return label_map, translate(generator, prepare_input(label_map, method="nearest"), seed)


def colour_sketch(generator, sketch: np.ndarray,
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(`sketch` as the generator sees it, its colouring): two uint8 (256, 256, 3).

    `sketch`: any picture `prepare_input` accepts (an upload, a drawing, a test sketch).
    """
    model_input = prepare_input(sketch)
    return pixels.to_uint8(model_input[0]), translate(generator, model_input, seed)


def figure_jpeg(fig, dpi: int = 80) -> bytes:
    """A figure as JPEG bytes (the notebooks store photos as JPEG: far smaller than PNG)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="jpeg", dpi=dpi)
    return buffer.getvalue()


def encode_image(image: np.ndarray, fmt: str = "png") -> bytes:
    """uint8 (H, W, 3) -> PNG or JPEG bytes (what an ipywidgets.Image shows)."""
    import tensorflow as tf

    image = np.asarray(image, np.uint8)
    encoded = tf.io.encode_png(image) if fmt == "png" else tf.io.encode_jpeg(image, quality=90)
    return encoded.numpy()
