"""The one mode switch and the path settings."""

import sys
from pathlib import Path

import pytest

from course_lib import config


def test_fast_mode_switch(monkeypatch):
    monkeypatch.delenv("COURSE_FAST", raising=False)
    assert not config.is_fast() and config.pick(full=50, fast=1) == 50
    assert config.mode_name().startswith("FULL")
    for value in ("1", "true", "YES"):
        monkeypatch.setenv("COURSE_FAST", value)
        assert config.is_fast() and config.pick(full=50, fast=1) == 1
    monkeypatch.setenv("COURSE_FAST", "0")
    assert not config.is_fast()


def test_data_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert config.data_dir() == tmp_path.resolve()
    monkeypatch.delenv("COURSE_DATA_DIR")
    assert config.data_dir() == Path.home() / ".cache" / "course_lib" / "data"


def test_describe_reports_mode_device_and_data(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_FAST", "1")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "nowhere"))
    text = config.describe()
    assert "FAST" in text and "Device:" in text and "not there yet" in text


def test_the_course_folder_is_found_from_where_the_learner_works(tmp_path, monkeypatch):
    checkout = tmp_path / "course"
    (checkout / "weights").mkdir(parents=True)
    (checkout / "weights" / "manifest.json").write_text("{}")
    (checkout / "notebooks" / "ko").mkdir(parents=True)
    monkeypatch.chdir(checkout / "notebooks" / "ko")
    assert config.course_folder() == checkout.resolve()
    assert config.display_path(checkout / "runs" / "03") == "runs/03"
    monkeypatch.chdir(tmp_path)  # outside any checkout (e.g. /content on Colab): right here
    assert config.course_folder() == tmp_path.resolve()


def test_display_path_never_shows_the_machines_layout(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    assert config.display_path(tmp_path / "data") == "$COURSE_DATA_DIR"
    assert config.display_path(Path.home() / ".cache" / "x") == "~/.cache/x"
    assert config.display_path(config.course_folder() / "runs" / "gan") == "runs/gan"
    assert config.display_path(tmp_path / "elsewhere") == ".../elsewhere"
    assert str(tmp_path) not in config.describe()


def test_the_weights_folder_is_found_from_the_current_folder(tmp_path, monkeypatch):
    checkout = tmp_path / "course"
    (checkout / "weights").mkdir(parents=True)
    (checkout / "weights" / "manifest.json").write_text("{}")
    (checkout / "notebooks" / "ko").mkdir(parents=True)
    monkeypatch.delenv("COURSE_WEIGHTS_DIR", raising=False)
    monkeypatch.chdir(checkout / "notebooks" / "ko")  # where a Korean notebook runs
    assert config.weights_dir() == (checkout / "weights").resolve()
    monkeypatch.chdir(tmp_path)  # outside any checkout: the download cache
    assert config.weights_dir() == config.weights_cache_dir()
    monkeypatch.setenv("COURSE_WEIGHTS_DIR", str(tmp_path / "mine"))
    assert config.weights_dir() == (tmp_path / "mine").resolve()
    assert config.found_weights_dir(checkout) == (checkout / "weights").resolve()


def test_describe_speaks_the_learners_language(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_FAST", "1")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "nowhere"))
    monkeypatch.setenv("COURSE_LANG", "ko")
    text = config.describe()
    assert "빠른 모드" in text and "장치:" in text and "아직 없음" in text
    assert "$COURSE_DATA_DIR" in text and "Device:" not in text
    monkeypatch.setenv("COURSE_LANG", "en")
    assert config.describe().startswith("Mode:   FAST")


def _fake_colab(monkeypatch) -> None:
    """A Colab runtime as course_lib sees one: a loaded google.colab (with its drive module)."""
    colab = type(sys)("google.colab")
    colab.drive = type(sys)("google.colab.drive")
    monkeypatch.setitem(sys.modules, "google", type(sys)("google"))
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setitem(sys.modules, "google.colab.drive", colab.drive)


def test_run_folder_outside_colab_ignores_the_drive_flag(monkeypatch, tmp_path, capsys):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert not config.on_colab()
    assert config.run_folder("03_x", tmp_path, use_drive=False) == tmp_path / "03_x"
    folder = config.run_folder("03_x", tmp_path, use_drive=True, drive_mount=tmp_path / "d")
    assert folder == tmp_path / "03_x" and folder.is_dir()
    assert not (tmp_path / "d").exists()
    assert "only applies on Colab" in capsys.readouterr().out


def test_run_folder_on_colab_uses_the_mounted_drive(monkeypatch, tmp_path, capsys):
    _fake_colab(monkeypatch)
    assert config.on_colab()
    mount = tmp_path / "drive"
    (mount / "MyDrive").mkdir(parents=True)
    folder = config.run_folder("04_y", tmp_path / "runs", use_drive=True, drive_mount=mount)
    assert folder == mount / "MyDrive" / "gan-to-pix2pix" / "04_y" and folder.is_dir()
    assert "kept across disconnects" in capsys.readouterr().out
    assert not (tmp_path / "runs").exists()
    # Without the flag a Colab learner is told how to keep checkpoints.
    assert config.run_folder("04_y", tmp_path / "runs") == tmp_path / "runs" / "04_y"
    assert "USE_GOOGLE_DRIVE = True" in capsys.readouterr().out


def test_run_folder_refuses_an_unmounted_drive(monkeypatch, tmp_path):
    _fake_colab(monkeypatch)
    with pytest.raises(RuntimeError, match=r"drive\.mount"):
        config.run_folder("05_z", tmp_path / "runs", use_drive=True, drive_mount=tmp_path / "d")
    assert not (tmp_path / "runs").exists()
