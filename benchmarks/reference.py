"""The source lessons' train steps and input pipelines: the baseline that `course_lib` must beat.

Everything here computes what the seed lessons compute, written the way they write it:

* MLP GAN / cGAN (lesson 02 source): one `@tf.function` step per batch, ONE persistent
  `GradientTape` for both losses, noise drawn with `tf.random.normal([batch, 100])`, models
  called *without* `training=True` (so the cGAN discriminator's Maxout dropout never runs),
  Adam(1e-4) per network, batches from `mnist.map(preprocessing).shuffle(1000 or 100)
  .batch(128)` with no cache and no prefetch.
* DCGAN (lesson 01 source): two tapes, `training=True`, noise `[BATCH_SIZE, 100]`, Adam(1e-4),
  `from_tensor_slices(float32 images).shuffle(60000).batch(256)`.
* Pix2Pix (lesson 03 sources): two tapes, `training=True`, Adam(2e-4, beta_1=0.5), batch 1,
  `list_files -> map(load_image_train, AUTOTUNE) -> shuffle(400) -> batch(1)`, the JPEG read
  and decoded again for every example.

The MLP and Pix2Pix networks are `course_lib.models` (plain Keras layers, the lessons'
architectures). The DCGAN is rebuilt here from stock Keras layers (`dcgan_generator`,
`dcgan_discriminator`), because `course_lib`'s discriminator uses `MaskDropout`, a cheaper
formulation of the same dropout: the reference must keep paying what the lesson pays. Both
versions have the same layers, variables and initialisation order, so the same seed gives the
same weights.

Every step builder takes `noise_fn(batch) -> (batch, 100)`; the default is the seed's
`tf.random.normal`. The numerics tests pass a seeded Keras generator instead, so that the
reference and `course_lib` see exactly the same noise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras
import tensorflow as tf

NOISE_DIM = 100
MLP_BATCH = 128  # lesson 02
DCGAN_BATCH = 256  # lesson 01
PIX2PIX_BATCH = 1  # lesson 03

_bce = keras.losses.BinaryCrossentropy(from_logits=True)

NoiseFn = Callable[[int], tf.Tensor]


def seed_noise(batch: int, noise_dim: int = NOISE_DIM) -> tf.Tensor:
    """The lessons' latent draw: z ~ N(0, I), shape (batch, noise_dim), from TF's global RNG."""
    return tf.random.normal([batch, noise_dim])


def keras_noise(seed: int, noise_dim: int = NOISE_DIM) -> NoiseFn:
    """A noise function drawing from `keras.random.SeedGenerator(seed)`, the stream that
    `course_lib.training.GANTrainer(seed=seed)` uses: same seed, same noise, step by step."""
    generator = keras.random.SeedGenerator(seed)

    def draw(batch: int) -> tf.Tensor:
        return keras.random.normal((batch, noise_dim), seed=generator)

    return draw


# ------------------------------------------------------------------------------------------
# Losses, as the lessons define them (BCE on logits)
# ------------------------------------------------------------------------------------------


def generator_loss(fake_logits: tf.Tensor) -> tf.Tensor:
    return _bce(tf.ones_like(fake_logits), fake_logits)


def discriminator_loss(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tf.Tensor:
    return _bce(tf.ones_like(real_logits), real_logits) + _bce(tf.zeros_like(fake_logits),
                                                               fake_logits)


def pix2pix_generator_loss(disc_fake, generated, target, lam: float = 100.0):
    """(total, gan, l1) with total = BCE(1, D(x, G(x))) + lam * mean|target - G(x)|."""
    gan = _bce(tf.ones_like(disc_fake), disc_fake)
    l1 = tf.reduce_mean(tf.abs(target - generated))
    return gan + lam * l1, gan, l1


# ------------------------------------------------------------------------------------------
# Lesson-01 networks, stock Keras layers only
# ------------------------------------------------------------------------------------------


def dcgan_generator() -> keras.Sequential:
    """z (N,100) -> (N,28,28,1): Dense 7*7*256 -> three transposed convolutions, BN+LeakyReLU."""
    layers = keras.layers
    return keras.Sequential([
        keras.Input((NOISE_DIM,)),
        layers.Dense(7 * 7 * 256, use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Reshape((7, 7, 256)),
        layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False,
                               activation="tanh"),
    ], name="dcgan_generator")


def dcgan_discriminator() -> keras.Sequential:
    """(N,28,28,1) -> logit (N,1): two strided 5x5 convolutions, LeakyReLU, Dropout(0.3)."""
    layers = keras.layers
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(64, 5, strides=2, padding="same"),
        layers.LeakyReLU(),
        layers.Dropout(0.3),
        layers.Conv2D(128, 5, strides=2, padding="same"),
        layers.LeakyReLU(),
        layers.Dropout(0.3),
        layers.Flatten(),
        layers.Dense(1),
    ], name="dcgan_discriminator")


# ------------------------------------------------------------------------------------------
# Train steps
# ------------------------------------------------------------------------------------------


def mlp_gan_step(generator, discriminator, g_opt, d_opt, *, conditional: bool,
                 noise_fn: NoiseFn = seed_noise, training: bool | None = None):
    """The lesson-02 `gan_step(images)` / `cgan_step(images, labels)` as a `tf.function`.

    `training=None` is the lesson as written: the models are called without `training`, so
    Keras runs them in inference mode and the cGAN discriminator's dropout is off.
    `training=True` is the same step with dropout on, i.e. what `course_lib` computes; the
    benchmark uses it for a like-with-like ratio.

    Returns step(images[, labels]) -> (gen_loss, disc_loss).
    """
    kwargs = {} if training is None else {"training": training}

    def losses_for(images, extra):
        # Static batch size, as in the lesson: a smaller last batch traces the step again.
        noise = noise_fn(images.shape[0])
        fake = generator(noise, *extra, **kwargs)
        real_out = discriminator(images, *extra, **kwargs)
        fake_out = discriminator(fake, *extra, **kwargs)
        return generator_loss(fake_out), discriminator_loss(real_out, fake_out)

    def update(images, extra):
        with tf.GradientTape(persistent=True) as tape:
            gen_loss, disc_loss = losses_for(images, extra)
        g_grads = tape.gradient(gen_loss, generator.trainable_variables)
        d_grads = tape.gradient(disc_loss, discriminator.trainable_variables)
        g_opt.apply_gradients(zip(g_grads, generator.trainable_variables))
        d_opt.apply_gradients(zip(d_grads, discriminator.trainable_variables))
        return gen_loss, disc_loss

    if conditional:
        return tf.function(lambda images, labels: update(images, (labels,)))
    return tf.function(lambda images: update(images, ()))


def dcgan_step(generator, discriminator, g_opt, d_opt, *, batch_size: int = DCGAN_BATCH,
               noise_fn: NoiseFn = seed_noise):
    """The lesson-01 `train_step(images)`: two tapes, `training=True`, noise [BATCH_SIZE, 100].

    Returns step(images) -> (gen_loss, disc_loss) (the lesson returns nothing; the losses are
    returned here so that tests can compare them, which costs nothing inside the graph).
    """

    @tf.function
    def step(images):
        noise = noise_fn(batch_size)
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated = generator(noise, training=True)
            real_out = discriminator(images, training=True)
            fake_out = discriminator(generated, training=True)
            gen_loss = generator_loss(fake_out)
            disc_loss = discriminator_loss(real_out, fake_out)
        g_grads = gen_tape.gradient(gen_loss, generator.trainable_variables)
        d_grads = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
        g_opt.apply_gradients(zip(g_grads, generator.trainable_variables))
        d_opt.apply_gradients(zip(d_grads, discriminator.trainable_variables))
        return gen_loss, disc_loss

    return step


def pix2pix_step(generator, discriminator, g_opt, d_opt, lam: float = 100.0):
    """The lesson-03 `train_step(input_image, target, step)`: two tapes, `training=True`.

    Returns step(input_image, target, step) -> (gen_total, gen_gan, gen_l1, disc_loss).
    """

    @tf.function
    def step(input_image, target, step):
        del step  # the lesson passes it for summaries; it changes no number
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            gen_output = generator(input_image, training=True)
            disc_real = discriminator([input_image, target], training=True)
            disc_fake = discriminator([input_image, gen_output], training=True)
            gen_total, gen_gan, gen_l1 = pix2pix_generator_loss(disc_fake, gen_output, target,
                                                                lam)
            disc_loss = discriminator_loss(disc_real, disc_fake)
        g_grads = gen_tape.gradient(gen_total, generator.trainable_variables)
        d_grads = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
        g_opt.apply_gradients(zip(g_grads, generator.trainable_variables))
        d_opt.apply_gradients(zip(d_grads, discriminator.trainable_variables))
        return gen_total, gen_gan, gen_l1, disc_loss

    return step


# ------------------------------------------------------------------------------------------
# Input pipelines
# ------------------------------------------------------------------------------------------


def _to_unit_range(image):
    return tf.cast(image, tf.float32) / 127.5 - 1


def mnist_gan_pipeline(mnist: tf.data.Dataset, batch_size: int = MLP_BATCH) -> tf.data.Dataset:
    """`mnist.map(gan_preprocessing).shuffle(1000).batch(128)`: images (B,28,28,1) in [-1,1].

    `mnist` is the tfds-style dataset of {"image": uint8 (28,28,1), "label": int64}.
    """
    return mnist.map(lambda ex: _to_unit_range(ex["image"])).shuffle(1000).batch(batch_size)


def mnist_cgan_pipeline(mnist: tf.data.Dataset, batch_size: int = MLP_BATCH) -> tf.data.Dataset:
    """`mnist.map(cgan_preprocessing).shuffle(100).batch(128)`: (images, one-hot (B,10))."""
    def preprocess(ex):
        return _to_unit_range(ex["image"]), tf.one_hot(ex["label"], 10)

    return mnist.map(preprocess).shuffle(100).batch(batch_size)


def mnist_dcgan_pipeline(images_uint8, batch_size: int = DCGAN_BATCH) -> tf.data.Dataset:
    """Lesson 01: the whole training set as a float32 array in [-1,1], shuffle(60000), batch."""
    images = (images_uint8.reshape(-1, 28, 28, 1).astype("float32") - 127.5) / 127.5
    return tf.data.Dataset.from_tensor_slices(images).shuffle(60000).batch(batch_size)


def _load_pair(path):
    """A facades JPEG (512x256) -> (input = right half, real = left half), float32 0..255."""
    image = tf.io.decode_jpeg(tf.io.read_file(path))
    half = tf.shape(image)[1] // 2
    return tf.cast(image[:, half:, :], tf.float32), tf.cast(image[:, :half, :], tf.float32)


def _resize_pair(input_image, real_image, height, width):
    nearest = tf.image.ResizeMethod.NEAREST_NEIGHBOR
    return (tf.image.resize(input_image, [height, width], method=nearest),
            tf.image.resize(real_image, [height, width], method=nearest))


@tf.function
def _random_jitter(input_image, real_image):
    input_image, real_image = _resize_pair(input_image, real_image, 286, 286)
    both = tf.image.random_crop(tf.stack([input_image, real_image]), size=[2, 256, 256, 3])
    input_image, real_image = both[0], both[1]
    if tf.random.uniform(()) > 0.5:
        input_image = tf.image.flip_left_right(input_image)
        real_image = tf.image.flip_left_right(real_image)
    return input_image, real_image


def _load_image_train(path):
    input_image, real_image = _random_jitter(*_load_pair(path))
    return input_image / 127.5 - 1, real_image / 127.5 - 1


def facades_pipeline(files: Sequence[str], batch_size: int = PIX2PIX_BATCH) -> tf.data.Dataset:
    """Lesson 03's training pipeline over the given JPEG files: (input, target) (B,256,256,3).

    The lesson lists a glob with `list_files` (which shuffles the names); the bench passes the
    same files explicitly.
    """
    ds = tf.data.Dataset.from_tensor_slices([str(f) for f in files]).shuffle(len(files))
    ds = ds.map(_load_image_train, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.shuffle(400).batch(batch_size)
