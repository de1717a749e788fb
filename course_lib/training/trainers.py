"""The train steps: one readable step per model family, as `keras.Model` subclasses.

`GANTrainer` trains the MNIST GAN, cGAN and DCGAN; `Pix2PixTrainer` trains Pix2Pix. Each
`train_step` is exactly the lesson's step: two gradient tapes, one optimizer per network.
`train_steps(iterator, n)` runs `n` of them inside one `tf.function` and reads the losses once:
every Python -> TensorFlow round trip and every `.numpy()` on a loss waits for the device.
The loop around them is `course_lib.training.fit`.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from course_lib import losses
from course_lib.models.mnist import NOISE_DIM
from course_lib.training.fast_adam import adam_slots_reachable, apply_adam_fused, fusable_adam


def make_optimizer(learning_rate: float, beta_1: float = 0.9) -> keras.optimizers.Adam:
    """A fresh Adam. Keras 3 optimizers bind to the variables they first update, so every
    network gets its own instance: sharing one between two model pairs fails (or worse, mixes
    their moment estimates)."""
    return keras.optimizers.Adam(learning_rate, beta_1=beta_1)



class PairTrainer(keras.Model):
    """Shared plumbing: optimizers, checkpointable state and the multi-step function."""

    def __init__(self, generator: keras.Model, discriminator: keras.Model, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator

    def compile(self, g_optimizer, d_optimizer, jit_compile: bool = False):
        """Attach one optimizer per network; `jit_compile=True` compiles the step with XLA."""
        super().compile()
        if g_optimizer is d_optimizer:
            raise ValueError("generator and discriminator need separate optimizers (Keras 3)")
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer
        # Build the optimizer slots now so that a checkpoint restore has somewhere to write.
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        # Decided once, here, not per step: the fused kernel only for a plain Adam whose moment
        # slots the Keras-private attributes still lead to (course_lib.training.fast_adam).
        self._fused_adam = {id(opt): (fusable_adam(opt, net.trainable_variables)
                                      and adam_slots_reachable(opt, net.trainable_variables))
                            for opt, net in ((g_optimizer, self.generator),
                                             (d_optimizer, self.discriminator))}
        self._step_fn = tf.function(self.train_step, jit_compile=jit_compile)
        self._chunk_fn = tf.function(self._run_chunk)

    def _apply(self, optimizer, loss, tape, variables) -> None:
        """One optimizer update of `variables` from `tape`'s gradient of `loss`.

        A plain Adam goes through TensorFlow's fused ApplyAdam kernel (see `fast_adam`): one
        pass over each variable and its two moments instead of Keras' ten element-wise ops,
        which matters for the 54M-parameter U-Net. Anything else, or a Keras whose private
        slots `compile` could not reach, uses the optimizer's own `apply_gradients`.
        """
        grads = tape.gradient(loss, variables)
        if self._fused_adam.get(id(optimizer)):
            apply_adam_fused(optimizer, grads, variables)
        else:
            optimizer.apply_gradients(zip(grads, variables))

    def _run_chunk(self, iterator, n):
        logs = self._step_fn(next(iterator))
        for _ in tf.range(n - 1):
            logs = self._step_fn(next(iterator))
        return logs

    def train_steps(self, iterator, n: int) -> dict[str, float]:
        """Run `n` train steps from `iterator`; return the last step's losses as floats."""
        logs = self._chunk_fn(iterator, tf.constant(n, tf.int32))
        return {k: float(v) for k, v in logs.items()}

    def checkpoint_objects(self) -> dict:
        return {
            "generator": self.generator,
            "discriminator": self.discriminator,
            "generator_optimizer": self.g_optimizer,
            "discriminator_optimizer": self.d_optimizer,
        }


class GANTrainer(PairTrainer):
    """Trains an MNIST GAN (`conditional=False`: batches are images) or cGAN
    (`conditional=True`: batches are (images, one-hot labels)).

    Works for the MLP models and the DCGAN alike: z ~ N(0, I) of length `noise_dim`.
    """

    def __init__(self, generator, discriminator, conditional: bool = False,
                 noise_dim: int = NOISE_DIM, seed: int | None = None, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.conditional = conditional
        self.noise_dim = noise_dim
        self.seed_generator = keras.random.SeedGenerator(seed)

    def train_step(self, batch):
        if self.conditional:
            images, labels = batch
            g_inputs, d_extra = (labels,), (labels,)
        else:
            images, g_inputs, d_extra = batch, (), ()
        noise = keras.random.normal((tf.shape(images)[0], self.noise_dim),
                                    seed=self.seed_generator)
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generator(noise, *g_inputs, training=True)
            # training=True matters: without it Keras runs Dropout (and BatchNorm) in
            # inference mode, and the discriminator's dropout silently never happens.
            real_logits = self.discriminator(images, *d_extra, training=True)
            fake_logits = self.discriminator(fake, *d_extra, training=True)
            g_loss = losses.generator_loss(fake_logits)
            d_loss = losses.discriminator_loss(real_logits, fake_logits)
        self._apply(self.g_optimizer, g_loss, g_tape, self.generator.trainable_variables)
        self._apply(self.d_optimizer, d_loss, d_tape, self.discriminator.trainable_variables)
        return {"gen_loss": g_loss, "disc_loss": d_loss}


class Pix2PixTrainer(PairTrainer):
    """Trains a Pix2Pix generator/PatchGAN pair on (input, target) batches in [-1,1]."""

    def __init__(self, generator, discriminator, lam: float = losses.LAMBDA, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.lam = lam

    def train_step(self, batch):
        input_image, target = (tf.convert_to_tensor(t) for t in batch)
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            generated = self.generator(input_image, training=True)
            disc_real = self.discriminator([input_image, target], training=True)
            disc_fake = self.discriminator([input_image, generated], training=True)
            gen_total, gen_gan, gen_l1 = losses.pix2pix_generator_loss(
                disc_fake, generated, target, self.lam)
            disc_loss = losses.pix2pix_discriminator_loss(disc_real, disc_fake)
        self._apply(self.g_optimizer, gen_total, g_tape, self.generator.trainable_variables)
        self._apply(self.d_optimizer, disc_loss, d_tape, self.discriminator.trainable_variables)
        return {"gen_total_loss": gen_total, "gen_gan_loss": gen_gan, "gen_l1_loss": gen_l1,
                "disc_loss": disc_loss}
