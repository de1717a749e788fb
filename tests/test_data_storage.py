"""Where datasets are (course_lib.data.storage): data roots, presence, manifests, sort order."""

from __future__ import annotations

import stat

from course_lib.data import storage
from tests.data_helpers import private_cache  # noqa: F401  (an autouse fixture)


def test_search_roots_put_the_data_dir_first_then_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    assert storage.search_roots(tmp_path / "data") == [tmp_path / "data",
                                                      tmp_path / "cache" / "data"]
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "mirror"))
    assert storage.search_roots()[0] == tmp_path / "mirror"
    # The cache given as the data dir is searched once, not twice.
    assert storage.search_roots(tmp_path / "cache" / "data") == [tmp_path / "cache" / "data"]


def test_find_local_looks_in_the_data_dir_then_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    data_dir = tmp_path / "data"
    assert storage.find_local("facades", data_dir) is None
    (tmp_path / "cache" / "data" / "facades").mkdir(parents=True)
    assert storage.find_local("facades", data_dir) == tmp_path / "cache" / "data" / "facades"
    (data_dir / "facades").mkdir(parents=True)
    assert storage.find_local("facades", data_dir) == data_dir / "facades"


def test_a_read_only_data_root_sends_downloads_to_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    assert storage.is_writable(mirror / "not" / "yet") and storage.install_parent(mirror) == mirror
    mirror.chmod(stat.S_IRUSR | stat.S_IXUSR)  # read-only, even for root (the bits are obeyed)
    try:
        assert not storage.is_writable(mirror)
        assert storage.install_parent(mirror) == tmp_path / "cache" / "data"
    finally:
        mirror.chmod(0o755)


def test_manifests_and_the_files_they_know():
    facades = storage.load_manifest("facades")
    assert len(facades) == 606 and set(facades["train/1.jpg"]) == {"bytes", "sha256"}
    assert storage.load_manifest("sketch2pokemon") == {}  # none ships: files get decoded
    sample = storage.SAMPLE_DIR / "facades" / "train" / "158.jpg"  # a copy of the real one
    assert storage.known_files()[storage.sha256_file(sample)] == "facades/train/158.jpg"


def test_natural_key_sorts_numbers_numerically():
    names = ["10.jpg", "2.jpg", "1.jpg", "b/3.png"]  # the folder does not count, the number does
    assert sorted(names, key=storage.natural_key) == ["1.jpg", "2.jpg", "b/3.png", "10.jpg"]
