"""Metrics give known values on fixed inputs, and the eval reports carry every promised key."""

import json
from pathlib import Path

import keras
import numpy as np
import pytest

from course_lib import cli, models
from course_lib import evaluation as E
from course_lib import weights as W


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


def test_label_maps_become_cmp_classes():
    noisy = E.CMP_PALETTE + np.random.default_rng(0).integers(-15, 16, E.CMP_PALETTE.shape)
    np.testing.assert_array_equal(E.label_map_to_classes(noisy[None]), [np.arange(12)])
    pixels = np.repeat(E.CMP_PALETTE, 200, axis=0) + np.random.default_rng(1).normal(
        0, 5, (2400, 3))
    start = E.CMP_PALETTE + 12  # a palette that is off by 12 units converges back
    np.testing.assert_allclose(E.estimate_palette(pixels, start), E.CMP_PALETTE, atol=2.0)


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


class _AlwaysThree:
    """A stand-in classifier that reads every image as a confident 3."""

    def __call__(self, x, training=False):
        logits = np.full((len(x), 10), -10.0, np.float32)
        logits[:, 3] = 10.0
        return logits


def test_conditional_accuracy_and_balance_from_classifier_votes():
    keras.utils.set_random_seed(0)
    cgan = models.build(models.GeneratorCGAN())
    cond = E.conditional_accuracy(cgan, _AlwaysThree(), per_digit=5)
    assert cond["per_digit_accuracy"]["3"] == 1.0 and cond["per_digit_accuracy"]["7"] == 0.0
    assert cond["accuracy"] == pytest.approx(0.1) and cond["min_digit_accuracy"] == 0.0
    assert cond["images"].shape == (50, 28, 28, 1)

    gan = models.build(models.GeneratorGAN())
    quality = E.sample_quality(gan, _AlwaysThree(), n=40)
    assert quality["class_histogram"] == [0, 0, 0, 40, 0, 0, 0, 0, 0, 0]
    assert quality["min_class_share"] == 0.0 and quality["max_class_share"] == 1.0
    assert quality["confidence"] > 0.99 and quality["confident_share"] == 1.0


@pytest.mark.needs_data("mnist")
def test_eval_gan_prints_json_with_its_metrics(tmp_path, capsys):
    keras.utils.set_random_seed(0)
    folder = tmp_path / "weights"
    for name, model in (("gan", models.build(models.GeneratorGAN())),
                        ("mnist-classifier", E.mnist_classifier())):
        s = W.spec(name)
        W.register_weights(name, W.save_weights_file(model, folder / s.file, s.architecture,
                                                     s.storage), folder, model=model)
    assert cli.main(["eval", "gan", "--weights-dir", str(folder), "--fid-samples", "300",
                     "--update-manifest"]) == 0
    report = json.loads(capsys.readouterr().out)
    for key in ("confidence", "class_histogram", "min_class_share", "fid",
                "fid_real_train_vs_test"):
        assert key in report
    assert sum(report["class_histogram"]) == 1000
    assert W.read_manifest(folder)["gan"]["metrics"]["fid"] == report["fid"]


@pytest.mark.needs_data("facades")
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


def _snapshot_folder(tmp_path, model_class, steps):
    folder = tmp_path / "snapshots"
    folder.mkdir()
    for step in steps:
        keras.utils.set_random_seed(step)
        models.build(model_class()).save_weights(str(folder / f"g-{step:07d}.weights.h5"))
    return folder


def test_snapshot_scores_come_one_per_file_in_step_order(tmp_path):
    folder = _snapshot_folder(tmp_path, models.GeneratorCGAN, (938, 469))
    (folder / "g-0001407.weights.h5").write_bytes(b"half written")
    (folder / "notes.txt").write_text("not a snapshot")
    rows = list(E.score_snapshots("cgan", [folder], classifier=_AlwaysThree(), n_fid=0))
    assert [r[1] for r in rows] == [469, 938, None]
    path, step, score, line = rows[0]
    assert path.name == "g-0000469.weights.h5" and score["accuracy"] == pytest.approx(0.1)
    assert score["bars"] == {"accuracy>=0.97": False} and "fid" not in score
    assert line.startswith("g-0000469.weights.h5  step     469  epoch    1.0  accuracy 0.100")
    assert "skipped" in rows[2][3] and rows[2][2] is None
    with pytest.raises(W.WeightsError, match="no g-NNNNNNN.weights.h5 snapshots"):
        list(E.score_snapshots("cgan", [tmp_path / "snapshots" / ".."], classifier=_AlwaysThree()))


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


@pytest.mark.needs_data("mnist")
def test_eval_snapshots_command_prints_a_line_each_and_the_best(tmp_path, capsys):
    folder = tmp_path / "weights"
    keras.utils.set_random_seed(0)
    classifier = E.mnist_classifier()
    s = W.spec("mnist-classifier")
    W.register_weights("mnist-classifier", W.save_weights_file(
        classifier, folder / s.file, s.architecture, s.storage), folder, model=classifier)
    snaps = _snapshot_folder(tmp_path, models.GeneratorGAN, (469, 938))
    out = tmp_path / "scores.json"
    assert cli.main(["eval", "gan", "--snapshots", str(snaps), "--weights-dir", str(folder),
                     "--fid-samples", "200", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "# gan snapshots scored on samples with seed 1"
    assert lines[1].startswith("g-0000469.weights.h5") and "fid" in lines[1]
    assert lines[2].startswith("g-0000938.weights.h5")
    assert lines[3].startswith("# best by highest min class share")
    saved = json.loads(out.read_text())
    assert [r["step"] for r in saved["snapshots"]] == [469, 938]
    assert saved["best"] in lines[3]


@pytest.mark.needs_data("facades")
def test_pix2pix_snapshots_are_scored_on_the_validation_split(tmp_path, monkeypatch):
    def tiny():
        return keras.Sequential([keras.Input((256, 256, 3)),
                                 keras.layers.Conv2D(3, 3, padding="same", activation="tanh")])

    monkeypatch.setattr(W, "build_model", lambda name: tiny())
    keras.utils.set_random_seed(0)
    tiny().save_weights(str(tmp_path / "g-0000400.weights.h5"))
    rows = list(E.score_snapshots("pix2pix-facades", [tmp_path], limit=2,
                                  parser=E.facade_parser()))
    (_, step, score, line), = rows
    assert step == 400 and {"l1", "psnr", "ssim", "parser_pixel_accuracy"} <= set(score)
    assert "psnr" in line and "parser" in line


@pytest.mark.needs_data("facades")
def test_snapshot_averages_are_scored_as_candidates(tmp_path, monkeypatch):
    def tiny():
        return keras.Sequential([keras.Input((256, 256, 3)),
                                 keras.layers.Conv2D(3, 3, padding="same", activation="tanh")])

    monkeypatch.setattr(W, "build_model", lambda name: tiny())
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
