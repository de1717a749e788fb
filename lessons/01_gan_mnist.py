# %% [markdown] id="nb01-00" lang="en"
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
#
# **Time:** fast mode takes about 3 minutes on two CPU cores; full mode's training on a
# Colab T4 GPU takes an estimated **10–20 minutes** (an estimate from FLOPs per step,
# not a measurement: docs/PERFORMANCE.md says how it was made).

# %% [markdown] id="nb01-00-ko" lang="ko"
# # 01 · MNIST로 배우는 GAN: 손글씨 숫자를 그리는 DCGAN
#
# **생성적 적대 신경망**(generative adversarial network, GAN)은 두 신경망을 서로 겨루게 하여, 학습
# 데이터와 닮은 새 샘플을 만들어 내는 모델입니다. 이 노트북의 학습 데이터는 28×28 크기의 손글씨
# 숫자입니다. 여기서는 고전적인 *심층 합성곱* GAN(deep convolutional GAN, DCGAN)을 처음부터 직접
# 만들고, 학습시키고, 학습 과정을 GIF로 살펴본 뒤, 체크포인트(checkpoint)에서 모델을 복원해 봅니다.
#
# **이 노트북에서 할 일:** 미니맥스 목적 함수(minimax objective)를 코드로 옮기고, 전치
# 합성곱(transposed convolution)으로 생성자(generator)를, 스트라이드 합성곱(strided convolution)으로
# 판별자(discriminator)를 만듭니다. 판별자 손실(loss)은 직접 구현하며(채점 과제 **01-ex1**), 두 개의
# 그래디언트 테이프(gradient tape)로 학습합니다. 또 체크포인트를 활용해 Colab 연결이 끊겨도 몇
# 시간이 아니라 몇 분만 잃도록 합니다.
#
# 셀은 위에서 아래로 차례대로 실행하세요. Colab에서는 GPU 런타임을 고르세요. 노트북 PC의 CPU로
# 실행한다면 Jupyter를 켜기 전에 `COURSE_FAST=1`을 설정해 작은 일부 데이터로만 학습하세요(어느
# 모드인지는 아래 셀이 알려 줍니다).
#
# **소요 시간:** 빠른 모드는 CPU 코어 두 개로 약 3분 걸립니다. 전체 모드의 학습은 Colab T4
# GPU에서 약 **10–20분**으로 추정합니다(측정값이 아니라 스텝당 FLOP 수로 계산한
# 추정치(estimate)이며, 계산 방법은 docs/PERFORMANCE.md에 있습니다).

# %% [markdown] id="nb01-glossary-ko" lang="ko"
# ## 용어 정리
#
# 이 강의에서 쓰는 주요 용어와 영어 원어입니다. 처음 나올 때는 괄호 안에 영어를 함께 적습니다.
#
# | 한국어 | 영어 | 뜻 |
# |---|---|---|
# | 생성적 적대 신경망 | generative adversarial network (GAN) | 두 신경망이 겨루는 생성 모델 |
# | 생성자 | generator ($G$) | 잡음 벡터를 받아 가짜 이미지를 만드는 신경망 |
# | 판별자 | discriminator ($D$) | 이미지가 진짜인지 가짜인지 점수를 매기는 신경망 |
# | 잠재 벡터, 잡음 | latent vector, noise ($z$) | 생성자의 입력이 되는 무작위 숫자 벡터 |
# | 목적 함수 | objective, value function | $D$는 키우고 $G$는 줄이려는 하나의 함수 $V(D, G)$ |
# | 손실 | loss | 학습에서 최소화하는 값 |
# | 이진 교차 엔트로피 | binary cross-entropy (BCE) | 두 부류 분류에 쓰는 손실 |
# | 로짓 | logit | 시그모이드를 거치기 전의 원점수 |
# | 전치 합성곱 | transposed convolution | 이미지를 키우는(업샘플링) 합성곱 |
# | 배치 정규화 | batch normalization | 층의 활성값 크기를 일정하게 맞추는 층 |
# | 드롭아웃 | dropout | 학습 중 활성값 일부를 무작위로 끄는 층 |
# | 옵티마이저 | optimizer | 그래디언트로 가중치를 갱신하는 알고리즘(예: Adam) |
# | 에포크 | epoch | 학습 데이터 전체를 한 번 도는 단위 |
# | 체크포인트 | checkpoint | 학습 상태 전체를 저장한 파일 |
# | 조건부 GAN | conditional GAN (cGAN) | 레이블 같은 조건을 두 신경망에 함께 주는 GAN(노트북 02) |
# | 원-핫 벡터 | one-hot vector | 한 자리만 1이고 나머지는 0인 벡터 |

# %% id="nb01-01"
# SETUP CELL: tools/build_lessons.py puts lessons/setup_cell.py here

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

# %% [markdown] id="nb01-03" lang="en"
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

# %% [markdown] id="nb01-03-ko" lang="ko"
# ## 1. 핵심 아이디어: 위조범과 감정사
#
# 두 명의 참가자를 떠올려 봅시다. **생성자** $G$는 위조범입니다. 무작위 숫자로 이루어진 벡터
# $z$(*잡음*(noise) 또는 잠재 벡터(latent vector))를 받아 이미지 $G(z)$로 바꿉니다. **판별자** $D$는
# 감정사입니다. 이미지를 보고 그것이 실제 학습 데이터에서 왔을 가능성이 얼마나 되는지 말합니다. 둘
# 중 누구도 "좋은 숫자"가 무엇인지 직접 배우지 않습니다. 위조범은 감정사의 판정을 통해서만 배우고,
# 감정사는 진짜 숫자와 위조품을 비교하며 배웁니다. 한쪽이 나아지면 다른 쪽도 따라서 나아져야 합니다.
#
# Goodfellow 등(2014)은 이 게임을 하나의 가치 함수(value function)로 적었습니다. $D$는 이 값을
# 키우려 하고 $G$는 줄이려 합니다.
#
# $$
# \min_G \max_D \; V(D, G) =
# \mathbb{E}_{x \sim p_{\text{data}}}\big[\log D(x)\big] +
# \mathbb{E}_{z \sim p_z}\big[\log\big(1 - D(G(z))\big)\big]
# $$
#
# * **감정사의 관점.** $D(x)$는 확률입니다. 진짜 이미지에서 $D(x) \to 1$이고(첫째 항) 위조품에서
#   $D(G(z)) \to 0$일 때(둘째 항) $V$가 가장 커집니다. 즉 진짜는 진짜로, 가짜는 가짜로 판정하는
#   것입니다.
# * **위조범의 관점.** $G$는 둘째 항에만 나타납니다. $\log(1 - D(G(z)))$를 줄인다는 것은 $D(G(z))
#   \to 1$, 곧 진짜로 착각될 만큼 훌륭한 위조품을 만드는 것입니다.
#
# 실제로는 생성자가 $\log(1 - D(G(z)))$를 최소화하는 대신 $\log D(G(z))$를 최대화합니다. 목표는
# 같지만, 학습 초기에 $D$가 모든 위조품을 쉽게 걸러 낼 때 원래 항은 거의 평평해서 $G$에
# 그래디언트(gradient)를 거의 주지 못합니다. 반면 이 "포화되지 않는(non-saturating)" 버전은 바로
# 그때 강한 그래디언트를 줍니다. 분류 손실로 쓰면 간단합니다. *위조품의 레이블을 1로 두고 G가 교차
# 엔트로피를 최소화하게 한다.* 아래에서 코드로 옮기는 것이 바로 이것입니다.
#
# DCGAN은 이 게임을 합성곱 신경망으로 하는 것입니다(Radford 등, 2015). $G$에서는 전치 합성곱으로
# 이미지를 *키우고*, $D$에서는 스트라이드 합성곱으로 이미지를 *줄이며*, 그 사이에 배치 정규화(batch
# normalization)와 LeakyReLU를 둡니다.

# %% [markdown] id="nb01-04" lang="en"
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

# %% [markdown] id="nb01-04-ko" lang="ko"
# ## 2. 데이터: [-1, 1]로 스케일을 맞춘 MNIST
#
# 학습용 이미지 60,000장만 있으면 됩니다. 이 GAN은 *조건 없는*(unconditional) 모델이라 레이블은 쓰지
# 않습니다(레이블은 노트북 02에서 추가합니다). 전처리는 두 단계입니다.
#
# * `(28, 28, 1)` 모양으로 바꿉니다. 흑백 이미지라도 합성곱 층에는 채널 축이 필요합니다.
# * 픽셀 값을 $(x - 127.5) / 127.5$로 $[0, 255]$에서 $[-1, 1]$로 옮깁니다. 생성자의 마지막 활성화
#   함수가 $\tanh$이고 그 출력이 $[-1, 1]$ 범위에 있기 때문입니다. 진짜 이미지와 가짜 이미지의 값
#   범위가 다르면 판별자가 밝기만 보고도 둘을 구별할 수 있습니다.
#
# `course_lib.data.load_mnist_arrays`는 공식 MNIST 파일을 (`COURSE_DATA_DIR` 또는 내려받기 캐시에서)
# 읽고, 먼저 체크섬(checksum)을 확인합니다.

# %% id="nb01-05"
# tr(english, korean) prints the line in this edition's language (COURSE_LANG).
from course_lib.messages import tr

images, labels = data.load_mnist_arrays("train")
print(tr("images:", "이미지:"), images.shape, images.dtype,
      tr("| pixels {low} to {high}", "| 픽셀 {low} ~ {high}", low=images.min(), high=images.max()))

# %% [markdown] id="nb01-06" lang="en"
# The pipeline: shuffle with a buffer as large as the whole set (a perfect shuffle every
# epoch), then batches of 256. In fast mode we keep only the first 1,024 digits so an epoch
# takes seconds on a CPU.

# %% [markdown] id="nb01-06-ko" lang="ko"
# 입력 파이프라인은 이렇습니다. 전체 데이터만큼 큰 버퍼로 섞어서(에포크(epoch)마다 완전히 섞임)
# 256개씩 배치로 묶습니다. 빠른 모드에서는 앞의 1,024개 숫자만 남겨 CPU에서도 한 에포크가 몇 초 만에
# 끝나게 합니다.

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
      tr("| range {low} to {high}", "| 범위 {low} ~ {high}",
         low=train_images.min(), high=train_images.max()))
print(tr("batches per epoch:", "에포크당 배치 수:"), len(train_dataset))

# %% [markdown] id="nb01-08" lang="en"
# The same pipeline is available as `course_lib.data.mnist_dcgan_dataset(batch_size=256)`.
# Here are 16 of the digits the discriminator will see as "real":

# %% [markdown] id="nb01-08-ko" lang="ko"
# 같은 파이프라인이 `course_lib.data.mnist_dcgan_dataset(batch_size=256)`에도 들어 있습니다.
# 판별자가 "진짜"로 보게 될 숫자 16개를 살펴봅시다.

# %% id="nb01-09"
viz.sample_grid(train_images[:16], rows=4, cols=4, title=tr("Real MNIST digits", "진짜 MNIST 숫자"))
plt.show()


# %% [markdown] id="nb01-10" lang="en"
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

# %% [markdown] id="nb01-10-ko" lang="ko"
# ## 3. 생성자: 숫자 100개에서 28×28 이미지로
#
# 생성자는 잡음 벡터 $z \in \mathbb{R}^{100}$에서 출발해 세 단계에 걸쳐 이미지로 키웁니다.
#
# | 단계 | 층 | 출력 모양 |
# |---|---|---|
# | 투영(project) | `Dense(7·7·256)` → BatchNorm → LeakyReLU → `Reshape` | 7 × 7 × 256 |
# | 다듬기(refine) | `Conv2DTranspose(128, 5, stride 1)` → BatchNorm → LeakyReLU | 7 × 7 × 128 |
# | 업샘플링(upsample) | `Conv2DTranspose(64, 5, stride 2)` → BatchNorm → LeakyReLU | 14 × 14 × 64 |
# | 업샘플링(upsample) | `Conv2DTranspose(1, 5, stride 2)`, $\tanh$ | 28 × 28 × 1 |
#
# 스트라이드가 2이고 `padding="same"`인 **전치 합성곱**은 높이와 너비를 두 배로 늘립니다. 입력 픽셀
# 하나가 출력에 5×5 조각을 "칠하고", 이웃한 조각들은 서로 겹칩니다. **배치 정규화**는 활성값의
# 크기를 알맞게 유지해 두 신경망이 계속 배울 수 있게 합니다. 배치 정규화 앞의 층에
# `use_bias=False`를 두는 이유는, 배치 정규화가 평균을 빼고 자기만의 학습 가능한 이동값을 더하므로
# 편향(bias)이 있어도 어차피 상쇄되기 때문입니다. **LeakyReLU**는 음수 입력에서도 그래디언트를 조금
# 흘려 보내 GAN 학습에 도움을 줍니다.
#
# `assert` 문은 모델을 쌓는 동안 단계마다 모양을 확인합니다. 스트라이드나 패딩을 잘못 쓰면 학습
# 한가운데가 아니라 여기서 바로 실패합니다.

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


# %% [markdown] id="nb01-12" lang="en"
# Let us build it and follow one noise vector through the layers:

# %% [markdown] id="nb01-12-ko" lang="ko"
# 생성자를 만들고, 잡음 벡터 하나가 층을 거치며 어떻게 변하는지 따라가 봅시다.

# %% id="nb01-13"
generator = make_generator_model()

x = tf.random.normal([1, 100])
for layer in generator.layers:
    x = layer(x, training=False)
    print(f"{type(layer).__name__:20s} -> {tuple(x.shape)}")
print(tr("generator parameters:", "생성자 파라미터 수:"), f"{generator.count_params():,}")

# %% [markdown] id="nb01-14" lang="en"
# Untrained, it turns noise into... structured noise. Note `training=False`: at inference
# time BatchNorm uses its running averages instead of the statistics of the current batch.

# %% [markdown] id="nb01-14-ko" lang="ko"
# 아직 학습하지 않은 생성자는 잡음을... 구조가 있는 잡음으로 바꿀 뿐입니다. `training=False`에
# 주목하세요. 추론할 때 배치 정규화는 현재 배치의 통계 대신 학습 중에 모아 둔 이동 평균을 씁니다.

# %% id="nb01-15"
noise = tf.random.normal([1, 100])
generated_image = generator(noise, training=False)
print("generated_image:", generated_image.shape)

plt.figure(figsize=(2.5, 2.5))
plt.imshow(generated_image[0, :, :, 0], cmap="gray")
plt.title(tr("untrained G(z)", "학습 전 G(z)"))
plt.axis("off")
plt.show()


# %% [markdown] id="nb01-16" lang="en"
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

# %% [markdown] id="nb01-16-ko" lang="ko"
# ## 4. 판별자: 이미지를 넣으면 점수 하나
#
# 판별자는 작은 합성곱 분류기입니다. 스트라이드 2인 5×5 합성곱 두 개가 이미지를 두 번 절반으로
# 줄이고(28 → 14 → 7), 각각 뒤에 LeakyReLU와 **Dropout(0.3)** 층이 붙습니다. 드롭아웃(dropout)은
# 학습 중에 활성값의 30%를 무작위로 꺼서, 감정사가 학습 숫자를 그냥 외워 버리지 못하게 합니다.
# 마지막 `Dense(1)`이 이미지마다 숫자 하나를 냅니다.
#
# 이 숫자는 확률이 아니라 **로짓**(logit)입니다. 끝에 시그모이드가 없습니다. 큰 양수는 "진짜", 큰
# 음수는 "가짜"를 뜻하고, 확률이 필요하면 $D(x) = \sigma(\text{logit})$으로 구합니다. 시그모이드는
# 손실 함수가 수치적으로 더 안전한 방식으로 직접 적용합니다(다음 절).

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
print(tr("decision:", "decision(판별 결과):"), decision.shape,
      tr("(one logit per image)", "(이미지마다 로짓 하나)"))
print(tr("discriminator parameters:", "판별자 파라미터 수:"), f"{discriminator.count_params():,}")

# %% [markdown] id="nb01-17b" lang="en"
# ### Quizzes 01-q1 and 01-q2: count it yourself
#
# Two small computations about the discriminator's first layer. Work them out on paper
# (or in a scratch cell), then write the number or the shape in the answer cell.

# %% [markdown] id="nb01-17b-ko" lang="ko"
# ### 퀴즈 01-q1과 01-q2: 직접 세어 보기
#
# 판별자의 첫 번째 층에 관한 작은 계산 두 가지입니다. 종이에(또는 연습용 셀에서) 풀어 본 다음, 답
# 셀에 숫자나 모양(shape)을 적으세요.

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

# %% [markdown] id="nb01-18" lang="en"
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

# %% [markdown] id="nb01-18-ko" lang="ko"
# ## 5. 손실 함수
#
# 두 신경망 모두 **이진 교차 엔트로피**(binary cross-entropy, BCE)로 학습합니다. 로짓 $s$와 목표
# 레이블 $t \in \{0, 1\}$에 대해
#
# $$
# \ell(t, s) = -\big[\, t \log \sigma(s) + (1 - t) \log\big(1 - \sigma(s)\big) \big]
# $$
#
# 이고, 이를 배치 전체에서 평균합니다. `BinaryCrossentropy(from_logits=True)`는 $\sigma(s)$를 먼저
# 계산하지 않고 로짓에서 바로 이 값을 구합니다. 그래서 판별자가 아주 확신할 때 생길 수 있는 $\log 0$
# 문제를 피합니다.
#
# * **생성자 손실:** 위조범은 자기 이미지가 진짜로 불리기를 원하므로 $D(G(z))$의 목표는 1입니다.
#   $\;L_G = \ell(1, D(G(z)))$. 1절의 포화되지 않는 목적 함수가 바로 이것입니다.
# * **판별자 손실:** 진짜 이미지는 레이블 1, 위조품은 레이블 0을 받아야 합니다. $\;L_D = \ell(1,
#   D(x)) + \ell(0, D(G(z)))$. 이를 최소화하는 것은 $V(D, G)$를 최대화하는 것과 같습니다.

# %% id="nb01-19"
cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)


def generator_loss(fake_output):
    # G wins when D labels its images as real (1).
    return cross_entropy(tf.ones_like(fake_output), fake_output)


# %% [markdown] id="nb01-20" lang="en"
# ### Exercise 01-ex1 (2 points): the discriminator loss
#
# Write `discriminator_loss(real_logits, fake_logits)`. Both arguments are logit tensors of
# shape `(batch, 1)`; return the scalar $L_D$ defined above. You may use `cross_entropy`
# from the previous cell. The check runs your function on fixed logits and compares it
# with a hand-computed value.

# %% [markdown] id="nb01-20-ko" lang="ko"
# ### 과제 01-ex1 (2점): 판별자 손실
#
# `discriminator_loss(real_logits, fake_logits)`를 작성하세요. 두 인자는 모두 `(batch, 1)` 모양의
# 로짓 텐서입니다. 위에서 정의한 스칼라 $L_D$를 반환하면 됩니다. 앞 셀의 `cross_entropy`를 써도
# 좋습니다. 확인 셀은 고정된 로짓으로 여러분의 함수를 실행해 손으로 계산한 값과 비교합니다.

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

# %% [markdown] id="nb01-24" lang="en"
# Your loss is the one that trains the DCGAN: the training step below calls
# `disc_loss_fn`, which is your `discriminator_loss` once it passes its check. Until then
# (the line above says which), it is the course library's copy,
# `course_lib.losses.discriminator_loss`, so an unfinished exercise cannot break the rest
# of the lesson. Here is the library's code: the same two BCE terms.

# %% [markdown] id="nb01-24-ko" lang="ko"
# 여러분이 작성한 손실이 바로 DCGAN을 학습시킵니다. 아래 학습 단계는 `disc_loss_fn`을 호출하는데,
# 여러분의 `discriminator_loss`가 검사(check)를 통과하면 이것이 곧 그 함수입니다. 그 전까지는(바로
# 위 셀이 어느 쪽인지 알려 줍니다) 강의 라이브러리의 사본인 `course_lib.losses.discriminator_loss`가
# 대신 쓰이므로, 과제를 끝내지 못해도 나머지 실습이 망가지지 않습니다. 아래가 라이브러리의
# 코드입니다. 똑같이 BCE 항 두 개로 이루어져 있습니다.

# %% id="nb01-25" tags=["skip-grading", "reveals-answer"]
import inspect

print(inspect.getsource(losses.discriminator_loss))

# %% [markdown] id="nb01-26" lang="en"
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
# course checkout (on Colab, `USE_GOOGLE_DRIVE = True` puts it on your Google Drive to
# survive a disconnect).
#
# Adam creates its internal variables lazily, on the first update. We `build` them now so
# that a restore has somewhere to write them.

# %% [markdown] id="nb01-26-ko" lang="ko"
# ## 6. 옵티마이저, 고정 시드, 체크포인트
#
# **신경망마다 옵티마이저 하나.** 생성자와 판별자는 서로 다른 Adam 옵티마이저(optimizer, 학습률
# $10^{-4}$)로 학습합니다. Keras 3에서는 선택 사항이 아닙니다. 옵티마이저는 처음 갱신한 변수들에
# 묶이고, 다른 신경망의 변수를 넘기면 오류가 납니다(노트북 02에서 그 오류를 직접 봅니다).
#
# **고정 시드.** 잡음 벡터 16개를 한 번만 뽑아 두고 에포크마다 다시 씁니다. 입력이 바뀌지 않으니
# 16장의 그림은 *생성자*가 어떻게 변하는지를 보여 주고, 마지막에 만드는 학습 GIF도 알아보기
# 쉬워집니다.
#
# **체크포인트.** GAN을 50 에포크 학습하려면 시간이 걸리고, Colab 세션은 끊기기도 합니다.
# `tf.train.Checkpoint`는 두 신경망, 두 옵티마이저(Adam의 모멘트 추정값도 학습 상태의 일부입니다),
# 에포크 카운터를 함께 저장합니다. `tf.train.CheckpointManager`는 파일에 번호를 붙이고 최근 몇 개만
# 남깁니다. 폴더에 이미 체크포인트가 있으면 다음 셀이 그것을 복원하고, 학습은 멈춘 곳에서
# **이어집니다**. 빠른 모드에서는 실행할 때마다 새 임시 폴더에서 시작하므로 테스트 실행이 예전
# 학습을 이어받는 일은 없습니다. 전체 모드에서는 강의 저장소 안의 `runs/notebook01/` 폴더를
# 씁니다(Colab에서는 `USE_GOOGLE_DRIVE = True`로 이 폴더를 Google Drive에 두면 연결이 끊겨도
# 남습니다).
#
# Adam은 내부 변수를 첫 갱신 때 늦게 만듭니다. 복원할 자리가 있도록 지금 미리 `build`해 둡니다.

# %% [markdown] id="nb01-drive" lang="en"
# **Keeping checkpoints on Colab.** A Colab runtime loses its disk when it disconnects. On
# Colab, set `USE_GOOGLE_DRIVE = True` in the next cell and the run folder goes to your Google
# Drive, `MyDrive/gan-to-pix2pix/notebook01/`: after a disconnect, run the notebook's cells
# again and training continues where the last checkpoint left it, printing `Resuming from step
# N`. Colab asks once for permission to mount your Drive. Outside Colab the flag changes
# nothing, and fast mode always uses a fresh temporary folder.

# %% [markdown] id="nb01-drive-ko" lang="ko"
# **Colab에서 체크포인트 지키기.** Colab 런타임은 연결이 끊기면 디스크 내용을 잃습니다.
# Colab에서 다음 셀의 `USE_GOOGLE_DRIVE = True`로 바꾸면 실행 폴더(run folder)가 여러분의 Google
# Drive, `MyDrive/gan-to-pix2pix/notebook01/`에 만들어집니다. 연결이 끊긴 뒤 노트북의 셀들을
# 다시 실행하면 마지막 체크포인트에서 학습이 이어지고 `스텝 N부터 이어서 학습합니다`가 출력됩니다.
# Drive를 마운트(mount)할 권한은 Colab이 처음에 한 번 묻습니다. Colab이 아닌 곳에서는 이 설정이
# 아무것도 바꾸지 않고, 빠른 모드는 언제나 새 임시 폴더를 씁니다.

# %% id="nb01-drive-cell" tags=["skip-grading"]
USE_GOOGLE_DRIVE = False  # set True on Colab to keep checkpoints across disconnects
if USE_GOOGLE_DRIVE and config.on_colab():
    from google.colab import drive

    drive.mount("/content/drive")  # the run folder below then lives on your Drive

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
    WORK_DIR = config.run_folder("notebook01", config.course_folder() / "runs", USE_GOOGLE_DRIVE)
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
    # The step is Adam's update count, restored with the optimizer.
    print(tr("Resuming from step {step} (after epoch {epoch})",
             "스텝 {step}부터 이어서 학습합니다 (에포크 {epoch} 다음)",
             step=int(generator_optimizer.iterations), epoch=int(epoch_counter.numpy())))
else:
    print(tr("No checkpoint yet: training starts at epoch 0",
             "아직 체크포인트가 없습니다: 에포크 0부터 학습합니다"))
print(tr("{epochs} epochs, a checkpoint every {every}",
         "{epochs} 에포크, {every} 에포크마다 체크포인트", epochs=EPOCHS, every=CHECKPOINT_EVERY))


# %% [markdown] id="nb01-28" lang="en"
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

# %% [markdown] id="nb01-28-ko" lang="ko"
# ## 7. 학습 한 단계, 그래디언트 테이프 두 개
#
# 각 단계는 진짜 이미지 배치 하나를 받아 다음을 합니다.
#
# 1. 잡음 배치를 뽑아 $G$가 위조품을 만듭니다.
# 2. $D$가 진짜 이미지와 위조품에 점수를 매깁니다.
# 3. 그 점수로 $L_G$와 $L_D$를 계산합니다.
# 4. 각 테이프에 *자기* 손실을 *자기* 신경망의 변수로 미분한 그래디언트를 구하게 하고, 각
#    옵티마이저가 자기 신경망을 갱신합니다.
#
# 두 신경망이 서로 다른 손실을 최소화하므로 테이프가 두 개 필요합니다. 두 테이프는 같은 순전파를
# 기록하므로, 순전파 한 번으로 두 갱신을 모두 처리합니다.
#
# 모든 호출에 **`training=True` 인자**를 넘깁니다. 이 값이 있어야 드롭아웃이 켜지고, 배치 정규화가
# 현재 배치의 통계로 정규화하며 이동 평균도 갱신합니다. 이렇게 직접 짠 학습 루프에서는 Keras가 지금
# 학습 중인지 알아챌 수 없습니다. 이 인자를 빼먹으면 드롭아웃은 아무 말 없이 아무 일도 하지
# 않습니다.
#
# `@tf.function`은 첫 호출 때 파이썬 함수를 TensorFlow 그래프로 컴파일합니다("트레이싱(tracing)", 몇
# 초 걸림). 그 뒤의 호출은 그래프를 실행하므로 파이썬으로 한 줄씩 실행할 때보다 훨씬 빠릅니다.

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


# %% [markdown] id="nb01-30" lang="en"
# ## 8. The training loop
#
# After every epoch the loop shows what the generator makes of the 16 fixed seeds, saves
# that grid as `image_at_epoch_NNNN.png`, and prints how long the epoch took. Every
# `CHECKPOINT_EVERY` epochs it saves a checkpoint, **and once more at the very end**: with
# 50 epochs and a checkpoint every 15, saving only on the multiples of 15 would lose the
# last 5 epochs.

# %% [markdown] id="nb01-30-ko" lang="ko"
# ## 8. 학습 루프
#
# 루프는 에포크가 끝날 때마다 고정 시드 16개로 생성자가 그린 그림을 보여 주고, 그 격자를
# `image_at_epoch_NNNN.png`로 저장한 다음, 에포크에 걸린 시간을 출력합니다. `CHECKPOINT_EVERY`
# 에포크마다 체크포인트를 저장하고, **맨 마지막에도 한 번 더** 저장합니다. 50 에포크에 15 에포크마다
# 저장한다면, 15의 배수에서만 저장할 경우 마지막 5 에포크를 잃게 되기 때문입니다.

# %% id="nb01-31" tags=["skip-grading"]
def generate_and_save_images(model, epoch, test_input):
    # training=False: BatchNorm uses its running statistics, as at inference time.
    predictions = model(test_input, training=False)

    fig = plt.figure(figsize=(4, 4))
    for i in range(predictions.shape[0]):
        plt.subplot(4, 4, i + 1)
        plt.imshow(predictions[i, :, :, 0] * 127.5 + 127.5, cmap="gray")
        plt.axis("off")
    fig.suptitle(tr(f"epoch {epoch}", f"에포크 {epoch}"))
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
        log.append(tr("Time for epoch {epoch} is {sec:.1f} sec "
                      "(G loss {g:.3f}, D loss {d:.3f})",
                      "에포크 {epoch} 소요 시간 {sec:.1f}초 "
                      "(G 손실 {g:.3f}, D 손실 {d:.3f})",
                      epoch=epoch + 1, sec=time.time() - start,
                      g=float(gen_loss), d=float(disc_loss)))
        print("\n".join(log))
    if first >= epochs:
        print(tr("Already trained for {first} epochs: nothing to do.",
                 "이미 {first} 에포크를 학습했습니다: 더 할 일이 없습니다.", first=first))
    return history


# %% [markdown] id="nb01-32" lang="en"
# Now train. In full mode this is 50 epochs (a few minutes on a Colab GPU, hours on a
# CPU); in fast mode 2 short epochs, enough to see the machinery work, not to get digits.

# %% [markdown] id="nb01-32-ko" lang="ko"
# 이제 학습합니다. 전체 모드에서는 50 에포크입니다(Colab GPU로 몇 분, CPU로는 몇 시간). 빠른
# 모드에서는 짧은 2 에포크만 돌립니다. 동작을 확인하기에는 충분하지만 숫자가 나오기에는 부족합니다.

# %% id="nb01-33" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
history = train(train_dataset, EPOCHS)

# %% [markdown] id="nb01-34" lang="en"
# The losses tell you less than you might hope. In a GAN neither loss should go to zero:
# each network's loss depends on how good the *other* one is. A healthy run shows both
# curves wobbling around a level rather than one of them collapsing to 0 (that would mean
# one player has won, and the other stops learning).

# %% [markdown] id="nb01-34-ko" lang="ko"
# 손실 값만으로 알 수 있는 것은 생각보다 적습니다. GAN에서는 어느 손실도 0으로 가서는 안 됩니다. 각
# 신경망의 손실은 *상대* 신경망이 얼마나 잘하느냐에 달려 있기 때문입니다. 건강한 학습에서는 두
# 곡선이 어떤 수준 근처에서 오르내립니다. 한쪽이 0으로 무너진다면 한 참가자가 이겨 버려서 다른 쪽이
# 더는 배우지 못한다는 뜻입니다.

# %% id="nb01-35" tags=["skip-grading"]
viz.loss_curves(history, title=tr("DCGAN losses per step", "스텝별 DCGAN 손실"))
plt.show()

# %% [markdown] id="nb01-36" lang="en"
# ## 9. Watching it learn
#
# `course_lib.viz.make_gif` stitches the saved grids into an animation (with `imageio`).
# Each frame is one epoch and the 16 seeds never change, so you see each digit take shape.

# %% [markdown] id="nb01-36-ko" lang="ko"
# ## 9. 학습 과정 지켜보기
#
# `course_lib.viz.make_gif`는 저장한 격자 이미지를 이어 붙여 (`imageio`로) 애니메이션을 만듭니다.
# 프레임 하나가 에포크 하나이고 16개의 시드는 바뀌지 않으므로, 숫자 하나하나가 모양을 갖춰 가는
# 모습을 볼 수 있습니다.

# %% id="nb01-37" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
frames = sorted(WORK_DIR.glob("image_at_epoch_*.png"))
gif_path = viz.make_gif(frames, WORK_DIR / "dcgan.gif", duration=0.5)
print(tr(f"{len(frames)} frames -> {gif_path.name}", f"프레임 {len(frames)}개 -> {gif_path.name}"))
display.Image(filename=str(gif_path))

# %% [markdown] id="nb01-38" lang="en"
# ## 10. Restoring from a checkpoint, saving weights
#
# Suppose the session died. Build **fresh** networks and optimisers, point a checkpoint at
# them and restore the latest file: every variable gets its saved value back. To prove it,
# the restored generator must draw exactly what the trained one draws from the same seed.

# %% [markdown] id="nb01-38-ko" lang="ko"
# ## 10. 체크포인트에서 복원하고 가중치 저장하기
#
# 세션이 끊겼다고 해 봅시다. 신경망과 옵티마이저를 **새로** 만들고, 체크포인트가 이들을 가리키게 한
# 다음 가장 최근 파일을 복원하면 모든 변수가 저장된 값을 되찾습니다. 이를 확인하기 위해, 복원한
# 생성자는 같은 시드에서 학습된 생성자와 정확히 같은 그림을 그려야 합니다.

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

print(tr("checkpoints kept:", "보관된 체크포인트:"), [Path(p).name for p in manager.checkpoints])
print(tr("restored epoch:", "복원된 에포크:"), int(restored_epoch.numpy()))
same = np.allclose(restored_generator(seed, training=False),
                   generator(seed, training=False))
print(tr("restored generator draws the same digits as the trained one:",
         "복원한 생성자가 학습한 생성자와 같은 숫자를 그리는가:"), same)

# %% [markdown] id="nb01-40" lang="en"
# A checkpoint holds the whole training state. To *use* a generator you only need its
# weights. Keras 3 writes weights only to files whose name ends in **`.weights.h5`**; the
# old habit of `save_weights("model.h5")` (or a TensorFlow checkpoint prefix with no
# extension) is now refused:

# %% [markdown] id="nb01-40-ko" lang="ko"
# 체크포인트는 학습 상태 전체를 담습니다. 생성자를 *쓰기만* 하려면 가중치만 있으면 됩니다. Keras 3는
# 이름이 **`.weights.h5` 확장자**로 끝나는 파일에만 가중치를 저장합니다. 예전처럼
# `save_weights("model.h5")`라고 쓰거나 확장자 없는 TensorFlow 체크포인트 접두어를 쓰면 이제
# 거부됩니다.

# %% id="nb01-41" tags=["skip-grading"]
try:
    generator.save_weights(WORK_DIR / "dcgan_generator.h5")
except ValueError as err:
    print("ValueError:", str(err).split(" Received")[0])

weights_file = WORK_DIR / "dcgan_generator.weights.h5"
generator.save_weights(weights_file)
print(tr("saved", "저장함:"), weights_file.name)

# %% [markdown] id="nb01-42" lang="en"
# ## 11. A generator trained for longer
#
# The course ships DCGAN weights trained with exactly this notebook's settings on all
# 60,000 digits; the line printed below, from the weights' model card, says for how many
# of the 50 epochs. They are loaded and checked by `course_lib.weights.load_pretrained`,
# which verifies the file's checksum and architecture before loading. If they are not in your
# copy of the course, the cell says how to produce them.

# %% [markdown] id="nb01-42-ko" lang="ko"
# ## 11. 더 오래 학습한 생성자
#
# 강의에는 이 노트북과 똑같은 설정으로 숫자 60,000개 전체에 학습한 DCGAN 가중치가 들어 있습니다. 50
# 에포크 중 몇 에포크를 학습했는지는 아래에 출력되는 가중치의 모델 카드(model card) 한 줄에
# 나옵니다. 가중치는 `course_lib.weights.load_pretrained`가 불러오며, 불러오기 전에 파일의 체크섬과
# 모델 구조를 확인합니다. 여러분이 받은 강의 사본에 가중치가 없으면, 셀이 가중치를 만드는 방법을
# 알려 줍니다.

# %% id="nb01-43" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
if weights.available("dcgan"):
    pretrained = weights.load_pretrained("dcgan")
    print(weights.card_line("dcgan"))
    viz.sample_grid(pretrained(seed, training=False), rows=4, cols=4,
                    title=tr("pretrained DCGAN, same 16 seeds", "사전 학습 DCGAN, 같은 시드 16개"))
    plt.show()
else:
    print(weights.unavailable_reason("dcgan"))

# %% [markdown] id="nb01-43b" lang="en"
# And this is the run that made those weights: the two losses per epoch, and the same 16
# noise vectors drawn at six moments of the 50 epochs (the shipped generator is the moving
# average of the weights, which is why its digits above look smoother than the last frame).
# The losses do not fall to zero and need not: each network's loss is the other's success,
# so a healthy run keeps them in balance while the pictures improve.

# %% [markdown] id="nb01-43b-ko" lang="ko"
# 그리고 이것이 그 가중치를 만든 학습 기록입니다. 에포크마다의 두 손실, 그리고 같은 잡음 벡터
# 16개를 50 에포크 중 여섯 시점에서 그린 그림입니다(배포된 생성자는 가중치의 이동 평균(moving
# average)이라서, 위의 숫자들이 마지막 프레임보다 더 매끄러워 보입니다). 손실은 0으로 떨어지지
# 않으며, 그럴 필요도 없습니다. 한 네트워크의 손실은 곧 다른 네트워크의 성공이므로, 건강한
# 학습에서는 그림이 좋아지는 동안 두 손실이 균형을 유지합니다.

# %% id="nb01-43c" tags=["skip-grading"]
if viz.training_history("dcgan") is not None:
    plt.show()

# %% [markdown] id="nb01-44" lang="en"
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

# %% [markdown] id="nb01-44-ko" lang="ko"
# ## 12. `course_lib`에 있는 같은 부품들
#
# 여기서 작성한 것은 모두 강의 라이브러리에도 들어 있어서, 다음 노트북(과 명령줄)에서 다시 쓸 수
# 있습니다.
#
# | 이 노트북 | `course_lib` |
# |---|---|
# | `make_generator_model()` | `models.dcgan_generator()` |
# | `make_discriminator_model()` | `models.dcgan_discriminator()` |
# | `generator_loss`, `discriminator_loss` | `losses.generator_loss`, `.discriminator_loss` |
# | `train_step` | `training.GANTrainer(generator, discriminator).train_step` |
# | 체크포인트를 쓰는 `train` | `training.fit(trainer, dataset, total_steps, ...)` |
#
# 예를 들어 터미널에서 `python -m course_lib train dcgan --epochs 50`을 실행하면 체크포인트와 자동
# 이어하기를 갖춘 채로 같은 학습을 하고, `python -m course_lib weights export dcgan --checkpoint-dir
# runs/dcgan/checkpoints`는 그 결과를 위에서 불러온 가중치 파일로 바꿉니다. 라이브러리의 생성자는
# 우리가 만든 것과 같은 신경망입니다.

# %% id="nb01-45" tags=["skip-grading"]
library_generator = models.dcgan_generator()
print(tr("same parameter count:", "파라미터 수가 같은가:"),
      library_generator.count_params() == generator.count_params())
print(tr("same output shape:", "출력 모양이 같은가:"),
      library_generator(seed).shape == generator(seed).shape)

# %% [markdown] id="nb01-46" lang="en"
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

# %% [markdown] id="nb01-46-ko" lang="ko"
# ## 정리
#
# * GAN은 두 참가자의 게임입니다. $D$는 $V(D, G)$를 최대화하고 $G$는 최소화합니다. 코드로는 둘 다
#   판별자 로짓에 대한 이진 교차 엔트로피이며, 위조품의 레이블이 $D$에게는 0, $G$에게는 1입니다.
# * DCGAN 생성자는 전치 합성곱으로 숫자 100개를 7×7×256 → 7×7×128 → 14×14×64 → 28×28×1로 키우고,
#   판별자는 이미지를 다시 로짓 하나로 줄입니다.
# * 신경망마다 옵티마이저가 따로 있고, 각 학습 단계는 그래디언트 테이프 두 개와 `training=True`를
#   씁니다.
# * 학습 상태 *전체*(신경망, 옵티마이저, 에포크)를 체크포인트로 저장하고 거기서 이어서 학습하세요.
#   마지막에도 저장하세요. Keras 3에서 가중치 파일 이름은 `.weights.h5`로 끝납니다.
#
# 다음 노트북 02에서는 이렇게 묻습니다. GAN에서 **원하는** 숫자를 얻으려면 어떻게 해야 할까요?

# %% id="nb01-47" tags=["reveals-answer"]
print(quiz.summary())
