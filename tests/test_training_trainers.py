"""Train steps learn, and every network keeps its own optimizer."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from training_support import cgan_trainer, fixed_mnist_like_batch

from course_lib import losses
from course_lib.models import mnist, pix2pix
from course_lib.training import trainers


def test_discriminator_learns_on_a_fixed_batch():
    trainer = cgan_trainer()
    images, labels = fixed_mnist_like_batch()
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


@pytest.mark.slow  # five steps of the full-size U-Net: over 30 s on 2 cores
def test_pix2pix_step_lowers_l1_on_a_fixed_pair():
    keras.utils.set_random_seed(0)
    trainer = trainers.Pix2PixTrainer(pix2pix.unet_generator(), pix2pix.patchgan_discriminator())
    trainer.compile(trainers.make_optimizer(2e-4, 0.5), trainers.make_optimizer(2e-4, 0.5))
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (1, 256, 256, 3)).astype(np.float32)
    y = np.tanh(x[..., ::-1] * 2).astype(np.float32)  # some fixed mapping of the input
    first = trainer.train_step((x, y))
    for _ in range(4):
        last = trainer.train_step((x, y))
    assert set(first) == {"gen_total_loss", "gen_gan_loss", "gen_l1_loss", "disc_loss"}
    assert float(last["gen_l1_loss"]) < float(first["gen_l1_loss"])


def test_shared_optimizer_is_refused():
    g, d = mnist.build(mnist.GeneratorGAN()), mnist.build(mnist.DiscriminatorGAN())
    opt = trainers.make_optimizer(1e-4)
    with pytest.raises(ValueError, match="separate optimizers"):
        trainers.GANTrainer(g, d).compile(opt, opt)


def test_two_model_pairs_keep_their_own_optimizer_state():
    gan_g, gan_d = mnist.build(mnist.GeneratorGAN()), mnist.build(mnist.DiscriminatorGAN())
    gan = trainers.GANTrainer(gan_g, gan_d, seed=0)
    gan.compile(trainers.make_optimizer(1e-4), trainers.make_optimizer(1e-4))
    cgan = cgan_trainer()
    images, labels = fixed_mnist_like_batch(16)
    gan.train_steps(iter(tf.data.Dataset.from_tensors(images).repeat()), 3)
    cgan.train_steps(iter(tf.data.Dataset.from_tensors((images, labels)).repeat()), 2)
    assert int(gan.g_optimizer.iterations) == 3 and int(cgan.g_optimizer.iterations) == 2
    gan_vars = {id(v) for v in gan.g_optimizer.variables}
    assert not gan_vars & {id(v) for v in cgan.g_optimizer.variables}
