"""Losses against values computed by hand."""

import math

import numpy as np
import pytest

from course_lib import losses


def softplus(x):
    return math.log1p(math.exp(x))


def test_generator_loss_hand_value():
    logits = np.array([[0.0], [2.0]], np.float32)
    # BCE(1, sigmoid(l)) = softplus(-l)
    expected = (softplus(0.0) + softplus(-2.0)) / 2
    assert float(losses.generator_loss(logits)) == pytest.approx(expected, rel=1e-5)


def test_discriminator_loss_hand_value():
    real = np.array([[1.0], [3.0]], np.float32)
    fake = np.array([[-1.0], [0.5]], np.float32)
    expected = (softplus(-1.0) + softplus(-3.0)) / 2 + (softplus(-1.0) + softplus(0.5)) / 2
    assert float(losses.discriminator_loss(real, fake)) == pytest.approx(expected, rel=1e-5)


def test_perfect_discriminator_has_near_zero_loss():
    assert float(losses.discriminator_loss(np.full((4, 1), 20.0), np.full((4, 1), -20.0))) < 1e-6


def test_pix2pix_generator_loss_parts():
    disc_fake = np.zeros((1, 30, 30, 1), np.float32)  # sigmoid 0.5 -> BCE log 2
    target = np.full((1, 4, 4, 3), 0.5, np.float32)
    generated = np.full((1, 4, 4, 3), -0.5, np.float32)  # |diff| = 1 everywhere
    total, gan, l1 = losses.pix2pix_generator_loss(disc_fake, generated, target)
    assert float(gan) == pytest.approx(math.log(2), rel=1e-5)
    assert float(l1) == pytest.approx(1.0)
    assert float(total) == pytest.approx(math.log(2) + 100.0, rel=1e-5)
    total, _, _ = losses.pix2pix_generator_loss(disc_fake, generated, target, lam=10.0)
    assert float(total) == pytest.approx(math.log(2) + 10.0, rel=1e-5)


def test_pix2pix_discriminator_loss_is_sum_of_both_bce():
    real = np.full((2, 30, 30, 1), 1.0, np.float32)
    fake = np.full((2, 30, 30, 1), -1.0, np.float32)
    assert float(losses.pix2pix_discriminator_loss(real, fake)) == pytest.approx(
        2 * softplus(-1.0), rel=1e-5)
