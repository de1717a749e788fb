"""The judges: a small MNIST classifier and a facade parser that score generated images.

`mnist_classifier` (99.2 % test accuracy) reads generated digits; its 128 "features" are the
space of the MNIST-FID. `facade_parser` (photo -> the 12 CMP classes) labels generated facade
photos; its per-pixel accuracy against the true label map is the pix2pix paper's "FCN score".
Both ship as pretrained weights (`course_lib.weights`); `tools/train_judges.py` trains them.
"""

from __future__ import annotations

import numpy as np

from course_lib.models import NUM_CLASSES
from course_lib.pixels import PIXEL_MAX, to_signed
from course_lib.registry import PathLike


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


def mnist_arrays(split: str) -> tuple[np.ndarray, np.ndarray]:
    """MNIST images float32 (N,28,28,1) in [-1,1] and int64 labels (N,)."""
    from course_lib import data

    images, labels = data.load_mnist_arrays(split)
    return to_signed(images), labels.astype(np.int64)


def classifier_accuracy(classifier, split: str = "test") -> float:
    """Share of correctly classified digits of an MNIST split."""
    x, y = mnist_arrays(split)
    return float(np.mean(predict_probabilities(classifier, x).argmax(1) == y))


CMP_CLASSES = ("background", "facade", "window", "door", "cornice", "sill", "balcony",
               "blind", "deco", "molding", "pillar", "shop")
# The colours of the 12 classes in the label-map half of the pix2pix facades files. Found from
# the data (`estimate_palette` in tools/train_judges.py reproduces them): the label maps are
# drawn with a jet-like colour ramp, one colour per class in the CMP label order (dark blue =
# background ... dark red = shop; checked by eye for background, facade, window, blind and
# shop). Starting from the 12 most frequent colours of a coarse histogram of the 400 training
# label maps, nearest-colour
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
    rgb = (np.asarray(label_inputs, np.float32)[:, ::step, ::step] + 1.0) * PIXEL_MAX
    return label_map_to_classes(rgb)


def parser_accuracy(parser, photos: np.ndarray, targets: np.ndarray) -> dict[str, float]:
    """Per-pixel and class-mean accuracy of the parser on photos (N,256,256,3) in [-1,1]
    against class maps (N,PARSER_SIZE,PARSER_SIZE)."""
    logits = _in_batches(parser, parser_inputs(photos), 16)
    pred = np.argmax(logits, axis=-1)
    per_class = [np.mean(pred[targets == k] == k) for k in range(len(CMP_CLASSES))
                 if np.any(targets == k)]
    return {"pixel_accuracy": round(float(np.mean(pred == targets)), 4),
            "class_accuracy": round(float(np.mean(per_class)), 4)}


def evaluate_judge(name: str, model, limit: int | None = None) -> dict:
    """The JSON-ready report of `eval mnist-classifier|facade-parser`: the judge's accuracy on
    the test split (the parser: per pixel and class-mean, on the first `limit` pairs)."""
    if name == "mnist-classifier":
        return {"model": name, "test_accuracy": classifier_accuracy(model)}
    _, labels, photos = facade_pairs("test", limit)
    acc = parser_accuracy(model, photos, parser_targets(labels))
    return {"model": name, "split": "test", "n_images": len(photos),
            "test_pixel_accuracy": acc["pixel_accuracy"],
            "test_class_accuracy": acc["class_accuracy"]}
