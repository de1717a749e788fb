"""`python -m course_lib eval`: JSON reports, snapshot scoring, and where judge training went."""

import json

import keras
import pytest
from weights_fixtures import snapshot_folder

from course_lib import cli, models
from course_lib import evaluation as E
from course_lib import weights as W


@pytest.mark.needs_data("mnist")
@pytest.mark.slow  # over 5 s on two CPU cores
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


@pytest.mark.needs_data("mnist")
@pytest.mark.slow  # over 5 s on two CPU cores
def test_eval_snapshots_command_prints_a_line_each_and_the_best(tmp_path, capsys):
    folder = tmp_path / "weights"
    keras.utils.set_random_seed(0)
    classifier = E.mnist_classifier()
    s = W.spec("mnist-classifier")
    W.register_weights("mnist-classifier", W.save_weights_file(
        classifier, folder / s.file, s.architecture, s.storage), folder, model=classifier)
    snaps = snapshot_folder(tmp_path, models.GeneratorGAN, (469, 938))
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


def test_eval_train_points_to_the_judge_training_tool(capsys):
    assert cli.main(["eval", "facade-parser", "--train", "--epochs", "2"]) == 2
    assert "python tools/train_judges.py facade-parser" in capsys.readouterr().err
