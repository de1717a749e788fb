# %% [markdown] id="nb05-00" lang="en"
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
#
# **Time:** fast mode takes about 3 minutes on two CPU cores; full mode's training on a
# Colab T4 GPU takes an estimated **15–25 minutes** (an estimate from FLOPs per step,
# not a measurement: docs/PERFORMANCE.md says how it was made).

# %% [markdown] id="nb05-00-ko" lang="ko"
# # 05 · 프로젝트: 분할 맵에서 거리 사진으로
#
# 노트북 03과 04에서 만든 것을 새로운 문제에 써 볼 차례입니다. 입력은 거리 장면의 **의미론적 분할
# 맵**(semantic segmentation map)으로, 객체 클래스(도로, 자동차, 사람, 건물, 하늘, ...)마다 단색
# 하나로 칠해져 있습니다. 출력은 그 장면의 **사진**입니다. Pix2Pix 논문의 "레이블 → 사진"
# 과제이며, Pix2Pix 저자들이 묶어 둔 *Cityscapes* 이미지(Cordts et al., CVPR 2016)를 사용합니다.
#
# `course_lib`의 부품들을 다시 작성하지 않고 그대로 활용합니다. 랜덤 지터를 적용하는 쌍 이미지
# 파이프라인, U-Net 생성자, 패치GAN 판별자, Pix2Pix 손실, 체크포인트를 저장하는 학습 루프가
# 그것입니다. 여러분이 직접 할 일은 함수 하나(**05-ex1**: 예측의 L1과 PSNR)와 결과에 대한 서술형
# **토의**(discussion)입니다.
#
# **빠른 모드**(`COURSE_FAST=1`; CI와 CPU만 있는 랩톱에서 사용)에서는 쌍 네 개로 네 스텝만
# 학습합니다. 예측은 회색 노이즈로 남지만 모든 셀이 실행됩니다. 제대로 된 결과를 보려면 GPU
# 런타임에서 전체 모드로 노트북을 실행하세요(약 40 000 스텝, Colab GPU에서 한두 시간).
#
# **소요 시간:** 빠른 모드는 CPU 코어 두 개로 약 3분 걸립니다. 전체 모드의 학습은 Colab T4
# GPU에서 약 **15–25분**으로 추정합니다(측정값이 아니라 스텝당 FLOP 수로 계산한
# 추정치(estimate)이며, 계산 방법은 docs/PERFORMANCE.md에 있습니다).

# %% id="nb05-01"
# SETUP CELL: tools/build_lessons.py puts lessons/setup_cell.py here

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

# %% [markdown] id="nb05-03" lang="en"
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

# %% [markdown] id="nb05-03-ko" lang="ko"
# ## 0. 채점 항목
#
# | 평가 항목 | 절 | 채점 방법 |
# |---|---|---|
# | *쌍*에 적용한 데이터 증강 | §2 | 지터 그림, 여러분의 토의 |
# | U-Net 생성자와 패치GAN 판별자 | §3 | ✓ 크기/파라미터 검사 |
# | 체크포인트를 쓰는 학습, 손실 곡선 | §4 | 곡선 그림 |
# | **05-ex1** `image_metrics(pred, target) -> (l1, psnr)` | §5 | 자동 채점, 2점 |
# | 테스트 결과 행(입력 / 목표 / 예측), 기준선과 지표 비교 | §5 | 그림, 표 |
# | **05-discussion**: 잘된 점, 실패한 점, 이유, 다음 단계 | §6 | 강사, 4점 |
#
# 노트북을 제출하기 전에 모든 셀을 위에서 아래로 실행하세요. 강사의 채점기(grader)는 빠른 모드로
# 노트북을 다시 실행합니다. GPU가 있었다면 토의에서 전체 모드 실행 결과를 다루고, 없었다면 빠른
# 모드 실행 결과와 함께 긴 학습에서 기대하는 바를 쓰세요.
#
# ## 1. 데이터: Pix2Pix 형식의 Cityscapes
#
# Pix2Pix 저자들은 Cityscapes의 *정밀 주석*(fine annotations)을 쌍으로 만들었습니다. 각 파일은
# 거리 사진과 그 색 레이블 맵이 좌우로 붙은 512×256 JPEG이며, 각각 256×256으로 크기가 조정되어
# 있습니다. **학습용 2975개**와 **검증용 500개** 쌍이 있습니다(Cityscapes는 테스트 레이블을
# 공개하지 않으므로, 검증 분할을 테스트 세트로 사용합니다).
#
# **전체 데이터셋 받기.** `data.cityscapes_files(split)`는
# `<COURSE_DATA_DIR>/cityscapes/{train,val}/N.jpg`를 찾고, 없는데 온라인 상태라면(Colab) Pix2Pix
# 아카이브(약 100 MB)를
# <http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/cityscapes.tar.gz>에서
# `~/.cache/course_lib`로 한 번 내려받습니다. 오프라인이라면 다른 곳에서 그 아카이브를 받은 뒤
# `python -m course_lib data import cityscapes cityscapes.tar.gz [--data-dir DIR]`를 실행하세요.
# 이미지의 저작권은 Cityscapes 프로젝트(<https://www.cityscapes-dataset.com>)에 있으며, 이용
# 약관상 연구와 교육 목적의 사용이 허용됩니다. 원본 데이터에서 쌍을 다시 만들려면 그곳에 등록한 뒤
# Pix2Pix 저장소의 `prepare_cityscapes_dataset.py`를 사용하세요.
#
# 코스의 오프라인 사본에는 학습용 쌍 처음 1000개와 검증용 쌍 500개 전부가 들어 있습니다. 사본이
# 전혀 없으면 아래 셀은 `course_lib`에 내장된 4 + 2개의 쌍으로 대신하는데, 코드를 실행하기에는
# 충분합니다. Pix2Pix 형식의 다른 데이터셋(facades, maps, ...)도 쓸 수 있습니다.
# `train_files`/`test_files`가 그 데이터를 가리키게 하고, 어느 쪽 절반이 입력인지 확인하세요.

# %% id="nb05-04"
# NBVAL_IGNORE_OUTPUT
# tr(english, korean) prints the line in this edition's language (COURSE_LANG).
from course_lib.messages import tr

try:
    train_files = data.cityscapes_files("train")
    test_files = data.cityscapes_files("val")
except data.DataError as err:  # no copy and no network: the embedded sample
    print(err)
    train_files = data.cityscapes_files("train", sample=True)
    test_files = data.cityscapes_files("val", sample=True)
print(tr("{train} training pairs, {test} validation pairs", "학습 쌍 {train}개, 검증 쌍 {test}개",
         train=len(train_files), test=len(test_files)))


# %% [markdown] id="nb05-05" lang="en"
# ### Which half is the input?
#
# Look before you load. A label map is made of flat regions, so most of its neighbouring
# pixels have (almost) the same colour; a photo has texture everywhere. The share of
# "flat" neighbours tells the halves apart without trusting any description.

# %% [markdown] id="nb05-05-ko" lang="ko"
# ### 어느 쪽 절반이 입력일까?
#
# 불러오기 전에 먼저 보세요. 레이블 맵은 평평한 영역으로 이루어져 있어서, 이웃한 픽셀 대부분이
# (거의) 같은 색입니다. 사진은 어디에나 질감이 있습니다. 설명을 믿지 않고도, "평평한" 이웃의
# 비율로 두 절반을 구별할 수 있습니다.

# %% id="nb05-06"
def flat_share(image):
    """Share of horizontal neighbour pairs whose RGB values differ by < 6 in total."""
    step = np.abs(np.diff(image.astype(np.int32), axis=1)).sum(axis=-1)  # (H, W-1)
    return float((step < 6).mean())


raw = plt.imread(train_files[0])  # uint8 (256, 512, 3)
left, right = raw[:, :256], raw[:, 256:]
print(tr("one file:", "파일 하나:"), raw.shape, raw.dtype)
print(tr("flat share: left {left:.2f}, right {right:.2f}",
         "평평한 비율: 왼쪽 {left:.2f}, 오른쪽 {right:.2f}",
         left=flat_share(left), right=flat_share(right)))
INPUT_SIDE = "right" if flat_share(right) > flat_share(left) else "left"
side_name = {"left": tr("LEFT", "왼쪽"), "right": tr("RIGHT", "오른쪽")}[INPUT_SIDE]
print(tr("the label map (the input) is the {side} half",
         "레이블 맵(입력)은 {side} 절반입니다", side=side_name))

fig, ax = plt.subplots(figsize=(8, 4.3))
ax.imshow(raw)
ax.axvline(255.5, color="white", linestyle="--")
ax.set_title(tr("{name}:  LEFT = photo (target)   |   RIGHT = label map (input)",
                "{name}:  왼쪽 = 사진 (정답)   |   오른쪽 = 레이블 맵 (입력)",
                name=Path(train_files[0]).name))
ax.axis("off")
plt.show()


# %% [markdown] id="nb05-07" lang="en"
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

# %% [markdown] id="nb05-07-ko" lang="ko"
# 노트북 03의 facades와 레이아웃이 같습니다. 사진이 왼쪽, 레이블 맵이 오른쪽이므로 라이브러리
# 로더에는 `input_side="right"`가 필요합니다. 앞으로 보게 될 Cityscapes 팔레트의 색 몇 가지: 도로
# (128, 64, 128) 보라, 인도 (244, 35, 232) 분홍, 건물 (70, 70, 70) 짙은 회색, 식생 (107, 142, 35)
# 올리브색, 하늘 (70, 130, 180) 강철 파랑, 자동차 (0, 0, 142) 짙은 파랑, 사람 (220, 20, 60) 빨강.
# JPEG 압축 때문에 영역 사이의 경계가 조금 번지므로, 평평한 비율이 100 %가 되지는 않습니다.
#
# ## 2. 쌍 데이터 증강
#
# 노트북 03의 Pix2Pix 랜덤 지터입니다. 두 이미지를 286×286으로 키우고, 두 이미지에서 **같은**
# 256×256 영역을 무작위로 잘라 내고, 절반의 확률로 둘 다 좌우 반전합니다.
# `data.pix2pix_dataset(files, training=True)`는 에포크마다 새로운 무작위 선택으로 모든 학습
# 예제에 이를 적용합니다.
#
# 노트북 04에서는 포켓몬을 위아래로 뒤집고 90°씩 회전시키기도 했습니다. 거리 풍경에는 정해진
# 위아래가 있으므로(하늘은 위, 도로는 아래, 자동차는 바퀴가 아래), 그런 변환은 절대 나오지 않는
# 장면을 생성자에게 가르치게 됩니다. 그래서 좌우 반전만 남깁니다. 학습 쌍 하나를 네 번 뽑은
# 결과입니다(위는 입력, 아래는 목표).

# %% id="nb05-08"
def jitter_draws(path, n):
    # Each pass over a one-file dataset draws a fresh crop and mirror.
    ds = data.pix2pix_dataset([path], training=True, batch_size=1,
                              input_side=INPUT_SIDE).repeat(n)
    pairs = [(inp[0].numpy(), tar[0].numpy()) for inp, tar in ds]
    return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])


inputs, targets = jitter_draws(train_files[0], 4)  # (4, 256, 256, 3) each, in [-1, 1]
print(tr("input batch:", "입력 배치:"), inputs.shape, tr("target batch:", "정답 배치:"),
      targets.shape, tr("range [{low:.0f}, {high:.0f}]", "범위 [{low:.0f}, {high:.0f}]",
                        low=min(inputs.min(), targets.min()),
                        high=max(inputs.max(), targets.max())))
viz.sample_grid(np.concatenate([inputs, targets]), rows=2, cols=4, size=2.4,
                title=tr("random jitter: the label map and the photo move together",
                         "랜덤 지터: 레이블 맵과 사진이 함께 움직입니다"))
plt.show()

# %% [markdown] id="nb05-09" lang="en"
# The training set streams through the same pipeline with a batch of 1 (the paper's
# choice; BatchNorm then normalises each image by its own statistics). The test pipeline
# only resizes and normalises, so a test image gives the same input every time.

# %% [markdown] id="nb05-09-ko" lang="ko"
# 학습 세트는 같은 파이프라인을 배치 크기 1로 흘러갑니다(논문의 선택입니다. 이때 BatchNorm은 각
# 이미지를 그 이미지 자신의 통계로 정규화합니다). 테스트 파이프라인은 크기 조정과 정규화만 하므로,
# 같은 테스트 이미지는 매번 같은 입력이 됩니다.

# %% id="nb05-10" tags=["skip-grading"]
BATCH_SIZE = 1
STEPS = config.pick(40_000, 4)  # lesson 03's budget; the paper ran 200 epochs
train_subset = train_files[:config.pick(None, 4)]  # fast mode: a tiny subset
test_subset = test_files[:config.pick(100, 3)]  # images scored in section 5

train_dataset = data.pix2pix_dataset(train_subset, training=True,
                                     batch_size=BATCH_SIZE, input_side=INPUT_SIDE)
test_dataset = data.pix2pix_dataset(test_subset, training=False, batch_size=1,
                                    input_side=INPUT_SIDE)
print(tr("training on {pairs} pairs for {steps} steps (batch {batch}); "
         "scoring {scored} validation pairs",
         "학습 쌍 {pairs}개로 {steps} 스텝 학습 (배치 {batch}); 검증 쌍 {scored}개로 평가",
         pairs=len(train_subset), steps=STEPS, batch=BATCH_SIZE, scored=len(test_subset)))

# %% [markdown] id="nb05-11" lang="en"
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

# %% [markdown] id="nb05-11-ko" lang="ko"
# ## 3. 코스 라이브러리의 네트워크
#
# **생성자: U-Net.** `models.unet_generator()`는 노트북 03의 네트워크입니다. `downsample` 블록
# 여덟 개(Conv 4×4 stride 2 → BatchNorm → LeakyReLU)가 256×256×3을 1×1×512 병목까지 줄이고,
# `upsample` 블록 일곱 개(ConvTranspose 4×4 stride 2 → BatchNorm → 처음 세 블록에만 Dropout →
# ReLU)가 128×128까지 되돌리며, 각 블록 뒤에 같은 크기의 인코더 출력을 **이어 붙입니다**(스킵
# 연결). 마지막으로 `tanh`를 쓰는 전치 합성곱이 $[-1, 1]$ 범위의 256×256×3 사진을 만듭니다.
#
# 여기서는 facades보다 스킵 연결이 더 중요합니다. 거리 레이블 맵은 모든 객체의 *위치*를 픽셀
# 단위까지 정해 주는데, 스킵 연결은 그 경계를 1×1 병목으로 쥐어짜지 않고 디코더로 곧장 전달합니다.

# %% id="nb05-12" tags=["skip-grading"]
generator = models.unet_generator()
probe = tf.zeros((1, 256, 256, 3))
print(tr("generator:", "생성자:"), tuple(probe.shape), "->", tuple(generator(probe).shape))
skips = [layer for layer in generator.layers if isinstance(layer, layers.Concatenate)]
for i, layer in enumerate(skips, start=1):  # decoder output + encoder skip, channels
    print(tr(f"after skip {i}: {tuple(layer.output.shape)}",
             f"스킵 {i} 다음: {tuple(layer.output.shape)}"))
n_params = generator.count_params()
print(tr("generator parameters:", "생성자 파라미터 수:"), f"{n_params:,}",
      tr("✓ the Pix2Pix U-Net", "✓ Pix2Pix U-Net과 같음") if n_params == 54_425_859
      else tr("✗ expected 54,425,859", "✗ 기대값 54,425,859"))

# %% [markdown] id="nb05-13" lang="en"
# **Discriminator: a PatchGAN.** `models.patchgan_discriminator()` looks at the label map
# and a photo together (6 channels) and returns a 30×30 grid of logits, each one judging
# whether a 70×70 patch of the photo is real *for that label map*.

# %% [markdown] id="nb05-13-ko" lang="ko"
# **판별자: 패치GAN.** `models.patchgan_discriminator()`는 레이블 맵과 사진을 함께(6채널) 보고
# 30×30 로짓 격자를 돌려줍니다. 각 로짓은 사진의 70×70 패치 하나가 *그 레이블 맵에 대해* 진짜인지
# 판정합니다.

# %% id="nb05-14"
discriminator = models.patchgan_discriminator()
patch_logits = discriminator([probe, probe])
n_params = discriminator.count_params()
print(tr("discriminator: 2 x", "판별자: 2 x"), tuple(probe.shape), "->",
      tuple(patch_logits.shape))
print(tr("discriminator parameters:", "판별자 파라미터 수:"), f"{n_params:,}",
      tr("✓ the Pix2Pix PatchGAN", "✓ Pix2Pix PatchGAN과 같음") if n_params == 2_770_433
      else tr("✗ expected 2,770,433", "✗ 기대값 2,770,433"))

# %% [markdown] id="nb05-14b" lang="en"
# ### Quiz 05-q2: the logit grid of a bigger photo
#
# The PatchGAN has no `Dense` layer, so the same layers accept any size divisible by 8.

# %% [markdown] id="nb05-14b-ko" lang="ko"
# ### 퀴즈 05-q2: 더 큰 사진의 로짓 격자
#
# 패치GAN에는 `Dense` 층이 없으므로, 같은 층들이 8로 나누어떨어지는 어떤 크기의 입력이든
# 받아들입니다.

# %% id="nb05-14c"
quiz.ask("05-q2")

# %% id="nb05-14d" tags=["answer"] grade_id="05-q2-answer"
# Shape of the logit grid for one 512×512 pair: (height, width, channels)
### BEGIN SOLUTION
q2_answer = quiz.sealed("19dfb9530916be4f3d45613d74e3f77fac497b1cec8b69e07aeb60d2de539809")
### END SOLUTION

# %% id="nb05-14e" tags=["check"] grade_id="05-q2"
quiz.check("05-q2", q2_answer)

# %% [markdown] id="nb05-15" lang="en"
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

# %% [markdown] id="nb05-15-ko" lang="ko"
# ## 4. 학습
#
# 목적 함수는 노트북 03과 같습니다. 판별자는 패치 로짓에 대해 $\text{BCE}(1, D(x, y)) +
# \text{BCE}(0, D(x, G(x)))$를 최소화하고, 생성자는 다음을 최소화합니다.
#
# $$\mathcal{L}_G = \text{BCE}\big(1, D(x, G(x))\big)
#   + \lambda \cdot \operatorname{mean}\,\lvert y - G(x) \rvert, \qquad \lambda = 100,$$
#
# GAN 항은 사실적인 질감을 요구하고, L1 항은 사진이 목표에서 벗어나지 않게 붙잡아 둡니다.
# `training.Pix2PixTrainer`는 배치마다 한 번 업데이트합니다. 라이브러리에서 읽어 온, 실제로
# 실행되는 스텝 코드는 다음과 같습니다.

# %% id="nb05-16"
# NBVAL_IGNORE_OUTPUT
print(inspect.getsource(training.Pix2PixTrainer.train_step))

# %% [markdown] id="nb05-17" lang="en"
# `training.fit` repeats that step, writes TensorBoard scalars, and saves a checkpoint
# (both networks, both optimizers, the step counter) every `CHECKPOINT_EVERY` steps. If
# Colab disconnects, rerun the notebook up to here: `fit` finds the checkpoint in
# `RUN_DIR` and prints `Resuming from step N`. Each network gets its own
# `Adam(2e-4, beta_1=0.5)`: Keras 3 optimizers belong to the variables they first update.
#
# While it trains, the figure below is redrawn every `SAMPLE_EVERY` steps with the
# prediction for one fixed validation map.

# %% [markdown] id="nb05-17-ko" lang="ko"
# `training.fit`은 이 스텝을 반복하면서 TensorBoard 스칼라를 기록하고, `CHECKPOINT_EVERY` 스텝마다
# 체크포인트(두 네트워크, 두 옵티마이저, 스텝 카운터)를 저장합니다. Colab 연결이 끊기면 노트북을
# 여기까지 다시 실행하세요. `fit`이 `RUN_DIR`에서 체크포인트를 찾아 `스텝 N부터 이어서 학습합니다`를
# 출력합니다. 각 네트워크는 자기만의 `Adam(2e-4, beta_1=0.5)`를 가집니다. Keras 3의 옵티마이저는
# 처음 업데이트한 변수에 귀속되기 때문입니다.
#
# 학습하는 동안 아래 그림은 `SAMPLE_EVERY` 스텝마다 고정된 검증용 맵 하나에 대한 예측으로 다시
# 그려집니다.

# %% [markdown] id="nb05-drive" lang="en"
# **Keeping checkpoints on Colab.** A Colab runtime loses its disk when it disconnects. On
# Colab, set `USE_GOOGLE_DRIVE = True` in the next cell and the run folder goes to your Google
# Drive, `MyDrive/gan-to-pix2pix/05_cityscapes/`: after a disconnect, run the notebook's cells
# again and training continues where the last checkpoint left it, printing `Resuming from step
# N`. Colab asks once for permission to mount your Drive. Outside Colab the flag changes
# nothing, and fast mode always uses a fresh temporary folder.

# %% [markdown] id="nb05-drive-ko" lang="ko"
# **Colab에서 체크포인트 지키기.** Colab 런타임은 연결이 끊기면 디스크 내용을 잃습니다.
# Colab에서 다음 셀의 `USE_GOOGLE_DRIVE = True`로 바꾸면 실행 폴더(run folder)가 여러분의 Google
# Drive, `MyDrive/gan-to-pix2pix/05_cityscapes/`에 만들어집니다. 연결이 끊긴 뒤 노트북의 셀들을
# 다시 실행하면 마지막 체크포인트에서 학습이 이어지고 `스텝 N부터 이어서 학습합니다`가 출력됩니다.
# Drive를 마운트(mount)할 권한은 Colab이 처음에 한 번 묻습니다. Colab이 아닌 곳에서는 이 설정이
# 아무것도 바꾸지 않고, 빠른 모드는 언제나 새 임시 폴더를 씁니다.

# %% id="nb05-drive-cell" tags=["skip-grading"]
USE_GOOGLE_DRIVE = False  # set True on Colab to keep checkpoints across disconnects
if USE_GOOGLE_DRIVE and config.on_colab():
    from google.colab import drive

    drive.mount("/content/drive")  # the run folder below then lives on your Drive

# %% id="nb05-18" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
RUN_DIR = (Path(tempfile.mkdtemp(prefix="pix2pix-cityscapes-")) if config.is_fast()
           else config.run_folder("05_cityscapes", config.course_folder() / "runs",
                                  USE_GOOGLE_DRIVE))
CHECKPOINT_EVERY = config.pick(5000, STEPS)
SAMPLE_EVERY = config.pick(1000, STEPS)

trainer = training.Pix2PixTrainer(generator, discriminator, lam=losses.LAMBDA)
trainer.compile(training.make_optimizer(2e-4, beta_1=0.5),  # one Adam per network
                training.make_optimizer(2e-4, beta_1=0.5))

sample_input, sample_target = next(iter(test_dataset))  # (1, 256, 256, 3) each
preview = display.display(display.Markdown(tr(
    f"*(the sample appears after the first {SAMPLE_EVERY} steps)*",
    f"*(처음 {SAMPLE_EVERY} 스텝이 지나면 샘플이 나타납니다)*")), display_id=True)


def show_sample(step, logs):
    prediction = generator(sample_input, training=True)  # dropout on, as in the paper
    fig = viz.compare_row(sample_input[0], sample_target[0], prediction[0],
                          titles=(tr("Input", "입력"), tr("Ground Truth", "정답"),
                                  tr(f"Predicted, step {step}", f"예측, 스텝 {step}")))
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
                title=tr(f"your run: {STEPS} steps, one panel per loss",
                         f"여러분의 학습: {STEPS} 스텝, 손실마다 패널 하나"))
plt.show()


# %% [markdown] id="nb05-20" lang="en"
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

# %% [markdown] id="nb05-20-ko" lang="ko"
# 긴 학습에서 `gen_l1_loss`는 내려가다가 평평해지고, `gen_gan_loss`와 `disc_loss`는 계속
# 오르내려야 합니다(어느 네트워크도 완전히 이기지 못합니다). `disc_loss`가 0 근처에 머물러 있다면
# 판별자가 이겨 버려서 생성자가 거기서 배우는 것이 거의 없다는 뜻입니다. 빠른 모드의 점 네 개로는
# 추세를 전혀 알 수 없습니다. TensorBoard에도 같은 곡선이 있습니다. `%load_ext tensorboard` 후
# `%tensorboard --logdir {RUN_DIR}/logs`.
#
# ## 5. 테스트 결과
#
# ### 연습 문제 05-ex1: 예측마다 숫자 두 개
#
# $[-1, 1]$ 범위의 두 이미지에 대한 `image_metrics(pred, target)`를 작성하세요. `(l1, psnr)`를
# 반환합니다. 모든 픽셀과 채널에 대한 평균 절대 차이, 그리고 데시벨(dB) 단위의 최대 신호 대
# 잡음비(peak signal-to-noise ratio, PSNR)입니다.
#
# $$\text{PSNR} = 10 \log_{10} \frac{\text{MAX}^2}{\text{MSE}}, \qquad
#   \text{MAX} = 2 \text{ (the width of } [-1, 1]), \quad
#   \text{MSE} = \operatorname{mean}\,(\text{pred} - \text{target})^2 .$$
#
# (여기서 MAX = 2는 구간 $[-1, 1]$의 폭입니다.) L1은 낮을수록, PSNR은 높을수록 좋습니다(RMS 오차가
# 절반이 될 때마다 약 6 dB씩 올라갑니다). 프로젝트의 점수를 매기는 것은 여러분의 함수입니다.
# 검사(check)를 통과하면 이 절의 지표(metrics) 표가 여러분의 함수로 계산되고(검사 다음 셀이 어느
# 쪽인지 알려 줍니다), 그 전까지는 `course_lib.evaluation.l1_psnr`로 계산되므로, 여러분의 함수가
# 어떤 상태이든 노트북은 계속 실행됩니다.

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

# %% [markdown] id="nb05-22c" lang="en"
# ### Quiz 05-q1: PSNR by hand
#
# Before reading the table below, one number to get a feel for the decibels.

# %% [markdown] id="nb05-22c-ko" lang="ko"
# ### 퀴즈 05-q1: 손으로 계산하는 PSNR
#
# 아래 표를 읽기 전에, 데시벨 감각을 익히기 위해 숫자 하나를 계산해 봅시다.

# %% id="nb05-22d"
quiz.ask("05-q1")

# %% id="nb05-22e" tags=["answer"] grade_id="05-q1-answer"
# PSNR in dB: a number
### BEGIN SOLUTION
q1_answer = quiz.sealed("a4fdf717c4a011ea3954d04ff04ffc49dd1ae2f12889c6ce6da464077a05b1cd")
### END SOLUTION

# %% id="nb05-22f" tags=["check"] grade_id="05-q1"
quiz.check("05-q1", q1_answer)


# %% [markdown] id="nb05-23" lang="en"
# ### Predictions on validation maps
#
# Input | Ground Truth | Predicted rows, with `training=True` at inference as in
# notebook 03 (each image normalised by its own BatchNorm statistics, dropout as noise):

# %% [markdown] id="nb05-23-ko" lang="ko"
# ### 검증용 맵에 대한 예측
#
# 입력 | 정답 | 예측 순서의 행들입니다. 노트북 03과 같이 추론 때 `training=True`를 사용합니다(각
# 이미지를 자신의 BatchNorm 통계로 정규화하고, 드롭아웃은 노이즈 역할을 합니다).

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
                labels=[tr("Input", "입력"), tr("Ground Truth", "정답"),
                        tr("Predicted", "예측")] * rows,
                title=tr(f"validation maps after {STEPS} training steps",
                         f"{STEPS} 스텝 학습 후 검증 레이블 맵"))
plt.show()

# %% [markdown] id="nb05-25" lang="en"
# ### Metrics against a baseline
#
# A number means little alone. The simplest baseline ignores the input altogether and
# always predicts the **mean training photo** (over the whole training set a grey-green
# blur: road below, buildings and sky above; in fast mode the mean of four photos).
# A useful generator must beat it clearly on L1; on PSNR a blurry average is hard to
# beat, because PSNR punishes large errors and rewards playing safe. That is the
# argument of notebook 03 for the GAN term, seen in numbers.

# %% [markdown] id="nb05-25-ko" lang="ko"
# ### 기준선과 지표 비교
#
# 숫자 하나만으로는 의미가 거의 없습니다. 가장 단순한 기준선(baseline)은 입력을 완전히 무시하고
# 항상 **학습 사진의 평균**을 예측하는 것입니다(학습 세트 전체에 대해서는 회녹색으로 흐릿한
# 이미지입니다. 아래는 도로, 위는 건물과 하늘. 빠른 모드에서는 사진 네 장의 평균). 쓸모 있는
# 생성자라면 L1에서 이 기준선을 확실히 이겨야 합니다. PSNR에서는 흐릿한 평균을 이기기 어렵습니다.
# PSNR은 큰 오차를 크게 벌하고 안전하게 가는 쪽을 보상하기 때문입니다. 노트북 03에서 GAN 항이
# 필요하다고 한 논거를 숫자로 확인하는 셈입니다.

# %% id="nb05-26" tags=["skip-grading"]
# NBVAL_IGNORE_OUTPUT
mean_photo = evaluation.mean_training_photo(train_subset)  # (256, 256, 3) in [-1, 1]
baseline = np.broadcast_to(mean_photo, test_targets.shape)
print(tr("{n} validation pairs; L1 on the [-1, 1] scale, PSNR in dB",
         "검증 쌍 {n}개; L1은 [-1, 1] 척도, PSNR은 dB", n=len(test_targets)))
for name, preds in ((tr("U-Net generator", "U-Net 생성자"), predictions),
                    (tr("mean training photo", "학습 사진 평균"), baseline)):
    scores = np.array([[float(v) for v in metrics_fn(pred, target)]  # yours (05-ex1)
                       for pred, target in zip(preds, test_targets)])
    l1, psnr = scores.mean(axis=0)
    print(f"{name:>20}: L1 {l1:.3f}   PSNR {psnr:5.2f}")

viz.sample_grid(mean_photo[None], rows=1, cols=1, size=2.8, labels=[tr("mean photo", "평균 사진")])
plt.show()

# %% [markdown] id="nb05-26b" lang="en"
# ### What done looks like: the reference model
#
# The course ships `pix2pix-cityscapes`, the same U-Net and PatchGAN trained with the same
# L1 + GAN loss and jitter on the 1 000 training pairs, for far longer than a fast-mode run.
# It colours the same validation maps as yours above, and its model card gives its scores
# on all 500 validation pairs next to the two trivial baselines: the mean training photo
# and the label map itself returned as the photo. Your run is judged against these, not
# against perfection.

# %% [markdown] id="nb05-26b-ko" lang="ko"
# ### 완성된 모습: 참조 모델
#
# 이 코스는 `pix2pix-cityscapes`를 함께 제공합니다. 같은 U-Net과 PatchGAN을 같은
# L1 + GAN 손실과 지터(jitter)로, 1 000개의 학습 쌍에서 빠른 모드보다 훨씬 오래 학습한
# 모델입니다. 아래 셀은 위에서 여러분의 생성자가 그린 검증용 레이블 맵을 이 모델로도
# 그려 나란히 보여 줍니다. 모델 카드에는 검증 쌍 500개 전체에 대한 점수가 두 가지
# 자명한 기준선(baseline), 곧 학습 사진의 평균 이미지와 레이블 맵을 그대로 사진으로
# 내놓는 경우와 함께 적혀 있습니다. 여러분의 결과는 완벽함이 아니라 이 기준들과
# 비교해 평가합니다.

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
                    labels=[tr("Input", "입력"), tr("Ground Truth", "정답"),
                            tr("yours", "여러분의 모델"), tr("reference", "참고 모델")] * rows,
                    title=tr("your generator next to the reference model",
                             "여러분의 생성자와 참고 모델 비교"))
    plt.show()
    if viz.training_history("pix2pix-cityscapes") is not None:
        plt.show()
else:
    print(weights.unavailable_reason("pix2pix-cityscapes"))

# %% [markdown] id="nb05-27" lang="en"
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

# %% [markdown] id="nb05-27-ko" lang="ko"
# ($[0, 1]$ 이미지에서 MAX = 1로 계산한 PSNR은 $[-1, 1]$에서 MAX = 2로 계산한 PSNR과 같습니다.
# 오차와 최댓값을 모두 절반으로 줄이면 서로 상쇄되기 때문입니다.)
#
# ## 6. 토의(강사가 채점)
#
# 아래 셀에 다음 질문에 답하는 짧은 토의(약 150–300단어)를 작성하세요.
#
# 1. **무엇이 잘되고 무엇이 실패하는가?** 생성자가 레이블 맵의 어떤 클래스를 그럴듯하게 그려 내고,
#    어디서 실패하나요(작은 객체, 사람, 질감, 경계)? 위의 그림들을 근거로 드세요.
# 2. **숫자는 무엇을 말하는가?** 여러분의 생성자를 평균 사진 기준선과 L1, PSNR로 비교하고,
#    기준선이 수치상 더 좋아 보이는 경우가 있다면 그 이유를 설명하세요.
# 3. **데이터 증강.** 어떤 증강을 사용했고, 왜 그것이 쌍 전체에 적용되어야 하며, 거리 풍경에 쓰면
#    안 되는 증강은 무엇인가요?
# 4. **다음 단계.** 다음에 시도해 볼 변경 두 가지(학습 길이, λ, 데이터, 구조)를 들고, 각각에서
#    무엇을 기대하는지 쓰세요.
#
# 빠른 모드만 실행했다면 그렇다고 밝히고, 전체 실행에서 기대하는 바를 서술하세요.

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

# %% [markdown] id="nb05-29" lang="en"
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

# %% [markdown] id="nb05-29-ko" lang="ko"
# ## 요약
#
# * 쌍으로 된 이미지-투-이미지 과제라면 무엇이든 Pix2Pix 방법에 맞출 수 있습니다. 어느 쪽 절반이
#   입력인지 확인하고, 이미지가 보여 주는 내용을 존중하는 증강을 고른 뒤, L1 + GAN 손실로 U-Net을
#   패치GAN에 맞서 학습시키면 됩니다.
# * 결과는 그림과 숫자 **둘 다로**, 그리고 항상 기준선과 나란히 놓고 판단하세요. PSNR만 보면
#   흐림이 보상받습니다.
# * 긴 학습에는 체크포인트가 필요합니다. `training.fit`은 멈춘 지점부터 다시 시작합니다.
#
# 이 노트북의 채점 항목입니다(토의는 강사가 채점합니다).

# %% id="nb05-30" tags=["reveals-answer"]
print(quiz.summary())

# %% id="nb05-31" tags=["skip-grading"]
if config.is_fast():  # the fast-mode run folder was temporary: free its checkpoint
    shutil.rmtree(RUN_DIR, ignore_errors=True)
