"""Pictures: sample grids, Pix2Pix comparison rows, PatchGAN heat-maps, loss curves, GIFs.

Images come in as arrays scaled to [-1,1] (what the generators output); every function maps
them back to [0,1] for display (`course_lib.pixels.to_unit`).

Titles and labels speak the learner's language (`course_lib.messages`). Matplotlib's own font
has no Hangul, so in the Korean edition (`COURSE_LANG=ko` when this module is imported) the
NanumGothic font is registered first (`use_korean_font`); the English edition is untouched.
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import font_manager

from course_lib import messages
from course_lib.pixels import to_unit

KOREAN_FONT = "NanumGothic"  # shipped inside the `koreanize-matplotlib` pip package
KOREAN_FONT_PACKAGE = "koreanize-matplotlib"
SYMBOL_FONT = "DejaVu Sans"  # matplotlib's bundled font: symbols and Latin NanumGothic lacks


def korean_font_file() -> Path | None:
    """NanumGothic.ttf inside the installed `koreanize_matplotlib` package, or None.

    Found through the package's import spec, not by importing it: its import rewrites
    matplotlib's settings as a side effect (and needs distutils, gone from Python 3.12).
    """
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / f"{KOREAN_FONT}.ttf"
    return path if path.is_file() else None


def use_korean_font() -> bool:
    """Make Hangul render: NanumGothic first in `font.family`, DejaVu Sans behind it.

    Registers the font file with matplotlib once (later calls only set the rcParams again),
    and turns off `axes.unicode_minus`: NanumGothic has no U+2212, so negative tick labels
    use the ASCII hyphen. Returns False (with a warning naming the pip package) when the font
    is not installed; figures then still draw, with boxes for Hangul.
    """
    path = korean_font_file()
    if path is None:
        warnings.warn(messages.text("viz.no_korean_font", package=KOREAN_FONT_PACKAGE),
                      stacklevel=2)
        return False
    if KOREAN_FONT not in {font.name for font in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))
    plt.rcParams["font.family"] = [KOREAN_FONT, SYMBOL_FONT]
    plt.rcParams["axes.unicode_minus"] = False
    return True


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


def compare_row(input_image, target, prediction, titles: Sequence[str] | None = None):
    """One Pix2Pix example as Input | Ground Truth | Predicted (each (H,W,3) in [-1,1]).

    `titles` default to those three words in the learner's language.
    """
    if titles is None:
        titles = [messages.text(key) for key in ("viz.input", "viz.target", "viz.predicted")]
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
    for ax, img, title in zip(axes, (input_image, target, prediction), titles):
        ax.imshow(to_unit(img))
        ax.set_title(title)
        ax.axis("off")
    fig.tight_layout()
    return fig


def patch_heatmap(logits, title: str | None = None):
    """Diverging colour map of a (30,30[,1]) PatchGAN output: red = 'real', blue = 'fake'."""
    if title is None:
        title = messages.text("viz.patch_logits")
    logits = np.squeeze(np.asarray(logits))
    lim = float(np.abs(logits).max()) or 1.0
    fig, ax = plt.subplots(figsize=(4, 3.5))
    im = ax.imshow(logits, cmap="RdBu_r", vmin=-lim, vmax=lim)
    fig.colorbar(im, ax=ax)
    ax.set_title(title)
    ax.axis("off")
    return fig


def loss_curves(history: dict[str, Sequence[float]], steps: Sequence[int] | None = None,
                title: str | None = None, separate: bool = False, **plot_kwargs):
    """Plot each named loss series against the step (or index).

    separate=True: one panel per loss, each on its own y scale (a Pix2Pix L1 of 0.2 is a flat
    line on the axis of a total loss of 40), the layout of `training_history`.
    """
    names = list(history)
    if title is None:
        title = messages.text("viz.losses")
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
        ax.set_xlabel(messages.text("viz.step"))
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
        print(messages.text("viz.no_history", name=name))
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
        ax.set_xlabel(messages.text("viz.step"))
    frames = fig.add_subplot(grid[1, :])
    frames.imshow(plt.imread(frames_file))
    frames.axis("off")
    frames.set_title(messages.text("viz.progress_frames"), fontsize=10)
    fig.suptitle(messages.text("viz.training_run", name=name, steps=run["done_steps"],
                               epochs=run["epochs_done"], batch=run["batch_size"]))
    fig.tight_layout()
    return fig


if messages.lang() == "ko":  # the Korean edition set COURSE_LANG before importing viz
    use_korean_font()
