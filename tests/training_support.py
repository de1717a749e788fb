"""Small cGAN trainers and MNIST-like batches shared by the tests of `course_lib.training`."""

import keras
import numpy as np

from course_lib.models import mnist
from course_lib.training.trainers import GANTrainer, make_optimizer


def cgan_trainer(seed=0):
    """A compiled MNIST cGAN trainer, its weights and noise drawn from `seed`."""
    keras.utils.set_random_seed(seed)
    g, d = mnist.build(mnist.GeneratorCGAN()), mnist.build(mnist.DiscriminatorCGAN())
    trainer = GANTrainer(g, d, conditional=True, seed=seed)
    trainer.compile(make_optimizer(1e-4), make_optimizer(1e-4))
    return trainer


def fixed_mnist_like_batch(n=64):
    """(images (n,28,28,1) in [-1,1], one-hot labels (n,10)), always the same."""
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]
    return images, labels
