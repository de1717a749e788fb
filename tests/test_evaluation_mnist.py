"""MNIST evaluation: conditional accuracy and class balance from the classifier's votes."""

import keras
import pytest
from weights_fixtures import AlwaysThree

from course_lib import models
from course_lib.evaluation import mnist as E


def test_conditional_accuracy_and_balance_from_classifier_votes():
    keras.utils.set_random_seed(0)
    cgan = models.build(models.GeneratorCGAN())
    cond = E.conditional_accuracy(cgan, AlwaysThree(), per_digit=5)
    assert cond["per_digit_accuracy"]["3"] == 1.0 and cond["per_digit_accuracy"]["7"] == 0.0
    assert cond["accuracy"] == pytest.approx(0.1) and cond["min_digit_accuracy"] == 0.0
    assert cond["images"].shape == (50, 28, 28, 1)

    gan = models.build(models.GeneratorGAN())
    quality = E.sample_quality(gan, AlwaysThree(), n=40)
    assert quality["class_histogram"] == [0, 0, 0, 40, 0, 0, 0, 0, 0, 0]
    assert quality["min_class_share"] == 0.0 and quality["max_class_share"] == 1.0
    assert quality["confidence"] > 0.99 and quality["confident_share"] == 1.0
