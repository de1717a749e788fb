"""Metrics give known values on fixed inputs."""

import numpy as np
import pytest

from course_lib import metrics as E


def test_psnr_ssim_l1_on_known_images():
    rng = np.random.default_rng(0)
    target = rng.uniform(0.2, 0.8, (3, 32, 32, 3)).astype(np.float32)
    same = E.image_metrics(target, target)
    assert np.all(np.isinf(same["psnr"]))  # no error at all: infinite PSNR ...
    assert E.summarize_metrics(same)["psnr"] == E.PSNR_CAP_DB  # ... capped in averages
    np.testing.assert_allclose(same["ssim"], 1.0, atol=1e-6)
    np.testing.assert_allclose(same["l1"], 0.0)

    shifted = E.image_metrics(target + 0.1, target)  # MSE 0.01 -> PSNR 20 dB
    np.testing.assert_allclose(shifted["psnr"], 20.0, atol=1e-3)
    np.testing.assert_allclose(shifted["l1"], 0.1, atol=1e-6)
    assert np.all(shifted["ssim"] < 1.0)
    assert E.summarize_metrics({"psnr": [np.inf, 20.0]})["psnr"] == (E.PSNR_CAP_DB + 20) / 2


def test_frechet_distance_known_values():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(2000, 8))
    assert E.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    shift = np.arange(8) / 4.0
    # Same covariance, moved mean: the distance is exactly |shift|^2.
    assert E.frechet_distance(a, a + shift) == pytest.approx(np.sum(shift**2), rel=1e-6)
    # N(0, I) against N(0, 4I) in 8 dimensions: Tr(I + 4I - 2 (4I)^(1/2)) = 8 * 1 = 8.
    b = rng.normal(size=(200_000, 8))
    c = 2 * rng.normal(size=(200_000, 8))
    assert E.frechet_distance(b, c) == pytest.approx(8.0, rel=0.02)
