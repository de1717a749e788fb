"""Downloads (course_lib.data.download): a missing dataset offline gives a clear error."""

from __future__ import annotations

import pytest

from course_lib import data
from course_lib.data import download
from tests.data_helpers import private_cache  # noqa: F401  (an autouse fixture)


def test_missing_dataset_without_network_gives_a_clear_error(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(download, "_fetch_url", offline)
    nowhere = tmp_path / "nothing"
    with pytest.raises(data.DataError) as err:
        data.facades_files("train", nowhere)
    message = str(err.value)
    assert str(nowhere / "facades") in message
    assert "python -m course_lib data import facades" in message
    assert "network is unreachable" in message and "facades.tar.gz" in message
    assert not nowhere.exists()
