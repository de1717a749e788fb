"""Exporting: checkpoints, snapshots and snapshot averages become registered weight files; int8
exports measure their cost."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from weights_fixtures import gan_generator, same_outputs, tiny_convnet

from course_lib import cli, models, training
from course_lib import weights as W
from course_lib.evaluation import pix2pix as evaluation_pix2pix
from course_lib.weights import export

__all__ = ["gan_generator"]  # fixtures used by name


@pytest.mark.slow  # over 5 s on two CPU cores
def test_export_turns_a_training_checkpoint_into_a_registered_file(tmp_path):
    keras.utils.set_random_seed(0)
    g, d = models.build(models.GeneratorGAN()), models.build(models.DiscriminatorGAN())
    trainer = training.GANTrainer(g, d, seed=0)
    trainer.compile(training.make_optimizer(1e-4), training.make_optimizer(1e-4))
    images = np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype(np.float32)
    ckpt = tmp_path / "ckpt"
    training.fit(trainer, tf.data.Dataset.from_tensors(images), 4, ckpt, 2, progress=False)

    folder = tmp_path / "weights"
    assert cli.main(["weights", "export", "gan", "--checkpoint-dir", str(ckpt),
                     "--weights-dir", str(folder), "--wall-time", "12.5",
                     "--set", "epochs_planned=500"]) == 0
    entry = W.read_manifest(folder)["gan"]
    assert entry["training"]["steps"] == 4 and entry["wall_time_s"] == 12.5
    assert entry["training"]["epochs_planned"] == 500 and "of 500 epochs" in entry["notes"]
    assert entry["keras_version"] == keras.__version__
    same_outputs(W.load_pretrained("gan", folder), g)

    with pytest.raises(W.WeightsError, match="no checkpoint found"):
        W.export_checkpoint("gan", tmp_path / "empty", folder)


def test_export_from_a_snapshot_file(tmp_path, gan_generator, capsys):
    snapshots = tmp_path / "snapshots"
    snapshots.mkdir()
    snap = snapshots / "g-0000938.weights.h5"
    gan_generator.save_weights(str(snap))  # what the training runs write every few epochs
    folder = tmp_path / "weights"
    assert cli.main(["weights", "export", "gan", "--snapshot", str(snap),
                     "--weights-dir", str(folder)]) == 0
    entry = W.read_manifest(folder)["gan"]
    assert entry["training"]["steps"] == 938 and entry["training"]["epochs"] == 2.0
    assert entry["training"]["source"] == f"snapshot {snap}"
    same_outputs(W.load_pretrained("gan", folder), gan_generator)

    # A GAN snapshot offered as the cGAN, or a file not named like a snapshot, is refused.
    assert cli.main(["weights", "export", "cgan", "--snapshot", str(snap),
                     "--weights-dir", str(folder)]) == 1
    assert "does not fit course_lib.models:GeneratorCGAN" in capsys.readouterr().err
    with pytest.raises(W.WeightsError, match="g-<step>.weights.h5"):
        W.load_snapshot("gan", folder / W.spec("gan").file)
    assert W.snapshot_files([snapshots, snap]) == [snap]


def test_export_of_several_snapshots_averages_their_weights(tmp_path, gan_generator):
    snaps = []
    for step, scale in ((400, 1.0), (800, 3.0)):
        g = W.build_model("gan")
        for v, ref in zip(g.weights, gan_generator.weights):
            v.assign(ref.numpy() * scale)
        snaps.append(tmp_path / f"g-{step:07d}.weights.h5")
        g.save_weights(str(snaps[-1]))
    folder = tmp_path / "weights"
    # Given out of order: the step and the source still come out sorted.
    assert cli.main(["weights", "export", "gan", "--snapshot", str(snaps[1]), str(snaps[0]),
                     "--weights-dir", str(folder)]) == 0
    entry = W.read_manifest(folder)["gan"]
    assert entry["training"]["steps"] == 800
    assert entry["training"]["source"].startswith("mean of the weights of 2 snapshots at "
                                                  "steps 400, 800")
    shipped = W.load_pretrained("gan", folder)
    for v, ref in zip(shipped.weights, gan_generator.weights):
        np.testing.assert_allclose(v.numpy(), 2.0 * ref.numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.needs_data("facades")
def test_int8_export_measures_its_cost_and_size(tmp_path, monkeypatch, capsys):
    # A tiny convnet stands in for the 54 M-parameter U-Net; the data are the real test pairs.
    real_build = W.build_model
    for module in (export, evaluation_pix2pix):  # the snapshot's and the int8 file's model
        monkeypatch.setattr(module, "build_model", lambda name: tiny_convnet()
                            if name == "pix2pix-facades" else real_build(name))
    keras.utils.set_random_seed(0)
    snap = tmp_path / "g-0000400.weights.h5"
    tiny_convnet().save_weights(str(snap))
    folder = tmp_path / "weights"
    argv = ["weights", "export", "pix2pix-facades", "--snapshot", str(snap),
            "--weights-dir", str(folder), "--limit", "2"]
    assert cli.main(argv) == 0
    entry = W.read_manifest(folder)["pix2pix-facades"]
    assert entry["storage"] == W.STORAGE_INT8 and entry["training"]["steps"] == 400
    effect = entry["metrics"]["int8_vs_float32"]
    assert effect["n_images"] == 2 and effect["float32_source"] == f"snapshot {snap}"
    assert abs(effect["psnr_delta_db"]) <= 0.1 and effect["meets_0.1_db_bar"]
    assert effect["size_mb"] == round(entry["size"] / 1e6, 2) and effect["meets_size_bar"]
    assert effect["psnr_int8_vs_float32_db"] > 30  # the two outputs are nearly the same

    capsys.readouterr()
    monkeypatch.setattr(evaluation_pix2pix, "INT8_SIZE_BAR_MB", 1e-6)  # a bar no file can meet
    assert cli.main(argv) == 1
    assert "misses a bar" in capsys.readouterr().err
    assert not W.read_manifest(folder)["pix2pix-facades"]["metrics"]["int8_vs_float32"][
        "meets_size_bar"]


def test_export_skips_a_damaged_latest_checkpoint(tmp_path, capsys):
    keras.utils.set_random_seed(0)
    g, d = models.build(models.GeneratorGAN()), models.build(models.DiscriminatorGAN())
    trainer = training.GANTrainer(g, d)
    trainer.compile(training.make_optimizer(1e-4), training.make_optimizer(1e-4))
    images = np.random.default_rng(0).uniform(-1, 1, (32, 784)).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices(images).batch(16)
    training.fit(trainer, ds, 10, tmp_path, 5, progress=False, model_name="gan")
    (tmp_path / "ckpt-10.index").unlink()
    _, step = W.restore_generator("gan", tmp_path)
    assert step == 5 and "ckpt-10: its .index file is missing" in capsys.readouterr().err
