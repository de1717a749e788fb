"""Image and feature-set metrics: pure functions of arrays, no models.

L1, PSNR and SSIM per image (Pix2Pix predictions against photos, on the [0, 1] scale that
`course_lib.pixels.to_unit` gives), their
means with PSNR capped (`summarize_metrics`), and the Fréchet distance between two feature
sets (the FID family).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

PSNR_CAP_DB = 100.0  # identical images have infinite PSNR; averages use this cap instead


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
