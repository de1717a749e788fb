"""The Sketch2Pokemon content check (course_lib.data.sketch_check), as imports apply it."""

from __future__ import annotations

import tarfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from course_lib import data
from tests.data_helpers import (
    private_cache,  # noqa: F401  (an autouse fixture)
    run_cli,
)


def _pairs_archive(path: Path, files_by_split: dict[str, list]) -> Path:
    """A tar.gz holding sketch2pokemon/{split}/N.ext from the given source files."""
    with tarfile.open(path, "w:gz") as tar:
        for split, files in files_by_split.items():
            for i, f in enumerate(files):
                tar.add(f, arcname=f"sketch2pokemon/{split}/{i}{Path(f).suffix}")
    return path


def test_sketch2pokemon_import_accepts_sketch_pairs(tmp_path):
    pairs = data.pokemon_pairs_files("train", sample=True)
    archive = _pairs_archive(tmp_path / "s2p.tar.gz", {"train": pairs, "test": pairs[:1]})
    final = data.install_archive("sketch2pokemon", archive, tmp_path / "data")
    assert len(list((final / "train").iterdir())) == len(pairs)


def test_sketch2pokemon_import_refuses_facades(tmp_path, capsys):
    """The issue's case: facades.tar.gz imported as sketch2pokemon used to be accepted."""
    facades = data.facades_files("train", sample=True)
    archive = tmp_path / "facades.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for split in ("train", "val", "test"):
            for f in facades:
                tar.add(f, arcname=f"facades/{split}/{Path(f).name}")
    target = tmp_path / "data"
    code, out = run_cli("data", "import", "sketch2pokemon", str(archive), "--data-dir",
                        str(target), capsys=capsys)
    assert code == 1 and "Traceback" not in out
    assert "expected sketch|colour pairs, found the facades dataset" in out
    assert list(target.iterdir()) == []


def test_sketch2pokemon_import_refuses_unknown_photo_pairs(tmp_path):
    """Pairs no manifest knows are judged by their left half, which must look like a sketch."""
    rng = np.random.default_rng(0)
    src = tmp_path / "src"
    src.mkdir()
    files = []
    for i in range(4):
        pixels = rng.integers(0, 256, (256, 512, 3), dtype=np.uint8)  # colourful noise
        Image.fromarray(pixels).save(src / f"{i}.png")
        files.append(src / f"{i}.png")
    archive = _pairs_archive(tmp_path / "s2p.tar.gz", {"train": files, "test": files})
    with pytest.raises(data.DataError, match=r"expected sketch\|colour pairs .* found 8 of 8"):
        data.install_archive("sketch2pokemon", archive, tmp_path / "data")
    assert list((tmp_path / "data").iterdir()) == []
