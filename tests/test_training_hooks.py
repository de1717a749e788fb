"""The `fit` hooks: generator snapshots and the linear learning-rate decay."""

import numpy as np
import tensorflow as tf
from training_support import cgan_trainer, fixed_mnist_like_batch

from course_lib.training import hooks as H
from course_lib.training.loop import fit


def test_snapshot_hook_writes_loadable_generator_snapshots(tmp_path):
    from course_lib import weights

    trainer = cgan_trainer()
    images, labels = fixed_mnist_like_batch(32)
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(16)
    hook = H.snapshot_hook(trainer.generator, tmp_path / "snapshots")
    fit(trainer, ds, 6, tmp_path / "ck", 6, hooks=[(3, hook)], progress=False)
    files = weights.snapshot_files([tmp_path / "snapshots"])
    assert [p.name for p in files] == ["g-0000003.weights.h5", "g-0000006.weights.h5"]
    restored, step = weights.load_snapshot("cgan", files[-1])
    assert step == 6
    for a, b in zip(trainer.generator.weights, restored.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_lr_decay_hook_falls_linearly_to_zero(tmp_path):
    trainer = cgan_trainer()
    images, labels = fixed_mnist_like_batch(32)
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(16)
    seen = []
    decay = H.lr_decay_hook(trainer, start=4, total=8)
    g_opt, d_opt = trainer.g_optimizer, trainer.d_optimizer
    hooks = [(2, decay), (2, lambda step, logs: seen.append(
        (step, float(g_opt.learning_rate), float(d_opt.learning_rate))))]
    fit(trainer, ds, 8, tmp_path / "ck", 8, hooks=hooks, progress=False)
    assert [s for s, _, _ in seen] == [2, 4, 6, 8]
    np.testing.assert_allclose([g for _, g, _ in seen], [1e-4, 1e-4, 0.5e-4, 0.0], rtol=1e-6)
    np.testing.assert_allclose([d for _, _, d in seen], [1e-4, 1e-4, 0.5e-4, 0.0], rtol=1e-6)
