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
                title: str = "Losses"):
    """Plot each named loss series against the step (or index)."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for name, values in history.items():
        ax.plot(steps if steps is not None else range(len(values)), values, label=name)
    ax.set_xlabel("step")
    ax.legend()
    ax.set_title(title)
    fig.tight_layout()
    return fig
