"""The history of a `python -m course_lib train` run, in the form `tools/ship_run.py` ships.

    python tools/run_history.py MODEL RUN_DIR OUT_DIR [--chunk 100] [--device TEXT]

`tools/train_jax.py` records its own history; a run of the course's own trainer leaves
TensorBoard scalars in RUN_DIR/logs and generator snapshots in RUN_DIR/snapshots
(`--snapshot-every`). This turns them into the same two files:

* OUT_DIR/history.json: the mean of each loss over every `--chunk` steps, the wall seconds
  since the run's first logged step, and the steps done;
* OUT_DIR/frames.npz: each snapshot's outputs on three fixed training inputs (uint8), i.e.
  what the generator drew at that point of the run.

A resumed run's event files are read together; a step logged twice (after a kill) counts once,
the later value winning.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from course_lib import data, inference, pixels, registry  # noqa: E402
from course_lib import weights as W  # noqa: E402
from course_lib.evaluation.pix2pix import pix2pix_files  # noqa: E402

# TensorBoard tag -> the loss name the history and `viz.training_history` use.
PIX2PIX_TAGS = {"gen_total_loss": "gen_total", "gen_gan_loss": "gen_gan",
                "gen_l1_loss": "gen_l1", "disc_loss": "disc"}
FIXED_INPUTS = 3  # progress frames: the same training inputs every time, as train_jax does


def read_scalars(logdir: Path) -> dict[str, dict[int, tuple[float, float]]]:
    """{tag: {step: (wall_time, value)}} from every event file under `logdir`."""
    import tensorflow as tf

    found: dict[str, dict[int, tuple[float, float]]] = {}
    files = sorted(logdir.glob("events.out.tfevents.*"))
    if not files:
        raise SystemExit(f"{logdir}: no TensorBoard event files (expected events.out.tfevents.*)")
    for path in files:
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                number = (value.simple_value if value.HasField("simple_value")
                          else float(tf.make_ndarray(value.tensor)))
                found.setdefault(value.tag, {})[event.step] = (event.wall_time, number)
    return found


def loss_history(scalars: dict, names: dict[str, str], chunk: int) -> dict:
    """Chunk means of the losses: {"loss_names", "steps", "losses", "seconds", "done_steps"}."""
    missing = [tag for tag in names if tag not in scalars]
    if missing:
        raise SystemExit(f"the event files lack the tags {missing}; found {sorted(scalars)}")
    steps = sorted(set.intersection(*(set(scalars[tag]) for tag in names)))
    first_wall = scalars[next(iter(names))][steps[0]][0]
    out = {"loss_names": list(names.values()), "steps": [], "losses": [], "seconds": []}
    for end in range(chunk, steps[-1] + chunk, chunk):
        inside = [s for s in steps if end - chunk < s <= end]
        if not inside:
            continue
        out["steps"].append(min(end, steps[-1]))
        out["losses"].append([round(float(np.mean([scalars[t][s][1] for s in inside])), 5)
                              for t in names])
        out["seconds"].append(round(scalars[next(iter(names))][inside[-1]][0] - first_wall, 1))
    out["done_steps"] = steps[-1]
    return out


def progress_frames(name: str, snapshot_dir: Path, files: list[str]) -> tuple[np.ndarray,
                                                                               np.ndarray]:
    """(frames uint8 (F, 3, 256, 256, 3), steps (F,)): every snapshot on fixed inputs."""
    picks = files[:: max(1, len(files) // FIXED_INPUTS)][:FIXED_INPUTS]
    inputs = [pixels.to_signed(data.pairs.load(f, registry.INPUT_SIDE[name])[0].numpy())
              for f in picks]
    frames, steps = [], []
    for path in W.snapshot_files([snapshot_dir]):
        generator, step = W.load_snapshot(name, path)
        outs = [inference.translate_image(generator, x, seed=i) for i, x in enumerate(inputs)]
        frames.append(pixels.to_uint8(np.stack(outs)))
        steps.append(step)
    if not frames:
        raise SystemExit(f"{snapshot_dir}: no g-NNNNNNN.weights.h5 snapshots")
    return np.stack(frames), np.asarray(steps)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", choices=["pix2pix-facades", "pix2pix-cityscapes"])
    parser.add_argument("run_dir", type=Path, help="has logs/ and snapshots/")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--chunk", type=int, default=100, help="steps per history point")
    parser.add_argument("--device", default="CPU", help="where the run trained")
    args = parser.parse_args(argv)

    files = pix2pix_files(args.model, "train")
    history = loss_history(read_scalars(args.run_dir / "logs"), PIX2PIX_TAGS, args.chunk)
    steps_per_epoch = len(files)
    history.update(run=args.model, tag=args.run_dir.name, batch_size=1,
                   steps_per_epoch=steps_per_epoch, device=args.device,
                   epochs_done=round(history["done_steps"] / steps_per_epoch, 2),
                   wall_seconds=history["seconds"][-1])
    frames, frame_steps = progress_frames(args.model, args.run_dir / "snapshots", files)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / "history.json").write_text(json.dumps(history) + "\n")
    np.savez_compressed(args.out_dir / "frames.npz", frames=frames, steps=frame_steps)
    print(f"{args.model}: {history['done_steps']} steps, {len(history['steps'])} history points, "
          f"{len(frames)} frames -> {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
