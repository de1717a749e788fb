"""Behaviour checks of the course's coding exercises (course content, not engine).

Each check is registered under the name its bank item gives in "check" (see
`course_lib.quiz.registry`), takes the learner's function and returns its tests; a test
raises `Fail` with what the learner should fix. The expected values are computed here in
numpy from fixed inputs, so no answer is stored.
"""

from __future__ import annotations

from typing import Any

from course_lib.quiz.behaviour import Fail, close, numpy, tensor, to_numpy
from course_lib.quiz.registry import BehaviourTests, exercise


def _bce_logits(labels, logits):
    """Mean binary cross-entropy on logits, the numerically stable way (numpy)."""
    np = numpy()
    x = np.asarray(logits, dtype=np.float64)
    z = np.asarray(labels, dtype=np.float64)
    return float(np.mean(np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))))


@exercise("discriminator_loss")
def _ex_discriminator_loss(fn) -> BehaviourTests:
    np = numpy()
    real = np.array([[2.0], [-1.0], [0.5], [3.0]], dtype=np.float32)
    fake = np.array([[-2.5], [0.3], [1.0], [-0.2]], dtype=np.float32)
    want = _bce_logits(np.ones_like(real), real) + _bce_logits(np.zeros_like(fake), fake)

    def value():
        close(fn(tensor(real), tensor(fake)), want, "loss on fixed logits")

    def perfect():
        got = float(to_numpy(fn(tensor(np.full((4, 1), 20.0, np.float32)),
                                  tensor(np.full((4, 1), -20.0, np.float32)))).sum())
        if not got < 1e-3:
            raise Fail(f"a perfect discriminator should have loss ≈ 0, got {got:.4g}")

    def order():
        swapped = float(to_numpy(fn(tensor(fake), tensor(real))).sum())
        if abs(swapped - want) < 1e-4:
            raise Fail("swapping real and fake logits gives the same loss: "
                        "real images need label 1 and fakes label 0")

    return [("value on fixed logits (hand-computed BCE)", value),
            ("perfect discriminator has ~0 loss", perfect),
            ("real→1 and fake→0, not the other way round", order)]


def _maxout_reference(z, units, pieces):
    np = numpy()
    return np.asarray(z, np.float64).reshape(z.shape[0], pieces, units).max(axis=1)


@exercise("maxout")
def _ex_maxout(fn) -> BehaviourTests:
    np = numpy()
    units, pieces = 3, 4
    z = np.arange(2 * units * pieces, dtype=np.float32).reshape(2, units * pieces)
    z = (np.sin(z * 1.7) * 5).astype(np.float32)  # fixed, not monotonic

    def result(zz, u, p):
        got = to_numpy(fn(tensor(zz), u, p), "maxout output")
        if got.size != zz.shape[0] * u:
            raise Fail(f"expected {zz.shape[0]}×{u} values (batch × units), got shape "
                        f"{got.shape}: take the max over the *pieces* axis")
        return got.reshape(zz.shape[0], u)

    def value():
        close(result(z, units, pieces), _maxout_reference(z, units, pieces),
               "max over the pieces axis")

    def other_sizes():
        zz = (np.cos(np.arange(3 * 5 * 2, dtype=np.float32)) * 3).reshape(3, 10)
        close(result(zz, 5, 2), _maxout_reference(zz, 5, 2), "units=5, pieces=2")

    return [("shape (batch, units) and max over pieces", value),
            ("works for other units/pieces", other_sizes)]


@exercise("pix2pix_generator_loss")
def _ex_pix2pix_generator_loss(fn) -> BehaviourTests:
    np = numpy()
    rng = np.random.default_rng(7)
    logits = rng.normal(size=(1, 4, 4, 1)).astype(np.float32)
    gen = np.tanh(rng.normal(size=(1, 8, 8, 3))).astype(np.float32)
    target = np.tanh(rng.normal(size=(1, 8, 8, 3))).astype(np.float32)
    gan = _bce_logits(np.ones_like(logits), logits)
    l1 = float(np.mean(np.abs(target.astype(np.float64) - gen)))
    out: dict[str, Any] = {}

    def call():
        if "value" not in out:
            res = fn(tensor(logits), tensor(gen), tensor(target))
            if not isinstance(res, (tuple, list)) or len(res) != 3:
                raise Fail("return three values: (total_loss, gan_loss, l1_loss)")
            out["value"] = res
        return out["value"]

    def gan_term():
        close(call()[1], gan, "gan_loss = BCE(ones, D(x, G(x)))")

    def l1_term():
        close(call()[2], l1, "l1_loss = mean |target − G(x)|")

    def total():
        close(call()[0], gan + 100.0 * l1, "total = gan_loss + 100 · l1_loss", rtol=1e-4)

    return [("gan term", gan_term), ("L1 term", l1_term), ("total with λ = 100", total)]


@exercise("paired_augment")
def _ex_paired_augment(fn) -> BehaviourTests:
    np = numpy()
    size = 256
    r, c = np.meshgrid(np.linspace(-0.9, 0.9, size), np.linspace(-0.8, 0.8, size),
                       indexing="ij")
    sketch = np.stack([r, c, r * c], axis=-1).astype(np.float32)  # every pixel unique
    colour = -sketch[..., ::-1]  # a fixed pixel-wise partner of the sketch
    outs: list = []

    def run_once():
        res = fn(tensor(sketch), tensor(colour))
        if not isinstance(res, (tuple, list)) or len(res) != 2:
            raise Fail("return the pair (sketch, colour)")
        s, col = (to_numpy(v, "augmented image") for v in res)
        return s, col

    def shapes():
        for _ in range(6):
            outs.append(run_once())
        for s, col in outs:
            if s.shape != (size, size, 3) or col.shape != (size, size, 3):
                raise Fail(f"outputs must stay {size}×{size}×3, got {s.shape} and {col.shape}")

    def aligned():
        if not outs:
            raise Fail("(no outputs to compare)")
        for s, col in outs:
            if not np.allclose(col, -s[..., ::-1], atol=1e-4):
                raise Fail("sketch and colour were cropped/flipped/rotated differently: "
                            "apply one random transform to the stacked 6-channel pair")

    def random():
        if not outs:
            raise Fail("(no outputs to compare)")
        first = outs[0][0]
        if all(np.allclose(s, first) for s, _ in outs[1:]) and np.allclose(first, sketch):
            raise Fail("six calls returned the untouched input: the augmentation must be random")

    return [("output shapes stay 256×256×3", shapes),
            ("sketch and colour stay pixel-aligned", aligned),
            ("the transform is random", random)]


@exercise("image_metrics")
def _ex_image_metrics(fn) -> BehaviourTests:
    np = numpy()
    rng = np.random.default_rng(5)
    target = np.tanh(rng.normal(size=(16, 16, 3))).astype(np.float32)
    pred = np.clip(target + rng.normal(scale=0.1, size=target.shape), -1, 1).astype(np.float32)
    err = pred.astype(np.float64) - target
    l1 = float(np.mean(np.abs(err)))
    psnr = float(10 * np.log10(4.0 / np.mean(err**2)))
    out: dict[str, Any] = {}

    def call():
        if "value" not in out:
            res = fn(tensor(pred), tensor(target))
            if not isinstance(res, (tuple, list)) or len(res) != 2:
                raise Fail("return two values: (l1, psnr)")
            out["value"] = res
        return out["value"]

    def l1_value():
        close(call()[0], l1, "L1 = mean |pred − target| on the [-1, 1] scale")

    def psnr_value():
        close(call()[1], psnr, "PSNR = 10·log10(2² / MSE) in dB", rtol=1e-3, atol=1e-3)

    def better_is_higher():
        res = fn(tensor(target * 0.99), tensor(target))
        if not float(to_numpy(res[1]).sum()) > psnr:
            raise Fail("a closer prediction must get a higher PSNR")

    return [("L1 value", l1_value), ("PSNR value", psnr_value),
            ("closer images score higher PSNR", better_is_higher)]

