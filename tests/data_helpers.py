"""Shared by the tests/test_data_*.py files: the data mirror, the CLI runner, tar building.

The real datasets in `COURSE_DATA_DIR` (CI: the offline mirror; else the per-user cache) are
used read-only; tests needing them are skipped, naming the dataset, when they are absent.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from course_lib import cli, config

REPO = Path(__file__).resolve().parent.parent
MIRROR = config.data_dir()
# Skipped with a reason naming the missing dataset (see the root conftest.py).
needs_mirror = pytest.mark.needs_data("mnist", "facades", "cityscapes")


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Downloads/derived data go to a throwaway cache, never to the user's ~/.cache."""
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def run_cli(*argv: str, capsys) -> tuple[int, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def tar_with(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for info, payload in members:
            info.size = len(payload) if payload is not None else 0
            tar.addfile(info, io.BytesIO(payload) if payload is not None else None)
    return path
