"""course_lib's training against the seed code, timed.

    python benchmarks/bench.py [--quick] [--no-notebooks] [--out FILE]

For each model family (MLP GAN, cGAN, DCGAN, Pix2Pix) two training loops run in the same
process on the same machine:

* **reference**: the seed lessons' loop (`benchmarks/reference.py`): a Python `for` over the
  lesson's tf.data pipeline, one `@tf.function` step call per batch;
* **course_lib**: `training.build_run(...)` and `trainer.train_steps(iterator, n)`, i.e. what
  `python -m course_lib train MODEL` runs.

Both are warmed up (traced, pipelines primed) and then timed in alternating rounds, the order
swapped every round, so that a change of background load hits both sides. Each round runs a
chunk of steps and ends by reading a loss back (a host sync), so queued work is included.
Reported per family: the median seconds per step of each side, their ratio (reference / ours:
above 1 means course_lib is faster) and the CPU seconds per step (less sensitive to other
processes than wall time on a shared machine).

Also measured: the MNIST and facades input pipelines alone (examples/s) against what the
course_lib step consumes; the machine's float32 matmul peak and the FLOP/s the Pix2Pix step
achieves; and, unless `--quick` or `--no-notebooks`, the execution time of every notebook in fast
mode. The result is printed as one JSON object (and written to `--out`).

It lives in the checkout, not in the package: it times the seed lessons' code
(`benchmarks/reference.py`) and executes the checkout's notebooks.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # `python benchmarks/bench.py` puts only benchmarks/ on the path
    sys.path.insert(0, str(REPO))

from benchmarks import reference  # noqa: E402
from course_lib import config  # noqa: E402

StepFn = Callable[[int], None]  # run n train steps and wait for them to finish


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


def alternate(cases: dict[str, StepFn], steps: int, rounds: int) -> dict[str, dict]:
    """Time each case's `fn(steps)` `rounds` times, interleaved, after one warm-up call each.

    Round r runs the cases in order when r is even and reversed when r is odd.

    Returns:
        {name: {"s_per_step": median wall seconds per step, "cpu_s_per_step": median process
        CPU seconds per step, "samples": [wall seconds per step of every round]}}.
    """
    for fn in cases.values():
        fn(steps)
    walls: dict[str, list[float]] = {name: [] for name in cases}
    cpus: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for r in range(rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            cpu0, wall0 = time.process_time(), time.perf_counter()
            cases[name](steps)
            walls[name].append((time.perf_counter() - wall0) / steps)
            cpus[name].append((time.process_time() - cpu0) / steps)
    return {name: {"s_per_step": statistics.median(walls[name]),
                   "cpu_s_per_step": statistics.median(cpus[name]),
                   "samples": [round(w, 5) for w in walls[name]]} for name in cases}


def _compare(cases: dict[str, StepFn], steps: int, rounds: int, batch_size: int) -> dict:
    """`alternate` for a {"reference", "course_lib"} pair, plus ratios and examples/s."""
    timed = alternate(cases, steps, rounds)
    ref, ours = timed["reference"], timed["course_lib"]
    return {
        "batch_size": batch_size,
        "steps_per_round": steps,
        "rounds": rounds,
        "reference": ref,
        "course_lib": ours,
        "speedup": round(ref["s_per_step"] / ours["s_per_step"], 3),
        "cpu_speedup": round(ref["cpu_s_per_step"] / ours["cpu_s_per_step"], 3),
        "course_lib_examples_per_s": round(batch_size / ours["s_per_step"], 1),
    }


def _reference_loop(step, dataset, unpack: Callable) -> StepFn:
    """The seed's loop: a Python `for` over the dataset, one step call per batch; the last
    losses are read back so that the time includes all the queued work."""
    iterator = iter(dataset.repeat())

    def run(n: int) -> None:
        out = None
        for i in range(n):
            out = step(*unpack(next(iterator), i))
        float(out[0])

    return run


def _course_lib_loop(trainer, dataset) -> StepFn:
    iterator = iter(dataset.repeat())

    def run(n: int) -> None:
        trainer.train_steps(iterator, n)  # returns floats: already synced

    return run


# --------------------------------------------------------------------------------------------
# The four train steps
# --------------------------------------------------------------------------------------------


def bench_mlp(conditional: bool, quick: bool) -> dict:
    """MNIST MLP GAN (`conditional=False`) or cGAN, batch 128, each on its own pipeline."""
    import keras

    from course_lib import data, models, training

    name = "cgan" if conditional else "gan"
    limit = 12_800 if quick else None
    trainer, ours_ds, _ = training.build_run(name, reference.MLP_BATCH, limit, seed=0)
    if conditional:
        g, d = models.build(models.GeneratorCGAN()), models.build(models.DiscriminatorCGAN())
    else:
        g, d = models.build(models.GeneratorGAN()), models.build(models.DiscriminatorGAN())
    step = reference.mlp_gan_step(g, d, keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4),
                            conditional=conditional)
    mnist = data.load_mnist("train")  # tfds, like the lesson
    if limit:
        mnist = mnist.take(limit)
    if conditional:
        ref_ds = reference.mnist_cgan_pipeline(mnist)
        unpack = lambda batch, i: batch  # noqa: E731
    else:
        ref_ds = reference.mnist_gan_pipeline(mnist)
        unpack = lambda batch, i: (batch,)  # noqa: E731
    result = _compare({"reference": _reference_loop(step, ref_ds, unpack),
                       "course_lib": _course_lib_loop(trainer, ours_ds)},
                      steps=20 if quick else 50, rounds=3 if quick else 7,
                      batch_size=reference.MLP_BATCH)
    result["note"] = ("the seed calls the models without training=True, so its cGAN "
                      "discriminator skips dropout; course_lib runs it (more work per step)"
                      if conditional else "same computation on both sides")
    return result


def bench_dcgan(quick: bool) -> dict:
    """Lesson-01 DCGAN, batch 256, each side on its own pipeline; the reference's networks
    are built from stock Keras layers (`reference.dcgan_generator/discriminator`)."""
    import keras

    from course_lib import data, training

    limit = 5120 if quick else None
    trainer, ours_ds, _ = training.build_run("dcgan", reference.DCGAN_BATCH, limit, seed=0)
    images, _ = data.load_mnist_arrays("train")
    images = images[:limit]
    step = reference.dcgan_step(reference.dcgan_generator(), reference.dcgan_discriminator(),
                          keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4))
    ref_ds = reference.mnist_dcgan_pipeline(images)
    return _compare({"reference": _reference_loop(step, ref_ds, lambda b, i: (b,)),
                     "course_lib": _course_lib_loop(trainer, ours_ds)},
                    steps=3 if quick else 10, rounds=3 if quick else 7,
                    batch_size=reference.DCGAN_BATCH)


def bench_pix2pix(quick: bool) -> tuple[dict, object]:
    """Lesson-03 Pix2Pix on facades, batch 1. Returns (result, course_lib trainer)."""
    import keras
    import tensorflow as tf

    from course_lib import data, models, training

    limit = 20 if quick else None
    trainer, ours_ds, _ = training.build_run("pix2pix-facades", reference.PIX2PIX_BATCH, limit,
                                             seed=0)
    files = data.facades_files("train")[:limit]
    step = reference.pix2pix_step(models.unet_generator(), models.patchgan_discriminator(),
                            keras.optimizers.Adam(2e-4, beta_1=0.5),
                            keras.optimizers.Adam(2e-4, beta_1=0.5))
    ref_ds = reference.facades_pipeline(files)
    result = _compare(
        {"reference": _reference_loop(step, ref_ds,
                                      lambda b, i: (b[0], b[1], tf.constant(i, tf.int64))),
         "course_lib": _course_lib_loop(trainer, ours_ds)},
        # Quick mode still times 5 steps per round: with 2, one slow step swung the ratio by 0.15.
        steps=5, rounds=3 if quick else 5, batch_size=reference.PIX2PIX_BATCH)
    return result, trainer


# --------------------------------------------------------------------------------------------
# Input pipelines, FLOP/s, notebooks
# --------------------------------------------------------------------------------------------


def pipeline_rate(dataset, batches: int, batch_size: int, rounds: int = 3) -> float:
    """Examples per second that `dataset` delivers on its own (best of `rounds` runs of
    `batches` batches, after one warm-up pass to fill caches and shuffle buffers)."""
    iterator = iter(dataset.repeat())
    for _ in range(batches):
        next(iterator)
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(batches):
            next(iterator)
        best = max(best, batches * batch_size / (time.perf_counter() - start))
    return best


def bench_pipelines(steps: dict, quick: bool) -> dict:
    """MNIST (cGAN) and facades pipelines: examples/s vs what the course_lib step consumes.

    `headroom` = pipeline rate / step consumption; above 1 the step never waits for data.
    """
    from course_lib import data

    out = {}
    mnist_ref = reference.mnist_cgan_pipeline(data.load_mnist("train"))
    mnist_ours = data.mnist_cgan_dataset(batch_size=reference.MLP_BATCH)
    n = 20 if quick else 100
    consumed = steps["cgan"]["course_lib_examples_per_s"]
    out["mnist_cgan"] = {
        "reference_examples_per_s": round(pipeline_rate(mnist_ref, n, reference.MLP_BATCH), 1),
        "course_lib_examples_per_s": round(pipeline_rate(mnist_ours, n, reference.MLP_BATCH), 1),
        "step_consumes_examples_per_s": consumed,
    }
    files = data.facades_files("train")
    n = 10 if quick else 50
    consumed = steps["pix2pix"]["course_lib_examples_per_s"]
    out["facades"] = {
        "reference_examples_per_s": round(
            pipeline_rate(reference.facades_pipeline(files), n, 1), 1),
        "course_lib_examples_per_s": round(
            pipeline_rate(data.pix2pix_dataset(files, training=True), n, 1), 1),
        "step_consumes_examples_per_s": consumed,
    }
    for entry in out.values():
        entry["headroom"] = round(entry["course_lib_examples_per_s"]
                                  / entry["step_consumes_examples_per_s"], 1)
        entry["bottleneck"] = entry["headroom"] < 1.0
    return out


def matmul_peak(n: int = 1024, repeats: int = 10, rounds: int = 5) -> float:
    """Measured float32 matmul FLOP/s of this machine: best round of a chain of `repeats`
    (n x n) @ (n x n) products (2 n^3 FLOPs each) in one tf.function, after a warm-up.

    Each product multiplies the previous result (x <- x @ b), so every one must really be
    computed: `repeats` products of the same operands would be merged into one by grappler's
    common-subexpression elimination, overstating the rate `repeats`-fold. `b` is scaled by
    1/sqrt(n) so that the chain's values keep their size instead of overflowing.
    """
    import tensorflow as tf

    x = tf.random.normal((n, n))
    b = tf.random.normal((n, n)) / n ** 0.5

    @tf.function
    def chain(x, b):
        for _ in range(repeats):
            x = tf.linalg.matmul(x, b)
        return x

    chain(x, b).numpy()
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        chain(x, b).numpy()
        best = min(best, time.perf_counter() - start)
    return 2 * n ** 3 * repeats / best


def _graph_flops(fn, *specs) -> float:
    """Multiply-add FLOPs (2 per MAC) of the Conv2D, transposed-conv and MatMul ops that one
    call of `fn` runs, read from its traced graph (shapes are static). Element-wise work
    (BatchNorm, activations, dropout) is not counted."""
    import numpy as np
    import tensorflow as tf

    graph = tf.function(fn).get_concrete_function(*specs).graph
    total = 0.0
    for op in graph.get_operations():
        if op.type == "Conv2D":  # inputs: image, filter (kh, kw, cin, cout)
            kh, kw, cin, _ = op.inputs[1].shape
            total += 2 * np.prod(op.outputs[0].shape) * kh * kw * cin
        elif op.type == "Conv2DBackpropInput":  # transposed conv: sizes, filter, small image
            kh, kw, _, cout = op.inputs[1].shape
            total += 2 * np.prod(op.inputs[2].shape[:-1]) * cout * kh * kw * op.inputs[1].shape[2]
        elif op.type == "MatMul":
            a, b = op.inputs[0].shape, op.outputs[0].shape
            total += 2 * np.prod(b) * a[1]
    return float(total)


def pix2pix_step_flops(generator, discriminator) -> dict:
    """FLOPs of one Pix2Pix train step (batch 1), counted from the networks' forward graphs.

    A train step runs the generator forward once and backward for both its input and weight
    gradients (3 forward costs), and the discriminator forward twice (real, fake), weight
    gradients twice, and input gradients three times (real and fake for its own loss, fake
    again for the generator's loss): 7 forward costs. The first layers' input gradients are
    counted although only the discriminator's is needed, so this slightly overstates.
    """
    import tensorflow as tf

    image = tf.TensorSpec((1, 256, 256, 3), tf.float32)
    g_fwd = _graph_flops(lambda x: generator(x, training=True), image)
    d_fwd = _graph_flops(lambda x, y: discriminator([x, y], training=True), image, image)
    return {"generator_forward": g_fwd, "discriminator_forward": d_fwd,
            "train_step": 3 * g_fwd + 7 * d_fwd}


def bench_notebooks(timeout: int = 1800) -> dict:
    """Seconds to execute each notebook top to bottom in fast mode (COURSE_FAST=1)."""
    import nbformat

    from course_lib.notebook_run import execute

    os.environ["COURSE_FAST"] = "1"  # the kernels inherit the environment
    out = {}
    for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        try:
            execute(nb, cwd=path.parent, timeout=timeout)
            status = "ok"
        except Exception as exc:  # report every notebook, failed ones included
            status = f"failed: {type(exc).__name__}"
        out[path.name] = {"seconds": round(time.perf_counter() - start, 1), "status": status}
    return out


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def machine() -> dict:
    import tensorflow as tf

    return {"platform": platform.platform(), "cpus": os.cpu_count(),
            "device": config.device_name(), "tensorflow": tf.__version__,
            "loadavg_start": [round(x, 2) for x in os.getloadavg()]}


def run_all(quick: bool, notebooks: bool) -> dict:
    """Every measurement; see the module docstring. Returns the JSON-ready result."""
    result: dict = {"mode": "quick" if quick else "full", "machine": machine()}
    steps = {"gan": bench_mlp(False, quick), "cgan": bench_mlp(True, quick),
             "dcgan": bench_dcgan(quick)}
    steps["pix2pix"], trainer = bench_pix2pix(quick)
    result["train_steps"] = steps
    result["input_pipelines"] = bench_pipelines(steps, quick)
    peak = matmul_peak(512 if quick else 1024)
    flops = pix2pix_step_flops(trainer.generator, trainer.discriminator)
    achieved = flops["train_step"] / steps["pix2pix"]["course_lib"]["s_per_step"]
    result["pix2pix_flops"] = {**flops, "achieved_flop_per_s": achieved,
                               "matmul_peak_flop_per_s": peak,
                               "fraction_of_peak": round(achieved / peak, 3)}
    if notebooks:
        result["notebooks_fast_mode"] = bench_notebooks()
    result["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="few steps on data subsets (a few minutes); no notebooks")
    parser.add_argument("--no-notebooks", action="store_true",
                        help="skip executing the notebooks (the slowest part)")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    result = run_all(args.quick, notebooks=not (args.quick or args.no_notebooks))
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
