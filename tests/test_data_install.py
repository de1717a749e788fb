"""Installing (course_lib.data.install): verify before moving into place; cleanup after kills."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile

import pytest

from course_lib import data
from course_lib.data import install
from tests.data_helpers import (
    MIRROR,
    needs_mirror,
    private_cache,  # noqa: F401  (an autouse fixture)
    run_cli,
    tar_with,
)


@pytest.mark.slow  # about 7 s: two tar.gz of the 606 facades files
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

    monkeypatch.setattr(install, "_install_staged", interrupted)
    archive = tar_with(tmp_path / "a.tar.gz", [(tarfile.TarInfo("facades/train/1.jpg"), b"x")])
    with pytest.raises(KeyboardInterrupt):
        data.install_archive("facades", archive, tmp_path / "data")
    assert list((tmp_path / "data").iterdir()) == []
