"""MNIST evaluation: what a digit generator really produces, judged by the course classifier.

* cGAN: **conditional accuracy**, the share of samples (100 per digit) that the classifier reads
  as the digit that was asked for;
* GAN / DCGAN: **confidence**, the mean of the classifier's top probability (a blob that looks
  like no digit gets a low one), and **class balance** over 1000 samples (mode collapse shows
  up as digits that never appear);
* all three: an **MNIST-FID** (FJD), the Fréchet distance between Gaussians fitted to the
  classifier's 128 penultimate features of generated digits and of the real test digits.
  Lower is better; two independent real samples score near 0.
"""

from __future__ import annotations

import numpy as np

from course_lib.evaluation.judges import features, mnist_arrays, predict_probabilities
from course_lib.inference import sample_digits
from course_lib.metrics import frechet_distance
from course_lib.models import NUM_CLASSES
from course_lib.registry import PathLike
from course_lib.weights.locate import load_pretrained

# What issue 5 asks of the shipped generators.
CGAN_ACCURACY_BAR = 0.97
GAN_CONFIDENCE_BAR = 0.9
GAN_MIN_SHARE_BAR = 0.05


def conditional_accuracy(generator, classifier, per_digit: int = 100,
                         seed: int = 0) -> dict:
    """How often cGAN samples are read as the digit asked for.

    Returns per_digit_accuracy {"0": .., ..., "9": ..}, accuracy (mean over all samples),
    min_digit_accuracy, confidence (mean top probability) and the images (not JSON: popped by
    callers that print).
    """
    per, images, confidence = {}, [], []
    for digit in range(NUM_CLASSES):
        x = sample_digits(generator, per_digit, digit, seed=seed * 100 + digit)
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
    probs = predict_probabilities(classifier, sample_digits(generator, n, label, seed))
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
    generator = generator if generator is not None else load_pretrained(name, weights_dir)
    classifier = classifier if classifier is not None else load_pretrained(
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
        return np.concatenate([sample_digits(generator, n // NUM_CLASSES, d,
                                               seed=seed * 100 + 50 + d)
                               for d in range(NUM_CLASSES)])
    return sample_digits(generator, n, None, seed=seed + 1)


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
