"""Honest numbers for the pretrained models: what a generator really produces, measured.

MNIST (lessons 01, 02). A small CNN classifier (`mnist_classifier`, 99.2 % test accuracy
after four epochs) judges generated digits:

* cGAN: **conditional accuracy**, the share of samples (100 per digit) that the classifier reads
  as the digit that was asked for;
* GAN / DCGAN: **confidence**, the mean of the classifier's top probability (a blob that looks
  like no digit gets a low one), and **class balance** over 1000 samples (mode collapse shows
  up as digits that never appear);
* all three: an **MNIST-FID**, the Fréchet distance between Gaussians fitted to the
  classifier's 128 penultimate features of generated digits and of the real test digits.
  Lower is better; two independent real samples score near 0.

Pix2Pix (lessons 03, 04). **L1, PSNR, SSIM** of the predictions against the real photos of
the 106 facades test pairs, next to two baselines: an untrained generator, and the per-pixel
mean of the 400 training photos (a blurry average facade, ≈ 13.3 dB PSNR). PSNR rewards blur,
so there is also a **structure score** (the pix2pix paper's "FCN score"): a small facade
*parser* (photo -> the 12 CMP classes, `facade_parser`) is trained on real training photos and
then labels generated photos; its per-pixel accuracy against the true label map says how much
of the facade's structure (windows, doors, balconies where they belong) a generated photo
shows. The same parser on the real test photos gives the ceiling.

Command line: `python -m course_lib eval MODEL [--update-manifest]` prints a JSON report;
`eval mnist-classifier --train` / `eval facade-parser --train` train and ship the judges.
`eval MODEL --snapshots DIR` scores the generator snapshots a training run saved
(`g-NNNNNNN.weights.h5`), one line each, to choose the one to export: MNIST models on samples
with seed 1 (the final `eval` uses seed 0, fresh samples), Pix2Pix on the validation split (the
test split never takes part in the choice).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from course_lib import weights as W

PathLike = W.PathLike
NUM_CLASSES = 10

# --------------------------------------------------------------------------------------------
# MNIST classifier
# --------------------------------------------------------------------------------------------


def mnist_classifier():
    """Small CNN: image (N,28,28,1) in [-1,1] (the generators' range) -> logits (N,10).

    Conv 32 (3x3) -> max-pool -> Conv 64 (3x3) -> max-pool -> Dense 128 ("features", the
    layer FID uses) -> Dense 10. 225 034 parameters.
    """
    import keras
    from keras import layers

    inputs = keras.Input((28, 28, 1), name="image")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)  # (N,26,26,32)
    x = layers.MaxPooling2D()(x)  # (N,13,13,32)
    x = layers.Conv2D(64, 3, activation="relu")(x)  # (N,11,11,64)
    x = layers.MaxPooling2D()(x)  # (N,5,5,64)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.25)(x)
    features = layers.Dense(128, activation="relu", name="features")(x)
    x = layers.Dropout(0.25)(features)
    logits = layers.Dense(NUM_CLASSES, name="logits")(x)
    return keras.Model(inputs, logits, name="mnist_classifier")


def mnist_arrays(split: str) -> tuple[np.ndarray, np.ndarray]:
    """MNIST images float32 (N,28,28,1) in [-1,1] and int64 labels (N,)."""
    from course_lib import data

    images, labels = data.load_mnist_arrays(split)
    return images.astype(np.float32) / 127.5 - 1.0, labels.astype(np.int64)


def train_mnist_classifier(epochs: int = 4, batch_size: int = 128, seed: int = 0,
                           limit: int | None = None, verbose: int = 2):
    """Train `mnist_classifier` on the MNIST train split; return (model, facts dict).

    Adam(1e-3), sparse cross-entropy on logits. Four epochs (about a minute on two CPU cores)
    reach 99.2 % test accuracy.
    """
    import keras

    keras.utils.set_random_seed(seed)
    x, y = mnist_arrays("train")
    if limit is not None:
        x, y = x[:limit], y[:limit]
    model = mnist_classifier()
    model.compile(keras.optimizers.Adam(1e-3),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    t0 = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=verbose)
    facts = {"epochs": epochs, "batch_size": batch_size, "examples": len(x), "seed": seed,
             "optimizer": "Adam(learning_rate=1e-3), sparse cross-entropy on logits",
             "wall_time_s": round(time.perf_counter() - t0, 1)}
    return model, facts


def _in_batches(model, images: np.ndarray, batch_size: int) -> np.ndarray:
    # Direct calls rather than `Model.predict`: predict builds (and warns about re-tracing) a
    # new graph function for every new model and input size, which snapshot scoring hits often.
    x = np.asarray(images, np.float32)
    return np.concatenate([np.asarray(model(x[i:i + batch_size], training=False))
                           for i in range(0, len(x), batch_size)])


def predict_probabilities(classifier, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """Softmax probabilities (N,10) of images (N,28,28,1) in [-1,1]."""
    logits = _in_batches(classifier, images, batch_size).astype(np.float64)
    logits -= logits.max(axis=1, keepdims=True)  # stable softmax
    probs = np.exp(logits)
    return probs / probs.sum(axis=1, keepdims=True)


def feature_extractor(classifier):
    """A keras.Model from the classifier's input to its 128 "features" (the FID space)."""
    import keras

    return keras.Model(classifier.input, classifier.get_layer("features").output)


def features(classifier, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """Penultimate features (N,128) of images (N,28,28,1) in [-1,1], inference mode."""
    return _in_batches(feature_extractor(classifier), images, batch_size).astype(np.float64)


def classifier_accuracy(classifier, split: str = "test") -> float:
    """Share of correctly classified digits of an MNIST split."""
    x, y = mnist_arrays(split)
    return float(np.mean(predict_probabilities(classifier, x).argmax(1) == y))


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (N,d) and (M,d).

    FID = |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)). The trace of the matrix square
    root is computed as Tr (S_a^(1/2) S_b S_a^(1/2))^(1/2), a symmetric PSD matrix with the same
    eigenvalues as S_a S_b, so two `eigh` calls replace a general `sqrtm` (no complex round-off,
    no scipy needed). Identical sets give 0 up to round-off.
    """
    a = np.asarray(features_a, np.float64)
    b = np.asarray(features_b, np.float64)
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    vals, vecs = np.linalg.eigh(cov_a)
    root_a = (vecs * np.sqrt(np.clip(vals, 0, None))) @ vecs.T
    middle = root_a @ cov_b @ root_a
    trace_root = np.sum(np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)))
    fid = np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_root
    return float(max(fid, 0.0))


def conditional_accuracy(generator, classifier, per_digit: int = 100,
                         seed: int = 0) -> dict:
    """How often cGAN samples are read as the digit asked for.

    Returns per_digit_accuracy {"0": .., ..., "9": ..}, accuracy (mean over all samples),
    min_digit_accuracy, confidence (mean top probability) and the images (not JSON: popped by
    callers that print).
    """
    per, images, confidence = {}, [], []
    for digit in range(NUM_CLASSES):
        x = W.sample_digits(generator, per_digit, digit, seed=seed * 100 + digit)
        probs = predict_probabilities(classifier, x)
        per[str(digit)] = float(np.mean(probs.argmax(1) == digit))
        confidence.append(probs.max(1))
        images.append(x)
    return {"per_digit_accuracy": per,
            "accuracy": float(np.mean(list(per.values()))),
            "min_digit_accuracy": float(min(per.values())),
            "confidence": float(np.mean(np.concatenate(confidence))),
            "samples_per_digit": per_digit,
            "images": np.concatenate(images)}


def sample_quality(generator, classifier, n: int = 1000, seed: int = 0,
                   label: int | None = None) -> dict:
    """Confidence and class balance of n samples from an (unconditional) generator.

    confidence: mean top probability; confident_share: share with top probability >= 0.9;
    class_histogram: how many samples the classifier assigns to each digit; min_class_share:
    the rarest digit's share (0.1 for a perfectly balanced generator; mode collapse -> 0).
    """
    probs = predict_probabilities(classifier, W.sample_digits(generator, n, label, seed))
    top = probs.max(1)
    counts = np.bincount(probs.argmax(1), minlength=NUM_CLASSES)
    return {"n": n, "confidence": float(top.mean()),
            "confident_share": float(np.mean(top >= 0.9)),
            "class_histogram": [int(c) for c in counts],
            "min_class_share": float(counts.min() / n),
            "max_class_share": float(counts.max() / n)}


def evaluate_mnist_generator(name: str, generator=None, classifier=None,
                             weights_dir: PathLike | None = None, seed: int = 0,
                             n_fid: int = 10_000, per_digit: int = 100,
                             n_balance: int = 1000) -> dict:
    """The JSON-ready report of `eval gan|cgan|dcgan` (see the module docstring).

    FID uses n_fid generated digits (for the cGAN, n_fid/10 per digit) against the first n_fid
    real test digits; `fid_real_train_vs_test` (n_fid real training digits against the same
    test digits) shows what "as good as real data" scores. `bars` says which of issue 5's
    bars are met.
    """
    generator = generator if generator is not None else W.load_pretrained(name, weights_dir)
    classifier = classifier if classifier is not None else W.load_pretrained(
        "mnist-classifier", weights_dir)
    test_x, _ = mnist_arrays("test")
    train_x, _ = mnist_arrays("train")
    real = features(classifier, test_x[:n_fid])
    report: dict = {"model": name}
    report.update(score_mnist_generator(name, generator, classifier, seed, real, n_fid,
                                        per_digit, n_balance))
    report["fid_real_train_vs_test"] = frechet_distance(
        features(classifier, train_x[:len(real)]), real)
    report["seed"] = seed
    return report


# --------------------------------------------------------------------------------------------
# Image metrics (Pix2Pix)
# --------------------------------------------------------------------------------------------

PSNR_CAP_DB = 100.0  # identical images have infinite PSNR; averages use this cap instead


def to_unit(images) -> np.ndarray:
    """[-1,1] images -> [0,1] float32 (clipped)."""
    return np.clip((np.asarray(images, np.float32) + 1.0) / 2.0, 0.0, 1.0)


def l1_per_image(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Mean absolute error per image, (N,H,W,C) -> (N,); same scale as the inputs."""
    return np.mean(np.abs(np.asarray(pred, np.float64) - np.asarray(target, np.float64)),
                   axis=(1, 2, 3))


def psnr_per_image(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """PSNR in dB per image of [0,1] images (N,H,W,C) -> (N,), by `tf.image.psnr`.

    Identical images give +inf (no error at all); `summarize_metrics` averages with the cap
    PSNR_CAP_DB so that one perfect image cannot turn the mean into infinity.
    """
    import tensorflow as tf

    return tf.image.psnr(np.asarray(pred, np.float32), np.asarray(target, np.float32),
                         max_val=1.0).numpy().astype(np.float64)


def l1_psnr(pred, target) -> tuple[float, float]:
    """(L1, PSNR in dB) of one prediction, both images (H, W, C) on the [-1, 1] scale.

    PSNR = 10·log10(2² / MSE), the same as `psnr_per_image` on the [0, 1] scale; the
    reference answer of exercise 05-ex1, which notebook 05 falls back on.
    """
    err = np.asarray(pred, np.float64) - np.asarray(target, np.float64)
    mse = float(np.mean(err**2))
    psnr = float("inf") if mse == 0 else float(10 * np.log10(4.0 / mse))
    return float(np.mean(np.abs(err))), psnr


def ssim_per_image(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """SSIM per image of [0,1] images (N,H,W,C) -> (N,), by `tf.image.ssim` (11x11 Gaussian)."""
    import tensorflow as tf

    return tf.image.ssim(np.asarray(pred, np.float32), np.asarray(target, np.float32),
                         max_val=1.0).numpy().astype(np.float64)


def image_metrics(pred: np.ndarray, target: np.ndarray) -> dict[str, np.ndarray]:
    """Per-image l1, psnr, ssim of [0,1] images (N,H,W,C)."""
    return {"l1": l1_per_image(pred, target), "psnr": psnr_per_image(pred, target),
            "ssim": ssim_per_image(pred, target)}


def summarize_metrics(per_image: dict[str, Sequence[float]]) -> dict[str, float]:
    """Means over images (PSNR capped at PSNR_CAP_DB per image), rounded to 4 decimals."""
    out = {}
    for key, values in per_image.items():
        values = np.asarray(values, np.float64)
        if key == "psnr":
            values = np.minimum(values, PSNR_CAP_DB)
        out[key] = round(float(np.mean(values)), 4)
    return out


# --------------------------------------------------------------------------------------------
# Facade parser: photo -> 12 CMP classes
# --------------------------------------------------------------------------------------------

CMP_CLASSES = ("background", "facade", "window", "door", "cornice", "sill", "balcony",
               "blind", "deco", "molding", "pillar", "shop")
# The colours of the 12 classes in the label-map half of the pix2pix facades files. Found from
# the data (`estimate_palette` reproduces them): the label maps are drawn with a jet-like colour
# ramp, one colour per class in the CMP label order (dark blue = background ... dark red =
# shop; checked by eye for background, facade, window, blind and shop). Starting from the 12
# most frequent colours of a coarse histogram of the 400 training label maps, nearest-colour
# assignment and re-averaging (pixels within 40 RGB units) converged to these. JPEG blurs the
# colours at region borders (about 15 % of pixels are > 40 units from every entry), which is
# why labels are assigned by nearest colour rather than exact match.
CMP_PALETTE = np.array([
    (0, 1, 223), (1, 49, 253), (5, 123, 253), (8, 203, 254), (39, 250, 231), (114, 250, 155),
    (193, 254, 68), (250, 239, 14), (252, 157, 8), (250, 81, 6), (242, 5, 10), (172, 1, 4),
], np.float32)
PARSER_SIZE = 128  # the parser works on 128x128 photos: structure survives, CPU cost is 1/4


def label_map_to_classes(label_map: np.ndarray, palette: np.ndarray = CMP_PALETTE) -> np.ndarray:
    """Colour label map (..., H, W, 3) in [0,255] -> class indices (..., H, W) int32 (0..11)."""
    rgb = np.asarray(label_map, np.float32)
    dist = np.sum((rgb[..., None, :] - palette) ** 2, axis=-1)
    return np.argmin(dist, axis=-1).astype(np.int32)


def estimate_palette(label_maps: np.ndarray, initial: np.ndarray = CMP_PALETTE,
                     radius: float = 40.0, iterations: int = 8) -> np.ndarray:
    """Refine a palette on label-map pixels (N,3 or images), k-means style from `initial`.

    Each iteration assigns every pixel to its nearest palette colour and moves each colour to
    the mean of its pixels within `radius` RGB units (JPEG-blurred border pixels would drag the
    colours towards each other). Returns float32 (K,3).
    """
    pixels = np.asarray(label_maps, np.float32).reshape(-1, 3)
    palette = np.asarray(initial, np.float32).copy()
    for _ in range(iterations):
        dist = np.sum((pixels[:, None, :] - palette[None]) ** 2, axis=-1)
        nearest, closest = dist.argmin(1), np.sqrt(dist.min(1))
        for k in range(len(palette)):
            mine = pixels[(nearest == k) & (closest < radius)]
            if len(mine):
                palette[k] = mine.mean(0)
    return palette


def facade_parser(size: int = PARSER_SIZE):
    """A small U-Net from the lesson's blocks: photo (N,size,size,3) in [-1,1] -> logits
    (N,size,size,12).

    `course_lib.models.downsample` 32 (no BN), 64, 128, 256 (size/16), then `upsample` 128, 64,
    32 with skip connections and a last transposed convolution to the 12 classes.
    """
    import keras
    from keras import layers

    from course_lib import models

    inputs = keras.Input((size, size, 3), name="photo")
    x, skips = inputs, []
    for i, filters in enumerate((32, 64, 128, 256)):
        x = models.downsample(filters, 4, apply_batchnorm=i > 0)(x)
        skips.append(x)
    for filters, skip in zip((128, 64, 32), reversed(skips[:-1])):
        x = layers.Concatenate()([models.upsample(filters, 4)(x), skip])
    logits = layers.Conv2DTranspose(len(CMP_CLASSES), 4, strides=2, padding="same",
                                    name="class_logits")(x)
    return keras.Model(inputs, logits, name="facade_parser")


def facade_pairs(split: str, limit: int | None = None, data_dir: PathLike | None = None
                 ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(files, label-map inputs, photos) of a facades split, float32 (N,256,256,3) in [-1,1].

    Same preprocessing as the lesson's test pipeline (`course_lib.data.load_image_test`).
    """
    from course_lib import data

    files = data.facades_files(split, data_dir)[:limit]
    inputs, photos = [], []
    for path in files:
        inp, real = data.load_image_test(path)
        inputs.append(inp.numpy())
        photos.append(real.numpy())
    return files, np.stack(inputs), np.stack(photos)


def parser_inputs(photos: np.ndarray, size: int = PARSER_SIZE) -> np.ndarray:
    """Photos (N,256,256,3) in [-1,1] -> (N,size,size,3) in [-1,1] (area averaging)."""
    import tensorflow as tf

    return tf.image.resize(np.asarray(photos, np.float32), [size, size],
                           method="area").numpy()


def parser_targets(label_inputs: np.ndarray, size: int = PARSER_SIZE) -> np.ndarray:
    """Label maps (N,256,256,3) in [-1,1] -> class indices (N,size,size) int32.

    Classes are found at full resolution and then subsampled (every 256/size-th pixel), so no
    colour is ever blended before the nearest-colour lookup.
    """
    step = label_inputs.shape[1] // size
    rgb = (np.asarray(label_inputs, np.float32)[:, ::step, ::step] + 1.0) * 127.5
    return label_map_to_classes(rgb)


def train_facade_parser(epochs: int = 40, batch_size: int = 8, seed: int = 0,
                        limit: int | None = None, verbose: int = 2):
    """Train `facade_parser` on the facades train photos; return (model, facts dict).

    Real photos as input, classes from the label-map half as targets, random left-right flips
    and zooms (1-1.3x, random crop) as augmentation; Adam(2e-3), sparse cross-entropy on
    logits.
    """
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    _, labels, photos = facade_pairs("train", limit)
    x, y = parser_inputs(photos), parser_targets(labels)

    def augment(image, target):
        # Photo and classes are stacked so that one flip / zoom / crop moves both alike.
        both = tf.concat([image, tf.cast(target, tf.float32)[..., None]], axis=-1)
        both = tf.image.random_flip_left_right(both)
        zoom = tf.cast(PARSER_SIZE * tf.random.uniform((), 1.0, 1.3), tf.int32)
        both = tf.image.resize(both, [zoom, zoom], method="nearest")  # nearest: keeps classes
        both = tf.image.random_crop(both, [PARSER_SIZE, PARSER_SIZE, 4])
        return both[..., :3], tf.cast(both[..., 3], tf.int32)

    ds = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed)
          .map(augment).batch(batch_size).prefetch(2))
    model = facade_parser()
    model.compile(keras.optimizers.Adam(2e-3),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    t0 = time.perf_counter()
    model.fit(ds, epochs=epochs, verbose=verbose, shuffle=False)  # ds is shuffled
    facts = {"epochs": epochs, "batch_size": batch_size, "examples": len(x), "seed": seed,
             "input_size": PARSER_SIZE, "augmentation": "random left-right flip, zoom 1-1.3x, crop",
             "optimizer": "Adam(learning_rate=2e-3), sparse cross-entropy on logits",
             "wall_time_s": round(time.perf_counter() - t0, 1)}
    return model, facts


def parser_accuracy(parser, photos: np.ndarray, targets: np.ndarray) -> dict[str, float]:
    """Per-pixel and class-mean accuracy of the parser on photos (N,256,256,3) in [-1,1]
    against class maps (N,PARSER_SIZE,PARSER_SIZE)."""
    logits = _in_batches(parser, parser_inputs(photos), 16)
    pred = np.argmax(logits, axis=-1)
    per_class = [np.mean(pred[targets == k] == k) for k in range(len(CMP_CLASSES))
                 if np.any(targets == k)]
    return {"pixel_accuracy": round(float(np.mean(pred == targets)), 4),
            "class_accuracy": round(float(np.mean(per_class)), 4)}


# --------------------------------------------------------------------------------------------
# Pix2Pix evaluation
# --------------------------------------------------------------------------------------------


def translate_all(generator, inputs: np.ndarray, stems: Sequence[str], seed: int = 0
                  ) -> np.ndarray:
    """Predictions (N,256,256,3) in [-1,1], one image at a time in training mode, with the
    per-file dropout seeds `translate` uses: the same numbers as
    `course_lib.weights.translate_image`, computed through one traced graph (about 20 % less
    time per image on CPU than eager calls, which matters over 106 images twice)."""
    import tensorflow as tf

    forward = tf.function(lambda x: generator(x, training=True))
    out = []
    for x, stem in zip(inputs, stems):
        W.reseed_dropout(generator, W.image_seed(seed, stem))  # the graph reads this state
        out.append(forward(np.asarray(x, np.float32)[None])[0].numpy())
    return np.stack(out)


def mean_training_photo(split_files: Sequence[str] | None = None,
                        name: str = "pix2pix-facades") -> np.ndarray:
    """Per-pixel mean (256,256,3) in [-1,1] of a Pix2Pix model's training targets."""
    from course_lib import data

    files = split_files if split_files is not None else pix2pix_files(name, "train")
    total = np.zeros((256, 256, 3), np.float64)
    for path in files:
        total += data.load_image_test(path, W.INPUT_SIDE[name])[1].numpy()
    return (total / len(files)).astype(np.float32)


def _report(pred: np.ndarray, photos: np.ndarray, parser=None, targets=None) -> dict:
    out = summarize_metrics(image_metrics(to_unit(pred), to_unit(photos)))
    if parser is not None:
        acc = parser_accuracy(parser, pred, targets)
        out["parser_pixel_accuracy"] = acc["pixel_accuracy"]
        out["parser_class_accuracy"] = acc["class_accuracy"]
    return out


def evaluate_pix2pix(name: str = "pix2pix-facades", generator=None, parser=None,
                     weights_dir: PathLike | None = None, seed: int = 0,
                     limit: int | None = None, untrained=None) -> dict:
    """The JSON-ready report of `eval pix2pix-facades|pix2pix-cityscapes|pix2pix-pokemon`.

    On the model's EVAL_SPLIT: the generator against three trivial baselines -- an untrained
    generator, the mean training photo, and the input returned unchanged -- in L1 on [0,1],
    PSNR dB and SSIM. Facades adds the parser's accuracy on each and on the real photos.
    `bars` says whether the generator beats the baselines on PSNR and L1.
    `untrained` replaces the freshly initialised generator of the baseline (tests).
    """
    import keras

    started = time.perf_counter()
    generator = generator if generator is not None else W.load_pretrained(name, weights_dir)
    files, inputs, photos = pix2pix_pairs(name, EVAL_SPLIT[name], limit)
    stems = [Path(f).stem for f in files]
    t0 = time.perf_counter()
    pred = translate_all(generator, inputs, stems, seed)
    seconds = time.perf_counter() - t0
    if untrained is None:
        keras.utils.set_random_seed(seed)
        untrained = W.build_model(name)
    base_pred = translate_all(untrained, inputs, stems, seed)

    report: dict = {
        "model": name, "split": EVAL_SPLIT[name], "n_images": len(files), "seed": seed,
        "inference": "generator(x, training=True), one image at a time; dropout masks seeded "
                     "per file (as `translate`)",
        "scale": "L1 = mean |prediction - photo| on [0,1]; PSNR in dB and SSIM on [0,1] images",
        "seconds_per_image": round(seconds / len(files), 3),
    }
    targets = None
    if name == "pix2pix-facades":
        parser = parser if parser is not None else W.load_pretrained("facade-parser",
                                                                     weights_dir)
        targets = parser_targets(inputs)
    else:
        parser = None  # the parser knows facades only
    report["generator"] = _report(pred, photos, parser, targets)
    mean = np.broadcast_to(mean_training_photo(name=name), photos.shape)
    report["baselines"] = {"untrained_generator": _report(base_pred, photos, parser, targets),
                           "mean_training_photo": _report(mean, photos, parser, targets),
                           "input_unchanged": _report(inputs, photos, parser, targets)}
    if name == "pix2pix-facades":
        real = parser_accuracy(parser, photos, targets)
        report["real_photos"] = {"parser_pixel_accuracy": real["pixel_accuracy"],
                                 "parser_class_accuracy": real["class_accuracy"]}
        # Calling every pixel "facade" (the commonest class) is the floor a parser score
        # has to beat to show any structure at all.
        majority = np.bincount(targets.ravel(), minlength=len(CMP_CLASSES)).max() / targets.size
        report["parser"] = {"input_size": PARSER_SIZE, "classes": list(CMP_CLASSES),
                            "majority_class_pixel_accuracy": round(float(majority), 4)}
    gen = report["generator"]
    report["bars"] = {f"beats_{base}": bool(gen["psnr"] > b["psnr"] and gen["l1"] < b["l1"])
                      for base, b in report["baselines"].items()}
    if name == "pix2pix-facades":
        report["bars"][f"psnr>={FACADES_PSNR_BAR_DB}"] = gen["psnr"] >= FACADES_PSNR_BAR_DB
    report["wall_time_s"] = round(time.perf_counter() - started, 1)
    return report


def int8_effect(float_generator, int8_generator, inputs: np.ndarray, photos: np.ndarray,
                stems: Sequence[str], seed: int = 0) -> dict:
    """What int8 storage costs: both generators on the same inputs with the same dropout masks.

    Returns mean PSNR (vs the real photos) of each, their difference (int8 - float32; the
    manifest's bar is |delta| <= 0.1 dB), and the PSNR of the int8 predictions against the
    float32 ones (how close the two outputs are to each other).
    """
    pred_f = to_unit(translate_all(float_generator, inputs, stems, seed))
    pred_q = to_unit(translate_all(int8_generator, inputs, stems, seed))
    real = to_unit(photos)
    psnr_f = summarize_metrics({"psnr": psnr_per_image(pred_f, real)})["psnr"]
    psnr_q = summarize_metrics({"psnr": psnr_per_image(pred_q, real)})["psnr"]
    return {"n_images": len(inputs), "psnr_float32_db": psnr_f, "psnr_int8_db": psnr_q,
            "psnr_delta_db": round(psnr_q - psnr_f, 4),
            "psnr_int8_vs_float32_db": summarize_metrics(
                {"psnr": psnr_per_image(pred_q, pred_f)})["psnr"],
            "meets_0.1_db_bar": bool(abs(psnr_q - psnr_f) <= 0.1)}


# The split each Pix2Pix model is judged on (the cityscapes subset ships train and val only).
EVAL_SPLIT = {"pix2pix-facades": "test", "pix2pix-cityscapes": "val", "pix2pix-pokemon": "test"}


def pix2pix_files(name: str, split: str) -> list[str]:
    """Pair files of a Pix2Pix model's dataset split (facades, cityscapes or Pokémon pairs)."""
    from course_lib import data

    if name == "pix2pix-facades":
        return data.facades_files(split)
    if name == "pix2pix-cityscapes":
        return data.cityscapes_files(split)
    return data.pokemon_pairs_files(split)


def pix2pix_pairs(name: str, split: str = "test", limit: int | None = None
                  ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(files, inputs, targets) of a Pix2Pix model's split, float32 (N,256,256,3) in [-1,1].

    The input half of each pair file is the registry's `weights.INPUT_SIDE[name]`.
    """
    from course_lib import data

    files = pix2pix_files(name, split)[:limit]
    pairs = [data.load_image_test(p, W.INPUT_SIDE[name]) for p in files]
    return (files, np.stack([p[0].numpy() for p in pairs]),
            np.stack([p[1].numpy() for p in pairs]))


def measure_int8(name: str, checkpoint_dir: PathLike | None = None,
                 weights_dir: PathLike | None = None, seed: int = 0,
                 limit: int | None = None, snapshot: PathLike | None = None) -> dict:
    """Compare the float32 generator with the exported int8 file on the test set.

    The float32 generator comes from the same source the file was exported from: the latest
    checkpoint of `checkpoint_dir` or the `snapshot` file. Adds the file's size and whether
    both bars (|PSNR delta| <= 0.1 dB, size <= 60 MB) are met.
    """
    float_generator, step, source = W.float32_generator(name, checkpoint_dir, snapshot)
    path, entry = W.locate(name, weights_dir)
    int8_generator = W.build_model(name)
    W.load_weights_file(int8_generator, path, W.spec(name).architecture)
    files, inputs, photos = pix2pix_pairs(name, EVAL_SPLIT[name], limit)
    report = int8_effect(float_generator, int8_generator, inputs, photos,
                         [Path(f).stem for f in files], seed)
    size_mb = round(entry["size"] / 1e6, 2)
    report.update({"step": step, "float32_source": source, "size_mb": size_mb,
                   "meets_size_bar": bool(size_mb <= W.INT8_SIZE_BAR_MB)})
    return report


# --------------------------------------------------------------------------------------------
# Scoring training snapshots (to pick the generator to ship)
# --------------------------------------------------------------------------------------------

# What the issues ask of the shipped generators (issue 5: cGAN, GAN; issue 6: facades).
CGAN_ACCURACY_BAR = 0.97
GAN_CONFIDENCE_BAR = 0.9
GAN_MIN_SHARE_BAR = 0.05
FACADES_PSNR_BAR_DB = 14.0


def mnist_bars(name: str, report: dict) -> dict[str, bool]:
    """Which of issue 5's bars a cgan/gan/dcgan report meets (cgan: accuracy; others: balance)."""
    if name == "cgan":
        return {f"accuracy>={CGAN_ACCURACY_BAR}": report["accuracy"] >= CGAN_ACCURACY_BAR}
    return {f"confidence>={GAN_CONFIDENCE_BAR}": report["confidence"] >= GAN_CONFIDENCE_BAR,
            f"min_class_share>={GAN_MIN_SHARE_BAR}":
                report["min_class_share"] >= GAN_MIN_SHARE_BAR}


def _fid_samples(name: str, generator, n: int, seed: int) -> np.ndarray:
    """n generated digits for the FID (the cGAN: n/10 per digit), seeded apart from the
    samples that are classified."""
    if name == "cgan":
        return np.concatenate([W.sample_digits(generator, n // NUM_CLASSES, d,
                                               seed=seed * 100 + 50 + d)
                               for d in range(NUM_CLASSES)])
    return W.sample_digits(generator, n, None, seed=seed + 1)


def score_mnist_generator(name: str, generator, classifier, seed: int = 0,
                          real_features: np.ndarray | None = None, n_fid: int = 2000,
                          per_digit: int = 100, n_balance: int = 1000) -> dict:
    """Quality numbers of one MNIST generator (no file access; JSON-ready).

    cgan: `conditional_accuracy` (per_digit samples per digit); gan/dcgan: `sample_quality`
    (n_balance samples). With `real_features` (classifier features of real test digits, (M,128))
    also an FID on n_fid generated digits. Adds `bars` (see `mnist_bars`).
    """
    if name == "cgan":
        report = conditional_accuracy(generator, classifier, per_digit, seed)
        report.pop("images")
    else:
        report = sample_quality(generator, classifier, n_balance, seed)
    if real_features is not None:
        fake = _fid_samples(name, generator, n_fid, seed)
        report["fid"] = frechet_distance(features(classifier, fake), real_features)
        report["fid_samples"] = len(fake)
    report["bars"] = mnist_bars(name, report)
    return report


def _snapshot_line(name: str, path: Path, step: int, score: dict) -> str:
    spe = W.SPECS[name].defaults.get("steps_per_epoch")
    head = f"{path.name}  step {step:7d}" + (f"  epoch {step / spe:6.1f}" if spe else "")
    if name in W.PIX2PIX_GENERATORS:
        body = (f"l1 {score['l1']:.4f}  psnr {score['psnr']:6.3f} dB  ssim {score['ssim']:.4f}"
                + (f"  parser {score['parser_pixel_accuracy']:.4f}"
                   if "parser_pixel_accuracy" in score else ""))
    elif name == "cgan":
        per = score["per_digit_accuracy"]
        worst = min(per, key=per.get)
        body = (f"accuracy {score['accuracy']:.3f}  min {score['min_digit_accuracy']:.2f} "
                f"(digit {worst})  confidence {score['confidence']:.3f}")
    else:
        hist = score["class_histogram"]
        body = (f"confidence {score['confidence']:.3f}  min share "
                f"{score['min_class_share']:.3f} (digit {int(np.argmin(hist))})  max share "
                f"{score['max_class_share']:.3f}")
    if "fid" in score:
        body += f"  fid {score['fid']:.2f}"
    if "bars" in score:
        body += "  bars: " + ("MET" if all(score["bars"].values()) else "missed")
    return f"{head}  {body}"


def score_snapshots(name: str, paths: Sequence[PathLike], weights_dir: PathLike | None = None,
                    seed: int = 1, n_fid: int = 2000, split: str = "val",
                    limit: int | None = None, classifier=None, parser=None,
                    average_last: Sequence[int] = ()):
    """Score generator snapshots (`g-NNNNNNN.weights.h5`, files or folders), one at a time.

    Yields (path, step, score, line) in step order; `score` is None and `line` says why for a
    snapshot that does not load (e.g. one being written right now).
    With `average_last` (e.g. (4, 8)), the candidates are instead the last snapshot and, for
    each k, the weight average of the last k snapshots (`weights.average_snapshots`); `path`
    is then a `Path` naming the candidate ("mean-of-last-8-g-0001000-to-g-0004000").
    MNIST models: `score_mnist_generator` with `seed` (default 1, so that the final
    `eval MODEL` with seed 0 judges the chosen snapshot on fresh samples) and an FID on n_fid
    digits against the first n_fid real test digits (0: no FID). Pix2Pix: L1/PSNR/SSIM (and,
    for facades, the parser's pixel accuracy) on `split` (default "val": the test set stays
    untouched by the choice), first `limit` pairs.
    """
    files = W.snapshot_files(paths)
    if not files:
        raise W.WeightsError(f"no g-NNNNNNN.weights.h5 snapshots in {', '.join(map(str, paths))}")
    if name in W.PIX2PIX_GENERATORS:
        pair_files, inputs, targets = pix2pix_pairs(name, split, limit)
        stems = [Path(f).stem for f in pair_files]
        label_targets = None
        if name == "pix2pix-facades":
            parser = parser if parser is not None else W.load_pretrained("facade-parser",
                                                                         weights_dir)
            label_targets = parser_targets(inputs)
        else:
            parser = None
    else:
        classifier = classifier if classifier is not None else W.load_pretrained(
            "mnist-classifier", weights_dir)
        real = None
        if n_fid:
            test_x, _ = mnist_arrays("test")
            real = features(classifier, test_x[:n_fid])
    candidates = [[f] for f in files]
    if average_last:
        candidates = [files[-1:]] + [files[-k:] for k in sorted(set(average_last))
                                     if 1 < k <= len(files)]
    for group in candidates:
        path = group[0] if len(group) == 1 else Path(
            f"mean-of-last-{len(group)}-{group[0].name.split('.')[0]}-to-"
            f"{group[-1].name.split('.')[0]}")
        try:
            generator, step = (W.load_snapshot(name, group[0]) if len(group) == 1
                               else W.average_snapshots(name, group))
        except W.WeightsError as err:
            yield path, None, None, f"{path.name}  skipped: {err}"
            continue
        if name in W.PIX2PIX_GENERATORS:
            pred = translate_all(generator, inputs, stems, seed)
            score = _report(pred, targets, parser, label_targets)
        else:
            score = score_mnist_generator(name, generator, classifier, seed, real, n_fid)
        yield path, step, score, _snapshot_line(name, path, step, score)


def _gan_rank(score: dict) -> tuple[bool, float]:
    confident = score["confidence"] >= GAN_CONFIDENCE_BAR
    return confident, score["min_class_share"] if confident else score["confidence"]


def best_snapshot(name: str, scored: Sequence[tuple[Path, int, dict]]) -> tuple[Path, str]:
    """(path, rule) of the best scored snapshot under a fixed, stated rule.

    cgan: highest accuracy (ties: higher worst digit). gan/dcgan: among snapshots meeting the
    confidence bar, the most balanced (highest min class share); if none does, highest
    confidence. Pix2Pix: highest PSNR on the scoring split.
    """
    if name == "cgan":
        best = max(scored, key=lambda s: (s[2]["accuracy"], s[2]["min_digit_accuracy"]))
        return best[0], "highest accuracy, ties broken by the worst digit's accuracy"
    if name in W.PIX2PIX_GENERATORS:
        return max(scored, key=lambda s: s[2]["psnr"])[0], "highest PSNR on the scoring split"
    return (max(scored, key=lambda s: _gan_rank(s[2]))[0],
            f"highest min class share among confidence >= {GAN_CONFIDENCE_BAR} "
            "(else highest confidence)")


# --------------------------------------------------------------------------------------------
# Shipping the judges, and the command line
# --------------------------------------------------------------------------------------------


def ship(name: str, model, facts: dict, metrics: dict,
         weights_dir: PathLike | None = None) -> dict:
    """Save a trained classifier/parser into the weights folder and register it."""
    s = W.spec(name)
    folder = W.resolve_weights_dir(weights_dir)
    path = W.save_weights_file(model, folder / s.file, s.architecture, s.storage)
    wall = facts.pop("wall_time_s", None)
    return W.register_weights(name, path, folder, model=model, training=facts,
                              wall_time_s=wall, metrics=metrics,
                              notes=f"trained here with course_lib.evaluation "
                                    f"(`python -m course_lib eval {name} --train`)")


EVAL_MODELS = (*W.MNIST_GENERATORS, *W.PIX2PIX_GENERATORS, "mnist-classifier",
               "facade-parser")


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    """Arguments of `python -m course_lib eval`."""
    parser.add_argument("model", choices=EVAL_MODELS)
    parser.add_argument("--weights-dir", type=Path)
    parser.add_argument("--seed", type=int,
                        help="sampling / dropout seed (default 0; with --snapshots on MNIST, 1)")
    parser.add_argument("--limit", type=int, help="Pix2Pix: only the first N test images")
    parser.add_argument("--update-manifest", action="store_true",
                        help="write the numbers into the model's manifest entry")
    parser.add_argument("--train", action="store_true",
                        help="mnist-classifier / facade-parser: train and ship it first")
    parser.add_argument("--epochs", type=int, help="with --train (default 4 / 40)")
    parser.add_argument("--fid-samples", type=int, default=10_000,
                        help="MNIST: generated (and real) digits for the FID (default 10000; "
                             "--snapshots uses at most 2000, 0 = no FID)")
    parser.add_argument("--out", type=Path, help="also write the JSON report here")
    parser.add_argument("--snapshots", type=Path, nargs="+", metavar="PATH",
                        help="gan/cgan/dcgan/pix2pix-*: score training snapshots "
                             "(g-NNNNNNN.weights.h5 files or folders of them), one line each, "
                             "instead of the shipped weights")
    parser.add_argument("--average-last", type=int, nargs="+", metavar="K",
                        help="with --snapshots: score the last snapshot and the weight average "
                             "of the last K snapshots for each K, instead of every snapshot")
    parser.add_argument("--split", default="val",
                        help="with --snapshots, Pix2Pix: the split to score on (default val, "
                             "so the test set plays no part in the choice)")


def _run_snapshots(args: argparse.Namespace) -> int:
    """`eval MODEL --snapshots ...`: one line per snapshot as it is scored, then the best."""
    if args.model not in W.MNIST_GENERATORS + W.PIX2PIX_GENERATORS:
        print(f"--snapshots scores GAN generators, not {args.model}", file=sys.stderr)
        return 2
    # The default seed 0 is what the final `eval MODEL` uses; choosing on other samples keeps
    # that final number an independent check of the chosen snapshot.
    if args.seed is not None:
        seed = args.seed
    else:
        seed = 1 if args.model in W.MNIST_GENERATORS else 0
    where = (f"{args.split} split" + (f", first {args.limit}" if args.limit else "")
             if args.model in W.PIX2PIX_GENERATORS else f"samples with seed {seed}")
    print(f"# {args.model} snapshots scored on {where}", flush=True)
    scored, records = [], []
    for path, step, score, line in score_snapshots(
            args.model, args.snapshots, args.weights_dir, seed=seed,
            n_fid=min(args.fid_samples, 2000), split=args.split, limit=args.limit,
            average_last=args.average_last or ()):
        print(line, flush=True)
        records.append({"snapshot": str(path), "step": step, "score": score})
        if score is not None:
            scored.append((path, step, score))
    if not scored:
        print("error: no snapshot could be scored", file=sys.stderr)
        return 1
    best, rule = best_snapshot(args.model, scored)
    print(f"# best by {rule}: {best}")
    if args.out:
        args.out.write_text(json.dumps({"model": args.model, "scored_on": where,
                                        "rule": rule, "best": str(best),
                                        "snapshots": records}, indent=2) + "\n")
    return 0


def run(args: argparse.Namespace) -> int:
    """Entry point of `eval`; prints the JSON report, returns the exit status."""
    from course_lib.data import DataError

    try:
        if args.snapshots:
            return _run_snapshots(args)
        if args.seed is None:
            args.seed = 0
        if args.train and args.model not in ("mnist-classifier", "facade-parser"):
            print("--train only applies to mnist-classifier and facade-parser; train GANs "
                  "with `python -m course_lib train`", file=sys.stderr)
            return 2
        if args.model == "mnist-classifier":
            if args.train:
                model, facts = train_mnist_classifier(args.epochs or 4, seed=args.seed)
            else:
                model, facts = W.load_pretrained(args.model, args.weights_dir), None
            report = {"model": args.model, "test_accuracy": classifier_accuracy(model)}
            if facts is not None:
                ship(args.model, model, facts, {"test_accuracy": report["test_accuracy"]},
                     args.weights_dir)
        elif args.model == "facade-parser":
            if args.train:
                model, facts = train_facade_parser(args.epochs or 40, seed=args.seed)
            else:
                model, facts = W.load_pretrained(args.model, args.weights_dir), None
            _, labels, photos = facade_pairs("test", args.limit)
            acc = parser_accuracy(model, photos, parser_targets(labels))
            report = {"model": args.model, "split": "test", "n_images": len(photos),
                      "test_pixel_accuracy": acc["pixel_accuracy"],
                      "test_class_accuracy": acc["class_accuracy"]}
            if facts is not None:
                ship(args.model, model, facts, {k: v for k, v in report.items()
                                                if k.startswith("test_")}, args.weights_dir)
        elif args.model in W.MNIST_GENERATORS:
            report = evaluate_mnist_generator(args.model, weights_dir=args.weights_dir,
                                              seed=args.seed, n_fid=args.fid_samples)
        else:
            report = evaluate_pix2pix(args.model, weights_dir=args.weights_dir, seed=args.seed,
                                      limit=args.limit)
    except (W.WeightsError, DataError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if args.update_manifest and not args.train:
        W.update_manifest_metrics(args.model, {k: v for k, v in report.items() if k != "model"},
                                  args.weights_dir)
    # allow_nan=False: every number is finite by construction (PSNR is capped), keep it so.
    text = json.dumps(report, indent=2, allow_nan=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0
