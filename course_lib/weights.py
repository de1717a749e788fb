"""Pretrained weights: a verified manifest, loaders, int8 storage and three commands.

The course ships weights so that a learner sees a good result at once ("trained for 500 epochs")
instead of after hours of training. Everything about a weight file is written down in
`weights/manifest.json`, one entry per model name:

    name, architecture ("module:builder"), file, storage, sha256, size, parameters,
    keras_version, tensorflow_version, dataset, training {...}, wall_time_s, hardware,
    metrics {...}, notes, and optionally url (a copy hosted elsewhere).

`load_pretrained(name)` builds the architecture, checks the file's size and sha256 *before*
reading a byte of it as weights, refuses a file made for another architecture, and only then
loads it. Files are Keras 3 `.weights.h5` (plain HDF5: no pickles, no code). The Pix2Pix U-Net
has 54.4 M parameters (218 MB in float32, 109 MB in float16), too big for a GitHub repository,
so its convolution kernels are stored as int8 with one float32 scale per output channel
(symmetric quantisation, `quantize_per_channel`), in an HDF5 layout written and read here with
h5py. The manifest records the measured quality cost of that.

Commands (`python -m course_lib ...`):

* `weights verify [--weights-dir DIR] [--load]`: check every manifest entry; exit 1 naming each
  bad file. `weights list` shows what is shipped. `weights export NAME --checkpoint-dir DIR`
  (or `--snapshot g-NNNNNNN.weights.h5`) turns a training checkpoint (`course_lib.training.fit`)
  or a generator snapshot into a weight file + manifest entry; for the int8 Pix2Pix files it
  also measures the PSNR cost against float32 and the size, and exits 1 if a bar is missed.
* `sample {gan,cgan,dcgan} --n N [--label D] [--seed S] --out FILE.npy`: generated digits.
* `translate {pix2pix-facades,pix2pix-pokemon} --input-dir DIR --out-dir DIR [--seed S]`.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import importlib
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_lib import config, messages

PathLike = str | os.PathLike

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "course_lib weights manifest v1"
INT8_FORMAT = "course_lib int8-per-channel v1"
STORAGE_KERAS = "keras-weights-h5"
STORAGE_INT8 = "int8-per-channel-h5"
ARCH_ATTR = "course_lib_architecture"  # HDF5 root attribute naming the builder a file is for
# What an int8 file must meet (issue 6): its size, and how far its mean test PSNR may move
# from the float32 generator's.
INT8_SIZE_BAR_MB = 60.0
INT8_PSNR_BAR_DB = 0.1


class WeightsError(Exception):
    """A weight file is missing, corrupt, or made for a different architecture."""


@dataclass(frozen=True)
class ModelSpec:
    """What the course knows about a pretrained model name, before any file exists.

    architecture: "module:builder" that returns a keras.Model (called without arguments).
    storage: STORAGE_KERAS (float32 `.weights.h5`) or STORAGE_INT8 (see `save_int8_weights`).
    how_to_train: the commands that produce the file, shown when it is missing.
    defaults: training facts for the manifest entry written by `export_checkpoint`.
    """

    name: str
    architecture: str
    file: str
    storage: str
    dataset: str
    how_to_train: str
    defaults: dict


def _export_hint(name: str) -> str:
    return (f"`python -m course_lib train {name}` and then `python -m course_lib weights export "
            f"{name} --checkpoint-dir runs/{name}/checkpoints`")


_MNIST_TRAIN = "MNIST train split (60 000 digits), scaled to [-1, 1]"
SPECS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec("gan", "course_lib.models:GeneratorGAN", "gan_generator.weights.h5",
                  STORAGE_KERAS, _MNIST_TRAIN, _export_hint("gan"),
                  {"epochs_planned": 500, "batch_size": 128, "steps_per_epoch": 469,
                   "optimizer": "Adam(learning_rate=1e-4) for G and for D",
                   "discriminator": "course_lib.models:DiscriminatorGAN(dropout=0.3)"}),
        ModelSpec("gan-collapsed", "course_lib.models:GeneratorGAN",
                  "gan_collapsed_generator.weights.h5", STORAGE_KERAS, _MNIST_TRAIN,
                  "restoring the course's weights/ folder from git: this is a kept run of "
                  "lesson 02's seed recipe (ReLU discriminator without dropout, 222 epochs), "
                  "the lesson's worked example of mode collapse, not a model to retrain",
                  {"epochs_planned": 500, "batch_size": 128, "steps_per_epoch": 469,
                   "optimizer": "Adam(learning_rate=1e-4) for G and for D",
                   "discriminator": "course_lib.models:DiscriminatorGAN (seed recipe)"}),
        ModelSpec("cgan", "course_lib.models:GeneratorCGAN", "cgan_generator.weights.h5",
                  STORAGE_KERAS, _MNIST_TRAIN + ", one-hot labels", _export_hint("cgan"),
                  {"epochs_planned": 500, "batch_size": 128, "steps_per_epoch": 469,
                   "optimizer": "Adam(learning_rate=1e-4) for G and for D",
                   "discriminator": "course_lib.models:DiscriminatorCGAN"}),
        ModelSpec("dcgan", "course_lib.models:dcgan_generator", "dcgan_generator.weights.h5",
                  STORAGE_KERAS, _MNIST_TRAIN, _export_hint("dcgan"),
                  {"epochs_planned": 50, "batch_size": 256, "steps_per_epoch": 235,
                   "optimizer": "Adam(learning_rate=1e-4) for G and for D",
                   "discriminator": "course_lib.models:dcgan_discriminator"}),
        ModelSpec("pix2pix-facades", "course_lib.models:unet_generator",
                  "pix2pix_facades_generator.int8.weights.h5", STORAGE_INT8,
                  "CMP facades train split (400 pairs; input = label map, target = photo)",
                  _export_hint("pix2pix-facades"),
                  {"steps_planned": 40_000, "batch_size": 1,
                   "optimizer": "Adam(learning_rate=2e-4, beta_1=0.5) for G and for D",
                   "discriminator": "course_lib.models:patchgan_discriminator"}),
        ModelSpec("pix2pix-cityscapes", "course_lib.models:unet_generator",
                  "pix2pix_cityscapes_generator.int8.weights.h5", STORAGE_INT8,
                  "pix2pix cityscapes train pairs 1-1000 (input = label map, target = photo)",
                  _export_hint("pix2pix-cityscapes"),
                  {"epochs_planned": 40, "steps_planned": 40_000, "batch_size": 1,
                   "optimizer": "Adam(learning_rate=2e-4, beta_1=0.5) for G and for D",
                   "discriminator": "course_lib.models:patchgan_discriminator"}),
        ModelSpec("pix2pix-pokemon", "course_lib.models:UNetGenerator",
                  "pix2pix_pokemon_generator.int8.weights.h5", STORAGE_INT8,
                  "Sketch -> Pokemon pairs from course_lib.data.pokemon_pairs_files('train') "
                  "(DERIVED sketches when the real Sketch2Pokemon set is absent)",
                  _export_hint("pix2pix-pokemon"),
                  {"epochs_planned": 50, "batch_size": 1,
                   "optimizer": "Adam(learning_rate=2e-4, beta_1=0.5) for G and for D",
                   "discriminator": "course_lib.models:PatchGANDiscriminator"}),
        ModelSpec("mnist-classifier", "course_lib.evaluation:mnist_classifier",
                  "mnist_classifier.weights.h5", STORAGE_KERAS,
                  "MNIST train split (60 000 digits), scaled to [-1, 1]",
                  "`python -m course_lib eval mnist-classifier --train`", {}),
        ModelSpec("facade-parser", "course_lib.evaluation:facade_parser",
                  "facade_parser.weights.h5", STORAGE_KERAS,
                  "CMP facades train split: photo -> 12 CMP classes from the label-map half",
                  "`python -m course_lib eval facade-parser --train`", {}),
    )
}
NAMES = tuple(SPECS)

# The sha256 of every weight file this release ships, pinned in code so that editing
# weights/manifest.json cannot make a changed file pass: the manifest says what a file claims
# to be, this says what the course actually shipped. Files in the repository's weights/ folder
# must match (`shipped_problem`); a file elsewhere (COURSE_WEIGHTS_DIR, --weights-dir: your own
# export) that does not is used as *your* weights, with a notice and a check that its outputs
# are not degenerate (`output_problem`). Re-exporting a shipped file means updating this table
# too (tests/test_weights.py checks it against weights/manifest.json).
SHIPPED_SHA256: dict[str, str] = {
    "cgan": "58f6d730350686221d31f0c790a51f227ac98b6ea6debfa11902b9cfeed48d11",
    "dcgan": "c7f0177e8dde1282eb943a0efabdaf87a0801d2980a2c055fc2d0b856f558c5d",
    "facade-parser": "8d0390e3a56e3616d876793e944fb6cb57727f065a720d86d928e1163d194b6f",
    "gan": "9a29499de4fd6c40a2cc84fd6cc453dedbd92c38b8da49a25fe47770ed956f0c",
    "gan-collapsed": "b19f9552adca21ac98dbc51b2e14045596060010ca9d7445d9645f24055f1fac",
    "mnist-classifier": "0f8c8590f3716ccb287d3c4627888086b2267ec2a268e0e4b1697bed271cf26b",
    "pix2pix-cityscapes": "0b74fecb5d2311f24aba59f4165b01ba9c1e9ae6fe48da777b183878001c112d",
    "pix2pix-facades": "19c9db0202591cd7302aa11dbc0cdfd7815a65e894a085c04034a08275b23aee",
    "pix2pix-pokemon": "5c62924ff5ac070ce969b298350b0c93aa19bcdc6d88df72a1184b77110d73c2",
}
MNIST_GENERATORS = ("gan", "gan-collapsed", "cgan", "dcgan")
PIX2PIX_GENERATORS = ("pix2pix-facades", "pix2pix-cityscapes", "pix2pix-pokemon")
# Which half of a 512x256 pair file is the generator's input (see course_lib.data.load).
INPUT_SIDE = {"pix2pix-facades": "right", "pix2pix-cityscapes": "right",
              "pix2pix-pokemon": "left"}


def spec(name: str) -> ModelSpec:
    """The ModelSpec of a pretrained name; WeightsError listing the known names otherwise."""
    try:
        return SPECS[name]
    except KeyError:
        known = ", ".join(NAMES)
        raise WeightsError(f"unknown pretrained model {name!r}; known: {known}") from None


# --------------------------------------------------------------------------------------------
# Architectures
# --------------------------------------------------------------------------------------------


def build_model(name_or_architecture: str):
    """A freshly initialised keras.Model for a pretrained name or a "module:builder" string.

    Subclassed models get their weights by one call on zeros (they have none before): the MNIST
    MLPs through `course_lib.models.build`, the lesson-04 U-Net on a (1,256,256,3) image.
    """
    from course_lib import models

    arch = SPECS[name_or_architecture].architecture \
        if name_or_architecture in SPECS else name_or_architecture
    module_name, _, attr = arch.partition(":")
    builder = getattr(importlib.import_module(module_name), attr)
    model = builder()
    if isinstance(model, (models.GeneratorGAN, models.GeneratorCGAN, models.DiscriminatorGAN,
                          models.DiscriminatorCGAN)):
        models.build(model)
    elif not model.built:
        model(np.zeros((1, 256, 256, 3), np.float32))
    return model


def _sublayers(model) -> Iterable:
    # Keras has no public recursive layer walk that also enters subclassed layers' attributes;
    # `_flatten_layers` is what `Model.layers` itself is built on.
    return model._flatten_layers(include_self=False, recursive=True)


def count_parameters(model) -> int:
    """Number of scalars in `model.weights` (trainable and not, e.g. BN moving statistics)."""
    return int(sum(int(np.prod(v.shape)) for v in model.weights))


# --------------------------------------------------------------------------------------------
# The manifest
# --------------------------------------------------------------------------------------------


def resolve_weights_dir(weights_dir: PathLike | None = None) -> Path:
    """`weights_dir` if given, else the repository's weights/ (or $COURSE_WEIGHTS_DIR)."""
    return Path(weights_dir).expanduser() if weights_dir is not None else config.weights_dir()


def card_line(name: str, weights_dir: PathLike | None = None) -> str:
    """One line from a model card: how the shipped weights were trained and what they score.

    e.g. "pix2pix-pokemon: 14,500 steps (18.6 epochs, batch 1) on 1x NVIDIA H200, ...;
    test (41 images): PSNR 17.63 dB, L1 0.071 | input unchanged 11.58 dB, 0.148 | ...".
    """
    entry = read_manifest(weights_dir).get(name, {})
    train, metrics = entry.get("training", {}), entry.get("metrics", {})
    parts = [f"{name}:"]
    if "steps" in train:
        epochs = f"{train['epochs']:g} epochs, " if "epochs" in train else ""
        parts.append(f"{train['steps']:,} steps ({epochs}batch {train.get('batch_size')}) "
                     f"on {entry.get('hardware', 'unknown hardware')};")
    gen = metrics.get("generator")
    if gen:  # Pix2Pix: the model next to its trivial baselines
        baselines = " | ".join(f"{base.replace('_', ' ')} {b['psnr']:.2f} dB, {b['l1']:.3f}"
                               for base, b in metrics.get("baselines", {}).items()
                               if base != "untrained_generator")
        parts.append(f"{metrics.get('split', 'test')} ({metrics.get('n_images')} images): "
                     f"PSNR {gen['psnr']:.2f} dB, L1 {gen['l1']:.3f} on [0,1] | {baselines}")
    elif "fid" in metrics:  # MNIST: the course classifier's figures
        share = (f", rarest digit {metrics['min_class_share']:.1%}"
                 if "min_class_share" in metrics else "")
        accuracy = f", accuracy {metrics['accuracy']:.1%}" if "accuracy" in metrics else ""
        parts.append(f"FJD {metrics['fid']:.1f}, confidence {metrics['confidence']:.3f}"
                     f"{accuracy}{share}")
    return " ".join(parts)


def read_manifest(weights_dir: PathLike | None = None, validate: bool = True) -> dict[str, dict]:
    """name -> entry from `<weights_dir>/manifest.json` ({} when there is no manifest yet).

    With `validate` (the default) a malformed entry raises WeightsError naming the entry, the
    field, what was expected and what was found (see `entry_problems`); `verify_all` reads
    with validate=False to report every bad entry instead of the first.
    """
    folder = resolve_weights_dir(weights_dir)
    path = folder / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise WeightsError(f"{path}: not valid JSON ({err})") from None
    except OSError as err:
        raise WeightsError(f"{path}: cannot read ({err.strerror})") from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise WeightsError(f"{path}: format expected {MANIFEST_FORMAT!r}, found {found!r}")
    models = data.get("models")
    if not isinstance(models, dict) or not all(isinstance(e, dict) for e in models.values()):
        raise WeightsError(f"{path}: 'models' expected an object of name -> entry objects")
    if validate:
        problems = [p for name, entry in models.items()
                    for p in entry_problems(name, entry, folder)]
        if problems:
            raise WeightsError(f"{path}: malformed entries:\n  " + "\n  ".join(problems))
    return models


# Fields every manifest entry must have, with their JSON types.
REQUIRED_FIELDS: dict[str, type] = {
    "file": str, "sha256": str, "size": int, "architecture": str, "storage": str}
_TYPE_WORDS = {str: "a string", int: "an integer (bytes)"}


def entry_problems(name: str, entry: dict, weights_dir: PathLike) -> list[str]:
    """What is malformed in manifest entry `name` ([] when nothing): missing or mistyped
    fields, a sha256 that is not 64 hex digits, and a `file` that would leave the weights
    folder (an absolute path, `..`, or a link pointing out): only files inside it are trusted.
    """
    where = f"manifest entry {name!r}"
    problems = []
    for key, kind in REQUIRED_FIELDS.items():
        if key not in entry:
            problems.append(f"{where}: no {key!r} field (expected {_TYPE_WORDS[kind]})")
        elif not isinstance(entry[key], kind) or isinstance(entry[key], bool):
            problems.append(f"{where}: {key!r} expected {_TYPE_WORDS[kind]}, found "
                            f"{entry[key]!r}")
    digest = entry.get("sha256")
    if isinstance(digest, str) and not re.fullmatch(r"[0-9a-f]{64}", digest):
        problems.append(f"{where}: 'sha256' expected 64 lowercase hex digits, found {digest!r}")
    file = entry.get("file")
    if isinstance(file, str):
        folder = Path(weights_dir).resolve()
        target = (folder / file).resolve()
        if Path(file).is_absolute() or ".." in Path(file).parts or target.parent != folder:
            problems.append(f"{where}: 'file' must name a file inside the weights folder "
                            f"{folder}, found {file!r}")
    return problems


def write_manifest(entries: dict[str, dict], weights_dir: PathLike | None = None) -> Path:
    """Write the manifest atomically (a killed write never leaves half a JSON file)."""
    folder = resolve_weights_dir(weights_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MANIFEST_NAME
    text = json.dumps({"format": MANIFEST_FORMAT,
                       "models": {k: entries[k] for k in sorted(entries)}}, indent=2)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(text + "\n")
    os.replace(tmp, path)
    return path


def is_repository_folder(weights_dir: PathLike) -> bool:
    """Whether `weights_dir` is the repository's own weights/ (whose files must be the shipped
    ones, `SHIPPED_SHA256`)."""
    return Path(weights_dir).resolve() == (config.repo_root() / "weights").resolve()


def shipped_problem(name: str, entry: dict, weights_dir: PathLike) -> str | None:
    """Why the file of `name` is not the one the course shipped, or None when it is.

    Compares the manifest's sha256 (which `check_file` has matched to the file) with the one
    pinned in code, so a file changed *and* re-registered in the manifest is still caught.
    """
    pinned = SHIPPED_SHA256.get(name)
    if pinned is None or entry.get("sha256") == pinned:
        return None
    return (f"{Path(weights_dir) / str(entry.get('file'))}: sha256 {entry.get('sha256')} is not "
            f"the shipped file's, pinned in course_lib/weights.py as {pinned} (the file was "
            "changed and the manifest edited to match)")


def sha256_file(path: PathLike) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_file(path: PathLike, entry: dict) -> list[str]:
    """Problems of one weight file against its manifest entry ([] when it is healthy).

    Cheap checks first: existence, then size, then the sha256 of the whole file.
    """
    path = Path(path)
    if not path.is_file():
        return [f"{path}: missing (manifest entry {entry.get('name')!r})"]
    size = path.stat().st_size
    if size != entry["size"]:
        return [f"{path}: size expected {entry['size']} bytes, found {size}"]
    found = sha256_file(path)
    if found != entry["sha256"]:
        return [f"{path}: sha256 expected {entry['sha256']}, found {found}"]
    return []


def update_manifest_metrics(name: str, metrics: dict, weights_dir: PathLike | None = None,
                            replace: bool = False) -> dict:
    """Merge measured quality numbers into `name`'s manifest entry (or replace them).

    Returns the updated entry. The entry must exist (weights are registered before they are
    measured).
    """
    entries = read_manifest(weights_dir)
    if name not in entries:
        manifest = resolve_weights_dir(weights_dir) / MANIFEST_NAME
        raise WeightsError(f"{name!r} has no entry in {manifest}")
    entry = entries[name]
    entry["metrics"] = dict(metrics) if replace else {**entry.get("metrics", {}), **metrics}
    write_manifest(entries, weights_dir)
    return entry


def versions() -> dict[str, str]:
    import keras
    import tensorflow as tf

    return {"keras_version": keras.__version__, "tensorflow_version": tf.__version__}


def hardware_description() -> str:
    """e.g. 'CPU: 2 cores (x86_64), no GPU' or 'GPU: /physical_device:GPU:0'."""
    device = config.device_name()
    if device == "CPU":
        return f"CPU: {os.cpu_count()} cores ({platform.machine()}), no GPU"
    return device


def register_weights(name: str, path: PathLike, weights_dir: PathLike | None = None, *,
                     model=None, training: dict | None = None, wall_time_s: float | None = None,
                     hardware: str | None = None, notes: str | None = None,
                     metrics: dict | None = None, extra: dict | None = None) -> dict:
    """Write (or refresh) the manifest entry of a weight file already placed in `weights_dir`.

    sha256 and size are measured here. Metrics of an older file are dropped when the file
    changed, since they described other weights.
    """
    s = spec(name)
    folder = resolve_weights_dir(weights_dir)
    path = Path(path)
    if path.parent.resolve() != folder.resolve():
        raise WeightsError(f"{path} must be inside the weights folder {folder}")
    entries = read_manifest(folder)
    old = entries.get(name, {})
    digest = sha256_file(path)
    entry = {
        "name": name,
        "architecture": s.architecture,
        "file": path.name,
        "storage": s.storage,
        "sha256": digest,
        "size": path.stat().st_size,
        "parameters": count_parameters(model) if model is not None else old.get("parameters"),
        **versions(),
        "dataset": s.dataset,
        "training": training if training is not None else old.get("training", {}),
        "wall_time_s": wall_time_s if wall_time_s is not None else old.get("wall_time_s"),
        "hardware": hardware or old.get("hardware") or hardware_description(),
        "created": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "metrics": {**(old.get("metrics", {}) if old.get("sha256") == digest else {}),
                    **(metrics or {})},
        "notes": notes if notes is not None else old.get("notes", ""),
    }
    if "url" in old:
        entry["url"] = old["url"]
    entry.update(extra or {})
    entries[name] = entry
    write_manifest(entries, folder)
    return entry


# --------------------------------------------------------------------------------------------
# int8 storage (per output channel, symmetric)
# --------------------------------------------------------------------------------------------


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
    for layer in _sublayers(model):
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


# --------------------------------------------------------------------------------------------
# Locating, downloading and loading
# --------------------------------------------------------------------------------------------


def default_cache_dir() -> Path:
    """~/.cache/course_lib/weights: where downloaded weight files are kept."""
    return Path.home() / ".cache" / "course_lib" / "weights"


def missing_weights_message(weights_dir: PathLike) -> str | None:
    """Why `weights_dir` holds no usable weights at all (say where it looked and how to get
    them), or None when it has a manifest."""
    folder = resolve_weights_dir(weights_dir)
    if (folder / MANIFEST_NAME).is_file():
        return None
    env = os.environ.get("COURSE_WEIGHTS_DIR")
    why = (messages.text("weights.env_points", env=env)
           if env and Path(env).expanduser().resolve() == folder.resolve() else "")
    state = (messages.text("weights.state_absent") if not folder.exists()
             else messages.text("weights.state_no_manifest", manifest=MANIFEST_NAME))
    shipped = config.repo_root() / "weights"
    return messages.text("weights.no_folder", folder=folder, why=why, state=state,
                         shipped=shipped)


def _entry(name: str, weights_dir: Path) -> dict:
    s = spec(name)
    missing = missing_weights_message(weights_dir)
    if missing:
        raise WeightsError(messages.text("weights.or_train", name=name, missing=missing,
                                         how=s.how_to_train))
    entries = read_manifest(weights_dir)
    if name not in entries:
        raise WeightsError(messages.text("weights.not_shipped", name=name,
                                         manifest=weights_dir / MANIFEST_NAME,
                                         how=s.how_to_train))
    return entries[name]


def download(url: str, entry: dict, cache_dir: PathLike | None = None) -> Path:
    """Fetch `url` into the cache (once) and verify it against `entry`; return the cached path.

    A cached file with the right sha256 is used without touching the network. The download goes
    to a temporary file that only replaces the cached name after its sha256 matched, so a
    broken download never looks like a good cached file. `file://` URLs work too.
    """
    cache = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    target = cache / entry["file"]
    if not check_file(target, entry):
        return target
    cache.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=cache, prefix=entry["file"] + ".", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            shutil.copyfileobj(response, out, 1 << 20)
        problems = check_file(tmp, entry)
        if problems:
            raise WeightsError(f"download of {url} failed verification: "
                               + problems[0].replace(str(tmp), entry["file"]))
        os.replace(tmp, target)
    except (urllib.error.URLError, OSError, ValueError) as err:
        raise WeightsError(f"could not download {url}: {err}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return target


def locate(name: str, weights_dir: PathLike | None = None, url: str | None = None,
           cache_dir: PathLike | None = None, quiet: bool = False) -> tuple[Path, dict]:
    """The verified weight file of `name` and its manifest entry.

    With a URL (the argument, else the entry's "url"), the cached download is preferred; if the
    download fails or does not verify, the repository copy in `weights_dir` is used instead (with
    a notice). Either way the returned file's size and sha256 match the manifest.
    """
    folder = resolve_weights_dir(weights_dir)
    entry = _entry(name, folder)
    url = url or entry.get("url")
    download_problem = None
    if url:
        try:
            return download(url, entry, cache_dir), entry
        except WeightsError as err:
            download_problem = str(err)
            if not quiet:
                print(f"{download_problem}; falling back to the repository copy", file=sys.stderr)
    problems = check_file(folder / entry["file"], entry)
    if not problems and is_repository_folder(folder):
        problems = [p for p in [shipped_problem(name, entry, folder)] if p]
    if problems:
        detail = problems[0] + (f" (and {download_problem})" if download_problem else "")
        raise WeightsError(messages.text("weights.unusable", name=name, detail=detail,
                                         how=spec(name).how_to_train))
    return folder / entry["file"], entry


def load_pretrained(name: str, weights_dir: PathLike | None = None, url: str | None = None,
                    cache_dir: PathLike | None = None):
    """A keras.Model of the right architecture holding the verified pretrained weights of `name`.

    Args:
        name: gan, cgan, dcgan (generators; MNIST images (N,28,28,1) in [-1,1]),
            mnist-classifier, pix2pix-facades, pix2pix-pokemon (generators, (N,256,256,3)
            in [-1,1]), facade-parser.
        weights_dir: folder with manifest.json and the files (default: the repository's
            `weights/`, or $COURSE_WEIGHTS_DIR).
        url: where to download the file from (overrides the manifest's "url"); downloads are
            cached in `cache_dir` (default ~/.cache/course_lib/weights), and a failed download
            falls back to the copy in `weights_dir`.

    Raises:
        WeightsError: unknown name; nothing shipped for it yet (says how to train it); file
            missing or its size/sha256 differs from the manifest (names the file, expected and
            found values); the file was made for a different architecture.
    """
    path, entry = locate(name, weights_dir, url, cache_dir)
    model = build_model(name)
    load_weights_file(model, path, spec(name).architecture)
    if shipped_problem(name, entry, path.parent):
        # Not the shipped file (your own export, outside the repository's weights/): its
        # manifest matched, but only its behaviour can vouch for it.
        print(f"[course_lib.weights] {name}: using {path}, which is not the shipped file "
              f"(sha256 {entry['sha256'][:12]}…); checking its outputs", file=sys.stderr)
        problem = output_problem(name, model)
        if problem:
            raise WeightsError(f"{path}: {problem}; refusing these weights for {name!r}")
    return model


def unavailable_reason(name: str, weights_dir: PathLike | None = None) -> str | None:
    """Why `name` has no usable pretrained file (where it looked, how to get it), or None.

    Cheap: the manifest entry and the file's size, no hashing (`load_pretrained` still
    verifies the sha256).
    """
    if name not in SPECS:
        return f"unknown pretrained model {name!r}; known: {', '.join(NAMES)}"
    folder = resolve_weights_dir(weights_dir)
    missing = missing_weights_message(folder)
    if missing:
        return missing
    try:
        entry = read_manifest(folder).get(name)
    except WeightsError as err:
        return str(err)
    if entry is None:
        return messages.text("weights.no_entry", manifest=folder / MANIFEST_NAME, name=name,
                             how=SPECS[name].how_to_train)
    candidates = [folder / entry["file"], default_cache_dir() / entry["file"]]
    if any(p.is_file() and p.stat().st_size == entry["size"] for p in candidates):
        return None
    return messages.text("weights.bad_size", path=folder / entry["file"], size=entry["size"],
                         how=SPECS[name].how_to_train)


def available(name: str, weights_dir: PathLike | None = None, quiet: bool = False) -> bool:
    """True when `name` has a manifest entry and a file of the right size (no hashing: cheap).

    Use this to decide whether to offer the pretrained path at all (e.g. in a notebook). When
    the answer is False it also prints why, on stdout so that a notebook shows it: an empty or
    wrong weights folder must be visible, never a silently skipped section (`quiet=True`
    stays silent).
    """
    reason = unavailable_reason(name, weights_dir)
    if reason and not quiet:
        print(messages.text("weights.not_available", name=name, reason=reason), flush=True)
    return reason is None


def verify_all(weights_dir: PathLike | None = None, load: bool = False,
               shipped: bool | None = None) -> list[str]:
    """Problems of every manifest entry ([] when all are healthy).

    Each entry must be well formed (`entry_problems`) and its file must match the manifest's
    size and sha256. `shipped` (default: only for the repository's weights/ folder) also
    requires the sha256 pinned in code (`SHIPPED_SHA256`). `load=True` also loads each file
    into its architecture and checks that the model's outputs are not degenerate
    (`output_problem`: e.g. all zeros).
    """
    folder = resolve_weights_dir(weights_dir)
    missing = missing_weights_message(folder)
    if missing:
        return [missing]
    entries = read_manifest(folder, validate=False)
    if not entries:
        return [f"{folder / MANIFEST_NAME}: no entries"]
    if shipped is None:
        shipped = is_repository_folder(folder)
    problems = []
    for name, entry in entries.items():
        if name not in SPECS:
            problems.append(f"{name}: unknown model name in {folder / MANIFEST_NAME}")
            continue
        found = entry_problems(name, entry, folder) or check_file(folder / entry["file"], entry)
        if not found and shipped:
            found = [p for p in [shipped_problem(name, entry, folder)] if p]
        if not found and load:
            try:
                model = build_model(name)
                load_weights_file(model, folder / entry["file"], entry["architecture"])
                problem = output_problem(name, model)
                if problem:
                    found = [f"{folder / entry['file']}: {problem}"]
            except (WeightsError, ValueError, OSError) as err:
                found = [f"{folder / entry['file']}: does not load: {err}"]
        problems.extend(found)
    return problems


def output_problem(name: str, model) -> str | None:
    """Why `model`'s outputs look broken (non-finite, constant, or ignoring its input), or
    None when they look like a model's.

    Runs it on a few fixed inputs: MNIST generators on 8 noise vectors z ~ N(0, I) (the cGAN
    with labels 0-7), Pix2Pix generators on 2 random (256,256,3) images in [-1, 1], the
    classifier/parser on random images of their input shape. A trained model maps different
    inputs to different outputs; weights zeroed, or overwritten with a constant, do not
    (the tampered file of issue 16 sampled all zeros).
    """
    from course_lib import models

    rng = np.random.default_rng(12345)
    if name in MNIST_GENERATORS:
        z = rng.standard_normal((8, models.NOISE_DIM)).astype(np.float32)
        if name == "cgan":
            out = model(z, np.eye(models.NUM_CLASSES, dtype=np.float32)[np.arange(8)],
                        training=False)
        else:
            out = model(z, training=False)
    elif name in PIX2PIX_GENERATORS:
        images = rng.uniform(-1, 1, (2, 256, 256, 3)).astype(np.float32)
        out = np.stack([translate_image(model, im, seed=0) for im in images])
    else:
        shape = tuple(model.input_shape[1:])
        out = model(rng.uniform(-1, 1, (4, *shape)).astype(np.float32), training=False)
    out = np.asarray(out, np.float64)
    if not np.isfinite(out).all():
        return "its outputs contain NaN or infinity"
    spread = float(np.abs(out - out[:1]).max())
    if out.std() < 1e-4 or spread < 1e-4:
        return (f"its outputs are degenerate: constant {float(out.mean()):.4g} for every input "
                f"(std {out.std():.2g}); trained weights give different outputs for different "
                "inputs")
    return None


# --------------------------------------------------------------------------------------------
# Exporting a training checkpoint
# --------------------------------------------------------------------------------------------


def restore_generator(name: str, checkpoint_dir: PathLike):
    """(generator, step) from the latest checkpoint that `training.fit` wrote in checkpoint_dir.

    Only the generator and the step counter are read: the checkpoint also holds the
    discriminator and both optimizers, which inference does not need (hence `expect_partial`).
    """
    import tensorflow as tf

    from course_lib import checkpoints

    latest = None
    found = checkpoints.candidates(checkpoint_dir)
    for prefix in found:  # newest first; skip damaged ones
        problem = checkpoints.intact_problem(prefix)
        if problem is None:
            latest = prefix
            break
        print(f"warning: checkpoint {prefix}: {problem}; trying the previous one",
              file=sys.stderr)
    if latest is None:
        what = "no intact checkpoint found" if found else "no checkpoint found"
        raise WeightsError(f"{checkpoint_dir}: {what} (expected a `checkpoint` file and "
                           "ckpt-N.index/.data files from training.fit)")
    generator = build_model(name)
    step = tf.Variable(0, dtype=tf.int64, name="step")
    status = tf.train.Checkpoint(step=step, generator=generator).restore(latest)
    try:
        status.expect_partial().assert_existing_objects_matched()
    except AssertionError as err:
        raise WeightsError(f"{latest} does not hold a {spec(name).architecture} generator: "
                           f"{str(err)[:300]}") from None
    return generator, int(step.numpy())


SNAPSHOT_PATTERN = re.compile(r"g-(\d+)\.weights\.h5$")


def snapshot_step(path: PathLike) -> int:
    """The training step in a snapshot name `g-NNNNNNN.weights.h5` (WeightsError otherwise)."""
    match = SNAPSHOT_PATTERN.search(Path(path).name)
    if match is None:
        raise WeightsError(f"{path}: expected a snapshot named g-<step>.weights.h5 "
                           "(a generator's save_weights during training)")
    return int(match.group(1))


def snapshot_files(paths: Iterable[PathLike]) -> list[Path]:
    """Snapshot files from files and folders (a folder gives its g-*.weights.h5), by step."""
    found = []
    for item in map(Path, paths):
        if item.is_dir():
            found.extend(p for p in item.iterdir() if SNAPSHOT_PATTERN.search(p.name))
        elif item.is_file():
            snapshot_step(item)  # refuse a file that is not named like a snapshot
            found.append(item)
        else:
            raise WeightsError(f"{item}: no such snapshot file or folder")
    return sorted(set(found), key=lambda p: (snapshot_step(p), str(p)))


def load_snapshot(name: str, path: PathLike):
    """(generator, step) from a snapshot: a plain Keras `save_weights` file of `name`'s
    generator, taken during training (`g-NNNNNNN.weights.h5`; the step comes from the name).

    The variable shapes are checked first, so a snapshot of another model (say a GAN snapshot
    given as cgan) is refused with both architectures named.
    """
    step = snapshot_step(path)
    generator = build_model(name)
    try:
        load_weights_file(generator, path, spec(name).architecture)
    except (OSError, ValueError) as err:  # e.g. a snapshot still being written
        raise WeightsError(f"{path}: could not be loaded as {spec(name).architecture} "
                           f"({err})") from None
    return generator, step


def average_snapshots(name: str, paths: Sequence[PathLike]):
    """(generator, step) whose every weight is the mean of that weight over the `paths`
    snapshots; step = the latest snapshot's step.

    Averaging the weights of snapshots taken along one run (Polyak averaging, as in stochastic
    weight averaging or the moving-average generators of ProGAN/BigGAN) smooths out the
    step-to-step jitter of adversarial training. It needs no retraining and keeps the
    architecture, so the result is an ordinary generator of `name`.
    """
    files = snapshot_files(paths)
    if not files:
        raise WeightsError("average_snapshots needs at least one snapshot")
    generator, step = load_snapshot(name, files[-1])
    total = [v.numpy().astype(np.float64) for v in generator.weights]
    for path in files[:-1]:
        other, _ = load_snapshot(name, path)
        for acc, v in zip(total, other.weights):
            acc += v.numpy()
    for v, acc in zip(generator.weights, total):
        v.assign((acc / len(files)).astype(v.numpy().dtype))
    return generator, step


def float32_generator(name: str, checkpoint_dir: PathLike | None = None,
                      snapshot: PathLike | Sequence[PathLike] | None = None):
    """(generator, step, source) from exactly one of a checkpoint folder or snapshot file(s).

    Several snapshot files give their weight average (`average_snapshots`). `source` is a short
    description for the model card ("checkpoint DIR" / "snapshot FILE" / "mean of N ...").
    """
    if snapshot is None:
        snapshots = []
    elif isinstance(snapshot, (list, tuple)):
        snapshots = list(snapshot)
    else:
        snapshots = [snapshot]
    if (checkpoint_dir is None) == (not snapshots):
        raise WeightsError("give exactly one of a checkpoint folder or snapshot file(s)")
    if len(snapshots) == 1:
        generator, step = load_snapshot(name, snapshots[0])
        return generator, step, f"snapshot {snapshots[0]}"
    if snapshots:
        generator, step = average_snapshots(name, snapshots)
        steps = [snapshot_step(p) for p in snapshot_files(snapshots)]
        return generator, step, (f"mean of the weights of {len(steps)} snapshots at steps "
                                 f"{', '.join(map(str, steps))} (in {Path(snapshots[0]).parent})")
    generator, step = restore_generator(name, checkpoint_dir)
    return generator, step, f"checkpoint {checkpoint_dir}"


def export_checkpoint(name: str, checkpoint_dir: PathLike | None = None,
                      weights_dir: PathLike | None = None, *,
                      snapshot: PathLike | Sequence[PathLike] | None = None,
                      wall_time_s: float | None = None, hardware: str | None = None,
                      notes: str | None = None, training: dict | None = None) -> dict:
    """Export a trained generator to `weights_dir` and register it; returns the manifest entry.

    The source is the latest checkpoint of `checkpoint_dir` (`training.fit`) or a `snapshot`
    file (`g-NNNNNNN.weights.h5`, e.g. the best one `eval MODEL --snapshots` found). Writes
    `<weights_dir>/<spec file>` (int8 for Pix2Pix) and refreshes the manifest entry: sha256,
    size, versions, the step (and epochs for the MNIST models), the training settings, where
    the weights came from, `wall_time_s`, `hardware`, `notes`.
    """
    s = spec(name)
    if name not in MNIST_GENERATORS + PIX2PIX_GENERATORS:
        raise WeightsError(f"{name} is not a GAN generator; nothing to export from a checkpoint")
    generator, step, source = float32_generator(name, checkpoint_dir, snapshot)
    folder = resolve_weights_dir(weights_dir)
    path = save_weights_file(generator, folder / s.file, s.architecture, s.storage)
    facts = {k: v for k, v in s.defaults.items() if k != "steps_per_epoch"}
    facts["steps"] = step
    facts["source"] = source
    if "steps_per_epoch" in s.defaults:
        facts["epochs"] = round(step / s.defaults["steps_per_epoch"], 2)
    facts.update(training or {})
    if notes is None:
        if "epochs_planned" in facts:
            notes = f"trained {facts['epochs']:g} of {facts['epochs_planned']} epochs"
        elif "steps_planned" in facts:
            notes = f"trained {step} of {facts['steps_planned']} steps"
        else:
            notes = f"trained {step} steps"
        if s.storage == STORAGE_INT8:
            notes += ("; convolution kernels stored as per-output-channel symmetric int8 "
                      "(float32 scales), biases and BatchNorm in float32")
    return register_weights(name, path, folder, model=generator, training=facts,
                            wall_time_s=wall_time_s, hardware=hardware, notes=notes)


# --------------------------------------------------------------------------------------------
# Inference helpers: sampling digits, translating images
# --------------------------------------------------------------------------------------------


def sample_digits(generator, n: int, label: int | None = None, seed: int = 0) -> np.ndarray:
    """n images (n,28,28,1), float32 in [-1,1], from an MNIST generator.

    z ~ N(0, I) of length 100 from numpy's generator seeded with `seed`, so the same seed gives
    the same digits. `label` (0..9) is one-hot encoded for the cGAN and must be None for the
    unconditional models. Inference mode (training=False): the MLPs have no dropout, and the
    DCGAN's BatchNorm uses the statistics it learned.
    """
    from course_lib import models

    noise = np.random.default_rng(seed).standard_normal((n, models.NOISE_DIM)).astype(np.float32)
    if isinstance(generator, models.GeneratorCGAN):
        if label is None:
            raise ValueError("the cGAN needs a label (0-9) for the digit to draw")
        labels = np.eye(models.NUM_CLASSES, dtype=np.float32)[np.full(n, int(label))]
        images = generator(noise, labels, training=False)
    else:
        if label is not None:
            raise ValueError("this generator is unconditional: a label cannot be used")
        images = generator(noise, training=False)
    return np.asarray(images, np.float32)


def reseed_dropout(model, seed: int) -> int:
    """Reset the random state of every Dropout layer in `model`; return how many there are.

    Pix2Pix's only noise at inference is its dropout; Keras draws each mask from the layer's
    seed state, which advances with every call. Resetting the states makes one prediction
    depend on `seed` alone, not on how many images came before it.
    """
    import keras

    count = 0
    for layer in _sublayers(model):
        if isinstance(layer, keras.layers.Dropout):
            state = layer.seed_generator.state
            state.assign(np.array([seed * 1009 + count + 1, 0], dtype=state.dtype))
            count += 1
    return count


def translate_image(generator, image: np.ndarray, seed: int = 0) -> np.ndarray:
    """One Pix2Pix prediction: input (256,256,3) in [-1,1] -> output (256,256,3) in [-1,1].

    Runs `generator(x, training=True)` on a batch of one, as lesson 03 teaches and the pix2pix
    paper does: BatchNorm normalises with the statistics of this image (exactly what it did
    during training, where the batch size is 1, instead of running averages that fit no single
    image), and dropout stays on as the generator's noise source. `seed` fixes the dropout
    masks, so a prediction is reproducible.
    """
    reseed_dropout(generator, seed)
    out = generator(np.asarray(image, np.float32)[None], training=True)
    return np.asarray(out[0], np.float32)


def image_seed(seed: int, stem: str) -> int:
    """A per-file seed: the same file gets the same dropout masks whatever else is translated."""
    return (seed * 7919 + zlib.crc32(stem.encode())) % (2**31 - 1)


def read_input_image(path: PathLike, input_side: str) -> np.ndarray:
    """The generator input from an image file: float32 (256,256,3) in [-1,1].

    A side-by-side pair (width = 2 x height, e.g. 512x256) gives its `input_side` half
    ("right" for facades: the label map; "left" for Sketch2Pokemon: the sketch); a square image
    is the input itself. Resizing to 256x256 uses nearest neighbour, as in course_lib.data
    (label colours stay exact).
    """
    import tensorflow as tf

    path = Path(path)
    try:
        image = tf.io.decode_image(tf.io.read_file(str(path)), channels=3,
                                   expand_animations=False)
    except tf.errors.OpError as err:
        raise WeightsError(f"{path}: not a readable JPEG/PNG image ({err.message})") from None
    height, width = int(image.shape[0]), int(image.shape[1])
    if width == 2 * height:
        half = width // 2
        image = image[:, half:] if input_side == "right" else image[:, :half]
    elif width != height:
        raise WeightsError(f"{path}: expected a side-by-side pair (width = 2 x height, e.g. "
                           f"512x256) or a square input image, found {width}x{height}")
    image = tf.image.resize(tf.cast(image, tf.float32), [256, 256],
                            method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)
    return (image.numpy() / 127.5 - 1.0).astype(np.float32)


def to_uint8(image: np.ndarray) -> np.ndarray:
    """[-1,1] float image -> uint8 [0,255] (rounded, clipped)."""
    return np.clip(np.rint((np.asarray(image) + 1.0) * 127.5), 0, 255).astype(np.uint8)


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


def translate_dir(name: str, input_dir: PathLike, out_dir: PathLike, seed: int = 0,
                  weights_dir: PathLike | None = None, generator=None,
                  progress: bool = False) -> list[Path]:
    """Translate every JPEG/PNG in `input_dir`; write `<out_dir>/<stem>.png` (256x256 RGB).

    Returns the written paths, in sorted input order. `generator` skips loading the
    pretrained one (tests, notebooks that just trained their own).
    """
    import tensorflow as tf

    if name not in PIX2PIX_GENERATORS:
        raise WeightsError(f"translate works with {', '.join(PIX2PIX_GENERATORS)}, not {name!r}")
    files = sorted(p for p in Path(input_dir).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise WeightsError(f"{input_dir}: no .jpg/.jpeg/.png files to translate")
    stems = Counter(p.stem for p in files)
    clashes = [s for s, n in stems.items() if n > 1]
    if clashes:
        raise WeightsError(f"{input_dir}: several files share the stem(s) {clashes[:5]}; "
                           "outputs are named <stem>.png, so they would overwrite each other")
    generator = generator if generator is not None else load_pretrained(name, weights_dir)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    iterator = files
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(files, unit="image")
    for path in iterator:
        x = read_input_image(path, INPUT_SIDE[name])
        y = translate_image(generator, x, image_seed(seed, path.stem))
        target = out / f"{path.stem}.png"
        tf.io.write_file(str(target), tf.io.encode_png(to_uint8(y)))
        written.append(target)
    return written


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    """Arguments of `weights`, `sample` and `translate`."""
    if command == "weights":
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check size and sha256 of every manifest entry")
        verify.add_argument("--weights-dir", type=Path)
        verify.add_argument("--load", action="store_true",
                            help="also load each file and check its outputs are not degenerate")
        verify.add_argument("--shipped", action="store_true",
                            help="require the files the course shipped (sha256 pinned in "
                                 "code), also outside the repository's weights/ folder")
        listing = sub.add_parser("list", help="show the manifest")
        listing.add_argument("--weights-dir", type=Path)
        export = sub.add_parser("export", help="checkpoint or snapshot -> weights/NAME file + "
                                               "manifest entry (Pix2Pix: int8, measured)")
        export.add_argument("name", choices=MNIST_GENERATORS + PIX2PIX_GENERATORS)
        source = export.add_mutually_exclusive_group(required=True)
        source.add_argument("--checkpoint-dir", type=Path,
                            help="the latest checkpoint of a training.fit run")
        source.add_argument("--snapshot", type=Path, nargs="+",
                            help="a generator snapshot g-NNNNNNN.weights.h5; several: export "
                                 "the mean of their weights (Polyak averaging)")
        export.add_argument("--weights-dir", type=Path)
        export.add_argument("--wall-time", type=float, help="training wall time in seconds")
        export.add_argument("--hardware", help="where it was trained (default: this machine)")
        export.add_argument("--notes", help="free text for the model card")
        export.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                            help="extra training facts, e.g. --set epochs_planned=500")
        export.add_argument("--limit", type=int,
                            help="int8 models: measure the int8 cost on the first N test images "
                                 "only (default: all)")
    elif command == "sample":
        parser.add_argument("model", choices=MNIST_GENERATORS)
        parser.add_argument("--n", type=int, required=True, help="number of images")
        parser.add_argument("--label", type=int, help="digit 0-9 (cgan only, required there)")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--out", type=Path, required=True, help="output .npy file")
        parser.add_argument("--weights-dir", type=Path)
    elif command == "translate":
        parser.add_argument("model", choices=PIX2PIX_GENERATORS)
        parser.add_argument("--input-dir", type=Path, required=True)
        parser.add_argument("--out-dir", type=Path, required=True)
        parser.add_argument("--seed", type=int, default=0, help="fixes the dropout masks")
        parser.add_argument("--weights-dir", type=Path)
    else:
        raise ValueError(f"course_lib.weights has no command {command!r}")


def _parse_value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _run_weights(args: argparse.Namespace) -> int:
    if args.action == "verify":
        folder = resolve_weights_dir(args.weights_dir)
        problems = verify_all(folder, load=args.load,
                              shipped=True if args.shipped else None)
        if problems:
            print(f"{len(problems)} problem(s) in {folder}:", file=sys.stderr)
            for line in problems:
                print(f"  BAD {line}", file=sys.stderr)
            return 1
        entries = read_manifest(folder)
        for name, entry in entries.items():
            own = " (your own: not the shipped file)" if shipped_problem(name, entry, folder) \
                else ""
            print(f"  ok  {name:17s} {entry['file']} ({entry['size'] / 1e6:.1f} MB){own}")
        print(f"All {len(entries)} weight files in {folder} verified.")
        return 0
    if args.action == "list":
        entries = read_manifest(args.weights_dir)
        for name in NAMES:
            entry = entries.get(name)
            if entry is None:
                print(f"{name:17s} not shipped yet: {SPECS[name].how_to_train}")
            else:
                print(f"{name:17s} {entry['file']} {entry['size'] / 1e6:.1f} MB; "
                      f"{entry.get('notes', '')}")
        return 0
    extra = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--set expects KEY=VALUE, got {item!r}")
        extra[key] = _parse_value(value)
    t0 = time.perf_counter()
    entry = export_checkpoint(args.name, args.checkpoint_dir, args.weights_dir,
                              snapshot=args.snapshot, wall_time_s=args.wall_time,
                              hardware=args.hardware, notes=args.notes, training=extra or None)
    print(f"Exported {entry['file']} ({entry['size'] / 1e6:.1f} MB) in "
          f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
    status = 0
    if entry["storage"] == STORAGE_INT8:
        # int8 is only acceptable with a measured cost, so every int8 export measures it.
        from course_lib import evaluation

        print("Measuring int8 against float32 on the test images ...", file=sys.stderr)
        effect = evaluation.measure_int8(args.name, args.checkpoint_dir, args.weights_dir,
                                         limit=args.limit, snapshot=args.snapshot)
        entry = update_manifest_metrics(args.name, {"int8_vs_float32": effect},
                                        args.weights_dir)
        if not (effect["meets_0.1_db_bar"] and effect["meets_size_bar"]):
            print(f"error: the int8 file misses a bar: PSNR delta {effect['psnr_delta_db']} dB "
                  f"(bar {INT8_PSNR_BAR_DB}), size {effect['size_mb']} MB (bar "
                  f"{INT8_SIZE_BAR_MB}); recorded in the manifest all the same",
                  file=sys.stderr)
            status = 1
    print(json.dumps(entry, indent=2))
    return status


def run(args: argparse.Namespace) -> int:
    """Entry point of `weights`, `sample` and `translate`; returns the exit status."""
    try:
        if args.command == "weights":
            return _run_weights(args)
        if args.command == "sample":
            if args.model == "cgan" and args.label is None:
                print("sample cgan: --label D (0-9) is required: it is the digit the cGAN "
                      "draws", file=sys.stderr)
                return 2
            if args.model != "cgan" and args.label is not None:
                print(f"sample {args.model}: --label only applies to cgan ({args.model} is "
                      "unconditional)", file=sys.stderr)
                return 2
            if args.label is not None and not 0 <= args.label <= 9:
                print(f"--label must be a digit 0-9, got {args.label}", file=sys.stderr)
                return 2
            if args.n < 1:
                print(f"--n must be at least 1, got {args.n}", file=sys.stderr)
                return 2
            images = sample_digits(load_pretrained(args.model, args.weights_dir), args.n,
                                   args.label, args.seed)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            np.save(args.out, images)
            print(f"Wrote {args.out}: {images.shape} float32 in [{images.min():.2f}, "
                  f"{images.max():.2f}]")
            return 0
        if args.command == "translate":
            written = translate_dir(args.model, args.input_dir, args.out_dir, args.seed,
                                    args.weights_dir, progress=sys.stderr.isatty())
            print(f"Wrote {len(written)} predictions to {args.out_dir}")
            return 0
    except WeightsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    raise ValueError(f"course_lib.weights has no command {args.command!r}")
