"""tools/run_history.py: a course_lib training run's TensorBoard scalars and snapshots become the
history and progress frames that tools/ship_run.py ships beside the weights."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

TOOL = Path(__file__).resolve().parents[1] / "tools" / "run_history.py"
spec = importlib.util.spec_from_file_location("run_history", TOOL)
run_history = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_history)


def _log(logdir: Path, rows: dict[int, float]) -> None:
    """One event file (as one training process writes it) with every pix2pix loss tag."""
    writer = tf.summary.create_file_writer(str(logdir))
    with writer.as_default():
        for step, value in rows.items():
            for i, tag in enumerate(run_history.PIX2PIX_TAGS):
                tf.summary.scalar(tag, value + i, step=step)
    writer.close()


def test_a_resumed_run_is_read_as_one_history(tmp_path):
    logdir = tmp_path / "logs"
    # The first process logged steps 10..50 and was killed; the second resumed from the
    # checkpoint at 40 and logged 50 again (its value wins) and 60.
    _log(logdir, {10: 1.0, 20: 1.0, 30: 3.0, 40: 3.0, 50: 99.0})
    _log(logdir, {50: 5.0, 60: 5.0})
    scalars = run_history.read_scalars(logdir)
    history = run_history.loss_history(scalars, run_history.PIX2PIX_TAGS, chunk=20)
    assert history["loss_names"] == ["gen_total", "gen_gan", "gen_l1", "disc"]
    assert history["steps"] == [20, 40, 60]
    assert [row[0] for row in history["losses"]] == [1.0, 3.0, 5.0]
    assert history["losses"][0] == [1.0, 2.0, 3.0, 4.0]
    assert history["done_steps"] == 60
    assert history["seconds"][0] >= 0 and history["seconds"] == sorted(history["seconds"])


def test_missing_tags_and_logs_are_named(tmp_path):
    with pytest.raises(SystemExit, match="no TensorBoard event files"):
        run_history.read_scalars(tmp_path)
    with pytest.raises(SystemExit, match="lack the tags"):
        run_history.loss_history({"disc_loss": {10: (0.0, 1.0)}}, run_history.PIX2PIX_TAGS, 10)


@pytest.mark.slow
def test_frames_are_each_snapshots_outputs_on_fixed_inputs(tmp_path):
    from course_lib import data, registry

    files = data.facades_files("train", sample=True)
    snapshots = tmp_path / "snapshots"
    snapshots.mkdir()
    generator = registry.build_model("pix2pix-facades")
    generator.save_weights(str(snapshots / "g-0000100.weights.h5"))
    # A second snapshot that differs: every output must then differ too.
    generator.layers[-1].kernel.assign(generator.layers[-1].kernel * 0.0)
    generator.save_weights(str(snapshots / "g-0000200.weights.h5"))
    frames, steps = run_history.progress_frames("pix2pix-facades", snapshots, files)
    assert frames.dtype == np.uint8 and frames.shape == (2, min(3, len(files)), 256, 256, 3)
    assert steps.tolist() == [100, 200]
    assert not np.array_equal(frames[0], frames[1])
    # The zeroed last layer draws tanh(bias) = mid-grey everywhere.
    assert np.abs(frames[1].astype(int) - 127).max() <= 1
