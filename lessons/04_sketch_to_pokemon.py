# %% [markdown] id="nb04-00"
# # 04 · Sketch → Pokémon: Pix2Pix with the subclassing API
#
# Notebook 03 built Pix2Pix with Keras' *functional* API on building facades. Here we take a
# new task, **colouring line drawings of Pokémon**, and rebuild every network with the
# **subclassing API** (as notebook 02 did for the MLP GANs): layers and models as Python
# classes with an `__init__` that creates the parts and a `call` that wires them.
#
# Along the way:
#
# 1. the data, and a visual check of which half of each file is the sketch;
# 2. augmentation of *paired* images on a 6-channel stack (your exercise);
# 3. `EncoderBlock` and `DecoderBlock` layers, a plain **encoder–decoder** generator, then the
#    **U-Net** with skip connections, and a **PatchGAN** built from the same blocks;
# 4. training both generators with `course_lib.training` (checkpointed, resumable) and
#    comparing them; then colouring test sketches with the course's pretrained generator.
#
# **Fast mode** trains each generator for a handful of steps on a handful of pairs, so their
# outputs are still mud; the full lesson trains 10 epochs with batch 1.

# %% id="nb04-01"
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

# %% id="nb04-02"
# NBVAL_IGNORE_OUTPUT
import shutil
import tempfile
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers

from course_lib import config, data, losses, quiz, training, viz, weights

SEED = 42
keras.utils.set_random_seed(SEED)  # seeds Python, NumPy and TensorFlow in one call
# %config InlineBackend.figure_formats = ["jpeg"]  # photos: far smaller notebooks than PNG
plt.rcParams["figure.dpi"] = 72
print(config.describe())  # fast or full mode, GPU or CPU, where the data is

# %% [markdown] id="nb04-03"
# ## 1. The data: Sketch2Pokemon, or derived pairs
#
# The lesson uses **Sketch2Pokemon** (Kaggle, `norod78/sketch2pokemon`): about 830 training
# pairs, each a 512×256 image with a sketch and the coloured Pokémon side by side, plus a
# small test split. Its sketches were themselves made by a sketch-generation model.
#
# `course_lib.data.pokemon_pairs_files(split)` returns that dataset when it is present (or
# can be fetched with `kagglehub`). When it is not, which is the case for the course's
# offline copy, it builds **DERIVED pairs** instead: from the official Pokémon artwork
# (Kaggle `kvpratama/pokemon-images-dataset`, 819 images), each artwork is put on a white
# background (the colour target) and `course_lib.data.make_sketch` draws a line sketch of it
# (the input). These are **not** the Sketch2Pokemon pairs: our sketches come from a
# deterministic edge filter, not from a model, and the split is every 20th artwork for test.
# Everything below says which data it used.
#
# To use the real dataset: `pip install kagglehub` (with a Kaggle account configured) and
# rerun, or download the zip from <https://www.kaggle.com/datasets/norod78/sketch2pokemon>
# and run `python -m course_lib data import sketch2pokemon sketch2pokemon.zip`.

# %% id="nb04-04"
# NBVAL_IGNORE_OUTPUT
try:
    train_files = data.pokemon_pairs_files("train")
    test_files = data.pokemon_pairs_files("test")
except data.DataError as err:  # neither dataset here: the embedded sample (6 artworks)
    print(err)
    train_files = data.pokemon_pairs_files("train", sample=True)
    test_files = data.pokemon_pairs_files("test", sample=True)

DERIVED = "derived" in Path(train_files[0]).parent.parent.name
DATA_LABEL = ("DERIVED pairs (make_sketch on official artwork)" if DERIVED
              else "Sketch2Pokemon (norod78)")
print(f"{len(train_files)} training pairs, {len(test_files)} test pairs: {DATA_LABEL}")

# %% [markdown] id="nb04-05"
# ### Which half is which?
#
# Never trust a description of a paired dataset: look, and measure. A sketch is grey, a
# coloured Pokémon is not, so the mean colour *saturation* of each half tells them apart.

# %% id="nb04-06"
raw = plt.imread(train_files[0])[..., :3]  # (256, 512, 3), floats in [0, 1] for a PNG
raw = np.asarray(raw * 255 if raw.dtype != np.uint8 else raw, np.uint8)
left, right = raw[:, :256], raw[:, 256:]
saturation = {name: float(tf.reduce_mean(tf.image.rgb_to_hsv(half / 255.0)[..., 1]))
              for name, half in (("left", left), ("right", right))}
print(f"mean saturation: left {saturation['left']:.2f}, right {saturation['right']:.2f}")
print("the sketch (input) is the LEFT half:", saturation["left"] < saturation["right"])

fig, ax = plt.subplots(figsize=(8, 4.3))
ax.imshow(raw)
ax.axvline(255.5, color="red", linestyle="--")
ax.set_title(f"{Path(train_files[0]).name} [{DATA_LABEL}]\n"
             "LEFT = sketch (input)   |   RIGHT = colour (target)")
ax.axis("off")
plt.show()

# %% [markdown] id="nb04-07"
# So the **input is on the left** this time (facades had it on the right):
# `data.load(path, input_side="left")` reads these files.
#
# How the derived sketches are drawn: `make_sketch` blurs the grey image at two scales and
# subtracts, $D = G_\sigma * g - \tau\, G_{1.6\sigma} * g$ (a *difference of Gaussians*,
# the edge-only member of the XDoG family). Flat areas give $D \ge 0$ and stay white; the
# dark side of every edge gives $D < 0$ and becomes a soft dark line. Applied to the
# colour half of a pair, it reproduces a derived sketch exactly; on the real dataset it
# shows how our sketches differ from the model-made ones.

# %% id="nb04-08"
redrawn = data.make_sketch(right)  # uint8 (256, 256, 3) grey lines on white
print("make_sketch(colour half) equals the sketch half:",
      bool(np.array_equal(redrawn, left)))
viz.sample_grid(np.stack([right, left, redrawn]) / 127.5 - 1, rows=1, cols=3, size=3,
                labels=["colour half", "sketch half", "make_sketch(colour half)"])
plt.show()


# %% [markdown] id="nb04-09"
# Loading a pair is the facades `load` with the halves swapped. The library's version is
# `data.load(path, input_side="left")`.

# %% id="nb04-10"
def load_pair(path):
    """Pair file -> (sketch, colour), float32 (256, 256, 3) each, in [0, 255]."""
    image = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
    half = tf.shape(image)[1] // 2
    sketch, colour = image[:, :half, :], image[:, half:, :]  # LEFT = input sketch
    return tf.cast(sketch, tf.float32), tf.cast(colour, tf.float32)


sketch, colour = load_pair(train_files[0])
print("sketch:", sketch.shape, "colour:", colour.shape)

# %% [markdown] id="nb04-11"
# ## 2. Augmenting paired images
#
# We have fewer than a thousand pairs, so augmentation matters. The rule for *paired*
# data: every random geometric change must hit the sketch and its colour image in exactly
# the same way, or the network learns to colour a sketch with the paint of a shifted or
# flipped drawing. The trick from notebook 03 (stack, then crop once) generalises:
# concatenate the pair along the channels into one **(256, 256, 6)** tensor, transform
# that, and split it again.
#
# The lesson's recipe, step by step on one pair:
#
# 1. **pad** 30 pixels on every side, by *reflection* (mirror the border) or with a
#    *constant* (white here);
# 2. **random crop** back to 256×256, which shifts the drawing by up to ±30 pixels;
# 3. random **left–right** and **up–down flips**;
# 4. a random **rotation by a multiple of 90°** (`tf.image.rot90`).
#
# Flips and rotations are fine for Pokémon (a mirrored or sideways Pokémon is still a
# coloured drawing); they would not be for street scenes, where the sky is always up.

# %% id="nb04-12"
pair = tf.concat([sketch, colour], axis=-1)  # (256, 256, 6)
paddings = [[30, 30], [30, 30], [0, 0]]
reflected = tf.pad(pair, paddings, mode="REFLECT")  # (316, 316, 6)
constant = tf.pad(pair, paddings, mode="CONSTANT", constant_values=255.0)  # white border
cropped = tf.image.random_crop(reflected, size=[256, 256, 6])  # (256, 256, 6)
flipped = tf.image.flip_left_right(tf.image.flip_up_down(cropped))
rotated = tf.image.rot90(flipped, k=1)  # a quarter turn counter-clockwise
steps = {"pair": pair, "reflect pad": reflected, "constant pad": constant,
         "random crop": cropped, "both flips": flipped, "rot90": rotated}
for name, value in steps.items():
    print(f"{name:>12}: {tuple(value.shape)}")

fig, axes = plt.subplots(2, len(steps), figsize=(2.3 * len(steps), 4.8))
for col, (name, value) in enumerate(steps.items()):
    axes[0, col].imshow(value[..., :3] / 255.0)  # the sketch channels
    axes[1, col].imshow(value[..., 3:] / 255.0)  # the colour channels
    axes[0, col].set_title(name)
for ax in axes.flat:
    ax.axis("off")
plt.show()


# %% [markdown] id="nb04-13"
# ### Exercise 04-ex1: a paired augmentation
#
# Write `augment_pair(sketch, colour)` for images that are **already normalised** to
# $[-1, 1]$ (do not rescale them): stack to 6 channels, pad 30 pixels (by reflection, or
# with zeros via `mode="CONSTANT"`), random-crop back to 256×256, random left–right and
# up–down flips, a random multiple of 90° rotation, and split back into `(sketch, colour)`.
# It must be random (a different result on each call) and keep the two images aligned.
#
# Your function is the augmentation the training pipeline below applies, once it passes
# the check (the line after the check says which); until then the pipeline uses the
# library's `data.paired_augment` (the same recipe), so the lesson runs whatever state your
# answer is in.

# %% id="nb04-14" tags=["answer"] grade_id="04-ex1-answer"
def augment_pair(sketch, colour):
    """Same random pad/crop/flips/rot90 for both images; (256, 256, 3) each, in [-1, 1]."""
    ### BEGIN SOLUTION
    pair = tf.concat([sketch, colour], axis=-1)  # (256, 256, 6)
    paddings = [[30, 30], [30, 30], [0, 0]]
    if tf.random.uniform(()) < 0.5:
        pair = tf.pad(pair, paddings, mode="REFLECT")
    else:
        pair = tf.pad(pair, paddings, mode="CONSTANT")  # zeros: mid-grey in [-1, 1]
    pair = tf.image.random_crop(pair, size=[256, 256, 6])
    pair = tf.image.random_flip_left_right(pair)
    pair = tf.image.random_flip_up_down(pair)
    pair = tf.image.rot90(pair, k=tf.random.uniform((), 0, 4, dtype=tf.int32))
    return pair[..., :3], pair[..., 3:]
    ### END SOLUTION


# %% id="nb04-15" tags=["check"] grade_id="04-ex1"
quiz.check_exercise("04-ex1", augment_pair)

# %% id="nb04-15b"
# What the training pipeline applies: your function if it passed its check, else the library's.
augment_fn = quiz.use_answer("04-ex1", augment_pair, data.paired_augment,
                             what="paired augmentation")

# %% [markdown] id="nb04-15c"
# ### Quiz 04-q2: which one breaks the pairs?

# %% id="nb04-15d"
quiz.ask("04-q2")

# %% id="nb04-15e" tags=["answer"] grade_id="04-q2-answer"
# The letter of the augmentation that breaks the pairing
### BEGIN SOLUTION
q2_answer = quiz.sealed("025a69088bacec6f12f28840de93df13abe8cad38bf7e31375a3f6a69a355ee5")
### END SOLUTION

# %% id="nb04-15f" tags=["check"] grade_id="04-q2"
quiz.check("04-q2", q2_answer)

# %% [markdown] id="nb04-16"
# ### The training and test pipelines
#
# `data.pokemon_dataset(files, training=True, batch_size, augment=augment_fn)` reads the
# files, caches the encoded bytes, shuffles, normalises, and applies `augment_fn` (your
# `augment_pair`, or the library's) to every pair (fresh random choices each epoch);
# `training=False` only resizes and normalises. Eight training examples as the network
# will see them (sketch above, target below):

# %% id="nb04-17"
# Batch 1, as in notebook 03: at inference each image is normalised by its own BatchNorm
# statistics (training=True), which matches training only when training saw one image at a
# time. (Batch 4 was this lesson's first choice; its model coloured worse than the sketch.)
BATCH_SIZE = 1
EPOCHS = config.pick(10, 1)
train_subset = train_files[:config.pick(None, 4)]  # fast mode: a handful of pairs

train_dataset = data.pokemon_dataset(train_subset, training=True, batch_size=BATCH_SIZE,
                                     augment=augment_fn)  # your 04-ex1, or the library's
test_dataset = data.pokemon_dataset(test_files, training=False, batch_size=1)

examples = list(data.pokemon_dataset(train_files[:1], training=True, batch_size=1,
                                     augment=augment_fn)
                .repeat(8))  # eight augmentations of one pair
sketches = np.concatenate([s for s, _ in examples])  # (8, 256, 256, 3) in [-1, 1]
colours = np.concatenate([c for _, c in examples])
viz.sample_grid(np.concatenate([sketches, colours]), rows=2, cols=8, size=1.6,
                title=f"{augment_fn.__name__}: 8 draws, sketch (top) and target (bottom)")
plt.show()


# %% [markdown] id="nb04-18"
# ## 3. The networks, by subclassing
#
# A subclassed **layer** creates its sub-layers in `__init__` and uses them in
# `call(x, training=None)`. Passing `training` on to BatchNorm and Dropout matters: it is
# how the block knows whether to use batch statistics and drop units.
#
# * `EncoderBlock(filters)`: Conv2D 4×4 stride 2 (no bias) → BatchNorm (optional) →
#   LeakyReLU(0.2). Halves height and width.
# * `DecoderBlock(filters)`: Conv2DTranspose 4×4 stride 2 (no bias) → BatchNorm →
#   Dropout(0.5) (optional) → ReLU. Doubles height and width.
#
# `course_lib.models` has the same classes (`EncoderBlock`, `DecoderBlock`,
# `EncoderDecoderGenerator`, `UNetGenerator`, `PatchGANDiscriminator`); the pretrained
# Pokémon generator uses the library's `UNetGenerator`.

# %% id="nb04-19"
def init():
    return keras.initializers.RandomNormal(0.0, 0.02)  # the paper's N(0, 0.02)


class EncoderBlock(layers.Layer):
    """Conv2D(stride 2) -> [BatchNorm] -> LeakyReLU(0.2): halves height and width."""

    def __init__(self, filters, kernel=4, strides=2, use_bn=True, padding="same",
                 **kwargs):
        super().__init__(**kwargs)
        self.conv = layers.Conv2D(filters, kernel, strides=strides, padding=padding,
                                  kernel_initializer=init(), use_bias=False)
        self.batchnorm = layers.BatchNormalization() if use_bn else None
        self.lrelu = layers.LeakyReLU(0.2)

    def call(self, x, training=None):
        x = self.conv(x)
        if self.batchnorm is not None:
            x = self.batchnorm(x, training=training)
        return self.lrelu(x)


class DecoderBlock(layers.Layer):
    """Conv2DTranspose(stride 2) -> BatchNorm -> [Dropout 0.5] -> ReLU: doubles H and W."""

    def __init__(self, filters, dropout=True, **kwargs):
        super().__init__(**kwargs)
        self.convt = layers.Conv2DTranspose(filters, 4, strides=2, padding="same",
                                            kernel_initializer=init(), use_bias=False)
        self.batchnorm = layers.BatchNormalization()
        self.dropout = layers.Dropout(0.5) if dropout else None
        self.relu = layers.ReLU()

    def call(self, x, training=None):
        x = self.batchnorm(self.convt(x), training=training)
        if self.dropout is not None:
            x = self.dropout(x, training=training)
        return self.relu(x)


probe = tf.zeros((1, 256, 256, 3))
encoded = EncoderBlock(64)(probe)
print("EncoderBlock(64):", encoded.shape)
print("DecoderBlock(64):", DecoderBlock(64)(encoded).shape)

# %% [markdown] id="nb04-19b"
# ### Quiz 04-q1: what a block costs
#
# The encoder's second block is `EncoderBlock(128)` on the first block's 64 channels.
# Count its parameters from the definition above.

# %% id="nb04-19c"
quiz.ask("04-q1")

# %% id="nb04-19d" tags=["answer"] grade_id="04-q1-answer"
# Parameters of EncoderBlock(128) on a 64-channel input: a whole number
### BEGIN SOLUTION
q1_answer = quiz.sealed("812c96a972de0bfef44612d0ddcdc3265dd41c35f0c7957af02e3c17a8dfb0b7")
### END SOLUTION

# %% id="nb04-19e" tags=["check"] grade_id="04-q1"
quiz.check("04-q1", q1_answer)

# %% [markdown] id="nb04-20"
# ### The plain encoder–decoder
#
# Eight encoder blocks take 256×256×3 down to a 1×1×512 bottleneck; seven decoder blocks
# and a last transposed convolution bring it back to 256×256×3. No skips: whatever the
# output needs must pass through those 512 numbers.

# %% id="nb04-21" tags=["skip-grading"]
ENCODER_FILTERS = (64, 128, 256, 512, 512, 512, 512, 512)  # 256 -> 1 in eight halvings
DECODER_FILTERS = (512, 512, 512, 512, 256, 128, 64)  # 1 -> 128 in seven doublings


class EncoderDecoderGenerator(keras.Model):
    """Sketch (N, 256, 256, 3) -> colour (N, 256, 256, 3), [-1, 1], via a 1x1 bottleneck."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # No BatchNorm on the first block; dropout on the first three decoder blocks.
        self.encoder = [EncoderBlock(f, use_bn=i > 0)
                        for i, f in enumerate(ENCODER_FILTERS)]
        self.decoder = [DecoderBlock(f, dropout=i < 3)
                        for i, f in enumerate(DECODER_FILTERS)]
        self.last = layers.Conv2DTranspose(3, 4, strides=2, padding="same",
                                           kernel_initializer=init(), activation="tanh")

    def call(self, x, training=None):
        for block in self.encoder:
            x = block(x, training=training)
        for block in self.decoder:
            x = block(x, training=training)
        return self.last(x)

    def trace_shapes(self, x):
        """Print the shape after every block (a reading aid, not used in training)."""
        for i, block in enumerate(self.encoder):
            x = block(x)
            print(f"encoder {i + 1}: {tuple(x.shape)}")
        for i, block in enumerate(self.decoder):
            x = block(x)
            print(f"decoder {i + 1}: {tuple(x.shape)}")
        print(f"last:      {tuple(self.last(x).shape)}")


encoder_decoder = EncoderDecoderGenerator()
encoder_decoder(probe)  # a subclassed model creates its weights on its first call
encoder_decoder.trace_shapes(probe)
print(f"encoder-decoder parameters: {encoder_decoder.count_params():,}")


# %% [markdown] id="nb04-22"
# ### The U-Net
#
# Same blocks, one change in `call`: remember every encoder output and concatenate it to
# the decoder output of the same size. Decoder block $i$ now receives twice the channels,
# which is where the extra 15 million parameters come from. Subclassing makes this a
# small edit: we inherit `__init__` and only rewrite `call`.

# %% id="nb04-23" tags=["skip-grading"]
class UNetGenerator(EncoderDecoderGenerator):
    """The encoder-decoder plus skip connections between mirrored blocks."""

    def call(self, x, training=None):
        features = []
        for block in self.encoder:
            x = block(x, training=training)
            features.append(x)  # 128x128x64, 64x64x128, ..., 1x1x512
        skips = reversed(features[:-1])  # the bottleneck has no partner
        for block, skip in zip(self.decoder, skips):
            x = tf.concat([block(x, training=training), skip], axis=-1)  # doubled channels
        return self.last(x)


unet = UNetGenerator()
print("U-Net output:", unet(probe).shape)
print(f"U-Net parameters: {unet.count_params():,}")


# %% [markdown] id="nb04-24"
# 54,425,859 parameters: exactly the functional U-Net of notebook 03, built another way.
#
# ### The PatchGAN discriminator, from encoder blocks
#
# Three encoder blocks (64 without BatchNorm, 128, 256), zero padding, a stride-1 encoder
# block with 512 filters and `"valid"` padding, zero padding again, and a 1-channel 4×4
# convolution: **30×30 logits**, each judging a 70×70 patch of the (sketch, colour) pair.

# %% id="nb04-25" tags=["skip-grading"]
class PatchGANDiscriminator(keras.Model):
    """[sketch, colour], each (N, 256, 256, 3) -> logits (N, 30, 30, 1)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.blocks = [EncoderBlock(64, use_bn=False),  # (N, 128, 128, 64)
                       EncoderBlock(128),  # (N, 64, 64, 128)
                       EncoderBlock(256)]  # (N, 32, 32, 256)
        self.pad1 = layers.ZeroPadding2D()  # (N, 34, 34, 256)
        self.block4 = EncoderBlock(512, strides=1, padding="valid")  # (N, 31, 31, 512)
        self.pad2 = layers.ZeroPadding2D()  # (N, 33, 33, 512)
        self.out = layers.Conv2D(1, 4, kernel_initializer=init())  # (N, 30, 30, 1)

    def call(self, inputs, training=None):
        x = tf.concat(list(inputs), axis=-1)  # (N, 256, 256, 6)
        for block in self.blocks:
            x = block(x, training=training)
        x = self.block4(self.pad1(x), training=training)
        return self.out(self.pad2(x))


discriminator = PatchGANDiscriminator()
sketch_batch = (sketch / 127.5 - 1)[tf.newaxis]  # (1, 256, 256, 3) in [-1, 1]
logits = discriminator([sketch_batch, unet(sketch_batch, training=True)])
print("PatchGAN output:", logits.shape)
print(f"PatchGAN parameters: {discriminator.count_params():,}")
viz.patch_heatmap(logits[0], title="untrained PatchGAN on (sketch, U-Net output)")
plt.show()


# %% [markdown] id="nb04-26"
# ## 4. Training both generators
#
# The objective is notebook 03's. The discriminator learns to tell real pairs from
# generated ones, and the generator is pushed by both a GAN term and an L1 term:
#
# $$G^* = \arg\min_G \max_D \; \mathcal{L}_{cGAN}(G, D) + \lambda\,
#   \mathbb{E}_{x,y}\big[\lVert y - G(x) \rVert_1\big], \qquad \lambda = 100 .$$
#
# In code, `losses.pix2pix_generator_loss` returns
# $\text{BCE}(1, D(x, G(x))) + \lambda \cdot \text{mean}|y - G(x)|$ together with its two
# parts, and `losses.pix2pix_discriminator_loss` is
# $\text{BCE}(1, D(x, y)) + \text{BCE}(0, D(x, G(x)))$, both on the 30×30 patch logits.
#
# The subclassing API also covers *training*: a `keras.Model` subclass may override
# `train_step(batch)`. `course_lib.training.Pix2PixTrainer` is such a subclass; its
# `compile` takes one optimizer per network, and `training.fit` drives any such trainer
# with a progress bar, TensorBoard scalars and a checkpoint (both networks, both
# optimizers, the step counter) every `checkpoint_every` steps. Below we subclass it once
# more and write the step out in full, so you can read exactly what one update does. Run
# `fit` again with the same `checkpoint_dir` after a Colab disconnect and it prints
# `Resuming from step N`.

# %% id="nb04-27" tags=["skip-grading"]
class SketchColouring(training.Pix2PixTrainer):
    """Pix2Pix trainer; a batch is (sketch, colour), each (B, 256, 256, 3) in [-1, 1]."""

    def train_step(self, batch):
        sketch, colour = batch
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generator(sketch, training=True)  # (B, 256, 256, 3)
            # PatchGAN logits (B, 30, 30, 1): the real pair, then the generated pair
            real_logits = self.discriminator([sketch, colour], training=True)
            fake_logits = self.discriminator([sketch, fake], training=True)
            gen_total, gen_gan, gen_l1 = losses.pix2pix_generator_loss(
                fake_logits, fake, colour, self.lam)  # lam = 100
            disc_loss = losses.pix2pix_discriminator_loss(real_logits, fake_logits)
        # Each tape differentiates its own loss w.r.t. its own network's variables,
        # and each network has its own optimizer.
        g_vars = self.generator.trainable_variables
        d_vars = self.discriminator.trainable_variables
        self.g_optimizer.apply_gradients(zip(g_tape.gradient(gen_total, g_vars), g_vars))
        self.d_optimizer.apply_gradients(zip(d_tape.gradient(disc_loss, d_vars), d_vars))
        return {"gen_total_loss": gen_total, "gen_gan_loss": gen_gan,
                "gen_l1_loss": gen_l1, "disc_loss": disc_loss}


# %% [markdown] id="nb04-28"
# Each generator gets its **own discriminator and its own two optimizers**: four Adam
# objects in all, each `Adam(2e-4, beta_1=0.5)`. Keras 3 optimizers bind to the variables
# they first update, so one optimizer cannot serve two networks; sharing a discriminator
# would also mix the two experiments.
#
# The lesson's numbers are batch 1 for 10 epochs; fast mode runs one epoch of batch 1 over
# four pairs, a single checkpoint at the end, and records the losses after every step
# (without a progress bar: four steps need none).

# %% id="nb04-29" tags=["skip-grading"]
RUN_DIR = (Path(tempfile.mkdtemp(prefix="pix2pix-pokemon-")) if config.is_fast()
           else config.repo_root() / "runs" / "04_sketch_to_pokemon")
STEPS = EPOCHS * int(np.ceil(len(train_subset) / BATCH_SIZE))
print(f"{len(train_subset)} pairs, batch {BATCH_SIZE}, {EPOCHS} epoch(s): {STEPS} steps "
      f"per generator [{DATA_LABEL}]")


def train_generator(name, generator):
    """Train `generator` against a fresh PatchGAN; returns (trainer, loss history)."""
    disc = PatchGANDiscriminator()
    disc([probe, generator(probe)])  # subclassed models create their weights on a call
    trainer = SketchColouring(generator, disc)
    trainer.compile(keras.optimizers.Adam(2e-4, beta_1=0.5),  # one optimizer each
                    keras.optimizers.Adam(2e-4, beta_1=0.5))
    history = training.fit(trainer, train_dataset, STEPS,
                           checkpoint_dir=RUN_DIR / name / "checkpoints",
                           checkpoint_every=config.pick(500, STEPS),
                           logdir=RUN_DIR / name / "logs",
                           steps_per_call=config.pick(10, 1),
                           progress=not config.is_fast())
    return trainer, history


# %% id="nb04-30" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
keras.utils.set_random_seed(SEED)
ed_trainer, ed_history = train_generator("encoder_decoder", encoder_decoder)

# %% id="nb04-31" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
keras.utils.set_random_seed(SEED)
unet_trainer, unet_history = train_generator("unet", unet)

# %% id="nb04-32" tags=["skip-grading"]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
for label, hist in (("encoder-decoder", ed_history), ("U-Net", unet_history)):
    axes[0].plot(hist["step"], hist["gen_l1_loss"], marker="o", label=label)
    axes[1].plot(hist["step"], hist["disc_loss"], marker="o", label=label)
for ax, title in zip(axes, ("generator L1 loss", "discriminator loss")):
    ax.set_xlabel("step")
    ax.set_title(title)
    ax.legend()
plt.show()


# %% [markdown] id="nb04-33"
# (`training.fit` records the losses once per call of `steps_per_call` steps: every 10
# steps in full mode, every step in fast mode. TensorBoard has the same scalars:
# `%load_ext tensorboard` then `%tensorboard --logdir {RUN_DIR}`.) Four steps are far
# too few for a trend; over the full lesson the L1 loss falls while the two adversarial
# losses keep hovering, as in notebook 03.
#
# ### Encoder–decoder vs U-Net
#
# Test sketches through both generators (with `training=True`, as notebook 03 explained):

# %% id="nb04-34" tags=["skip-grading"]
def colour_grid(models, n, title):
    """Rows of test pairs: Sketch | Ground Truth | one column per generator."""
    columns = ["Sketch", "Ground Truth", *models]
    images = []
    for sketch_in, colour_true in test_dataset.take(n):
        images += [sketch_in[0], colour_true[0]]
        images += [model(sketch_in, training=True)[0] for model in models.values()]
    viz.sample_grid(np.stack(images), rows=n, cols=len(columns), size=2.2,
                    labels=columns * n, title=title)
    plt.show()


colour_grid({"Encoder-Decoder": encoder_decoder, "U-Net": unet}, 3,
            f"after {STEPS} training steps [{DATA_LABEL}]")

# %% [markdown] id="nb04-35"
# A few steps are nowhere near enough to colour anything, yet the architectures already
# differ: the U-Net's output tends to show the sketch's outlines from the first steps
# (its skips pass them straight through), while the encoder–decoder starts from a flat,
# featureless image. After the full lesson the difference is the one the Pix2Pix paper
# reports: the encoder–decoder gets the rough colour of the body but smears the outline,
# because position detail has to survive the 1×1 bottleneck; the U-Net keeps crisp
# outlines (the skips hand the sketch's lines straight to the last layers) and spends its
# effort on colour.
#
# ## 5. Colouring test sketches with the pretrained generator
#
# The course can ship a U-Net (the library's `UNetGenerator`) trained on the same
# `pokemon_pairs_files("train")` data, which on the offline copy means DERIVED pairs. When
# it is present, its model card in `weights/manifest.json` says what it was trained on and
# for how long, and the cell below colours six test sketches with it. When it is not,
# `weights.available("pix2pix-pokemon")` is False and the cell says how to make one.

# %% id="nb04-36" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
if weights.available("pix2pix-pokemon"):
    pretrained = weights.load_pretrained("pix2pix-pokemon")
    print(weights.card_line("pix2pix-pokemon"))
    shown = []
    for i, (sketch_in, colour_true) in enumerate(test_dataset.take(6)):
        coloured = weights.translate_image(pretrained, sketch_in[0].numpy(), seed=i)
        shown += [sketch_in[0].numpy(), coloured, colour_true[0].numpy()]
    viz.sample_grid(np.stack(shown), rows=3, cols=6, size=2.0,
                    labels=["sketch", "pretrained", "ground truth"] * 6,
                    title=f"pretrained pix2pix-pokemon on test sketches [{DATA_LABEL}]")
    plt.show()
else:
    print(weights.unavailable_reason("pix2pix-pokemon"))

# %% [markdown] id="nb04-36b"
# How that generator was trained: its real run's loss curves, one panel per loss (the L1
# term falls steadily while the GAN terms wander, as the two networks keep each other in
# check), and the same three training sketches coloured at six moments of the run.

# %% id="nb04-36c" tags=["skip-grading"]
if viz.training_history("pix2pix-pokemon") is not None:
    plt.show()

# %% [markdown] id="nb04-37"
# ## Summary
#
# * A paired dataset needs a look before use: here the input is the **left** half.
# * Random geometry for paired images: stack to 6 channels, transform once, split.
# * Subclassing: layers create their parts in `__init__`, wire them in `call`, and pass
#   `training` down to BatchNorm and Dropout. The U-Net is the encoder–decoder with a
#   different `call`.
# * Training is subclassing too: `SketchColouring` overrides `train_step` (two tapes, one
#   optimizer per network), and `training.fit` drives it with checkpoints that survive a
#   disconnect.
#
# Notebook 05 is the project: the same tools on street scenes. Your graded item here:

# %% id="nb04-38" tags=["reveals-answer"]
print(quiz.summary())

# %% id="nb04-39" tags=["skip-grading"]
if config.is_fast():  # the fast-mode run folder was temporary: free its checkpoints
    shutil.rmtree(RUN_DIR, ignore_errors=True)
