"""Pictures: sample grids, Pix2Pix comparison rows, PatchGAN heat-maps, loss curves, GIFs.

Images come in as arrays scaled to [-1,1] (what the generators output); every function maps
them back to [0,1] for display.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np


def to_unit(images) -> np.ndarray:
    """[-1,1] -> [0,1], clipped, as a numpy array."""
    return np.clip((np.asarray(images, dtype=np.float32) + 1.0) / 2.0, 0.0, 1.0)


def sample_grid(images, rows: int | None = None, cols: int | None = None, title: str | None = None,
                labels: Sequence | None = None, size: float = 1.2):
    """Show N images (N,H,W,1|3) in [-1,1] as a rows x cols grid; returns the Figure."""
    images = to_unit(images)
    n = len(images)
    cols = cols or int(np.ceil(np.sqrt(n)))
    rows = rows or int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * size, rows * size), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            img = images[i]
            ax.imshow(img[..., 0] if img.shape[-1] == 1 else img, cmap="gray", vmin=0, vmax=1)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def save_grid(images, path: str | Path, **kwargs) -> Path:
    """Write `sample_grid(images)` to a PNG and close the figure."""
    fig = sample_grid(images, **kwargs)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def make_gif(frames: Sequence[str | Path], out: str | Path, duration: float = 0.3) -> Path:
    """Stitch PNG frames (e.g. `image_at_epoch_*.png`) into an animated GIF with imageio."""
    import imageio.v2 as imageio

    out = Path(out)
    images = [imageio.imread(f) for f in sorted(map(str, frames))]
    if not images:
        raise ValueError(f"make_gif: no frames given for {out}")
    imageio.mimsave(out, images, duration=duration, loop=0)
    return out


def compare_row(input_image, target, prediction, titles=("Input", "Ground Truth", "Predicted")):
    """One Pix2Pix example as Input | Ground Truth | Predicted (each (H,W,3) in [-1,1])."""
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
    for ax, img, title in zip(axes, (input_image, target, prediction), titles):
        ax.imshow(to_unit(img))
        ax.set_title(title)
        ax.axis("off")
    fig.tight_layout()
    return fig


def patch_heatmap(logits, title: str = "PatchGAN logits (30x30)"):
    """Diverging colour map of a (30,30[,1]) PatchGAN output: red = 'real', blue = 'fake'."""
    logits = np.squeeze(np.asarray(logits))
    lim = float(np.abs(logits).max()) or 1.0
    fig, ax = plt.subplots(figsize=(4, 3.5))
    im = ax.imshow(logits, cmap="RdBu_r", vmin=-lim, vmax=lim)
    fig.colorbar(im, ax=ax)
    ax.set_title(title)
    ax.axis("off")
    return fig


def loss_curves(history: dict[str, Sequence[float]], steps: Sequence[int] | None = None,
                title: str = "Losses", separate: bool = False, **plot_kwargs):
    """Plot each named loss series against the step (or index).

    separate=True: one panel per loss, each on its own y scale (a Pix2Pix L1 of 0.2 is a flat
    line on the axis of a total loss of 40), the layout of `training_history`.
    """
    names = list(history)
    if separate:
        fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 3.2), squeeze=False)
        axes = list(axes[0])
    else:
        fig, ax = plt.subplots(figsize=(6, 3.5))
        axes = [ax] * len(names)
    for ax, name in zip(axes, names):
        values = history[name]
        ax.plot(steps if steps is not None else range(len(values)), values, label=name,
                **plot_kwargs)
        ax.set_xlabel("step")
        if separate:
            ax.set_title(name, fontsize=10)
    if separate:
        fig.suptitle(title)
    else:
        axes[0].legend()
        axes[0].set_title(title)
    fig.tight_layout()
    return fig


def training_history(name: str, weights_dir: str | Path | None = None):
    """Show how a shipped pretrained model was trained: its loss curves, one panel per loss
    (an L1 of 0.15 and a GAN loss of 1.7 do not share a scale), then its progress frames.

    Reads `history/NAME.json` and `history/NAME_frames.png` beside the weights (written by
    `tools/ship_run.py`); returns the Figure, or None with a printed line when the model
    ships without a history.
    """
    import json

    from course_lib import weights

    folder = weights.resolve_weights_dir(weights_dir) / "history"
    losses_file, frames_file = folder / f"{name}.json", folder / f"{name}_frames.png"
    if not losses_file.exists():
        print(f"{name}: no training history ships with these weights.")
        return None
    run = json.loads(losses_file.read_text())
    values = np.asarray(run["losses"], np.float32)  # (chunks, losses): means over each chunk
    steps = np.asarray(run["steps"])
    n = values.shape[1]
    fig = plt.figure(figsize=(3.2 * n, 5.6))
    grid = fig.add_gridspec(2, n, height_ratios=(1, 1.1))
    for i, loss in enumerate(run["loss_names"]):
        ax = fig.add_subplot(grid[0, i])
        ax.plot(steps, values[:, i])
        ax.set_title(loss, fontsize=10)
        ax.set_xlabel("step")
    frames = fig.add_subplot(grid[1, :])
    frames.imshow(plt.imread(frames_file))
    frames.axis("off")
    frames.set_title("progress frames: the same inputs, left to right through training",
                     fontsize=10)
    fig.suptitle(f"{name}: the real training run ({run['done_steps']:,} steps, "
                 f"{run['epochs_done']:g} epochs, batch {run['batch_size']})")
    fig.tight_layout()
    return fig
