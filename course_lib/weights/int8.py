"""Weight files on disk: Keras `.weights.h5` and the course's int8 HDF5 layout.

The Pix2Pix U-Net has 54.4 M parameters (218 MB in float32, 109 MB in float16), too big for a
GitHub repository, so its convolution kernels are stored as int8 with one float32 scale per
output channel (symmetric quantisation, `quantize_per_channel`), in an HDF5 layout written and
read here with h5py (no pickles, no code). Every file written here records the builder it was
made for (ARCH_ATTR), and `check_architecture` refuses a file that does not fit a model.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from course_lib.registry import (
    STORAGE_INT8,
    STORAGE_KERAS,
    PathLike,
    WeightsError,
    build_model,
    count_parameters,
    sublayers,
)

INT8_FORMAT = "course_lib int8-per-channel v1"
ARCH_ATTR = "course_lib_architecture"  # HDF5 root attribute naming the builder a file is for
# What an int8 file must meet (issue 6): its size, and how far its mean test PSNR may move
# from the float32 generator's.
INT8_SIZE_BAR_MB = 60.0
INT8_PSNR_BAR_DB = 0.1


def quantize_per_channel(kernel: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 quantisation with one scale per slice along `axis`.

    scale_c = max|w_c| / 127 and q = round(w / scale_c) in [-127, 127], so w ~= q * scale_c
    with an error of at most scale_c / 2 per weight. One scale per output channel follows
    each filter's own range: a filter with small weights keeps its resolution.
    Returns q (int8, kernel's shape) and scale (float32, (kernel.shape[axis],)).
    """
    kernel = np.asarray(kernel, np.float32)
    axis = axis % kernel.ndim
    others = tuple(i for i in range(kernel.ndim) if i != axis)
    peak = np.max(np.abs(kernel), axis=others)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)  # all-zero channel: any
    shape = [1] * kernel.ndim
    shape[axis] = -1
    q = np.clip(np.rint(kernel / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale


def dequantize_per_channel(q: np.ndarray, scale: np.ndarray, axis: int) -> np.ndarray:
    """float32 kernel q * scale, with `scale` broadcast along `axis`."""
    shape = [1] * q.ndim
    shape[axis % q.ndim] = -1
    return q.astype(np.float32) * np.asarray(scale, np.float32).reshape(shape)


def _output_channel_axes(model) -> dict[int, int]:
    """id(kernel variable) -> axis of its output channels, for every convolution in `model`.

    Conv2D kernels are (kh, kw, in, out): axis 3. Conv2DTranspose kernels are stored the other
    way round, (kh, kw, out, in): axis 2.
    """
    import keras

    axes = {}
    for layer in sublayers(model):
        if isinstance(layer, keras.layers.Conv2DTranspose):
            axes[id(layer.kernel)] = 2
        elif isinstance(layer, keras.layers.Conv2D):
            axes[id(layer.kernel)] = 3
    return axes


def save_int8_weights(model, path: PathLike, architecture: str) -> Path:
    """Write `model.weights` to an HDF5 file with int8 convolution kernels.

    Layout: root attributes `format`, ARCH_ATTR, `keras_version`; one group
    `variables/NNNN` per entry of `model.weights`, in order, with attributes `shape` and `path`
    (informational) and either datasets `q` (int8) + `scale` (float32) + attribute `axis`, or a
    dataset `value` (float32: biases, BatchNorm parameters and statistics). gzip-compressed.
    """
    import keras

    path = Path(path)
    axes = _output_channel_axes(model)
    tmp = path.with_name(path.name + ".tmp")
    import h5py

    with h5py.File(tmp, "w") as f:
        f.attrs["format"] = INT8_FORMAT
        f.attrs[ARCH_ATTR] = architecture
        f.attrs["keras_version"] = keras.__version__
        group = f.create_group("variables")
        for i, variable in enumerate(model.weights):
            item = group.create_group(f"{i:04d}")
            value = np.asarray(variable.numpy(), np.float32)
            item.attrs["shape"] = np.asarray(value.shape, np.int64)
            item.attrs["path"] = variable.path
            if id(variable) in axes:
                q, scale = quantize_per_channel(value, axes[id(variable)])
                item.attrs["axis"] = axes[id(variable)]
                item.create_dataset("q", data=q, compression="gzip", compression_opts=4)
                item.create_dataset("scale", data=scale)
            else:
                item.create_dataset("value", data=value)
    os.replace(tmp, path)
    return path


def _int8_arrays(path: Path) -> list[np.ndarray]:
    import h5py

    arrays = []
    with h5py.File(path, "r") as f:
        group = f["variables"]
        for key in sorted(group):
            item = group[key]
            if "q" in item:
                arrays.append(dequantize_per_channel(item["q"][()], item["scale"][()],
                                                     int(item.attrs["axis"])))
            else:
                arrays.append(item["value"][()])
    return arrays


def _file_shapes(path: Path) -> tuple[str, str | None, list[tuple[int, ...]]]:
    """(format, architecture attribute or None, variable shapes) of a weight file."""
    import h5py

    try:
        f = h5py.File(path, "r")
    except OSError as err:
        raise WeightsError(f"{path}: not an HDF5 weights file ({err})") from None
    with f:
        arch = f.attrs.get(ARCH_ATTR)
        arch = arch.decode() if isinstance(arch, bytes) else arch
        if f.attrs.get("format") == INT8_FORMAT:
            group = f["variables"]
            shapes = [tuple(int(n) for n in group[k].attrs["shape"]) for k in sorted(group)]
            return STORAGE_INT8, arch, shapes
        shapes = []
        # A compiled model's save_weights also stores its optimizer's slots: not model weights.
        f.visititems(lambda key, obj: shapes.append(tuple(obj.shape))
                     if isinstance(obj, h5py.Dataset) and not key.startswith("optimizer/")
                     else None)
        return STORAGE_KERAS, arch, shapes


def _shape_summary(shapes: Iterable[tuple[int, ...]]) -> str:
    counts = sorted(Counter(shapes).items())
    text = ", ".join(f"{n}x{shape}" if n > 1 else str(shape) for shape, n in counts[:6])
    return text + (" ..." if len(counts) > 6 else "")


def check_architecture(model, path: PathLike, architecture: str) -> None:
    """Refuse a weight file that was not made for `model` (WeightsError naming both).

    Two checks: the builder name the file records (files written by this module carry it),
    and the shapes of the stored variables against `model.weights` (works for any Keras
    `.weights.h5`, e.g. one a learner saved).
    """
    path = Path(path)
    storage, file_arch, shapes = _file_shapes(path)
    if file_arch and file_arch != architecture:
        raise WeightsError(f"{path} holds weights for {file_arch}, but this model is "
                           f"{architecture}: wrong file for this architecture")
    expected = [tuple(int(n) for n in v.shape) for v in model.weights]
    same = shapes == expected if storage == STORAGE_INT8 else Counter(shapes) == Counter(expected)
    if not same:
        missing = Counter(expected) - Counter(shapes)
        extra = Counter(shapes) - Counter(expected)
        raise WeightsError(
            f"{path} does not fit {architecture}: expected {len(expected)} variables "
            f"({count_parameters(model)} parameters), found {len(shapes)} "
            f"({int(sum(np.prod(s) for s in shapes))} parameters); shapes the model needs but "
            f"the file lacks: {_shape_summary(missing.elements()) or 'none'}; shapes in the "
            f"file the model lacks: {_shape_summary(extra.elements()) or 'none'}")


def load_weights_file(model, path: PathLike, architecture: str) -> None:
    """Load a (verified) weight file into `model` after checking it fits the architecture."""
    path = Path(path)
    check_architecture(model, path, architecture)
    storage, _, _ = _file_shapes(path)
    if storage == STORAGE_INT8:
        for variable, value in zip(model.weights, _int8_arrays(path)):
            variable.assign(value)
    else:
        model.load_weights(str(path))


def save_weights_file(model, path: PathLike, architecture: str, storage: str) -> Path:
    """Save `model` as `storage` (float32 `.weights.h5` or int8) and tag the architecture."""
    import h5py

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if storage == STORAGE_INT8:
        return save_int8_weights(model, path, architecture)
    # Save from a fresh, uncompiled copy: a compiled model would also write its optimizer
    # slots (three times the size, and nothing inference needs).
    clean = build_model(architecture)
    clean.set_weights(model.get_weights())
    clean.save_weights(str(path))
    with h5py.File(path, "a") as f:  # Keras ignores extra root attributes when loading
        f.attrs[ARCH_ATTR] = architecture
    return path
