"""Safe extraction (course_lib.data.archives): unsafe members, damaged archives, size caps."""

from __future__ import annotations

import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from course_lib import data
from course_lib.data import archives, install
from tests.data_helpers import (
    private_cache,  # noqa: F401  (an autouse fixture)
    run_cli,
    tar_with,
)


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
    return tar_with(tmp_path / f"{kind}.tar.gz", [(ok, b"jpeg"), (evil, payload)]), evil.name


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink", "hardlink", "device"])
def test_import_refuses_unsafe_tar_members(tmp_path, kind, capsys):
    archive, member = _evil_tar(tmp_path, kind)
    target = tmp_path / "work" / "data"
    code, out = run_cli("data", "import", "facades", str(archive), "--data-dir", str(target),
                        capsys=capsys)
    assert code == 1 and f"refused member '{member}'" in out
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "work" / "evil.txt").exists()
    assert list(target.iterdir()) == []  # no dataset, no staging leftovers


@pytest.fixture(params=["data_filter", "fallback"])
def tar_checks(request, monkeypatch) -> str:
    """Run a test with Python's tar 'data' filter, then as on an interpreter without it."""
    if request.param == "data_filter":
        if not hasattr(tarfile, "data_filter"):
            pytest.skip("this Python has no tarfile.data_filter (PEP 706)")
        calls = []
        real = tarfile.data_filter
        monkeypatch.setattr(tarfile, "data_filter",
                            lambda member, dest: calls.append(member.name) or real(member, dest))
        request.node.filter_calls = calls
    else:
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
    return request.param


def test_tar_escapes_are_refused_with_and_without_the_data_filter(tmp_path, tar_checks, request):
    outside = tmp_path / "outside"
    outside.mkdir()
    escape = tarfile.TarInfo("facades/train/escape")
    escape.type, escape.linkname = tarfile.SYMTYPE, "../../../outside/evil.txt"
    archive = tar_with(tmp_path / "escapes.tar.gz", [
        (tarfile.TarInfo("facades/train/1.jpg"), b"jpeg"),
        (tarfile.TarInfo("facades/../../outside/evil.txt"), b"evil"),
        (tarfile.TarInfo(str(outside / "abs.txt")), b"evil"),
        (escape, None),
    ])
    dest = tmp_path / "dest" / "staging"
    with pytest.raises(data.DataError) as err:
        data.safe_extract(archive, dest)
    refused = err.value.problems
    assert [line.split("'")[1] for line in refused] == [
        "facades/../../outside/evil.txt", str(outside / "abs.txt"), "facades/train/escape"]
    assert refused[1].endswith("absolute path") and refused[2].endswith("symbolic link")
    if tar_checks == "data_filter":  # the '..' escape is the filter's finding, in its words
        assert "outside the destination" in refused[0]
        assert "facades/../../outside/evil.txt" in request.node.filter_calls
    else:
        assert refused[0].endswith("'..' in path")
    assert list(outside.iterdir()) == [] and not dest.exists()  # nothing written anywhere


def test_a_clean_tar_extracts_with_and_without_the_data_filter(tmp_path, tar_checks):
    archive = tar_with(tmp_path / "ok.tar.gz", [
        (tarfile.TarInfo("facades/train/1.jpg"), b"jpeg"),
        (tarfile.TarInfo("facades/test/2.jpg"), b"jpg2"),
    ])
    data.safe_extract(archive, tmp_path / "dest", max_bytes=8, max_files=2)
    assert (tmp_path / "dest" / "facades" / "train" / "1.jpg").read_bytes() == b"jpeg"
    assert (tmp_path / "dest" / "facades" / "test" / "2.jpg").read_bytes() == b"jpg2"
    with pytest.raises(data.DataError, match="it would extract to 8 bytes"):
        data.safe_extract(archive, tmp_path / "capped", max_bytes=7)


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


def _zeros_zip(path: Path, n_files: int, each: int) -> Path:
    """A small zip that expands to n_files * each bytes of zeros (a miniature zip bomb)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(n_files):
            zf.writestr(f"facades/train/{i}.jpg", bytes(each))
    return path


def test_import_caps_the_extracted_size(tmp_path, monkeypatch, capsys):
    archive = _zeros_zip(tmp_path / "bomb.zip", 3, 4 << 20)  # ~12 KB that expands to 12 MB
    assert archive.stat().st_size < 50_000
    monkeypatch.setattr(install, "extraction_cap", lambda name: (5 << 20, 100))
    target = tmp_path / "data"
    code, out = run_cli("data", "import", "facades", str(archive), "--data-dir", str(target),
                        capsys=capsys)
    assert code == 1 and "it would extract to 12,582,912 bytes" in out and "cap of" in out
    assert list(target.iterdir()) == []


def test_import_cap_holds_while_extracting(tmp_path, monkeypatch):
    """Even when the listing is not believed (or lies), writing stops at the cap."""
    archive = _zeros_zip(tmp_path / "bomb.zip", 3, 4 << 20)
    monkeypatch.setattr(install, "extraction_cap", lambda name: (5 << 20, 100))
    monkeypatch.setattr(archives._Budget, "declare", lambda self, total, n: None)
    written = []
    real_copy = archives._Budget.copy

    def spy(self, src, out):
        try:
            real_copy(self, src, out)
        finally:
            written.append(self.bytes)

    monkeypatch.setattr(archives._Budget, "copy", spy)
    with pytest.raises(data.DataError, match="more than 5,242,880 bytes extracted"):
        data.install_archive("facades", archive, tmp_path / "data")
    assert max(written) <= (5 << 20) + (1 << 20)  # at most one block past the cap
    assert list((tmp_path / "data").iterdir()) == []


def test_import_caps_the_file_count(tmp_path, monkeypatch):
    info = [(tarfile.TarInfo(f"facades/train/{i}.jpg"), b"x") for i in range(30)]
    archive = tar_with(tmp_path / "many.tar.gz", info)
    monkeypatch.setattr(install, "extraction_cap", lambda name: (1 << 20, 10))
    with pytest.raises(data.DataError, match="it holds 30 files"):
        data.install_archive("facades", archive, tmp_path / "data")


def test_caps_come_from_the_manifests():
    facades_bytes = sum(e["bytes"] for e in data.load_manifest("facades").values())
    max_bytes, max_files = data.extraction_cap("facades")
    assert facades_bytes < max_bytes < 10 * facades_bytes and 606 < max_files < 6060
    assert data.extraction_cap("sketch2pokemon") == data.FALLBACK_CAP  # no manifest
