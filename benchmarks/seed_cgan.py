"""Train the lesson-02 conditional GAN for N steps exactly the way the source lesson does.

A standalone, whole-process baseline for `python -m course_lib train cgan --steps N`:

    python benchmarks/seed_cgan.py --steps 1500

It imports only TensorFlow and tensorflow-datasets, like the lesson, and follows it step by
step: `tfds.load("mnist")`, `map(cgan_preprocessing).shuffle(100).batch(128)` (no cache, no
prefetch), subclassed GeneratorCGAN / Maxout / DiscriminatorCGAN, one `@tf.function` step per
batch with a persistent GradientTape, the models called without `training=True` (so the
Maxout dropout never runs, as in the lesson), Adam(1e-4) for each network, and a print of the
losses every 100 iterations. The epoch loop stops after `--steps` batches.

MNIST comes from tensorflow-datasets' prepared copy (~/tensorflow_datasets). If it has not been
prepared yet, `course_lib.data.load_mnist` prepares it once from the IDX files in
$COURSE_DATA_DIR/mnist (the same records tfds would download).
"""

from __future__ import annotations

import argparse
import math
import time

START = time.perf_counter()

import tensorflow as tf  # noqa: E402  (timed from before the imports, like a fresh process)
import tensorflow_datasets as tfds  # noqa: E402
from tensorflow.keras import Model, layers, losses, optimizers  # noqa: E402

BATCH_SIZE = 128
STEPS_PER_EPOCH = math.ceil(60_000 / BATCH_SIZE)  # 469: the last batch holds 96 digits


def load_mnist_train():
    """The tfds MNIST training split: {"image": uint8 (28,28,1), "label": int64}."""
    try:
        return tfds.load("mnist", split="train", download=False)
    except Exception:  # not prepared yet: build the tfds records from the local IDX files
        from course_lib.data import load_mnist

        return load_mnist("train")


def cgan_preprocessing(data):
    image = tf.cast(data["image"], tf.float32) / 127.5 - 1
    return image, tf.one_hot(data["label"], 10)


class GeneratorCGAN(Model):
    """(noise (N,100), one-hot (N,10)) -> (N,28,28,1)."""

    def __init__(self):
        super().__init__()
        self.dense_z = layers.Dense(256, activation="relu")
        self.dense_y = layers.Dense(256, activation="relu")
        self.combined_dense = layers.Dense(512, activation="relu")
        self.final_dense = layers.Dense(28 * 28 * 1, activation="tanh")
        self.reshape = layers.Reshape((28, 28, 1))

    def call(self, noise, label):
        joined = tf.concat([self.dense_z(noise), self.dense_y(label)], axis=-1)
        return self.reshape(self.final_dense(self.combined_dense(joined)))


class Maxout(layers.Layer):
    """Dense(units*pieces, relu) -> Dropout(0.5) -> view as (-1, pieces, units) -> max."""

    def __init__(self, units, pieces):
        super().__init__()
        self.dense = layers.Dense(units * pieces, activation="relu")
        self.dropout = layers.Dropout(0.5)
        self.reshape = layers.Reshape((-1, pieces, units))

    def call(self, x):
        # The lesson never passes `training`, so this dropout is inactive.
        x = self.reshape(self.dropout(self.dense(x)))
        return tf.math.reduce_max(x, axis=2)


class DiscriminatorCGAN(Model):
    """(image (N,28,28,1), one-hot (N,10)) -> logit."""

    def __init__(self):
        super().__init__()
        self.flatten = layers.Flatten()
        self.image_block = Maxout(240, 5)
        self.label_block = Maxout(50, 5)
        self.combine_block = Maxout(240, 4)
        self.dense = layers.Dense(1, activation=None)

    def call(self, image, label):
        image = self.image_block(self.flatten(image))
        label = self.label_block(label)
        x = layers.Concatenate()([image, label])
        return self.dense(self.combine_block(x))


bce = losses.BinaryCrossentropy(from_logits=True)


def generator_loss(fake_output):
    return bce(tf.ones_like(fake_output), fake_output)


def discriminator_loss(real_output, fake_output):
    return bce(tf.ones_like(real_output), real_output) + bce(tf.zeros_like(fake_output),
                                                            fake_output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=1500, help="train steps (batches of 128)")
    args = parser.parse_args()

    mnist = load_mnist_train()
    cgan_datasets = mnist.map(cgan_preprocessing).shuffle(100).batch(BATCH_SIZE)

    gene_opt = optimizers.Adam(1e-4)
    disc_opt = optimizers.Adam(1e-4)
    cgan_generator = GeneratorCGAN()
    cgan_discriminator = DiscriminatorCGAN()

    @tf.function()
    def cgan_step(real_images, labels):
        noise = tf.random.normal([real_images.shape[0], 100])
        with tf.GradientTape(persistent=True) as tape:
            fake_images = cgan_generator(noise, labels)
            real_out = cgan_discriminator(real_images, labels)
            fake_out = cgan_discriminator(fake_images, labels)
            gene_loss = generator_loss(fake_out)
            disc_loss = discriminator_loss(real_out, fake_out)
        gene_grad = tape.gradient(gene_loss, cgan_generator.trainable_variables)
        disc_grad = tape.gradient(disc_loss, cgan_discriminator.trainable_variables)
        gene_opt.apply_gradients(zip(gene_grad, cgan_generator.trainable_variables))
        disc_opt.apply_gradients(zip(disc_grad, cgan_discriminator.trainable_variables))
        return gene_loss, disc_loss

    epochs = math.ceil(args.steps / STEPS_PER_EPOCH)
    done = 0
    for epoch in range(1, epochs + 1):
        for i, (images, labels) in enumerate(cgan_datasets):
            gene_loss, disc_loss = cgan_step(images, labels)
            done += 1
            if (i + 1) % 100 == 0:
                print(f"[{epoch}/{epochs} EPOCHS, {i} ITER] G:{gene_loss}, D:{disc_loss}",
                      flush=True)
            if done == args.steps:
                break
    print(f"Trained {done} steps; G:{float(gene_loss):.4f} D:{float(disc_loss):.4f}; "
          f"{time.perf_counter() - START:.1f} s since start-up")


if __name__ == "__main__":
    main()
