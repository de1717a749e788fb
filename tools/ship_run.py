"""Ship a trained generator as a course model, with its training history.

    python tools/ship_run.py MODEL WEIGHTS_FILE HISTORY_JSON FRAMES_NPZ --source TEXT
        [--selection TEXT] [--hardware TEXT] [--trainer TEXT] [--schedule TEXT]

HISTORY_JSON and FRAMES_NPZ come from `tools/train_jax.py`, or from `tools/run_history.py` for
a run of `python -m course_lib train` (then say so with --trainer, --schedule and --hardware).

What it does, in order:
1. loads WEIGHTS_FILE into the registry's architecture for MODEL (refusing a file that does not
   fit) and saves it as the shipped file in `weights/` (int8 for Pix2Pix, float32 otherwise);
2. writes the run's loss history `weights/history/MODEL.json` and a strip of progress frames
   `weights/history/MODEL_frames.png` (the generator's outputs on fixed inputs during training);
3. registers the file in `weights/manifest.json` with the training facts read from the history.

Afterwards: `python -m course_lib eval MODEL --update-manifest` adds the measured numbers, and
`weights.SHIPPED_SHA256` must be updated to the new digest (a test checks the two agree).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from course_lib import weights as W  # noqa: E402

JAX_TRAINER = ("tools/train_jax.py (course_lib models and losses, lax.scan steps, data and "
               "augmentation on the GPU)")
FRAMES_SHOWN = 6  # progress frames kept in the PNG strip (evenly spaced, the last included)


def frame_strip(frames: np.ndarray, steps: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """uint8 frames (F, K, H, W, C) -> one uint8 RGB image: a column per frame, a row per
    fixed input, FRAMES_SHOWN columns evenly spaced over training (the last always shown)."""
    picks = np.unique(np.linspace(0, len(frames) - 1, FRAMES_SHOWN).round().astype(int))
    chosen = frames[picks]
    if chosen.shape[-1] == 1:
        chosen = np.repeat(chosen, 3, axis=-1)
    n_frames, k, h, w, _ = chosen.shape
    if k == 16:  # MNIST: each frame is a 4x4 grid of digits
        chosen = chosen.reshape(n_frames, 4, 4, h, w, 3).transpose(0, 1, 3, 2, 4, 5)
        chosen = chosen.reshape(n_frames, 1, 4 * h, 4 * w, 3)
        k, h, w = 1, 4 * h, 4 * w
    gap = 4
    out = np.full((k * (h + gap), n_frames * (w + gap), 3), 255, np.uint8)
    for col in range(n_frames):
        for row in range(k):
            out[row * (h + gap):row * (h + gap) + h,
                col * (w + gap):col * (w + gap) + w] = chosen[col, row]
    return out, [int(s) for s in steps[picks]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", choices=W.MNIST_GENERATORS + W.PIX2PIX_GENERATORS)
    parser.add_argument("weights_file", type=Path)
    parser.add_argument("history", type=Path)
    parser.add_argument("frames", type=Path)
    parser.add_argument("--source", required=True,
                        help="which weights of the run these are (last, EMA, mean of ...)")
    parser.add_argument("--selection", default="", help="how they were chosen, with numbers")
    parser.add_argument("--hardware", default="1x NVIDIA H200, Keras 3 on the JAX backend")
    parser.add_argument("--trainer", default=JAX_TRAINER, help="what trained it")
    parser.add_argument("--schedule", help="the learning-rate schedule (default: train_jax's)")
    args = parser.parse_args(argv)

    spec = W.spec(args.model)
    model = W.build_model(args.model)
    W.load_weights_file(model, args.weights_file, spec.architecture)
    folder = W.resolve_weights_dir()
    path = W.save_weights_file(model, folder / spec.file, spec.architecture, spec.storage)

    history = json.loads(args.history.read_text())
    history_dir = folder / "history"
    history_dir.mkdir(exist_ok=True)
    keep = ("run", "tag", "batch_size", "steps_per_epoch", "loss_names", "steps", "losses",
            "seconds", "done_steps", "epochs_done", "planned_epochs", "device")
    (history_dir / f"{args.model}.json").write_text(
        json.dumps({k: history[k] for k in keep if k in history}) + "\n")
    with np.load(args.frames) as saved:
        strip, shown = frame_strip(saved["frames"], saved["steps"])
    # Digits are tiny: show them twice as large. Pix2Pix frames: half size keeps the file small.
    strip = (strip.repeat(2, 0).repeat(2, 1) if args.model in W.MNIST_GENERATORS
             else strip[::2, ::2])
    from PIL import Image

    Image.fromarray(strip).save(history_dir / f"{args.model}_frames.png", optimize=True)

    training = {**spec.defaults,
                "steps": history["done_steps"], "epochs": history["epochs_done"],
                "batch_size": history["batch_size"],
                "schedule": args.schedule or (
                    "Adam, constant rate" if args.model in W.MNIST_GENERATORS else
                    "Adam, constant rate for the first half of the steps, then linear "
                    "decay to zero (pix2pix paper schedule)"),
                "recipe": {k: history[k] for k in ("d_activation", "d_dropout", "adam_beta_1",
                                                   "label_smoothing", "ema_decay")
                           if k in history},
                "source": args.source, "selection": args.selection,
                "trainer": args.trainer,
                "history": {"losses": f"history/{args.model}.json",
                            "frames": f"history/{args.model}_frames.png",
                            "frame_steps": shown}}
    if history.get("stopped_early"):
        training["stopped_early"] = history["stopped_early"]
    entry = W.register_weights(args.model, path, folder, model=model, training=training,
                               wall_time_s=history.get("wall_seconds"), hardware=args.hardware,
                               notes=f"trained with {args.trainer.split(' (')[0]} on "
                                     f"{args.hardware}; loaded and evaluated under TensorFlow "
                                     "before shipping")
    print(f"{args.model}: {path.name} sha256 {entry['sha256']} ({entry['size']:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
