"""Pretrained weights: checksums before loading, wrong architectures refused, downloads cached,
int8 storage close to float32, and the sample / translate / weights commands."""

import json
import re
import shutil

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_lib import cli, config, models, training
from course_lib import weights as W


def _ship(model, name, folder, **kwargs):
    """Save `model` as the file of `name` in `folder` and register it in the manifest there."""
    s = W.spec(name)
    path = W.save_weights_file(model, folder / s.file, s.architecture, s.storage)
    return W.register_weights(name, path, folder, model=model, **kwargs)


@pytest.fixture(scope="module")
def gan_generator():
    keras.utils.set_random_seed(1)
    return models.build(models.GeneratorGAN())


@pytest.fixture
def shipped(tmp_path, gan_generator):
    """A weights folder with a registered `gan` generator and a `cgan` generator."""
    folder = tmp_path / "weights"
    _ship(gan_generator, "gan", folder)
    keras.utils.set_random_seed(2)
    _ship(models.build(models.GeneratorCGAN()), "cgan", folder)
    return folder


def _same_outputs(a, b):
    z = np.random.default_rng(0).standard_normal((4, models.NOISE_DIM)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(a(z)), np.asarray(b(z)), atol=1e-6)


def _flip_two_bytes(path):
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle] ^= 0xFF
    data[middle + 1] ^= 0xFF
    path.write_bytes(bytes(data))


def test_load_pretrained_restores_the_registered_weights(shipped, gan_generator):
    entry = W.read_manifest(shipped)["gan"]
    assert entry["architecture"] == "course_lib.models:GeneratorGAN"
    assert entry["sha256"] == W.sha256_file(shipped / entry["file"])
    assert entry["parameters"] == gan_generator.count_params()
    assert entry["file"].endswith(".weights.h5")
    _same_outputs(W.load_pretrained("gan", shipped), gan_generator)
    assert W.available("gan", shipped) and not W.available("dcgan", shipped)


def test_two_flipped_bytes_fail_verification_naming_the_file(shipped, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(shipped, copy)
    bad = copy / W.spec("gan").file
    _flip_two_bytes(bad)
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


def test_a_file_for_another_architecture_is_refused(shipped, tmp_path, gan_generator):
    # The gan generator's file registered under the name cgan (its checksum is right).
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(shipped / W.spec("gan").file, folder / W.spec("cgan").file)
    W.register_weights("cgan", folder / W.spec("cgan").file, folder)
    with pytest.raises(W.WeightsError, match="holds weights for course_lib.models:GeneratorGAN"):
        W.load_pretrained("cgan", folder)

    # A plain Keras file (no architecture tag, e.g. a learner's save_weights) is caught by shape.
    plain = tmp_path / "plain.weights.h5"
    gan_generator.save_weights(str(plain))
    with pytest.raises(W.WeightsError, match="does not fit course_lib.models:GeneratorCGAN"):
        W.load_weights_file(models.build(models.GeneratorCGAN()), plain,
                            "course_lib.models:GeneratorCGAN")


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
    _same_outputs(W.load_pretrained("gan", repo, url=url, cache_dir=cache), gan_generator)
    assert (cache / W.spec("gan").file).is_file()
    assert not list(cache.glob("*.part"))

    # Cached: no download needed any more, even from a dead URL.
    (hosted / W.spec("gan").file).unlink()
    _same_outputs(W.load_pretrained("gan", repo, url=url, cache_dir=cache), gan_generator)


def test_a_bad_download_falls_back_to_the_repository_copy(shipped, tmp_path, capsys,
                                                          gan_generator):
    corrupt = tmp_path / "corrupt.weights.h5"
    shutil.copy(shipped / W.spec("gan").file, corrupt)
    _flip_two_bytes(corrupt)
    cache = tmp_path / "cache"
    model = W.load_pretrained("gan", shipped, url=corrupt.as_uri(), cache_dir=cache)
    _same_outputs(model, gan_generator)
    assert "falling back to the repository copy" in capsys.readouterr().err
    assert not (cache / W.spec("gan").file).exists()  # a bad download is never cached

    missing = (tmp_path / "nowhere.weights.h5").as_uri()
    _same_outputs(W.load_pretrained("gan", shipped, url=missing, cache_dir=cache), gan_generator)


def test_sample_command_writes_images_in_range(shipped, tmp_path):
    out = tmp_path / "digits.npy"
    argv = ["sample", "gan", "--n", "7", "--seed", "3", "--out", str(out),
            "--weights-dir", str(shipped)]
    assert cli.main(argv) == 0
    images = np.load(out)
    assert images.shape == (7, 28, 28, 1) and images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0
    assert cli.main(argv) == 0
    np.testing.assert_array_equal(np.load(out), images)  # same seed, same digits

    cgan_out = tmp_path / "threes.npy"
    assert cli.main(["sample", "cgan", "--n", "4", "--label", "3", "--out", str(cgan_out),
                     "--weights-dir", str(shipped)]) == 0
    assert np.load(cgan_out).shape == (4, 28, 28, 1)


def test_sample_command_checks_the_label(shipped, tmp_path, capsys):
    common = ["--n", "2", "--out", str(tmp_path / "x.npy"), "--weights-dir", str(shipped)]
    assert cli.main(["sample", "cgan", *common]) == 2
    assert "--label" in capsys.readouterr().err
    assert cli.main(["sample", "gan", "--label", "4", *common]) == 2
    assert "unconditional" in capsys.readouterr().err
    assert not (tmp_path / "x.npy").exists()


def test_int8_quantisation_round_trip_error_is_small():
    rng = np.random.default_rng(0)
    kernel = rng.normal(0, 0.02, (4, 4, 8, 16)).astype(np.float32)
    kernel[..., 5] *= 50  # one channel with a much larger range must not hurt the others
    kernel[..., 7] = 0  # an all-zero channel must survive (no division by zero)
    q, scale = W.quantize_per_channel(kernel, axis=3)
    assert q.dtype == np.int8 and scale.shape == (16,) and np.abs(q).max() == 127
    back = W.dequantize_per_channel(q, scale, axis=3)
    error = np.abs(back - kernel).max(axis=(0, 1, 2))
    assert np.all(error <= scale / 2 + 1e-9)
    assert np.all(back[..., 7] == 0)
    small = np.delete(np.arange(16), [5, 7])
    assert np.abs(back - kernel)[..., small].max() < 0.02 * 4 / 127  # about 1% of the range


def _tiny_convnet():
    inputs = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(8, 4, strides=2, padding="same", use_bias=False)(inputs)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Dropout(0.5)(x)
    x = keras.layers.Conv2DTranspose(3, 4, strides=2, padding="same", activation="tanh")(x)
    return keras.Model(inputs, x)


def test_int8_file_loads_close_to_float32(tmp_path):
    keras.utils.set_random_seed(0)
    model = _tiny_convnet()
    path = W.save_int8_weights(model, tmp_path / "tiny.int8.weights.h5", "tests:tiny")
    copy = _tiny_convnet()
    W.load_weights_file(copy, path, "tests:tiny")
    x = np.random.default_rng(1).uniform(-1, 1, (2, 32, 32, 3)).astype(np.float32)
    # Transposed-convolution kernels are (kh, kw, out, in): quantised along axis 2.
    assert W._output_channel_axes(model)[id(model.layers[-1].kernel)] == 2
    np.testing.assert_allclose(copy(x), model(x), atol=0.02)
    with pytest.raises(W.WeightsError, match="holds weights for tests:tiny"):
        W.load_weights_file(_tiny_convnet(), path, "tests:other")


def test_dropout_seed_makes_translation_reproducible():
    keras.utils.set_random_seed(0)
    model = _tiny_convnet()
    x = np.random.default_rng(2).uniform(-1, 1, (64, 64, 3)).astype(np.float32)
    first = W.translate_image(model, x, seed=5)
    model(x[None], training=True)  # advances the dropout state...
    np.testing.assert_array_equal(W.translate_image(model, x, seed=5), first)  # ...reset here
    assert not np.array_equal(W.translate_image(model, x, seed=6), first)


def test_translate_uses_the_input_half_and_keeps_stems(tmp_path):
    identity = keras.Sequential([keras.Input((256, 256, 3)), keras.layers.Activation("linear")])
    src = tmp_path / "in"
    src.mkdir()
    pair = np.zeros((256, 512, 3), np.uint8)
    pair[:, 256:] = 255  # right half (the facades input) white, left half black
    tf.io.write_file(str(src / "pair.jpg"), tf.io.encode_jpeg(pair, quality=100))
    square = np.full((128, 128, 3), 64, np.uint8)
    tf.io.write_file(str(src / "single.png"), tf.io.encode_png(square))

    written = W.translate_dir("pix2pix-facades", src, tmp_path / "out", generator=identity)
    assert [p.name for p in written] == ["pair.png", "single.png"]
    out = tf.io.decode_png(tf.io.read_file(str(written[0]))).numpy()
    assert out.shape == (256, 256, 3) and out.min() > 250  # the right half
    assert np.all(tf.io.decode_png(tf.io.read_file(str(written[1]))).numpy() == 64)

    pokemon = W.translate_dir("pix2pix-pokemon", src, tmp_path / "poke", generator=identity)
    assert tf.io.decode_png(tf.io.read_file(str(pokemon[0]))).numpy().max() < 5  # left half

    tf.io.write_file(str(src / "odd.png"), tf.io.encode_png(np.zeros((200, 300, 3), np.uint8)))
    with pytest.raises(W.WeightsError, match="odd.png.*found 300x200"):
        W.translate_dir("pix2pix-facades", src, tmp_path / "out", generator=identity)


def test_export_turns_a_training_checkpoint_into_a_registered_file(tmp_path):
    keras.utils.set_random_seed(0)
    g, d = models.build(models.GeneratorGAN()), models.build(models.DiscriminatorGAN())
    trainer = training.GANTrainer(g, d, seed=0)
    trainer.compile(training.make_optimizer(1e-4), training.make_optimizer(1e-4))
    images = np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype(np.float32)
    ckpt = tmp_path / "ckpt"
    training.fit(trainer, tf.data.Dataset.from_tensors(images), 4, ckpt, 2, progress=False)

    folder = tmp_path / "weights"
    assert cli.main(["weights", "export", "gan", "--checkpoint-dir", str(ckpt),
                     "--weights-dir", str(folder), "--wall-time", "12.5",
                     "--set", "epochs_planned=500"]) == 0
    entry = W.read_manifest(folder)["gan"]
    assert entry["training"]["steps"] == 4 and entry["wall_time_s"] == 12.5
    assert entry["training"]["epochs_planned"] == 500 and "of 500 epochs" in entry["notes"]
    assert entry["keras_version"] == keras.__version__
    _same_outputs(W.load_pretrained("gan", folder), g)

    with pytest.raises(W.WeightsError, match="no checkpoint found"):
        W.export_checkpoint("gan", tmp_path / "empty", folder)


def test_export_from_a_snapshot_file(tmp_path, gan_generator, capsys):
    snapshots = tmp_path / "snapshots"
    snapshots.mkdir()
    snap = snapshots / "g-0000938.weights.h5"
    gan_generator.save_weights(str(snap))  # what the training runs write every few epochs
    folder = tmp_path / "weights"
    assert cli.main(["weights", "export", "gan", "--snapshot", str(snap),
                     "--weights-dir", str(folder)]) == 0
    entry = W.read_manifest(folder)["gan"]
    assert entry["training"]["steps"] == 938 and entry["training"]["epochs"] == 2.0
    assert entry["training"]["source"] == f"snapshot {snap}"
    _same_outputs(W.load_pretrained("gan", folder), gan_generator)

    # A GAN snapshot offered as the cGAN, or a file not named like a snapshot, is refused.
    assert cli.main(["weights", "export", "cgan", "--snapshot", str(snap),
                     "--weights-dir", str(folder)]) == 1
    assert "does not fit course_lib.models:GeneratorCGAN" in capsys.readouterr().err
    with pytest.raises(W.WeightsError, match="g-<step>.weights.h5"):
        W.load_snapshot("gan", folder / W.spec("gan").file)
    assert W.snapshot_files([snapshots, snap]) == [snap]


def test_export_of_several_snapshots_averages_their_weights(tmp_path, gan_generator):
    snaps = []
    for step, scale in ((400, 1.0), (800, 3.0)):
        g = W.build_model("gan")
        for v, ref in zip(g.weights, gan_generator.weights):
            v.assign(ref.numpy() * scale)
        snaps.append(tmp_path / f"g-{step:07d}.weights.h5")
        g.save_weights(str(snaps[-1]))
    folder = tmp_path / "weights"
    # Given out of order: the step and the source still come out sorted.
    assert cli.main(["weights", "export", "gan", "--snapshot", str(snaps[1]), str(snaps[0]),
                     "--weights-dir", str(folder)]) == 0
    entry = W.read_manifest(folder)["gan"]
    assert entry["training"]["steps"] == 800
    assert entry["training"]["source"].startswith("mean of the weights of 2 snapshots at "
                                                  "steps 400, 800")
    shipped = W.load_pretrained("gan", folder)
    for v, ref in zip(shipped.weights, gan_generator.weights):
        np.testing.assert_allclose(v.numpy(), 2.0 * ref.numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.needs_data("facades")
def test_int8_export_measures_its_cost_and_size(tmp_path, monkeypatch, capsys):
    # A tiny convnet stands in for the 54 M-parameter U-Net; the data are the real test pairs.
    real_build = W.build_model
    monkeypatch.setattr(W, "build_model", lambda name: _tiny_convnet()
                        if name == "pix2pix-facades" else real_build(name))
    keras.utils.set_random_seed(0)
    snap = tmp_path / "g-0000400.weights.h5"
    _tiny_convnet().save_weights(str(snap))
    folder = tmp_path / "weights"
    argv = ["weights", "export", "pix2pix-facades", "--snapshot", str(snap),
            "--weights-dir", str(folder), "--limit", "2"]
    assert cli.main(argv) == 0
    entry = W.read_manifest(folder)["pix2pix-facades"]
    assert entry["storage"] == W.STORAGE_INT8 and entry["training"]["steps"] == 400
    effect = entry["metrics"]["int8_vs_float32"]
    assert effect["n_images"] == 2 and effect["float32_source"] == f"snapshot {snap}"
    assert abs(effect["psnr_delta_db"]) <= 0.1 and effect["meets_0.1_db_bar"]
    assert effect["size_mb"] == round(entry["size"] / 1e6, 2) and effect["meets_size_bar"]
    assert effect["psnr_int8_vs_float32_db"] > 30  # the two outputs are nearly the same

    capsys.readouterr()
    monkeypatch.setattr(W, "INT8_SIZE_BAR_MB", 1e-6)  # a bar no file can meet
    assert cli.main(argv) == 1
    assert "misses a bar" in capsys.readouterr().err
    assert not W.read_manifest(folder)["pix2pix-facades"]["metrics"]["int8_vs_float32"][
        "meets_size_bar"]


def test_update_manifest_metrics_merges(shipped):
    W.update_manifest_metrics("gan", {"confidence": 0.9}, shipped)
    W.update_manifest_metrics("gan", {"fid": 3.0}, shipped)
    assert W.read_manifest(shipped)["gan"]["metrics"] == {"confidence": 0.9, "fid": 3.0}


def test_repository_weights_verify():
    entries = W.read_manifest()
    if not entries:
        pytest.skip("no weights shipped in this checkout")
    assert W.verify_all() == []
    for entry in entries.values():
        limit = 60e6 if entry["storage"] == W.STORAGE_INT8 else 50e6
        assert entry["size"] <= limit, entry["file"]


# ----------------------------------------------------------------------------- trust the code


def test_shipped_pins_match_the_repository_manifest():
    """Re-exporting a shipped file must update SHIPPED_SHA256 too (what a manifest edit
    cannot change)."""
    entries = W.read_manifest()
    if not entries:
        pytest.skip("no weights shipped in this checkout")
    assert {n: e["sha256"] for n, e in entries.items()} == W.SHIPPED_SHA256


def _zeroed(name):
    model = W.build_model(name)
    for v in model.weights:
        v.assign(np.zeros(v.shape, v.dtype))
    return model


def test_tampered_repository_file_with_updated_manifest_is_refused(tmp_path, monkeypatch,
                                                                   capsys):
    """The issue's case: the file changed *and* the manifest re-registered to match."""
    monkeypatch.setattr(config, "repo_root", lambda: tmp_path)  # tmp_path/weights = "shipped"
    folder = tmp_path / "weights"
    _ship(_zeroed("gan"), "gan", folder)  # sha256 and size in the manifest now match the file
    assert W.check_file(folder / "gan_generator.weights.h5", W.read_manifest(folder)["gan"]) == []
    problems = W.verify_all(folder)
    assert len(problems) == 1 and "is not the shipped file's, pinned in" in problems[0]
    with pytest.raises(W.WeightsError, match="pinned in course_lib/weights.py"):
        W.load_pretrained("gan", folder)
    assert cli.main(["weights", "verify", "--weights-dir", str(folder)]) == 1
    assert "BAD" in capsys.readouterr().err


def test_degenerate_weights_elsewhere_fail_the_output_check(tmp_path, capsys):
    folder = tmp_path / "mine"
    _ship(_zeroed("gan"), "gan", folder)
    assert W.verify_all(folder) == []  # size and sha256 match their manifest...
    assert cli.main(["weights", "verify", "--weights-dir", str(folder), "--load"]) == 1
    assert "outputs are degenerate: constant" in capsys.readouterr().err  # ...the outputs don't
    with pytest.raises(W.WeightsError, match="degenerate"):
        W.load_pretrained("gan", folder)
    assert cli.main(["weights", "verify", "--weights-dir", str(folder), "--shipped"]) == 1


def test_own_weights_elsewhere_load_with_a_notice(shipped, gan_generator, capsys):
    _same_outputs(W.load_pretrained("gan", shipped), gan_generator)
    assert "not the shipped file" in capsys.readouterr().err
    assert cli.main(["weights", "verify", "--weights-dir", str(shipped), "--load"]) == 0
    assert "(your own: not the shipped file)" in capsys.readouterr().out


@pytest.mark.parametrize("edit, message", [
    (lambda e: e.pop("size"),
     "manifest entry 'gan': no 'size' field (expected an integer (bytes))"),
    (lambda e: e.update(file="/etc/hostname"),
     "manifest entry 'gan': 'file' must name a file inside the weights folder"),
    (lambda e: e.update(file="../gan_generator.weights.h5"), "must name a file inside"),
    (lambda e: e.update(sha256="abc"), "'sha256' expected 64 lowercase hex digits"),
    (lambda e: e.update(size="big"), "'size' expected an integer (bytes), found 'big'"),
])
def test_malformed_manifest_entries_are_named(shipped, edit, message, capsys):
    entries = W.read_manifest(shipped)
    edit(entries["gan"])
    text = json.dumps({"format": W.MANIFEST_FORMAT, "models": entries})
    (shipped / W.MANIFEST_NAME).write_text(text)
    with pytest.raises(W.WeightsError, match=re.escape(message)):
        W.load_pretrained("gan", shipped)
    assert cli.main(["weights", "verify", "--weights-dir", str(shipped)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert "cgan" not in err  # the healthy entry is not blamed


def test_outside_file_is_never_verified(tmp_path, shipped):
    outside = tmp_path / "outside.h5"
    shutil.copy(shipped / "gan_generator.weights.h5", outside)
    entries = W.read_manifest(shipped)
    entries["gan"]["file"] = str(outside)  # size and sha256 still right for that file
    (shipped / W.MANIFEST_NAME).write_text(
        json.dumps({"format": W.MANIFEST_FORMAT, "models": entries}))
    assert any("must name a file inside" in p for p in W.verify_all(shipped))


def test_empty_weights_folder_says_where_it_looked(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("COURSE_WEIGHTS_DIR", str(empty))
    with pytest.raises(W.WeightsError) as err:
        W.load_pretrained("dcgan")
    text = str(err.value)
    assert str(empty) in text and f"COURSE_WEIGHTS_DIR={empty}" in text
    assert "repository's weights/ folder" in text and "not shipped yet" not in text
    assert not W.available("dcgan")  # and says so, where a notebook shows it (stdout)
    out = capsys.readouterr().out
    assert "pretrained 'dcgan' not available" in out and str(empty) in out
    assert cli.main(["weights", "verify"]) == 1
    assert f"COURSE_WEIGHTS_DIR={empty} points there" in capsys.readouterr().err


def test_export_skips_a_damaged_latest_checkpoint(tmp_path, capsys):
    keras.utils.set_random_seed(0)
    g, d = models.build(models.GeneratorGAN()), models.build(models.DiscriminatorGAN())
    trainer = training.GANTrainer(g, d)
    trainer.compile(training.make_optimizer(1e-4), training.make_optimizer(1e-4))
    images = np.random.default_rng(0).uniform(-1, 1, (32, 784)).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices(images).batch(16)
    training.fit(trainer, ds, 10, tmp_path, 5, progress=False, model_name="gan")
    (tmp_path / "ckpt-10.index").unlink()
    _, step = W.restore_generator("gan", tmp_path)
    assert step == 5 and "ckpt-10: its .index file is missing" in capsys.readouterr().err
