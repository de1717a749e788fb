"""Record lesson 04's encoder-decoder vs U-Net comparison at a stage where it means something.

    COURSE_DATA_DIR=/path/to/data nice -n 19 python tools/compare_generators.py \
        --steps 500 --record-every 25 --frames 4 --machine "2-core CPU (shared)"

Both generators of lesson 04 (`course_lib.models.EncoderDecoderGenerator` and
`UNetGenerator`, identical except for the U-Net's skips) are trained the same way: a fresh
`PatchGANDiscriminator` each, `Adam(2e-4, beta_1=0.5)` per network, the lesson's
`pokemon_dataset` (batch 1, `pokemon_augment`), the same seed, hence the same initial encoder
and decoder weights and the same order of training pairs. Every `--record-every` steps it keeps
the mean of each training loss over that window and the mean L1 on a fixed set of test pairs
(held out, never trained on); at `--frames` moments it keeps both generators' outputs on the
same few test sketches.

Writes (into `--out`, default `weights/history/`):
    encoder_decoder_vs_unet.json  the curves and the facts of the run (`HISTORY_KEYS`)
    encoder_decoder_vs_unet.png   curves on top, frames below (kept small: < 300 KB)
Lesson 04 prints the JSON and shows the PNG. No checkpoints: a killed run starts again. The
committed record: 500 steps each, 37 min on a shared 2-core CPU (about 2 s for one step of
both generators when the machine was quiet, 8-16 s under load).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NAME = "encoder_decoder_vs_unet"
VARIANTS = ("encoder_decoder", "unet")
LOSS_NAMES = ("gen_total_loss", "gen_gan_loss", "gen_l1_loss", "disc_loss")
HISTORY_KEYS = ("name", "variants", "steps", "planned_steps", "train", "test_l1", "frame_steps",
                "test_files", "data", "batch_size", "seed", "machine", "seconds")
THUMB = 96  # frame thumbnails, pixels per side: keeps the PNG small


def check_history(history: dict) -> None:
    """Raise ValueError unless `history` has the documented shape.

    history["steps"]: the step after each recording window (S,); history["train"][variant]
    [loss]: mean of that training loss over each window (S,); history["test_l1"][variant]:
    mean |G(x) - y| on the fixed test pairs, in [-1, 1] units (S,); history["frame_steps"]:
    the steps at which frames were kept.
    """
    missing = [key for key in HISTORY_KEYS if key not in history]
    if missing:
        raise ValueError(f"history lacks {missing}")
    n = len(history["steps"])
    if n == 0 or list(history["steps"]) != sorted(history["steps"]):
        raise ValueError("history['steps'] must be a non-empty increasing list")
    for variant in history["variants"]:
        series = [history["test_l1"][variant],
                  *(history["train"][variant][loss] for loss in LOSS_NAMES)]
        if any(len(values) != n for values in series):
            raise ValueError(f"{variant}: every curve needs one value per recorded step ({n})")


def render(history: dict, frames: np.ndarray | None = None, inputs: np.ndarray | None = None):
    """The comparison as one Figure: L1 curves (train, test) and the GAN loss on top; below,
    when given, frames uint8 (F, V, K, THUMB, THUMB, 3) for F frame steps, V variants and K
    test sketches, shown as K rows of [sketch | truth | V x F outputs] (`frame_mosaic`)."""
    import matplotlib.pyplot as plt

    check_history(history)
    steps = np.asarray(history["steps"])
    fig = plt.figure(figsize=(11, 7.5 if frames is not None else 3.4))
    grid = fig.add_gridspec(2 if frames is not None else 1, 3,
                            height_ratios=(1, 1.5) if frames is not None else None)
    panels = (("train L1 (window mean)", lambda v: history["train"][v]["gen_l1_loss"]),
              ("test L1 (held-out pairs)", lambda v: history["test_l1"][v]),
              ("generator GAN loss", lambda v: history["train"][v]["gen_gan_loss"]))
    for i, (title, curve) in enumerate(panels):
        ax = fig.add_subplot(grid[0, i])
        for variant in history["variants"]:
            ax.plot(steps, curve(variant), label=variant.replace("_", "-"))
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("step")
        ax.legend(fontsize=8)
    if frames is not None:
        ax = fig.add_subplot(grid[1, :])
        ax.imshow(frame_mosaic(frames, inputs))
        ax.axis("off")
        labels = "   ".join(f"{v.replace('_', '-')} @ {s}" for v in history["variants"]
                            for s in history["frame_steps"])
        ax.set_title(f"sketch | truth | {labels}", fontsize=8)
    fig.suptitle(f"encoder-decoder vs U-Net: {history['steps'][-1]} steps each, batch "
                 f"{history['batch_size']}, {history['data']}", fontsize=10)
    fig.tight_layout()
    return fig


def frame_mosaic(frames: np.ndarray, inputs: np.ndarray | None = None) -> np.ndarray:
    """frames (F, V, K, H, W, 3) [+ inputs (K, 2, H, W, 3): sketch, truth] -> one uint8 image
    with a row per test sketch: [sketch | truth |] variant 0 at every frame step, then
    variant 1, ..."""
    n_frames, n_variants, k = frames.shape[:3]
    rows = []
    for j in range(k):
        tiles = list(inputs[j]) if inputs is not None else []
        tiles += [frames[f, v, j] for v in range(n_variants) for f in range(n_frames)]
        rows.append(np.concatenate(tiles, axis=1))
    return np.concatenate(rows, axis=0)


def _thumb(image) -> np.ndarray:
    """(1, 256, 256, 3) in [-1, 1] -> uint8 (THUMB, THUMB, 3)."""
    import tensorflow as tf

    from course_lib.pixels import to_uint8

    return to_uint8(tf.image.resize(image, (THUMB, THUMB), antialias=True)[0].numpy())


def _build_trainer(variant: str, seed: int):
    """A compiled Pix2PixTrainer for `variant` with a fresh PatchGAN, built right after seeding,
    so both variants start from the same encoder/decoder weights."""
    import keras
    import tensorflow as tf

    from course_lib import losses, models, training

    keras.utils.set_random_seed(seed)
    generator = models.UNetGenerator() if variant == "unet" else models.EncoderDecoderGenerator()
    discriminator = models.PatchGANDiscriminator()
    probe = tf.zeros((1, 256, 256, 3))
    discriminator([probe, generator(probe)])  # subclassed models build on a first call
    trainer = training.Pix2PixTrainer(generator, discriminator, lam=losses.LAMBDA)
    trainer.compile(training.make_optimizer(2e-4, 0.5), training.make_optimizer(2e-4, 0.5))
    return trainer


def train_and_record(args: argparse.Namespace) -> None:
    """Train both variants in lockstep on the very same batches; after every recording window
    rewrite the JSON and PNG, so a run stopped early still leaves a valid (shorter) record."""
    import keras
    import tensorflow as tf

    from course_lib import data

    train_files = data.pokemon_pairs_files("train")
    test_files = data.pokemon_pairs_files("test")[:args.test_pairs]
    derived = "derived" in Path(train_files[0]).parent.parent.name
    test_batches = list(data.pokemon_dataset(test_files, training=False, batch_size=1))
    planned_frames = sorted({int(round(s)) for s in
                             np.linspace(args.steps / args.frames, args.steps, args.frames)})
    history = {"name": NAME, "variants": list(VARIANTS), "steps": [],
               "train": {v: {loss: [] for loss in LOSS_NAMES} for v in VARIANTS},
               "test_l1": {v: [] for v in VARIANTS}, "frame_steps": [],
               "planned_steps": args.steps,
               "test_files": [Path(f).name for f in test_files],
               "data": (f"DERIVED Pokémon pairs ({len(train_files)} train)" if derived
                        else f"Sketch2Pokemon ({len(train_files)} train)"),
               "batch_size": 1, "seed": args.seed, "machine": args.machine, "seconds": 0.0}
    trainers = {v: _build_trainer(v, args.seed) for v in VARIANTS}
    # trainer.train_step is the lesson's step; one tf.function each, fed the same batch.
    step_fns = {v: tf.function(t.train_step) for v, t in trainers.items()}
    inputs = np.stack([[_thumb(x), _thumb(y)] for x, y in test_batches[:args.sketches]])
    frames = []  # one (V, K, THUMB, THUMB, 3) array per frame step reached
    keras.utils.set_random_seed(args.seed)
    batches = iter(data.pokemon_dataset(train_files, training=True, batch_size=1).repeat())
    window = {v: {loss: [] for loss in LOSS_NAMES} for v in VARIANTS}
    started = time.time()
    for step in range(1, args.steps + 1):
        batch = next(batches)
        for v in VARIANTS:
            for loss, value in step_fns[v](batch).items():
                window[v][loss].append(float(value))
        if step in planned_frames:
            frames.append(np.stack([[_thumb(trainers[v].generator(x, training=True))
                                     for x, _ in test_batches[:args.sketches]]
                                    for v in VARIANTS]))
            history["frame_steps"].append(step)
        if step % args.record_every == 0 or step == args.steps:
            history["steps"].append(step)
            for v in VARIANTS:
                for loss in LOSS_NAMES:
                    history["train"][v][loss].append(round(float(np.mean(window[v][loss])), 5))
                    window[v][loss] = []
                history["test_l1"][v].append(round(float(np.mean(
                    [tf.reduce_mean(tf.abs(trainers[v].generator(x, training=True) - y))
                     for x, y in test_batches])), 5))
            history["seconds"] = round(time.time() - started, 1)
            print(f"step {step}: test L1 " + ", ".join(
                f"{v} {history['test_l1'][v][-1]:.4f}" for v in VARIANTS)
                + f" ({history['seconds']:.0f} s)", flush=True)
            write(history, np.stack(frames) if frames else None, inputs, args.out)


def write(history: dict, frames: np.ndarray | None, inputs: np.ndarray, out: Path) -> None:
    """Write `NAME.json` and `NAME.png` into `out`."""
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.use("Agg")
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{NAME}.json").write_text(json.dumps(history) + "\n")
    fig = render(history, frames, inputs)
    save_small_png(fig, out / f"{NAME}.png")
    plt.close(fig)


def save_small_png(fig, path: Path) -> None:
    """Save `fig` at 72 dpi as a 256-colour PNG: about a third of the full-colour size, which
    keeps the committed figure under 300 KB."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=72)
    image = Image.open(buffer).convert("RGB")
    image.quantize(256, dither=Image.Dither.NONE).save(path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=500, help="training steps per generator")
    parser.add_argument("--record-every", type=int, default=25, help="steps per loss window")
    parser.add_argument("--frames", type=int, default=4, help="moments with sample outputs")
    parser.add_argument("--sketches", type=int, default=3, help="test sketches in the frames")
    parser.add_argument("--test-pairs", type=int, default=8, help="test pairs for test L1")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--machine", default="unknown", help="recorded as where it ran")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1]
                        / "weights" / "history")
    args = parser.parse_args(argv)
    train_and_record(args)
    print(f"wrote {args.out / NAME}.json and .png", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
