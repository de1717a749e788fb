"""course_lib: the small helper library behind the GAN -> cGAN -> Pix2Pix course.

One home per idea, each module short enough to read in one sitting:

* `config` (fast/full mode, folders), `messages` (what a learner reads, English/Korean),
  `pixels` (value ranges and pair halves);
* `data/` (storage and verification, archives, MNIST, paired images, derived sketches);
* `registry` (every model's builder, data side and weight file), `models/` (MNIST and Pix2Pix
  networks), `losses`, `training/` (trainers, the resumable fit loop, recipes),
  `checkpoints`;
* `weights/` (manifest, int8 files, locating/downloading, export), `inference` (sample,
  translate), `metrics` (pure functions), `evaluation/` (judges and reports);
* `viz`, `playground` and `playground_widgets` (figures and the lessons' interactive demos);
* `quiz/` and `grading/` (checks in the notebooks; student editions, the sandboxed grader);
* `notebook_run` (one notebook executor), `cli` (dispatches `python -m course_lib COMMAND`).

Import the module you need, e.g. `from course_lib import models`.
"""

__version__ = "0.1.0"
