# %% [markdown] id="nb04-00" lang="en"
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
#
# **Time:** fast mode takes about 3 minutes on two CPU cores; full mode's training on a
# Colab T4 GPU takes an estimated **6–10 minutes** (an estimate from FLOPs per step,
# not a measurement: docs/PERFORMANCE.md says how it was made).

# %% [markdown] id="nb04-00-ko" lang="ko"
# # 04 · 스케치 → 포켓몬: 서브클래싱 API로 만드는 Pix2Pix
#
# 노트북 03에서는 Keras의 *함수형(functional)* API로 건물 정면 데이터에 Pix2Pix를 만들었습니다.
# 이번에는 **포켓몬 선화(line drawing)에 색칠하기**라는 새 과제를 다루면서, 모든 네트워크를
# **서브클래싱(subclassing) API**로 다시 만듭니다(노트북 02에서 MLP GAN을 그렇게 만들었듯이).
# 층(layer)과 모델을 파이썬 클래스로 정의하고, `__init__`에서 부품을 만들고 `call`에서 그것들을
# 연결하는 방식입니다.
#
# 이 노트북에서 다룰 내용:
#
# 1. 데이터, 그리고 각 파일의 어느 쪽 절반이 스케치인지 눈으로 확인하기;
# 2. 6채널로 쌓은 *쌍* 이미지에 대한 데이터 증강(data augmentation, 여러분의 연습 문제);
# 3. `EncoderBlock`과 `DecoderBlock` 층, 평범한 **인코더–디코더** 생성자, 이어서 스킵 연결이 있는
#    **U-Net**, 그리고 같은 블록으로 만든 **패치GAN**;
# 4. `course_lib.training`으로 두 생성자를 학습(체크포인트 저장, 이어서 학습 가능)하고 비교하기;
#    그다음 코스의 사전 학습된 생성자로 테스트 스케치에 색칠하기.
#
# **빠른 모드**에서는 각 생성자를 몇 개의 쌍으로 몇 스텝만 학습하므로 출력은 아직 흙탕물 같습니다.
# 전체 과정은 배치 크기 1로 10 에포크를 학습합니다.
#
# **소요 시간:** 빠른 모드는 CPU 코어 두 개로 약 3분 걸립니다. 전체 모드의 학습은 Colab T4
# GPU에서 약 **6–10분**으로 추정합니다(측정값이 아니라 스텝당 FLOP 수로 계산한
# 추정치(estimate)이며, 계산 방법은 docs/PERFORMANCE.md에 있습니다).

# %% id="nb04-01"
# SETUP CELL: tools/build_lessons.py puts lessons/setup_cell.py here

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

# %% [markdown] id="nb04-03" lang="en"
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

# %% [markdown] id="nb04-03-ko" lang="ko"
# ## 1. 데이터: Sketch2Pokemon, 또는 파생된 쌍
#
# 이 강의는 **Sketch2Pokemon**(Kaggle, `norod78/sketch2pokemon`)을 사용합니다. 학습용 쌍이 약
# 830개이고, 각각 스케치와 색칠된 포켓몬이 좌우로 붙은 512×256 이미지이며, 작은 테스트
# 분할(split)이 따로 있습니다. 이 데이터셋의 스케치 자체도 스케치 생성 모델이 만든 것입니다.
#
# `course_lib.data.pokemon_pairs_files(split)`는 이 데이터셋이 있으면(또는 `kagglehub`로 받아 올
# 수 있으면) 그것을 돌려줍니다. 없을 때는(코스의 오프라인 사본이 이 경우입니다) 대신
# **파생된(DERIVED) 쌍**을 만듭니다. 공식 포켓몬 일러스트(Kaggle
# `kvpratama/pokemon-images-dataset`, 819장)를 하나씩 흰 배경 위에 올려 색칠 목표로 삼고,
# `course_lib.data.make_sketch`가 그 선화 스케치를 그려 입력으로 삼습니다. 이것은 Sketch2Pokemon의
# 쌍이 **아닙니다**. 우리 스케치는 모델이 아니라 결정론적인 윤곽선 필터(edge filter)로 만든
# 것이고, 테스트 분할은 일러스트 20장마다 한 장씩입니다. 아래의 모든 셀은 어떤 데이터를 사용했는지
# 알려 줍니다.
#
# 실제 데이터셋을 쓰려면: `pip install kagglehub`(Kaggle 계정 설정 필요) 후 다시 실행하거나,
# <https://www.kaggle.com/datasets/norod78/sketch2pokemon>에서 zip 파일을 내려받아 `python -m
# course_lib data import sketch2pokemon sketch2pokemon.zip`을 실행하세요.

# %% id="nb04-04"
# NBVAL_IGNORE_OUTPUT
# tr(english, korean) prints the line in this edition's language (COURSE_LANG).
from course_lib.messages import tr

try:
    train_files = data.pokemon_pairs_files("train")
    test_files = data.pokemon_pairs_files("test")
except data.DataError as err:  # neither dataset here: the embedded sample (6 artworks)
    print(err)
    train_files = data.pokemon_pairs_files("train", sample=True)
    test_files = data.pokemon_pairs_files("test", sample=True)

DERIVED = "derived" in Path(train_files[0]).parent.parent.name
DATA_LABEL = (tr("DERIVED pairs (make_sketch on official artwork)",
                 "파생 쌍 (공식 일러스트에 make_sketch 적용)") if DERIVED
              else "Sketch2Pokemon (norod78)")
print(tr("{train} training pairs, {test} test pairs: {label}",
         "학습 쌍 {train}개, 테스트 쌍 {test}개: {label}",
         train=len(train_files), test=len(test_files), label=DATA_LABEL))

# %% [markdown] id="nb04-05" lang="en"
# ### Which half is which?
#
# Never trust a description of a paired dataset: look, and measure. A sketch is grey, a
# coloured Pokémon is not, so the mean colour *saturation* of each half tells them apart.

# %% [markdown] id="nb04-05-ko" lang="ko"
# ### 어느 쪽이 어느 쪽일까?
#
# 쌍 데이터셋의 설명을 그대로 믿지 마세요. 직접 보고, 재 보세요. 스케치는 회색이고 색칠된 포켓몬은
# 그렇지 않으니, 각 절반의 평균 *채도*(saturation)로 둘을 구별할 수 있습니다.

# %% id="nb04-06"
raw = plt.imread(train_files[0])[..., :3]  # (256, 512, 3), floats in [0, 1] for a PNG
raw = np.asarray(raw * 255 if raw.dtype != np.uint8 else raw, np.uint8)
left, right = raw[:, :256], raw[:, 256:]
saturation = {name: float(tf.reduce_mean(tf.image.rgb_to_hsv(half / 255.0)[..., 1]))
              for name, half in (("left", left), ("right", right))}
print(tr("mean saturation: left {left:.2f}, right {right:.2f}",
         "평균 채도: 왼쪽 {left:.2f}, 오른쪽 {right:.2f}", **saturation))
print(tr("the sketch (input) is the LEFT half:", "스케치(입력)가 왼쪽 절반인가:"),
      saturation["left"] < saturation["right"])

fig, ax = plt.subplots(figsize=(8, 4.3))
ax.imshow(raw)
ax.axvline(255.5, color="red", linestyle="--")
ax.set_title(tr("{name} [{label}]\nLEFT = sketch (input)   |   RIGHT = colour (target)",
                "{name} [{label}]\n왼쪽 = 스케치 (입력)   |   오른쪽 = 컬러 (정답)",
                name=Path(train_files[0]).name, label=DATA_LABEL))
ax.axis("off")
plt.show()

# %% [markdown] id="nb04-07" lang="en"
# So the **input is on the left** this time (facades had it on the right):
# `data.load(path, input_side="left")` reads these files.
#
# How the derived sketches are drawn: `make_sketch` blurs the grey image at two scales and
# subtracts, $D = G_\sigma * g - \tau\, G_{1.6\sigma} * g$ (a *difference of Gaussians*,
# the edge-only member of the XDoG family). Flat areas give $D \ge 0$ and stay white; the
# dark side of every edge gives $D < 0$ and becomes a soft dark line. Applied to the
# colour half of a pair, it reproduces a derived sketch exactly; on the real dataset it
# shows how our sketches differ from the model-made ones.

# %% [markdown] id="nb04-07-ko" lang="ko"
# 그러니 이번에는 **입력이 왼쪽**에 있습니다(facades는 오른쪽이었습니다). 이 파일들은
# `data.load(path, input_side="left")`로 읽습니다.
#
# 파생된 스케치를 그리는 방법: `make_sketch`는 회색조 이미지를 두 가지 스케일로 흐리게 한 뒤 빼서
# $D = G_\sigma * g - \tau\, G_{1.6\sigma} * g$를 계산합니다(*가우시안 차이*(difference of
# Gaussians)로, XDoG 계열 중 윤곽선만 남기는 방식입니다). 평평한 영역에서는 $D \ge 0$이 되어
# 흰색으로 남고, 모든 윤곽의 어두운 쪽에서는 $D < 0$이 되어 부드러운 검은 선이 됩니다. 쌍의 컬러
# 절반에 적용하면 파생된 스케치가 정확히 재현되고, 실제 데이터셋에 적용하면 우리 스케치가 모델로
# 만든 스케치와 어떻게 다른지 볼 수 있습니다.

# %% id="nb04-08"
redrawn = data.make_sketch(right)  # uint8 (256, 256, 3) grey lines on white
print(tr("make_sketch(colour half) equals the sketch half:",
         "make_sketch(컬러 절반)가 스케치 절반과 같은가:"),
      bool(np.array_equal(redrawn, left)))
viz.sample_grid(np.stack([right, left, redrawn]) / 127.5 - 1, rows=1, cols=3, size=3,
                labels=[tr("colour half", "컬러 절반"), tr("sketch half", "스케치 절반"),
                        tr("make_sketch(colour half)", "make_sketch(컬러 절반)")])
plt.show()


# %% [markdown] id="nb04-09" lang="en"
# Loading a pair is the facades `load` with the halves swapped. The library's version is
# `data.load(path, input_side="left")`.

# %% [markdown] id="nb04-09-ko" lang="ko"
# 쌍을 불러오는 함수는 facades의 `load`에서 좌우 절반만 바꾼 것입니다. 라이브러리 버전은
# `data.load(path, input_side="left")`입니다.

# %% id="nb04-10"
def load_pair(path):
    """Pair file -> (sketch, colour), float32 (256, 256, 3) each, in [0, 255]."""
    image = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
    half = tf.shape(image)[1] // 2
    sketch, colour = image[:, :half, :], image[:, half:, :]  # LEFT = input sketch
    return tf.cast(sketch, tf.float32), tf.cast(colour, tf.float32)


sketch, colour = load_pair(train_files[0])
print(tr("sketch:", "스케치:"), sketch.shape, tr("colour:", "컬러:"), colour.shape)

# %% [markdown] id="nb04-11" lang="en"
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

# %% [markdown] id="nb04-11-ko" lang="ko"
# ## 2. 쌍 이미지의 데이터 증강
#
# 쌍이 천 개도 안 되므로 데이터 증강이 중요합니다. *쌍* 데이터의 규칙: 모든 무작위 기하 변환은
# 스케치와 그 컬러 이미지에 정확히 똑같이 적용되어야 합니다. 그렇지 않으면 네트워크는 스케치를,
# 옆으로 밀리거나 뒤집힌 그림의 물감으로 칠하도록 배우게 됩니다. 노트북 03의 요령(쌓은 다음 한
# 번에 자르기)을 일반화하면 됩니다. 쌍을 채널 방향으로 이어 붙여 **(256, 256, 6)** 텐서 하나로
# 만들고, 그것을 변환한 뒤 다시 나눕니다.
#
# 이 강의의 방법을 쌍 하나에 한 단계씩 적용해 봅니다.
#
# 1. 사방에 30픽셀씩 **패딩**(padding): *반사*(reflection, 테두리를 거울처럼 비춤) 또는
#    *상수*(constant, 여기서는 흰색)로 채웁니다;
# 2. 256×256으로 다시 **무작위 자르기**(random crop): 그림이 최대 ±30픽셀까지 이동합니다;
# 3. 무작위 **좌우** 및 **상하 뒤집기**(flip);
# 4. **90°의 배수만큼** 무작위 **회전**(`tf.image.rot90`).
#
# 포켓몬이라면 뒤집기와 회전을 써도 괜찮습니다(좌우가 바뀌거나 옆으로 누운 포켓몬도 여전히 색칠된
# 그림입니다). 하지만 하늘이 늘 위에 있는 거리 풍경에는 맞지 않습니다.

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


# %% [markdown] id="nb04-13" lang="en"
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

# %% [markdown] id="nb04-13-ko" lang="ko"
# ### 연습 문제 04-ex1: 쌍 이미지 증강
#
# 이미 $[-1, 1]$로 **정규화된** 이미지를 받는 `augment_pair(sketch, colour)`를 작성하세요(값의
# 범위를 다시 바꾸지 마세요). 6채널로 쌓고, 30픽셀 패딩(반사, 또는 `mode="CONSTANT"`로 0 채우기),
# 256×256으로 무작위 자르기, 무작위 좌우 및 상하 뒤집기, 90°의 배수만큼 무작위 회전을 한 다음,
# 다시 `(sketch, colour)`로 나누면 됩니다. 함수는 무작위여야 하고(호출할 때마다 다른 결과), 두
# 이미지의 정렬이 유지되어야 합니다.
#
# 검사(check)를 통과하면 아래 학습 파이프라인이 적용하는 증강이 바로 여러분의 함수입니다(검사 다음
# 셀이 어느 쪽인지 알려 줍니다). 그 전까지 파이프라인은 라이브러리의 `data.paired_augment`(같은
# 방법)를 쓰므로, 여러분의 답이 어떤 상태이든 강의는 계속 실행됩니다.

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

# %% [markdown] id="nb04-15c" lang="en"
# ### Quiz 04-q2: which one breaks the pairs?

# %% [markdown] id="nb04-15c-ko" lang="ko"
# ### 퀴즈 04-q2: 쌍을 깨뜨리는 증강은?

# %% id="nb04-15d"
quiz.ask("04-q2")

# %% id="nb04-15e" tags=["answer"] grade_id="04-q2-answer"
# The letter of the augmentation that breaks the pairing
### BEGIN SOLUTION
q2_answer = quiz.sealed("025a69088bacec6f12f28840de93df13abe8cad38bf7e31375a3f6a69a355ee5")
### END SOLUTION

# %% id="nb04-15f" tags=["check"] grade_id="04-q2"
quiz.check("04-q2", q2_answer)

# %% [markdown] id="nb04-16" lang="en"
# ### The training and test pipelines
#
# `data.pokemon_dataset(files, training=True, batch_size, augment=augment_fn)` reads the
# files, caches the encoded bytes, shuffles, normalises, and applies `augment_fn` (your
# `augment_pair`, or the library's) to every pair (fresh random choices each epoch);
# `training=False` only resizes and normalises. Eight training examples as the network
# will see them (sketch above, target below):

# %% [markdown] id="nb04-16-ko" lang="ko"
# ### 학습 및 테스트 파이프라인
#
# `data.pokemon_dataset(files, training=True, batch_size, augment=augment_fn)`은 파일을 읽고,
# 인코딩된 바이트를 캐시하고, 섞고, 정규화한 다음, 모든 쌍에 `augment_fn`(여러분의 `augment_pair`
# 또는 라이브러리의 함수)을 적용합니다(에포크마다 새로운 무작위 선택). `training=False`이면 크기
# 조정과 정규화만 합니다. 네트워크가 보게 될 학습 예제 여덟 개입니다(위는 스케치, 아래는 목표).

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
                title=tr(f"{augment_fn.__name__}: 8 draws, sketch (top) and target (bottom)",
                         f"{augment_fn.__name__}: 8번 뽑기, 스케치(위)와 정답(아래)"))
plt.show()


# %% [markdown] id="nb04-18" lang="en"
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

# %% [markdown] id="nb04-18-ko" lang="ko"
# ## 3. 서브클래싱으로 만드는 네트워크
#
# 서브클래싱한 **층**(layer)은 `__init__`에서 하위 층들을 만들고 `call(x, training=None)`에서
# 그것들을 사용합니다. `training`을 BatchNorm과 Dropout까지 전달하는 것이 중요합니다. 그래야
# 블록이 배치 통계를 쓸지, 유닛을 드롭할지 알 수 있습니다.
#
# * `EncoderBlock(filters)`: Conv2D 4×4 stride 2(편향 없음) → BatchNorm(선택) → LeakyReLU(0.2).
#   높이와 너비를 절반으로 줄입니다.
# * `DecoderBlock(filters)`: Conv2DTranspose 4×4 stride 2(편향 없음) → BatchNorm →
#   Dropout(0.5)(선택) → ReLU. 높이와 너비를 두 배로 늘립니다.
#
# `course_lib.models`에도 같은 클래스들(`EncoderBlock`, `DecoderBlock`, `EncoderDecoderGenerator`,
# `UNetGenerator`, `PatchGANDiscriminator`)이 있으며, 사전 학습된 포켓몬 생성자는 라이브러리의
# `UNetGenerator`를 사용합니다.

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

# %% [markdown] id="nb04-19b" lang="en"
# ### Quiz 04-q1: what a block costs
#
# The encoder's second block is `EncoderBlock(128)` on the first block's 64 channels.
# Count its parameters from the definition above.

# %% [markdown] id="nb04-19b-ko" lang="ko"
# ### 퀴즈 04-q1: 블록 하나의 비용
#
# 인코더의 두 번째 블록은 첫 번째 블록의 64채널 출력을 받는 `EncoderBlock(128)`입니다. 위의 정의를
# 보고 이 블록의 파라미터 수를 세어 보세요.

# %% id="nb04-19c"
quiz.ask("04-q1")

# %% id="nb04-19d" tags=["answer"] grade_id="04-q1-answer"
# Parameters of EncoderBlock(128) on a 64-channel input: a whole number
### BEGIN SOLUTION
q1_answer = quiz.sealed("812c96a972de0bfef44612d0ddcdc3265dd41c35f0c7957af02e3c17a8dfb0b7")
### END SOLUTION

# %% id="nb04-19e" tags=["check"] grade_id="04-q1"
quiz.check("04-q1", q1_answer)

# %% [markdown] id="nb04-20" lang="en"
# ### The plain encoder–decoder
#
# Eight encoder blocks take 256×256×3 down to a 1×1×512 bottleneck; seven decoder blocks
# and a last transposed convolution bring it back to 256×256×3. No skips: whatever the
# output needs must pass through those 512 numbers.

# %% [markdown] id="nb04-20-ko" lang="ko"
# ### 평범한 인코더–디코더
#
# 인코더 블록 여덟 개가 256×256×3을 1×1×512 병목까지 줄이고, 디코더 블록 일곱 개와 마지막 전치
# 합성곱이 다시 256×256×3으로 되돌립니다. 스킵 연결이 없으므로, 출력에 필요한 모든 것이 이 512개의
# 숫자를 통과해야 합니다.

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
            print(tr(f"encoder {i + 1}: {tuple(x.shape)}", f"인코더 {i + 1}: {tuple(x.shape)}"))
        for i, block in enumerate(self.decoder):
            x = block(x)
            print(tr(f"decoder {i + 1}: {tuple(x.shape)}", f"디코더 {i + 1}: {tuple(x.shape)}"))
        print(tr("last:      ", "마지막:    "), tuple(self.last(x).shape))


encoder_decoder = EncoderDecoderGenerator()
encoder_decoder(probe)  # a subclassed model creates its weights on its first call
encoder_decoder.trace_shapes(probe)
print(tr("encoder-decoder parameters:", "인코더-디코더 파라미터 수:"),
      f"{encoder_decoder.count_params():,}")


# %% [markdown] id="nb04-22" lang="en"
# ### The U-Net
#
# Same blocks, one change in `call`: remember every encoder output and concatenate it to
# the decoder output of the same size. Decoder block $i$ now receives twice the channels,
# which is where the extra 15 million parameters come from. Subclassing makes this a
# small edit: we inherit `__init__` and only rewrite `call`.

# %% [markdown] id="nb04-22-ko" lang="ko"
# ### U-Net
#
# 블록은 같고, `call`에서 한 가지만 바뀝니다. 인코더의 모든 출력을 기억해 두었다가 같은 크기의
# 디코더 출력에 이어 붙이는 것입니다. 이제 디코더 블록 $i$는 두 배의 채널을 받게 되고, 늘어난
# 1,500만 개의 파라미터가 바로 여기서 나옵니다. 서브클래싱 덕분에 이것은 작은 수정으로 끝납니다.
# `__init__`은 상속받고 `call`만 다시 작성하면 됩니다.

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
print(tr("U-Net output:", "U-Net 출력:"), unet(probe).shape)
print(tr("U-Net parameters:", "U-Net 파라미터 수:"), f"{unet.count_params():,}")


# %% [markdown] id="nb04-24" lang="en"
# 54,425,859 parameters: exactly the functional U-Net of notebook 03, built another way.
#
# ### The PatchGAN discriminator, from encoder blocks
#
# Three encoder blocks (64 without BatchNorm, 128, 256), zero padding, a stride-1 encoder
# block with 512 filters and `"valid"` padding, zero padding again, and a 1-channel 4×4
# convolution: **30×30 logits**, each judging a 70×70 patch of the (sketch, colour) pair.

# %% [markdown] id="nb04-24-ko" lang="ko"
# 파라미터 54,425,859개: 노트북 03의 함수형 U-Net과 정확히 같은 네트워크를 다른 방식으로 만든
# 것입니다.
#
# ### 인코더 블록으로 만든 패치GAN 판별자
#
# 인코더 블록 세 개(BatchNorm 없는 64, 128, 256), 제로 패딩, 필터 512개에 `"valid"` 패딩을 쓰는
# stride 1 인코더 블록, 다시 제로 패딩, 그리고 1채널 4×4 합성곱. 결과는 **30×30 로짓**이며, 각
# 로짓은 (스케치, 컬러) 쌍의 70×70 패치 하나를 판정합니다.

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
print(tr("PatchGAN output:", "PatchGAN 출력:"), logits.shape)
print(tr("PatchGAN parameters:", "PatchGAN 파라미터 수:"), f"{discriminator.count_params():,}")
viz.patch_heatmap(logits[0], title=tr("untrained PatchGAN on (sketch, U-Net output)",
                                      "학습 전 PatchGAN: (스케치, U-Net 출력)"))
plt.show()


# %% [markdown] id="nb04-26" lang="en"
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

# %% [markdown] id="nb04-26-ko" lang="ko"
# ## 4. 두 생성자 학습하기
#
# 목적 함수는 노트북 03과 같습니다. 판별자는 진짜 쌍과 생성된 쌍을 구별하도록 배우고, 생성자는 GAN
# 항과 L1 항 양쪽에서 압력을 받습니다.
#
# $$G^* = \arg\min_G \max_D \; \mathcal{L}_{cGAN}(G, D) + \lambda\,
#   \mathbb{E}_{x,y}\big[\lVert y - G(x) \rVert_1\big], \qquad \lambda = 100 .$$
#
# 코드에서는 `losses.pix2pix_generator_loss`가 $\text{BCE}(1, D(x, G(x))) + \lambda \cdot
# \text{mean}|y - G(x)|$와 그 두 구성 요소를 함께 돌려주고, `losses.pix2pix_discriminator_loss`는
# $\text{BCE}(1, D(x, y)) + \text{BCE}(0, D(x, G(x)))$입니다. 둘 다 30×30 패치 로짓에 대해
# 계산합니다.
#
# 서브클래싱 API는 *학습*에도 쓰입니다. `keras.Model`의 서브클래스는 `train_step(batch)`를
# 재정의(override)할 수 있습니다. `course_lib.training.Pix2PixTrainer`가 그런 서브클래스로, 그
# `compile`은 네트워크마다 옵티마이저를 하나씩 받습니다. `training.fit`은 이런 트레이너라면
# 무엇이든 진행 표시줄(progress bar), TensorBoard 스칼라(scalar), 그리고 `checkpoint_every`
# 스텝마다의 체크포인트(두 네트워크, 두 옵티마이저, 스텝 카운터)와 함께 학습시킵니다. 아래에서는
# 이것을 한 번 더 서브클래싱하여 스텝을 전부 풀어 씁니다. 한 번의 업데이트가 정확히 무엇을 하는지
# 읽어 볼 수 있도록요. Colab 연결이 끊긴 뒤 같은 `checkpoint_dir`로 `fit`을 다시 실행하면
# `스텝 N부터 이어서 학습합니다`가 출력됩니다.

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


# %% [markdown] id="nb04-28" lang="en"
# Each generator gets its **own discriminator and its own two optimizers**: four Adam
# objects in all, each `Adam(2e-4, beta_1=0.5)`. Keras 3 optimizers bind to the variables
# they first update, so one optimizer cannot serve two networks; sharing a discriminator
# would also mix the two experiments.
#
# The lesson's numbers are batch 1 for 10 epochs; fast mode runs one epoch of batch 1 over
# four pairs, a single checkpoint at the end, and records the losses after every step
# (without a progress bar: four steps need none).

# %% [markdown] id="nb04-28-ko" lang="ko"
# 각 생성자는 **자기만의 판별자와 자기만의 옵티마이저 두 개**를 가집니다. 모두 합쳐 Adam 객체가 네
# 개이고, 각각 `Adam(2e-4, beta_1=0.5)`입니다. Keras 3의 옵티마이저는 처음 업데이트한 변수에
# 묶이므로 옵티마이저 하나로 두 네트워크를 학습시킬 수 없습니다. 판별자를 공유하면 두 실험이
# 섞이기도 합니다.
#
# 강의의 설정은 배치 크기 1로 10 에포크입니다. 빠른 모드에서는 쌍 네 개에 대해 배치 크기 1로 1
# 에포크를 돌고, 마지막에 체크포인트를 한 번 저장하며, 매 스텝 뒤에 손실을 기록합니다(진행
# 표시줄은 없습니다. 네 스텝에는 필요 없으니까요).

# %% [markdown] id="nb04-drive" lang="en"
# **Keeping checkpoints on Colab.** A Colab runtime loses its disk when it disconnects. On
# Colab, set `USE_GOOGLE_DRIVE = True` in the next cell and the run folder goes to your Google
# Drive, `MyDrive/gan-to-pix2pix/04_sketch_to_pokemon/`: after a disconnect, run the notebook's
# cells again and training continues where the last checkpoint left it, printing `Resuming from
# step N`. Colab asks once for permission to mount your Drive. Outside Colab the flag changes
# nothing, and fast mode always uses a fresh temporary folder.

# %% [markdown] id="nb04-drive-ko" lang="ko"
# **Colab에서 체크포인트 지키기.** Colab 런타임은 연결이 끊기면 디스크 내용을 잃습니다.
# Colab에서 다음 셀의 `USE_GOOGLE_DRIVE = True`로 바꾸면 실행 폴더(run folder)가 여러분의 Google
# Drive, `MyDrive/gan-to-pix2pix/04_sketch_to_pokemon/`에 만들어집니다. 연결이 끊긴 뒤 노트북의
# 셀들을 다시 실행하면 마지막 체크포인트에서 학습이 이어지고 `스텝 N부터 이어서 학습합니다`가
# 출력됩니다. Drive를 마운트(mount)할 권한은 Colab이 처음에 한 번 묻습니다. Colab이 아닌
# 곳에서는 이 설정이 아무것도 바꾸지 않고, 빠른 모드는 언제나 새 임시 폴더를 씁니다.

# %% id="nb04-drive-cell" tags=["skip-grading"]
USE_GOOGLE_DRIVE = False  # set True on Colab to keep checkpoints across disconnects
if USE_GOOGLE_DRIVE and config.on_colab():
    from google.colab import drive

    drive.mount("/content/drive")  # the run folder below then lives on your Drive

# %% id="nb04-29" tags=["skip-grading"]
RUN_DIR = (Path(tempfile.mkdtemp(prefix="pix2pix-pokemon-")) if config.is_fast()
           else config.run_folder("04_sketch_to_pokemon", config.course_folder() / "runs",
                                  USE_GOOGLE_DRIVE))
STEPS = EPOCHS * int(np.ceil(len(train_subset) / BATCH_SIZE))
print(tr("{pairs} pairs, batch {batch}, {epochs} epoch(s): {steps} steps per generator "
         "[{label}]",
         "쌍 {pairs}개, 배치 {batch}, {epochs} 에포크: 생성자마다 {steps} 스텝 [{label}]",
         pairs=len(train_subset), batch=BATCH_SIZE, epochs=EPOCHS, steps=STEPS,
         label=DATA_LABEL))


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
for ax, title in zip(axes, (tr("generator L1 loss", "생성자 L1 손실"),
                            tr("discriminator loss", "판별자 손실"))):
    ax.set_xlabel(tr("step", "스텝"))
    ax.set_title(title)
    ax.legend()
plt.show()


# %% [markdown] id="nb04-33" lang="en"
# (`training.fit` records the losses once per call of `steps_per_call` steps: every 10
# steps in full mode, every step in fast mode. TensorBoard has the same scalars:
# `%load_ext tensorboard` then `%tensorboard --logdir {RUN_DIR}`.) Four steps are far
# too few for a trend; over the full lesson the L1 loss falls while the two adversarial
# losses keep hovering, as in notebook 03.
#
# ### Encoder–decoder vs U-Net
#
# Test sketches through both generators (with `training=True`, as notebook 03 explained):

# %% [markdown] id="nb04-33-ko" lang="ko"
# (`training.fit`은 `steps_per_call` 스텝을 한 번 호출할 때마다 손실을 기록합니다. 전체 모드에서는
# 10 스텝마다, 빠른 모드에서는 매 스텝마다입니다. TensorBoard에도 같은 스칼라가 있습니다.
# `%load_ext tensorboard` 후 `%tensorboard --logdir {RUN_DIR}`.) 네 스텝은 추세를 보기에 턱없이
# 적습니다. 전체 과정에서는 노트북 03과 마찬가지로 L1 손실은 내려가고 두 적대적 손실은 계속
# 오르내립니다.
#
# ### 인코더–디코더 vs U-Net
#
# 테스트 스케치를 두 생성자에 넣어 봅니다(노트북 03에서 설명한 대로 `training=True`로).

# %% id="nb04-34" tags=["skip-grading"]
def colour_grid(models, n, title):
    """Rows of test pairs: Sketch | Ground Truth | one column per generator."""
    columns = [tr("Sketch", "스케치"), tr("Ground Truth", "정답"), *models]
    images = []
    for sketch_in, colour_true in test_dataset.take(n):
        images += [sketch_in[0], colour_true[0]]
        images += [model(sketch_in, training=True)[0] for model in models.values()]
    viz.sample_grid(np.stack(images), rows=n, cols=len(columns), size=2.2,
                    labels=columns * n, title=title)
    plt.show()


colour_grid({"Encoder-Decoder": encoder_decoder, "U-Net": unet}, 3,
            tr(f"after {STEPS} training steps [{DATA_LABEL}]",
               f"{STEPS} 스텝 학습 후 [{DATA_LABEL}]"))

# %% [markdown] id="nb04-35" lang="en"
# A few steps are nowhere near enough to colour anything, yet the architectures already
# differ: the U-Net's output tends to show the sketch's outlines from the first steps
# (its skips pass them straight through), while the encoder–decoder starts from a flat,
# featureless image. Four steps cannot show where this goes; a recorded run can.
#
# ### A recorded run: the same comparison after hundreds of steps
#
# `tools/compare_generators.py` trained both generators of this lesson (the library's
# `EncoderDecoderGenerator` and `UNetGenerator`, identical apart from the skips) on the
# very same batches: batch 1, the same seed (so the same starting weights), a fresh
# PatchGAN and two `Adam(2e-4, beta_1=0.5)` each. Every 25 steps it stored the mean training
# L1 of those steps and the L1 on 8 held-out test pairs; at a few moments it stored both
# generators' outputs on three test sketches. The cell below loads that record
# (`weights/history/encoder_decoder_vs_unet.json` and `.png`); it is **not** your run, and
# its title says how long it trained, on what data and on which machine.

# %% [markdown] id="nb04-35-ko" lang="ko"
# 몇 스텝으로는 아무것도 제대로 칠할 수 없지만, 구조의 차이는 벌써 보입니다. U-Net의 출력은 처음
# 몇 스텝부터 스케치의 윤곽선이 드러나는 경향이 있는 반면(스킵 연결이 윤곽선을 곧장 통과시키기
# 때문), 인코더–디코더는 특징 없는 평평한 이미지에서 출발합니다. 네 스텝으로는 이 차이가 어디로
# 가는지 알 수 없지만, 기록된 실행(recorded run)은 보여 줄 수 있습니다.
#
# ### 기록된 실행: 수백 스텝 뒤의 같은 비교
#
# `tools/compare_generators.py`는 이 강의의 두 생성자(라이브러리의 `EncoderDecoderGenerator`와
# `UNetGenerator`로, 스킵 연결만 다르고 나머지는 같습니다)를 완전히 같은 배치로 학습시켰습니다.
# 배치 크기 1, 같은 시드(그래서 같은 초기 가중치), 그리고 각자 새 패치GAN과
# `Adam(2e-4, beta_1=0.5)` 두 개를 썼습니다. 25 스텝마다 그 구간의 평균 학습 L1과, 학습에 쓰지
# 않은 테스트 쌍 8개에 대한 L1을 저장했고, 몇 시점에서는 두 생성자가 테스트 스케치 세 장에 내놓은
# 출력을 저장했습니다. 아래 셀은 그 기록(`weights/history/encoder_decoder_vs_unet.json`과
# `.png`)을 불러옵니다. 여러분의 실행이 **아니며**, 얼마나 오래, 어떤 데이터로, 어떤 기계에서
# 학습했는지가 함께 출력됩니다.

# %% id="nb04-35-recorded" tags=["skip-grading"]
import json

recorded_file = config.weights_dir() / "history" / "encoder_decoder_vs_unet.json"
recorded = json.loads(recorded_file.read_text())
print(tr("RECORDED run (not yours): {done} of {planned} planned steps per generator, "
         "batch {batch}, seed {seed}",
         "기록된 실행(여러분의 실행이 아님): 생성자마다 계획한 {planned} 스텝 중 {done} 스텝, "
         "배치 {batch}, 시드 {seed}", done=recorded["steps"][-1],
         planned=recorded["planned_steps"], batch=recorded["batch_size"], seed=recorded["seed"]))
print(tr("data: {data}; machine: {machine}", "데이터: {data}; 장비: {machine}",
         data=recorded["data"], machine=recorded["machine"]))
print(f"{tr('step', '스텝'):>6} {tr('test L1, encoder-decoder', '테스트 L1, 인코더-디코더'):>26} "
      f"{tr('test L1, U-Net', '테스트 L1, U-Net'):>16}")
for i, step in enumerate(recorded["steps"]):
    if i % 2 == 0 or i == len(recorded["steps"]) - 1:
        print(f"{step:>6} {recorded['test_l1']['encoder_decoder'][i]:>26.3f} "
              f"{recorded['test_l1']['unet'][i]:>16.3f}")
fig, ax = plt.subplots(figsize=(11, 7.5))
ax.imshow(plt.imread(recorded_file.with_suffix(".png")))  # curves on top, frames below
ax.axis("off")
plt.show()

# %% [markdown] id="nb04-35-reading" lang="en"
# **Reading the record honestly.** 500 steps per generator is less than one epoch over the
# 778 pairs, far short of the lesson's 10 epochs. In that time the U-Net's test L1 fell from
# 0.33 to about 0.22 within 150 steps and then flattened (0.21 at step 500). Its frames show the
# sketch's outlines painted in one warm orange-brown whatever the Pokémon: it has learned
# *where* to paint, not yet *which* colours belong to which Pokémon. The encoder–decoder's test
# L1 only crept down (0.73 → 0.67), its GAN loss kept climbing (its discriminator spots it
# easily), and its frames are one and the same flat grey image for every sketch, slowly
# lightening toward the white background. That is not the "right colours, smeared outlines"
# picture of the Pix2Pix paper, and the reason is worth knowing. At batch 1 in training mode,
# the BatchNorm of the last encoder block normalises its 1×1×512 map over a single value per
# channel: a value minus its own mean is 0, so every channel becomes its learned offset β and
# the bottleneck carries **nothing** about the sketch. Without skips nothing else reaches the
# decoder, so this encoder–decoder can only learn one average image. The U-Net's bottleneck
# is zeroed in the same way, but its skips carry what the decoder needs. (The authors'
# PyTorch code leaves normalisation out of the innermost layer; with batches larger than 1,
# BatchNorm there compares the images of a batch and information does get through.) What
# the record cannot tell you: how either model looks after the full 10 epochs. It is short
# because it ran on a shared 2-core CPU.

# %% [markdown] id="nb04-35-reading-ko" lang="ko"
# **기록을 정직하게 읽기.** 생성자마다 500 스텝은 쌍 778개의 한 에포크에도 못 미치며, 강의의
# 10 에포크보다 훨씬 짧습니다. 그동안 U-Net의 테스트 L1은 150 스텝 안에 0.33에서 약 0.22로
# 내려간 뒤 평평해졌습니다(500 스텝에서 0.21). 출력을 보면 스케치의 윤곽선은 살아 있지만, 어떤
# 포켓몬이든 같은 주황–갈색 계열로 칠합니다. *어디를* 칠할지는 배웠지만, 어떤 포켓몬에 *어떤*
# 색이 어울리는지는 아직 배우지 못한 것입니다. 인코더–디코더의 테스트 L1은 조금씩만
# 내려갔고(0.73 → 0.67), GAN 손실은 계속 올라갔으며(판별자가 쉽게 가려냅니다), 출력은 모든
# 스케치에 대해 똑같은 평평한 회색 이미지로, 흰 배경 쪽으로 천천히 밝아질 뿐입니다. 이것은
# Pix2Pix 논문이 보여 주는 "색은 맞고 윤곽선은 뭉개진" 모습이 아니며, 그 이유는 알아 둘
# 만합니다. 배치 크기 1의 학습 모드에서 마지막 인코더 블록의 배치 정규화(BatchNorm)는 1×1×512
# 특징 맵을 채널마다 값 하나로 정규화합니다. 값에서 자기 자신의 평균을 빼면 0이므로 모든 채널은
# 학습된 오프셋 β가 되고, 병목(bottleneck)은 스케치에 대한 정보를 **하나도** 전달하지 못합니다.
# 스킵 연결이 없으면 디코더에 닿는 다른 길이 없으니, 이 인코더–디코더는 평균 이미지 하나만 배울
# 수 있습니다. U-Net의 병목도 똑같이 0이 되지만, 스킵 연결이 디코더에 필요한 것을 날라 줍니다.
# (논문 저자들의 PyTorch 코드는 가장 안쪽 층에 정규화를 쓰지 않습니다. 배치가 1보다 크면 그
# 자리의 BatchNorm이 배치 안의 이미지들을 서로 비교하므로 정보가 통과합니다.) 이 기록이 알려
# 주지 못하는 것: 전체 10 에포크 뒤 두 모델이 어떻게 보일지입니다. 공유된 2코어 CPU에서 돌렸기
# 때문에 짧은 기록입니다.

# %% [markdown] id="nb04-35b" lang="en"
# ## 5. Colouring test sketches with the pretrained generator
#
# The course can ship a U-Net (the library's `UNetGenerator`) trained on the same
# `pokemon_pairs_files("train")` data, which on the offline copy means DERIVED pairs. When
# it is present, its model card in `weights/manifest.json` says what it was trained on and
# for how long, and the cell below colours six test sketches with it. When it is not,
# `weights.available("pix2pix-pokemon")` is False and the cell says how to make one.

# %% [markdown] id="nb04-35b-ko" lang="ko"
# ## 5. 사전 학습된 생성자로 테스트 스케치 색칠하기
#
# 이 코스에는 같은 `pokemon_pairs_files("train")` 데이터(오프라인 사본에서는 파생된 쌍)로 학습한
# U-Net(라이브러리의 `UNetGenerator`)이 포함될 수 있습니다. 있다면 `weights/manifest.json`의 모델
# 카드에 무엇으로 얼마나 학습했는지 적혀 있고, 아래 셀이 그 생성자로 테스트 스케치 여섯 장을
# 색칠합니다. 없다면 `weights.available("pix2pix-pokemon")`이 False가 되고, 셀이 생성자를 만드는
# 방법을 알려 줍니다.

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
                    labels=[tr("sketch", "스케치"), tr("pretrained", "사전 학습"),
                            tr("ground truth", "정답")] * 6,
                    title=tr(f"pretrained pix2pix-pokemon on test sketches [{DATA_LABEL}]",
                             f"테스트 스케치에 적용한 사전 학습 pix2pix-pokemon [{DATA_LABEL}]"))
    plt.show()
else:
    print(weights.unavailable_reason("pix2pix-pokemon"))

# %% [markdown] id="nb04-36b" lang="en"
# How that generator was trained: its real run's loss curves, one panel per loss (the L1
# term falls steadily while the GAN terms wander, as the two networks keep each other in
# check), and the same three training sketches coloured at six moments of the run.

# %% [markdown] id="nb04-36b-ko" lang="ko"
# 이 생성자를 실제로 학습시킨 과정입니다. 손실마다 패널을 하나씩 두어 그린 손실 곡선을 보면
# L1 항은 꾸준히 내려가고, GAN 항들은 두 네트워크가 서로를 견제하는 동안 오르내립니다.
# 그 아래에는 같은 학습용 스케치 세 장을 학습 중 여섯 시점에서 색칠한 결과가 있습니다.

# %% id="nb04-36c" tags=["skip-grading"]
if viz.training_history("pix2pix-pokemon") is not None:
    plt.show()

# %% [markdown] id="nb04-36d" lang="en"
# ## 6. Your turn: a sketch pad
#
# Draw on the left canvas with the mouse: each stroke is coloured as soon as you release the
# button. You can also pick one of the test sketches from the list, or upload a picture of
# your own (any size: a transparent background becomes white, grey becomes RGB, and a
# non-square picture is padded with white; see `playground.prepare_input`). **Undo** takes
# back the last change, **Clear** gives a blank page, and the *line width* slider sets the
# pen's thickness in pixels of the 256×256 input.
#
# Things to try, and what to notice:
#
# * **Line thickness.** Draw the same shape with thin (1–2 px), medium (3–5 px) and very
#   thick (10 px) lines. The training sketches have lines about 2–3 px wide. When we tried
#   it, thin lines got only faint colour, medium ones got the body filled in, and very thick
#   lines stayed dark outlines around a pale inside. Why would a network trained on one
#   kind of sketch care so much about line width?
# * **Closed and open outlines**: does colour stay inside a closed shape? Does it leak out
#   through a gap?
# * **Add a stroke to a test sketch** and see how far its effect spreads across the colouring.
# * **Upload something that is not a sketch** (a photo, a filled drawing): the input is far
#   from the training data, and the output shows it.
#
# Where widgets cannot be shown (GitHub's viewer, CI) the cell shows a static figure instead:
# the first test sketch and its colouring.

# %% [markdown] id="nb04-36d-ko" lang="ko"
# ## 6. 직접 해 보기: 스케치 패드
#
# 왼쪽 캔버스(canvas)에 마우스로 그려 보세요. 마우스 버튼을 놓는 순간 그 획이 색칠됩니다. 목록에서
# 테스트 스케치를 고르거나 직접 만든 그림을 올릴 수도 있습니다(크기는 상관없습니다. 투명한 배경은
# 흰색으로, 흑백은 RGB로 바뀌고, 정사각형이 아닌 그림은 흰색 여백을 붙여 정사각형으로 만듭니다.
# `playground.prepare_input` 참고). **되돌리기**는 마지막 변경을 취소하고, **모두 지우기**는 빈
# 종이를 주며, *선 굵기* 슬라이더는 256×256 입력의 픽셀 단위로 펜 굵기를 정합니다.
#
# 이렇게 해 보고, 다음을 눈여겨보세요.
#
# * **선 굵기.** 같은 모양을 가는 선(1–2 px), 보통 선(3–5 px), 아주 굵은 선(10 px)으로 그려
#   보세요. 학습용 스케치의 선 굵기는 2–3 px 정도입니다. 저희가 해 보았을 때는 가는 선에는
#   색이 희미하게만 칠해졌고, 보통 선에서는 몸통이 채워졌으며, 아주 굵은 선은 속이 옅은 채로
#   진한 윤곽선만 남았습니다. 한 종류의 스케치로 학습한 네트워크가 왜 선 굵기에 이렇게
#   민감할까요?
# * **닫힌 윤곽선과 열린 윤곽선**: 닫힌 모양 안에 색이 머무르나요? 틈이 있으면 밖으로 새어
#   나가나요?
# * **테스트 스케치에 획을 하나 더해** 보고, 그 영향이 색칠 결과의 어디까지 퍼지는지 보세요.
# * **스케치가 아닌 그림**(사진, 속이 채워진 그림)을 올려 보세요. 입력이 학습 데이터와 멀리
#   떨어져 있으면 출력에 그대로 드러납니다.
#
# 위젯을 보여 줄 수 없는 곳(GitHub 뷰어, CI)에서는 이 셀이 대신 정적인 그림, 즉 첫 번째 테스트
# 스케치와 그 색칠 결과를 보여 줍니다.

# %% id="nb04-36e" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
# The pad's drawing and inference are plain functions: course_lib/playground.py.
from course_lib import playground_widgets

if weights.available("pix2pix-pokemon", quiet=True):  # section 5 said why not
    playground_widgets.sketch_pad(pretrained, test_files)

# %% [markdown] id="nb04-37" lang="en"
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

# %% [markdown] id="nb04-37-ko" lang="ko"
# ## 요약
#
# * 쌍 데이터셋은 쓰기 전에 직접 봐야 합니다. 여기서는 입력이 **왼쪽** 절반입니다.
# * 쌍 이미지의 무작위 기하 변환: 6채널로 쌓고, 한 번에 변환하고, 다시 나눕니다.
# * 서브클래싱: 층은 `__init__`에서 부품을 만들고 `call`에서 연결하며, `training`을 BatchNorm과
#   Dropout까지 전달합니다. U-Net은 `call`만 다른 인코더–디코더입니다.
# * 학습도 서브클래싱입니다. `SketchColouring`은 `train_step`을 재정의하고(테이프 두 개,
#   네트워크마다 옵티마이저 하나), `training.fit`은 연결이 끊겨도 살아남는 체크포인트와 함께 이를
#   실행합니다.
#
# 노트북 05는 프로젝트입니다. 같은 도구를 거리 풍경에 적용합니다. 이 노트북의 채점 항목입니다.

# %% id="nb04-38" tags=["reveals-answer"]
print(quiz.summary())

# %% id="nb04-39" tags=["skip-grading"]
if config.is_fast():  # the fast-mode run folder was temporary: free its checkpoints
    shutil.rmtree(RUN_DIR, ignore_errors=True)
