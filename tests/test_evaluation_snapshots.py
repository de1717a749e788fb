"""Scoring a run's snapshots: one line per file in step order, averages as candidates, and the
stated rules for the best one."""

from pathlib import Path

import keras
import numpy as np
import pytest
from weights_fixtures import AlwaysThree, snapshot_folder

from course_lib import evaluation as E
from course_lib import models
from course_lib import weights as W
from course_lib.weights import export


def test_snapshot_scores_come_one_per_file_in_step_order(tmp_path):
    folder = snapshot_folder(tmp_path, models.GeneratorCGAN, (938, 469))
    (folder / "g-0001407.weights.h5").write_bytes(b"half written")
    (folder / "notes.txt").write_text("not a snapshot")
    rows = list(E.score_snapshots("cgan", [folder], classifier=AlwaysThree(), n_fid=0))
    assert [r[1] for r in rows] == [469, 938, None]
    path, step, score, line = rows[0]
    assert path.name == "g-0000469.weights.h5" and score["accuracy"] == pytest.approx(0.1)
    assert score["bars"] == {"accuracy>=0.97": False} and "fid" not in score
    assert line.startswith("g-0000469.weights.h5  step     469  epoch    1.0  accuracy 0.100")
    assert "skipped" in rows[2][3] and rows[2][2] is None
    with pytest.raises(W.WeightsError, match="no g-NNNNNNN.weights.h5 snapshots"):
        list(E.score_snapshots("cgan", [tmp_path / "snapshots" / ".."], classifier=AlwaysThree()))


def test_best_snapshot_rules():
    def gan(conf, share):
        return {"confidence": conf, "min_class_share": share}

    scored = [("a", 1, gan(0.95, 0.02)), ("b", 2, gan(0.92, 0.07)), ("c", 3, gan(0.85, 0.09))]
    assert E.best_snapshot("gan", scored)[0] == "b"  # "c" is balanced but not confident
    assert E.best_snapshot("gan", [scored[2], ("d", 4, gan(0.6, 0.1))])[0] == "c"
    cgan = [("a", 1, {"accuracy": 0.97, "min_digit_accuracy": 0.9}),
            ("b", 2, {"accuracy": 0.97, "min_digit_accuracy": 0.93}),
            ("c", 3, {"accuracy": 0.96, "min_digit_accuracy": 0.95})]
    assert E.best_snapshot("cgan", cgan)[0] == "b"


@pytest.mark.needs_data("facades")
def test_pix2pix_snapshots_are_scored_on_the_validation_split(tmp_path, monkeypatch):
    def tiny():
        return keras.Sequential([keras.Input((256, 256, 3)),
                                 keras.layers.Conv2D(3, 3, padding="same", activation="tanh")])

    monkeypatch.setattr(export, "build_model", lambda name: tiny())
    keras.utils.set_random_seed(0)
    tiny().save_weights(str(tmp_path / "g-0000400.weights.h5"))
    rows = list(E.score_snapshots("pix2pix-facades", [tmp_path], limit=2,
                                  parser=E.facade_parser()))
    (_, step, score, line), = rows
    assert step == 400 and {"l1", "psnr", "ssim", "parser_pixel_accuracy"} <= set(score)
    assert "psnr" in line and "parser" in line


@pytest.mark.needs_data("facades")
@pytest.mark.slow  # over 5 s on two CPU cores
def test_snapshot_averages_are_scored_as_candidates(tmp_path, monkeypatch):
    def tiny():
        return keras.Sequential([keras.Input((256, 256, 3)),
                                 keras.layers.Conv2D(3, 3, padding="same", activation="tanh")])

    monkeypatch.setattr(export, "build_model", lambda name: tiny())
    models = []
    for i, step in enumerate((100, 200, 300)):
        keras.utils.set_random_seed(i)
        models.append(tiny())
        models[-1].save_weights(str(tmp_path / f"g-{step:07d}.weights.h5"))
    rows = list(E.score_snapshots("pix2pix-facades", [tmp_path], limit=2,
                                  parser=E.facade_parser(), average_last=(2, 3, 9)))
    names = [path.name for path, _, _, _ in rows]
    assert names == ["g-0000300.weights.h5", "mean-of-last-2-g-0000200-to-g-0000300",
                     "mean-of-last-3-g-0000100-to-g-0000300"]  # 9 > 3 snapshots: skipped
    assert [step for _, step, _, _ in rows] == [300, 300, 300]
    # The mean-of-3 candidate is scored with the averaged kernel, not any single snapshot's.
    pairs, inputs, photos = E.pix2pix_pairs("pix2pix-facades", "val", 2)
    mean = tiny()
    mean.set_weights([np.mean(ws, axis=0) for ws in zip(*(m.get_weights() for m in models))])
    expected = E.summarize_metrics(E.image_metrics(
        E.to_unit(E.translate_all(mean, inputs, [Path(f).stem for f in pairs])),
        E.to_unit(photos)))
    assert rows[2][2]["psnr"] == pytest.approx(expected["psnr"], rel=1e-5)
