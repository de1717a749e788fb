"""The judges: label maps become CMP classes with the palette."""

import numpy as np
import pytest

from course_lib.evaluation import judges as E


def test_label_maps_become_cmp_classes():
    noisy = E.CMP_PALETTE + np.random.default_rng(0).integers(-15, 16, E.CMP_PALETTE.shape)
    np.testing.assert_array_equal(E.label_map_to_classes(noisy[None]), [np.arange(12)])


@pytest.mark.needs_data("facades")
def test_facade_label_maps_use_the_palette():
    _, labels, _ = E.facade_pairs("train", limit=4)
    rgb = (labels + 1.0) * 127.5
    nearest = E.CMP_PALETTE[E.label_map_to_classes(rgb)]
    # Most label-map pixels sit right on a palette colour (JPEG blurs only region borders).
    assert np.mean(np.linalg.norm(rgb - nearest, axis=-1) < 30) > 0.75
    targets = E.parser_targets(labels)
    assert targets.shape == (4, E.PARSER_SIZE, E.PARSER_SIZE)
    assert 1 in np.unique(targets)  # facade
