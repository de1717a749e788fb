"""Pix2Pix evaluation: every number and baseline in the report; batch translation matches
`translate`."""

import json

import keras
import numpy as np
import pytest

from course_lib import evaluation as E
from course_lib import weights as W


@pytest.mark.needs_data("facades")
@pytest.mark.slow  # over 5 s on two CPU cores
def test_pix2pix_report_has_all_numbers_and_baselines():
    keras.utils.set_random_seed(0)
    tiny = keras.Sequential([keras.Input((256, 256, 3)),
                             keras.layers.Conv2D(3, 3, padding="same", activation="tanh")])
    report = E.evaluate_pix2pix("pix2pix-facades", generator=tiny, parser=E.facade_parser(),
                                untrained=tiny, limit=2)
    assert report["n_images"] == 2
    for block in (report["generator"], *report["baselines"].values()):
        assert set(block) == {"l1", "psnr", "ssim", "parser_pixel_accuracy",
                              "parser_class_accuracy"}
        assert 0 <= block["parser_pixel_accuracy"] <= 1 and block["psnr"] > 0
    assert "parser_pixel_accuracy" in report["real_photos"]
    assert set(report["baselines"]) == {"untrained_generator", "mean_training_photo",
                                        "input_unchanged"}
    assert set(report["bars"]) == {"psnr>=14.0", "beats_untrained_generator",
                                   "beats_mean_training_photo", "beats_input_unchanged"}
    # Returning the label map as the photo is a baseline: its scores are those of the inputs.
    assert report["split"] == "test"
    assert report["wall_time_s"] > 0
    json.dumps(report, allow_nan=False)


def test_batch_translation_matches_the_translate_command():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(8, 3, padding="same")(inputs)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Dropout(0.5)(x)
    model = keras.Model(inputs, keras.layers.Conv2D(3, 3, padding="same")(x))
    images = np.random.default_rng(0).uniform(-1, 1, (3, 32, 32, 3)).astype(np.float32)
    stems = ["a", "b", "c"]
    together = E.translate_all(model, images, stems, seed=4)
    one_by_one = [W.translate_image(model, x, W.image_seed(4, s)) for x, s in zip(images, stems)]
    np.testing.assert_allclose(together, np.stack(one_by_one), atol=1e-5)
    assert not np.allclose(together[0], E.translate_all(model, images[:1], ["z"], seed=4)[0])
