"""Resuming never loses more than it must: damaged checkpoints are skipped by name, another
model's folder and a read-only folder are refused before the first step."""

import json
import os
import re
import stat
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_lib import checkpoints as C
from course_lib import cli, models, training


def _folder_with_steps(folder: Path, steps=(10, 20)) -> tf.Variable:
    """Checkpoints ckpt-10, ckpt-20 of one variable whose value is the step."""
    value = tf.Variable(np.zeros(5000, np.float32))
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(value=value), str(folder), 3)
    for step in steps:
        value.assign(np.full(5000, step, np.float32))
        manager.save(checkpoint_number=step)
    return value


def _damage(folder: Path, kind: str) -> None:
    data = next(folder.glob("ckpt-20.data-*"))
    if kind == "bit flip":
        raw = bytearray(data.read_bytes())
        raw[len(raw) // 2] ^= 0x01
        data.write_bytes(bytes(raw))
    elif kind == "truncated":
        data.write_bytes(data.read_bytes()[:1000])
    elif kind == "index deleted":
        (folder / "ckpt-20.index").unlink()
    elif kind == "state names a missing step":
        state = (folder / "checkpoint").read_text().replace("ckpt-20", "ckpt-30")
        (folder / "checkpoint").write_text(state)
        for f in folder.glob("ckpt-20.*"):
            f.unlink()
    elif kind == "state file garbage":
        (folder / "checkpoint").write_bytes(b"\x00\xff not a proto")
        for f in folder.glob("ckpt-20.*"):
            f.unlink()


@pytest.mark.parametrize("kind", ["bit flip", "truncated", "index deleted",
                                  "state names a missing step", "state file garbage"])
def test_damaged_latest_checkpoint_falls_back_to_the_previous(tmp_path, kind):
    _folder_with_steps(tmp_path)
    _damage(tmp_path, kind)
    restored = tf.Variable(np.zeros(5000, np.float32))
    expect_warning = kind not in ("state file garbage",)  # then ckpt-20 is simply gone
    with pytest.warns(C.CheckpointWarning) if expect_warning else _no_warning():
        prefix = C.restore_newest_intact(tf.train.Checkpoint(value=restored), tmp_path)
    assert prefix == str(tmp_path / "ckpt-10")
    assert float(restored.numpy()[0]) == 10.0
    # The state file now names what was used, so CheckpointManager continues from it.
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "ckpt-10")


class _no_warning:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_the_warning_names_the_damaged_checkpoint(tmp_path):
    _folder_with_steps(tmp_path)
    _damage(tmp_path, "bit flip")
    with pytest.warns(C.CheckpointWarning, match=re.escape(str(tmp_path / "ckpt-20"))
                      + ".*Checksum does not match"):
        C.restore_newest_intact(tf.train.Checkpoint(value=tf.Variable(np.zeros(5000,
                                                                               np.float32))),
                                tmp_path)


def test_no_intact_checkpoint_is_an_error_not_a_new_run(tmp_path):
    _folder_with_steps(tmp_path, steps=(20,))
    _damage(tmp_path, "truncated")
    with pytest.warns(C.CheckpointWarning), pytest.raises(C.CheckpointError,
                                                          match="no intact checkpoint"):
        C.restore_newest_intact(tf.train.Checkpoint(value=tf.Variable(np.zeros(5000))), tmp_path)


def test_empty_folder_is_a_new_run(tmp_path):
    assert C.restore_newest_intact(tf.train.Checkpoint(v=tf.Variable(1.0)), tmp_path) is None


# ----------------------------------------------------------------------------- with training.fit


def _trainer(conditional: bool, seed=0):
    keras.utils.set_random_seed(seed)
    if conditional:
        g, d = models.build(models.GeneratorCGAN()), models.build(models.DiscriminatorCGAN())
    else:
        g, d = models.build(models.GeneratorGAN()), models.build(models.DiscriminatorGAN())
    trainer = training.GANTrainer(g, d, conditional=conditional, seed=seed)
    trainer.compile(training.make_optimizer(1e-4), training.make_optimizer(1e-4))
    return trainer


def _dataset(conditional: bool):
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (32, 28, 28, 1)).astype(np.float32)
    if conditional:
        labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 32)]
        return tf.data.Dataset.from_tensor_slices((images, labels)).batch(16)
    return tf.data.Dataset.from_tensor_slices(images.reshape(32, 784)).batch(16)


@pytest.mark.slow  # builds/executes for seconds
def test_fit_resumes_from_the_newest_intact_checkpoint(tmp_path, capsys):
    ds = _dataset(True)
    training.fit(_trainer(True), ds, 12, tmp_path, 5, progress=False, model_name="cgan")
    for f in tmp_path.glob("ckpt-12.data-*"):
        f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    with pytest.warns(C.CheckpointWarning, match="ckpt-12"):
        history = training.fit(_trainer(True, seed=1), ds, 15, tmp_path, 5, progress=False,
                               model_name="cgan")
    assert "Resuming from step 10" in capsys.readouterr().out
    assert history["step"] == [15]  # 10 -> 15: only the damaged checkpoint's steps retrained


def test_another_models_folder_is_refused_naming_both(tmp_path):
    training.fit(_trainer(True), _dataset(True), 5, tmp_path, 5, progress=False,
                 model_name="cgan")
    gan = _trainer(False)
    with pytest.raises(C.CheckpointError, match="holds a cgan run, not gan"):
        training.fit(gan, _dataset(False), 10, tmp_path, 5, progress=False, model_name="gan")
    # A folder from before course_lib-run.json existed: recognised by its variables.
    (tmp_path / C.RUN_FILE).unlink()
    with pytest.raises(C.CheckpointError, match="does not hold gan's variables"):
        training.fit(gan, _dataset(False), 10, tmp_path, 5, progress=False, model_name="gan")
    assert int(gan.g_optimizer.iterations) == 0  # nothing was trained


def test_train_command_refuses_a_cgan_folder_for_gan(tmp_path, capsys):
    folder = tmp_path / "ck"
    folder.mkdir()
    (folder / C.RUN_FILE).write_text(json.dumps({"model": "cgan"}))
    assert cli.main(["train", "gan", "--steps", "1", "--checkpoint-dir", str(folder),
                     "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "holds a cgan run, not gan" in err and "Traceback" not in err


def test_read_only_folder_is_refused_before_the_first_step(tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        trainer = _trainer(True)
        with pytest.raises(C.CheckpointError, match="is read-only; nothing was trained"):
            training.fit(trainer, _dataset(True), 10, folder, 5, progress=False)
        assert int(trainer.g_optimizer.iterations) == 0
        assert cli.main(["train", "pix2pix-facades", "--steps", "5000", "--checkpoint-dir",
                         str(folder), "--no-progress"]) == 1
        err = capsys.readouterr().err
        assert f"checkpoint folder {folder} is read-only" in err and "Traceback" not in err
    finally:
        folder.chmod(0o755)


def test_unwritable_file_system_is_found_by_a_real_write(tmp_path, monkeypatch):
    def refuse(self, data):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(Path, "write_bytes", refuse)
    with pytest.raises(C.CheckpointError, match="not writable \\(Read-only file system\\)"):
        C.ensure_writable(tmp_path)


def test_ensure_writable_leaves_nothing_behind(tmp_path):
    C.ensure_writable(tmp_path / "new")
    assert os.listdir(tmp_path / "new") == []
