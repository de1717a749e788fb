"""Full-schedule training of the course's models on a GPU, under Keras' JAX backend.

Why this file exists: the lessons' full schedules (200 Pix2Pix epochs, 500 MLP-GAN epochs) take
hours to days on a CPU. This script runs the *same* recipe -- the models of `course_lib.models`,
the losses of `course_lib.losses`, Adam with the lessons' rates, the lessons' augmentation -- on a
machine that has JAX but no TensorFlow. Each run keeps its whole data set on the GPU and compiles
a chunk of train steps into one `lax.scan`, so Python is out of the loop.

    KERAS_BACKEND=jax python tools/train_jax.py RUN --data DIR --out DIR --minutes M [options]

RUN is one of gan, cgan, dcgan, pix2pix-facades, pix2pix-cityscapes, pix2pix-pokemon. Each run
writes OUT/RUN/: generator weights (`last`, `ema` = exponential moving average of the generator
weights; DCGAN also `mean` = mean of the last 10 epoch-end weights), `history.json` (losses every
chunk, steps, epochs, seconds) and `frames.npz` (generator outputs on fixed inputs during
training, uint8). Weight files are backend-independent `.weights.h5`; evaluate and ship them with
course_lib under TensorFlow.

Where a run cannot finish its schedule before `--minutes`, it stops early and says so in
history.json; a Pix2Pix run instead shortens its schedule while it is still in its constant-rate
half, so the learning rate always decays linearly to zero over the second half.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402

from course_lib import losses, models, weights  # noqa: E402
from course_lib.data import read_idx  # noqa: E402

# Full schedules: epochs over the training pairs (batch 1), epochs and batch size for MNIST.
# Which half of a pair is the input comes from the registry (weights.INPUT_SIDE).
PIX2PIX = {"pix2pix-facades": 200, "pix2pix-cityscapes": 40, "pix2pix-pokemon": 50}
MNIST = {"gan": (500, 128), "cgan": (500, 128), "dcgan": (50, 256)}
# Held-out pairs scored at the end (translate's way: batch 1, BatchNorm on the image itself).
EVAL_SPLIT = {"pix2pix-facades": "val", "pix2pix-cityscapes": "val", "pix2pix-pokemon": "test"}


# ------------------------------------------------------------------------------------------
# Data (numpy on the host, then one upload)
# ------------------------------------------------------------------------------------------

def read_pairs(files: list[Path], input_side: str) -> np.ndarray:
    """Side-by-side pair files -> uint8 (N, 2, 256, 256, 3): [:, 0] input, [:, 1] target."""
    from PIL import Image

    out = np.empty((len(files), 2, 256, 256, 3), np.uint8)
    for i, path in enumerate(files):
        with Image.open(path) as im:
            pair = np.asarray(im.convert("RGB"))
        if pair.shape != (256, 512, 3):
            raise ValueError(f"{path}: expected a 512x256 pair, found {pair.shape}")
        left, right = pair[:, :256], pair[:, 256:]
        out[i] = (right, left) if input_side == "right" else (left, right)
    return out


def pair_files(name: str, data: Path, split: str) -> list[Path]:
    folder = {"pix2pix-facades": data / "facades" / split,
              "pix2pix-cityscapes": data / "cityscapes" / split,
              "pix2pix-pokemon": data / "sketch2pokemon_derived" / split}[name]
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".png"))
    if not files:
        raise SystemExit(f"{folder}: no pair files")
    return files


# ------------------------------------------------------------------------------------------
# Augmentation, in jnp, one example at a time (the lessons' recipes)
# ------------------------------------------------------------------------------------------

def to_unit_range(x):
    """uint8 [0, 255] -> float32 [-1, 1]."""
    return x.astype(jnp.float32) / 127.5 - 1.0


def jitter(pair, key):
    """Lesson 03: resize 286 (nearest), the same random 256 crop of both, 50 % mirror."""
    k1, k2, k3 = jax.random.split(key, 3)
    big = jax.image.resize(pair.astype(jnp.float32), (2, 286, 286, 3), "nearest")
    top, left = jax.random.randint(k1, (), 0, 31), jax.random.randint(k2, (), 0, 31)
    crop = jax.lax.dynamic_slice(big, (0, top, left, 0), (2, 256, 256, 3))
    crop = jnp.where(jax.random.uniform(k3) > 0.5, crop[:, :, ::-1], crop)
    return crop / 127.5 - 1.0


def pokemon_augment(pair, key):
    """Lesson 04: pad 30 (reflect or white), random 256 crop, flips, a random 90° turn."""
    k1, k2, k3, k4, k5, k6 = jax.random.split(key, 6)
    x = jnp.concatenate([pair[0], pair[1]], axis=-1).astype(jnp.float32)  # (256,256,6)
    pad = ((30, 30), (30, 30), (0, 0))
    padded = jnp.where(jax.random.uniform(k1) < 0.5, jnp.pad(x, pad, mode="reflect"),
                       jnp.pad(x, pad, constant_values=255.0))
    top, left = jax.random.randint(k2, (), 0, 61), jax.random.randint(k3, (), 0, 61)
    x = jax.lax.dynamic_slice(padded, (top, left, 0), (256, 256, 6))
    x = jnp.where(jax.random.uniform(k4) < 0.5, x[:, ::-1], x)
    x = jnp.where(jax.random.uniform(k5) < 0.5, x[::-1], x)
    x = jax.lax.switch(jax.random.randint(k6, (), 0, 4),
                       [lambda a, k=k: jnp.rot90(a, k) for k in range(4)], x)
    return jnp.stack([x[..., :3], x[..., 3:]]) / 127.5 - 1.0


# ------------------------------------------------------------------------------------------
# Models, optimizers and one compiled chunk of train steps
# ------------------------------------------------------------------------------------------

def build_pair(name: str, d_activation: str, d_dropout: float):
    if name == "gan":
        return (models.build(models.GeneratorGAN()),
                models.build(models.DiscriminatorGAN(activation=d_activation, dropout=d_dropout)))
    if name == "cgan":
        return models.build(models.GeneratorCGAN()), models.build(models.DiscriminatorCGAN())
    if name == "dcgan":
        return models.dcgan_generator(), models.dcgan_discriminator()
    if name == "pix2pix-pokemon":
        g, d = models.UNetGenerator(), models.PatchGANDiscriminator()
        dummy = np.zeros((1, 256, 256, 3), np.float32)
        d([dummy, g(dummy)])
        return g, d
    return models.unet_generator(), models.patchgan_discriminator()


def forward(model, tv, ntv, *inputs, training: bool = True):
    """`model.stateless_call`, passing `training` only to models whose call() takes it."""
    takes = "training" in inspect.signature(model.call).parameters
    return model.stateless_call(tv, ntv, *inputs, **({"training": training} if takes else {}))


def adam(beta_1: float):
    # Keras' Adam epsilon (1e-7); the rate is applied by hand so it can follow the schedule.
    return optax.scale_by_adam(b1=beta_1, b2=0.999, eps=1e-7)


def make_chunk(name: str, g, d, beta_1: float, smooth: float, ema_decay: float):
    """A jitted function running len(indices) train steps; see `train` for the state."""
    g_adam, d_adam = adam(beta_1), adam(beta_1)
    conditional, pix2pix = name == "cgan", name.startswith("pix2pix")
    augment = pokemon_augment if name == "pix2pix-pokemon" else jitter

    def losses_of(g_tv, d_tv, g_ntv, d_ntv, batch, key):
        if pix2pix:
            x, y = batch
            fake, g_ntv = forward(g, g_tv, g_ntv, x, training=True)
            real_logits, d_ntv = forward(d, d_tv, d_ntv, [x, y], training=True)
            fake_logits, d_ntv = forward(d, d_tv, d_ntv, [x, fake], training=True)
            g_total, g_gan, g_l1 = losses.pix2pix_generator_loss(fake_logits, fake, y)
            d_loss = losses.pix2pix_discriminator_loss(real_logits, fake_logits)
            logs = jnp.stack([g_total, g_gan, g_l1, d_loss])
            return (g_total, d_loss), (g_ntv, d_ntv, logs)
        images, labels = batch
        noise = jax.random.normal(key, (images.shape[0], models.NOISE_DIM))
        g_in, d_in = ((noise, labels), (labels,)) if conditional else ((noise,), ())
        fake, g_ntv = forward(g, g_tv, g_ntv, *g_in, training=True)
        real_logits, d_ntv = forward(d, d_tv, d_ntv, images, *d_in, training=True)
        fake_logits, d_ntv = forward(d, d_tv, d_ntv, fake, *d_in, training=True)
        g_loss = losses.generator_loss(fake_logits)
        if smooth < 1.0:  # one-sided label smoothing: real targets `smooth`, fakes stay 0
            d_loss = (losses.bce(jnp.full_like(real_logits, smooth), real_logits)
                      + losses.bce(jnp.zeros_like(fake_logits), fake_logits))
        else:
            d_loss = losses.discriminator_loss(real_logits, fake_logits)
        return (g_loss, d_loss), (g_ntv, d_ntv, jnp.stack([g_loss, d_loss]))

    @jax.jit
    def chunk(state, data, indices, keys, rates):
        """Run len(indices) steps; `data` is the whole training set on the device (uint8)."""

        def step(state, inputs):
            g_tv, g_ntv, d_tv, d_ntv, g_opt, d_opt, ema, count = state
            index, key, lr = inputs
            k_aug, k_noise = jax.random.split(key)
            if pix2pix:
                pair = augment(data[0][index[0]], k_aug)
                batch = (pair[0][None], pair[1][None])
            else:
                images = to_unit_range(data[0][index])[..., None]
                batch = (images, jax.nn.one_hot(data[1][index], 10))
            (g_loss, d_loss), vjp, (g_ntv, d_ntv, logs) = jax.vjp(
                lambda gt, dt: losses_of(gt, dt, g_ntv, d_ntv, batch, k_noise), g_tv, d_tv,
                has_aux=True)
            # One forward pass, two backward passes: G's loss w.r.t. G, D's loss w.r.t. D.
            g_grads = vjp((jnp.ones_like(g_loss), jnp.zeros_like(d_loss)))[0]
            d_grads = vjp((jnp.zeros_like(g_loss), jnp.ones_like(d_loss)))[1]
            g_upd, g_opt = g_adam.update(g_grads, g_opt)
            d_upd, d_opt = d_adam.update(d_grads, d_opt)
            g_tv = [w - lr * u for w, u in zip(g_tv, g_upd)]
            d_tv = [w - lr * u for w, u in zip(d_tv, d_upd)]
            ema = [ema_decay * e + (1 - ema_decay) * w for e, w in zip(ema, g_tv)]
            return (g_tv, g_ntv, d_tv, d_ntv, g_opt, d_opt, ema, count + 1), logs

        state, logs = jax.lax.scan(step, state, (indices, keys, rates))
        return state, logs.mean(axis=0)

    return chunk, g_adam, d_adam


def recalibrate_batchnorm(g, g_tv, g_ntv, steps: int = 200, batch: int = 256):
    """Re-estimate BatchNorm moving statistics for averaged weights (DCGAN candidates).

    Averaged weights were never run, so the moving statistics of the last weights do not fit
    them; running the generator in training mode on fresh noise refreshes them.
    """
    @jax.jit
    def one(ntv, key):
        _, ntv = forward(g, g_tv, ntv, jax.random.normal(key, (batch, 100)),
                                  training=True)
        return ntv

    for key in jax.random.split(jax.random.PRNGKey(7), steps):
        g_ntv = one(g_ntv, key)
    return g_ntv


def save_generator(g, g_tv, g_ntv, path: Path) -> None:
    for var, value in zip(g.trainable_variables, g_tv):
        var.assign(np.asarray(value))
    for var, value in zip(g.non_trainable_variables, g_ntv):
        var.assign(np.asarray(value))
    if path is not None:
        g.save_weights(str(path))


def score(g, g_tv, g_ntv, pairs: np.ndarray) -> dict[str, float]:
    """Mean PSNR (dB, peak-to-peak 2) and L1 ([-1, 1] units) on held-out pairs, one at a time
    with training=True like `translate`, plus the same for the mean-of-targets baseline."""
    run = jax.jit(lambda x: forward(g, g_tv, g_ntv, x, training=True)[0])
    psnr, l1 = [], []
    for pair in pairs:
        x, y = to_unit_range(jnp.asarray(pair[0]))[None], to_unit_range(jnp.asarray(pair[1]))
        out = run(x)[0]
        psnr.append(float(10 * jnp.log10(4.0 / jnp.mean((out - y) ** 2))))
        l1.append(float(jnp.mean(jnp.abs(out - y))))
    return {"psnr": round(float(np.mean(psnr)), 3), "l1": round(float(np.mean(l1)), 4)}


# ------------------------------------------------------------------------------------------
# The run
# ------------------------------------------------------------------------------------------

def train(args) -> None:
    name, out = args.run, Path(args.out) / args.tag
    out.mkdir(parents=True, exist_ok=True)
    deadline = time.time() + 60 * args.minutes
    keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    pix2pix = name in PIX2PIX
    if pix2pix:
        side, epochs = weights.INPUT_SIDE[name], PIX2PIX[name]
        pairs = read_pairs(pair_files(name, Path(args.data), "train")[:args.limit], side)
        data, n, batch = (jnp.asarray(pairs), jnp.zeros((1,), jnp.uint8)), len(pairs), 1
        fixed = pairs[:: max(1, len(pairs) // 3)][:3]  # frames: the same 3 inputs every time
        base_lr, beta_1 = 2e-4, 0.5
    else:
        epochs, batch = MNIST[name]
        mnist = Path(args.data) / "mnist"
        images = read_idx(mnist / "train-images-idx3-ubyte.gz")
        labels = read_idx(mnist / "train-labels-idx1-ubyte.gz")
        images, labels = images[:args.limit], labels[:args.limit]
        data, n = (jnp.asarray(images), jnp.asarray(labels)), len(images)
        fixed = np.random.default_rng(0).normal(size=(16, models.NOISE_DIM)).astype("float32")
        base_lr, beta_1 = 1e-4, 0.9
    epochs = args.epochs or epochs
    steps_per_epoch = n // batch if not pix2pix else n
    total = epochs * steps_per_epoch
    g, d = build_pair(name, args.d_activation, args.d_dropout)
    beta_1 = args.beta_1 if args.beta_1 is not None else beta_1
    chunk, g_adam, d_adam = make_chunk(name, g, d, beta_1, args.smooth, args.ema)
    g_tv = [jnp.asarray(v) for v in g.trainable_variables]
    d_tv = [jnp.asarray(v) for v in d.trainable_variables]
    state = (g_tv, [jnp.asarray(v) for v in g.non_trainable_variables], d_tv,
             [jnp.asarray(v) for v in d.non_trainable_variables], g_adam.init(g_tv),
             d_adam.init(d_tv), list(g_tv), jnp.int32(0))
    chunk_steps = args.chunk or (steps_per_epoch if not pix2pix else 500)
    key = jax.random.PRNGKey(args.seed)
    history = {"run": name, "tag": args.tag, "planned_epochs": epochs, "batch_size": batch,
               "planned_steps": total,
               "steps_per_epoch": steps_per_epoch, "chunk_steps": chunk_steps,
               "loss_names": (["gen_total", "gen_gan", "gen_l1", "disc"] if pix2pix
                              else ["gen", "disc"]),
               "d_activation": args.d_activation, "d_dropout": args.d_dropout,
               "adam_beta_1": beta_1, "label_smoothing": args.smooth,
               "ema_decay": args.ema, "steps": [], "losses": [], "seconds": []}
    frames, frame_steps, snapshot_sum, n_snap = [], [], None, 0
    order = np.concatenate([rng.permutation(n) for _ in range(epochs + 1)])
    done, start, decay_frozen, planned = 0, time.time(), False, total
    first_chunk = None  # (steps, time) after the first, compiling, chunk
    while done < total:
        k = min(chunk_steps, total - done)
        lrs = []
        for s in range(done, done + k):
            if pix2pix:  # constant, then linear to zero over the second half
                half = total // 2
                lrs.append(base_lr * min(1.0, (total - s) / max(1, total - half)))
            else:
                lrs.append(base_lr)
        idx = order[done * batch:(done + k) * batch].reshape(k, batch)
        key, sub = jax.random.split(key)
        state, logs = chunk(state, data, jnp.asarray(idx), jax.random.split(sub, k),
                            jnp.asarray(lrs, jnp.float32))
        logs = np.asarray(logs)
        done += k
        elapsed = time.time() - start
        history["steps"].append(done)
        history["losses"].append([round(float(v), 5) for v in logs])
        history["seconds"].append(round(elapsed, 1))
        if first_chunk is None:
            first_chunk = (done, time.time())
        elif pix2pix and not decay_frozen:
            # Still in the constant-rate half: fit the schedule to the time left, at the rate
            # measured since compilation (it changes as other jobs on the GPU finish).
            rate = (done - first_chunk[0]) / max(time.time() - first_chunk[1], 1e-3)
            fits = int(done + (deadline - time.time() - args.reserve) * rate)
            total = min(planned, max(done + chunk_steps, fits // chunk_steps * chunk_steps))
            decay_frozen = done >= total // 2
        epoch_end = (done // steps_per_epoch) > ((done - k) // steps_per_epoch)
        if not pix2pix and epoch_end and done // steps_per_epoch > epochs - 10:
            tv = state[0]
            snapshot_sum = tv if snapshot_sum is None else [a + b for a, b in
                                                            zip(snapshot_sum, tv)]
            n_snap += 1
        if len(history["steps"]) % max(1, (total // chunk_steps) // 12) == 0 or done >= total:
            frames.append(render(g, state[0], state[1], fixed, pix2pix))
            frame_steps.append(done)
        print(f"[{args.tag}] step {done}/{total} ({done / steps_per_epoch:.1f} ep) "
              f"{elapsed:.0f}s losses {np.round(logs, 4).tolist()}", flush=True)
        if time.time() > deadline and done < total:
            history["stopped_early"] = f"time limit at step {done} of {total}"
            break
    history.update(done_steps=done, epochs_done=round(done / steps_per_epoch, 2),
                   final_total=total, wall_seconds=round(time.time() - start, 1),
                   device=str(jax.devices()[0]))
    g_tv, g_ntv, ema = state[0], state[1], state[6]
    if pix2pix:
        held_out = read_pairs(pair_files(name, Path(args.data), EVAL_SPLIT[name])[:100], side)
        history["held_out"] = {"split": EVAL_SPLIT[name], "pairs": len(held_out)}
        arch = weights.SPECS[name].architecture
        for label, tv in (("last", g_tv), ("ema", ema)):
            history["held_out"][label] = score(g, tv, g_ntv, held_out)
            save_generator(g, tv, g_ntv, None)
            weights.save_int8_weights(g, out / f"{label}.int8.weights.h5", arch)
        print(f"[{args.tag}] held-out {history['held_out']}", flush=True)
    else:
        save_generator(g, g_tv, g_ntv, out / "last.weights.h5")
        save_generator(g, ema, recalibrate_batchnorm(g, ema, g_ntv) if name == "dcgan"
                       else g_ntv, out / "ema.weights.h5")
        if n_snap:
            mean = [s / n_snap for s in snapshot_sum]
            ntv = recalibrate_batchnorm(g, mean, g_ntv) if name == "dcgan" else g_ntv
            save_generator(g, mean, ntv, out / "mean.weights.h5")
            history["mean_of_epoch_ends"] = n_snap
    np.savez_compressed(out / "frames.npz", frames=np.stack(frames), steps=np.array(frame_steps))
    (out / "history.json").write_text(json.dumps(history))
    print(f"[{args.tag}] finished: {done} steps in {history['wall_seconds']} s", flush=True)


def render(g, g_tv, g_ntv, fixed, pix2pix: bool) -> np.ndarray:
    """uint8 generator outputs on the fixed inputs (what the progress frames show)."""
    if pix2pix:
        x = to_unit_range(jnp.asarray(fixed[:, 0]))
        outs = [forward(g, g_tv, g_ntv, x[i:i + 1], training=True)[0][0]
                for i in range(len(x))]
        y = jnp.stack(outs)
    elif isinstance(g, models.GeneratorCGAN):
        labels = jax.nn.one_hot(jnp.arange(16) % 10, 10)
        y = forward(g, g_tv, g_ntv, jnp.asarray(fixed), labels, training=False)[0]
    else:
        y = forward(g, g_tv, g_ntv, jnp.asarray(fixed), training=False)[0]
    return np.asarray(jnp.clip(jnp.round((y + 1) * 127.5), 0, 255)).astype(np.uint8)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", choices=[*MNIST, *PIX2PIX])
    parser.add_argument("--data", required=True, help="folder with mnist/, facades/, ...")
    parser.add_argument("--out", required=True)
    parser.add_argument("--tag", help="output sub-folder (default: the run name)")
    parser.add_argument("--minutes", type=float, default=8.0, help="wall-clock budget")
    parser.add_argument("--epochs", type=int, help="override the lesson's epochs")
    parser.add_argument("--chunk", type=int, help="train steps per compiled call")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reserve", type=float, default=120,
                        help="seconds kept free at the end for saving and scoring (Pix2Pix)")
    parser.add_argument("--limit", type=int, help="first N training examples (smoke tests)")
    parser.add_argument("--ema", type=float, default=0.999, help="EMA decay of G's weights")
    parser.add_argument("--d-activation", default="relu", choices=["relu", "leaky_relu"])
    parser.add_argument("--d-dropout", type=float, default=0.0, help="MLP GAN: D dropout rate")
    parser.add_argument("--beta-1", type=float, help="Adam beta_1 (default: the lesson's)")
    parser.add_argument("--smooth", type=float, default=1.0,
                        help="real label for D (1.0 = none; 0.9 = one-sided smoothing)")
    args = parser.parse_args(argv)
    args.tag = args.tag or args.run
    train(args)


if __name__ == "__main__":
    main()
