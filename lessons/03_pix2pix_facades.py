# %% [markdown] id="nb03-00" lang="en"
# # 03 · Pix2Pix: from label maps to facade photos
#
# In notebooks 01 and 02 a generator turned *noise* (and, for the cGAN, a digit label) into an
# image. Here the condition becomes a whole **image**: we give the network a colour-coded label
# map of a building and ask it for a photo of that building. This is **Pix2Pix** (Isola et al.,
# *Image-to-Image Translation with Conditional Adversarial Networks*, CVPR 2017).
#
# What you will build and see:
#
# 1. the paired-image data pipeline (load, resize, random crop, normalise, random jitter);
# 2. the building blocks `downsample` / `upsample` and the **U-Net generator** (54 M parameters);
# 3. why a pixel loss alone gives blurry pictures, and the **L1 + cGAN** loss that fixes it;
# 4. the **PatchGAN discriminator**, which judges 70×70 patches instead of the whole image;
# 5. a checkpointed training loop with TensorBoard logging, then predictions on test images,
#    and a generator trained much longer (loaded from the course's pretrained weights).
#
# **Fast mode** (`COURSE_FAST=1`, used by CI and CPU laptops) trains for a handful of steps
# only, so the predictions of the model trained *here* still look like noise: that is expected.
# The full lesson (40 000 steps) takes roughly an hour or two on a Colab GPU.
#
# **Time:** fast mode takes about 3 minutes on two CPU cores; full mode's training on a
# Colab T4 GPU takes an estimated **15–25 minutes** (an estimate from FLOPs per step,
# not a measurement: docs/PERFORMANCE.md says how it was made).

# %% [markdown] id="nb03-00-ko" lang="ko"
# # 03 · Pix2Pix: 레이블 맵에서 건물 정면(facade) 사진으로
#
# 노트북 01과 02에서는 생성자(generator)가 *노이즈*(cGAN에서는 숫자 레이블도 함께)를 받아 이미지를
# 만들었습니다. 이번에는 조건(condition)이 아예 **이미지** 한 장이 됩니다. 건물의 구조를 색으로
# 구분해 칠한 레이블 맵(label map)을 네트워크에 주고, 그 건물의 사진을 만들어 달라고 하는 것이죠.
# 이것이 바로 **Pix2Pix**입니다(Isola et al., *Image-to-Image Translation with Conditional
# Adversarial Networks*, CVPR 2017).
#
# 이 노트북에서 직접 만들고 확인할 내용:
#
# 1. 쌍(pair)으로 된 이미지의 데이터 파이프라인(불러오기, 크기 조정, 무작위 자르기, 정규화, 랜덤
#    지터(random jitter));
# 2. 기본 블록 `downsample` / `upsample`과 **U-Net 생성자**(파라미터 5,400만 개);
# 3. 픽셀 손실(pixel loss)만 쓰면 왜 흐릿한 그림이 나오는지, 그리고 이를 해결하는 **L1 + cGAN**
#    손실;
# 4. 이미지 전체 대신 70×70 패치 단위로 판정하는 **패치GAN 판별자**(PatchGAN discriminator);
# 5. 체크포인트(checkpoint)와 TensorBoard 기록을 갖춘 학습 루프, 테스트 이미지에 대한 예측, 그리고
#    훨씬 오래 학습된 생성자(코스에서 제공하는 사전 학습 가중치(pretrained weights)에서 불러옴).
#
# **빠른 모드**(fast mode, `COURSE_FAST=1`; CI와 CPU만 있는 랩톱에서 사용)에서는 몇 스텝만
# 학습하므로, *여기서* 학습한 모델의 예측은 여전히 노이즈처럼 보입니다. 정상입니다. 전체 과정(40
# 000 스텝)은 Colab GPU에서 대략 한두 시간 걸립니다.
#
# **소요 시간:** 빠른 모드는 CPU 코어 두 개로 약 3분 걸립니다. 전체 모드의 학습은 Colab T4
# GPU에서 약 **15–25분**으로 추정합니다(측정값이 아니라 스텝당 FLOP 수로 계산한
# 추정치(estimate)이며, 계산 방법은 docs/PERFORMANCE.md에 있습니다).

# %% id="nb03-01"
# SETUP CELL: tools/build_lessons.py puts lessons/setup_cell.py here

# %% id="nb03-02"
# NBVAL_IGNORE_OUTPUT
import shutil
import tempfile
import time
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython import display

from course_lib import config, data, evaluation, losses, quiz, viz, weights

SEED = 42
keras.utils.set_random_seed(SEED)  # seeds Python's random, NumPy and TensorFlow at once
# %config InlineBackend.figure_formats = ["jpeg"]  # photos: far smaller notebooks than PNG
plt.rcParams["figure.dpi"] = 72
print(config.describe())  # fast or full mode, GPU or CPU, where the data is

# %% [markdown] id="nb03-03" lang="en"
# ## 1. Image-to-image translation
#
# Many vision tasks take an image and return an image of the same scene: label map →
# photo, edges → photo, day → night, black-and-white → colour, aerial photo → map. Each one
# is a mapping $G: x \mapsto y$ learned from **pairs** $(x, y)$ that show the same scene in
# both forms. Pix2Pix handles all of them with one recipe; only the training pairs change.
#
# The recipe is the conditional GAN of notebook 02 with the label replaced by the input
# image $x$:
#
# * the **generator** $G$ reads $x$ and produces $G(x)$;
# * the **discriminator** $D$ sees a *pair*: either $(x, y)$ (a real photo for this label
#   map) or $(x, G(x))$ (a generated one), and says which.
#
# Seeing the pair is what makes it *conditional*: a realistic photo that does not match the
# label map must be rejected too. The adversarial part of the objective is
#
# $$\mathcal{L}_{cGAN}(G, D) = \mathbb{E}_{x,y}\big[\log D(x, y)\big]
#   + \mathbb{E}_{x}\big[\log\big(1 - D(x, G(x))\big)\big].$$
#
# There is no noise vector $z$. The authors tried feeding noise and found the generator
# simply learned to ignore it; the only randomness left in Pix2Pix is **dropout** in the
# generator, which stays on even when we make predictions (section 9 explains why).
#
# ## 2. The data: CMP facades
#
# The facades set (Tyleček & Šára, CTU Prague, as packaged for pix2pix) has 400 training,
# 100 validation and 106 test files. Each file is one 512×256 JPEG with the two images side
# by side. Always check which half is which before writing a loader:

# %% [markdown] id="nb03-03-ko" lang="ko"
# ## 1. 이미지-투-이미지 변환(image-to-image translation)
#
# 많은 비전 과제가 이미지를 받아 같은 장면의 다른 이미지를 돌려줍니다. 레이블 맵 → 사진,
# 윤곽선(edge) → 사진, 낮 → 밤, 흑백 → 컬러, 항공 사진 → 지도 같은 것들이죠. 각 과제는 같은 장면을
# 두 가지 형태로 보여 주는 **쌍** $(x, y)$들로부터 배우는 사상(mapping) $G: x \mapsto y$입니다.
# Pix2Pix는 이 모든 과제를 하나의 방법으로 다루며, 바뀌는 것은 학습용 쌍뿐입니다.
#
# 그 방법은 노트북 02의 조건부 GAN(conditional GAN, cGAN)에서 레이블을 입력 이미지 $x$로 바꾼
# 것입니다.
#
# * **생성자** $G$는 $x$를 읽고 $G(x)$를 만듭니다.
# * **판별자(discriminator)** $D$는 *쌍*을 봅니다. $(x, y)$(이 레이블 맵에 대한 진짜 사진) 또는
#   $(x, G(x))$(생성된 사진) 중 하나를 받아 어느 쪽인지 판단합니다.
#
# 쌍을 본다는 점이 바로 *조건부*라는 뜻입니다. 사진 자체는 그럴듯해도 레이블 맵과 맞지 않으면 역시
# 가짜로 판정해야 합니다. 목적 함수(objective function) 중 적대적(adversarial) 부분은 다음과
# 같습니다.
#
# $$\mathcal{L}_{cGAN}(G, D) = \mathbb{E}_{x,y}\big[\log D(x, y)\big]
#   + \mathbb{E}_{x}\big[\log\big(1 - D(x, G(x))\big)\big].$$
#
# 노이즈 벡터 $z$는 없습니다. 저자들은 노이즈를 넣어 보았지만 생성자가 그냥 무시하도록 학습된다는
# 것을 발견했습니다. 그래서 Pix2Pix에 남은 무작위성은 생성자 안의 **드롭아웃**(dropout)뿐이며, 이
# 드롭아웃은 예측할 때도 켜 둡니다(이유는 9절에서 설명합니다).
#
# ## 2. 데이터: CMP facades
#
# facades 데이터셋(Tyleček & Šára, CTU Prague, pix2pix용으로 묶인 버전)에는 학습용 400개, 검증용
# 100개, 테스트용 106개 파일이 있습니다. 파일 하나는 512×256 JPEG 한 장이고, 두 이미지가 좌우로
# 나란히 붙어 있습니다. 로더(loader)를 작성하기 전에 어느 쪽이 어느 이미지인지 반드시 확인하세요.

# %% id="nb03-04"
# tr(english, korean) prints the line in this edition's language (COURSE_LANG).
from course_lib.messages import tr

try:
    train_files = data.facades_files("train")
    test_files = data.facades_files("test")
except data.DataError as err:  # no copy and no network: fall back to the tiny sample
    print(err)
    train_files = data.facades_files("train", sample=True)
    test_files = data.facades_files("test", sample=True)
print(tr("{train} training pairs, {test} test pairs", "학습 쌍 {train}개, 테스트 쌍 {test}개",
         train=len(train_files), test=len(test_files)))

# %% id="nb03-05"
raw = plt.imread(train_files[0])  # uint8 (256, 512, 3): height 256, width 512
print(tr("one file:", "파일 하나:"), raw.shape, raw.dtype)
fig, ax = plt.subplots(figsize=(8, 4.3))
ax.imshow(raw)
ax.axvline(255.5, color="white", linestyle="--")
ax.set_title(tr("{name}:  LEFT = photo (the target)   |   RIGHT = label map (the input)",
                "{name}:  왼쪽 = 사진 (정답)   |   오른쪽 = 레이블 맵 (입력)",
                name=Path(train_files[0]).name))
ax.axis("off")
plt.show()

# %% [markdown] id="nb03-06" lang="en"
# The **left** half is the real photo, which the generator must learn to produce (the
# *target*, called `real_image` below). The **right** half is the label map, where each
# colour stands for one of 12 classes (wall, window, door, balcony, …): that is the
# generator's *input*.
#
# ### The input pipeline, step by step
#
# Five small functions, each doing one thing. `course_lib.data` has the same functions under
# the same names (`data.load`, `data.resize`, `data.random_crop`, `data.normalize`,
# `data.random_jitter`); we write them here so you can read them.

# %% [markdown] id="nb03-06-ko" lang="ko"
# **왼쪽** 절반이 진짜 사진으로, 생성자가 만들어 내도록 배워야 하는
# *목표*(target)입니다(아래에서는 `real_image`라고 부릅니다). **오른쪽** 절반은 레이블 맵으로, 각
# 색이 12개 클래스(벽, 창문, 문, 발코니 등) 중 하나를 나타냅니다. 이것이 생성자의
# *입력*(input)입니다.
#
# ### 입력 파이프라인, 한 단계씩
#
# 각각 한 가지 일만 하는 작은 함수 다섯 개입니다. `course_lib.data`에도 같은 이름의 같은 함수가
# 있지만(`data.load`, `data.resize`, `data.random_crop`, `data.normalize`, `data.random_jitter`),
# 코드를 직접 읽어 볼 수 있도록 여기서 다시 작성합니다.

# %% id="nb03-07"
IMG_HEIGHT, IMG_WIDTH = 256, 256
BUFFER_SIZE = 400  # the whole training split: a complete shuffle
BATCH_SIZE = 1  # the paper's choice (see the note on BatchNorm in section 9)


def load(image_file):
    """Pair file -> (input_image, real_image), float32 in [0, 255], each (256, 256, 3)."""
    image = tf.io.decode_jpeg(tf.io.read_file(image_file))  # (256, 512, 3) uint8
    half = tf.shape(image)[1] // 2
    real_image = image[:, :half, :]  # left half: the photo (target)
    input_image = image[:, half:, :]  # right half: the label map (input)
    return tf.cast(input_image, tf.float32), tf.cast(real_image, tf.float32)


def resize(input_image, real_image, height, width):
    """Nearest-neighbour resize of both images: label colours stay exact (no blending)."""
    method = tf.image.ResizeMethod.NEAREST_NEIGHBOR
    return (tf.image.resize(input_image, [height, width], method=method),
            tf.image.resize(real_image, [height, width], method=method))


def random_crop(input_image, real_image):
    """The same random 256x256 window from both images.

    Stacking to (2, H, W, 3) and cropping once keeps input and target aligned pixel for
    pixel; two separate random crops would pair a label map with the wrong photo area.
    """
    stacked = tf.stack([input_image, real_image], axis=0)
    cropped = tf.image.random_crop(stacked, size=[2, IMG_HEIGHT, IMG_WIDTH, 3])
    return cropped[0], cropped[1]


def normalize(input_image, real_image):
    """[0, 255] -> [-1, 1], the range of the generator's tanh output."""
    return (input_image / 127.5) - 1, (real_image / 127.5) - 1


def random_jitter(input_image, real_image):
    """The paper's augmentation: upscale to 286x286, random 256x256 crop, 50 % mirror."""
    input_image, real_image = resize(input_image, real_image, 286, 286)
    input_image, real_image = random_crop(input_image, real_image)
    if tf.random.uniform(()) > 0.5:
        input_image = tf.image.flip_left_right(input_image)
        real_image = tf.image.flip_left_right(real_image)
    return input_image, real_image


inp, re = load(train_files[0])
print(tr("input (label map):", "입력 (레이블 맵):"), inp.shape, inp.dtype,
      tr("| target (photo):", "| 정답 (사진):"), re.shape)
library_pair = data.load(train_files[0])
print(tr("same tensors as course_lib.data.load:", "course_lib.data.load와 같은 텐서인가:"),
      all(bool(tf.reduce_all(a == b)) for a, b in zip((inp, re), library_pair)))

# %% [markdown] id="nb03-08" lang="en"
# Random jitter shows the network a slightly different crop (and sometimes a mirror image)
# of each pair at every epoch, which matters with only 400 training pairs. Four draws of the
# same pair; note that the label map and the photo always move together:

# %% [markdown] id="nb03-08-ko" lang="ko"
# 랜덤 지터를 쓰면 에포크(epoch)마다 각 쌍을 조금씩 다르게 잘라서(때로는 좌우 반전해서) 보여 주게
# 됩니다. 학습 쌍이 400개뿐이라 이 점이 중요합니다. 아래는 같은 쌍을 네 번 뽑은 결과입니다. 레이블
# 맵과 사진이 항상 함께 움직인다는 점에 주목하세요.

# %% id="nb03-09"
fig, axes = plt.subplots(2, 4, figsize=(10, 5.2))
for col in range(4):
    jittered_inp, jittered_re = random_jitter(inp, re)
    axes[0, col].imshow(jittered_inp / 255.0)
    axes[1, col].imshow(jittered_re / 255.0)
    axes[0, col].set_title(tr(f"draw {col + 1}", f"{col + 1}번째 뽑기"))
for ax in axes.flat:
    ax.axis("off")
axes[0, 0].text(-20, 128, tr("input", "입력"), rotation=90, va="center", ha="right")
axes[1, 0].text(-20, 128, tr("target", "정답"), rotation=90, va="center", ha="right")
fig.suptitle(tr("random_jitter: resize to 286, random 256 crop, random mirror",
                "random_jitter: 286으로 키우고, 무작위 256 자르기, 무작위 좌우 반전"))
plt.show()


# %% [markdown] id="nb03-10" lang="en"
# Training examples get the jitter; test examples are only resized, so that a test image
# gives the same input every time. Both end with `normalize`.
#
# > **Pitfall: a training pipeline that forgets its jitter.** One of the write-ups this
# > lesson grew from defines `random_jitter` carefully, shows the four crops above, and then
# > writes a `load_image_train` that never calls it. Nothing fails: the network just sees
# > the identical 400 images every epoch and over-fits sooner. A one-line check catches it:
# > load the same file twice and compare.

# %% [markdown] id="nb03-10-ko" lang="ko"
# 학습 예제에는 지터를 적용하고, 테스트 예제는 크기만 조정합니다. 그래야 같은 테스트 이미지가 매번
# 같은 입력이 됩니다. 둘 다 마지막에 `normalize`를 거칩니다.
#
# > **함정: 지터를 빠뜨린 학습 파이프라인.** 이 강의의 바탕이 된 자료 중 하나는 `random_jitter`를
# > 꼼꼼하게 정의하고 위와 같은 네 개의 크롭까지 보여 준 다음, 정작 이 함수를 한 번도 호출하지
# > 않는 `load_image_train`을 작성합니다. 오류는 나지 않습니다. 네트워크가 매 에포크 똑같은
# > 400장을 보게 되어 과적합(overfitting)이 더 빨리 올 뿐입니다. 같은 파일을 두 번 불러와 비교하는
# > 한 줄짜리 검사로 잡아낼 수 있습니다.

# %% id="nb03-11"
def load_image_train(image_file):
    """Training example: load -> random_jitter -> normalize; (256, 256, 3) each, [-1, 1]."""
    input_image, real_image = load(image_file)
    input_image, real_image = random_jitter(input_image, real_image)
    return normalize(input_image, real_image)


def load_image_test(image_file):
    """Test example: load -> resize to 256x256 -> normalize. Deterministic."""
    input_image, real_image = load(image_file)
    input_image, real_image = resize(input_image, real_image, IMG_HEIGHT, IMG_WIDTH)
    return normalize(input_image, real_image)


def load_image_train_forgetful(image_file):
    """The bug to avoid: a 'training' loader without random_jitter."""
    return normalize(*load(image_file))


def same_twice(loader, image_file):
    first, second = loader(image_file)[0], loader(image_file)[0]
    return bool(tf.reduce_all(first == second))


first_file = train_files[0]
print(tr("forgetful loader gives the same example twice:",
         "잊어버리는 로더가 같은 예시를 두 번 주는가:    "),
      same_twice(load_image_train_forgetful, first_file))
print(tr("load_image_train gives the same example twice: ",
         "load_image_train이 같은 예시를 두 번 주는가:   "),
      same_twice(load_image_train, first_file))
# The library's pipeline: two epochs of one file through data.pix2pix_dataset.
two_epochs = list(data.pix2pix_dataset(train_files[:1], training=True).repeat(2))
print(tr("data.pix2pix_dataset repeats its first epoch:  ",
         "data.pix2pix_dataset이 첫 에포크를 되풀이하는가:"),
      bool(tf.reduce_all(two_epochs[0][0] == two_epochs[1][0])))

# %% [markdown] id="nb03-12" lang="en"
# (A detail worth knowing: with a global seed, every *new* iterator over a `tf.data`
# pipeline replays the same random numbers. Epochs inside one iterator, as in
# `dataset.repeat()` during training, do differ, which is what the last line checks.)
#
# Now the `tf.data` pipelines. In fast mode we keep only a few files so the notebook runs
# in minutes; `course_lib.data.pix2pix_dataset(files, training)` builds the same pipeline
# (and caches the encoded files in memory).

# %% [markdown] id="nb03-12-ko" lang="ko"
# (알아 두면 좋은 세부 사항: 전역 시드(global seed)를 정해 두면, `tf.data` 파이프라인에 *새*
# 반복자(iterator)를 만들 때마다 같은 난수가 다시 재생됩니다. 학습 중의 `dataset.repeat()`처럼 한
# 반복자 안에서 이어지는 에포크들은 서로 다르며, 마지막 줄이 바로 이것을 확인합니다.)
#
# 이제 `tf.data` 파이프라인입니다. 빠른 모드에서는 노트북이 몇 분 안에 끝나도록 파일을 몇 개만
# 남깁니다. `course_lib.data.pix2pix_dataset(files, training)`도 같은 파이프라인을 만들어
# 줍니다(인코딩된 파일을 메모리에 캐시하는 점만 다릅니다).

# %% id="nb03-13"
train_subset = train_files[:config.pick(None, 20)]  # all 400 in full mode
test_subset = test_files[:config.pick(None, 5)]

train_dataset = tf.data.Dataset.from_tensor_slices(train_subset)
train_dataset = train_dataset.map(load_image_train, num_parallel_calls=tf.data.AUTOTUNE)
train_dataset = train_dataset.shuffle(BUFFER_SIZE).batch(BATCH_SIZE)

test_dataset = tf.data.Dataset.from_tensor_slices(test_subset)
test_dataset = test_dataset.map(load_image_test).batch(BATCH_SIZE)

print(train_dataset.element_spec)  # two float32 tensors of shape (batch, 256, 256, 3)


# %% [markdown] id="nb03-14" lang="en"
# ## 3. Building blocks: `downsample` and `upsample`
#
# Both networks are stacks of two small blocks.
#
# * `downsample(filters, size)`: a strided convolution (stride 2 halves height and width),
#   then BatchNorm, then LeakyReLU. No bias in the convolution: BatchNorm's learned shift
#   does that job.
# * `upsample(filters, size)`: a strided *transposed* convolution (doubles height and
#   width), BatchNorm, optional Dropout(0.5), then ReLU.
#
# Every kernel starts from $\mathcal{N}(0, 0.02)$, as in the paper. `course_lib.models`
# has the same two functions.

# %% [markdown] id="nb03-14-ko" lang="ko"
# ## 3. 기본 블록: `downsample`과 `upsample`
#
# 두 네트워크 모두 작은 블록 두 종류를 쌓아 만듭니다.
#
# * `downsample(filters, size)`: 스트라이드(stride)가 있는 합성곱(convolution, stride 2로 높이와
#   너비가 절반이 됨), 이어서 BatchNorm, 그리고 LeakyReLU. 합성곱에는 편향(bias)이 없습니다.
#   BatchNorm이 학습하는 이동(shift) 값이 그 역할을 대신하기 때문입니다.
# * `upsample(filters, size)`: 스트라이드가 있는 *전치* 합성곱(transposed convolution, 높이와
#   너비가 두 배가 됨), BatchNorm, 선택적인 Dropout(0.5), 그리고 ReLU.
#
# 논문과 마찬가지로 모든 커널은 $\mathcal{N}(0, 0.02)$에서 초기화합니다. `course_lib.models`에도
# 같은 두 함수가 있습니다.

# %% id="nb03-15"
def downsample(filters, size, apply_batchnorm=True):
    """Conv2D(stride 2) -> [BatchNorm] -> LeakyReLU: (N, H, W, C) -> (N, H/2, W/2, F)."""
    block = keras.Sequential()
    block.add(keras.layers.Conv2D(
        filters, size, strides=2, padding="same",
        kernel_initializer=keras.initializers.RandomNormal(0.0, 0.02), use_bias=False))
    if apply_batchnorm:
        block.add(keras.layers.BatchNormalization())
    block.add(keras.layers.LeakyReLU())
    return block


def upsample(filters, size, apply_dropout=False):
    """Conv2DTranspose(stride 2) -> BatchNorm -> [Dropout 0.5] -> ReLU: doubles H and W."""
    block = keras.Sequential()
    block.add(keras.layers.Conv2DTranspose(
        filters, size, strides=2, padding="same",
        kernel_initializer=keras.initializers.RandomNormal(0.0, 0.02), use_bias=False))
    block.add(keras.layers.BatchNormalization())
    if apply_dropout:
        block.add(keras.layers.Dropout(0.5))  # Pix2Pix's only source of noise
    block.add(keras.layers.ReLU())
    return block


down_model = downsample(3, 4)
down_result = down_model(inp[tf.newaxis, ...])  # add a batch axis: (1, 256, 256, 3)
print("downsample(3, 4):", down_result.shape)
up_model = upsample(3, 4)
up_result = up_model(down_result)
print("upsample(3, 4):  ", up_result.shape)

# %% [markdown] id="nb03-16" lang="en"
# ## 4. The generator: encoder–decoder, then U-Net
#
# A plain **encoder–decoder** squeezes the 256×256 input through eight `downsample` blocks
# down to a 1×1×512 *bottleneck*, then eight upsampling steps bring it back to 256×256×3.
# Everything the output needs has to pass through those 512 numbers. For translation that
# is wasteful: the input and the output share their layout (a window in the label map is a
# window, at the same place, in the photo), and fine positional detail is exactly what a
# bottleneck throws away.
#
# The **U-Net** (Ronneberger et al., 2015) adds **skip connections**: decoder step $i$ gets
# its upsampled features *concatenated* with the encoder features of the same size, so
# edges and positions can go straight across. The paper's figure comparing the two shows
# the U-Net's results as much sharper, with either loss.
#
# | encoder (downsample) | shape | | decoder (upsample) + skip | shape after concat |
# |---|---|---|---|---|
# | 64, no BN | 128×128×64 | | 512, dropout | 2×2×1024 |
# | 128 | 64×64×128 | | 512, dropout | 4×4×1024 |
# | 256 | 32×32×256 | | 512, dropout | 8×8×1024 |
# | 512 | 16×16×512 | | 512 | 16×16×1024 |
# | 512 | 8×8×512 | | 256 | 32×32×512 |
# | 512 | 4×4×512 | | 128 | 64×64×256 |
# | 512 | 2×2×512 | | 64 | 128×128×128 |
# | 512 | 1×1×512 | | last: transposed conv, 3, tanh | 256×256×3 |
#
# The first encoder block has no BatchNorm (normalising the raw image would throw away its
# overall brightness and colour). The first three decoder blocks use dropout.

# %% [markdown] id="nb03-16-ko" lang="ko"
# ## 4. 생성자: 인코더–디코더, 그리고 U-Net
#
# 평범한 **인코더–디코더**(encoder–decoder)는 256×256 입력을 `downsample` 블록 여덟 개에 통과시켜
# 1×1×512 크기의 *병목*(bottleneck)까지 압축한 뒤, 업샘플링 여덟 단계로 다시 256×256×3까지
# 되돌립니다. 출력에 필요한 모든 정보가 이 512개의 숫자를 거쳐 가야 하는 셈입니다. 변환 과제에서는
# 이것이 낭비입니다. 입력과 출력은 레이아웃(layout)이 같고(레이블 맵의 창문은 사진에서도 같은
# 자리의 창문입니다), 병목이 버리는 것이 바로 그런 세밀한 위치 정보이기 때문입니다.
#
# **U-Net**(Ronneberger et al., 2015)은 여기에 **스킵 연결**(skip connection)을 더합니다. 디코더의
# $i$번째 단계에서 업샘플링한 특징에 같은 크기의 인코더 특징을 *이어 붙여서*(concatenate), 윤곽과
# 위치 정보가 곧장 건너갈 수 있게 합니다. 논문에서 두 구조를 비교한 그림을 보면, 어떤 손실을 쓰든
# U-Net의 결과가 훨씬 선명합니다.
#
# | 인코더(downsample) | 크기 | | 디코더(upsample) + 스킵 | concat 후 크기 |
# |---|---|---|---|---|
# | 64, BN 없음 | 128×128×64 | | 512, 드롭아웃 | 2×2×1024 |
# | 128 | 64×64×128 | | 512, 드롭아웃 | 4×4×1024 |
# | 256 | 32×32×256 | | 512, 드롭아웃 | 8×8×1024 |
# | 512 | 16×16×512 | | 512 | 16×16×1024 |
# | 512 | 8×8×512 | | 256 | 32×32×512 |
# | 512 | 4×4×512 | | 128 | 64×64×256 |
# | 512 | 2×2×512 | | 64 | 128×128×128 |
# | 512 | 1×1×512 | | 마지막: 전치 합성곱, 3, tanh | 256×256×3 |
#
# 첫 번째 인코더 블록에는 BatchNorm이 없습니다(원본 이미지를 정규화하면 전체적인 밝기와 색 정보를
# 잃게 됩니다). 디코더의 처음 세 블록은 드롭아웃을 사용합니다.

# %% id="nb03-17"
OUTPUT_CHANNELS = 3


def Generator():
    """U-Net generator: (N, 256, 256, 3) label map -> (N, 256, 256, 3) photo in [-1, 1]."""
    inputs = keras.layers.Input(shape=[256, 256, 3])
    down_stack = [
        downsample(64, 4, apply_batchnorm=False),  # (N, 128, 128, 64)
        downsample(128, 4),  # (N, 64, 64, 128)
        downsample(256, 4),  # (N, 32, 32, 256)
        downsample(512, 4),  # (N, 16, 16, 512)
        downsample(512, 4),  # (N, 8, 8, 512)
        downsample(512, 4),  # (N, 4, 4, 512)
        downsample(512, 4),  # (N, 2, 2, 512)
        downsample(512, 4),  # (N, 1, 1, 512)  the bottleneck
    ]
    up_stack = [
        upsample(512, 4, apply_dropout=True),  # (N, 2, 2, 1024) with its skip
        upsample(512, 4, apply_dropout=True),  # (N, 4, 4, 1024)
        upsample(512, 4, apply_dropout=True),  # (N, 8, 8, 1024)
        upsample(512, 4),  # (N, 16, 16, 1024)
        upsample(256, 4),  # (N, 32, 32, 512)
        upsample(128, 4),  # (N, 64, 64, 256)
        upsample(64, 4),  # (N, 128, 128, 128)
    ]
    last = keras.layers.Conv2DTranspose(
        OUTPUT_CHANNELS, 4, strides=2, padding="same", activation="tanh",
        kernel_initializer=keras.initializers.RandomNormal(0.0, 0.02))  # (N, 256, 256, 3)

    x = inputs
    skips = []
    for down in down_stack:  # encoder: remember every feature map
        x = down(x)
        skips.append(x)
    skips = reversed(skips[:-1])  # the 1x1 bottleneck has no partner
    for up, skip in zip(up_stack, skips):  # decoder: upsample, then concatenate the skip
        x = up(x)
        x = keras.layers.Concatenate()([x, skip])
    return keras.Model(inputs=inputs, outputs=last(x))


generator = Generator()
print(tr("generator parameters:", "생성자 파라미터 수:"), f"{generator.count_params():,}")
print(tr("output shape:", "출력 모양:"), generator.output_shape)


# %% [markdown] id="nb03-18" lang="en"
# 54.4 million parameters, 218 MB in float32. The library's
# `course_lib.models.unet_generator()` builds the same network (the tests check that the
# counts agree). Untrained, it turns a label map into a faint, noisy copy of its shapes:

# %% [markdown] id="nb03-18-ko" lang="ko"
# 파라미터 5,440만 개, float32로 218 MB입니다. 라이브러리의 `course_lib.models.unet_generator()`도
# 같은 네트워크를 만듭니다(파라미터 수가 일치하는지 테스트에서 확인합니다). 학습 전의 생성자는
# 레이블 맵을 그 형태가 희미하게 남은 노이즈 섞인 이미지로 바꿀 뿐입니다.

# %% id="nb03-19"
def generate_images(model, test_input, target):
    """Show Input / Ground Truth / Predicted for the first image of a batch."""
    prediction = model(test_input, training=True)  # training=True: see section 9
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.9))
    for ax, image, title in zip(axes, (test_input[0], target[0], prediction[0]),
                                (tr("Input Image", "입력 이미지"), tr("Ground Truth", "정답"),
                                 tr("Predicted Image", "예측 이미지"))):
        ax.imshow(image * 0.5 + 0.5)  # [-1, 1] -> [0, 1] for display
        ax.set_title(title)
        ax.axis("off")
    plt.show()


example_input, example_target = next(iter(test_dataset))
generate_images(generator, example_input, example_target)

# %% [markdown] id="nb03-20" lang="en"
# ## 5. The loss: why a pixel loss alone gives blur, and what the GAN term adds
#
# Suppose we trained the generator alone, with a pixel-wise loss against the real photo.
# A label map does not decide everything: it says *where* the windows are, not the exact
# brick texture, the reflections or the colour of the wall. For one input there are many
# plausible photos. The prediction that minimises the expected **squared** error (L2) over
# those photos is their per-pixel **mean**; for the **absolute** error (L1) it is their
# per-pixel **median**. When the plausible photos disagree about a detail, mean and median
# both wash it out.
#
# A toy experiment with one row of pixels makes this concrete. Five hundred "plausible
# photos" share a wall edge (a *low-frequency* structure fixed by the label map) and carry a
# stripe texture whose position is random (a *high-frequency* detail the input does not pin
# down):

# %% [markdown] id="nb03-20-ko" lang="ko"
# ## 5. 손실 함수: 픽셀 손실만으로는 왜 흐려지고, GAN 항은 무엇을 더하는가
#
# 생성자만 따로, 진짜 사진과의 픽셀 단위 손실로 학습한다고 해 봅시다. 레이블 맵이 모든 것을
# 결정하지는 않습니다. 창문이 *어디에* 있는지는 알려 주지만, 벽돌의 정확한 질감이나 반사, 벽의
# 색까지 정해 주지는 않죠. 입력 하나에 그럴듯한 사진이 여러 장 있을 수 있습니다. 그 사진들에 대한
# **제곱** 오차(L2)의 기댓값을 최소화하는 예측은 픽셀별 **평균**(mean)이고, **절대** 오차(L1)의
# 경우에는 픽셀별 **중앙값**(median)입니다. 그럴듯한 사진들이 어떤 세부에서 서로 다르면, 평균이든
# 중앙값이든 그 세부를 지워 버립니다.
#
# 픽셀 한 줄로 하는 간단한 실험으로 확인해 봅시다. "그럴듯한 사진" 500장이 벽의 경계(레이블 맵이
# 정해 주는 *저주파(low-frequency)* 구조)는 공유하지만, 줄무늬 질감의 위치는 무작위입니다(입력이
# 정해 주지 않는 *고주파(high-frequency)* 세부).

# %% id="nb03-21"
x_pos = np.linspace(0.0, 1.0, 300)
rng = np.random.default_rng(0)
edge = np.where(x_pos < 0.35, -0.6, 0.3)  # every sample agrees on this
phases = rng.uniform(0.0, 1.0, size=(500, 1))
stripes = 0.4 * np.sin(2 * np.pi * (14 * x_pos + phases)) * (x_pos >= 0.35)
samples = edge + stripes  # (500, 300): 500 plausible rows of pixels

best_l2 = samples.mean(axis=0)  # minimises the expected squared error
best_l1 = np.median(samples, axis=0)  # minimises the expected absolute error

fig, ax = plt.subplots(figsize=(9, 3.5))
for row in samples[:3]:
    ax.plot(x_pos, row, color="0.75", linewidth=1)
ax.plot([], [], color="0.75", label=tr("three of the plausible targets", "그럴듯한 정답 중 셋"))
ax.plot(x_pos, best_l2, linewidth=2.5, label=tr("best under L2 (mean)", "L2 최적 (평균)"))
ax.plot(x_pos, best_l1, "--", linewidth=2, label=tr("best under L1 (median)", "L1 최적 (중앙값)"))
ax.set_xlabel(tr("position along the row", "행을 따라간 위치"))
ax.set_ylabel(tr("pixel value", "픽셀 값"))
ax.legend(loc="lower right")
ax.set_title(tr("Pixel losses keep the edge and erase the texture",
                "픽셀 손실은 경계는 지키고 질감은 지웁니다"))
plt.show()
print(tr("stripe amplitude in the targets: {targets:.2f}, in the L2 answer: {l2:.2f}, "
         "in the L1 answer: {l1:.2f}",
         "줄무늬 진폭: 정답 {targets:.2f}, L2 답 {l2:.2f}, L1 답 {l1:.2f}",
         targets=np.ptp(samples[0, 200:]) / 2, l2=np.ptp(best_l2[200:]) / 2,
         l1=np.ptp(best_l1[200:]) / 2))

# %% [markdown] id="nb03-22" lang="en"
# Both "optimal" answers are flat where the targets have texture: the pixel loss is happy
# with a blurry average. A discriminator, on the other hand, would spot at once that no
# real photo looks like that flat line. So Pix2Pix splits the work:
#
# * the **cGAN term** takes care of the **high frequencies**: local texture and sharpness
#   must look real to a discriminator;
# * an **L1 term** takes care of the **low frequencies**: colours and layout must match
#   the ground truth (L1 rather than L2 because it blurs a little less);
#
# $$G^{*} = \arg\min_G \max_D \; \mathcal{L}_{cGAN}(G, D) + \lambda\, \mathcal{L}_{L1}(G),
# \qquad \mathcal{L}_{L1}(G) = \mathbb{E}_{x,y}\big[\lVert y - G(x)\rVert_1\big],
# \qquad \lambda = 100.$$
#
# Why such a large $\lambda$? In $[-1, 1]$ units the mean absolute error of a reasonable
# prediction is a few tenths, while the cross-entropy term is around 0.7–1; $\lambda = 100$
# makes "match the target" the main force and lets the GAN term add detail on top.
#
# As in notebooks 01–02, the discriminator outputs **logits**, so the cross-entropy is
# computed `from_logits=True`. The generator's GAN term asks $D$ to label its pair as real:
#
# $$\text{gan\_loss} = \mathrm{BCE}\big(\mathbf{1},\ D(x, G(x))\big), \qquad
# \text{total} = \text{gan\_loss} + \lambda \cdot \operatorname{mean}\lvert y - G(x)\rvert.$$
#
# ### Quiz 4
#
# Before you write that loss, a question about the generator on its own:

# %% [markdown] id="nb03-22-ko" lang="ko"
# 두 "최적" 답 모두 목표에 질감이 있는 곳에서 평평합니다. 픽셀 손실은 흐릿한 평균으로 만족하는
# 것이죠. 반면 판별자라면 그런 평평한 선처럼 생긴 진짜 사진은 없다는 것을 바로 알아챌 것입니다.
# 그래서 Pix2Pix는 일을 나눕니다.
#
# * **cGAN 항**은 **고주파**를 맡습니다. 국소적인 질감과 선명도가 판별자의 눈에 진짜처럼 보여야
#   합니다.
# * **L1 항**은 **저주파**를 맡습니다. 색과 레이아웃이 정답(ground truth)과 일치해야 합니다(L2
#   대신 L1을 쓰는 이유는 흐려짐이 조금 덜하기 때문입니다).
#
# $$G^{*} = \arg\min_G \max_D \; \mathcal{L}_{cGAN}(G, D) + \lambda\, \mathcal{L}_{L1}(G),
# \qquad \mathcal{L}_{L1}(G) = \mathbb{E}_{x,y}\big[\lVert y - G(x)\rVert_1\big],
# \qquad \lambda = 100.$$
#
# $\lambda$는 왜 이렇게 클까요? $[-1, 1]$ 단위에서 괜찮은 예측의 평균 절대 오차는 0.몇 정도인
# 반면, 교차 엔트로피(cross-entropy) 항은 0.7–1 정도입니다. $\lambda = 100$으로 두면 "목표와
# 맞추기"가 주된 힘이 되고, GAN 항은 그 위에 세부를 더하는 역할을 합니다.
#
# 노트북 01–02에서처럼 판별자는 **로짓**(logit)을 출력하므로, 교차 엔트로피는 `from_logits=True`로
# 계산합니다. 생성자의 GAN 항은 $D$가 생성된 쌍을 진짜로 판정하도록 요구합니다.
#
# $$\text{gan\_loss} = \mathrm{BCE}\big(\mathbf{1},\ D(x, G(x))\big), \qquad
# \text{total} = \text{gan\_loss} + \lambda \cdot \operatorname{mean}\lvert y - G(x)\rvert.$$
#
# ### 퀴즈 4
#
# 이 손실을 작성하기 전에, 생성자 혼자서는 어떨지 묻는 질문입니다.

# %% id="nb03-23"
quiz.ask("03-q4")

# %% id="nb03-24" tags=["answer"] grade_id="03-q4-answer"
# Your answer to 03-q4: the letter of one option, e.g. "a"
### BEGIN SOLUTION
q4_answer = quiz.sealed("393d2d2f7e6b4f0e191ca5b5b6030732ff8cfda5717695e7933d7cdd962c8090")
### END SOLUTION

# %% id="nb03-25" tags=["check"] grade_id="03-q4"
quiz.check("03-q4", q4_answer)

# %% [markdown] id="nb03-26" lang="en"
# ### Exercise 03-ex1: the generator loss
#
# Complete `generator_loss` below. It receives the discriminator's logits for the generated
# pair, the generated image and the target, and returns `(total_gen_loss, gan_loss, l1_loss)`.
# Use `loss_object` (binary cross-entropy on logits) and `LAMBDA`, defined here. Do not
# assume 30×30 logits or 256×256 images: the check calls it on small tensors.
#
# Your function is the one that trains the generator below, once it passes the check (the
# line after the check says which); until then the notebook trains with
# `course_lib.losses.pix2pix_generator_loss`, the same formula, so the lesson keeps running
# whatever state your answer is in.

# %% [markdown] id="nb03-26-ko" lang="ko"
# ### 연습 문제 03-ex1: 생성자 손실
#
# 아래 `generator_loss`를 완성하세요. 이 함수는 생성된 쌍에 대한 판별자의 로짓, 생성된 이미지,
# 목표 이미지를 받아 `(total_gen_loss, gan_loss, l1_loss)`를 반환합니다. 여기서 정의한
# `loss_object`(로짓에 대한 이진 교차 엔트로피(binary cross-entropy))와 `LAMBDA`를 사용하세요.
# 로짓이 30×30이거나 이미지가 256×256이라고 가정하지 마세요. 채점 코드는 작은 텐서로 함수를
# 호출합니다.
#
# 검사(check)를 통과하면 아래에서 생성자를 학습시키는 것은 여러분의 함수입니다(검사 다음 셀이 어느
# 쪽인지 알려 줍니다). 그 전까지 노트북은 같은 공식인 `course_lib.losses.pix2pix_generator_loss`로
# 학습하므로, 여러분의 답이 어떤 상태이든 강의는 계속 실행됩니다.

# %% id="nb03-27"
LAMBDA = 100
loss_object = keras.losses.BinaryCrossentropy(from_logits=True)


# %% id="nb03-28" tags=["answer"] grade_id="03-ex1-answer"
def generator_loss(disc_generated_output, gen_output, target):
    """Pix2Pix generator loss -> (total_gen_loss, gan_loss, l1_loss).

    disc_generated_output: D's logits for (input, G(input)), e.g. (1, 30, 30, 1).
    gen_output, target: images in [-1, 1], e.g. (1, 256, 256, 3).
    """
    ### BEGIN SOLUTION
    gan_loss = loss_object(tf.ones_like(disc_generated_output), disc_generated_output)
    l1_loss = tf.reduce_mean(tf.abs(target - gen_output))
    total_gen_loss = gan_loss + LAMBDA * l1_loss
    return total_gen_loss, gan_loss, l1_loss
    ### END SOLUTION


# %% id="nb03-29" tags=["check"] grade_id="03-ex1"
quiz.check_exercise("03-ex1", generator_loss)


# %% id="nb03-29b"
# What trains the generator below: your function if it passed its check, else the library's.
gen_loss_fn = quiz.use_answer(
    "03-ex1", generator_loss,
    lambda disc_out, gen_out, target: losses.pix2pix_generator_loss(disc_out, gen_out,
                                                                    target, LAMBDA),
    what="generator loss")


# %% [markdown] id="nb03-30" lang="en"
# ## 6. The discriminator: PatchGAN
#
# The DCGAN discriminator of notebook 01 returned **one** number per image. Pix2Pix's
# discriminator returns a **grid** of numbers: each output unit looks at one patch of the
# input pair and says whether *that patch* is real. The L1 term already guarantees the
# large-scale structure, so the discriminator only has to police local texture, and a
# patch-level judge is enough for that. It is also smaller and works on any image size.
#
# The architecture: the input pair is concatenated to 6 channels, three `downsample`
# blocks (64, 128, 256) go from 256×256 to 32×32, then two stride-1 4×4 convolutions
# (512 channels with BatchNorm and LeakyReLU, then 1 channel) each preceded by one pixel
# of zero padding, ending at **30×30 logits**.
#
# Which input pixels does one of those 900 outputs see? Walk back from one output unit:
# a $k\times k$ convolution with stride $s$ turns a field of $r$ units into
# $r\cdot s + (k - s)$ units of its input.

# %% [markdown] id="nb03-30-ko" lang="ko"
# ## 6. 판별자: 패치GAN(PatchGAN)
#
# 노트북 01의 DCGAN 판별자는 이미지 하나에 숫자 **하나**를 돌려주었습니다. Pix2Pix의 판별자는
# 숫자의 **격자**(grid)를 돌려줍니다. 출력의 각 유닛은 입력 쌍의 한 패치(patch)를 보고 *그 패치*가
# 진짜인지 판정합니다. 큰 규모의 구조는 이미 L1 항이 보장하므로, 판별자는 국소적인 질감만 단속하면
# 되고, 그러기에는 패치 단위의 판정으로 충분합니다. 게다가 더 작고, 어떤 크기의 이미지에도 쓸 수
# 있습니다.
#
# 구조는 다음과 같습니다. 입력 쌍을 이어 붙여 6채널로 만들고, `downsample` 블록 세 개(64, 128,
# 256)로 256×256에서 32×32까지 줄인 다음, stride 1인 4×4 합성곱 두 개(BatchNorm과 LeakyReLU가 붙은
# 512채널, 그리고 1채널)를 적용합니다. 각 합성곱 앞에는 1픽셀의 제로 패딩(zero padding)이
# 들어가며, 최종 출력은 **30×30 로짓**입니다.
#
# 900개의 출력 하나하나는 입력의 어느 픽셀들을 볼까요? 출력 유닛 하나에서 거꾸로 따라가 봅시다.
# 커널 크기 $k\times k$, 스트라이드 $s$인 합성곱은 $r$개 유닛 범위를 입력의 $r\cdot s + (k - s)$개
# 유닛으로 넓힙니다. 이것이 수용 영역(receptive field)입니다.

# %% id="nb03-31"
def receptive_field(conv_stack):
    """Input pixels seen by one output unit of stacked (kernel, stride) convolutions."""
    field = 1
    for kernel, stride in reversed(conv_stack):
        field = field * stride + (kernel - stride)
    return field


print(tr("Pix2Pix PatchGAN (3 strided + 2 stride-1 convs): {field} pixels",
         "Pix2Pix PatchGAN (스트라이드 합성곱 3개 + 스트라이드 1 합성곱 2개): {field} 픽셀",
         field=receptive_field([(4, 2)] * 3 + [(4, 1)] * 2)))
print()
print(tr("strided blocks | patch seen | output grid for a 256x256 input",
         " 스트라이드 수 |  보는 패치  | 256x256 입력의 출력 격자"))
for n_down in range(1, 6):
    field = receptive_field([(4, 2)] * n_down + [(4, 1)] * 2)
    grid = 256 // 2**n_down - 2  # each stride-1 conv: +2 padding, -3 for the 4x4 kernel
    print(f"{n_down:>14} | {field:>4} x {field:<4} | {grid} x {grid}")


# %% [markdown] id="nb03-31b" lang="en"
# ### Quiz 03-q5: a patch of another size
#
# Use the rule above (or the function) on a variant of the discriminator.

# %% [markdown] id="nb03-31b-ko" lang="ko"
# ### 퀴즈 03-q5: 다른 크기의 패치
#
# 위의 규칙(또는 함수)을 판별자의 변형 하나에 적용해 보세요.

# %% id="nb03-31c"
quiz.ask("03-q5")

# %% id="nb03-31d" tags=["answer"] grade_id="03-q5-answer"
# Width in input pixels of the patch one logit sees, with 3×3 kernels: a whole number
### BEGIN SOLUTION
q5_answer = quiz.sealed("ba2fb0f7063d7acb817b34e21ce82210bc7618dbe429be9ee3bcdc53a3b1c69a")
### END SOLUTION

# %% id="nb03-31e" tags=["check"] grade_id="03-q5"
quiz.check("03-q5", q5_answer)


# %% [markdown] id="nb03-32" lang="en"
# Each logit judges a **70×70** patch; neighbouring logits look at overlapping patches
# 8 pixels apart. The paper compared the patch sizes on cityscapes:
#
# | discriminator | patch | what happened |
# |---|---|---|
# | PixelGAN | 1×1 | better colours, but no effect on sharpness |
# | PatchGAN | 16×16 | sharp, but tiling artefacts |
# | **PatchGAN** | **70×70** | **sharp and coherent: the default** |
# | ImageGAN | 286×286 (all of it) | no better than 70×70; more parameters, harder to train |
#
# The discriminator in code (its library twin: `course_lib.models.patchgan_discriminator()`):

# %% [markdown] id="nb03-32-ko" lang="ko"
# 각 로짓은 **70×70** 패치를 판정하며, 이웃한 로짓들은 8픽셀 간격으로 서로 겹치는 패치를 봅니다.
# 논문은 cityscapes에서 패치 크기를 비교했습니다.
#
# | 판별자 | 패치 | 결과 |
# |---|---|---|
# | PixelGAN | 1×1 | 색은 나아지지만 선명도에는 효과 없음 |
# | PatchGAN | 16×16 | 선명하지만 타일 모양의 인공물(artifact) |
# | **PatchGAN** | **70×70** | **선명하고 일관됨: 기본값** |
# | ImageGAN | 286×286 (전체) | 70×70보다 낫지 않음; 파라미터가 더 많고 학습이 어려움 |
#
# 코드로 본 판별자입니다(라이브러리 쪽 쌍둥이: `course_lib.models.patchgan_discriminator()`).

# %% id="nb03-33"
def Discriminator():
    """PatchGAN: [input, target], each (N, 256, 256, 3) -> logits (N, 30, 30, 1)."""
    init = keras.initializers.RandomNormal(0.0, 0.02)
    inp = keras.layers.Input(shape=[256, 256, 3], name="input_image")
    tar = keras.layers.Input(shape=[256, 256, 3], name="target_image")
    x = keras.layers.Concatenate()([inp, tar])  # (N, 256, 256, 6)
    x = downsample(64, 4, apply_batchnorm=False)(x)  # (N, 128, 128, 64)
    x = downsample(128, 4)(x)  # (N, 64, 64, 128)
    x = downsample(256, 4)(x)  # (N, 32, 32, 256)
    x = keras.layers.ZeroPadding2D()(x)  # (N, 34, 34, 256)
    x = keras.layers.Conv2D(512, 4, strides=1, kernel_initializer=init,
                            use_bias=False)(x)  # (N, 31, 31, 512)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.LeakyReLU()(x)
    x = keras.layers.ZeroPadding2D()(x)  # (N, 33, 33, 512)
    logits = keras.layers.Conv2D(1, 4, kernel_initializer=init)(x)  # (N, 30, 30, 1)
    return keras.Model(inputs=[inp, tar], outputs=logits)


discriminator = Discriminator()
discriminator.summary(line_length=90)

# %% [markdown] id="nb03-34" lang="en"
# 2,770,433 parameters, twenty times fewer than the generator. Its output for one
# (label map, generated image) pair is a 30×30 map of logits. We draw it with a
# **diverging** colour map centred on 0 (`course_lib.viz.patch_heatmap`): red patches are
# judged *real*, blue ones *fake*, white means undecided. Untrained, the map is noise
# around 0; after training, blue spots point at the regions that give a fake away.

# %% [markdown] id="nb03-34-ko" lang="ko"
# 파라미터 2,770,433개로 생성자의 20분의 1입니다. (레이블 맵, 생성 이미지) 쌍 하나에 대한 출력은
# 30×30 로짓 맵입니다. 이것을 0을 중심으로 하는 **발산형(diverging)** 컬러맵으로 그려
# 봅니다(`course_lib.viz.patch_heatmap`). 빨간 패치는 *진짜*, 파란 패치는 *가짜*로 판정된 것이고,
# 흰색은 판단이 서지 않은 것입니다. 학습 전에는 0 주변의 노이즈일 뿐이지만, 학습 후에는 파란
# 점들이 가짜임을 드러내는 영역을 가리킵니다.

# %% id="nb03-35"
gen_output = generator(example_input, training=True)  # (1, 256, 256, 3)
disc_out = discriminator([example_input, gen_output], training=False)
print(tr("discriminator output:", "판별자 출력:"), disc_out.shape)
viz.patch_heatmap(disc_out[0], title=tr("untrained PatchGAN:\n(label map, generated photo)",
                                        "학습 전 PatchGAN:\n(레이블 맵, 생성한 사진)"))
plt.show()


# %% [markdown] id="nb03-36" lang="en"
# The discriminator's loss is the one from notebook 01, averaged over all 900 patches:
# real pairs should score 1 and generated pairs 0.
#
# $$\mathcal{L}_D = \mathrm{BCE}\big(\mathbf{1},\ D(x, y)\big)
#   + \mathrm{BCE}\big(\mathbf{0},\ D(x, G(x))\big)$$
#
# Written out per patch, with $D_{ij}$ the logit of the patch in row $i$, column $j$ and
# $\sigma$ the sigmoid, each term is a mean over the grid:
#
# $$\mathrm{BCE}\big(\mathbf{1},\ D(x, y)\big) = -\frac{1}{30 \cdot 30}
#   \sum_{i,j} \log \sigma\big(D_{ij}(x, y)\big), \qquad
#   \mathrm{BCE}\big(\mathbf{0},\ D(x, G(x))\big) = -\frac{1}{30 \cdot 30}
#   \sum_{i,j} \log\Big(1 - \sigma\big(D_{ij}(x, G(x))\big)\Big).$$
#
# So the PatchGAN is a classifier applied to every 70×70 window at once, and its verdict
# on an image is the average verdict of its windows. The generator's GAN term uses the
# same average with target $\mathbf{1}$.

# %% [markdown] id="nb03-36-ko" lang="ko"
# 판별자의 손실은 노트북 01의 것과 같고, 900개 패치 전체에 대해 평균을 냅니다. 진짜 쌍은 1, 생성된
# 쌍은 0점을 받아야 합니다.
#
# $$\mathcal{L}_D = \mathrm{BCE}\big(\mathbf{1},\ D(x, y)\big)
#   + \mathrm{BCE}\big(\mathbf{0},\ D(x, G(x))\big)$$
#
# 패치별로 풀어 쓰면, $i$행 $j$열 패치의 로짓을 $D_{ij}$, 시그모이드(sigmoid)를 $\sigma$라 할 때
# 각 항은 격자 전체에 대한 평균입니다.
#
# $$\mathrm{BCE}\big(\mathbf{1},\ D(x, y)\big) = -\frac{1}{30 \cdot 30}
#   \sum_{i,j} \log \sigma\big(D_{ij}(x, y)\big), \qquad
#   \mathrm{BCE}\big(\mathbf{0},\ D(x, G(x))\big) = -\frac{1}{30 \cdot 30}
#   \sum_{i,j} \log\Big(1 - \sigma\big(D_{ij}(x, G(x))\big)\Big).$$
#
# 즉 패치GAN은 모든 70×70 창(window)에 동시에 적용되는 분류기이고, 이미지 한 장에 대한 판정은 각
# 창의 판정을 평균한 것입니다. 생성자의 GAN 항도 목표를 $\mathbf{1}$로 두고 같은 평균을
# 사용합니다.

# %% id="nb03-37"
def discriminator_loss(disc_real_output, disc_generated_output):
    """BCE(1, D(x, y)) + BCE(0, D(x, G(x))), averaged over every patch logit."""
    real_loss = loss_object(tf.ones_like(disc_real_output), disc_real_output)
    generated_loss = loss_object(tf.zeros_like(disc_generated_output),
                                 disc_generated_output)
    return real_loss + generated_loss


# %% [markdown] id="nb03-38" lang="en"
# ## 7. Optimizers, checkpoints and TensorBoard
#
# Both networks use Adam with learning rate $2\cdot10^{-4}$ and $\beta_1 = 0.5$, as in the
# paper.
#
# > **Pitfall (Keras 3): one optimizer per network.** Older tutorials sometimes reuse one
# > optimizer object for several models. In Keras 3 an optimizer *binds* to the variables
# > it first updates (it creates its moment estimates for exactly those), so a second set
# > of variables is refused:

# %% [markdown] id="nb03-38-ko" lang="ko"
# ## 7. 옵티마이저, 체크포인트, TensorBoard
#
# 논문과 같이 두 네트워크 모두 학습률(learning rate) $2\cdot10^{-4}$, $\beta_1 = 0.5$인 Adam을
# 사용합니다.
#
# > **함정(Keras 3): 네트워크마다 옵티마이저(optimizer) 하나씩.** 예전 튜토리얼 중에는 옵티마이저
# > 객체 하나를 여러 모델에 재사용하는 경우가 있습니다. Keras 3의 옵티마이저는 처음 업데이트한
# > 변수들에 *묶이기(bind)* 때문에(바로 그 변수들에 대한 모멘트 추정값을 만듭니다), 두 번째 변수
# > 집합은 거부됩니다.

# %% id="nb03-39"
shared = keras.optimizers.Adam(2e-4, beta_1=0.5)
layer_a, layer_b = keras.layers.Dense(2), keras.layers.Dense(2)
layer_a.build((None, 3))
layer_b.build((None, 3))
shared.apply_gradients([(tf.ones_like(v), v) for v in layer_a.trainable_variables])
try:
    shared.apply_gradients([(tf.ones_like(v), v) for v in layer_b.trainable_variables])
except ValueError as err:
    print("ValueError:", next(s for s in str(err).split(". ") if "can only be called" in s))

# %% [markdown] id="nb03-40" lang="en"
# So the generator and the discriminator each get their own optimizer. A
# `tf.train.Checkpoint` saves all four objects (both networks and both optimizers, whose
# moment estimates are part of the training state), so a run can resume exactly where it
# stopped. In fast mode the run folder is a fresh temporary one, so every execution starts
# from scratch; in full mode it lives in `runs/` at the top of the repository.

# %% [markdown] id="nb03-40-ko" lang="ko"
# 그래서 생성자와 판별자는 각자 자기 옵티마이저를 가집니다. `tf.train.Checkpoint`는 네 객체(두
# 네트워크와 두 옵티마이저. 옵티마이저의 모멘트 추정값도 학습 상태의 일부입니다)를 모두
# 저장하므로, 학습을 멈춘 바로 그 지점에서 다시 이어 갈 수 있습니다. 빠른 모드에서는 실행 폴더가
# 매번 새로 만든 임시 폴더이므로 실행할 때마다 처음부터 시작하고, 전체 모드에서는 저장소 최상위의
# `runs/`에 저장됩니다.

# %% [markdown] id="nb03-drive" lang="en"
# **Keeping checkpoints on Colab.** A Colab runtime loses its disk when it disconnects. On
# Colab, set `USE_GOOGLE_DRIVE = True` in the next cell and the run folder goes to your Google
# Drive, `MyDrive/gan-to-pix2pix/03_pix2pix_facades/`: after a disconnect, run the notebook's
# cells again and training continues where the last checkpoint left it, printing `Resuming from
# step N`. Colab asks once for permission to mount your Drive. Outside Colab the flag changes
# nothing, and fast mode always uses a fresh temporary folder.

# %% [markdown] id="nb03-drive-ko" lang="ko"
# **Colab에서 체크포인트 지키기.** Colab 런타임은 연결이 끊기면 디스크 내용을 잃습니다.
# Colab에서 다음 셀의 `USE_GOOGLE_DRIVE = True`로 바꾸면 실행 폴더(run folder)가 여러분의 Google
# Drive, `MyDrive/gan-to-pix2pix/03_pix2pix_facades/`에 만들어집니다. 연결이 끊긴 뒤 노트북의
# 셀들을 다시 실행하면 마지막 체크포인트에서 학습이 이어지고 `스텝 N부터 이어서 학습합니다`가
# 출력됩니다. Drive를 마운트(mount)할 권한은 Colab이 처음에 한 번 묻습니다. Colab이 아닌
# 곳에서는 이 설정이 아무것도 바꾸지 않고, 빠른 모드는 언제나 새 임시 폴더를 씁니다.

# %% id="nb03-drive-cell" tags=["skip-grading"]
USE_GOOGLE_DRIVE = False  # set True on Colab to keep checkpoints across disconnects
if USE_GOOGLE_DRIVE and config.on_colab():
    from google.colab import drive

    drive.mount("/content/drive")  # the run folder below then lives on your Drive

# %% id="nb03-41"
generator_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
discriminator_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)

RUN_DIR = (Path(tempfile.mkdtemp(prefix="pix2pix-facades-")) if config.is_fast()
           else config.run_folder("03_pix2pix_facades", config.course_folder() / "runs",
                                  USE_GOOGLE_DRIVE))
checkpoint_dir = RUN_DIR / "training_checkpoints"
checkpoint_prefix = str(checkpoint_dir / "ckpt")
checkpoint = tf.train.Checkpoint(generator_optimizer=generator_optimizer,
                                 discriminator_optimizer=discriminator_optimizer,
                                 generator=generator, discriminator=discriminator)
if tf.train.latest_checkpoint(checkpoint_dir):  # a run that was cut off: carry on from it
    generator_optimizer.build(generator.trainable_variables)  # slots to restore into
    discriminator_optimizer.build(discriminator.trainable_variables)
    checkpoint.restore(tf.train.latest_checkpoint(checkpoint_dir))
    # The step is Adam's update count, restored with the optimizer; `fit` starts there.
    print(tr("Resuming from step {step}", "스텝 {step}부터 이어서 학습합니다",
             step=int(generator_optimizer.iterations)))

log_dir = RUN_DIR / "logs"
summary_writer = tf.summary.create_file_writer(
    str(log_dir / "fit" / time.strftime("%Y%m%d-%H%M%S")))


# %% [markdown] id="nb03-42" lang="en"
# To watch the losses while training runs (Colab or Jupyter), start TensorBoard in a cell
# of its own *before* the training cell:
#
# ```python
# %load_ext tensorboard
# %tensorboard --logdir {log_dir}
# ```
#
# ## 8. The training step and the training loop
#
# One step, on one (input, target) pair:
#
# 1. the generator makes `gen_output` from the label map;
# 2. the discriminator scores the real pair and the generated pair (30×30 logits each);
# 3. both losses are computed, each tape gives the gradient for its own network, and each
#    optimizer updates its own network;
# 4. the four losses go to TensorBoard.
#
# Both networks run with `training=True`, so BatchNorm uses the batch statistics and
# dropout is active. `course_lib.training.Pix2PixTrainer.train_step` is the same step
# (notebooks 04 and 05 use it).

# %% [markdown] id="nb03-42-ko" lang="ko"
# 학습하는 동안 손실을 지켜보려면(Colab 또는 Jupyter), 학습 셀을 실행하기 *전에* 별도의 셀에서
# TensorBoard를 시작하세요.
#
# ```python
# %load_ext tensorboard
# %tensorboard --logdir {log_dir}
# ```
#
# ## 8. 학습 스텝과 학습 루프
#
# (입력, 목표) 쌍 하나에 대한 한 스텝은 다음과 같습니다.
#
# 1. 생성자가 레이블 맵으로부터 `gen_output`을 만듭니다.
# 2. 판별자가 진짜 쌍과 생성된 쌍에 점수를 매깁니다(각각 30×30 로짓).
# 3. 두 손실을 계산하고, 각 테이프(tape)가 자기 네트워크의 그래디언트(gradient)를 구하며, 각
#    옵티마이저가 자기 네트워크를 업데이트합니다.
# 4. 네 가지 손실을 TensorBoard에 기록합니다.
#
# 두 네트워크 모두 `training=True`로 실행되므로 BatchNorm은 배치 통계를 쓰고 드롭아웃도 켜져
# 있습니다. `course_lib.training.Pix2PixTrainer.train_step`도 같은 스텝입니다(노트북 04와 05에서
# 사용합니다).

# %% id="nb03-43"
@tf.function
def train_step(input_image, target, step):
    """One Pix2Pix update on a batch; returns the four losses."""
    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        gen_output = generator(input_image, training=True)  # (1, 256, 256, 3)
        # PatchGAN logits, (1, 30, 30, 1) each: the real pair, then the generated pair
        disc_real_output = discriminator([input_image, target], training=True)
        disc_generated_output = discriminator([input_image, gen_output], training=True)
        gen_total_loss, gen_gan_loss, gen_l1_loss = gen_loss_fn(  # yours (03-ex1)
            disc_generated_output, gen_output, target)
        disc_loss = discriminator_loss(disc_real_output, disc_generated_output)

    generator_gradients = gen_tape.gradient(gen_total_loss, generator.trainable_variables)
    discriminator_gradients = disc_tape.gradient(disc_loss,
                                                 discriminator.trainable_variables)
    generator_optimizer.apply_gradients(zip(generator_gradients,
                                            generator.trainable_variables))
    discriminator_optimizer.apply_gradients(zip(discriminator_gradients,
                                                discriminator.trainable_variables))

    with summary_writer.as_default():
        tf.summary.scalar("gen_total_loss", gen_total_loss, step=step)
        tf.summary.scalar("gen_gan_loss", gen_gan_loss, step=step)
        tf.summary.scalar("gen_l1_loss", gen_l1_loss, step=step)
        tf.summary.scalar("disc_loss", disc_loss, step=step)
    return {"gen_total_loss": gen_total_loss, "gen_gan_loss": gen_gan_loss,
            "gen_l1_loss": gen_l1_loss, "disc_loss": disc_loss}


# %% [markdown] id="nb03-44" lang="en"
# The loop counts **steps** rather than epochs (with batch 1 and 400 images, 40 000 steps
# are 100 epochs). Every `sample_every` steps (1000 in the lesson) it clears the output,
# prints how long the last block took and shows the prediction for a fixed test image; a dot
# marks every 10 steps; every `checkpoint_every` steps (5000) it saves a checkpoint. It also
# keeps the losses, for the curves below.

# %% [markdown] id="nb03-44-ko" lang="ko"
# 이 루프는 에포크가 아니라 **스텝(step)** 단위로 셉니다(배치 크기 1, 이미지 400장이면 40 000
# 스텝이 100 에포크입니다). `sample_every` 스텝마다(이 강의에서는 1000) 출력을 지우고, 직전 구간에
# 걸린 시간을 출력한 뒤, 고정된 테스트 이미지에 대한 예측을 보여 줍니다. 10 스텝마다 점을 하나
# 찍고, `checkpoint_every` 스텝마다(5000) 체크포인트를 저장합니다. 아래 곡선을 그리기 위해 손실도
# 기록해 둡니다.

# %% id="nb03-45"
def fit(train_ds, test_ds, steps, sample_every=1000, checkpoint_every=5000):
    """Train for `steps` steps; returns the loss history (one entry per step)."""
    example_input, example_target = next(iter(test_ds.take(1)))
    history = {"step": [], "gen_total_loss": [], "gen_gan_loss": [], "gen_l1_loss": [],
               "disc_loss": []}
    start, first = time.time(), int(generator_optimizer.iterations)  # > 0 when resumed
    for step, (input_image, target) in train_ds.repeat().take(steps - first).enumerate(first):
        if step % sample_every == 0:
            display.clear_output(wait=True)
            if step != 0:
                print(tr("Time taken for {steps} steps: {sec:.2f} s\n",
                         "{steps} 스텝에 걸린 시간: {sec:.2f}초\n",
                         steps=sample_every, sec=time.time() - start))
            start = time.time()
            generate_images(generator, example_input, example_target)
            print(tr(f"Step: {int(step)}", f"스텝: {int(step)}"))
        logs = train_step(input_image, target, step)
        history["step"].append(int(step) + 1)
        for name, value in logs.items():
            history[name].append(float(value))
        if (step + 1) % 10 == 0:
            print(".", end="", flush=True)
        if (step + 1) % checkpoint_every == 0:
            checkpoint.save(file_prefix=checkpoint_prefix)
    print(tr("\nTime taken for the last {steps} steps: {sec:.2f} s",
             "\n마지막 {steps} 스텝에 걸린 시간: {sec:.2f}초",
             steps=(steps - 1) % sample_every + 1, sec=time.time() - start))
    return history


# %% [markdown] id="nb03-46" lang="en"
# The lesson's numbers: 40 000 steps, a sample every 1000, a checkpoint every 5000. Fast
# mode: 10 steps, a sample every 5 and one checkpoint at the end. Each step on a CPU takes
# about a second and a half, and the first one also traces the step into a TensorFlow graph.

# %% [markdown] id="nb03-46-ko" lang="ko"
# 강의의 설정값: 40 000 스텝, 1000 스텝마다 샘플, 5000 스텝마다 체크포인트. 빠른 모드: 10 스텝, 5
# 스텝마다 샘플, 마지막에 체크포인트 한 번. CPU에서 한 스텝은 1.5초 정도 걸리며, 첫 스텝은 학습
# 스텝을 TensorFlow 그래프로 추적(trace)하는 시간까지 포함합니다.

# %% id="nb03-47" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
STEPS = config.pick(40_000, 10)
SAMPLE_EVERY = config.pick(1000, 5)
CHECKPOINT_EVERY = config.pick(5000, 10)

history = fit(train_dataset, test_dataset, STEPS, SAMPLE_EVERY, CHECKPOINT_EVERY)

# %% id="nb03-48" tags=["skip-grading"]
# One panel per loss: on a shared axis the L1 term (about 0.2) is a flat line under a
# total of about 20-40 (= gan + 100 · L1).
curves = {name: values for name, values in history.items() if name != "step"}
viz.loss_curves(curves, steps=history["step"], separate=True,
                title=tr(f"our run: {STEPS} steps, one panel per loss",
                         f"우리 학습: {STEPS} 스텝, 손실마다 패널 하나"))
plt.show()

# %% [markdown] id="nb03-49" lang="en"
# How to read these curves over a full run: `gen_l1_loss` falls steadily (the predictions
# get closer to the photos), while `gen_gan_loss` and `disc_loss` do not converge to zero;
# they hover, because each network improves against a moving opponent. If `disc_loss`
# collapses to about 0 for long, the discriminator has won and the generator gets no useful
# signal. After 10 fast-mode steps the curves are mostly noise.
#
# ### Restoring the latest checkpoint
#
# After a disconnect, rebuild the models and the checkpoint object (run the cells above
# except the training cell), then restore:

# %% [markdown] id="nb03-49-ko" lang="ko"
# 전체 학습에서 이 곡선을 읽는 법: `gen_l1_loss`는 꾸준히 내려갑니다(예측이 사진에 가까워짐). 반면
# `gen_gan_loss`와 `disc_loss`는 0으로 수렴하지 않고 오르내리는데, 두 네트워크가 계속 움직이는
# 상대를 두고 각자 나아지기 때문입니다. `disc_loss`가 오랫동안 거의 0으로 떨어져 있다면 판별자가
# 이겨 버려서 생성자가 쓸모 있는 신호를 받지 못하는 상태입니다. 빠른 모드의 10 스텝 후에는 곡선이
# 대부분 노이즈입니다.
#
# ### 마지막 체크포인트 복원하기
#
# 연결이 끊긴 뒤에는 모델과 체크포인트 객체를 다시 만들고(학습 셀을 제외한 위의 셀들을 실행),
# 복원합니다.

# %% id="nb03-50" tags=["skip-grading"]
latest = tf.train.latest_checkpoint(checkpoint_dir)
checkpoint.restore(latest).assert_existing_objects_matched()
print(tr("restored", "복원함:"), Path(latest).name)


# %% [markdown] id="nb03-51" lang="en"
# ## 9. Predictions, and why inference uses `training=True`
#
# Five test label maps through the generator we just trained:

# %% [markdown] id="nb03-51-ko" lang="ko"
# ## 9. 예측, 그리고 추론(inference) 때 `training=True`를 쓰는 이유
#
# 방금 학습한 생성자에 테스트 레이블 맵 다섯 장을 넣어 봅니다.

# %% id="nb03-52" tags=["skip-grading"]
def prediction_grid(model, dataset, n, title):
    """n rows of Input / Ground Truth / Predicted from a batched (input, target) dataset."""
    fig, axes = plt.subplots(n, 3, figsize=(8, 2.7 * n), squeeze=False)
    for row, (test_input, target) in enumerate(dataset.take(n)):
        prediction = model(test_input, training=True)
        for col, image in enumerate((test_input[0], target[0], prediction[0])):
            axes[row, col].imshow(viz.to_unit(image))
            axes[row, col].axis("off")
    for ax, name in zip(axes[0], (tr("Input", "입력"), tr("Ground Truth", "정답"),
                                  tr("Predicted", "예측"))):
        ax.set_title(name)
    fig.suptitle(title)
    fig.tight_layout()
    plt.show()


prediction_grid(generator, test_dataset, 5,
                tr(f"our generator after {STEPS} steps", f"{STEPS} 스텝 학습한 우리 생성자"))

# %% [markdown] id="nb03-53" lang="en"
# Every prediction in this notebook calls `generator(x, training=True)`, also at test time,
# as the paper and the official code do. Two reasons:
#
# 1. **BatchNorm.** With `training=False`, BatchNorm normalises with *moving averages*
#    collected during training. With batch size 1 those averages mix the statistics of
#    thousands of different images and fit none of them; during training, though, each
#    layer always saw the statistics of the *one* image in its batch. With `training=True`
#    at test time the network normalises exactly as it did while learning (BatchNorm at
#    batch size 1 is instance normalisation).
# 2. **Dropout is the noise.** Pix2Pix has no $z$; dropout is its only randomness, and
#    the authors keep it on at test time. (It changes the output only a little: Pix2Pix is
#    close to deterministic, a known limitation.)
#
# The short fast-mode run makes point 1 dramatic: after a few steps the moving averages
# are still close to their initial values, so `training=False` gives a different, worse
# picture.

# %% [markdown] id="nb03-53-ko" lang="ko"
# 이 노트북의 모든 예측은 테스트할 때도 `generator(x, training=True)`를 호출합니다. 논문과 공식
# 코드도 그렇게 합니다. 이유는 두 가지입니다.
#
# 1. **BatchNorm.** `training=False`이면 BatchNorm은 학습 중에 모은 *이동 평균*(moving
#    average)으로 정규화합니다. 배치 크기가 1이면 이 평균에는 수천 장의 서로 다른 이미지 통계가
#    섞여서 어느 이미지에도 맞지 않습니다. 그런데 학습하는 동안 각 층은 항상 배치 안의 *한*
#    이미지의 통계만 보았습니다. 테스트 때 `training=True`로 두면 네트워크는 학습할 때와 똑같이
#    정규화합니다(배치 크기 1의 BatchNorm은 인스턴스 정규화(instance normalization)와 같습니다).
# 2. **드롭아웃이 곧 노이즈입니다.** Pix2Pix에는 $z$가 없고 드롭아웃이 유일한 무작위성이며,
#    저자들은 테스트 때도 이를 켜 둡니다. (출력은 조금밖에 바뀌지 않습니다. Pix2Pix가 거의
#    결정론적(deterministic)이라는 것은 알려진 한계입니다.)
#
# 빠른 모드의 짧은 학습에서는 1번 효과가 극적으로 드러납니다. 몇 스텝 뒤에도 이동 평균은 아직
# 초기값 근처에 있으므로, `training=False`로 하면 다르고 더 나쁜 그림이 나옵니다.

# %% id="nb03-54" tags=["skip-grading"]
test_input, test_target = next(iter(test_dataset))
with_batch_stats = generator(test_input, training=True)
with_moving_avgs = generator(test_input, training=False)
again = generator(test_input, training=True)

fig, axes = plt.subplots(1, 4, figsize=(13, 3.6))
shown = (test_input[0], test_target[0], with_batch_stats[0], with_moving_avgs[0])
names = (tr("Input", "입력"), tr("Ground Truth", "정답"), "training=True", "training=False")
for ax, image, name in zip(axes, shown, names):
    ax.imshow(viz.to_unit(image))
    ax.set_title(name)
    ax.axis("off")
plt.show()
print(tr("two training=True calls differ (dropout noise):",
         "training=True로 두 번 호출한 결과가 다른가 (드롭아웃 잡음):"),
      bool(tf.reduce_any(with_batch_stats != again)))

# %% [markdown] id="nb03-55" lang="en"
# ### Saving the generator (Keras 3 naming)
#
# To keep a trained generator without its optimizer state, save just its weights. Keras 3
# insists on the `.weights.h5` suffix; the plain `.h5` of older tutorials is refused:

# %% [markdown] id="nb03-55-ko" lang="ko"
# ### 생성자 저장하기(Keras 3의 파일 이름 규칙)
#
# 옵티마이저 상태 없이 학습된 생성자만 남기려면 가중치만 저장합니다. Keras 3는 `.weights.h5`
# 확장자를 요구하며, 예전 튜토리얼의 평범한 `.h5`는 거부됩니다.

# %% id="nb03-56" tags=["skip-grading"]
try:
    generator.save_weights(RUN_DIR / "generator.h5")
except ValueError as err:
    print("ValueError:", str(err).split(". Received")[0])
weights_path = RUN_DIR / "generator.weights.h5"
generator.save_weights(weights_path)
print(tr("saved", "저장함:"), weights_path.name, f"({weights_path.stat().st_size / 1e6:.0f} MB)")

# %% [markdown] id="nb03-57" lang="en"
# `Generator().load_weights(path)` reads it back into a freshly built generator.
#
# ## 10. A generator trained for the whole lesson
#
# The course ships a facades generator trained with this same code
# (`course_lib.training.fit`) for as many steps as its model card says. It is stored as int8
# with one scale per output channel to stay small; `weights.load_pretrained` checks its
# checksum and architecture before loading it. The card also reports L1, PSNR and SSIM on
# the 106 test images next to two baselines (`python -m course_lib eval pix2pix-facades`).
#
# Predictions use `training=True`, with the dropout masks seeded per image so that the
# pictures are reproducible (`weights.translate_image`). The last figure repeats the
# `training=True` / `training=False` comparison of section 9 on this well-trained
# generator.

# %% [markdown] id="nb03-57-ko" lang="ko"
# `Generator().load_weights(path)`로 새로 만든 생성자에 다시 불러올 수 있습니다.
#
# ## 10. 강의 전체 분량만큼 학습된 생성자
#
# 이 코스에는 같은 코드(`course_lib.training.fit`)로 모델 카드(model card)에 적힌 스텝 수만큼
# 학습한 facades 생성자가 포함되어 있습니다. 크기를 줄이기 위해 출력 채널마다 스케일(scale)을
# 하나씩 두는 int8로 저장되어 있고, `weights.load_pretrained`가 불러오기 전에 체크섬(checksum)과
# 구조를 확인합니다. 모델 카드에는 106장의 테스트 이미지에 대한 L1, PSNR, SSIM이 두 가지
# 기준선(baseline)과 함께 기록되어 있습니다(`python -m course_lib eval pix2pix-facades`).
#
# 예측은 `training=True`로 하되, 그림이 재현되도록 드롭아웃 마스크의 시드를 이미지마다
# 고정합니다(`weights.translate_image`). 마지막 그림은 9절의 `training=True` / `training=False`
# 비교를 이 충분히 학습된 생성자로 다시 보여 줍니다.

# %% id="nb03-58" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
if weights.available("pix2pix-facades"):
    pretrained = weights.load_pretrained("pix2pix-facades")
    print(weights.card_line("pix2pix-facades"))  # how it was trained, what it scores
    inputs, targets, ours, theirs = [], [], [], []
    for i, (test_input, target) in enumerate(test_dataset.take(5)):
        inputs.append(test_input[0].numpy())
        targets.append(target[0].numpy())
        ours.append(generator(test_input, training=True)[0].numpy())
        theirs.append(weights.translate_image(pretrained, test_input[0].numpy(), seed=i))
    grid = np.stack([v for row in zip(inputs, targets, theirs) for v in row])
    viz.sample_grid(grid, rows=5, cols=3, size=2.6,
                    labels=[tr("Input", "입력"), tr("Ground Truth", "정답"),
                            tr("Pretrained", "사전 학습")] * 5)
    plt.show()
    photos = viz.to_unit(np.stack(targets))
    for name, preds in ((tr("trained here", "여기서 학습"), ours),
                        (tr("pretrained", "사전 학습"), theirs)):
        preds = viz.to_unit(np.stack(preds))
        print(tr("{name:>13}: L1 {l1:.3f}, PSNR {psnr:.2f} dB (5 test images, [0, 1] scale)",
                 "{name:>13}: L1 {l1:.3f}, PSNR {psnr:.2f} dB (테스트 이미지 5장, [0, 1] 척도)",
                 name=name, l1=evaluation.l1_per_image(preds, photos).mean(),
                 psnr=evaluation.psnr_per_image(preds, photos).mean()))
    # The BatchNorm argument of section 9, on the well-trained generator:
    first = inputs[0][None]
    both = [pretrained(first, training=True)[0], pretrained(first, training=False)[0]]
    viz.sample_grid(np.stack([inputs[0], targets[0], *both]), rows=1, cols=4, size=3,
                    labels=[tr("Input", "입력"), tr("Ground Truth", "정답"),
                            "training=True", "training=False"])
    plt.show()
else:
    print(tr("No pretrained pix2pix-facades generator in this copy of the course yet.\n"
             "Train one with   python -m course_lib train pix2pix-facades\n"
             "then export it:  python -m course_lib weights export pix2pix-facades "
             "--checkpoint-dir runs/pix2pix-facades/checkpoints\n"
             "(or run this notebook in full mode and load RUN_DIR/generator.weights.h5).",
             "이 강의 사본에는 아직 사전 학습된 pix2pix-facades 생성자가 없습니다.\n"
             "학습:      python -m course_lib train pix2pix-facades\n"
             "내보내기:  python -m course_lib weights export pix2pix-facades "
             "--checkpoint-dir runs/pix2pix-facades/checkpoints\n"
             "(또는 이 노트북을 전체 모드로 실행한 뒤 RUN_DIR/generator.weights.h5를 불러오세요)."))

# %% [markdown] id="nb03-58a" lang="en"
# ### Your turn: a facade editor
#
# The generator only ever sees a label map, so you can draw one yourself. On the left below,
# the label map starts as a small two-storey building (`playground.EXAMPLE_FACADE`). Pick a
# class, drag a box on the map with the mouse (or set its top-left corner `x`, `y` and size
# `w`, `h` with the sliders, in pixels of the 256×256 map) and press **Add**: the photo on the
# right is generated again (about a second on a CPU). **Undo** removes the last rectangle,
# **Clear** leaves a bare wall (the `facade` blue), **Example** brings the building back.
# Rectangles are painted in order, so a later one covers an earlier one, in the dataset's own
# colours (`evaluation.CMP_PALETTE`; the legend under the map names them).
#
# Things to try, and what to notice:
#
# * **A window with no wall around it**: a large `background` rectangle (the dark blue
#   outside the building) with a `window` inside it. What does the generator put around that
#   window, and how does it differ from the wall next to it?
# * **One huge window** (200×200). No training photo had one: do you get glass, or the
#   texture of something the network did see?
# * **Architecture that makes no sense**: a door on the top floor, a shop above a window.
#   The generator follows the layout anyway: the U-Net's skips carry *where* things are,
#   and what they look like comes from the training photos, where doors stood on the ground.
# * The same map always gives the same photo: the dropout masks are seeded (section 10).
#
# Widgets need a running notebook. Where they cannot be shown (GitHub's viewer, CI), this
# cell shows a static figure instead: the example building and its photo.

# %% [markdown] id="nb03-58a-ko" lang="ko"
# ### 직접 해 보기: 파사드 편집기
#
# 생성자가 보는 것은 레이블 맵뿐이므로, 레이블 맵을 직접 그려 넣을 수도 있습니다. 아래 왼쪽의
# 레이블 맵은 작은 2층 건물(`playground.EXAMPLE_FACADE`)에서 시작합니다. 클래스(class)를 고르고,
# 맵 위에서 마우스로 사각형을 끌어 그린 뒤(또는 슬라이더로 왼쪽 위 모서리 `x`, `y`와 크기 `w`,
# `h`를 256×256 맵의 픽셀 단위로 정한 뒤) **추가**를 누르면 오른쪽 사진이 다시 생성됩니다(CPU에서
# 1초 정도). **되돌리기**는 마지막 사각형을 지우고, **모두 지우기**는 맨 벽(`facade`의 파란색)만
# 남기며, **예시**는 처음 건물을 되살립니다. 사각형은 추가한 순서대로 칠해지므로 나중 것이 먼저
# 것을 덮고, 색은 데이터셋의 색(`evaluation.CMP_PALETTE`, 맵 아래 범례에 클래스 이름이
# 있습니다)을 그대로 씁니다.
#
# 이렇게 해 보고, 다음을 눈여겨보세요.
#
# * **벽이 없는 창문**: 커다란 `background` 사각형(건물 바깥의 짙은 파란색) 안에 `window`를 하나
#   넣어 보세요. 생성자는 그 창문 주위에 무엇을 그리나요? 옆의 벽과는 어떻게 다른가요?
# * **아주 큰 창문 하나**(200×200). 학습 사진에는 이런 창문이 없었습니다. 유리가 나오나요, 아니면
#   네트워크가 본 적 있는 다른 무언가의 질감이 나오나요?
# * **말이 안 되는 건물**: 꼭대기 층의 문, 창문 위의 상점(shop). 그래도 생성자는 레이아웃을
#   따릅니다. U-Net의 스킵 연결은 *어디에* 무엇이 있는지를 전달하고, 그것이 어떻게 생겼는지는
#   문이 늘 1층에 있던 학습 사진에서 배운 것이기 때문입니다.
# * 같은 맵은 언제나 같은 사진을 줍니다. 드롭아웃 마스크의 시드가 고정되어 있기 때문입니다(10절).
#
# 위젯(widget)은 실행 중인 노트북에서만 동작합니다. 위젯을 보여 줄 수 없는 곳(GitHub 뷰어, CI)에서는
# 이 셀이 대신 정적인 그림, 즉 예시 건물과 그 사진을 보여 줍니다.

# %% id="nb03-58b" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
# The editor's drawing and inference are plain functions: course_lib/playground.py.
from course_lib import playground_widgets

if weights.available("pix2pix-facades", quiet=True):  # the cell above said why not
    playground_widgets.facade_editor(pretrained)

# %% [markdown] id="nb03-59" lang="en"
# What to look for in good predictions: windows and doors sit where the label map puts
# them (that is the L1 term and the skip connections), and walls have texture instead of
# flat colour (that is the GAN term). Typical failures: smeared areas where the label map
# is ambiguous, and repeated textures. Remember that PSNR rewards blur: a blurry average
# can score well while looking wrong, which is why the model card also reports a
# structure score (a facade parser run on the generated photos).
#
# ## Summary
#
# * Pix2Pix is a conditional GAN whose condition is an image; the discriminator judges
#   (input, output) *pairs*.
# * U-Net skips carry the layout straight from input to output; the bottleneck alone
#   cannot.
# * L1 gets the low frequencies right, the PatchGAN term supplies the high frequencies;
#   $\lambda = 100$ balances them.
# * Inference runs with `training=True`: per-image BatchNorm statistics, dropout as noise.
# * Keras 3: one optimizer per network; weight files end in `.weights.h5`.
#
# Next, notebook 04 rebuilds these networks with the subclassing API and colours Pokémon
# sketches. Your graded items so far:

# %% [markdown] id="nb03-59-ko" lang="ko"
# 좋은 예측에서 살펴볼 점: 창문과 문이 레이블 맵이 정한 자리에 있고(L1 항과 스킵 연결 덕분), 벽이
# 단색이 아니라 질감을 가지고 있습니다(GAN 항 덕분). 흔한 실패 사례는 레이블 맵이 모호한 곳이
# 뭉개지는 것과 같은 질감이 반복되는 것입니다. PSNR은 흐림을 보상한다는 점을 기억하세요. 흐릿한
# 평균은 틀려 보여도 점수가 잘 나올 수 있습니다. 그래서 모델 카드에는 구조 점수(생성된 사진에
# facade 파서(parser)를 돌린 결과)도 함께 기록합니다.
#
# ## 요약
#
# * Pix2Pix는 조건이 이미지인 조건부 GAN이며, 판별자는 (입력, 출력) *쌍*을 판정합니다.
# * U-Net의 스킵 연결은 레이아웃 정보를 입력에서 출력으로 곧장 전달합니다. 병목만으로는 그럴 수
#   없습니다.
# * L1은 저주파를 맞추고, 패치GAN 항은 고주파를 채워 줍니다. $\lambda = 100$이 둘의 균형을
#   잡습니다.
# * 추론은 `training=True`로 실행합니다. 이미지별 BatchNorm 통계, 그리고 노이즈 역할의 드롭아웃.
# * Keras 3: 네트워크마다 옵티마이저 하나, 가중치 파일은 `.weights.h5`로 끝납니다.
#
# 다음 노트북 04에서는 이 네트워크들을 서브클래싱(subclassing) API로 다시 만들고 포켓몬 스케치에
# 색을 칠합니다. 지금까지의 채점 항목입니다.

# %% id="nb03-60" tags=["reveals-answer"]
print(quiz.summary())

# %% id="nb03-61" tags=["skip-grading"]
if config.is_fast():  # the fast-mode run folder was temporary: free its ~1 GB of files
    shutil.rmtree(RUN_DIR, ignore_errors=True)
