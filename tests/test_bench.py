"""The benchmark's machinery, and the promise behind it: the fast path computes what the seed
code computes (same seed, same losses, step after step)."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from benchmarks import bench, reference  # the checkout's benchmarks/, not the package
from course_lib import cli, models, training

STEPS = 4


def _mnist_like(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]
    return images, labels


def _course_lib_losses(trainer, batches) -> list[dict]:
    """Losses of consecutive single steps through the production path (`train_steps`)."""
    iterator = iter(tf.data.Dataset.from_tensor_slices(batches))
    return [trainer.train_steps(iterator, 1) for _ in range(STEPS)]


@pytest.mark.slow  # two seeded training runs: about 8 s on 2 cores
def test_cgan_losses_match_the_reference_step():
    """Same seed -> same initial weights, noise and dropout masks -> the same losses for
    several consecutive updates (so the optimizer updates agree too)."""
    images, labels = _mnist_like(STEPS * 32)
    batches = (images.reshape(STEPS, 32, 28, 28, 1), labels.reshape(STEPS, 32, 10))

    keras.utils.set_random_seed(7)
    g, d = models.build(models.GeneratorCGAN()), models.build(models.DiscriminatorCGAN())
    trainer = training.GANTrainer(g, d, conditional=True, seed=7)
    trainer.compile(training.make_optimizer(1e-4), training.make_optimizer(1e-4))
    ours = _course_lib_losses(trainer, batches)

    keras.utils.set_random_seed(7)
    g, d = models.build(models.GeneratorCGAN()), models.build(models.DiscriminatorCGAN())
    step = reference.mlp_gan_step(g, d, keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4),
                                  conditional=True, noise_fn=reference.keras_noise(7),
                                  training=True)
    theirs = [step(batches[0][i], batches[1][i]) for i in range(STEPS)]

    for mine, (gen_loss, disc_loss) in zip(ours, theirs):
        np.testing.assert_allclose(mine["gen_loss"], float(gen_loss), rtol=1e-4)
        np.testing.assert_allclose(mine["disc_loss"], float(disc_loss), rtol=1e-4)
    # The losses moved, so the comparison covered real updates, not a constant.
    assert ours[0]["disc_loss"] != ours[-1]["disc_loss"]


@pytest.mark.slow  # two seeded training runs: about 8 s on 2 cores
def test_dcgan_losses_match_the_reference_step():
    batch = 16
    images, _ = _mnist_like(STEPS * batch, seed=1)
    batches = images.reshape(STEPS, batch, 28, 28, 1)

    keras.utils.set_random_seed(3)
    trainer = training.GANTrainer(models.dcgan_generator(), models.dcgan_discriminator(), seed=3)
    trainer.compile(training.make_optimizer(1e-4), training.make_optimizer(1e-4))
    ours = _course_lib_losses(trainer, batches)

    keras.utils.set_random_seed(3)
    step = reference.dcgan_step(reference.dcgan_generator(), reference.dcgan_discriminator(),
                                keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4),
                                batch_size=batch, noise_fn=reference.keras_noise(3))
    theirs = [step(batches[i]) for i in range(STEPS)]

    for mine, (gen_loss, disc_loss) in zip(ours, theirs):
        np.testing.assert_allclose(mine["gen_loss"], float(gen_loss), rtol=1e-4)
        np.testing.assert_allclose(mine["disc_loss"], float(disc_loss), rtol=1e-4)


def _small_pix2pix_pair() -> tuple[keras.Model, keras.Model]:
    """A 32x32 generator and two-input PatchGAN built from the lesson's blocks (strided
    convolutions, BatchNorm, dropout, LeakyReLU/ReLU, a skip): the full-size U-Net would make
    this test take minutes, and the train step does not depend on the networks' size."""
    inp = keras.Input((32, 32, 3))
    down = models.downsample(8, 4)(inp)  # (N,16,16,8)
    up = models.upsample(8, 4, apply_dropout=True)(down)  # (N,32,32,8)
    out = keras.layers.Conv2D(3, 3, padding="same", activation="tanh")(
        keras.layers.Concatenate()([up, inp]))
    generator = keras.Model(inp, out)
    a, b = keras.Input((32, 32, 3)), keras.Input((32, 32, 3))
    x = models.downsample(8, 4, apply_batchnorm=False)(keras.layers.Concatenate()([a, b]))
    x = models.downsample(16, 4)(x)  # (N,8,8,16)
    discriminator = keras.Model([a, b], keras.layers.Conv2D(1, 3)(x))  # (N,6,6,1) logits
    return generator, discriminator


@pytest.mark.slow  # two seeded training runs: about 8 s on 2 cores
def test_pix2pix_losses_match_the_reference_step():
    """Pix2PixTrainer (fused Adam update, multi-step loop) against the lesson's step with a
    stock Keras Adam: the same losses for several consecutive updates."""
    rng = np.random.default_rng(2)
    inputs = rng.uniform(-1, 1, (STEPS, 2, 32, 32, 3)).astype(np.float32)
    targets = rng.uniform(-1, 1, (STEPS, 2, 32, 32, 3)).astype(np.float32)

    keras.utils.set_random_seed(5)
    trainer = training.Pix2PixTrainer(*_small_pix2pix_pair())
    trainer.compile(training.make_optimizer(2e-4, beta_1=0.5),
                    training.make_optimizer(2e-4, beta_1=0.5))
    assert all(trainer._fused_adam.values())  # the fast path is the one under test
    ours = _course_lib_losses(trainer, (inputs, targets))

    keras.utils.set_random_seed(5)
    step = reference.pix2pix_step(*_small_pix2pix_pair(),
                                  keras.optimizers.Adam(2e-4, beta_1=0.5),
                                  keras.optimizers.Adam(2e-4, beta_1=0.5))
    theirs = [step(inputs[i], targets[i], tf.constant(i, tf.int64)) for i in range(STEPS)]

    names = ("gen_total_loss", "gen_gan_loss", "gen_l1_loss", "disc_loss")
    for mine, losses in zip(ours, theirs):
        for name, value in zip(names, losses):
            np.testing.assert_allclose(mine[name], float(value), rtol=1e-4, err_msg=name)
    assert ours[0]["disc_loss"] != ours[-1]["disc_loss"]


class _FakeClock:
    """Stands in for time.perf_counter / process_time: time moves only when a case says so,
    so the timing logic is tested exactly, whatever the machine's load."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_alternate_swaps_the_order_every_round_and_takes_medians(monkeypatch):
    clock = _FakeClock()
    monkeypatch.setattr(bench.time, "perf_counter", clock)
    monkeypatch.setattr(bench.time, "process_time", clock)
    calls: list[str] = []
    durations = {"a": iter([0.0, 0.01, 0.03, 0.02]), "b": iter([0.0, 0.004, 0.004, 0.004])}

    def case(name):
        def run(n):
            calls.append(name)
            clock.now += next(durations[name])
        return run

    result = bench.alternate({"a": case("a"), "b": case("b")}, steps=2, rounds=3)
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b"]  # warm-up, then a/b, b/a, a/b
    assert result["a"]["samples"] == [0.005, 0.015, 0.01]  # the warm-up is not timed
    # Round times 0.01, 0.03, 0.02 s over 2 steps: the median is 0.01 s per step.
    assert result["a"]["s_per_step"] == pytest.approx(0.01)
    assert result["b"]["s_per_step"] == pytest.approx(0.002)


def test_graph_flops_counts_convolutions_transposed_convolutions_and_matmuls():
    conv = keras.layers.Conv2D(4, 3, padding="same", use_bias=False)
    up = keras.layers.Conv2DTranspose(2, 4, strides=2, padding="same", use_bias=False)
    dense = keras.layers.Dense(5, use_bias=False)

    def net(x):
        y = up(conv(x))  # (1,8,8,2) -> (1,8,8,4) -> (1,16,16,2)
        return dense(tf.reshape(y, (1, -1)))  # (1,512) -> (1,5)

    flops = bench._graph_flops(net, tf.TensorSpec((1, 8, 8, 2), tf.float32))
    conv_flops = 2 * (8 * 8 * 4) * (3 * 3 * 2)  # every output value: a 3x3x2 dot product
    up_flops = 2 * (8 * 8 * 4) * (4 * 4 * 2)  # every input value spreads over a 4x4x2 patch
    dense_flops = 2 * 5 * 512
    assert flops == conv_flops + up_flops + dense_flops


def test_matmul_peak_counts_every_product_of_the_chain(monkeypatch):
    """With a clock that advances 0.25 s per timed round, the rate is exactly
    repeats * 2 n^3 FLOPs / 0.25 s: every product of the chain is counted once."""
    ticks = iter(range(1000))
    monkeypatch.setattr(bench.time, "perf_counter", lambda: 0.25 * next(ticks))
    n, repeats = 64, 3
    assert bench.matmul_peak(n=n, repeats=repeats, rounds=2) == 2 * n ** 3 * repeats / 0.25


def test_matmul_peak_runs_for_real():
    peak = bench.matmul_peak(n=128, repeats=2, rounds=2)
    assert np.isfinite(peak) and peak > 0


def test_bench_command_line(capsys):
    with pytest.raises(SystemExit) as exc:
        bench.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert all(flag in out for flag in ("--quick", "--no-notebooks", "--out"))


def test_bench_is_no_longer_a_course_lib_command(capsys):
    """The benchmark reads the checkout (seed code, notebooks): `python benchmarks/bench.py`."""
    with pytest.raises(SystemExit) as exc:
        cli.main(["bench"])
    assert exc.value.code == 2
    assert "invalid choice: 'bench'" in capsys.readouterr().err
