"""The data layer: real loading, preprocessing, verification, safe import, and bad input.

Uses the real datasets in `COURSE_DATA_DIR` (CI: the offline mirror; else the per-user cache)
read-only; tests needing them are skipped, naming the dataset, when they are absent. Every
corrupted fixture is a copy made under tmp_path.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from course_lib import cli, config, data

REPO = Path(__file__).resolve().parent.parent
MIRROR = config.data_dir()
# Skipped with a reason naming the missing dataset (see the root conftest.py).
needs_mirror = pytest.mark.needs_data("mnist", "facades", "cityscapes")


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Downloads/derived data go to a throwaway cache, never to the user's ~/.cache."""
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def facades_copy(tmp_path) -> Path:
    """A writable copy of the mirror's facades under tmp_path/data; returns tmp_path/data."""
    root = tmp_path / "data"
    shutil.copytree(MIRROR / "facades", root / "facades")
    return root


def run_cli(*argv: str, capsys) -> tuple[int, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


# ----------------------------------------------------------------------------- MNIST


@needs_mirror
def test_mnist_arrays_from_idx():
    images, labels = data.load_mnist_arrays("test", MIRROR)
    assert images.shape == (10_000, 28, 28, 1) and images.dtype == np.uint8
    assert labels.shape == (10_000,) and labels.dtype == np.int64
    assert images.max() == 255 and images.min() == 0
    assert set(np.unique(labels)) == set(range(10))


@needs_mirror
def test_load_mnist_through_tfds_matches_the_idx_files():
    ds = data.load_mnist("test", MIRROR)  # tfds builds from the local files (once)
    spec = ds.element_spec
    assert spec["image"].shape == (28, 28, 1) and spec["image"].dtype == tf.uint8
    assert spec["label"].shape == () and spec["label"].dtype == tf.int64
    batch = next(ds.batch(10_000).as_numpy_iterator())
    images, labels = data.load_mnist_arrays("test", MIRROR)
    # tfds stores the split in its own order: compare order-free statistics.
    assert np.array_equal(np.bincount(batch["label"]), np.bincount(labels))
    assert batch["image"].astype(np.int64).sum() == images.astype(np.int64).sum()
    assert data.load_mnist("test", MIRROR, backend="idx").element_spec == spec


@needs_mirror
def test_mnist_preprocessing_and_builders():
    example = next(iter(data.load_mnist("train", MIRROR, backend="idx")))
    image = data.gan_preprocessing(example)
    assert image.shape == (28, 28, 1) and image.dtype == tf.float32
    assert -1.0 <= float(tf.reduce_min(image)) and float(tf.reduce_max(image)) <= 1.0
    image2, onehot = data.cgan_preprocessing(example)
    assert onehot.shape == (10,) and onehot.dtype == tf.float32
    assert int(tf.argmax(onehot)) == int(example["label"]) and float(tf.reduce_sum(onehot)) == 1

    gan = next(iter(data.mnist_gan_dataset(batch_size=8, limit=32, data_dir=MIRROR)))
    assert gan.shape == (8, 28, 28, 1) and gan.dtype == tf.float32
    assert float(tf.reduce_min(gan)) == -1.0 and float(tf.reduce_max(gan)) == 1.0
    images, labels = next(iter(data.mnist_cgan_dataset(batch_size=8, limit=32, data_dir=MIRROR)))
    assert images.shape == (8, 28, 28, 1) and labels.shape == (8, 10)
    batches = list(data.mnist_dcgan_dataset(batch_size=256, limit=600, data_dir=MIRROR))
    assert [b.shape[0] for b in batches] == [256, 256, 88]


def test_mnist_sample_when_asked(capsys):
    images, labels = data.load_mnist_arrays(sample=True)
    assert images.shape == (40, 28, 28, 1) and images.dtype == np.uint8
    assert np.array_equal(np.bincount(labels), [4] * 10)
    assert "EMBEDDED MNIST SAMPLE" in capsys.readouterr().out


def test_mnist_without_data_or_network_falls_back_to_the_sample(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(data, "_network_available", lambda *a, **k: False)
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))  # no prepared tfds copy either
    ds = data.load_mnist("train", tmp_path / "nothing")
    assert ds.cardinality().numpy() == 40
    out = capsys.readouterr().out
    assert "EMBEDDED MNIST SAMPLE" in out and "no local MNIST and no network" in out
    with pytest.raises(data.DataError, match="data import mnist"):
        data.load_mnist("train", tmp_path / "nothing", backend="idx")


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


# ----------------------------------------------------------------------------- Pix2Pix


@needs_mirror
def test_facades_split_counts():
    counts = {s: len(data.facades_files(s, MIRROR)) for s in ("train", "val", "test")}
    assert counts == {"train": 400, "val": 100, "test": 106}
    assert data.facades_files("train", MIRROR)[:3] == [
        str(MIRROR / "facades" / "train" / f"{n}.jpg") for n in (1, 2, 3)]
    assert len(data.cityscapes_files("val", MIRROR)) == 500


def test_load_splits_halves_by_input_side():
    path = data.facades_files("test", sample=True)[0]
    whole = tf.io.decode_jpeg(tf.io.read_file(path)).numpy().astype(np.float32)
    inp, real = data.load(path)
    assert inp.shape == real.shape == (256, 256, 3) and inp.dtype == tf.float32
    assert np.array_equal(real.numpy(), whole[:, :256])  # left: the photo (target)
    assert np.array_equal(inp.numpy(), whole[:, 256:])   # right: the label map (input)
    sketch, colour = data.load(path, input_side="left")
    assert np.array_equal(sketch.numpy(), whole[:, :256])
    with pytest.raises(ValueError, match="input_side"):
        data.load(path, input_side="top")


def test_resize_crop_normalize():
    x = tf.random.uniform((256, 256, 3), 0, 255)
    a, b = data.resize(x, x + 1, 286, 286)
    assert a.shape == b.shape == (286, 286, 3)
    ca, cb = data.random_crop(a, b)
    assert ca.shape == (256, 256, 3)
    assert np.allclose(cb.numpy() - ca.numpy(), 1.0)  # both crops come from the same window
    lo, hi = data.normalize(tf.zeros((2, 2, 3)), tf.fill((2, 2, 3), 255.0))
    assert float(tf.reduce_min(lo)) == -1.0 and float(tf.reduce_max(hi)) == 1.0


def _find_window(out: np.ndarray, big: np.ndarray) -> tuple[int, int, bool]:
    """Offset and mirroring of a 256 crop inside the 286 image (exact equality)."""
    size = out.shape[0]
    for flip in (False, True):
        src = big[:, ::-1] if flip else big
        for dy in range(big.shape[0] - size + 1):
            for dx in range(big.shape[1] - size + 1):
                if np.array_equal(src[dy, dx:dx + size], out[0]) and \
                        np.array_equal(src[dy:dy + size, dx:dx + size], out):
                    return dy, dx, flip
    raise AssertionError("output is not a crop of the resized image")


def test_train_pipeline_really_jitters():
    tf.random.set_seed(7)
    path = data.facades_files("train", sample=True)[0]
    big_inp, big_real = data.normalize(*data.resize(*data.load(path), 286, 286))
    big_inp, big_real = big_inp.numpy(), big_real.numpy()
    windows = []
    for inp, real in data.pix2pix_dataset([path] * 12, training=True).as_numpy_iterator():
        assert inp.shape == real.shape == (1, 256, 256, 3)
        assert inp.min() >= -1.0 and inp.max() <= 1.0
        w_inp = _find_window(inp[0], big_inp)
        assert w_inp == _find_window(real[0], big_real)  # same crop and mirror for the pair
        windows.append(w_inp)
    assert len({w[:2] for w in windows}) > 1  # random crops
    assert {w[2] for w in windows} == {False, True}  # mirrors happen, but not always


def test_test_pipeline_is_deterministic():
    files = data.facades_files("test", sample=True)
    ds = data.pix2pix_dataset(files, training=False)
    first, second = list(ds.as_numpy_iterator()), list(ds.as_numpy_iterator())
    assert len(first) == 2
    for (a, b), (c, d) in zip(first, second):
        assert np.array_equal(a, c) and np.array_equal(b, d)
        assert a.shape == (1, 256, 256, 3) and a.min() >= -1 and a.max() <= 1
    expected = data.normalize(*data.load(files[0]))
    assert np.array_equal(first[0][0][0], expected[0].numpy())


# ----------------------------------------------------------------------------- Pokémon


def _sample_rgb() -> np.ndarray:
    with Image.open(data.SAMPLE_DIR / "pokemon_art" / "358.png") as im:
        return data.composite_on_white(np.asarray(im.convert("RGBA")))


def test_make_sketch_is_deterministic_line_art():
    rgb = _sample_rgb()
    sketch = data.make_sketch(rgb)
    assert sketch.shape == rgb.shape and sketch.dtype == np.uint8
    assert np.array_equal(sketch, data.make_sketch(rgb))
    assert np.array_equal(sketch[..., 0], sketch[..., 2])  # grey
    assert (sketch == 255).mean() > 0.7 and sketch.min() < 64  # white paper, dark lines
    flat_dark = np.full((64, 64, 3), 40, np.uint8)
    assert (data.make_sketch(flat_dark) == 255).all()  # fills stay white: lines only


def test_derived_pairs_layout(tmp_path):
    art = sorted((data.SAMPLE_DIR / "pokemon_art").glob("*.png"))
    out = data.derive_pokemon_pairs(art, tmp_path / "derived")
    train, test = sorted((out / "train").iterdir()), sorted((out / "test").iterdir())
    assert (len(train), len(test)) == (5, 1) and test[0].name == "169.png"
    assert "NOT the Kaggle" in (out / "DERIVED.json").read_text()
    pair = np.asarray(Image.open(test[0]))
    assert pair.shape == (256, 512, 3)
    assert np.array_equal(pair[:, :256], data.make_sketch(pair[:, 256:]))  # sketch on the left


def test_pokemon_pairs_and_augmentation(capsys):
    files = data.pokemon_pairs_files("train", sample=True)
    assert len(files) == 5 and "DERIVED" in capsys.readouterr().out
    x = tf.random.uniform((256, 256, 3), 0, 255)
    a, b = data.pokemon_augment(x, x)
    assert a.shape == b.shape == (256, 256, 3)
    assert np.array_equal(a.numpy(), b.numpy())  # one geometry for both halves
    assert float(tf.reduce_min(a)) >= -1 and float(tf.reduce_max(a)) <= 1
    outs = [data.pokemon_augment(x, x)[0].numpy() for _ in range(4)]
    assert any(not np.array_equal(outs[0], o) for o in outs[1:])
    sketch, colour = next(iter(data.pokemon_dataset(files, training=True, batch_size=2)))
    assert sketch.shape == colour.shape == (2, 256, 256, 3)
    test = next(iter(data.pokemon_dataset(data.pokemon_pairs_files("test", sample=True),
                                          training=False, batch_size=2)))
    assert test[0].shape == (1, 256, 256, 3)


# ----------------------------------------------------------------------------- data check


@needs_mirror
def test_data_check_passes_on_the_mirror():
    proc = subprocess.run([sys.executable, "-m", "course_lib", "data", "check",
                           "--data-dir", str(MIRROR)], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for line in ("mnist", "facades", "cityscapes"):
        assert any(row.split()[:2] == [line, "OK"] for row in proc.stdout.splitlines())


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


# ----------------------------------------------------------------------------- import / download


def _tar_with(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for info, payload in members:
            info.size = len(payload) if payload is not None else 0
            tar.addfile(info, io.BytesIO(payload) if payload is not None else None)
    return path


def _evil_tar(tmp_path: Path, kind: str) -> tuple[Path, str]:
    ok = tarfile.TarInfo("facades/train/1.jpg")
    if kind == "dotdot":
        evil = tarfile.TarInfo("facades/../../evil.txt")
    elif kind == "absolute":
        evil = tarfile.TarInfo(str(tmp_path / "evil.txt"))
    elif kind == "symlink":
        evil = tarfile.TarInfo("facades/train/2.jpg")
        evil.type, evil.linkname = tarfile.SYMTYPE, str(tmp_path / "evil.txt")
    elif kind == "hardlink":
        evil = tarfile.TarInfo("facades/train/2.jpg")
        evil.type, evil.linkname = tarfile.LNKTYPE, "facades/train/1.jpg"
    else:  # device
        evil = tarfile.TarInfo("facades/train/dev")
        evil.type = tarfile.CHRTYPE
    payload = None if evil.type in (tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.CHRTYPE) else b"x"
    return _tar_with(tmp_path / f"{kind}.tar.gz", [(ok, b"jpeg"), (evil, payload)]), evil.name


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink", "hardlink", "device"])
def test_import_refuses_unsafe_tar_members(tmp_path, kind, capsys):
    archive, member = _evil_tar(tmp_path, kind)
    target = tmp_path / "work" / "data"
    code, out = run_cli("data", "import", "facades", str(archive), "--data-dir", str(target),
                        capsys=capsys)
    assert code == 1 and f"refused member '{member}'" in out
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "work" / "evil.txt").exists()
    assert list(target.iterdir()) == []  # no dataset, no staging leftovers


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink"])
def test_import_refuses_unsafe_zip_members(tmp_path, kind):
    archive = tmp_path / f"{kind}.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("facades/train/1.jpg", b"jpeg")
        if kind == "symlink":
            info = zipfile.ZipInfo("facades/train/2.jpg")
            info.external_attr = 0o120777 << 16
            zf.writestr(info, "/etc/passwd")
            name = info.filename
        else:
            name = "../evil.txt" if kind == "dotdot" else "/tmp/evil_course_lib.txt"
            zf.writestr(name, b"evil")
    target = tmp_path / "data"
    with pytest.raises(data.DataError, match=f"refused member '{name}'"):
        data.install_archive("facades", archive, target)
    assert not (tmp_path / "evil.txt").exists() and list(target.iterdir()) == []


def test_import_refuses_a_damaged_archive(tmp_path):
    archive = tmp_path / "facades.tar.gz"
    archive.write_bytes(b"\x1f\x8b\x08\x00" + os.urandom(2000))  # gzip magic, then noise
    with pytest.raises(data.DataError, match="facades.tar.gz: damaged archive"):
        data.install_archive("facades", archive, tmp_path / "data")
    assert list((tmp_path / "data").iterdir()) == []


@needs_mirror
def test_import_good_archive_and_refuse_a_corrupt_one(tmp_path, capsys):
    source = tmp_path / "src"
    shutil.copytree(MIRROR / "facades", source / "facades")
    archive = tmp_path / "facades.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=1) as tar:
        tar.add(source / "facades", arcname="facades")
    target = tmp_path / "data"
    code, out = run_cli("data", "import", "facades", str(archive), "--data-dir", str(target),
                        capsys=capsys)
    assert code == 0, out
    assert len(data.facades_files("test", target)) == 106
    assert sorted(p.name for p in target.iterdir()) == ["facades"]

    bad = source / "facades" / "test" / "5.jpg"
    bad.write_bytes(bad.read_bytes()[:1000])
    with tarfile.open(archive, "w:gz", compresslevel=1) as tar:
        tar.add(source / "facades", arcname="facades")
    fresh = tmp_path / "fresh"
    code, out = run_cli("data", "import", "facades", str(archive), "--data-dir", str(fresh),
                        capsys=capsys)
    assert code == 1 and "facades/test/5.jpg: truncated or undecodable JPEG" in out
    assert list(fresh.iterdir()) == []  # nothing half-installed


def test_missing_dataset_without_network_gives_a_clear_error(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(data, "_fetch_url", offline)
    nowhere = tmp_path / "nothing"
    with pytest.raises(data.DataError) as err:
        data.facades_files("train", nowhere)
    message = str(err.value)
    assert str(nowhere / "facades") in message
    assert "python -m course_lib data import facades" in message
    assert "network is unreachable" in message and "facades.tar.gz" in message
    assert not nowhere.exists()


def test_samples_are_verified_by_the_manifests():
    assert len(data.facades_files("train", sample=True)) == 4
    assert len(data.cityscapes_files("val", sample=True)) == 2
    with pytest.raises(data.DataError, match="sample has the splits"):
        data.facades_files("val", sample=True)
    total = sum(p.stat().st_size for p in data.SAMPLE_DIR.rglob("*") if p.is_file())
    assert total < 600_000


# ----------------------------------------------------------------------------- what imports install


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


def _zeros_zip(path: Path, n_files: int, each: int) -> Path:
    """A small zip that expands to n_files * each bytes of zeros (a miniature zip bomb)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(n_files):
            zf.writestr(f"facades/train/{i}.jpg", bytes(each))
    return path


def test_import_caps_the_extracted_size(tmp_path, monkeypatch, capsys):
    archive = _zeros_zip(tmp_path / "bomb.zip", 3, 4 << 20)  # ~12 KB that expands to 12 MB
    assert archive.stat().st_size < 50_000
    monkeypatch.setattr(data, "extraction_cap", lambda name: (5 << 20, 100))
    target = tmp_path / "data"
    code, out = run_cli("data", "import", "facades", str(archive), "--data-dir", str(target),
                        capsys=capsys)
    assert code == 1 and "it would extract to 12,582,912 bytes" in out and "cap of" in out
    assert list(target.iterdir()) == []


def test_import_cap_holds_while_extracting(tmp_path, monkeypatch):
    """Even when the listing is not believed (or lies), writing stops at the cap."""
    archive = _zeros_zip(tmp_path / "bomb.zip", 3, 4 << 20)
    monkeypatch.setattr(data, "extraction_cap", lambda name: (5 << 20, 100))
    monkeypatch.setattr(data._Budget, "declare", lambda self, total, n: None)
    written = []
    real_copy = data._Budget.copy

    def spy(self, src, out):
        try:
            real_copy(self, src, out)
        finally:
            written.append(self.bytes)

    monkeypatch.setattr(data._Budget, "copy", spy)
    with pytest.raises(data.DataError, match="more than 5,242,880 bytes extracted"):
        data.install_archive("facades", archive, tmp_path / "data")
    assert max(written) <= (5 << 20) + (1 << 20)  # at most one block past the cap
    assert list((tmp_path / "data").iterdir()) == []


def test_import_caps_the_file_count(tmp_path, monkeypatch):
    info = [(tarfile.TarInfo(f"facades/train/{i}.jpg"), b"x") for i in range(30)]
    archive = _tar_with(tmp_path / "many.tar.gz", info)
    monkeypatch.setattr(data, "extraction_cap", lambda name: (1 << 20, 10))
    with pytest.raises(data.DataError, match="it holds 30 files"):
        data.install_archive("facades", archive, tmp_path / "data")


def test_caps_come_from_the_manifests():
    facades_bytes = sum(e["bytes"] for e in data.load_manifest("facades").values())
    max_bytes, max_files = data.extraction_cap("facades")
    assert facades_bytes < max_bytes < 10 * facades_bytes and 606 < max_files < 6060
    assert data.extraction_cap("sketch2pokemon") == data.FALLBACK_CAP  # no manifest


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_staging_of_a_killed_import_is_removed_and_reported(tmp_path, capsys):
    target = tmp_path / "data"
    stale = target / ".facades.import-k1ll3d"
    (stale / "facades" / "train").mkdir(parents=True)
    (stale / "facades" / "train" / "1.jpg").write_bytes(bytes(3000))
    (stale / data.STAGING_MARKER).write_text(f'{{"pid": {_dead_pid()}, '
                                              f'"host": "{__import__("socket").gethostname()}"}}')
    running = target / ".facades.import-runnin"
    running.mkdir()
    (running / data.STAGING_MARKER).write_text(f'{{"pid": {os.getpid()}, '
                                                f'"host": "{__import__("socket").gethostname()}"}}')
    code, out = run_cli("data", "check", "--data-dir", str(target), capsys=capsys)
    assert f"removed {stale}" in out and "left by an import of facades that was killed" in out
    assert not stale.exists() and running.exists()  # a live import's folder is left alone


def test_swap_interrupted_by_a_kill_is_undone(tmp_path):
    target = tmp_path / "data"
    (target / ".facades.old-1234abcd" / "train").mkdir(parents=True)
    messages = data.clean_stale_staging(target)
    assert (target / "facades" / "train").is_dir() and "restored" in messages[0]


def test_import_cleans_staging_on_interrupt(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(data, "_install_staged", interrupted)
    archive = _tar_with(tmp_path / "a.tar.gz", [(tarfile.TarInfo("facades/train/1.jpg"), b"x")])
    with pytest.raises(KeyboardInterrupt):
        data.install_archive("facades", archive, tmp_path / "data")
    assert list((tmp_path / "data").iterdir()) == []


# ----------------------------------------------------------------------------- unreadable input


def _denied(path) -> PermissionError:
    return PermissionError(13, "Permission denied", str(path))


def test_data_check_names_an_unreadable_folder(tmp_path, monkeypatch, capsys):
    # Root ignores permission bits, so the OS error is simulated where the listing happens.
    root = tmp_path / "sketch2pokemon"
    for split in ("train", "test"):
        (root / split).mkdir(parents=True)
    real = data._list_images

    def listing(folder, extensions):
        if folder.name == "train":
            raise _denied(folder)
        return real(folder, extensions)

    monkeypatch.setattr(data, "_list_images", listing)
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
    real = data.sha256_file
    monkeypatch.setattr(data, "sha256_file",
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
