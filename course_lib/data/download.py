"""Downloads: a dataset found locally, or fetched (URL or Kaggle) and installed.

Each step is a small function, so tests can simulate having no network.
"""

from __future__ import annotations

import importlib
import socket
import tempfile
from pathlib import Path
from urllib.parse import urlparse

from course_lib.data.errors import DataError
from course_lib.data.install import install_archive
from course_lib.data.storage import (
    DATASETS,
    PathLike,
    find_local,
    install_parent,
    missing_message,
    notice,
    search_roots,
)


def network_available(host: str, port: int = 443, timeout: float = 3.0) -> bool:
    """A quick TCP connect: without it, an offline machine can sit in download retries."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _fetch_url(url: str, fname: str, dest_dir: Path) -> Path:
    """Download `url` to `dest_dir/fname` with keras.utils.get_file; returns the path."""
    host = urlparse(url).hostname or ""
    port = 443 if url.startswith("https") else 80
    if not network_available(host, port):
        raise DataError(f"no network connection to {host}")
    import keras

    return Path(keras.utils.get_file(fname, origin=url, cache_dir=str(dest_dir),
                                     cache_subdir="."))


def fetch_kaggle(handle: str) -> Path:
    """Download a Kaggle dataset with kagglehub (optional dependency); returns its folder."""
    try:
        kagglehub = importlib.import_module("kagglehub")
    except ImportError as exc:
        raise DataError("kagglehub is not installed (pip install kagglehub)") from exc
    if not network_available("www.kaggle.com"):
        raise DataError("no network connection to www.kaggle.com")
    return Path(kagglehub.dataset_download(handle))


def obtain(name: str, data_dir: PathLike | None, download: bool = True) -> Path:
    """The folder of dataset `name`: found locally, or downloaded and installed.

    Raises DataError saying where it looked and how to get the data when neither works.
    """
    found = find_local(name, data_dir)
    if found is not None:
        return found
    spec = DATASETS[name]
    searched = [root / name for root in search_roots(data_dir)]
    if not download or spec.url is None:
        raise DataError(missing_message(spec, searched))
    parent = install_parent(data_dir)
    notice(f"{name} not found locally; downloading {spec.url} into {parent} ...")
    # The archive goes to the system temp folder; only verified data ever reaches `parent`.
    with tempfile.TemporaryDirectory(prefix=f"course_lib-{name}-") as tmp:
        try:
            archive = _fetch_url(spec.url, f"{name}.tar.gz", Path(tmp))
        except Exception as exc:
            raise DataError(missing_message(spec, searched, f"download failed: {exc}")) from exc
        if spec.archive_bytes and archive.stat().st_size != spec.archive_bytes:
            raise DataError(f"{spec.url}: expected {spec.archive_bytes:,} bytes, downloaded "
                            f"{archive.stat().st_size:,}")
        return install_archive(name, archive, parent)
