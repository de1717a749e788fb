"""The `sample` command (`weights` and `translate` are exercised in the other weights tests)."""

import numpy as np
from weights_fixtures import gan_generator, shipped

from course_lib import cli

__all__ = ["gan_generator", "shipped"]  # fixtures used by name


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
