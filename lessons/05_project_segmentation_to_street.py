# %% [markdown] id="nb05-00"
# # 05 · Project: from segmentation maps to street photos
#
# Time to use what notebooks 03 and 04 built on a new problem. The input is a **semantic
# segmentation map** of a street scene, one flat colour per object class (road, car, person,
# building, sky, ...), and the output is a **photo** of that scene. This is the "labels →
# photo" task of the Pix2Pix paper, on the *Cityscapes* images (Cordts et al., CVPR 2016) as
# the Pix2Pix authors packaged them.
#
# You apply the `course_lib` pieces instead of rewriting them: the paired-image pipeline with
# random jitter, the U-Net generator, the PatchGAN discriminator, the Pix2Pix losses and the
# checkpointed training loop. Your own work is one function (**05-ex1**: L1 and PSNR of a
# prediction) and a written **discussion** of your results.
#
# **Fast mode** (`COURSE_FAST=1`, used by CI and CPU laptops) trains for four steps on four
# pairs: the predictions stay grey noise, but every cell runs. For real results run the
# notebook in full mode on a GPU runtime (about 40 000 steps, an hour or two on a Colab GPU).

# %% id="nb05-01"
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

# %% id="nb05-02"
# NBVAL_IGNORE_OUTPUT
import inspect
import shutil
import tempfile
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython import display
from keras import layers

from course_lib import config, data, evaluation, losses, models, quiz, training, viz, weights

SEED = 42
keras.utils.set_random_seed(SEED)  # seeds Python, NumPy and TensorFlow in one call
# %config InlineBackend.figure_formats = ["jpeg"]  # photos: far smaller notebooks than PNG
plt.rcParams["figure.dpi"] = 72
print(config.describe())  # fast or full mode, GPU or CPU, where the data is

# %% [markdown] id="nb05-03"
# ## 0. What is graded
#
# | rubric item | section | scored by |
# |---|---|---|
# | augmentation applied to the *pair* | §2 | the jitter figure, your discussion |
# | U-Net generator and PatchGAN discriminator | §3 | the ✓ shape/parameter checks |
# | training with checkpoints, loss curves | §4 | the curves figure |
# | **05-ex1** `image_metrics(pred, target) -> (l1, psnr)` | §5 | autograder, 2 points |
# | test rows (input / target / prediction), metrics vs a baseline | §5 | figures, table |
# | **05-discussion**: what works, what fails, why, what next | §6 | instructor, 4 points |
#
# Run every cell from top to bottom before you hand the notebook in: the instructor's
# grader re-runs it in fast mode, and your discussion should talk about a full-mode run if
# you had a GPU, or about the fast-mode run and what you expect from a long one if not.
#
# ## 1. The data: Cityscapes in the Pix2Pix format
#
# The Pix2Pix authors turned the Cityscapes *fine annotations* into pairs: each file is a
# 512×256 JPEG with the street photo and its colour-coded label map side by side, resized
# to 256×256 each. There are **2975 training** and **500 validation** pairs (Cityscapes
# keeps its test labels private, so the validation split serves as our test set).
#
# **Getting the full dataset.** `data.cityscapes_files(split)` looks for
# `<COURSE_DATA_DIR>/cityscapes/{train,val}/N.jpg` and, when it is missing and the machine
# is online (Colab), downloads the Pix2Pix archive (about 100 MB) from
# <http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/cityscapes.tar.gz> once into
# `~/.cache/course_lib`. Offline, download that archive elsewhere and run
# `python -m course_lib data import cityscapes cityscapes.tar.gz [--data-dir DIR]`. The
# images belong to the Cityscapes project (<https://www.cityscapes-dataset.com>), whose
# terms allow research and teaching use; to rebuild the pairs from the original data,
# register there and use the Pix2Pix repository's `prepare_cityscapes_dataset.py`.
#
# The course's offline copy holds the first 1000 training pairs and all 500 validation
# pairs; with no copy at all the cell below falls back to the 4 + 2 pairs embedded in
# `course_lib`, enough to run the code. Any other Pix2Pix-format set (facades, maps, ...)
# works too: point `train_files`/`test_files` at it and check which half is the input.

# %% id="nb05-04"
# NBVAL_IGNORE_OUTPUT
try:
    train_files = data.cityscapes_files("train")
    test_files = data.cityscapes_files("val")
except data.DataError as err:  # no copy and no network: the embedded sample
    print(err)
    train_files = data.cityscapes_files("train", sample=True)
    test_files = data.cityscapes_files("val", sample=True)
print(f"{len(train_files)} training pairs, {len(test_files)} validation pairs")


# %% [markdown] id="nb05-05"
# ### Which half is the input?
#
# Look before you load. A label map is made of flat regions, so most of its neighbouring
# pixels have (almost) the same colour; a photo has texture everywhere. The share of
# "flat" neighbours tells the halves apart without trusting any description.

# %% id="nb05-06"
def flat_share(image):
    """Share of horizontal neighbour pairs whose RGB values differ by < 6 in total."""
    step = np.abs(np.diff(image.astype(np.int32), axis=1)).sum(axis=-1)  # (H, W-1)
    return float((step < 6).mean())


raw = plt.imread(train_files[0])  # uint8 (256, 512, 3)
left, right = raw[:, :256], raw[:, 256:]
print("one file:", raw.shape, raw.dtype)
print(f"flat share: left {flat_share(left):.2f}, right {flat_share(right):.2f}")
INPUT_SIDE = "right" if flat_share(right) > flat_share(left) else "left"
print("the label map (the input) is the", INPUT_SIDE.upper(), "half")

fig, ax = plt.subplots(figsize=(8, 4.3))
ax.imshow(raw)
ax.axvline(255.5, color="white", linestyle="--")
ax.set_title(f"{Path(train_files[0]).name}:  LEFT = photo (target)   |   "
             "RIGHT = label map (input)")
ax.axis("off")
plt.show()


# %% [markdown] id="nb05-07"
# Same layout as the facades of notebook 03: photo on the left, label map on the right,
# so the library's loaders need `input_side="right"`. A few colours of the Cityscapes
# palette you will see: road (128, 64, 128) purple, sidewalk (244, 35, 232) pink, building
# (70, 70, 70) dark grey, vegetation (107, 142, 35) olive, sky (70, 130, 180) steel blue,
# car (0, 0, 142) dark blue, person (220, 20, 60) red. JPEG compression blurs the borders
# between regions a little, which is why the flat share is not 100 %.
#
# ## 2. Augmentation of the pair
#
# Pix2Pix's random jitter from notebook 03: resize both images to 286×286, take the
# **same** random 256×256 crop from both, and mirror both left–right half of the time.
# `data.pix2pix_dataset(files, training=True)` applies it to every training example, with
# fresh random choices each epoch.
#
# Notebook 04 also flipped Pokémon upside down and rotated them by 90°. Street scenes
# have a fixed up and down (sky on top, road at the bottom, cars on their wheels), so
# those would teach the generator scenes that never occur: only the left–right mirror is
# kept. Four draws of one training pair (input above, target below):

# %% id="nb05-08"
def jitter_draws(path, n):
    # Each pass over a one-file dataset draws a fresh crop and mirror.
    ds = data.pix2pix_dataset([path], training=True, batch_size=1,
                              input_side=INPUT_SIDE).repeat(n)
    pairs = [(inp[0].numpy(), tar[0].numpy()) for inp, tar in ds]
    return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])


inputs, targets = jitter_draws(train_files[0], 4)  # (4, 256, 256, 3) each, in [-1, 1]
print("input batch:", inputs.shape, "target batch:", targets.shape,
      f"range [{min(inputs.min(), targets.min()):.0f}, "
      f"{max(inputs.max(), targets.max()):.0f}]")
viz.sample_grid(np.concatenate([inputs, targets]), rows=2, cols=4, size=2.4,
                title="random jitter: the label map and the photo move together")
plt.show()

# %% [markdown] id="nb05-09"
# The training set streams through the same pipeline with a batch of 1 (the paper's
# choice; BatchNorm then normalises each image by its own statistics). The test pipeline
# only resizes and normalises, so a test image gives the same input every time.

# %% id="nb05-10" tags=["skip-grading"]
BATCH_SIZE = 1
STEPS = config.pick(40_000, 4)  # lesson 03's budget; the paper ran 200 epochs
train_subset = train_files[:config.pick(None, 4)]  # fast mode: a tiny subset
test_subset = test_files[:config.pick(100, 3)]  # images scored in section 5

train_dataset = data.pix2pix_dataset(train_subset, training=True,
                                     batch_size=BATCH_SIZE, input_side=INPUT_SIDE)
test_dataset = data.pix2pix_dataset(test_subset, training=False, batch_size=1,
                                    input_side=INPUT_SIDE)
print(f"training on {len(train_subset)} pairs for {STEPS} steps (batch {BATCH_SIZE}); "
      f"scoring {len(test_subset)} validation pairs")

# %% [markdown] id="nb05-11"
# ## 3. The networks, from the course library
#
# **Generator: a U-Net.** `models.unet_generator()` is notebook 03's network: eight
# `downsample` blocks (Conv 4×4 stride 2 → BatchNorm → LeakyReLU) take 256×256×3 to a
# 1×1×512 bottleneck, seven `upsample` blocks (ConvTranspose 4×4 stride 2 → BatchNorm →
# Dropout on the first three → ReLU) come back to 128×128, and after each one the encoder
# output of the same size is **concatenated** (the skip connection). A last transposed
# convolution with `tanh` gives a 256×256×3 photo in $[-1, 1]$.
#
# Skips matter even more here than on facades: a street label map fixes *where* every
# object is down to the pixel, and the skips carry those borders straight to the decoder
# instead of squeezing them through the 1×1 bottleneck.

# %% id="nb05-12" tags=["skip-grading"]
generator = models.unet_generator()
probe = tf.zeros((1, 256, 256, 3))
print("generator:", tuple(probe.shape), "->", tuple(generator(probe).shape))
skips = [layer for layer in generator.layers if isinstance(layer, layers.Concatenate)]
for i, layer in enumerate(skips, start=1):  # decoder output + encoder skip, channels
    print(f"after skip {i}: {tuple(layer.output.shape)}")
n_params = generator.count_params()
print(f"generator parameters: {n_params:,}",
      "✓ the Pix2Pix U-Net" if n_params == 54_425_859 else "✗ expected 54,425,859")

# %% [markdown] id="nb05-13"
# **Discriminator: a PatchGAN.** `models.patchgan_discriminator()` looks at the label map
# and a photo together (6 channels) and returns a 30×30 grid of logits, each one judging
# whether a 70×70 patch of the photo is real *for that label map*.

# %% id="nb05-14"
discriminator = models.patchgan_discriminator()
patch_logits = discriminator([probe, probe])
n_params = discriminator.count_params()
print("discriminator: 2 x", tuple(probe.shape), "->", tuple(patch_logits.shape))
print(f"discriminator parameters: {n_params:,}",
      "✓ the Pix2Pix PatchGAN" if n_params == 2_770_433 else "✗ expected 2,770,433")

# %% [markdown] id="nb05-14b"
# ### Quiz 05-q2: the logit grid of a bigger photo
#
# The PatchGAN has no `Dense` layer, so the same layers accept any size divisible by 8.

# %% id="nb05-14c"
quiz.ask("05-q2")

# %% id="nb05-14d" tags=["answer"] grade_id="05-q2-answer"
# Shape of the logit grid for one 512×512 pair: (height, width, channels)
### BEGIN SOLUTION
q2_answer = quiz.sealed("19dfb9530916be4f3d45613d74e3f77fac497b1cec8b69e07aeb60d2de539809")
### END SOLUTION

# %% id="nb05-14e" tags=["check"] grade_id="05-q2"
quiz.check("05-q2", q2_answer)

# %% [markdown] id="nb05-15"
# ## 4. Training
#
# The objective is notebook 03's: the discriminator minimises
# $\text{BCE}(1, D(x, y)) + \text{BCE}(0, D(x, G(x)))$ over the patch logits, and the
# generator minimises
#
# $$\mathcal{L}_G = \text{BCE}\big(1, D(x, G(x))\big)
#   + \lambda \cdot \operatorname{mean}\,\lvert y - G(x) \rvert, \qquad \lambda = 100,$$
#
# the GAN term asking for realistic texture and the L1 term keeping the photo close to the
# target. `training.Pix2PixTrainer` runs one update per batch; here is the exact step it
# runs, read from the library:

# %% id="nb05-16"
# NBVAL_IGNORE_OUTPUT
print(inspect.getsource(training.Pix2PixTrainer.train_step))

# %% [markdown] id="nb05-17"
# `training.fit` repeats that step, writes TensorBoard scalars, and saves a checkpoint
# (both networks, both optimizers, the step counter) every `CHECKPOINT_EVERY` steps. If
# Colab disconnects, rerun the notebook up to here: `fit` finds the checkpoint in
# `RUN_DIR` and prints `Resuming from step N`. Each network gets its own
# `Adam(2e-4, beta_1=0.5)`: Keras 3 optimizers belong to the variables they first update.
#
# While it trains, the figure below is redrawn every `SAMPLE_EVERY` steps with the
# prediction for one fixed validation map.

# %% id="nb05-18" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
RUN_DIR = (Path(tempfile.mkdtemp(prefix="pix2pix-cityscapes-")) if config.is_fast()
           else config.repo_root() / "runs" / "05_cityscapes")
CHECKPOINT_EVERY = config.pick(5000, STEPS)
SAMPLE_EVERY = config.pick(1000, STEPS)

trainer = training.Pix2PixTrainer(generator, discriminator, lam=losses.LAMBDA)
trainer.compile(training.make_optimizer(2e-4, beta_1=0.5),  # one Adam per network
                training.make_optimizer(2e-4, beta_1=0.5))

sample_input, sample_target = next(iter(test_dataset))  # (1, 256, 256, 3) each
preview = display.display(display.Markdown("*(the sample appears after the first "
                                           f"{SAMPLE_EVERY} steps)*"), display_id=True)


def show_sample(step, logs):
    prediction = generator(sample_input, training=True)  # dropout on, as in the paper
    fig = viz.compare_row(sample_input[0], sample_target[0], prediction[0],
                          titles=("Input", "Ground Truth", f"Predicted, step {step}"))
    preview.update(fig)
    plt.close(fig)


history = training.fit(trainer, train_dataset, STEPS, checkpoint_dir=RUN_DIR / "ckpt",
                       checkpoint_every=CHECKPOINT_EVERY, logdir=RUN_DIR / "logs",
                       hooks=[(SAMPLE_EVERY, show_sample)],
                       steps_per_call=config.pick(50, 1),
                       progress=not config.is_fast())

# %% id="nb05-19" tags=["skip-grading"]
# One panel per loss: on a shared axis the L1 term (about 0.2) is a flat line under a
# total of about 20-40 (= gan + 100 · L1).
curves = {name: values for name, values in history.items() if name != "step"}
viz.loss_curves(curves, steps=history["step"], separate=True, marker=".",
                title=f"your run: {STEPS} steps, one panel per loss")
plt.show()


# %% [markdown] id="nb05-20"
# Over a long run, `gen_l1_loss` should fall and then flatten, while `gen_gan_loss` and
# `disc_loss` keep hovering (neither network wins for good). A `disc_loss` stuck near 0 means
# the discriminator has won and the generator learns little from it. Four fast-mode points
# show no trend at all. TensorBoard has the same curves:
# `%load_ext tensorboard` then `%tensorboard --logdir {RUN_DIR}/logs`.
#
# ## 5. Test results
#
# ### Exercise 05-ex1: two numbers per prediction
#
# Write `image_metrics(pred, target)` for two images on the $[-1, 1]$ scale. Return
# `(l1, psnr)`: the mean absolute difference over all pixels and channels, and the
# peak signal-to-noise ratio in decibels,
#
# $$\text{PSNR} = 10 \log_{10} \frac{\text{MAX}^2}{\text{MSE}}, \qquad
#   \text{MAX} = 2 \text{ (the width of } [-1, 1]), \quad
#   \text{MSE} = \operatorname{mean}\,(\text{pred} - \text{target})^2 .$$
#
# Lower L1 is better; higher PSNR is better (every halving of the RMS error adds about
# 6 dB). Your function scores the project: the metrics table of this section is computed
# with it once it passes the check (the line after the check says which); until then with
# `course_lib.evaluation.l1_psnr`, so the notebook runs whatever state your function is in.

# %% id="nb05-21" tags=["answer"] grade_id="05-ex1-answer"
def image_metrics(pred, target):
    """L1 and PSNR (dB) of a prediction; both images (H, W, 3) in [-1, 1]."""
    ### BEGIN SOLUTION
    error = tf.cast(pred, tf.float32) - tf.cast(target, tf.float32)
    l1 = tf.reduce_mean(tf.abs(error))
    mse = tf.reduce_mean(tf.square(error))
    psnr = 10.0 * tf.math.log(2.0**2 / mse) / tf.math.log(10.0)
    return l1, psnr
    ### END SOLUTION


# %% id="nb05-22" tags=["check"] grade_id="05-ex1"
quiz.check_exercise("05-ex1", image_metrics)


# %% id="nb05-22b"
# What scores the project below: your function if it passed its check, else the library's.
metrics_fn = quiz.use_answer("05-ex1", image_metrics, evaluation.l1_psnr,
                             what="image metrics")

# %% [markdown] id="nb05-22c"
# ### Quiz 05-q1: PSNR by hand
#
# Before reading the table below, one number to get a feel for the decibels.

# %% id="nb05-22d"
quiz.ask("05-q1")

# %% id="nb05-22e" tags=["answer"] grade_id="05-q1-answer"
# PSNR in dB: a number
### BEGIN SOLUTION
q1_answer = quiz.sealed("a4fdf717c4a011ea3954d04ff04ffc49dd1ae2f12889c6ce6da464077a05b1cd")
### END SOLUTION

# %% id="nb05-22f" tags=["check"] grade_id="05-q1"
quiz.check("05-q1", q1_answer)


# %% [markdown] id="nb05-23"
# ### Predictions on validation maps
#
# Input | Ground Truth | Predicted rows, with `training=True` at inference as in
# notebook 03 (each image normalised by its own BatchNorm statistics, dropout as noise):

# %% id="nb05-24" tags=["skip-grading"]
def predict_all(dataset):
    """(inputs, targets, predictions), each (N, 256, 256, 3) in [-1, 1]."""
    batches = [(inp, tar, generator(inp, training=True)) for inp, tar in dataset]
    return tuple(np.concatenate([b[i] for b in batches]) for i in range(3))


test_inputs, test_targets, predictions = predict_all(test_dataset)
rows = min(3, len(test_inputs))
grid = np.stack([image for i in range(rows)
                 for image in (test_inputs[i], test_targets[i], predictions[i])])
viz.sample_grid(grid, rows=rows, cols=3, size=2.8,
                labels=["Input", "Ground Truth", "Predicted"] * rows,
                title=f"validation maps after {STEPS} training steps")
plt.show()

# %% [markdown] id="nb05-25"
# ### Metrics against a baseline
#
# A number means little alone. The simplest baseline ignores the input altogether and
# always predicts the **mean training photo** (over the whole training set a grey-green
# blur: road below, buildings and sky above; in fast mode the mean of four photos).
# A useful generator must beat it clearly on L1; on PSNR a blurry average is hard to
# beat, because PSNR punishes large errors and rewards playing safe. That is the
# argument of notebook 03 for the GAN term, seen in numbers.

# %% id="nb05-26" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
mean_photo = evaluation.mean_training_photo(train_subset)  # (256, 256, 3) in [-1, 1]
baseline = np.broadcast_to(mean_photo, test_targets.shape)
print(f"{len(test_targets)} validation pairs; L1 on the [-1, 1] scale, PSNR in dB")
for name, preds in (("U-Net generator", predictions), ("mean training photo", baseline)):
    scores = np.array([[float(v) for v in metrics_fn(pred, target)]  # yours (05-ex1)
                       for pred, target in zip(preds, test_targets)])
    l1, psnr = scores.mean(axis=0)
    print(f"{name:>20}: L1 {l1:.3f}   PSNR {psnr:5.2f}")

viz.sample_grid(mean_photo[None], rows=1, cols=1, size=2.8, labels=["mean photo"])
plt.show()

# %% [markdown] id="nb05-26b"
# ### What done looks like: the reference model
#
# The course ships `pix2pix-cityscapes`, the same U-Net and PatchGAN trained with the same
# L1 + GAN loss and jitter on the 1 000 training pairs, for far longer than a fast-mode run.
# It colours the same validation maps as yours above, and its model card gives its scores
# on all 500 validation pairs next to the two trivial baselines: the mean training photo
# and the label map itself returned as the photo. Your run is judged against these, not
# against perfection.

# %% id="nb05-26c" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
if weights.available("pix2pix-cityscapes"):
    reference = weights.load_pretrained("pix2pix-cityscapes")
    print(weights.card_line("pix2pix-cityscapes"))
    reference_predictions = np.stack([
        weights.translate_image(reference, image, seed=i) for i, image in
        enumerate(test_inputs[:rows])])
    grid = np.stack([image for i in range(rows) for image in
                     (test_inputs[i], test_targets[i], predictions[i],
                      reference_predictions[i])])
    viz.sample_grid(grid, rows=rows, cols=4, size=2.8,
                    labels=["Input", "Ground Truth", "yours", "reference"] * rows,
                    title="your generator next to the reference model")
    plt.show()
    if viz.training_history("pix2pix-cityscapes") is not None:
        plt.show()
else:
    print(weights.unavailable_reason("pix2pix-cityscapes"))

# %% [markdown] id="nb05-27"
# (PSNR on $[0, 1]$ images with MAX = 1 equals PSNR on $[-1, 1]$ with MAX = 2: scaling
# both the error and the peak by one half cancels.)
#
# ## 6. Discussion (graded by your instructor)
#
# Write a short discussion (about 150–300 words) in the cell below, answering:
#
# 1. **What works and what fails?** Which classes of the label map does the generator
#    render convincingly, and where does it fail (small objects, people, texture,
#    borders)? Refer to the figures above.
# 2. **What do the numbers say?** Compare your generator with the mean-photo baseline on
#    L1 and PSNR, and explain any case where the baseline looks better on paper.
# 3. **The augmentation.** Which augmentation did you use, why does it have to act on
#    the pair, and which augmentations would be wrong for street scenes?
# 4. **Next steps.** Name two changes you would try next (training length, λ, data,
#    architecture) and what you expect from each.
#
# If you only ran fast mode, say so, and describe what you expect from a full run.

# %% [markdown] id="nb05-28" tags=["answer"] grade_id="05-discussion" points=4
# ### BEGIN SOLUTION
# *Instructor's example answer (replace with your own).*
#
# **What works and what fails.** After a full run the large, flat classes come out well:
# the road gets its grey asphalt texture, the sky is bright, vegetation is green and
# leafy, and buildings get facades with window-like texture. Every region sits exactly
# where the label map puts it, because the U-Net skips carry the borders to the output.
# Small and varied objects fail: people become smudges, traffic signs and poles are
# blurred, and cars have the right silhouette but melted details. Far-away regions,
# where one label covers many real objects, are the weakest. After the four fast-mode
# steps the predictions are grey noise: nothing has been learned yet.
#
# **Numbers.** The generator should beat the mean photo clearly on L1. On PSNR the gap is
# smaller and can even go the other way early in training: the mean photo never makes a
# large error, and PSNR squares the errors, so a sharp but slightly misplaced texture
# costs more than a safe blur. This is why Pix2Pix adds the GAN term to L1.
#
# **Augmentation.** Random jitter (resize to 286, one shared 256×256 crop, shared
# mirroring) on the *pair*; cropping or flipping the two images differently would teach
# the generator that a road label belongs to pixels that show something else. Vertical
# flips or 90° rotations would be wrong here: streets always have the sky on top.
#
# **Next steps.** Train longer (the paper used 200 epochs of all 2975 pairs, about 15
# times our budget), which mostly sharpens small objects; and try λ = 10 instead of 100,
# which should give crisper texture at the price of more artefacts and a higher L1.
# ### END SOLUTION

# %% [markdown] id="nb05-29"
# ## Summary
#
# * Any paired image-to-image task fits the Pix2Pix recipe: check which half is the
#   input, pick augmentations that respect what the images show, then train the U-Net
#   against a PatchGAN with L1 + GAN loss.
# * Judge results with pictures **and** numbers, and always next to a baseline; PSNR
#   alone rewards blur.
# * Long runs need checkpoints: `training.fit` resumes where it stopped.
#
# Your graded items in this notebook (the discussion is scored by your instructor):

# %% id="nb05-30" tags=["reveals-answer"]
print(quiz.summary())

# %% id="nb05-31" tags=["skip-grading"]
if config.is_fast():  # the fast-mode run folder was temporary: free its checkpoint
    shutil.rmtree(RUN_DIR, ignore_errors=True)
