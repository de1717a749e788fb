# %% [markdown] id="nb01-00"
# # 01 · GAN on MNIST: a DCGAN that learns to write digits
#
# A **generative adversarial network** (GAN) learns to produce new samples that look like
# its training data, here 28×28 handwritten digits, by pitting two networks against each
# other. In this notebook you build the classic *deep convolutional* GAN (DCGAN) from
# scratch, train it, watch it learn in a GIF, and restore it from a checkpoint.
#
# **You will:** write the minimax objective in code, build a generator from transposed
# convolutions and a discriminator from strided convolutions, implement the discriminator
# loss yourself (graded exercise **01-ex1**), train with two gradient tapes, and use
# checkpoints so a disconnected Colab session costs you minutes, not hours.
#
# Run the cells from top to bottom. On Colab pick a GPU runtime; on a laptop CPU set
# `COURSE_FAST=1` before starting Jupyter to train on a small slice instead (the
# cell below reports which mode you are in).

# %% id="nb01-01"
# NBVAL_IGNORE_OUTPUT
# Make `course_lib` importable. On Colab: clone the course and install it. Locally it is
# normally installed already (`pip install -e .`); if not, use the checkout around us.
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

# Hide TensorFlow's C++ info/warning chatter (errors still show). Must precede its import.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

if importlib.util.find_spec("course_lib") is None:
    if "google.colab" in sys.modules:
        repo = Path("/content/gan-to-pix2pix")
        if not repo.exists():
            subprocess.run(["git", "clone", "-q",
                            "https://github.com/gan-course/gan-to-pix2pix", str(repo)],
                           check=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", str(repo)],
                       check=True)
    else:
        repo = Path.cwd().parent  # running from notebooks/ inside a checkout
    # An editable install is only seen by new processes: make it visible to this kernel.
    sys.path.insert(0, str(repo))
    importlib.invalidate_caches()
import course_lib

print("course_lib", course_lib.__version__)

# %% id="nb01-02"
# NBVAL_IGNORE_OUTPUT
import time
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython import display
from keras import layers

from course_lib import config, data, losses, models, quiz, viz, weights

SEED = 42
keras.utils.set_random_seed(SEED)  # seeds Python, NumPy and TensorFlow in one call
print(config.describe())

# %% [markdown] id="nb01-03"
# ## 1. The idea: a forger and an inspector
#
# Picture two players. The **generator** $G$ is a forger: it receives a vector of random
# numbers $z$ (the *noise*, or latent vector) and turns it into an image $G(z)$. The
# **discriminator** $D$ is an inspector: it looks at an image and says how likely it is to
# come from the real training set. Neither is told what a "good digit" is. The forger only
# learns through the inspector's verdicts, and the inspector learns by comparing real
# digits with forgeries. As one improves, the other must improve too.
#
# Goodfellow et al. (2014) wrote this game as a single value function that $D$ tries to
# push up and $G$ tries to push down:
#
# $$
# \min_G \max_D \; V(D, G) =
# \mathbb{E}_{x \sim p_{\text{data}}}\big[\log D(x)\big] +
# \mathbb{E}_{z \sim p_z}\big[\log\big(1 - D(G(z))\big)\big]
# $$
#
# * **The inspector's view.** $D(x)$ is a probability. $V$ is largest when
#   $D(x) \to 1$ on real images (first term) and $D(G(z)) \to 0$ on forgeries (second
#   term): call real real and fake fake.
# * **The forger's view.** $G$ only appears in the second term. Pushing
#   $\log(1 - D(G(z)))$ down means making $D(G(z)) \to 1$: forgeries good enough to be
#   taken for real.
#
# In practice the generator maximises $\log D(G(z))$ instead of minimising
# $\log(1 - D(G(z)))$. Both have the same goal, but at the start, when $D$ rejects every
# forgery easily, the original term is almost flat and gives $G$ hardly any gradient;
# the "non-saturating" version gives strong gradients exactly then. Written as a
# classification loss it is simply: *label the forgeries 1 and let G minimise the
# cross-entropy*. That is what we code below.
#
# A DCGAN is this game played by convolutional networks (Radford et al., 2015):
# transposed convolutions to *grow* an image in $G$, strided convolutions to *shrink* it
# in $D$, batch normalisation and LeakyReLU in between.

# %% [markdown] id="nb01-04"
# ## 2. The data: MNIST scaled to [-1, 1]
#
# We only need the 60,000 training images; the labels are not used (this GAN is
# *unconditional*, notebook 02 adds labels). Two preprocessing steps:
#
# * reshape to `(28, 28, 1)`: convolution layers want a channel axis, even for grey images;
# * scale the pixel values from $[0, 255]$ to $[-1, 1]$ with $(x - 127.5) / 127.5$,
#   because the generator's last activation is $\tanh$, whose outputs lie in $[-1, 1]$.
#   Real and fake images must live on the same scale, or the discriminator could tell
#   them apart by brightness alone.
#
# `course_lib.data.load_mnist_arrays` reads the official MNIST files (from
# `COURSE_DATA_DIR` or its download cache) after checking their checksums.

# %% id="nb01-05"
images, labels = data.load_mnist_arrays("train")
print("images:", images.shape, images.dtype, "| pixels", images.min(), "to", images.max())

# %% [markdown] id="nb01-06"
# The pipeline: shuffle with a buffer as large as the whole set (a perfect shuffle every
# epoch), then batches of 256. In fast mode we keep only the first 1,024 digits so an epoch
# takes seconds on a CPU.

# %% id="nb01-07"
BUFFER_SIZE = 60000
BATCH_SIZE = 256
N_TRAIN = config.pick(full=60000, fast=1024)

train_images = images[:N_TRAIN].reshape(-1, 28, 28, 1).astype("float32")
train_images = (train_images - 127.5) / 127.5  # [0, 255] -> [-1, 1]

train_dataset = (tf.data.Dataset.from_tensor_slices(train_images)
                 .shuffle(BUFFER_SIZE)
                 .batch(BATCH_SIZE))

print("train_images:", train_images.shape, train_images.dtype,
      "| range", train_images.min(), "to", train_images.max())
print("batches per epoch:", len(train_dataset))

# %% [markdown] id="nb01-08"
# The same pipeline is available as `course_lib.data.mnist_dcgan_dataset(batch_size=256)`.
# Here are 16 of the digits the discriminator will see as "real":

# %% id="nb01-09"
viz.sample_grid(train_images[:16], rows=4, cols=4, title="Real MNIST digits")
plt.show()


# %% [markdown] id="nb01-10"
# ## 3. The generator: from 100 numbers to a 28×28 image
#
# The generator starts from a noise vector $z \in \mathbb{R}^{100}$ and grows it into an
# image in three stages:
#
# | stage | layer | output shape |
# |---|---|---|
# | project | `Dense(7·7·256)` → BatchNorm → LeakyReLU → `Reshape` | 7 × 7 × 256 |
# | refine | `Conv2DTranspose(128, 5, stride 1)` → BatchNorm → LeakyReLU | 7 × 7 × 128 |
# | upsample | `Conv2DTranspose(64, 5, stride 2)` → BatchNorm → LeakyReLU | 14 × 14 × 64 |
# | upsample | `Conv2DTranspose(1, 5, stride 2)`, $\tanh$ | 28 × 28 × 1 |
#
# A **transposed convolution** with stride 2 and `padding="same"` doubles the height and
# width: each input pixel "paints" a 5×5 patch of the output, and neighbouring patches
# overlap. **Batch normalisation** keeps the activations well scaled so that both networks
# keep learning. The layers before it have `use_bias=False` because BatchNorm subtracts the
# mean and adds its own learned shift, which would cancel any bias anyway. **LeakyReLU**
# lets a little gradient through for negative inputs, which helps GANs train.
#
# The `assert`s check each stage's shape as the model is built: a wrong stride or padding
# fails here, not deep inside training.

# %% id="nb01-11"
def make_generator_model():
    model = keras.Sequential()
    model.add(keras.Input(shape=(100,)))                         # z: (N, 100)
    model.add(layers.Dense(7 * 7 * 256, use_bias=False))         # (N, 12544)
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())

    model.add(layers.Reshape((7, 7, 256)))
    assert model.output_shape == (None, 7, 7, 256)

    model.add(layers.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding="same",
                                     use_bias=False))
    assert model.output_shape == (None, 7, 7, 128)               # stride 1: same size
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())

    model.add(layers.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding="same",
                                     use_bias=False))
    assert model.output_shape == (None, 14, 14, 64)              # stride 2: doubled
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())

    model.add(layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding="same",
                                     use_bias=False, activation="tanh"))
    assert model.output_shape == (None, 28, 28, 1)               # an image in [-1, 1]
    return model


# %% [markdown] id="nb01-12"
# Let us build it and follow one noise vector through the layers:

# %% id="nb01-13"
generator = make_generator_model()

x = tf.random.normal([1, 100])
for layer in generator.layers:
    x = layer(x, training=False)
    print(f"{type(layer).__name__:20s} -> {tuple(x.shape)}")
print(f"generator parameters: {generator.count_params():,}")

# %% [markdown] id="nb01-14"
# Untrained, it turns noise into... structured noise. Note `training=False`: at inference
# time BatchNorm uses its running averages instead of the statistics of the current batch.

# %% id="nb01-15"
noise = tf.random.normal([1, 100])
generated_image = generator(noise, training=False)
print("generated_image:", generated_image.shape)

plt.figure(figsize=(2.5, 2.5))
plt.imshow(generated_image[0, :, :, 0], cmap="gray")
plt.title("untrained G(z)")
plt.axis("off")
plt.show()


# %% [markdown] id="nb01-16"
# ## 4. The discriminator: an image in, one score out
#
# The discriminator is a small convolutional classifier. Two 5×5 convolutions with stride 2
# halve the image twice (28 → 14 → 7), each followed by LeakyReLU and **Dropout(0.3)**,
# which randomly silences 30 % of the activations during training so that the inspector
# cannot simply memorise the training digits. A final `Dense(1)` gives a single number
# per image.
#
# That number is a **logit**, not a probability: there is no sigmoid at the end. Large
# positive means "real", large negative means "fake", and
# $D(x) = \sigma(\text{logit})$ if you want the probability. The loss applies the sigmoid
# itself (next section), in a numerically safer way.

# %% id="nb01-17"
def make_discriminator_model():
    model = keras.Sequential()
    model.add(keras.Input(shape=(28, 28, 1)))                   # (N, 28, 28, 1)
    model.add(layers.Conv2D(64, (5, 5), strides=(2, 2), padding="same"))   # (N, 14, 14, 64)
    model.add(layers.LeakyReLU())
    model.add(layers.Dropout(0.3))

    model.add(layers.Conv2D(128, (5, 5), strides=(2, 2), padding="same"))  # (N, 7, 7, 128)
    model.add(layers.LeakyReLU())
    model.add(layers.Dropout(0.3))

    model.add(layers.Flatten())                                  # (N, 6272)
    model.add(layers.Dense(1))                                   # (N, 1): a logit
    return model


discriminator = make_discriminator_model()
decision = discriminator(generated_image, training=False)
print("decision:", decision.shape, "(one logit per image)")
print(f"discriminator parameters: {discriminator.count_params():,}")

# %% [markdown] id="nb01-17b"
# ### Quizzes 01-q1 and 01-q2: count it yourself
#
# Two small computations about the discriminator's first layer. Work them out on paper
# (or in a scratch cell), then write the number or the shape in the answer cell.

# %% id="nb01-17c"
quiz.ask("01-q1")

# %% id="nb01-17d" tags=["answer"] grade_id="01-q1-answer"
# Parameters of the first Conv2D: a whole number
### BEGIN SOLUTION
q1_answer = quiz.sealed("2641abc76fb7a6a3718d4ecf1df70d4722c78d979affcd1e858b8a9e92fa7cb4")
### END SOLUTION

# %% id="nb01-17e" tags=["check"] grade_id="01-q1"
quiz.check("01-q1", q1_answer)

# %% id="nb01-17f"
quiz.ask("01-q2")

# %% id="nb01-17g" tags=["answer"] grade_id="01-q2-answer"
# Output shape with padding="valid": a tuple (height, width, channels)
### BEGIN SOLUTION
q2_answer = quiz.sealed("c7953b83cfde704ed32073329a6b0d7582c33d9300162fcab0cb5c5ff8d355b4")
### END SOLUTION

# %% id="nb01-17h" tags=["check"] grade_id="01-q2"
quiz.check("01-q2", q2_answer)

# %% [markdown] id="nb01-18"
# ## 5. The losses
#
# Both networks are trained with **binary cross-entropy** (BCE). For a logit $s$ and a
# target label $t \in \{0, 1\}$:
#
# $$
# \ell(t, s) = -\big[\, t \log \sigma(s) + (1 - t) \log\big(1 - \sigma(s)\big) \big]
# $$
#
# averaged over the batch. `BinaryCrossentropy(from_logits=True)` computes exactly this
# from the raw logit, without forming $\sigma(s)$ first, which avoids $\log 0$ when the
# discriminator is very sure.
#
# * **Generator loss:** the forger wants its images called real, so its target for
#   $D(G(z))$ is 1: $\;L_G = \ell(1, D(G(z)))$. This is the non-saturating objective from
#   section 1.
# * **Discriminator loss:** real images should get label 1 and forgeries label 0:
#   $\;L_D = \ell(1, D(x)) + \ell(0, D(G(z)))$. Minimising it is maximising $V(D, G)$.

# %% id="nb01-19"
cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)


def generator_loss(fake_output):
    # G wins when D labels its images as real (1).
    return cross_entropy(tf.ones_like(fake_output), fake_output)


# %% [markdown] id="nb01-20"
# ### Exercise 01-ex1 (2 points): the discriminator loss
#
# Write `discriminator_loss(real_logits, fake_logits)`. Both arguments are logit tensors of
# shape `(batch, 1)`; return the scalar $L_D$ defined above. You may use `cross_entropy`
# from the previous cell. The check runs your function on fixed logits and compares it
# with a hand-computed value.

# %% id="nb01-21"
quiz.ask("01-ex1")


# %% id="nb01-22" tags=["answer"] grade_id="01-ex1-answer"
def discriminator_loss(real_logits, fake_logits):
    """L_D = BCE(1, real_logits) + BCE(0, fake_logits); logits (batch, 1) -> scalar."""
    ### BEGIN SOLUTION
    real_loss = cross_entropy(tf.ones_like(real_logits), real_logits)
    fake_loss = cross_entropy(tf.zeros_like(fake_logits), fake_logits)
    return real_loss + fake_loss
    ### END SOLUTION


# %% id="nb01-23" tags=["check"] grade_id="01-ex1"
quiz.check_exercise("01-ex1", discriminator_loss)

# %% id="nb01-23b"
# What trains the DCGAN below: your function if it passed its check, else the library's.
disc_loss_fn = quiz.use_answer("01-ex1", discriminator_loss, losses.discriminator_loss,
                               what="discriminator loss")

# %% [markdown] id="nb01-24"
# Your loss is the one that trains the DCGAN: the training step below calls
# `disc_loss_fn`, which is your `discriminator_loss` once it passes its check. Until then
# (the line above says which), it is the course library's copy,
# `course_lib.losses.discriminator_loss`, so an unfinished exercise cannot break the rest
# of the lesson. Here is the library's code: the same two BCE terms.

# %% id="nb01-25" tags=["skip-grading", "reveals-answer"]
import inspect

print(inspect.getsource(losses.discriminator_loss))

# %% [markdown] id="nb01-26"
# ## 6. Optimisers, the fixed seed and checkpoints
#
# **One optimiser per network.** The generator and the discriminator are trained by
# separate Adam optimisers (learning rate $10^{-4}$). In Keras 3 this is not optional: an
# optimiser binds to the variables it updates first, and handing it another network's
# variables raises an error (notebook 02 shows that error).
#
# **A fixed seed.** We draw 16 noise vectors once and reuse them after every epoch. Because
# the input never changes, the 16 pictures show how the *generator* changes, which makes
# the training GIF at the end readable.
#
# **Checkpoints.** Training a GAN for 50 epochs takes a while, and Colab sessions
# disconnect. A `tf.train.Checkpoint` saves both networks, both optimisers (Adam's moment
# estimates are part of the training state) and an epoch counter;
# `tf.train.CheckpointManager` numbers the files and keeps only the last few. If the
# folder already holds a checkpoint, the next cell restores it and training **resumes**
# where it stopped. In fast mode every run starts in a fresh temporary folder, so a test
# run never resumes from an old one; in full mode the folder is `runs/notebook01/` in the
# course checkout (on Colab, point `WORK_DIR` at your Google Drive to survive a
# disconnect).
#
# Adam creates its internal variables lazily, on the first update. We `build` them now so
# that a restore has somewhere to write them.

# %% id="nb01-27" tags=["skip-grading"]
import tempfile

EPOCHS = config.pick(full=50, fast=2)
CHECKPOINT_EVERY = config.pick(full=15, fast=1)  # epochs between checkpoints
noise_dim = 100
num_examples_to_generate = 16

generator_optimizer = keras.optimizers.Adam(1e-4)
discriminator_optimizer = keras.optimizers.Adam(1e-4)
generator_optimizer.build(generator.trainable_variables)
discriminator_optimizer.build(discriminator.trainable_variables)

# The same 16 inputs after every epoch, so the pictures are comparable over time.
seed = tf.random.normal([num_examples_to_generate, noise_dim])

if config.is_fast():
    # A fresh folder per run (deleted when the kernel stops): tests never resume old runs.
    _scratch = tempfile.TemporaryDirectory(prefix="course01-")
    WORK_DIR = Path(_scratch.name)
else:
    WORK_DIR = config.repo_root() / "runs" / "notebook01"
WORK_DIR.mkdir(parents=True, exist_ok=True)

epoch_counter = tf.Variable(0, dtype=tf.int64, name="epoch")
checkpoint = tf.train.Checkpoint(generator_optimizer=generator_optimizer,
                                 discriminator_optimizer=discriminator_optimizer,
                                 generator=generator,
                                 discriminator=discriminator,
                                 epoch=epoch_counter)
manager = tf.train.CheckpointManager(checkpoint, WORK_DIR / "training_checkpoints",
                                     max_to_keep=3)
if manager.latest_checkpoint:
    checkpoint.restore(manager.latest_checkpoint).assert_existing_objects_matched()
    print(f"Resuming after epoch {int(epoch_counter.numpy())}")
else:
    print("No checkpoint yet: training starts at epoch 0")
print(f"{EPOCHS} epochs, a checkpoint every {CHECKPOINT_EVERY}")


# %% [markdown] id="nb01-28"
# ## 7. One training step, two gradient tapes
#
# Each step takes one batch of real images and:
#
# 1. draws a batch of noise and lets $G$ make forgeries;
# 2. lets $D$ score the real images and the forgeries;
# 3. computes $L_G$ and $L_D$ from those scores;
# 4. asks each tape for the gradient of *its* loss with respect to *its* network's
#    variables, and lets each optimiser update its own network.
#
# Two tapes are needed because the two networks minimise different losses. Both record
# the same forward pass, so one pass serves both updates.
#
# Every call passes **`training=True`**. It switches Dropout on and makes BatchNorm
# normalise with the current batch's statistics (and update its running averages). In a
# custom loop like this one, Keras cannot guess that you are training: leave the flag out
# and Dropout silently does nothing.
#
# `@tf.function` compiles the Python function into a TensorFlow graph on its first call
# ("tracing", a few seconds); later calls run the graph, much faster than step-by-step
# Python.

# %% id="nb01-29" tags=["skip-grading"]
@tf.function
def train_step(images):
    noise = tf.random.normal([tf.shape(images)[0], noise_dim])  # (N, 100)

    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        generated_images = generator(noise, training=True)       # (N, 28, 28, 1)

        real_output = discriminator(images, training=True)       # (N, 1) logits
        fake_output = discriminator(generated_images, training=True)

        gen_loss = generator_loss(fake_output)
        disc_loss = disc_loss_fn(real_output, fake_output)  # yours, or the library's

    gradients_of_generator = gen_tape.gradient(gen_loss, generator.trainable_variables)
    gradients_of_discriminator = disc_tape.gradient(disc_loss,
                                                    discriminator.trainable_variables)

    generator_optimizer.apply_gradients(
        zip(gradients_of_generator, generator.trainable_variables))
    discriminator_optimizer.apply_gradients(
        zip(gradients_of_discriminator, discriminator.trainable_variables))
    return gen_loss, disc_loss


# %% [markdown] id="nb01-30"
# ## 8. The training loop
#
# After every epoch the loop shows what the generator makes of the 16 fixed seeds, saves
# that grid as `image_at_epoch_NNNN.png`, and prints how long the epoch took. Every
# `CHECKPOINT_EVERY` epochs it saves a checkpoint, **and once more at the very end**: with
# 50 epochs and a checkpoint every 15, saving only on the multiples of 15 would lose the
# last 5 epochs.

# %% id="nb01-31" tags=["skip-grading"]
def generate_and_save_images(model, epoch, test_input):
    # training=False: BatchNorm uses its running statistics, as at inference time.
    predictions = model(test_input, training=False)

    fig = plt.figure(figsize=(4, 4))
    for i in range(predictions.shape[0]):
        plt.subplot(4, 4, i + 1)
        plt.imshow(predictions[i, :, :, 0] * 127.5 + 127.5, cmap="gray")
        plt.axis("off")
    fig.suptitle(f"epoch {epoch}")
    plt.savefig(WORK_DIR / f"image_at_epoch_{epoch:04d}.png")
    plt.show()


def train(dataset, epochs):
    history = {"gen_loss": [], "disc_loss": []}
    log = []
    first = int(epoch_counter.numpy())  # > 0 when a checkpoint was restored
    for epoch in range(first, epochs):
        start = time.time()
        for image_batch in dataset:
            gen_loss, disc_loss = train_step(image_batch)
            history["gen_loss"].append(float(gen_loss))
            history["disc_loss"].append(float(disc_loss))
        epoch_counter.assign(epoch + 1)

        if (epoch + 1) % CHECKPOINT_EVERY == 0 or epoch + 1 == epochs:
            manager.save(checkpoint_number=epoch + 1)

        # Redraw in place: the grid of the latest epoch and the log so far.
        display.clear_output(wait=True)
        generate_and_save_images(generator, epoch + 1, seed)
        log.append(f"Time for epoch {epoch + 1} is {time.time() - start:.1f} sec "
                   f"(G loss {float(gen_loss):.3f}, D loss {float(disc_loss):.3f})")
        print("\n".join(log))
    if first >= epochs:
        print(f"Already trained for {first} epochs: nothing to do.")
    return history


# %% [markdown] id="nb01-32"
# Now train. In full mode this is 50 epochs (a few minutes on a Colab GPU, hours on a
# CPU); in fast mode 2 short epochs, enough to see the machinery work, not to get digits.

# %% id="nb01-33" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
history = train(train_dataset, EPOCHS)

# %% [markdown] id="nb01-34"
# The losses tell you less than you might hope. In a GAN neither loss should go to zero:
# each network's loss depends on how good the *other* one is. A healthy run shows both
# curves wobbling around a level rather than one of them collapsing to 0 (that would mean
# one player has won, and the other stops learning).

# %% id="nb01-35" tags=["skip-grading"]
viz.loss_curves(history, title="DCGAN losses per step")
plt.show()

# %% [markdown] id="nb01-36"
# ## 9. Watching it learn
#
# `course_lib.viz.make_gif` stitches the saved grids into an animation (with `imageio`).
# Each frame is one epoch and the 16 seeds never change, so you see each digit take shape.

# %% id="nb01-37" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
frames = sorted(WORK_DIR.glob("image_at_epoch_*.png"))
gif_path = viz.make_gif(frames, WORK_DIR / "dcgan.gif", duration=0.5)
print(f"{len(frames)} frames -> {gif_path.name}")
display.Image(filename=str(gif_path))

# %% [markdown] id="nb01-38"
# ## 10. Restoring from a checkpoint, saving weights
#
# Suppose the session died. Build **fresh** networks and optimisers, point a checkpoint at
# them and restore the latest file: every variable gets its saved value back. To prove it,
# the restored generator must draw exactly what the trained one draws from the same seed.

# %% id="nb01-39" tags=["skip-grading"]
restored_generator = make_generator_model()
restored_discriminator = make_discriminator_model()
restored_g_opt = keras.optimizers.Adam(1e-4)
restored_d_opt = keras.optimizers.Adam(1e-4)
restored_g_opt.build(restored_generator.trainable_variables)
restored_d_opt.build(restored_discriminator.trainable_variables)
restored_epoch = tf.Variable(0, dtype=tf.int64, name="epoch")

restored = tf.train.Checkpoint(generator_optimizer=restored_g_opt,
                               discriminator_optimizer=restored_d_opt,
                               generator=restored_generator,
                               discriminator=restored_discriminator,
                               epoch=restored_epoch)
restored.restore(manager.latest_checkpoint).assert_existing_objects_matched()

print("checkpoints kept:", [Path(p).name for p in manager.checkpoints])
print("restored epoch:", int(restored_epoch.numpy()))
same = np.allclose(restored_generator(seed, training=False),
                   generator(seed, training=False))
print("restored generator draws the same digits as the trained one:", same)

# %% [markdown] id="nb01-40"
# A checkpoint holds the whole training state. To *use* a generator you only need its
# weights. Keras 3 writes weights only to files whose name ends in **`.weights.h5`**; the
# old habit of `save_weights("model.h5")` (or a TensorFlow checkpoint prefix with no
# extension) is now refused:

# %% id="nb01-41" tags=["skip-grading"]
try:
    generator.save_weights(WORK_DIR / "dcgan_generator.h5")
except ValueError as err:
    print("ValueError:", str(err).split(" Received")[0])

weights_file = WORK_DIR / "dcgan_generator.weights.h5"
generator.save_weights(weights_file)
print("saved", weights_file.name)

# %% [markdown] id="nb01-42"
# ## 11. A generator trained for longer
#
# The course ships DCGAN weights trained with exactly this notebook's settings on all
# 60,000 digits; the line printed below, from the weights' model card, says for how many
# of the 50 epochs. They are loaded and checked by `course_lib.weights.load_pretrained`,
# which verifies the file's checksum and architecture before loading. If they are not in your
# copy of the course, the cell says how to produce them.

# %% id="nb01-43" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
if weights.available("dcgan"):
    pretrained = weights.load_pretrained("dcgan")
    print(weights.card_line("dcgan"))
    viz.sample_grid(pretrained(seed, training=False), rows=4, cols=4,
                    title="pretrained DCGAN, same 16 seeds")
    plt.show()
else:
    print(weights.unavailable_reason("dcgan"))

# %% [markdown] id="nb01-43b"
# And this is the run that made those weights: the two losses per epoch, and the same 16
# noise vectors drawn at six moments of the 50 epochs (the shipped generator is the moving
# average of the weights, which is why its digits above look smoother than the last frame).
# The losses do not fall to zero and need not: each network's loss is the other's success,
# so a healthy run keeps them in balance while the pictures improve.

# %% id="nb01-43c" tags=["skip-grading"]
if viz.training_history("dcgan") is not None:
    plt.show()

# %% [markdown] id="nb01-44"
# ## 12. The same pieces in `course_lib`
#
# Everything you wrote here also lives in the course library, so later notebooks (and the
# command line) can reuse it:
#
# | in this notebook | in `course_lib` |
# |---|---|
# | `make_generator_model()` | `models.dcgan_generator()` |
# | `make_discriminator_model()` | `models.dcgan_discriminator()` |
# | `generator_loss`, `discriminator_loss` | `losses.generator_loss`, `.discriminator_loss` |
# | `train_step` | `training.GANTrainer(generator, discriminator).train_step` |
# | `train` with checkpoints | `training.fit(trainer, dataset, total_steps, ...)` |
#
# For example, `python -m course_lib train dcgan --epochs 50` runs this training from a
# terminal, with checkpoints and automatic resume, and
# `python -m course_lib weights export dcgan --checkpoint-dir runs/dcgan/checkpoints`
# turns the result into the weight file loaded above. The library's generator is the same
# network as ours:

# %% id="nb01-45" tags=["skip-grading"]
library_generator = models.dcgan_generator()
print("same parameter count:", library_generator.count_params() == generator.count_params())
print("same output shape:", library_generator(seed).shape == generator(seed).shape)

# %% [markdown] id="nb01-46"
# ## Summary
#
# * A GAN is a two-player game: $D$ maximises $V(D, G)$, $G$ minimises it; in code, both
#   are binary cross-entropy on the discriminator's logits, with the forgeries labelled
#   0 for $D$ and 1 for $G$.
# * The DCGAN generator grows 100 numbers into 7×7×256 → 7×7×128 → 14×14×64 → 28×28×1 with
#   transposed convolutions; the discriminator shrinks the image back to one logit.
# * Each network has its own optimiser; each step uses two gradient tapes and
#   `training=True`.
# * Checkpoint the *whole* training state (networks, optimisers, epoch) and resume from it;
#   save at the end too. In Keras 3, weight files end in `.weights.h5`.
#
# Next, notebook 02 asks: how can we get a **specific** digit out of a GAN?

# %% id="nb01-47" tags=["reveals-answer"]
print(quiz.summary())
