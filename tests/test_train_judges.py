"""tools/train_judges.py: the palette estimate converges, and a short run ships a judge."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import train_judges  # noqa: E402

from course_lib import weights as W  # noqa: E402
from course_lib.evaluation.judges import CMP_PALETTE  # noqa: E402


def test_palette_estimate_converges_back_to_the_palette():
    pixels = np.repeat(CMP_PALETTE, 200, axis=0) + np.random.default_rng(1).normal(
        0, 5, (2400, 3))
    start = CMP_PALETTE + 12  # a palette that is off by 12 units converges back
    np.testing.assert_allclose(train_judges.estimate_palette(pixels, start), CMP_PALETTE,
                               atol=2.0)


@pytest.mark.needs_data("mnist")
@pytest.mark.slow
def test_a_short_run_ships_the_classifier_with_its_accuracy(tmp_path, capsys):
    folder = tmp_path / "weights"
    assert train_judges.main(["mnist-classifier", "--epochs", "1", "--limit", "256",
                              "--weights-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    report = json.loads(out[out.rindex("\n{") + 1:])  # the JSON report comes last
    entry = W.read_manifest(folder)["mnist-classifier"]
    assert entry["training"]["examples"] == 256 and entry["training"]["epochs"] == 1
    assert entry["metrics"] == {"test_accuracy": report["test_accuracy"]}
    assert 0.1 < report["test_accuracy"] <= 1  # 256 digits, one epoch: better than chance
    assert "tools/train_judges.py mnist-classifier" in entry["notes"]
    assert W.verify_all(folder) == []
