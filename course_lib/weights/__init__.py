"""Pretrained weights: a verified manifest, int8 storage, loading, exporting and commands.

The course ships weights so that a learner sees a good result at once ("trained for 500
epochs") instead of after hours of training. The parts:

* `course_lib.registry`: which models exist (builder, data, weight file);
* `weights.manifest`: `weights/manifest.json`, sha256 / size checks, registering a file;
* `weights.int8`: the file formats (Keras `.weights.h5`, per-channel int8) and the check that
  a file fits an architecture;
* `weights.locate`: finding the weights folder, downloading, `load_pretrained`, `verify_all`;
* `weights.export`: checkpoints and snapshots -> a registered weight file;
* `weights.cli`: `python -m course_lib weights|sample|translate`.

This package re-exports their public names, so `weights.load_pretrained(...)` and friends work
as they always did; code inside course_lib imports from the submodules instead.
"""

from course_lib.inference import (
    IMAGE_SUFFIXES,
    image_seed,
    read_input_image,
    reseed_dropout,
    sample_digits,
    translate_dir,
    translate_image,
)
from course_lib.registry import (
    INPUT_SIDE,
    MNIST_GENERATORS,
    NAMES,
    PIX2PIX_GENERATORS,
    SPECS,
    STORAGE_INT8,
    STORAGE_KERAS,
    ModelSpec,
    PathLike,
    WeightsError,
    build_model,
    count_parameters,
    spec,
)
from course_lib.weights.export import (
    SNAPSHOT_PATTERN,
    average_snapshots,
    export_checkpoint,
    float32_generator,
    load_snapshot,
    restore_generator,
    snapshot_files,
    snapshot_step,
)
from course_lib.weights.int8 import (
    ARCH_ATTR,
    INT8_FORMAT,
    INT8_PSNR_BAR_DB,
    INT8_SIZE_BAR_MB,
    check_architecture,
    dequantize_per_channel,
    load_weights_file,
    quantize_per_channel,
    save_int8_weights,
    save_weights_file,
)
from course_lib.weights.locate import (
    available,
    download,
    load_pretrained,
    locate,
    missing_weights_message,
    output_problem,
    unavailable_reason,
    verify_all,
)
from course_lib.weights.manifest import (
    MANIFEST_FORMAT,
    MANIFEST_NAME,
    REQUIRED_FIELDS,
    SHIPPED_SHA256,
    card_line,
    check_file,
    entry_problems,
    hardware_description,
    is_course_folder,
    read_manifest,
    register_weights,
    resolve_weights_dir,
    sha256_file,
    shipped_problem,
    update_manifest_metrics,
    versions,
    write_manifest,
)

__all__ = [
    "ARCH_ATTR", "IMAGE_SUFFIXES", "INPUT_SIDE", "INT8_FORMAT", "INT8_PSNR_BAR_DB",
    "INT8_SIZE_BAR_MB", "MANIFEST_FORMAT", "MANIFEST_NAME", "MNIST_GENERATORS", "NAMES",
    "PIX2PIX_GENERATORS", "REQUIRED_FIELDS", "SHIPPED_SHA256", "SNAPSHOT_PATTERN", "SPECS",
    "STORAGE_INT8", "STORAGE_KERAS", "ModelSpec", "PathLike", "WeightsError", "available",
    "average_snapshots", "build_model", "card_line", "check_architecture", "check_file",
    "count_parameters", "dequantize_per_channel", "download", "entry_problems",
    "export_checkpoint", "float32_generator", "hardware_description", "image_seed",
    "is_course_folder", "load_pretrained", "load_snapshot", "load_weights_file", "locate",
    "missing_weights_message", "output_problem", "quantize_per_channel", "read_input_image",
    "read_manifest", "register_weights", "reseed_dropout", "resolve_weights_dir",
    "restore_generator", "sample_digits", "save_int8_weights", "save_weights_file",
    "sha256_file", "shipped_problem", "snapshot_files", "snapshot_step", "spec",
    "translate_dir", "translate_image", "unavailable_reason", "update_manifest_metrics",
    "verify_all", "versions", "write_manifest",
]
