"""Verification (course_lib.data.verify): bad files are named with what was expected vs found.

Every corrupted fixture is a copy made under tmp_path.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from course_lib import data
from course_lib.data import verify
from tests.data_helpers import (
    MIRROR,
    needs_mirror,
    private_cache,  # noqa: F401  (an autouse fixture)
    run_cli,
)


@pytest.fixture
def facades_copy(tmp_path) -> Path:
    """A writable copy of the mirror's facades under tmp_path/data; returns tmp_path/data."""
    root = tmp_path / "data"
    shutil.copytree(MIRROR / "facades", root / "facades")
    return root


@needs_mirror
def test_corrupt_mnist_file_is_refused(tmp_path):
    shutil.copytree(MIRROR / "mnist", tmp_path / "mnist")
    labels = tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(labels.read_bytes())
    raw[100] ^= 0xFF
    labels.write_bytes(bytes(raw))
    with pytest.raises(data.DataError, match=r"mnist/t10k-labels-idx1-ubyte.gz: sha256 expected "
                                             r"f7ae60f92e00…, found"):
        data.load_mnist_arrays("test", tmp_path)


@needs_mirror
def test_truncated_jpeg_is_named(facades_copy, capsys):
    bad = facades_copy / "facades" / "train" / "12.jpg"
    bad.write_bytes(bad.read_bytes()[: bad.stat().st_size * 2 // 3])
    code, out = run_cli("data", "check", "--data-dir", str(facades_copy), capsys=capsys)
    assert code == 1
    assert "facades/train/12.jpg: truncated or undecodable JPEG" in out
    assert "facades/train/12.jpg: sha256 expected" in out
    with pytest.raises(data.DataError, match="facades/train/12.jpg"):
        data.facades_files("train", facades_copy)


@needs_mirror
def test_wrong_size_image_in_facades_train(facades_copy, capsys):
    path = facades_copy / "facades" / "train" / "7.jpg"
    Image.new("RGB", (300, 200), "gray").save(path)
    code, out = run_cli("data", "check", "--dataset", "facades", "--data-dir", str(facades_copy),
                        capsys=capsys)
    assert code == 1 and "facades/train/7.jpg: expected 512x256, found 300x200" in out


@needs_mirror
def test_checksum_mismatch_names_expected_and_found(facades_copy):
    path = facades_copy / "facades" / "train" / "3.jpg"
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01  # still a decodable JPEG, but not the genuine bytes
    path.write_bytes(bytes(raw))
    expected = data.load_manifest("facades")["train/3.jpg"]["sha256"][:12]
    found = data.sha256_file(path)[:12]
    summary, problems = data.verify_dataset("facades", facades_copy / "facades")
    assert problems == [f"facades/train/3.jpg: sha256 expected {expected}…, found {found}… "
                        f"({len(raw):,} bytes, expected {len(raw):,})"]


@needs_mirror
def test_missing_split(facades_copy, capsys):
    shutil.rmtree(facades_copy / "facades" / "val")
    code, out = run_cli("data", "check", "--data-dir", str(facades_copy), capsys=capsys)
    assert code == 1 and "facades/val: split folder missing (expected 100 files)" in out
    with pytest.raises(data.DataError, match="facades/val: split folder missing"):
        data.facades_files("val", facades_copy)
    assert len(data.facades_files("train", facades_copy)) == 400


def test_wrong_size_pair_without_known_hashes(tmp_path, capsys):
    """Files with no manifest entry (Sketch2Pokemon) are fully decoded and measured."""
    root = tmp_path / "sketch2pokemon"
    good = data.pokemon_pairs_files("train", sample=True)
    for split in ("train", "test"):
        (root / split).mkdir(parents=True)
        shutil.copy(good[0], root / split / "0.png")
    Image.new("RGB", (256, 256), "white").save(root / "train" / "1.png")
    truncated = root / "train" / "2.png"
    truncated.write_bytes(Path(good[1]).read_bytes()[:5000])
    code, out = run_cli("data", "check", "--dataset", "sketch2pokemon", "--data-dir",
                        str(tmp_path), capsys=capsys)
    assert code == 1
    assert "sketch2pokemon/train/1.png: expected 512x256, found 256x256" in out
    assert "sketch2pokemon/train/2.png: truncated or undecodable PNG" in out
    assert "sketch2pokemon/train/0.png" not in out


def _denied(path) -> PermissionError:
    return PermissionError(13, "Permission denied", str(path))


def test_data_check_names_an_unreadable_folder(tmp_path, monkeypatch, capsys):
    # Root ignores permission bits, so the OS error is simulated where the listing happens.
    root = tmp_path / "sketch2pokemon"
    for split in ("train", "test"):
        (root / split).mkdir(parents=True)
    real = verify._list_images

    def listing(folder, extensions):
        if folder.name == "train":
            raise _denied(folder)
        return real(folder, extensions)

    monkeypatch.setattr(verify, "_list_images", listing)
    code, out = run_cli("data", "check", "--dataset", "sketch2pokemon", "--data-dir",
                        str(tmp_path), capsys=capsys)
    assert code == 1 and "Traceback" not in out
    assert f"sketch2pokemon/train: cannot list folder {root / 'train'} (Permission denied)" in out


def test_data_check_names_an_unreadable_file(tmp_path, monkeypatch, capsys):
    root = tmp_path / "facades"
    for split in ("train", "val", "test"):
        (root / split).mkdir(parents=True)
        for f in data.facades_files("train", sample=True):
            shutil.copy(f, root / split)
    bad = root / "train" / Path(data.facades_files("train", sample=True)[0]).name
    real = verify.sha256_file
    monkeypatch.setattr(verify, "sha256_file",
                        lambda p: (_ for _ in ()).throw(_denied(p)) if Path(p) == bad else real(p))
    code, out = run_cli("data", "check", "--dataset", "facades", "--data-dir", str(tmp_path),
                        capsys=capsys)
    assert code == 1 and "Traceback" not in out
    assert f"facades/train/{bad.name}: cannot read {bad} (Permission denied)" in out


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permission bits")
def test_data_check_on_a_chmod_000_folder(tmp_path, capsys):
    (tmp_path / "facades").mkdir()
    (tmp_path / "facades").chmod(0)
    try:
        code, out = run_cli("data", "check", "--data-dir", str(tmp_path), capsys=capsys)
    finally:
        (tmp_path / "facades").chmod(0o755)
    assert code == 1 and "cannot read" in out and "Traceback" not in out
