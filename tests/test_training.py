"""Train steps learn, optimizers stay separate, and a killed run resumes from its checkpoint."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_lib import losses, models, training

REPO = Path(__file__).resolve().parent.parent


def _cgan_trainer(seed=0):
    keras.utils.set_random_seed(seed)
    g, d = models.build(models.GeneratorCGAN()), models.build(models.DiscriminatorCGAN())
    trainer = training.GANTrainer(g, d, conditional=True, seed=seed)
    trainer.compile(training.make_optimizer(1e-4), training.make_optimizer(1e-4))
    return trainer


def _fixed_mnist_like_batch(n=64):
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]
    return images, labels


def test_discriminator_learns_on_a_fixed_batch():
    trainer = _cgan_trainer()
    images, labels = _fixed_mnist_like_batch()
    noise = np.random.default_rng(1).normal(size=(64, 100)).astype(np.float32)

    def d_loss():
        fake = trainer.generator(noise, labels)
        return float(losses.discriminator_loss(
            trainer.discriminator(images, labels, training=False),
            trainer.discriminator(fake, labels, training=False)))

    before = d_loss()
    ds = tf.data.Dataset.from_tensors((images, labels)).repeat()
    trainer.train_steps(iter(ds), 30)
    assert d_loss() < 0.75 * before


def test_pix2pix_step_lowers_l1_on_a_fixed_pair():
    keras.utils.set_random_seed(0)
    trainer = training.Pix2PixTrainer(models.unet_generator(), models.patchgan_discriminator())
    trainer.compile(training.make_optimizer(2e-4, 0.5), training.make_optimizer(2e-4, 0.5))
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (1, 256, 256, 3)).astype(np.float32)
    y = np.tanh(x[..., ::-1] * 2).astype(np.float32)  # some fixed mapping of the input
    first = trainer.train_step((x, y))
    for _ in range(4):
        last = trainer.train_step((x, y))
    assert set(first) == {"gen_total_loss", "gen_gan_loss", "gen_l1_loss", "disc_loss"}
    assert float(last["gen_l1_loss"]) < float(first["gen_l1_loss"])


def test_shared_optimizer_is_refused():
    g, d = models.build(models.GeneratorGAN()), models.build(models.DiscriminatorGAN())
    opt = training.make_optimizer(1e-4)
    with pytest.raises(ValueError, match="separate optimizers"):
        training.GANTrainer(g, d).compile(opt, opt)


def test_two_model_pairs_keep_their_own_optimizer_state():
    gan_g, gan_d = models.build(models.GeneratorGAN()), models.build(models.DiscriminatorGAN())
    gan = training.GANTrainer(gan_g, gan_d, seed=0)
    gan.compile(training.make_optimizer(1e-4), training.make_optimizer(1e-4))
    cgan = _cgan_trainer()
    images, labels = _fixed_mnist_like_batch(16)
    gan.train_steps(iter(tf.data.Dataset.from_tensors(images).repeat()), 3)
    cgan.train_steps(iter(tf.data.Dataset.from_tensors((images, labels)).repeat()), 2)
    assert int(gan.g_optimizer.iterations) == 3 and int(cgan.g_optimizer.iterations) == 2
    gan_vars = {id(v) for v in gan.g_optimizer.variables}
    assert not gan_vars & {id(v) for v in cgan.g_optimizer.variables}


def test_fused_adam_update_equals_keras_adam():
    """The trainer's fused ApplyAdam path against `Adam.apply_gradients` for a few steps:
    same variables, same moment slots, same step counter."""
    rng = np.random.default_rng(0)
    start = rng.normal(size=(64, 32)).astype(np.float32)
    grads = [rng.normal(size=(64, 32)).astype(np.float32) for _ in range(5)]
    plain, fused = keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3)
    w_plain, w_fused = keras.Variable(start), keras.Variable(start)
    for opt, var in ((plain, w_plain), (fused, w_fused)):
        opt.build([var])
    assert training._fusable_adam(fused, [w_fused])
    apply_fused = tf.function(lambda g: training._apply_adam_fused(fused, [g], [w_fused]))
    for g in grads:
        plain.apply_gradients([(g, w_plain)])
        apply_fused(tf.constant(g))
    assert int(fused.iterations) == int(plain.iterations) == 5
    assert not np.allclose(w_fused.numpy(), start)
    # Only rounding differs: (1 - beta_2) formed in float32 (a few 1e-6 of each step's size)
    # and the last bit of the updated weight. Weights moved by about 5e-3 in 5 steps; the two
    # agree to 1e-4 of that, i.e. within a few float32 ulps of weights of size 1 to 4.
    np.testing.assert_allclose(w_fused.numpy() - start, w_plain.numpy() - start, rtol=0,
                               atol=5e-7)
    np.testing.assert_allclose(fused.variables[1].numpy(), plain.variables[1].numpy(),
                               rtol=1e-6)


def test_only_plain_adam_takes_the_fused_path():
    var = [keras.Variable(np.zeros((2, 2), np.float32))]
    assert training._fusable_adam(keras.optimizers.Adam(), var)
    assert not training._fusable_adam(keras.optimizers.Adam(clipnorm=1.0), var)
    assert not training._fusable_adam(keras.optimizers.Adam(amsgrad=True), var)
    assert not training._fusable_adam(keras.optimizers.AdamW(), var)
    assert not training._fusable_adam(keras.optimizers.SGD(), var)


def test_fit_checkpoints_and_resumes(tmp_path, capsys):
    images, labels = _fixed_mnist_like_batch(32)
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(16)
    trainer = _cgan_trainer()
    seen = []
    history = training.fit(trainer, ds, 12, tmp_path / "ck", 5, logdir=tmp_path / "logs",
                           hooks=[(4, lambda step, logs: seen.append(step))], progress=False)
    assert history["step"] == [4, 5, 8, 10, 12]
    assert seen == [4, 8, 12]
    assert list((tmp_path / "logs").iterdir()), "TensorBoard events were written"
    weights_at_12 = [w.numpy().copy() for w in trainer.generator.weights]
    shutil.copytree(tmp_path / "ck", tmp_path / "ck12")  # the run below adds a step-15 checkpoint

    fresh = _cgan_trainer(seed=1)
    history = training.fit(fresh, ds, 15, tmp_path / "ck", 5, progress=False)
    out = capsys.readouterr().out
    assert "Resuming from step 12" in out
    assert history["step"] == [15]
    assert int(fresh.g_optimizer.iterations) == 15  # optimizer state came back too
    # The restored generator started from the step-12 weights, not from its own init.
    fresh2 = _cgan_trainer(seed=2)
    training.fit(fresh2, ds, 12, tmp_path / "ck12", 5, progress=False)  # restore only
    for a, b in zip(weights_at_12, fresh2.generator.weights):
        np.testing.assert_allclose(a, b.numpy())


@pytest.mark.needs_data("mnist")
def test_cli_resumes_after_sigkill(tmp_path):
    ckpt = tmp_path / "ckpt"
    cmd = [sys.executable, "-m", "course_lib", "train", "cgan", "--epochs", "3",
           "--checkpoint-dir", str(ckpt), "--checkpoint-every", "10", "--no-progress"]
    # PYTHONPATH: the subprocess runs in tmp_path, so make the checkout importable even
    # when the package is not pip-installed.
    env = dict(os.environ, COURSE_FAST="1", PYTHONUNBUFFERED="1",
               PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 900  # generous: a CI machine may be slow or busy
    while time.time() < deadline and not list(ckpt.glob("ckpt-*.index")):
        assert proc.poll() is None, proc.stdout.read()
        time.sleep(0.2)
    assert list(ckpt.glob("ckpt-*.index")), "no checkpoint written within 900 s"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    saved = sorted(int(p.name.split("-")[1].split(".")[0]) for p in ckpt.glob("ckpt-*.index"))
    assert saved and saved[-1] > 0

    done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    resumed = re.search(r"Resuming from step (\d+)", done.stdout)
    assert resumed and int(resumed.group(1)) >= saved[-1] > 0
    assert re.search(r"Finished at step 150\b", done.stdout), done.stdout


def test_warm_start_loads_the_shipped_generator_only_for_a_new_run(tmp_path):
    from course_lib import weights

    shipped = weights.load_pretrained("cgan")
    trainer = _cgan_trainer(seed=3)
    assert training.warm_start(trainer, "cgan", tmp_path / "ck")
    for a, b in zip(shipped.weights, trainer.generator.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())

    images, labels = _fixed_mnist_like_batch(16)
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(16)
    training.fit(trainer, ds, 2, tmp_path / "ck", 2, progress=False)
    trained = [w.numpy().copy() for w in trainer.generator.weights]
    assert not np.allclose(trained[0], shipped.weights[0].numpy())  # it did train
    # With a checkpoint present, the run resumes instead: warm_start leaves the weights alone.
    assert not training.warm_start(trainer, "cgan", tmp_path / "ck")
    for a, b in zip(trained, trainer.generator.weights):
        np.testing.assert_array_equal(a, b.numpy())


def test_snapshot_hook_writes_loadable_generator_snapshots(tmp_path):
    from course_lib import weights

    trainer = _cgan_trainer()
    images, labels = _fixed_mnist_like_batch(32)
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(16)
    hook = training._snapshot_hook(trainer.generator, tmp_path / "snapshots")
    training.fit(trainer, ds, 6, tmp_path / "ck", 6, hooks=[(3, hook)], progress=False)
    files = weights.snapshot_files([tmp_path / "snapshots"])
    assert [p.name for p in files] == ["g-0000003.weights.h5", "g-0000006.weights.h5"]
    restored, step = weights.load_snapshot("cgan", files[-1])
    assert step == 6
    for a, b in zip(trainer.generator.weights, restored.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_lr_decay_hook_falls_linearly_to_zero(tmp_path):
    trainer = _cgan_trainer()
    images, labels = _fixed_mnist_like_batch(32)
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(16)
    seen = []
    decay = training._lr_decay_hook(trainer, start=4, total=8)
    g_opt, d_opt = trainer.g_optimizer, trainer.d_optimizer
    hooks = [(2, decay), (2, lambda step, logs: seen.append(
        (step, float(g_opt.learning_rate), float(d_opt.learning_rate))))]
    training.fit(trainer, ds, 8, tmp_path / "ck", 8, hooks=hooks, progress=False)
    assert [s for s, _, _ in seen] == [2, 4, 6, 8]
    np.testing.assert_allclose([g for _, g, _ in seen], [1e-4, 1e-4, 0.5e-4, 0.0], rtol=1e-6)
    np.testing.assert_allclose([d for _, _, d in seen], [1e-4, 1e-4, 0.5e-4, 0.0], rtol=1e-6)


def test_pokemon_training_and_translate_agree(tmp_path):
    """Overfit two sketch->colour pairs with the registry's Pokémon run, then colour them
    through `translate`'s code path: they must come back much closer to their targets than
    the sketches themselves are. This is the check that catches a train/inference mismatch
    (batch-4 BatchNorm statistics in training vs one image at a time in `translate`), a wrong
    input half, or a value-range slip between the two paths."""
    from course_lib import data, evaluation, weights

    schedule = training.default_schedule("pix2pix-pokemon")
    keras.utils.set_random_seed(0)
    trainer, _, _ = training.build_run("pix2pix-pokemon", schedule["batch_size"], limit=2,
                                       seed=0, sample=True)
    files = data.pokemon_pairs_files("train", sample=True)[:2]
    pairs = [data.load_image_test(f, weights.INPUT_SIDE["pix2pix-pokemon"]) for f in files]
    sketches = np.stack([p[0].numpy() for p in pairs])
    colours = np.stack([p[1].numpy() for p in pairs])
    # Unaugmented pairs, batch as the registry trains: memorising them is the whole task.
    dataset = tf.data.Dataset.from_tensor_slices((sketches, colours)).repeat()
    iterator = iter(dataset.batch(schedule["batch_size"]))
    trainer.train_steps(iterator, 120)
    for f in files:
        shutil.copy(f, tmp_path / Path(f).name)
    written = weights.translate_dir("pix2pix-pokemon", tmp_path, tmp_path / "out",
                                    generator=trainer.generator)
    outputs = np.stack([np.asarray(tf.io.decode_png(tf.io.read_file(str(p))), np.float32)
                        / 127.5 - 1.0 for p in written])
    l1_model = float(np.mean(np.abs(outputs - colours)))
    l1_identity = float(np.mean(np.abs(sketches - colours)))
    psnr_model = evaluation.psnr_per_image(evaluation.to_unit(outputs),
                                           evaluation.to_unit(colours)).mean()
    psnr_identity = evaluation.psnr_per_image(evaluation.to_unit(sketches),
                                              evaluation.to_unit(colours)).mean()
    assert l1_model < 0.7 * l1_identity, (l1_model, l1_identity)
    assert psnr_model > psnr_identity + 2.0, (psnr_model, psnr_identity)
