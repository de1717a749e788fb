"""course_lib: the small helper library behind the GAN -> cGAN -> Pix2Pix course.

One module per concern: `config` (fast/full mode, paths), `data`, `models`, `losses`,
`training`, `viz`, `weights`, `evaluation`, `quiz`, `grading`, `bench`.
Import the module you need, e.g. `from course_lib import models`.
"""

__version__ = "0.1.0"
