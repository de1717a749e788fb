"""tools/compare_generators.py: the recorded encoder-decoder vs U-Net history and its figure."""

import copy
import importlib.util
import json
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("compare_generators",
                                               ROOT / "tools" / "compare_generators.py")
compare = sys.modules["compare_generators"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compare)
RECORDED = ROOT / "weights" / "history" / f"{compare.NAME}.json"


def _fake_history(n: int = 3) -> dict:
    curve = [0.5, 0.4, 0.3][:n]
    return {"name": compare.NAME, "variants": list(compare.VARIANTS), "steps": [10, 20, 30][:n],
            "planned_steps": 30,
            "train": {v: {loss: list(curve) for loss in compare.LOSS_NAMES}
                      for v in compare.VARIANTS},
            "test_l1": {v: list(curve) for v in compare.VARIANTS}, "frame_steps": [15, 30],
            "test_files": ["1.png"], "data": "fake pairs", "batch_size": 1, "seed": 0,
            "machine": "test", "seconds": 1.0}


def test_check_history_accepts_the_format_and_names_what_is_wrong():
    compare.check_history(_fake_history())
    lacking = _fake_history()
    del lacking["machine"]
    with pytest.raises(ValueError, match="machine"):
        compare.check_history(lacking)
    short = _fake_history()
    short["test_l1"]["unet"].pop()
    with pytest.raises(ValueError, match="unet"):
        compare.check_history(short)
    unordered = copy.deepcopy(_fake_history())
    unordered["steps"] = [30, 20, 10]
    with pytest.raises(ValueError, match="increasing"):
        compare.check_history(unordered)


def test_frame_mosaic_puts_each_output_in_its_row_and_column():
    f, v, k, t = 2, 2, 3, 4
    frames = np.zeros((f, v, k, t, t, 3), np.uint8)
    frames[1, 0, 2] = 200  # variant 0 at the second frame step, third sketch
    inputs = np.zeros((k, 2, t, t, 3), np.uint8)
    inputs[0, 1] = 50  # the first sketch's ground truth
    mosaic = compare.frame_mosaic(frames, inputs)
    assert mosaic.shape == (k * t, (2 + v * f) * t, 3)
    assert (mosaic[2 * t:3 * t, 3 * t:4 * t] == 200).all()  # row 2, after 2 inputs + 1
    assert (mosaic[0:t, t:2 * t] == 50).all()
    assert mosaic.sum() == 200 * t * t * 3 + 50 * t * t * 3


def test_render_draws_curves_and_frames_small(tmp_path):
    t = compare.THUMB
    frames = np.random.default_rng(0).integers(0, 255, (2, 2, 3, t, t, 3), np.uint8)
    inputs = np.zeros((3, 2, t, t, 3), np.uint8)
    fig = compare.render(_fake_history(), frames, inputs)
    assert len(fig.axes) == 4  # train L1, test L1, GAN loss, frames
    assert "30 steps each" in fig._suptitle.get_text()
    assert [line.get_ydata().tolist() for line in fig.axes[1].lines] == [[0.5, 0.4, 0.3]] * 2
    compare.save_small_png(fig, tmp_path / "x.png")
    plt.close(fig)
    assert plt.imread(tmp_path / "x.png").shape[:2] == (540, 792)  # 11 x 7.5 in at 72 dpi
    assert (tmp_path / "x.png").stat().st_size < 300_000


def test_the_recorded_run_is_complete_and_small():
    history = json.loads(RECORDED.read_text())
    compare.check_history(history)
    assert history["steps"][-1] >= 100  # a stage where the comparison means something
    assert RECORDED.with_suffix(".png").stat().st_size < 300_000
