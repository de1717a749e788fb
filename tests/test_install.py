"""`course_lib` works as an ordinary (non-editable) install, away from the checkout.

The library must not reach into the repository: the quiz banks, dataset manifests and embedded
samples travel as package data, and the pretrained weights are found through configuration
(`COURSE_WEIGHTS_DIR`) instead of a path relative to the source tree.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_a_non_editable_install_runs_from_anywhere(tmp_path):
    source = tmp_path / "source"  # built from a copy: the build leaves nothing in the checkout
    for name in ("pyproject.toml", "README.md"):
        source.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "course_lib", source / "course_lib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--target", str(target), str(source)],
                   check=True, capture_output=True, text=True, timeout=600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "COURSE_WEIGHTS_DIR": str(ROOT / "weights"),
           "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("COURSE_DATA_DIR", None)
    probe = (
        "import course_lib, pathlib\n"
        f"assert pathlib.Path(course_lib.__file__).is_relative_to({str(target)!r})\n"
        "from course_lib import quiz, data\n"
        "assert len(quiz.load_bank()) >= 15\n"
        "images, labels = data.load_mnist_arrays('train', sample=True)\n"
        "assert images.shape[1:3] == (28, 28) and len(set(labels.tolist())) == 10\n"
        "assert data.facades_files('train', sample=True)\n"
        "print('probe ok')\n")
    run = subprocess.run([sys.executable, "-c", probe], cwd=elsewhere, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "probe ok" in run.stdout
    verify = subprocess.run([sys.executable, "-m", "course_lib", "weights", "verify"],
                            cwd=elsewhere, env=env, capture_output=True, text=True, timeout=600)
    assert verify.returncode == 0, verify.stdout[-2000:] + verify.stderr[-2000:]
    assert "verified" in verify.stdout
