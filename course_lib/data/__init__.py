"""Datasets for the course: finding, downloading, verifying and feeding them to TensorFlow.

One concern per module (each imports only the ones above it in this list):

* `errors`: `DataError`, naming each bad file with what was expected vs found.
* `lazy_tf`: `tf`, imported on first use, so `python -m course_lib data check` stays fast.
* `storage`: the dataset registry (`DATASETS`), data roots (`$COURSE_DATA_DIR`, then the
  per-user cache `~/.cache/course_lib/data`), the sha256 manifests in `course_lib/manifests/`.
  Layout (the one of the offline mirror): `mnist/*.gz`, `facades/{train,val,test}/N.jpg`,
  `cityscapes/{train,val}/N.jpg`, `sketch2pokemon/{train,test}/*.jpg`, `pokemon_art/*.png`.
* `sketch_check`: does a folder of pairs really hold sketches (not, say, facades)?
* `verify`: every file checked against its manifest entry (or fully decoded when none is
  known), image formats and sizes, split counts.
* `archives`: the one safe extractor (no path escapes, links or special files; size caps).
* `install`: staging folder next to the target, verify, then move into place, so nothing is
  ever half-installed; cleanup after killed imports.
* `download`: a dataset found locally, or downloaded (URL, Kaggle) and installed.
* `mnist` (notebooks 01, 02), `pairs` (Pix2Pix, notebooks 03, 05), `sketches` (Sketch ->
  Pokémon, notebook 04): the loaders, the lessons' preprocessing and tf.data pipelines.
* `cli`: `python -m course_lib data check|import` (`add_arguments`, `run`).

Every loader takes `sample=True` to use the tiny embedded sample in `course_lib/sample_data`
(a few files, for tests and first runs without data); MNIST also falls back to it, with a
printed notice, when there is neither local data nor network.

This package re-exports the public names so that `from course_lib import data; data.load(...)`
keeps working; code inside course_lib imports from the submodules instead.
"""

from course_lib.data.archives import (
    CAP_FACTOR,
    CAP_SLACK_BYTES,
    CAP_SLACK_FILES,
    FALLBACK_CAP,
    extraction_cap,
    safe_extract,
)
from course_lib.data.cli import CheckResult, add_arguments, check_data_dir, run
from course_lib.data.errors import DataError
from course_lib.data.install import STAGING_MARKER, clean_stale_staging, install_archive
from course_lib.data.mnist import (
    MNIST_SAMPLE,
    cgan_preprocessing,
    gan_preprocessing,
    load_mnist,
    load_mnist_arrays,
    mnist_cgan_dataset,
    mnist_dcgan_dataset,
    mnist_gan_dataset,
    read_idx,
)
from course_lib.data.pairs import (
    BUFFER_SIZE,
    IMG_HEIGHT,
    IMG_WIDTH,
    JITTER_SIZE,
    cityscapes_files,
    decode_pair,
    facades_files,
    load,
    load_image_test,
    load_image_train,
    normalize,
    pix2pix_dataset,
    random_crop,
    random_jitter,
    resize,
)
from course_lib.data.sketch_check import (
    SKETCH_MAX_SPREAD,
    SKETCH_MIN_LIGHT,
    SKETCH_SAMPLE,
    check_sketch_pairs,
)
from course_lib.data.sketches import (
    DERIVED_TEST_EVERY,
    POKEMON_PAD,
    SKETCH_VERSION,
    composite_on_white,
    derive_pokemon_pairs,
    make_sketch,
    paired_augment,
    pokemon_augment,
    pokemon_dataset,
    pokemon_pairs_files,
)
from course_lib.data.storage import (
    DATASETS,
    DERIVED_NAME,
    IMPORTABLE,
    MANIFEST_DIR,
    MNIST_FILES,
    PIX2PIX_URL,
    SAMPLE_DIR,
    SKETCH2POKEMON_KAGGLE,
    DatasetSpec,
    PathLike,
    find_local,
    load_manifest,
    search_roots,
    sha256_file,
)
from course_lib.data.verify import CONTENT_CHECKS, check_image, verify_dataset, verify_split

__all__ = [
    "BUFFER_SIZE", "CAP_FACTOR", "CAP_SLACK_BYTES", "CAP_SLACK_FILES", "CONTENT_CHECKS",
    "DATASETS", "DERIVED_NAME", "DERIVED_TEST_EVERY", "FALLBACK_CAP", "IMG_HEIGHT", "IMG_WIDTH",
    "IMPORTABLE", "JITTER_SIZE", "MANIFEST_DIR", "MNIST_FILES", "MNIST_SAMPLE", "PIX2PIX_URL",
    "POKEMON_PAD", "SAMPLE_DIR", "SKETCH2POKEMON_KAGGLE", "SKETCH_MAX_SPREAD",
    "SKETCH_MIN_LIGHT", "SKETCH_SAMPLE", "SKETCH_VERSION", "STAGING_MARKER", "CheckResult",
    "DataError", "DatasetSpec", "PathLike", "add_arguments", "cgan_preprocessing",
    "check_data_dir", "check_image", "check_sketch_pairs", "cityscapes_files",
    "clean_stale_staging", "composite_on_white", "decode_pair", "derive_pokemon_pairs",
    "extraction_cap", "facades_files", "find_local", "gan_preprocessing", "install_archive",
    "load", "load_image_test", "load_image_train", "load_manifest", "load_mnist",
    "load_mnist_arrays", "make_sketch", "mnist_cgan_dataset", "mnist_dcgan_dataset",
    "mnist_gan_dataset", "normalize", "paired_augment", "pix2pix_dataset", "pokemon_augment",
    "pokemon_dataset", "pokemon_pairs_files", "random_crop", "random_jitter", "read_idx",
    "resize", "run", "safe_extract", "search_roots", "sha256_file", "verify_dataset",
    "verify_split",
]
