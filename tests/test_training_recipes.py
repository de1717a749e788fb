"""Named runs: warm starts from shipped weights, and a registry run that learns what
`translate` then reproduces."""

import shutil
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from training_support import cgan_trainer, fixed_mnist_like_batch

from course_lib.training import recipes
from course_lib.training.loop import fit


def test_warm_start_loads_the_shipped_generator_only_for_a_new_run(tmp_path):
    from course_lib import weights

    shipped = weights.load_pretrained("cgan")
    trainer = cgan_trainer(seed=3)
    assert recipes.warm_start(trainer, "cgan", tmp_path / "ck")
    for a, b in zip(shipped.weights, trainer.generator.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())

    images, labels = fixed_mnist_like_batch(16)
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(16)
    fit(trainer, ds, 2, tmp_path / "ck", 2, progress=False)
    trained = [w.numpy().copy() for w in trainer.generator.weights]
    assert not np.allclose(trained[0], shipped.weights[0].numpy())  # it did train
    # With a checkpoint present, the run resumes instead: warm_start leaves the weights alone.
    assert not recipes.warm_start(trainer, "cgan", tmp_path / "ck")
    for a, b in zip(trained, trainer.generator.weights):
        np.testing.assert_array_equal(a, b.numpy())


@pytest.mark.slow  # 120 steps of the full-size U-Net: minutes on a CPU
def test_pokemon_training_and_translate_agree(tmp_path):
    """Overfit two sketch->colour pairs with the registry's Pokémon run, then colour them
    through `translate`'s code path: they must come back much closer to their targets than
    the sketches themselves are. This is the check that catches a train/inference mismatch
    (batch-4 BatchNorm statistics in training vs one image at a time in `translate`), a wrong
    input half, or a value-range slip between the two paths."""
    from course_lib import data, evaluation, pixels, weights

    schedule = recipes.default_schedule("pix2pix-pokemon")
    keras.utils.set_random_seed(0)
    trainer, _, _ = recipes.build_run("pix2pix-pokemon", schedule["batch_size"], limit=2,
                                       seed=0, sample=True)
    files = data.pokemon_pairs_files("train", sample=True)[:2]
    pairs = [data.load_image_test(f, weights.INPUT_SIDE["pix2pix-pokemon"]) for f in files]
    sketches = np.stack([p[0].numpy() for p in pairs])
    colours = np.stack([p[1].numpy() for p in pairs])
    # Unaugmented pairs, batch as the registry trains: memorising them is the whole task.
    dataset = tf.data.Dataset.from_tensor_slices((sketches, colours)).repeat()
    iterator = iter(dataset.batch(schedule["batch_size"]))
    trainer.train_steps(iterator, 120)
    for f in files:
        shutil.copy(f, tmp_path / Path(f).name)
    written = weights.translate_dir("pix2pix-pokemon", tmp_path, tmp_path / "out",
                                    generator=trainer.generator)
    outputs = np.stack([np.asarray(tf.io.decode_png(tf.io.read_file(str(p))), np.float32)
                        / 127.5 - 1.0 for p in written])
    l1_model = float(np.mean(np.abs(outputs - colours)))
    l1_identity = float(np.mean(np.abs(sketches - colours)))
    psnr_model = evaluation.psnr_per_image(pixels.to_unit(outputs),
                                           pixels.to_unit(colours)).mean()
    psnr_identity = evaluation.psnr_per_image(pixels.to_unit(sketches),
                                              pixels.to_unit(colours)).mean()
    assert l1_model < 0.7 * l1_identity, (l1_model, l1_identity)
    assert psnr_model > psnr_identity + 2.0, (psnr_model, psnr_identity)
