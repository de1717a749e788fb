"""GAN, cGAN and Pix2Pix losses.

Discriminators in this course output *logits* (no sigmoid), so every loss is binary
cross-entropy with `from_logits=True`: numerically safer than a sigmoid followed by a log.
All functions take batched tensors and return scalar means.
"""

from __future__ import annotations

import keras
from keras import ops

LAMBDA = 100.0  # Pix2Pix weight of the L1 term against the cGAN term

bce = keras.losses.BinaryCrossentropy(from_logits=True)


def generator_loss(fake_logits):
    """The generator wants D to call its fakes real: BCE(1, D(G(z)))."""
    return bce(ops.ones_like(fake_logits), fake_logits)


def discriminator_loss(real_logits, fake_logits):
    """D wants real -> 1 and fake -> 0: BCE(1, D(x)) + BCE(0, D(G(z)))."""
    return bce(ops.ones_like(real_logits), real_logits) + bce(
        ops.zeros_like(fake_logits), fake_logits
    )


def pix2pix_generator_loss(disc_fake_logits, generated, target, lam: float = LAMBDA):
    """Pix2Pix generator loss.

    Args:
        disc_fake_logits: PatchGAN logits for (input, G(input)), shape (N,30,30,1).
        generated, target: images (N,256,256,3) in [-1,1].
        lam: weight of the L1 term.

    Returns:
        (total, gan, l1) where gan = BCE(1, D(x, G(x))), l1 = mean |target - G(x)| and
        total = gan + lam * l1. The cGAN term sharpens high frequencies; L1 keeps the low ones.
    """
    gan = bce(ops.ones_like(disc_fake_logits), disc_fake_logits)
    l1 = ops.mean(ops.abs(target - generated))
    return gan + lam * l1, gan, l1


def pix2pix_discriminator_loss(disc_real_logits, disc_fake_logits):
    """BCE(1, D(x, y)) + BCE(0, D(x, G(x))), both over every 30x30 patch logit."""
    return discriminator_loss(disc_real_logits, disc_fake_logits)
