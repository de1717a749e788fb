# %% [markdown] id="nb02-00"
# # 02 · Unconditional vs conditional GAN, with a Maxout discriminator
#
# The GAN of notebook 01 draws convincing digits, but you cannot ask it for a *particular*
# digit. Here you will fix that with a **conditional GAN** (cGAN): both networks also
# receive the label $y$ of the digit, so that at the end you choose a number and the
# generator writes it.
#
# **You will:** compare the GAN and cGAN objectives, build four networks with the Keras
# **subclassing API** (a GAN generator and discriminator, a cGAN generator, and a cGAN
# discriminator made of **Maxout** layers), train both GANs, load generators trained for
# hundreds of epochs, and pick a digit to draw. Along the way: three quiz questions
# (**02-q1**, **02-q2**, **02-q3**), a coding exercise (**02-ex1**), and three traps that
# catch people porting older TensorFlow code to Keras 3.

# %% id="nb02-01"
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

# %% id="nb02-02"
# NBVAL_IGNORE_OUTPUT
import re
import tempfile
import time
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import display
from keras import Model, layers

from course_lib import config, data, quiz, viz, weights

SEED = 42
keras.utils.set_random_seed(SEED)  # seeds Python, NumPy and TensorFlow in one call
print(config.describe())


# %% [markdown] id="nb02-03"
# ## 1. Why a condition?
#
# Say you trained a GAN on MNIST and now need a **7**. The generator maps noise to *some*
# digit, and nothing in $z$ says which one. All you can do is sample and hope: if the ten
# digits came out equally often, only about one sample in ten would be a 7, and you would
# have to look at each one to find it. Need ten thousand 7s? Good luck.
#
# A **conditional** generative model takes the wish as an input. Recall the GAN game from
# notebook 01: $D$ pushes the value $V$ up, $G$ pushes it down,
#
# $$
# \min_G \max_D \; V(D, G) =
# \mathbb{E}_{x \sim p_{\text{data}}}\big[\log D(x)\big] +
# \mathbb{E}_{z \sim p_z}\big[\log\big(1 - D(G(z))\big)\big].
# $$
#
# The conditional GAN of Mirza and Osindero (2014) gives an extra piece of information $y$
# to **both** players, written as conditioning:
#
# $$
# \min_G \max_D \; V(D, G) =
# \mathbb{E}_{x \sim p_{\text{data}}}\big[\log D(x \mid y)\big] +
# \mathbb{E}_{z \sim p_z}\big[\log\big(1 - D(G(z \mid y) \mid y)\big)\big].
# $$
#
# * $G(z \mid y)$: the generator turns noise **and** a condition into an image. The noise
#   still decides *how* the digit looks (slant, thickness, style); $y$ decides *which* digit.
# * $D(x \mid y)$: the discriminator judges whether an image is a real example **of class
#   $y$**. A beautiful 3 presented with the label 7 should be rejected. This is what forces
#   the generator to respect the label.
#
# For MNIST, $y$ is the digit's label as a one-hot vector of length 10 (digit 6 is
# `[0,0,0,0,0,0,1,0,0,0]`). Real images are always paired with their *true* label, and
# a forgery with the label that the generator was asked to draw.
#
# Everything else (losses, alternating updates) stays as in notebook 01.

# %% id="nb02-04" tags=["skip-grading"] cellView="form"
#@title Picture: what flows into G and D (drawing code, not part of the lesson)
def _box(ax, xy, text, color):
    ax.text(*xy, text, ha="center", va="center", fontsize=10,
            bbox={"boxstyle": "round,pad=0.45", "fc": color, "ec": "0.35"})


def _arrow(ax, start, end):
    ax.annotate("", xy=end, xytext=start,
                arrowprops={"arrowstyle": "->", "color": "0.3", "lw": 1.3,
                            "shrinkA": 18, "shrinkB": 18})


def draw_flow(ax, conditional):
    ax.set_xlim(0, 11)
    ax.set_ylim(0, 5.5)
    ax.axis("off")
    given = "|y" if conditional else ""
    _box(ax, (1.0, 4.5), "noise z", "#dbe9ff")
    _box(ax, (3.3, 4.5), "G", "#ffd9d9")
    _box(ax, (5.9, 4.5), f"fake G(z{given})", "#ffd9d9")
    _box(ax, (5.9, 3.0), "real x", "#e3f5e1")
    _box(ax, (8.3, 3.75), "D", "#efe0ff")
    _box(ax, (10.2, 3.75), "real?\nfake?", "#f4f4f4")
    _arrow(ax, (1.0, 4.5), (3.3, 4.5))
    _arrow(ax, (3.3, 4.5), (5.9, 4.5))
    _arrow(ax, (5.9, 4.5), (8.3, 3.75))
    _arrow(ax, (5.9, 3.0), (8.3, 3.75))
    _arrow(ax, (8.3, 3.75), (10.2, 3.75))
    if conditional:
        _box(ax, (3.3, 1.0), "label y (one-hot)", "#fff2c2")
        _arrow(ax, (3.3, 1.0), (3.3, 4.5))
        _arrow(ax, (3.3, 1.0), (8.3, 3.75))
    ax.set_title("cGAN: y goes into G and into D" if conditional
                 else "GAN: G sees only noise, D only an image")


fig, axes = plt.subplots(1, 2, figsize=(13, 3.6))
draw_flow(axes[0], conditional=False)
draw_flow(axes[1], conditional=True)
plt.show()

# %% [markdown] id="nb02-05"
# ### Quiz 02-q1
#
# Answer with the letter of an option in the answer cell (the widget, when you see one,
# gives instant feedback but does not count; the answer cell does).

# %% id="nb02-06"
quiz.ask("02-q1")

# %% id="nb02-07" tags=["answer"] grade_id="02-q1-answer"
# The letter of your option, e.g. "a"
### BEGIN SOLUTION
q1_answer = quiz.sealed("651161a1aa48e1eed0f41bdb58137d5c52aa8e33b49f18e2071549a04d4acb8f")
### END SOLUTION

# %% id="nb02-08" tags=["check"] grade_id="02-q1"
quiz.check("02-q1", q1_answer)

# %% [markdown] id="nb02-09"
# ## 2. The data, the way tensorflow-datasets serves it
#
# `course_lib.data.load_mnist` behaves like `tfds.load("mnist", split="train")`: a
# `tf.data.Dataset` of dictionaries with a `uint8` image of shape `(28, 28, 1)` and an
# `int64` label. (Offline, it lets tensorflow-datasets build its copy from the verified
# MNIST files in `COURSE_DATA_DIR`; the first time takes a few seconds.) In fast mode we
# keep only the first 5,120 digits: 40 batches of 128.

# %% id="nb02-10"
# NBVAL_IGNORE_OUTPUT
mnist = data.load_mnist("train")
N_DIGITS = config.pick(full=None, fast=5120)  # None: all 60,000
if N_DIGITS is not None:
    mnist = mnist.take(N_DIGITS)

# %% id="nb02-11"
print(mnist.element_spec)

# %% [markdown] id="nb02-12"
# Two preprocessing functions, one per model. Both scale the pixels from $[0, 255]$ to
# $[-1, 1]$ (the generators end in $\tanh$). The cGAN version also returns the label as a
# one-hot vector, because that is what goes into its networks. Each dataset then gets
# shuffled (buffer 1,000 for the GAN, 100 for the cGAN, as in the lesson) and batched by
# 128. These two functions are also `course_lib.data.gan_preprocessing` and
# `course_lib.data.cgan_preprocessing`.

# %% id="nb02-13"
BATCH_SIZE = 128


def gan_preprocessing(data):
    image = data["image"]                       # uint8 (28, 28, 1) in [0, 255]
    image = tf.cast(image, tf.float32)
    image = (image / 127.5) - 1                 # float32 in [-1, 1]
    return image


def cgan_preprocessing(data):
    image = data["image"]
    image = tf.cast(image, tf.float32)
    image = (image / 127.5) - 1
    label = tf.one_hot(data["label"], 10)       # 3 -> [0,0,0,1,0,0,0,0,0,0]
    return image, label


gan_datasets = mnist.map(gan_preprocessing).shuffle(1000).batch(BATCH_SIZE)
cgan_datasets = mnist.map(cgan_preprocessing).shuffle(100).batch(BATCH_SIZE)
print("GAN batches: ", gan_datasets.element_spec)
print("cGAN batches:", cgan_datasets.element_spec)

# %% [markdown] id="nb02-14"
# Always look at a batch before training on it: the range must be $[-1, 1]$ and each
# picture must match its label. `argmax` turns a one-hot vector back into the digit.

# %% id="nb02-15"
images, labels = next(iter(cgan_datasets))
print("images:", images.shape, "| range", float(tf.reduce_min(images)), "to",
      float(tf.reduce_max(images)))
print("labels:", labels.shape, "| exactly one 1 per row:",
      bool(tf.reduce_all(tf.reduce_sum(labels, axis=1) == 1)))
viz.sample_grid(images[:10], rows=2, cols=5, labels=np.argmax(labels[:10], axis=1),
                title="a cGAN batch with its labels", size=1.5)
plt.show()


# %% [markdown] id="nb02-16"
# ## 3. Two generators, written by subclassing
#
# With the **subclassing API** you write a model as a Python class: `__init__` creates the
# layers, `call` says how data flows through them. It is more verbose than `Sequential`,
# but any flow is possible, in particular models with **two inputs** such as the cGAN
# networks. (PyTorch models are written the same way.)
#
# **GAN generator:** four fully connected layers, 100 → 128 → 256 → 512 (ReLU) → 784
# ($\tanh$), reshaped into a 28×28×1 image.

# %% id="nb02-17"
class GeneratorGAN(Model):
    def __init__(self):
        super().__init__()
        self.dense_1 = layers.Dense(128, activation="relu")
        self.dense_2 = layers.Dense(256, activation="relu")
        self.dense_3 = layers.Dense(512, activation="relu")
        self.dense_4 = layers.Dense(28 * 28 * 1, activation="tanh")
        self.reshape = layers.Reshape((28, 28, 1))

    def call(self, noise):                # noise: (N, 100)
        out = self.dense_1(noise)         # (N, 128)
        out = self.dense_2(out)           # (N, 256)
        out = self.dense_3(out)           # (N, 512)
        out = self.dense_4(out)           # (N, 784) in [-1, 1]
        return self.reshape(out)          # (N, 28, 28, 1)


# %% [markdown] id="nb02-18"
# **cGAN generator:** it has two inputs, so `call(noise, label)`. Read the code carefully
# (quiz 02-q2 asks you to trace it).

# %% id="nb02-19"
class GeneratorCGAN(Model):
    def __init__(self):
        super().__init__()
        self.dense_z = layers.Dense(256, activation="relu")
        self.dense_y = layers.Dense(256, activation="relu")
        self.combined_dense = layers.Dense(512, activation="relu")
        self.final_dense = layers.Dense(28 * 28 * 1, activation="tanh")
        self.reshape = layers.Reshape((28, 28, 1))

    def call(self, noise, label):
        noise = self.dense_z(noise)
        label = self.dense_y(label)
        out = self.combined_dense(tf.concat([noise, label], axis=-1))
        out = self.final_dense(out)
        return self.reshape(out)


# %% [markdown] id="nb02-20"
# A subclassed model has no weights until it is called once (it learns its input sizes
# from that first call), so we call both on a batch of 4:

# %% id="nb02-21"
z = tf.random.normal([4, 100])
y = tf.one_hot([0, 1, 2, 3], 10)
gan_generator = GeneratorGAN()
cgan_generator = GeneratorCGAN()
print("GeneratorGAN  (4, 100)          ->", gan_generator(z).shape,
      f"| {gan_generator.count_params():,} parameters")
print("GeneratorCGAN (4, 100), (4, 10) ->", cgan_generator(z, y).shape,
      f"| {cgan_generator.count_params():,} parameters")

# %% [markdown] id="nb02-22"
# ### Quiz 02-q2

# %% id="nb02-23"
quiz.ask("02-q2")

# %% id="nb02-24" tags=["answer"] grade_id="02-q2-answer"
# The letter of the description that matches GeneratorCGAN.call
### BEGIN SOLUTION
q2_answer = quiz.sealed("e957335f819335600cc26faaeb375d0e6e425748ae12d98d3623eecfba3e8428")
### END SOLUTION

# %% id="nb02-25" tags=["check"] grade_id="02-q2"
quiz.check("02-q2", q2_answer)


# %% [markdown] id="nb02-26"
# ## 4. Two discriminators
#
# **GAN discriminator:** flatten the image, then fully connected layers 512 → 256 → 128
# (ReLU) → 1. The layers are built in a loop and kept in a Python list; Keras tracks the
# list, so their weights belong to the model. The last layer has no activation: it
# outputs a **logit** (see notebook 01).

# %% id="nb02-27"
class DiscriminatorGAN(Model):
    def __init__(self):
        super().__init__()
        self.flatten = layers.Flatten()
        self.blocks = []
        for f in [512, 256, 128, 1]:
            self.blocks.append(layers.Dense(f, activation=None if f == 1 else "relu"))

    def call(self, x):                    # x: (N, 28, 28, 1)
        x = self.flatten(x)               # (N, 784)
        for block in self.blocks:         # (N, 512) -> (N, 256) -> (N, 128) -> (N, 1)
            x = block(x)
        return x


# %% [markdown] id="nb02-28"
# ### Maxout
#
# The cGAN discriminator of the original paper is built from **Maxout** units (Goodfellow
# et al., 2013). A maxout unit computes several linear functions of its input, the
# *pieces*, and outputs the largest:
#
# $$
# h(x) = \max_{j = 1..k} \big(w_j^\top x + b_j\big).
# $$
#
# The maximum of a few lines is a bent, convex curve, so maxout is an activation function
# that is **learned** rather than fixed. Familiar shapes are special cases:
# $\max(x, 0)$ is ReLU and $\max(x, -x)$ is $|x|$. A maxout layer with `units` outputs
# and `pieces` pieces computes `units * pieces` linear functions at once (one `Dense`
# layer), groups them into `pieces` candidates per unit, and keeps the maximum of each
# group.
#
# The lesson's version differs from the paper in one detail, which we keep: its `Dense`
# layer has a **ReLU** activation, so the pieces are $\max(0, w_j^\top x + b_j)$ rather
# than linear. ReLU never changes which piece is largest, so this is the paper's maxout
# followed by a ReLU: the output can no longer be negative (right panel). It also applies
# Dropout(0.5) to the pieces before taking the maximum, as the paper does.

# %% id="nb02-29" tags=["skip-grading"]
xs = np.linspace(-3, 3, 301)
# (w, b) of three pieces; between x ≈ -1.5 and x ≈ 0.8 all three are negative
pieces = [(-1.0, -1.5), (0.3, -0.6), (1.5, -1.2)]
lines = np.stack([w * xs + b for w, b in pieces])          # (3, 301)

fig, axes = plt.subplots(1, 2, figsize=(10, 3.4), sharey=True)
for ax, relu in zip(axes, [False, True]):
    shown = np.maximum(lines, 0) if relu else lines
    for (w, b), line in zip(pieces, shown):
        ax.plot(xs, line, "--", lw=1, label=f"piece {w:+.1f}x {b:+.1f}")
    ax.plot(xs, shown.max(axis=0), "k", lw=2.5, label="maxout output")
    ax.set_title("lesson: ReLU pieces, then max" if relu
                 else "paper: linear pieces, then max")
    ax.set_xlabel("input x")
    ax.axhline(0, color="0.8", lw=0.8)
axes[0].legend(fontsize=8)
plt.show()

# %% [markdown] id="nb02-30"
# ### Exercise 02-ex1 (2 points): the maximum over the pieces
#
# Write the heart of a maxout layer. `z` is the output of the `Dense` layer, shape
# `(batch, units * pieces)`. View it as `(batch, pieces, units)` (pieces first, exactly
# like the layer below does with `Reshape((-1, pieces, units))`) and take the maximum over
# the **pieces** axis, giving `(batch, units)`. Use `tf.reshape` and `tf.reduce_max`.

# %% id="nb02-31"
quiz.ask("02-ex1")


# %% id="nb02-32" tags=["answer"] grade_id="02-ex1-answer"
def maxout(z, units, pieces):
    """Max over `pieces` groups of `units` values: (N, units*pieces) -> (N, units)."""
    ### BEGIN SOLUTION
    z = tf.reshape(z, (-1, pieces, units))
    return tf.reduce_max(z, axis=1)
    ### END SOLUTION


# %% id="nb02-33" tags=["check"] grade_id="02-ex1"
quiz.check_exercise("02-ex1", maxout)


# %% id="nb02-33b"
from course_lib import models

# What the Maxout layer below uses: your `maxout` if it passed its check, else the library's.
maxout_fn = quiz.use_answer("02-ex1", maxout, models.maxout, what="maxout")


# %% [markdown] id="nb02-34"
# Now the layer itself. It takes its maximum with **your** `maxout`, so your exercise is
# inside the cGAN discriminator that trains below; if it is missing or failed its check
# (the line above says which), the course library's `models.maxout` stands in, so an
# unfinished exercise cannot break the lesson. A custom layer subclasses `layers.Layer`
# and, like a model, creates its sublayers in `__init__` and uses them in `call`.
#
# Two details matter:
#
# * The original lesson grouped the pieces with `Reshape((-1, pieces, units))`, which turns
#   `(N, units*pieces)` into `(N, 1, pieces, units)`: the `-1` leaves an extra axis of
#   length 1, the maximum runs over the **pieces** axis (axis 2 there) and the output is
#   `(N, 1, units)`. Our layer keeps that output shape (last line of `call`). The extra
#   axis is harmless: `Dense` and `Concatenate` work on the last axis.
# * `call` accepts `training` and hands it to Dropout. Dropout only drops anything when
#   `training=True` (more on that in section 6).

# %% id="nb02-35"
class Maxout(layers.Layer):
    def __init__(self, units, pieces):
        super().__init__()
        self.units, self.pieces = units, pieces
        self.dense = layers.Dense(units * pieces, activation="relu")  # the lesson's ReLU
        self.dropout = layers.Dropout(0.5)

    def call(self, x, training=None):
        x = self.dense(x)                          # (N, units*pieces)
        x = self.dropout(x, training=training)     # zeroes half the pieces when training
        x = maxout_fn(x, self.units, self.pieces)  # your 02-ex1: max over pieces, (N, units)
        return tf.reshape(x, (-1, 1, self.units))  # the lesson's output shape (N, 1, units)


# %% [markdown] id="nb02-36"
# **cGAN discriminator:** the image (flattened) goes through `Maxout(240, 5)`, the label
# through `Maxout(50, 5)`; the two results are concatenated and go through
# `Maxout(240, 4)`, and a `Dense(1)` gives the logit. Quiz 02-q3 asks for the widths, so
# the shape comments are left out here; work them out from the layer definitions.

# %% id="nb02-37"
class DiscriminatorCGAN(Model):
    def __init__(self):
        super().__init__()
        self.flatten = layers.Flatten()
        self.image_block = Maxout(240, 5)
        self.label_block = Maxout(50, 5)
        self.combine_block = Maxout(240, 4)
        self.concat = layers.Concatenate()   # created once here, not at every call
        self.dense = layers.Dense(1, activation=None)

    def call(self, image, label, training=None):
        image = self.flatten(image)
        image = self.image_block(image, training=training)
        label = self.label_block(label, training=training)
        x = self.concat([image, label])
        x = self.combine_block(x, training=training)
        return self.dense(x)


# %% [markdown] id="nb02-38"
# ### Quiz 02-q3

# %% id="nb02-39"
quiz.ask("02-q3")

# %% id="nb02-40" tags=["answer"] grade_id="02-q3-answer"
# Widths of the three Maxout outputs: (image branch, label branch, joint block)
### BEGIN SOLUTION
q3_answer = quiz.sealed("e430fc65026b792002146c9cb695929ce308f23c4f27bf7f6f6c88dcaeecdc56")
### END SOLUTION

# %% id="nb02-41" tags=["check"] grade_id="02-q3"
quiz.check("02-q3", q3_answer)

# %% [markdown] id="nb02-41b"
# ### Quiz 02-q4: count the parameters
#
# Widths are half the story; the other half is what each block costs. Compute this one
# from the layer definitions above (the next cell prints only the whole discriminator's
# count).

# %% id="nb02-41c"
quiz.ask("02-q4")

# %% id="nb02-41d" tags=["answer"] grade_id="02-q4-answer"
# Parameters of the image branch Maxout(240, 5): a whole number
### BEGIN SOLUTION
q4_answer = quiz.sealed("485263503314c64d83288dbff9320061883f93c225ecd264edc44b1a1c3c757c")
### END SOLUTION

# %% id="nb02-41e" tags=["check"] grade_id="02-q4"
quiz.check("02-q4", q4_answer)

# %% [markdown] id="nb02-42"
# Let us check by following one image and its label through the discriminator's blocks,
# and build both discriminators in passing:

# %% id="nb02-43" tags=["skip-grading", "reveals-answer"]
gan_discriminator = DiscriminatorGAN()
cgan_discriminator = DiscriminatorCGAN()
x = tf.zeros([1, 28, 28, 1])
y1 = tf.one_hot([7], 10)

d = cgan_discriminator
flat = d.flatten(x)
img = d.image_block(flat)
lab = d.label_block(y1)
joint = d.combine_block(d.concat([img, lab]))
print("flattened image          ", flat.shape)
print("image branch Maxout(240,5)", img.shape)
print("label branch Maxout(50,5) ", lab.shape)
print("joint block Maxout(240,4) ", joint.shape)
print("logit                    ", d(x, y1).shape)
print(f"DiscriminatorGAN:  {gan_discriminator(x).shape} | "
      f"{gan_discriminator.count_params():,} parameters")
print(f"DiscriminatorCGAN: {d(x, y1).shape} | {d.count_params():,} parameters")

# %% [markdown] id="nb02-44"
# **Trap: the axis of the maximum.** Reducing over the wrong axis raises no error, it just
# builds a different layer. Take the maximum over the last axis (the units) instead of the
# pieces, and `Maxout(240, 5)` returns 5 numbers per example instead of 240:

# %% id="nb02-45" tags=["skip-grading"]
grouped = tf.reshape(tf.range(2 * 5 * 240, dtype=tf.float32), (2, 1, 5, 240))
print("max over pieces (axis 2): ", tf.reduce_max(grouped, axis=2).shape)
print("max over units  (axis -1):", tf.reduce_max(grouped, axis=-1).shape)

# %% [markdown] id="nb02-46"
# ## 5. Losses and optimisers
#
# The losses are the ones of notebook 01: binary cross-entropy on logits, with targets
# 1 for real and 0 for fake for the discriminator, and 1 for the generator's fakes.
# They work unchanged for the cGAN, since the label only changes how the logits are
# computed, not how they are judged.

# %% id="nb02-47" tags=["skip-grading"]
bce = keras.losses.BinaryCrossentropy(from_logits=True)


def generator_loss(fake_output):
    return bce(tf.ones_like(fake_output), fake_output)


def discriminator_loss(real_output, fake_output):
    real_loss = bce(tf.ones_like(real_output), real_output)
    fake_loss = bce(tf.zeros_like(fake_output), fake_output)
    return real_loss + fake_loss


# %% [markdown] id="nb02-48"
# **Trap: one optimiser pair for two GANs.** The original lesson created a single pair
# `gene_opt`, `disc_opt` and used it first for the GAN, then for the cGAN. That worked in
# older Keras, silently mixing Adam's running averages of two unrelated networks. In
# Keras 3 an optimiser **binds to the variables it first updates** (it creates one slot
# per variable, at that moment) and refuses any other variable. Watch it happen on two
# throw-away generators:

# %% id="nb02-49" tags=["skip-grading"]
shared_opt = keras.optimizers.Adam(1e-4)
demo_gan, demo_cgan = GeneratorGAN(), GeneratorCGAN()
demo_gan(tf.zeros([1, 100]))
demo_cgan(tf.zeros([1, 100]), tf.zeros([1, 10]))


def zero_gradients(model):
    return [(tf.zeros_like(v), v) for v in model.trainable_variables]


shared_opt.apply_gradients(zero_gradients(demo_gan))   # binds to the GAN's variables
try:
    shared_opt.apply_gradients(zero_gradients(demo_cgan))
except ValueError as err:
    variable = re.search(r"path=([^,]+)", str(err))
    print("ValueError: Unknown variable:", variable.group(1) if variable else err)

# %% [markdown] id="nb02-50"
# The fix is simple: **every network gets its own optimiser**, four in all. (The course
# library's `course_lib.training.make_optimizer` exists for exactly this reason: it always
# returns a fresh one.)

# %% id="nb02-51" tags=["skip-grading"]
gan_gene_opt = keras.optimizers.Adam(1e-4)
gan_disc_opt = keras.optimizers.Adam(1e-4)
cgan_gene_opt = keras.optimizers.Adam(1e-4)
cgan_disc_opt = keras.optimizers.Adam(1e-4)


# %% [markdown] id="nb02-52"
# ## 6. Training the GAN
#
# The step is the one of notebook 01, written with a single **persistent** tape: a normal
# tape can be asked for one gradient only, a persistent one for several, so one tape
# serves both networks. Each optimiser updates its own network's variables.
#
# Every network call passes `training=True`. The GAN's networks have no Dropout or
# BatchNorm, so here it changes nothing, but the cGAN's discriminator depends on it (see
# section 7).

# %% id="nb02-53" tags=["skip-grading"]
@tf.function
def gan_step(real_images):
    noise = tf.random.normal([tf.shape(real_images)[0], 100])     # (N, 100)

    with tf.GradientTape(persistent=True) as tape:
        fake_images = gan_generator(noise, training=True)          # (N, 28, 28, 1)
        real_out = gan_discriminator(real_images, training=True)   # (N, 1) logits
        fake_out = gan_discriminator(fake_images, training=True)
        gene_loss = generator_loss(fake_out)
        disc_loss = discriminator_loss(real_out, fake_out)

    gene_grad = tape.gradient(gene_loss, gan_generator.trainable_variables)
    disc_grad = tape.gradient(disc_loss, gan_discriminator.trainable_variables)
    gan_gene_opt.apply_gradients(zip(gene_grad, gan_generator.trainable_variables))
    gan_disc_opt.apply_gradients(zip(disc_grad, gan_discriminator.trainable_variables))
    return gene_loss, disc_loss


# %% [markdown] id="nb02-54"
# Ten epochs in full mode (4,690 steps, a couple of minutes on a GPU), one short epoch in
# fast mode. The losses are printed every 100 iterations (every 10 in fast mode).

# %% id="nb02-55" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
EPOCHS = config.pick(full=10, fast=1)
PRINT_EVERY = config.pick(full=100, fast=10)

gan_history = {"gen_loss": [], "disc_loss": []}
start = time.time()
for epoch in range(1, EPOCHS + 1):
    for i, images in enumerate(gan_datasets):
        gene_loss, disc_loss = gan_step(images)
        gan_history["gen_loss"].append(float(gene_loss))
        gan_history["disc_loss"].append(float(disc_loss))
        if (i + 1) % PRINT_EVERY == 0:
            print(f"[{epoch}/{EPOCHS} EPOCHS, {i + 1} ITER] "
                  f"G:{float(gene_loss):.4f}, D:{float(disc_loss):.4f}")
print(f"trained {len(gan_history['gen_loss'])} steps in {time.time() - start:.0f} s")

# %% id="nb02-56" tags=["skip-grading"]
viz.loss_curves(gan_history, title="GAN losses per step")
plt.show()

# %% [markdown] id="nb02-57"
# Ten noise vectors, ten samples. After so little training expect blobs, at best rough
# strokes:

# %% id="nb02-58" tags=["skip-grading"]
noise = tf.random.normal([10, 100])
output = gan_generator(noise, training=False)               # (10, 28, 28, 1)
viz.sample_grid(output, rows=2, cols=5, title="GAN after a short training", size=1.5)
plt.show()

# %% [markdown] id="nb02-59"
# ### A GAN trained for hundreds of epochs
#
# Good samples need far more training. The course ships a `GeneratorGAN` trained with
# this very code (the lesson plans 500 epochs; the printed line from the weights' model
# card says how many it got); `course_lib.weights.load_pretrained("gan")` checks the
# file's checksum and architecture and returns a ready model of the same class as ours
# (`course_lib.models.GeneratorGAN`). Notice that the ten samples are *different* digits,
# and you cannot choose which.

# %% id="nb02-60" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
if weights.available("gan"):
    pretrained_gan = weights.load_pretrained("gan")
    print("loaded:", weights.read_manifest()["gan"].get("notes", ""))
    output = pretrained_gan(noise, training=False)
    viz.sample_grid(output, rows=2, cols=5, title="pretrained GAN", size=1.5)
    plt.show()
else:
    print("No pretrained GAN weights in this copy of the course yet. Train them with "
          + weights.spec("gan").how_to_train + ".")

# %% [markdown] id="nb02-61"
# ## 7. Training the cGAN
#
# **Trap: `training=True` and Dropout.** The cGAN discriminator is the first network in
# this course with Dropout. In a custom training loop Keras does not know that you are
# training, and a layer called without `training=True` runs in inference mode, where
# Dropout does nothing. The original lesson's cGAN step called
# `cgan_discriminator(real_images, labels)` with no flag, so its dropout **never ran**.
# You can see the difference: without the flag, the same input gives the same output
# every time; with it, a different half of the pieces is dropped on every call.

# %% id="nb02-62" tags=["skip-grading"]
probe = DiscriminatorCGAN()
x = tf.random.normal([4, 28, 28, 1])
y4 = tf.one_hot([0, 1, 2, 3], 10)
same_without = np.allclose(probe(x, y4), probe(x, y4))
same_with = np.allclose(probe(x, y4, training=True), probe(x, y4, training=True))
print("no flag:       two calls give the same output:", same_without)
print("training=True: two calls give the same output:", same_with)


# %% [markdown] id="nb02-63"
# The cGAN step differs from the GAN step only in the labels: the generator draws the
# requested digits, and the discriminator judges real images with their own labels and
# fakes with the labels they were asked to show.

# %% id="nb02-64" tags=["skip-grading"]
@tf.function
def cgan_step(real_images, labels):
    noise = tf.random.normal([tf.shape(real_images)[0], 100])

    with tf.GradientTape(persistent=True) as tape:
        fake_images = cgan_generator(noise, labels, training=True)
        real_out = cgan_discriminator(real_images, labels, training=True)
        fake_out = cgan_discriminator(fake_images, labels, training=True)
        gene_loss = generator_loss(fake_out)
        disc_loss = discriminator_loss(real_out, fake_out)

    gene_grad = tape.gradient(gene_loss, cgan_generator.trainable_variables)
    disc_grad = tape.gradient(disc_loss, cgan_discriminator.trainable_variables)
    cgan_gene_opt.apply_gradients(zip(gene_grad, cgan_generator.trainable_variables))
    cgan_disc_opt.apply_gradients(zip(disc_grad, cgan_discriminator.trainable_variables))
    return gene_loss, disc_loss


# %% [markdown] id="nb02-65"
# One epoch, for practice (in fast mode: the 40 batches of our slice).

# %% id="nb02-66" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
CGAN_EPOCHS = 1
cgan_history = {"gen_loss": [], "disc_loss": []}
start = time.time()
for epoch in range(1, CGAN_EPOCHS + 1):
    for i, (images, labels) in enumerate(cgan_datasets):
        gene_loss, disc_loss = cgan_step(images, labels)
        cgan_history["gen_loss"].append(float(gene_loss))
        cgan_history["disc_loss"].append(float(disc_loss))
        if (i + 1) % PRINT_EVERY == 0:
            print(f"[{epoch}/{CGAN_EPOCHS} EPOCHS, {i + 1} ITER] "
                  f"G:{float(gene_loss):.4f}, D:{float(disc_loss):.4f}")
print(f"trained {len(cgan_history['gen_loss'])} steps in {time.time() - start:.0f} s")

# %% [markdown] id="nb02-67"
# Asking the briefly trained cGAN for each digit once, 0 to 9:

# %% id="nb02-68" tags=["skip-grading"]
digits = np.arange(10)
output = cgan_generator(tf.random.normal([10, 100]), tf.one_hot(digits, 10),
                        training=False)
viz.sample_grid(output, rows=2, cols=5, labels=[f"asked {d}" for d in digits],
                title="cGAN after one short epoch", size=1.5)
plt.show()

# %% [markdown] id="nb02-69"
# **Trap: weight files.** The original lesson loaded its 500-epoch weights with
# `generator.load_weights(".../GAN_500")`, a TensorFlow checkpoint prefix. Keras 3 no
# longer reads those: it saves weights only to **`.weights.h5`** files (whole models to
# `.keras` files), and loads those or old-style `.h5` files. Saving and reloading our
# cGAN generator the Keras 3 way gives back exactly the same network:

# %% id="nb02-70" tags=["skip-grading"]
scratch = tempfile.TemporaryDirectory(prefix="course02-")   # deleted when the kernel stops
try:
    GeneratorCGAN().load_weights("CGAN_500")
except ValueError as err:
    print("ValueError:", err)

path = Path(scratch.name) / "cgan_generator.weights.h5"
cgan_generator.save_weights(path)
reloaded = GeneratorCGAN()
reloaded(tf.zeros([1, 100]), tf.zeros([1, 10]))   # create the weights, then fill them
reloaded.load_weights(path)
z10, y10 = tf.random.normal([10, 100]), tf.one_hot(digits, 10)
print("saved and reloaded", path.name, "| same outputs:",
      np.allclose(reloaded(z10, y10), cgan_generator(z10, y10)))

# %% [markdown] id="nb02-71"
# ## 8. Draw the digit you want
#
# Now the pay-off. Load the cGAN generator trained for hundreds of epochs (or, if your
# copy of the course does not have it yet, keep the one we just trained), pick a digit,
# and ask for ten different versions of it: same label, ten noise vectors.
#
# In Jupyter or Colab a slider appears below: move it, then run the cell after it again.
# Without a live notebook frontend (for example in automated runs) `number` keeps its
# default value.

# %% id="nb02-72" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
if weights.available("cgan"):
    generator = weights.load_pretrained("cgan")
    print("loaded:", weights.read_manifest()["cgan"].get("notes", ""))
else:
    generator = cgan_generator
    print("No pretrained cGAN weights in this copy of the course yet, so this uses the "
          "cGAN trained above. Train them with " + weights.spec("cgan").how_to_train + ".")

# %% id="nb02-73" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
number = 7  # the digit to draw, 0-9

if quiz.has_frontend():
    import ipywidgets as widgets

    picker = widgets.IntSlider(value=number, min=0, max=9, description="number")

    def _remember(change):
        global number
        number = change["new"]

    picker.observe(_remember, names="value")
    display(picker)
print(f"number = {number}")

# %% id="nb02-74" tags=["skip-grading"]
noise = tf.random.normal([10, 100])
label = tf.one_hot(number, 10)                 # (10,)
label = tf.expand_dims(label, axis=0)          # (1, 10)
label = tf.repeat(label, 10, axis=0)           # (10, 10): the same digit ten times

output = generator(noise, label, training=False)
viz.sample_grid(output, rows=2, cols=5, title=f"ten samples of the digit {number}",
                size=1.5)
plt.show()

# %% [markdown] id="nb02-74b"
# ## 9. Which digits does each generator draw? Mode collapse in a histogram
#
# Ten samples are too few to judge a generator. Let the course's MNIST classifier
# (`weights.load_pretrained("mnist-classifier")`, the one behind `python -m course_lib eval`)
# read 1,000 samples of each pretrained generator and count the digits it sees. A generator
# that has learned the whole data set draws each digit about 10 % of the time (the dashed
# line). For the cGAN we ask for each digit 100 times, so its bars also show whether it
# obeys the label.
#
# When a GAN's generator settles on the few kinds of digit that fool the discriminator best
# and neglects the others, that is **mode collapse**. Nothing in the GAN loss prevents it:
# the discriminator judges one image at a time, so a generator that draws only some digits,
# well, is not punished for the digits it never draws. The cGAN cannot drop a digit: the
# label asks for each one, and $D(x \mid y)$ rejects a wrong one.
# (`course_lib.evaluation.sample_quality` computes the unconditional histogram.)

# %% id="nb02-74c" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
from course_lib import evaluation

if all(weights.available(name) for name in ("gan", "cgan", "mnist-classifier")):
    classifier = weights.load_pretrained("mnist-classifier")
    gan_counts = evaluation.sample_quality(weights.load_pretrained("gan"), classifier,
                                           n=1000, seed=0)["class_histogram"]
    cgan_model = weights.load_pretrained("cgan")
    cgan_counts = np.zeros(10, dtype=int)
    for digit in range(10):  # ask for each digit 100 times; count what the classifier reads
        probs = evaluation.predict_probabilities(
            classifier, weights.sample_digits(cgan_model, 100, digit, seed=digit))
        cgan_counts += np.bincount(probs.argmax(axis=1), minlength=10)
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.4), sharey=True)
    for ax, counts, title in ((axes[0], gan_counts, "pretrained GAN: 1,000 samples"),
                              (axes[1], cgan_counts, "pretrained cGAN: each digit asked 100×")):
        ax.bar(range(10), counts)
        ax.axhline(100, color="0.3", ls="--", lw=1, label="balanced: 100 per digit")
        ax.set_xticks(range(10))
        ax.set_xlabel("digit the classifier reads")
        ax.set_title(title)
    axes[0].set_ylabel("samples")
    axes[0].legend()
    plt.show()
else:
    for name in ("gan", "cgan", "mnist-classifier"):
        if not weights.available(name):
            print(weights.unavailable_reason(name))

# %% [markdown] id="nb02-74d"
# ### Quiz 02-q5: read the histogram

# %% id="nb02-74e"
quiz.ask("02-q5")

# %% id="nb02-74f" tags=["answer"] grade_id="02-q5-answer"
# The letter of the statement the GAN's histogram shows
### BEGIN SOLUTION
q5_answer = quiz.sealed("05f6b3bd079cb0a7fe8075a90b06df778c8baf9b167ee46f19386df04ec44257")
### END SOLUTION

# %% id="nb02-74g" tags=["check"] grade_id="02-q5"
quiz.check("02-q5", q5_answer)

# %% [markdown] id="nb02-75"
# ## Summary
#
# * A cGAN feeds the condition $y$ to **both** networks: $G(z \mid y)$ draws the requested
#   class and $D(x \mid y)$ judges image and label together, which makes the generator
#   obey the label. The losses are unchanged.
# * Subclassed models (`__init__` + `call`) handle two inputs naturally; they create their
#   weights on the first call.
# * Maxout keeps the largest of several pieces; take the maximum over the **pieces** axis.
#   The lesson's pieces pass through ReLU, unlike the paper's linear ones.
# * Keras 3 traps: one optimiser per network (they bind to their variables); pass
#   `training=True` in custom loops or Dropout never runs; weight files end in
#   `.weights.h5`.
#
# Everything here is also in the course library: `course_lib.models.GeneratorGAN`,
# `GeneratorCGAN`, `DiscriminatorGAN`, `Maxout`, `DiscriminatorCGAN`, the losses in
# `course_lib.losses`, and `python -m course_lib train cgan` trains the 500-epoch
# generator with checkpoints and automatic resume.
#
# Next, notebook 03 makes the condition an entire **image**: Pix2Pix.

# %% id="nb02-76" tags=["reveals-answer"]
print(quiz.summary())
