# %% [markdown] id="nb02-00" lang="en"
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
#
# **Time:** fast mode takes about 3 minutes on two CPU cores; full mode's training on a
# Colab T4 GPU takes an estimated **3–5 minutes** (an estimate from FLOPs per step,
# not a measurement: docs/PERFORMANCE.md says how it was made).

# %% [markdown] id="nb02-00-ko" lang="ko"
# # 02 · 조건 없는 GAN과 조건부 GAN, 그리고 Maxout 판별자
#
# 노트북 01의 GAN은 그럴듯한 숫자를 그리지만, *특정한* 숫자를 그려 달라고 요청할 수는 없습니다. 이
# 노트북에서는 **조건부 GAN**(conditional GAN, cGAN)으로 이 문제를 해결합니다. 두 신경망이 숫자의
# 레이블 $y$도 함께 받으므로, 마지막에는 여러분이 숫자를 고르면 생성자가 그 숫자를 씁니다.
#
# **이 노트북에서 할 일:** GAN과 cGAN의 목적 함수를 비교하고, Keras의 **서브클래싱 API**(subclassing
# API)로 신경망 네 개(GAN 생성자와 판별자, cGAN 생성자, 그리고 **Maxout** 층으로 이루어진 cGAN
# 판별자)를 만듭니다. 두 GAN을 학습하고, 수백 에포크 동안 학습된 생성자를 불러와 원하는 숫자를 그려
# 봅니다. 그 과정에서 퀴즈 세 문제(**02-q1**, **02-q2**, **02-q3**)와 코딩 과제 하나(**02-ex1**)를
# 풀고, 예전 TensorFlow 코드를 Keras 3로 옮길 때 자주 빠지는 함정 세 가지를 살펴봅니다.
#
# **소요 시간:** 빠른 모드는 CPU 코어 두 개로 약 3분 걸립니다. 전체 모드의 학습은 Colab T4
# GPU에서 약 **3–5분**으로 추정합니다(측정값이 아니라 스텝당 FLOP 수로 계산한
# 추정치(estimate)이며, 계산 방법은 docs/PERFORMANCE.md에 있습니다).

# %% id="nb02-01"
# SETUP CELL: tools/build_lessons.py puts lessons/setup_cell.py here

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


# %% [markdown] id="nb02-03" lang="en"
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

# %% [markdown] id="nb02-03-ko" lang="ko"
# ## 1. 왜 조건이 필요할까?
#
# MNIST로 GAN을 학습했는데 이제 **7**이 필요하다고 해 봅시다. 생성자는 잡음을 *어떤* 숫자로 바꿀
# 뿐이고, $z$ 안에는 어떤 숫자인지 알려 주는 정보가 없습니다. 할 수 있는 일은 샘플을 뽑고 운에
# 맡기는 것뿐입니다. 열 개의 숫자가 고르게 나온다면 열 번에 한 번쯤만 7이 나오고, 7을 찾으려면
# 샘플을 하나하나 봐야 합니다. 7이 만 개 필요하다면? 행운을 빕니다.
#
# **조건부** 생성 모델은 원하는 것을 입력으로 받습니다. 노트북 01의 GAN 게임을 떠올려 봅시다. $D$는
# 값 $V$를 키우고 $G$는 줄입니다.
#
# $$
# \min_G \max_D \; V(D, G) =
# \mathbb{E}_{x \sim p_{\text{data}}}\big[\log D(x)\big] +
# \mathbb{E}_{z \sim p_z}\big[\log\big(1 - D(G(z))\big)\big].
# $$
#
# Mirza와 Osindero(2014)의 조건부 GAN은 추가 정보 $y$를 **두** 참가자 모두에게 주며, 이를 조건부
# 표기로 씁니다.
#
# $$
# \min_G \max_D \; V(D, G) =
# \mathbb{E}_{x \sim p_{\text{data}}}\big[\log D(x \mid y)\big] +
# \mathbb{E}_{z \sim p_z}\big[\log\big(1 - D(G(z \mid y) \mid y)\big)\big].
# $$
#
# * $G(z \mid y)$: 생성자는 잡음과 조건을 **함께** 받아 이미지로 바꿉니다. 숫자가 *어떻게*
#   생겼는지(기울기, 굵기, 필체)는 여전히 잡음이 정하고, *어떤* 숫자인지는 $y$가 정합니다.
# * $D(x \mid y)$: 판별자는 이미지가 **클래스 $y$의** 진짜 예시인지 판단합니다. 아주 잘 그린 3이라도
#   레이블 7과 함께 나오면 거부해야 합니다. 바로 이 점이 생성자가 레이블을 따르도록 강제합니다.
#
# MNIST에서 $y$는 길이 10인 원-핫 벡터(one-hot vector)로 나타낸 숫자 레이블입니다(숫자 6은
# `[0,0,0,0,0,0,1,0,0,0]`). 진짜 이미지는 언제나 *실제* 레이블과 짝을 짓고, 위조품은 생성자에게
# 그리라고 요청한 레이블과 짝을 짓습니다.
#
# 그 밖의 것(손실, 번갈아 하는 갱신)은 노트북 01과 같습니다.

# %% id="nb02-04" tags=["skip-grading"] cellView="form"
#@title Picture: what flows into G and D (drawing code, not part of the lesson)
# tr(english, korean) shows a text in this edition's language (COURSE_LANG).
from course_lib.messages import tr


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
    _box(ax, (1.0, 4.5), tr("noise z", "잡음 z"), "#dbe9ff")
    _box(ax, (3.3, 4.5), "G", "#ffd9d9")
    _box(ax, (5.9, 4.5), tr(f"fake G(z{given})", f"가짜 G(z{given})"), "#ffd9d9")
    _box(ax, (5.9, 3.0), tr("real x", "진짜 x"), "#e3f5e1")
    _box(ax, (8.3, 3.75), "D", "#efe0ff")
    _box(ax, (10.2, 3.75), tr("real?\nfake?", "진짜?\n가짜?"), "#f4f4f4")
    _arrow(ax, (1.0, 4.5), (3.3, 4.5))
    _arrow(ax, (3.3, 4.5), (5.9, 4.5))
    _arrow(ax, (5.9, 4.5), (8.3, 3.75))
    _arrow(ax, (5.9, 3.0), (8.3, 3.75))
    _arrow(ax, (8.3, 3.75), (10.2, 3.75))
    if conditional:
        _box(ax, (3.3, 1.0), tr("label y (one-hot)", "레이블 y (원-핫)"), "#fff2c2")
        _arrow(ax, (3.3, 1.0), (3.3, 4.5))
        _arrow(ax, (3.3, 1.0), (8.3, 3.75))
    ax.set_title(tr("cGAN: y goes into G and into D", "cGAN: y가 G와 D 모두에 들어갑니다")
                 if conditional else
                 tr("GAN: G sees only noise, D only an image",
                    "GAN: G는 잡음만, D는 이미지만 봅니다"))


fig, axes = plt.subplots(1, 2, figsize=(13, 3.6))
draw_flow(axes[0], conditional=False)
draw_flow(axes[1], conditional=True)
plt.show()

# %% [markdown] id="nb02-05" lang="en"
# ### Quiz 02-q1
#
# Answer with the letter of an option in the answer cell (the widget, when you see one,
# gives instant feedback but does not count; the answer cell does).

# %% [markdown] id="nb02-05-ko" lang="ko"
# ### 퀴즈 02-q1
#
# 답안 셀에 보기의 기호로 답하세요. 위젯이 보이면 바로 정답 여부를 알려 주지만 점수에는 들어가지
# 않습니다. 채점되는 것은 답안 셀입니다.

# %% id="nb02-06"
quiz.ask("02-q1")

# %% id="nb02-07" tags=["answer"] grade_id="02-q1-answer"
# The letter of your option, e.g. "a"
### BEGIN SOLUTION
q1_answer = quiz.sealed("651161a1aa48e1eed0f41bdb58137d5c52aa8e33b49f18e2071549a04d4acb8f")
### END SOLUTION

# %% id="nb02-08" tags=["check"] grade_id="02-q1"
quiz.check("02-q1", q1_answer)

# %% [markdown] id="nb02-09" lang="en"
# ## 2. The data, the way tensorflow-datasets serves it
#
# `course_lib.data.load_mnist` behaves like `tfds.load("mnist", split="train")`: a
# `tf.data.Dataset` of dictionaries with a `uint8` image of shape `(28, 28, 1)` and an
# `int64` label. (Offline, it lets tensorflow-datasets build its copy from the verified
# MNIST files in `COURSE_DATA_DIR`; the first time takes a few seconds.) In fast mode we
# keep only the first 5,120 digits: 40 batches of 128.

# %% [markdown] id="nb02-09-ko" lang="ko"
# ## 2. tensorflow-datasets 방식으로 받는 데이터
#
# `course_lib.data.load_mnist`는 `tfds.load("mnist", split="train")`처럼 동작합니다. `(28, 28, 1)`
# 모양의 `uint8` 이미지와 `int64` 레이블을 담은 딕셔너리들의 `tf.data.Dataset`을 돌려줍니다.
# (오프라인에서는 `COURSE_DATA_DIR`에 있는 검증된 MNIST 파일로 tensorflow-datasets가 자기 사본을
# 만들게 하며, 처음에는 몇 초 걸립니다.) 빠른 모드에서는 앞의 5,120개 숫자, 즉 128개짜리 배치 40개만
# 씁니다.

# %% id="nb02-10"
# NBVAL_IGNORE_OUTPUT
mnist = data.load_mnist("train")
N_DIGITS = config.pick(full=None, fast=5120)  # None: all 60,000
if N_DIGITS is not None:
    mnist = mnist.take(N_DIGITS)

# %% id="nb02-11"
print(mnist.element_spec)

# %% [markdown] id="nb02-12" lang="en"
# Two preprocessing functions, one per model. Both scale the pixels from $[0, 255]$ to
# $[-1, 1]$ (the generators end in $\tanh$). The cGAN version also returns the label as a
# one-hot vector, because that is what goes into its networks. Each dataset then gets
# shuffled (buffer 1,000 for the GAN, 100 for the cGAN, as in the lesson) and batched by
# 128. These two functions are also `course_lib.data.gan_preprocessing` and
# `course_lib.data.cgan_preprocessing`.

# %% [markdown] id="nb02-12-ko" lang="ko"
# 모델마다 하나씩, 전처리 함수가 두 개 있습니다. 둘 다 픽셀 값을 $[0, 255]$에서 $[-1, 1]$로
# 옮깁니다(생성자의 마지막이 $\tanh$이므로). cGAN용 함수는 레이블도 원-핫 벡터로 바꿔 함께
# 돌려줍니다. cGAN의 신경망에 들어가는 것이 바로 그 벡터이기 때문입니다. 그다음 각 데이터셋을
# 섞고(원래 강의처럼 GAN은 버퍼 1,000, cGAN은 버퍼 100) 128개씩 배치로 묶습니다. 두 함수는
# `course_lib.data.gan_preprocessing`, `course_lib.data.cgan_preprocessing`으로도 들어 있습니다.

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
print(tr("GAN batches: ", "GAN 배치: "), gan_datasets.element_spec)
print(tr("cGAN batches:", "cGAN 배치:"), cgan_datasets.element_spec)

# %% [markdown] id="nb02-14" lang="en"
# Always look at a batch before training on it: the range must be $[-1, 1]$ and each
# picture must match its label. `argmax` turns a one-hot vector back into the digit.

# %% [markdown] id="nb02-14-ko" lang="ko"
# 학습하기 전에는 늘 배치 하나를 직접 확인하세요. 값의 범위는 $[-1, 1]$이어야 하고, 각 그림은 자기
# 레이블과 맞아야 합니다. `argmax`는 원-핫 벡터를 다시 숫자로 바꿔 줍니다.

# %% id="nb02-15"
images, labels = next(iter(cgan_datasets))
print(tr("images:", "이미지:"), images.shape,
      tr("| range {low} to {high}", "| 범위 {low} ~ {high}",
         low=float(tf.reduce_min(images)), high=float(tf.reduce_max(images))))
print(tr("labels:", "레이블:"), labels.shape,
      tr("| exactly one 1 per row:", "| 행마다 1이 정확히 하나:"),
      bool(tf.reduce_all(tf.reduce_sum(labels, axis=1) == 1)))
viz.sample_grid(images[:10], rows=2, cols=5, labels=np.argmax(labels[:10], axis=1),
                title=tr("a cGAN batch with its labels", "레이블과 함께 본 cGAN 배치"), size=1.5)
plt.show()


# %% [markdown] id="nb02-16" lang="en"
# ## 3. Two generators, written by subclassing
#
# With the **subclassing API** you write a model as a Python class: `__init__` creates the
# layers, `call` says how data flows through them. It is more verbose than `Sequential`,
# but any flow is possible, in particular models with **two inputs** such as the cGAN
# networks. (PyTorch models are written the same way.)
#
# **GAN generator:** four fully connected layers, 100 → 128 → 256 → 512 (ReLU) → 784
# ($\tanh$), reshaped into a 28×28×1 image.

# %% [markdown] id="nb02-16-ko" lang="ko"
# ## 3. 서브클래싱으로 작성하는 생성자 두 개
#
# **서브클래싱 API**에서는 모델을 파이썬 클래스로 작성합니다. `__init__`에서 층을 만들고, `call`에서
# 데이터가 층을 어떻게 지나가는지 적습니다. `Sequential`보다 코드는 길지만 어떤 흐름이든 표현할 수
# 있고, 특히 cGAN 신경망처럼 **입력이 두 개**인 모델을 만들 수 있습니다. (PyTorch 모델도 같은
# 방식으로 작성합니다.)
#
# **GAN 생성자:** 완전 연결 층(fully connected layer) 네 개, 100 → 128 → 256 → 512(ReLU) →
# 784($\tanh$)를 거친 뒤 28×28×1 이미지로 모양을 바꿉니다.

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


# %% [markdown] id="nb02-18" lang="en"
# **cGAN generator:** it has two inputs, so `call(noise, label)`. Read the code carefully
# (quiz 02-q2 asks you to trace it).

# %% [markdown] id="nb02-18-ko" lang="ko"
# **cGAN 생성자:** 입력이 두 개이므로 `call(noise, label)`입니다. 코드를 꼼꼼히 읽어 두세요(퀴즈
# 02-q2에서 이 흐름을 따라가 보라고 묻습니다).

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


# %% [markdown] id="nb02-20" lang="en"
# A subclassed model has no weights until it is called once (it learns its input sizes
# from that first call), so we call both on a batch of 4:

# %% [markdown] id="nb02-20-ko" lang="ko"
# 서브클래싱한 모델은 한 번 호출되기 전까지 가중치가 없습니다(첫 호출에서 입력 크기를 알게 됩니다).
# 그래서 두 생성자를 배치 4개로 한 번씩 호출합니다.

# %% id="nb02-21"
z = tf.random.normal([4, 100])
y = tf.one_hot([0, 1, 2, 3], 10)
gan_generator = GeneratorGAN()
cgan_generator = GeneratorCGAN()
print("GeneratorGAN  (4, 100)          ->", gan_generator(z).shape,
      tr("| {n:,} parameters", "| 파라미터 {n:,}개", n=gan_generator.count_params()))
print("GeneratorCGAN (4, 100), (4, 10) ->", cgan_generator(z, y).shape,
      tr("| {n:,} parameters", "| 파라미터 {n:,}개", n=cgan_generator.count_params()))

# %% [markdown] id="nb02-22" lang="en"
# ### Quiz 02-q2

# %% [markdown] id="nb02-22-ko" lang="ko"
# ### 퀴즈 02-q2

# %% id="nb02-23"
quiz.ask("02-q2")

# %% id="nb02-24" tags=["answer"] grade_id="02-q2-answer"
# The letter of the description that matches GeneratorCGAN.call
### BEGIN SOLUTION
q2_answer = quiz.sealed("e957335f819335600cc26faaeb375d0e6e425748ae12d98d3623eecfba3e8428")
### END SOLUTION

# %% id="nb02-25" tags=["check"] grade_id="02-q2"
quiz.check("02-q2", q2_answer)


# %% [markdown] id="nb02-26" lang="en"
# ## 4. Two discriminators
#
# **GAN discriminator:** flatten the image, then fully connected layers 512 → 256 → 128
# (ReLU) → 1. The layers are built in a loop and kept in a Python list; Keras tracks the
# list, so their weights belong to the model. The last layer has no activation: it
# outputs a **logit** (see notebook 01).

# %% [markdown] id="nb02-26-ko" lang="ko"
# ## 4. 판별자 두 개
#
# **GAN 판별자:** 이미지를 평탄화(flatten)한 뒤 완전 연결 층 512 → 256 → 128(ReLU) → 1을 거칩니다.
# 층은 반복문으로 만들어 파이썬 리스트에 담습니다. Keras가 그 리스트를 추적하므로 층의 가중치는
# 모델에 속합니다. 마지막 층에는 활성화 함수가 없어서 **로짓**(logit)을 출력합니다(노트북 01 참고).

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


# %% [markdown] id="nb02-28" lang="en"
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
# The lesson's version differs from the paper in two details, which we keep. First, its
# `Dense` layer has a **ReLU** activation, so the pieces are $\max(0, w_j^\top x + b_j)$
# rather than linear as in the paper. ReLU never changes which piece is largest, so this is
# the paper's maxout followed by a ReLU: the output can no longer be negative (right panel).
# Second, its dropout sits elsewhere. The paper applies dropout to the *inputs* of each
# maxout layer (the mask multiplies $x$ before the weights do) and never drops the pieces
# that go into the max; the lesson applies Dropout(0.5) to the ReLU'd pieces, after the
# `Dense` layer and before the maximum (see `call` below).

# %% [markdown] id="nb02-28-ko" lang="ko"
# ### Maxout
#
# 원 논문의 cGAN 판별자는 **Maxout** 유닛(Goodfellow 등, 2013)으로 만들어져 있습니다. Maxout 유닛은
# 입력의 선형 함수 여러 개, 곧 *조각*(piece)들을 계산하고 그중 가장 큰 값을 내보냅니다.
#
# $$
# h(x) = \max_{j = 1..k} \big(w_j^\top x + b_j\big).
# $$
#
# 직선 몇 개의 최댓값은 꺾인 볼록 곡선이므로, Maxout은 고정된 활성화 함수가 아니라 **학습되는**
# 활성화 함수입니다. 익숙한 모양이 특수한 경우로 들어 있습니다. $\max(x, 0)$은 ReLU이고 $\max(x,
# -x)$는 $|x|$입니다. 출력이 `units`개이고 조각이 `pieces`개인 Maxout 층은 `units * pieces`개의 선형
# 함수를 한꺼번에 계산하고(`Dense` 층 하나), 이를 유닛마다 `pieces`개의 후보로 묶은 뒤 묶음마다
# 최댓값을 남깁니다.
#
# 이 강의의 구현은 논문과 두 가지가 다르며, 우리도 그대로 따릅니다. 첫째, `Dense` 층에 **ReLU**
# 활성화가 있어서, 조각이 논문의 선형 함수와 달리 $\max(0, w_j^\top x + b_j)$입니다. ReLU는 어느
# 조각이 가장 큰지를 바꾸지 않으므로, 이는 논문의 Maxout 뒤에 ReLU를 붙인 것과 같습니다. 그래서
# 출력은 음수가 될 수 없습니다(오른쪽 그림). 둘째, 드롭아웃(dropout)의 위치가 다릅니다. 논문은 각
# Maxout 층의 *입력*에 드롭아웃을 적용하고(가중치를 곱하기 전에 $x$에 마스크를 곱합니다), 최댓값에
# 들어가는 조각은 떨어뜨리지 않습니다. 이 강의는 `Dense` 층 뒤, 최댓값을 구하기 전에 ReLU를 거친
# 조각에 Dropout(0.5)을 적용합니다(아래 `call` 참고).

# %% id="nb02-29" tags=["skip-grading"]
xs = np.linspace(-3, 3, 301)
# (w, b) of three pieces; between x ≈ -1.5 and x ≈ 0.8 all three are negative
pieces = [(-1.0, -1.5), (0.3, -0.6), (1.5, -1.2)]
lines = np.stack([w * xs + b for w, b in pieces])          # (3, 301)

fig, axes = plt.subplots(1, 2, figsize=(10, 3.4), sharey=True)
for ax, relu in zip(axes, [False, True]):
    shown = np.maximum(lines, 0) if relu else lines
    for (w, b), line in zip(pieces, shown):
        ax.plot(xs, line, "--", lw=1,
                label=tr(f"piece {w:+.1f}x {b:+.1f}", f"조각 {w:+.1f}x {b:+.1f}"))
    ax.plot(xs, shown.max(axis=0), "k", lw=2.5, label=tr("maxout output", "maxout 출력"))
    ax.set_title(tr("lesson: ReLU pieces, then max", "이 강의: ReLU 조각, 그다음 최댓값") if relu
                 else tr("paper: linear pieces, then max", "논문: 선형 조각, 그다음 최댓값"))
    ax.set_xlabel(tr("input x", "입력 x"))
    ax.axhline(0, color="0.8", lw=0.8)
axes[0].legend(fontsize=8)
plt.show()

# %% [markdown] id="nb02-30" lang="en"
# ### Exercise 02-ex1 (2 points): the maximum over the pieces
#
# Write the heart of a maxout layer. `z` is the output of the `Dense` layer, shape
# `(batch, units * pieces)`. View it as `(batch, pieces, units)` (pieces first, exactly
# like the layer below does with `Reshape((-1, pieces, units))`) and take the maximum over
# the **pieces** axis, giving `(batch, units)`. Use `tf.reshape` and `tf.reduce_max`.

# %% [markdown] id="nb02-30-ko" lang="ko"
# ### 과제 02-ex1 (2점): 조각들의 최댓값
#
# Maxout 층의 핵심을 작성하세요. `z`는 `Dense` 층의 출력이고 모양은 `(batch, units * pieces)`입니다.
# 이를 `(batch, pieces, units)`로 보고(아래 층이 `Reshape((-1, pieces, units))`로 하는 것과 똑같이
# 조각 축이 먼저) **조각** 축에서 최댓값을 구해 `(batch, units)`를 만드세요. `tf.reshape`와
# `tf.reduce_max`를 쓰면 됩니다.

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


# %% [markdown] id="nb02-34" lang="en"
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

# %% [markdown] id="nb02-34-ko" lang="ko"
# 이제 층 자체를 봅시다. 이 층은 **여러분의** `maxout`으로 최댓값을 구하므로, 여러분의 과제가
# 아래에서 학습하는 cGAN 판별자 안에 들어갑니다. 답이 없거나 검사(check)를 통과하지 못했다면(바로
# 위 셀이 어느 쪽인지 알려 줍니다) 강의 라이브러리의 `models.maxout`이 대신 쓰이므로, 과제를 끝내지
# 못해도 강의가 망가지지 않습니다. 사용자 정의 층은 `layers.Layer`를 상속하고, 모델처럼
# `__init__`에서 하위 층을 만들어 `call`에서 씁니다.
#
# 중요한 점이 두 가지 있습니다.
#
# * 원래 강의는 `Reshape((-1, pieces, units))`로 조각을 묶었습니다. 이는 `(N, units*pieces)`를
#   `(N, 1, pieces, units)`로 바꿉니다. `-1` 때문에 길이 1인 축이 하나 더 남고, 최댓값은 **조각**
#   축(거기서는 축 2)을 따라 구하며, 출력은 `(N, 1, units)`가 됩니다. 우리 층도 이 출력 모양을
#   유지합니다(`call`의 마지막 줄). 남는 축은 문제가 되지 않습니다. `Dense`와 `Concatenate`는
#   마지막 축에서 동작하기 때문입니다.
# * `call`은 `training`을 받아 드롭아웃에 넘깁니다. 드롭아웃은 `training=True`일 때만 무언가를
#   떨어뜨립니다(6절에서 자세히 다룹니다).

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


# %% [markdown] id="nb02-36" lang="en"
# **cGAN discriminator:** the image (flattened) goes through `Maxout(240, 5)`, the label
# through `Maxout(50, 5)`; the two results are concatenated and go through
# `Maxout(240, 4)`, and a `Dense(1)` gives the logit. Quiz 02-q3 asks for the widths, so
# the shape comments are left out here; work them out from the layer definitions.

# %% [markdown] id="nb02-36-ko" lang="ko"
# **cGAN 판별자:** 이미지는 (평탄화한 뒤) `Maxout(240, 5)`을, 레이블은 `Maxout(50, 5)`을 지납니다.
# 두 결과를 이어 붙여 `Maxout(240, 4)`에 통과시키고, `Dense(1)`이 로짓을 냅니다. 퀴즈 02-q3에서 출력
# 너비를 묻기 때문에 여기서는 모양 주석을 빼 두었습니다. 층 정의를 보고 직접 계산해 보세요.

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


# %% [markdown] id="nb02-38" lang="en"
# ### Quiz 02-q3

# %% [markdown] id="nb02-38-ko" lang="ko"
# ### 퀴즈 02-q3

# %% id="nb02-39"
quiz.ask("02-q3")

# %% id="nb02-40" tags=["answer"] grade_id="02-q3-answer"
# Widths of the three Maxout outputs: (image branch, label branch, joint block)
### BEGIN SOLUTION
q3_answer = quiz.sealed("e430fc65026b792002146c9cb695929ce308f23c4f27bf7f6f6c88dcaeecdc56")
### END SOLUTION

# %% id="nb02-41" tags=["check"] grade_id="02-q3"
quiz.check("02-q3", q3_answer)

# %% [markdown] id="nb02-41b" lang="en"
# ### Quiz 02-q4: count the parameters
#
# Widths are half the story; the other half is what each block costs. Compute this one
# from the layer definitions above (the next cell prints only the whole discriminator's
# count).

# %% [markdown] id="nb02-41b-ko" lang="ko"
# ### 퀴즈 02-q4: 파라미터 세기
#
# 너비는 이야기의 절반이고, 나머지 절반은 각 블록의 비용입니다. 위의 층 정의에서 이 값을 계산해
# 보세요(다음 셀은 판별자 전체의 파라미터 수만 출력합니다).

# %% id="nb02-41c"
quiz.ask("02-q4")

# %% id="nb02-41d" tags=["answer"] grade_id="02-q4-answer"
# Parameters of the image branch Maxout(240, 5): a whole number
### BEGIN SOLUTION
q4_answer = quiz.sealed("485263503314c64d83288dbff9320061883f93c225ecd264edc44b1a1c3c757c")
### END SOLUTION

# %% id="nb02-41e" tags=["check"] grade_id="02-q4"
quiz.check("02-q4", q4_answer)

# %% [markdown] id="nb02-42" lang="en"
# Let us check by following one image and its label through the discriminator's blocks,
# and build both discriminators in passing:

# %% [markdown] id="nb02-42-ko" lang="ko"
# 이미지 하나와 그 레이블이 판별자의 블록을 지나는 과정을 따라가며 확인해 봅시다. 그러면서 두
# 판별자도 함께 만들어 둡니다.

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
print(tr("flattened image          ", "펼친 이미지               "), flat.shape)
print(tr("image branch Maxout(240,5)", "이미지 가지 Maxout(240,5) "), img.shape)
print(tr("label branch Maxout(50,5) ", "레이블 가지 Maxout(50,5)  "), lab.shape)
print(tr("joint block Maxout(240,4) ", "결합 블록 Maxout(240,4)   "), joint.shape)
print(tr("logit                    ", "로짓                     "), d(x, y1).shape)
print("DiscriminatorGAN: ", gan_discriminator(x).shape,
      tr("| {n:,} parameters", "| 파라미터 {n:,}개", n=gan_discriminator.count_params()))
print("DiscriminatorCGAN:", d(x, y1).shape,
      tr("| {n:,} parameters", "| 파라미터 {n:,}개", n=d.count_params()))

# %% [markdown] id="nb02-44" lang="en"
# **Trap: the axis of the maximum.** Reducing over the wrong axis raises no error, it just
# builds a different layer. Take the maximum over the last axis (the units) instead of the
# pieces, and `Maxout(240, 5)` returns 5 numbers per example instead of 240:

# %% [markdown] id="nb02-44-ko" lang="ko"
# **함정: 최댓값을 구하는 축.** 엉뚱한 축으로 줄여도 오류는 나지 않고, 그저 다른 층이 만들어질
# 뿐입니다. 조각 축 대신 마지막 축(유닛)에서 최댓값을 구하면 `Maxout(240, 5)`은 예시마다 240개가
# 아니라 5개의 숫자를 돌려줍니다.

# %% id="nb02-45" tags=["skip-grading"]
grouped = tf.reshape(tf.range(2 * 5 * 240, dtype=tf.float32), (2, 1, 5, 240))
print(tr("max over pieces (axis 2): ", "조각에 대한 최댓값 (axis 2): "),
      tf.reduce_max(grouped, axis=2).shape)
print(tr("max over units  (axis -1):", "유닛에 대한 최댓값 (axis -1):"),
      tf.reduce_max(grouped, axis=-1).shape)

# %% [markdown] id="nb02-46" lang="en"
# ## 5. Losses and optimisers
#
# The losses are the ones of notebook 01: binary cross-entropy on logits, with targets
# 1 for real and 0 for fake for the discriminator, and 1 for the generator's fakes.
# They work unchanged for the cGAN, since the label only changes how the logits are
# computed, not how they are judged.

# %% [markdown] id="nb02-46-ko" lang="ko"
# ## 5. 손실 함수와 옵티마이저
#
# 손실은 노트북 01과 같습니다. 로짓에 대한 이진 교차 엔트로피이며, 판별자에게는 진짜의 목표가 1,
# 가짜의 목표가 0이고, 생성자에게는 자기 위조품의 목표가 1입니다. cGAN에서도 그대로 쓸 수 있습니다.
# 레이블은 로짓을 *계산하는* 방식만 바꿀 뿐, 로짓을 *평가하는* 방식은 바꾸지 않기 때문입니다.

# %% id="nb02-47" tags=["skip-grading"]
bce = keras.losses.BinaryCrossentropy(from_logits=True)


def generator_loss(fake_output):
    return bce(tf.ones_like(fake_output), fake_output)


def discriminator_loss(real_output, fake_output):
    real_loss = bce(tf.ones_like(real_output), real_output)
    fake_loss = bce(tf.zeros_like(fake_output), fake_output)
    return real_loss + fake_loss


# %% [markdown] id="nb02-48" lang="en"
# **Trap: one optimiser pair for two GANs.** The original lesson created a single pair
# `gene_opt`, `disc_opt` and used it first for the GAN, then for the cGAN. That worked in
# older Keras, silently mixing Adam's running averages of two unrelated networks. In
# Keras 3 an optimiser **binds to the variables it first updates** (it creates one slot
# per variable, at that moment) and refuses any other variable. Watch it happen on two
# throw-away generators:

# %% [markdown] id="nb02-48-ko" lang="ko"
# **함정: 두 GAN에 옵티마이저 한 쌍.** 원래 강의는 `gene_opt`, `disc_opt` 한 쌍만 만들어 먼저 GAN에,
# 그다음 cGAN에 썼습니다. 예전 Keras에서는 이것이 동작했지만, 서로 관계없는 두 신경망의 Adam 이동
# 평균이 소리 없이 섞였습니다. Keras 3에서 옵티마이저는 **처음 갱신한 변수들에 묶이고**(그 순간
# 변수마다 슬롯(slot)을 하나씩 만듭니다) 다른 변수는 모두 거부합니다. 버릴 생성자 두 개로 직접
# 확인해 봅시다.

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
    print("ValueError:", tr("Unknown variable:", "알 수 없는 변수:"),
          variable.group(1) if variable else err)

# %% [markdown] id="nb02-50" lang="en"
# The fix is simple: **every network gets its own optimiser**, four in all. (The course
# library's `course_lib.training.make_optimizer` exists for exactly this reason: it always
# returns a fresh one.)

# %% [markdown] id="nb02-50-ko" lang="ko"
# 해결책은 간단합니다. **신경망마다 옵티마이저를 따로** 두어 모두 네 개를 씁니다. (강의 라이브러리의
# `course_lib.training.make_optimizer`가 바로 이 이유로 있습니다. 언제나 새 옵티마이저를
# 돌려줍니다.)

# %% id="nb02-51" tags=["skip-grading"]
gan_gene_opt = keras.optimizers.Adam(1e-4)
gan_disc_opt = keras.optimizers.Adam(1e-4)
cgan_gene_opt = keras.optimizers.Adam(1e-4)
cgan_disc_opt = keras.optimizers.Adam(1e-4)


# %% [markdown] id="nb02-52" lang="en"
# ## 6. Training the GAN
#
# The step is the one of notebook 01, written with a single **persistent** tape: a normal
# tape can be asked for one gradient only, a persistent one for several, so one tape
# serves both networks. Each optimiser updates its own network's variables.
#
# Every network call passes `training=True`. The GAN's networks have no Dropout or
# BatchNorm, so here it changes nothing, but the cGAN's discriminator depends on it (see
# section 7).

# %% [markdown] id="nb02-52-ko" lang="ko"
# ## 6. GAN 학습
#
# 학습 단계는 노트북 01과 같지만, **persistent** 테이프 하나로 작성합니다. 보통의 테이프는
# 그래디언트를 한 번만 구할 수 있고, persistent 테이프는 여러 번 구할 수 있으므로 테이프 하나로 두
# 신경망을 모두 처리합니다. 각 옵티마이저는 자기 신경망의 변수만 갱신합니다.
#
# 모든 신경망 호출에 `training=True`를 넘깁니다. GAN의 신경망에는 드롭아웃도 배치 정규화도 없어서
# 여기서는 달라지는 것이 없지만, cGAN의 판별자는 이 값에 의존합니다(7절 참고).

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


# %% [markdown] id="nb02-54" lang="en"
# Ten epochs in full mode (4,690 steps, a couple of minutes on a GPU), one short epoch in
# fast mode. The losses are printed every 100 iterations (every 10 in fast mode).

# %% [markdown] id="nb02-54-ko" lang="ko"
# 전체 모드에서는 10 에포크(4,690 단계, GPU로 2~3분), 빠른 모드에서는 짧은 한 에포크를 학습합니다.
# 손실은 100번 반복마다(빠른 모드에서는 10번마다) 출력합니다.

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
            print(tr("[{epoch}/{epochs} EPOCHS, {step} ITER] G:{g:.4f}, D:{d:.4f}",
                     "[{epoch}/{epochs} 에포크, {step} 스텝] G:{g:.4f}, D:{d:.4f}",
                     epoch=epoch, epochs=EPOCHS, step=i + 1,
                     g=float(gene_loss), d=float(disc_loss)))
print(tr("trained {steps} steps in {sec:.0f} s", "{steps} 스텝 학습, {sec:.0f}초 걸림",
         steps=len(gan_history["gen_loss"]), sec=time.time() - start))

# %% id="nb02-56" tags=["skip-grading"]
viz.loss_curves(gan_history, title=tr("GAN losses per step", "스텝별 GAN 손실"))
plt.show()

# %% [markdown] id="nb02-57" lang="en"
# Ten noise vectors, ten samples. After so little training expect blobs, at best rough
# strokes:

# %% [markdown] id="nb02-57-ko" lang="ko"
# 잡음 벡터 열 개로 샘플 열 개를 만듭니다. 학습을 이만큼만 했으니 얼룩이, 잘해야 대충 그은 획이 보일
# 것입니다.

# %% id="nb02-58" tags=["skip-grading"]
noise = tf.random.normal([10, 100])
output = gan_generator(noise, training=False)               # (10, 28, 28, 1)
viz.sample_grid(output, rows=2, cols=5, size=1.5,
                title=tr("GAN after a short training", "짧게 학습한 GAN"))
plt.show()

# %% [markdown] id="nb02-59" lang="en"
# ### A GAN trained for 500 epochs, and the one change it needed
#
# Good samples need far more training, and this discriminator needed one more thing. Trained
# for hundreds of epochs exactly as above, the GAN **collapses**: it settles on a few digits
# (mostly 1s and 7s) and almost never draws a 0 (section 9 counts them). The course's
# pretrained `gan` adds a single change to this recipe, **Dropout(0.3) after each hidden
# layer of the discriminator**: a critic that cannot rely on any one feature cannot memorise
# which handful of images is real, so the generator keeps being pushed towards every digit.
# (Label smoothing, Adam's `beta_1 = 0.5` and LeakyReLU were tried the same way and still
# collapsed; the model card lists the numbers.) `load_pretrained("gan")` checks the file's
# checksum and architecture and returns a ready `GeneratorGAN`; the printed line says how it
# was trained. The ten samples are a mix of digits, and you cannot choose which.

# %% [markdown] id="nb02-59-ko" lang="ko"
# ### 500 에포크 학습한 GAN, 그리고 꼭 필요했던 한 가지 변경
#
# 좋은 샘플을 얻으려면 훨씬 오래 학습해야 하고, 이 판별자에는 한 가지가 더 필요했습니다. 위와
# 똑같은 방법으로 수백 에포크를 학습하면 GAN은 **붕괴(mode collapse)** 합니다. 몇몇 숫자(주로 1과
# 7)에 자리를 잡고 0은 거의 그리지 않습니다(9절에서 세어 봅니다). 강의가 제공하는 사전 학습
# `gan`은 이 레시피에 딱 한 가지를 더했습니다. **판별자의 각 은닉층 뒤에 Dropout(0.3)** 을 둔
# 것입니다. 어느 한 특징에 기댈 수 없는 판별자는 진짜 이미지 몇 장을 외워 버릴 수 없으므로,
# 생성자는 계속 모든 숫자 쪽으로 밀려납니다. (레이블 스무딩, Adam의 `beta_1 = 0.5`, LeakyReLU도
# 같은 방식으로 시험했지만 여전히 붕괴했습니다. 수치는 모델 카드에 있습니다.)
# `load_pretrained("gan")`은 파일의 체크섬과 구조를 확인한 뒤 바로 쓸 수 있는 `GeneratorGAN`을
# 돌려주고, 출력되는 줄은 어떻게 학습했는지 알려 줍니다. 샘플 열 개에는 여러 숫자가 섞여 나오며,
# 어떤 숫자가 나올지는 고를 수 없습니다.

# %% id="nb02-60" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
if weights.available("gan"):
    pretrained_gan = weights.load_pretrained("gan")
    print(weights.card_line("gan"))
    output = pretrained_gan(noise, training=False)
    viz.sample_grid(output, rows=2, cols=5, size=1.5,
                    title=tr("pretrained GAN (Dropout 0.3 in D)",
                             "사전 학습 GAN (D에 Dropout 0.3)"))
    plt.show()
    if viz.training_history("gan") is not None:
        plt.show()
else:
    print(weights.unavailable_reason("gan"))

# %% [markdown] id="nb02-61" lang="en"
# ## 7. Training the cGAN
#
# **Trap: `training=True` and Dropout.** The cGAN discriminator is the first network in
# this course with Dropout. In a custom training loop Keras does not know that you are
# training, and a layer called without `training=True` runs in inference mode, where
# Dropout does nothing. The original lesson's cGAN step called
# `cgan_discriminator(real_images, labels)` with no flag, so its dropout **never ran**.
# You can see the difference: without the flag, the same input gives the same output
# every time; with it, a different half of the pieces is dropped on every call.

# %% [markdown] id="nb02-61-ko" lang="ko"
# ## 7. cGAN 학습
#
# **함정: `training=True`와 드롭아웃.** cGAN 판별자는 이 강의에서 처음으로 드롭아웃이 들어간
# 신경망입니다. 직접 짠 학습 루프에서는 Keras가 학습 중인지 알 수 없고, `training=True` 없이 호출된
# 층은 추론 모드로 동작하며 이때 드롭아웃은 아무 일도 하지 않습니다. 원래 강의의 cGAN 학습 단계는
# 인자 없이 `cgan_discriminator(real_images, labels)`를 호출했기 때문에 드롭아웃이 **한 번도
# 실행되지 않았습니다**. 차이를 눈으로 확인할 수 있습니다. 인자가 없으면 같은 입력에 매번 같은
# 출력이 나오고, 인자가 있으면 호출할 때마다 조각의 다른 절반이 떨어져 나갑니다.

# %% id="nb02-62" tags=["skip-grading"]
probe = DiscriminatorCGAN()
x = tf.random.normal([4, 28, 28, 1])
y4 = tf.one_hot([0, 1, 2, 3], 10)
same_without = np.allclose(probe(x, y4), probe(x, y4))
same_with = np.allclose(probe(x, y4, training=True), probe(x, y4, training=True))
print(tr("no flag:       two calls give the same output:",
         "플래그 없음:   두 번 호출한 출력이 같은가:"), same_without)
print(tr("training=True: two calls give the same output:",
         "training=True: 두 번 호출한 출력이 같은가:"), same_with)


# %% [markdown] id="nb02-63" lang="en"
# The cGAN step differs from the GAN step only in the labels: the generator draws the
# requested digits, and the discriminator judges real images with their own labels and
# fakes with the labels they were asked to show.

# %% [markdown] id="nb02-63-ko" lang="ko"
# cGAN 학습 단계가 GAN 학습 단계와 다른 점은 레이블뿐입니다. 생성자는 요청받은 숫자를 그리고,
# 판별자는 진짜 이미지를 그 이미지의 레이블과 함께, 가짜 이미지를 그리라고 요청한 레이블과 함께
# 판정합니다.

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


# %% [markdown] id="nb02-65" lang="en"
# One epoch, for practice (in fast mode: the 40 batches of our slice).

# %% [markdown] id="nb02-65-ko" lang="ko"
# 연습 삼아 한 에포크만 학습합니다(빠른 모드에서는 잘라 둔 데이터의 배치 40개).

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
            print(tr("[{epoch}/{epochs} EPOCHS, {step} ITER] G:{g:.4f}, D:{d:.4f}",
                     "[{epoch}/{epochs} 에포크, {step} 스텝] G:{g:.4f}, D:{d:.4f}",
                     epoch=epoch, epochs=CGAN_EPOCHS, step=i + 1,
                     g=float(gene_loss), d=float(disc_loss)))
print(tr("trained {steps} steps in {sec:.0f} s", "{steps} 스텝 학습, {sec:.0f}초 걸림",
         steps=len(cgan_history["gen_loss"]), sec=time.time() - start))

# %% [markdown] id="nb02-67" lang="en"
# Asking the briefly trained cGAN for each digit once, 0 to 9:

# %% [markdown] id="nb02-67-ko" lang="ko"
# 잠깐 학습한 cGAN에게 0부터 9까지 숫자를 하나씩 그려 달라고 해 봅시다.

# %% id="nb02-68" tags=["skip-grading"]
digits = np.arange(10)
output = cgan_generator(tf.random.normal([10, 100]), tf.one_hot(digits, 10),
                        training=False)
viz.sample_grid(output, rows=2, cols=5, labels=[tr(f"asked {d}", f"요청 {d}") for d in digits],
                title=tr("cGAN after one short epoch", "짧은 한 에포크 학습한 cGAN"), size=1.5)
plt.show()

# %% [markdown] id="nb02-69" lang="en"
# **Trap: weight files.** The original lesson loaded its 500-epoch weights with
# `generator.load_weights(".../GAN_500")`, a TensorFlow checkpoint prefix. Keras 3 no
# longer reads those: it saves weights only to **`.weights.h5`** files (whole models to
# `.keras` files), and loads those or old-style `.h5` files. Saving and reloading our
# cGAN generator the Keras 3 way gives back exactly the same network:

# %% [markdown] id="nb02-69-ko" lang="ko"
# **함정: 가중치 파일.** 원래 강의는 500 에포크 가중치를 `generator.load_weights(".../GAN_500")`, 즉
# TensorFlow 체크포인트 접두어로 불러왔습니다. Keras 3는 이제 그런 파일을 읽지 않습니다. 가중치는
# **`.weights.h5`** 파일로만(모델 전체는 `.keras` 파일로) 저장하고, 이런 파일이나 예전 방식의 `.h5`
# 파일만 불러옵니다. 우리 cGAN 생성자를 Keras 3 방식으로 저장했다가 다시 불러오면 정확히 같은
# 신경망이 돌아옵니다.

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
print(tr("saved and reloaded", "저장 후 다시 불러옴:"), path.name,
      tr("| same outputs:", "| 출력이 같은가:"),
      np.allclose(reloaded(z10, y10), cgan_generator(z10, y10)))

# %% [markdown] id="nb02-71" lang="en"
# ## 8. Draw the digit you want
#
# Now the pay-off. Load the cGAN generator trained for hundreds of epochs (or, if your
# copy of the course does not have it yet, keep the one we just trained), pick a digit,
# and ask for ten different versions of it: same label, ten noise vectors.
#
# In Jupyter or Colab a slider appears below: move it, then run the cell after it again.
# Without a live notebook frontend (for example in automated runs) `number` keeps its
# default value.

# %% [markdown] id="nb02-71-ko" lang="ko"
# ## 8. 원하는 숫자 그리기
#
# 드디어 결실을 볼 차례입니다. 수백 에포크 동안 학습한 cGAN 생성자를 불러오고(여러분의 강의 사본에
# 아직 없다면 방금 학습한 생성자를 그대로 씁니다), 숫자 하나를 고른 뒤 그 숫자를 열 가지 버전으로
# 그려 달라고 합니다. 레이블은 같고 잡음 벡터만 열 개입니다.
#
# Jupyter나 Colab에서는 아래에 슬라이더가 나타납니다. 슬라이더를 움직인 다음 그 아래 셀을 다시
# 실행하세요. 노트북 화면 없이 실행할 때(예: 자동 실행)는 `number`가 기본값을 유지합니다.

# %% id="nb02-72" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
if weights.available("cgan"):
    generator = weights.load_pretrained("cgan")
    print(tr("loaded:", "불러옴:"), weights.read_manifest()["cgan"].get("notes", ""))
else:
    generator = cgan_generator
    print(tr("No pretrained cGAN weights in this copy of the course yet, so this uses the "
             "cGAN trained above. Train them with {how}.",
             "이 강의 사본에는 아직 사전 학습 cGAN 가중치가 없어 위에서 학습한 cGAN을 씁니다. "
             "직접 학습하려면: {how}.", how=weights.spec("cgan").how_to_train))

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
print(tr(f"number = {number}", f"숫자(number) = {number}"))

# %% id="nb02-74" tags=["skip-grading"]
noise = tf.random.normal([10, 100])
label = tf.one_hot(number, 10)                 # (10,)
label = tf.expand_dims(label, axis=0)          # (1, 10)
label = tf.repeat(label, 10, axis=0)           # (10, 10): the same digit ten times

output = generator(noise, label, training=False)
viz.sample_grid(output, rows=2, cols=5,
                title=tr(f"ten samples of the digit {number}", f"숫자 {number}의 샘플 10개"),
                size=1.5)
plt.show()

# %% [markdown] id="nb02-74b" lang="en"
# ## 9. Which digits does each generator draw? Mode collapse in a histogram
#
# Ten samples are too few to judge a generator. Let the course's MNIST classifier
# (`weights.load_pretrained("mnist-classifier")`, the one behind `python -m course_lib eval`)
# read 1,000 samples of each pretrained generator and count the digits it sees. A generator
# that has learned the whole data set draws each digit about 10 % of the time (the dashed
# line). Three generators: `gan-collapsed`, this notebook's recipe trained for 222 epochs and
# kept as the worked example; `gan`, the same recipe with Dropout(0.3) in the discriminator;
# and the cGAN, asked for each digit 100 times, so its bars also show whether it obeys.
#
# When a GAN's generator settles on the few kinds of digit that fool the discriminator best
# and neglects the others, that is **mode collapse**. Nothing in the GAN loss prevents it:
# the discriminator judges one image at a time, so a generator that draws only some digits,
# well, is not punished for the digits it never draws. The cGAN cannot drop a digit: the
# label asks for each one, and $D(x \mid y)$ rejects a wrong one.
# (`course_lib.evaluation.sample_quality` computes the unconditional histograms.)

# %% [markdown] id="nb02-74b-ko" lang="ko"
# ## 9. 각 생성자는 어떤 숫자를 그릴까? 히스토그램으로 보는 모드 붕괴
#
# 샘플 열 개로는 생성자를 판단하기에 너무 적습니다. 강의의 MNIST 분류기
# (`weights.load_pretrained("mnist-classifier")`, `python -m course_lib eval`이 쓰는 것)에게 사전
# 학습 생성자마다 샘플 1,000개를 읽히고, 어떤 숫자로 보이는지 세어 봅시다. 데이터 전체를 배운
# 생성자라면 숫자마다 약 10 %씩 그립니다(점선). 생성자는 셋입니다. `gan-collapsed`는 이 노트북의
# 레시피를 222 에포크 학습해 예시로 남겨 둔 것, `gan`은 같은 레시피에 판별자의 Dropout(0.3)만
# 더한 것, 그리고 cGAN은 숫자마다 100번씩 요청했으므로 막대가 레이블을 잘 따르는지도 보여 줍니다.
#
# GAN의 생성자가 판별자를 가장 잘 속이는 몇 가지 숫자에 자리를 잡고 나머지를 외면하는 현상이
# **모드 붕괴(mode collapse)** 입니다. GAN 손실에는 이를 막는 장치가 없습니다. 판별자는 이미지를
# 한 장씩 판단하므로, 일부 숫자만 잘 그리는 생성자는 그리지 않는 숫자 때문에 벌을 받지 않습니다.
# cGAN은 숫자를 빼먹을 수 없습니다. 레이블이 숫자마다 요구하고, $D(x \mid y)$가 틀린 숫자를
# 거절하기 때문입니다. (조건 없는 히스토그램은 `course_lib.evaluation.sample_quality`가 계산합니다.)

# %% id="nb02-74c" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
from course_lib import evaluation

NEEDED = ("gan-collapsed", "gan", "cgan", "mnist-classifier")
if all(weights.available(name) for name in NEEDED):
    classifier = weights.load_pretrained("mnist-classifier")
    panels = [(evaluation.sample_quality(weights.load_pretrained(name), classifier, n=1000,
                                         seed=0)["class_histogram"], title)
              for name, title in (("gan-collapsed", tr("gan-collapsed (seed recipe): 1,000",
                                                       "gan-collapsed (기본 레시피): 1,000")),
                                  ("gan", tr("gan (Dropout 0.3 in D): 1,000",
                                             "gan (D에 Dropout 0.3): 1,000")))]
    cgan_model = weights.load_pretrained("cgan")
    cgan_counts = np.zeros(10, dtype=int)
    for digit in range(10):  # ask for each digit 100 times; count what the classifier reads
        probs = evaluation.predict_probabilities(
            classifier, weights.sample_digits(cgan_model, 100, digit, seed=digit))
        cgan_counts += np.bincount(probs.argmax(axis=1), minlength=10)
    panels.append((cgan_counts, tr("cGAN: each digit asked 100×", "cGAN: 숫자마다 100번 요청")))
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.4), sharey=True)
    for ax, (counts, title) in zip(axes, panels):
        ax.bar(range(10), counts)
        ax.axhline(100, color="0.3", ls="--", lw=1,
                   label=tr("balanced: 100 per digit", "균형: 숫자마다 100"))
        ax.set_xticks(range(10))
        ax.set_xlabel(tr("digit the classifier reads", "분류기가 읽은 숫자"))
        ax.set_title(title, fontsize=10)
    axes[0].set_ylabel(tr("samples", "샘플 수"))
    axes[0].legend()
    plt.show()
else:
    for name in NEEDED:
        if not weights.available(name):
            print(weights.unavailable_reason(name))

# %% [markdown] id="nb02-74d" lang="en"
# ### Quiz 02-q5: read the histogram

# %% [markdown] id="nb02-74d-ko" lang="ko"
# ### 퀴즈 02-q5: 히스토그램 읽기

# %% id="nb02-74e"
quiz.ask("02-q5")

# %% id="nb02-74f" tags=["answer"] grade_id="02-q5-answer"
# The letter of the statement the GAN's histogram shows
### BEGIN SOLUTION
q5_answer = quiz.sealed("05f6b3bd079cb0a7fe8075a90b06df778c8baf9b167ee46f19386df04ec44257")
### END SOLUTION

# %% id="nb02-74g" tags=["check"] grade_id="02-q5"
quiz.check("02-q5", q5_answer)

# %% [markdown] id="nb02-75" lang="en"
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

# %% [markdown] id="nb02-75-ko" lang="ko"
# ## 정리
#
# * cGAN은 조건 $y$를 **두** 신경망 모두에 넣습니다. $G(z \mid y)$는 요청받은 클래스를 그리고, $D(x
#   \mid y)$는 이미지와 레이블을 함께 판정하므로 생성자가 레이블을 따르게 됩니다. 손실은 바뀌지
#   않습니다.
# * 서브클래싱한 모델(`__init__` + `call`)은 입력 두 개를 자연스럽게 다루며, 첫 호출에서 가중치를
#   만듭니다.
# * Maxout은 여러 조각 중 가장 큰 값을 남깁니다. 최댓값은 **조각** 축에서 구합니다. 이 강의의 조각은
#   논문의 선형 조각과 달리 ReLU를 거칩니다.
# * Keras 3의 함정: 신경망마다 옵티마이저 하나(옵티마이저는 자기 변수에 묶입니다), 직접 짠
#   루프에서는 `training=True`를 넘길 것(그렇지 않으면 드롭아웃이 실행되지 않습니다), 가중치 파일
#   이름은 `.weights.h5`로 끝남.
#
# 여기 나온 것은 모두 강의 라이브러리에도 있습니다. `course_lib.models.GeneratorGAN`,
# `GeneratorCGAN`, `DiscriminatorGAN`, `Maxout`, `DiscriminatorCGAN`, 손실은 `course_lib.losses`에
# 있고, `python -m course_lib train cgan`은 체크포인트와 자동 이어하기로 500 에포크 생성자를
# 학습합니다.
#
# 다음 노트북 03에서는 조건이 **이미지** 한 장 전체가 됩니다. 바로 Pix2Pix입니다.

# %% id="nb02-76" tags=["reveals-answer"]
print(quiz.summary())
