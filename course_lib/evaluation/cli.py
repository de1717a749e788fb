"""`python -m course_lib eval MODEL`: print a JSON report of a pretrained model's quality.

`eval MODEL [--update-manifest]` measures the shipped weights; `eval MODEL --snapshots DIR`
scores the generator snapshots a training run saved (`g-NNNNNNN.weights.h5`), one line each,
to choose the one to export. Training the judges (mnist-classifier, facade-parser) is course
content, not a library command: `python tools/train_judges.py NAME`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from course_lib.evaluation.judges import evaluate_judge
from course_lib.evaluation.mnist import evaluate_mnist_generator
from course_lib.evaluation.pix2pix import evaluate_pix2pix
from course_lib.evaluation.snapshots import best_snapshot, score_snapshots
from course_lib.registry import MNIST_GENERATORS, PIX2PIX_GENERATORS, WeightsError
from course_lib.weights.locate import load_pretrained
from course_lib.weights.manifest import update_manifest_metrics

JUDGES = ("mnist-classifier", "facade-parser")
EVAL_MODELS = (*MNIST_GENERATORS, *PIX2PIX_GENERATORS, *JUDGES)


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    """Arguments of `python -m course_lib eval`."""
    parser.add_argument("model", choices=EVAL_MODELS)
    parser.add_argument("--weights-dir", type=Path)
    parser.add_argument("--seed", type=int,
                        help="sampling / dropout seed (default 0; with --snapshots on MNIST, 1)")
    parser.add_argument("--limit", type=int, help="Pix2Pix: only the first N test images")
    parser.add_argument("--update-manifest", action="store_true",
                        help="write the numbers into the model's manifest entry")
    parser.add_argument("--train", action="store_true",
                        help="moved: training the judges is `python tools/train_judges.py NAME`")
    parser.add_argument("--epochs", type=int, help="moved with --train to tools/train_judges.py")
    parser.add_argument("--fid-samples", type=int, default=10_000,
                        help="MNIST: generated (and real) digits for the FID (default 10000; "
                             "--snapshots uses at most 2000, 0 = no FID)")
    parser.add_argument("--out", type=Path, help="also write the JSON report here")
    parser.add_argument("--snapshots", type=Path, nargs="+", metavar="PATH",
                        help="gan/cgan/dcgan/pix2pix-*: score training snapshots "
                             "(g-NNNNNNN.weights.h5 files or folders of them), one line each, "
                             "instead of the shipped weights")
    parser.add_argument("--average-last", type=int, nargs="+", metavar="K",
                        help="with --snapshots: score the last snapshot and the weight average "
                             "of the last K snapshots for each K, instead of every snapshot")
    parser.add_argument("--split", default="val",
                        help="with --snapshots, Pix2Pix: the split to score on (default val, "
                             "so the test set plays no part in the choice)")


def _run_snapshots(args: argparse.Namespace) -> int:
    """`eval MODEL --snapshots ...`: one line per snapshot as it is scored, then the best."""
    if args.model not in MNIST_GENERATORS + PIX2PIX_GENERATORS:
        print(f"--snapshots scores GAN generators, not {args.model}", file=sys.stderr)
        return 2
    # The default seed 0 is what the final `eval MODEL` uses; choosing on other samples keeps
    # that final number an independent check of the chosen snapshot.
    if args.seed is not None:
        seed = args.seed
    else:
        seed = 1 if args.model in MNIST_GENERATORS else 0
    where = (f"{args.split} split" + (f", first {args.limit}" if args.limit else "")
             if args.model in PIX2PIX_GENERATORS else f"samples with seed {seed}")
    print(f"# {args.model} snapshots scored on {where}", flush=True)
    scored, records = [], []
    for path, step, score, line in score_snapshots(
            args.model, args.snapshots, args.weights_dir, seed=seed,
            n_fid=min(args.fid_samples, 2000), split=args.split, limit=args.limit,
            average_last=args.average_last or ()):
        print(line, flush=True)
        records.append({"snapshot": str(path), "step": step, "score": score})
        if score is not None:
            scored.append((path, step, score))
    if not scored:
        print("error: no snapshot could be scored", file=sys.stderr)
        return 1
    best, rule = best_snapshot(args.model, scored)
    print(f"# best by {rule}: {best}")
    if args.out:
        args.out.write_text(json.dumps({"model": args.model, "scored_on": where,
                                        "rule": rule, "best": str(best),
                                        "snapshots": records}, indent=2) + "\n")
    return 0


def run(args: argparse.Namespace) -> int:
    """Entry point of `eval`; prints the JSON report, returns the exit status."""
    from course_lib.data import DataError

    try:
        if args.snapshots:
            return _run_snapshots(args)
        if args.seed is None:
            args.seed = 0
        if args.train:
            print("eval --train: training the judges is course content, not a library command "
                  f"any more: run `python tools/train_judges.py {args.model}` from the course "
                  "checkout (GANs: `python -m course_lib train`)", file=sys.stderr)
            return 2
        if args.model in JUDGES:
            report = evaluate_judge(args.model, load_pretrained(args.model, args.weights_dir),
                                    args.limit)
        elif args.model in MNIST_GENERATORS:
            report = evaluate_mnist_generator(args.model, weights_dir=args.weights_dir,
                                              seed=args.seed, n_fid=args.fid_samples)
        else:
            report = evaluate_pix2pix(args.model, weights_dir=args.weights_dir, seed=args.seed,
                                      limit=args.limit)
    except (WeightsError, DataError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if args.update_manifest:
        update_manifest_metrics(args.model, {k: v for k, v in report.items() if k != "model"},
                                  args.weights_dir)
    # allow_nan=False: every number is finite by construction (PSNR is capped), keep it so.
    text = json.dumps(report, indent=2, allow_nan=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0
