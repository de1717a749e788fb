"""Locating and loading: checksums before loading, downloads cached, tampering and degenerate
weights refused, an empty weights folder explained."""

import shutil

import pytest
from weights_fixtures import flip_two_bytes, gan_generator, same_outputs, ship, shipped, zeroed

from course_lib import cli
from course_lib import weights as W

__all__ = ["gan_generator", "shipped"]  # fixtures used by name


def test_load_pretrained_restores_the_registered_weights(shipped, gan_generator):
    entry = W.read_manifest(shipped)["gan"]
    assert entry["architecture"] == "course_lib.models:GeneratorGAN"
    assert entry["sha256"] == W.sha256_file(shipped / entry["file"])
    assert entry["parameters"] == gan_generator.count_params()
    assert entry["file"].endswith(".weights.h5")
    same_outputs(W.load_pretrained("gan", shipped), gan_generator)
    assert W.available("gan", shipped) and not W.available("dcgan", shipped)


def test_two_flipped_bytes_fail_verification_naming_the_file(shipped, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(shipped, copy)
    bad = copy / W.spec("gan").file
    flip_two_bytes(bad)
    expected = W.read_manifest(copy)["gan"]["sha256"]
    with pytest.raises(W.WeightsError) as err:
        W.load_pretrained("gan", copy)
    message = str(err.value)
    assert str(bad) in message and expected in message and W.sha256_file(bad) in message

    assert cli.main(["weights", "verify", "--weights-dir", str(copy)]) == 1
    out = capsys.readouterr()
    assert str(bad) in out.err and "sha256 expected" in out.err
    assert W.spec("cgan").file not in out.err  # the healthy file is not blamed

    assert cli.main(["weights", "verify", "--weights-dir", str(shipped), "--load"]) == 0


def test_missing_weights_say_how_to_train_them(shipped):
    with pytest.raises(W.WeightsError, match="not shipped yet.*python -m course_lib train dcgan"):
        W.load_pretrained("dcgan", shipped)
    with pytest.raises(W.WeightsError, match="unknown pretrained model"):
        W.load_pretrained("stylegan", shipped)


def test_file_url_is_downloaded_once_into_the_cache(shipped, tmp_path, gan_generator):
    hosted = tmp_path / "hosted"
    shutil.copytree(shipped, hosted)
    repo = tmp_path / "repo"  # a checkout that has the manifest but not the file itself
    repo.mkdir()
    shutil.copy(shipped / W.MANIFEST_NAME, repo)
    cache = tmp_path / "cache"
    url = (hosted / W.spec("gan").file).as_uri()
    same_outputs(W.load_pretrained("gan", repo, url=url, cache_dir=cache), gan_generator)
    assert (cache / W.spec("gan").file).is_file()
    assert not list(cache.glob("*.part"))

    # Cached: no download needed any more, even from a dead URL.
    (hosted / W.spec("gan").file).unlink()
    same_outputs(W.load_pretrained("gan", repo, url=url, cache_dir=cache), gan_generator)


def test_a_bad_download_falls_back_to_the_local_copy(shipped, tmp_path, capsys,
                                                          gan_generator):
    corrupt = tmp_path / "corrupt.weights.h5"
    shutil.copy(shipped / W.spec("gan").file, corrupt)
    flip_two_bytes(corrupt)
    cache = tmp_path / "cache"
    model = W.load_pretrained("gan", shipped, url=corrupt.as_uri(), cache_dir=cache)
    same_outputs(model, gan_generator)
    err = capsys.readouterr().err
    assert f"falling back to the local copy in {shipped}" in err
    expected = W.read_manifest(shipped)["gan"]["sha256"]
    assert f"sha256 expected {expected}, found {W.sha256_file(corrupt)}" in err  # names both
    assert not (cache / W.spec("gan").file).exists()  # a bad download is never cached

    missing = (tmp_path / "nowhere.weights.h5").as_uri()
    same_outputs(W.load_pretrained("gan", shipped, url=missing, cache_dir=cache), gan_generator)


def test_repository_weights_verify():
    entries = W.read_manifest()
    if not entries:
        pytest.skip("no weights shipped in this checkout")
    assert W.verify_all() == []
    for entry in entries.values():
        limit = 60e6 if entry["storage"] == W.STORAGE_INT8 else 50e6
        assert entry["size"] <= limit, entry["file"]


def test_tampered_repository_file_with_updated_manifest_is_refused(tmp_path, monkeypatch,
                                                                   capsys):
    """The issue's case: the file changed *and* the manifest re-registered to match."""
    monkeypatch.chdir(tmp_path)  # tmp_path/weights/manifest.json: the course's own folder
    folder = tmp_path / "weights"
    ship(zeroed("gan"), "gan", folder)  # sha256 and size in the manifest now match the file
    assert W.check_file(folder / "gan_generator.weights.h5", W.read_manifest(folder)["gan"]) == []
    problems = W.verify_all(folder)
    assert len(problems) == 1 and "is not the shipped file's, pinned in" in problems[0]
    with pytest.raises(W.WeightsError, match="pinned in course_lib/weights/manifest.py"):
        W.load_pretrained("gan", folder)
    assert cli.main(["weights", "verify", "--weights-dir", str(folder)]) == 1
    assert "BAD" in capsys.readouterr().err


def test_degenerate_weights_elsewhere_fail_the_output_check(tmp_path, capsys):
    folder = tmp_path / "mine"
    ship(zeroed("gan"), "gan", folder)
    assert W.verify_all(folder) == []  # size and sha256 match their manifest...
    assert cli.main(["weights", "verify", "--weights-dir", str(folder), "--load"]) == 1
    assert "outputs are degenerate: constant" in capsys.readouterr().err  # ...the outputs don't
    with pytest.raises(W.WeightsError, match="degenerate"):
        W.load_pretrained("gan", folder)
    assert cli.main(["weights", "verify", "--weights-dir", str(folder), "--shipped"]) == 1


def test_own_weights_elsewhere_load_with_a_notice(shipped, gan_generator, capsys):
    same_outputs(W.load_pretrained("gan", shipped), gan_generator)
    assert "not the shipped file" in capsys.readouterr().err
    assert cli.main(["weights", "verify", "--weights-dir", str(shipped), "--load"]) == 0
    assert "(your own: not the shipped file)" in capsys.readouterr().out


def test_empty_weights_folder_says_where_it_looked(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("COURSE_WEIGHTS_DIR", str(empty))
    with pytest.raises(W.WeightsError) as err:
        W.load_pretrained("dcgan")
    text = str(err.value)
    assert str(empty) in text and f"COURSE_WEIGHTS_DIR={empty}" in text
    assert "weights/ folder of its checkout" in text and "not shipped yet" not in text
    assert not W.available("dcgan")  # and says so, where a notebook shows it (stdout)
    out = capsys.readouterr().out
    assert "pretrained 'dcgan' not available" in out and str(empty) in out
    assert cli.main(["weights", "verify"]) == 1
    assert f"COURSE_WEIGHTS_DIR={empty} points there" in capsys.readouterr().err
