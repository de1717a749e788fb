"""Sketch -> Pokémon (course_lib.data.sketches): make_sketch, derived pairs, augmentation."""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from PIL import Image

from course_lib import data
from tests.data_helpers import private_cache  # noqa: F401  (an autouse fixture)


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
