"""`fit` checkpoints, runs its hooks on step boundaries, and resumes from its checkpoints."""

import shutil

import numpy as np
import pytest
import tensorflow as tf
from training_support import cgan_trainer, fixed_mnist_like_batch

from course_lib.training.loop import fit


@pytest.mark.slow  # three fit runs with their tracing: about 8 s on 2 cores
def test_fit_checkpoints_and_resumes(tmp_path, capsys):
    images, labels = fixed_mnist_like_batch(32)
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(16)
    trainer = cgan_trainer()
    seen = []
    history = fit(trainer, ds, 12, tmp_path / "ck", 5, logdir=tmp_path / "logs",
                           hooks=[(4, lambda step, logs: seen.append(step))], progress=False)
    assert history["step"] == [4, 5, 8, 10, 12]
    assert seen == [4, 8, 12]
    assert list((tmp_path / "logs").iterdir()), "TensorBoard events were written"
    weights_at_12 = [w.numpy().copy() for w in trainer.generator.weights]
    shutil.copytree(tmp_path / "ck", tmp_path / "ck12")  # the run below adds a step-15 checkpoint

    fresh = cgan_trainer(seed=1)
    history = fit(fresh, ds, 15, tmp_path / "ck", 5, progress=False)
    out = capsys.readouterr().out
    assert "Resuming from step 12" in out
    assert history["step"] == [15]
    assert int(fresh.g_optimizer.iterations) == 15  # optimizer state came back too
    # The restored generator started from the step-12 weights, not from its own init.
    fresh2 = cgan_trainer(seed=2)
    fit(fresh2, ds, 12, tmp_path / "ck12", 5, progress=False)  # restore only
    for a, b in zip(weights_at_12, fresh2.generator.weights):
        np.testing.assert_allclose(a, b.numpy())
