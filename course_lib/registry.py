"""The model registry: every pretrained name, its builder, its data and its weight file.

One `ModelSpec` per name (`SPECS`), the groups the commands accept (`MNIST_GENERATORS`,
`PIX2PIX_GENERATORS`), which half of a side-by-side pair each Pix2Pix model reads
(`INPUT_SIDE`), and `build_model`, which turns a name (or a "module:builder" string) into a
freshly initialised keras.Model. Everything else about weights (the manifest, file formats,
downloads) lives in `course_lib.weights`; this module knows no files.
"""

from __future__ import annotations

import collections
import importlib
import os
from dataclasses import dataclass

import numpy as np

PathLike = str | os.PathLike

STORAGE_KERAS = "keras-weights-h5"
STORAGE_INT8 = "int8-per-channel-h5"


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
        # The judges' architecture strings name the package: their shipped files record them.
        ModelSpec("mnist-classifier", "course_lib.evaluation:mnist_classifier",
                  "mnist_classifier.weights.h5", STORAGE_KERAS,
                  "MNIST train split (60 000 digits), scaled to [-1, 1]",
                  "`python tools/train_judges.py mnist-classifier`", {}),
        ModelSpec("facade-parser", "course_lib.evaluation:facade_parser",
                  "facade_parser.weights.h5", STORAGE_KERAS,
                  "CMP facades train split: photo -> 12 CMP classes from the label-map half",
                  "`python tools/train_judges.py facade-parser`", {}),
    )
}
NAMES = tuple(SPECS)
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


def sublayers(model) -> list:
    """Every layer nested inside `model` (not `model` itself, no InputLayers), each once.

    Depth-first in Keras's own order, so Dropout layers are met in the same order whichever
    walk runs (`inference.reseed_dropout` numbers them). Keras's recursive walk,
    `_flatten_layers`, is private; when a Keras version lacks it, the same walk is done with
    public attributes: `Model.layers`, else the Layers a layer holds as attributes.
    """
    import keras

    flatten = getattr(model, "_flatten_layers", None)
    if flatten is not None:
        found = flatten(include_self=False, recursive=True)
    else:
        found, seen = [], set()
        pending = collections.deque(_children(model))
        while pending:
            layer = pending.popleft()
            if id(layer) not in seen:
                seen.add(id(layer))
                found.append(layer)
                pending.extendleft(_children(layer))  # as Keras: children reversed, in front
    return [layer for layer in found if not isinstance(layer, keras.layers.InputLayer)]


def _children(layer) -> list:
    """The layers directly inside `layer`, through public attributes only."""
    import keras

    if isinstance(layer, keras.Model):
        try:
            return list(layer.layers)
        except AttributeError:  # a subclassed Model's `.layers` may itself use the private walk
            pass
    children = []
    for value in vars(layer).values():
        items = value if isinstance(value, (list, tuple)) else [value]
        children.extend(item for item in items if isinstance(item, keras.layers.Layer))
    return children


def count_parameters(model) -> int:
    """Number of scalars in `model.weights` (trainable and not, e.g. BN moving statistics)."""
    return int(sum(int(np.prod(v.shape)) for v in model.weights))
