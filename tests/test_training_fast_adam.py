"""The fused Adam path equals Keras' Adam, and falls back on `apply_gradients` when the Keras-
private attributes it reads are missing."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_lib.training import fast_adam


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
    assert fast_adam.fusable_adam(fused, [w_fused])
    apply_fused = tf.function(lambda g: fast_adam.apply_adam_fused(fused, [g], [w_fused]))
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
    assert fast_adam.fusable_adam(keras.optimizers.Adam(), var)
    assert not fast_adam.fusable_adam(keras.optimizers.Adam(clipnorm=1.0), var)
    assert not fast_adam.fusable_adam(keras.optimizers.Adam(amsgrad=True), var)
    assert not fast_adam.fusable_adam(keras.optimizers.AdamW(), var)
    assert not fast_adam.fusable_adam(keras.optimizers.SGD(), var)


def test_adam_slots_are_reachable_only_once_the_optimizer_is_built():
    var = [keras.Variable(np.zeros((3, 2), np.float32))]
    optimizer = keras.optimizers.Adam()
    assert not fast_adam.adam_slots_reachable(optimizer, var)  # no slots yet
    optimizer.build(var)
    assert fast_adam.adam_slots_reachable(optimizer, var)
    stranger = [keras.Variable(np.zeros((3, 2), np.float32))]  # a variable it was not built for
    assert not fast_adam.adam_slots_reachable(optimizer, stranger)


def _without(monkeypatch, optimizer, attribute: str) -> None:
    """Make `attribute` missing from `optimizer`, as in a Keras that renamed it: an instance
    attribute is deleted; a method is deleted from the class that defines it."""
    if attribute in vars(optimizer):
        monkeypatch.delattr(optimizer, attribute)
    else:  # a method: gone for every instance (nothing to do if already deleted)
        owner = next((c for c in type(optimizer).__mro__ if attribute in vars(c)), None)
        if owner is not None:
            monkeypatch.delattr(owner, attribute)
    assert not hasattr(optimizer, attribute)


@pytest.mark.parametrize("attribute", fast_adam.PRIVATE_ATTRIBUTES)
def test_a_missing_private_attribute_is_detected(monkeypatch, attribute):
    var = [keras.Variable(np.zeros((3, 2), np.float32))]
    optimizer = keras.optimizers.Adam()
    optimizer.build(var)
    _without(monkeypatch, optimizer, attribute)
    assert fast_adam.fusable_adam(optimizer, var)  # the update itself is still Adam's
    assert not fast_adam.adam_slots_reachable(optimizer, var)


def _tiny_gan_run(monkeypatch, missing: str | None, steps: int = 3):
    """Train a fresh seeded tiny GAN (Dense nets on 6-value "images") for `steps` steps
    through `GANTrainer`; with `missing`, that private attribute is absent while the trainer is
    compiled (where the path is chosen, once). It is put back for training: Keras 3.15's own
    Adam update needs it, as any Keras needs its own internals."""
    from course_lib.training.trainers import GANTrainer, make_optimizer

    keras.utils.set_random_seed(0)
    g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(6, activation="tanh")])
    d = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(1)])
    trainer = GANTrainer(g, d, noise_dim=4, seed=0)
    optimizers = make_optimizer(1e-2), make_optimizer(1e-2)
    for optimizer, net in zip(optimizers, (g, d)):
        optimizer.build(net.trainable_variables)
    start = [w.numpy().copy() for w in g.trainable_weights]
    with monkeypatch.context() as patch:
        if missing:
            for optimizer in optimizers:
                _without(patch, optimizer, missing)
        trainer.compile(*optimizers)
    images = np.random.default_rng(0).uniform(-1, 1, (16, 6)).astype(np.float32)
    iterator = iter(tf.data.Dataset.from_tensors(images).repeat())
    logs = [trainer.train_steps(iterator, 1) for _ in range(steps)]
    return trainer, logs, start


@pytest.mark.parametrize("attribute", fast_adam.PRIVATE_ATTRIBUTES)
def test_without_a_private_attribute_training_takes_the_public_path(monkeypatch, attribute):
    """Finite losses, weights that move, and the fused path's numbers within tolerance."""
    fused, fused_logs, _ = _tiny_gan_run(monkeypatch, None)
    assert all(fused._fused_adam.values())
    public, public_logs, start = _tiny_gan_run(monkeypatch, attribute)
    assert not any(public._fused_adam.values())
    assert int(public.g_optimizer.iterations) == 3
    for mine, theirs in zip(public_logs, fused_logs):
        assert all(np.isfinite(v) for v in mine.values())
        for name in ("gen_loss", "disc_loss"):
            np.testing.assert_allclose(mine[name], theirs[name], rtol=1e-4, err_msg=name)
    moved = [w.numpy() for w in public.generator.trainable_weights]
    assert not np.allclose(moved[0], start[0])
    for a, b in zip(moved, fused.generator.trainable_weights):
        np.testing.assert_allclose(a, b.numpy(), rtol=1e-3, atol=1e-6)
