"""Scoring the generator snapshots of a training run, to choose the one to ship.

MNIST models are scored on samples with seed 1 (the final `eval` uses seed 0, fresh samples),
Pix2Pix on the validation split (the test split never takes part in the choice); `best_snapshot`
applies a fixed, stated rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from course_lib.evaluation.judges import features, parser_targets
from course_lib.evaluation.mnist import (
    GAN_CONFIDENCE_BAR,
    mnist_arrays,
    score_mnist_generator,
)
from course_lib.evaluation.pix2pix import pix2pix_pairs, report_images, translate_all
from course_lib.registry import PIX2PIX_GENERATORS, SPECS, PathLike, WeightsError
from course_lib.weights.export import average_snapshots, load_snapshot, snapshot_files
from course_lib.weights.locate import load_pretrained


def _snapshot_line(name: str, path: Path, step: int, score: dict) -> str:
    spe = SPECS[name].defaults.get("steps_per_epoch")
    head = f"{path.name}  step {step:7d}" + (f"  epoch {step / spe:6.1f}" if spe else "")
    if name in PIX2PIX_GENERATORS:
        body = (f"l1 {score['l1']:.4f}  psnr {score['psnr']:6.3f} dB  ssim {score['ssim']:.4f}"
                + (f"  parser {score['parser_pixel_accuracy']:.4f}"
                   if "parser_pixel_accuracy" in score else ""))
    elif name == "cgan":
        per = score["per_digit_accuracy"]
        worst = min(per, key=per.get)
        body = (f"accuracy {score['accuracy']:.3f}  min {score['min_digit_accuracy']:.2f} "
                f"(digit {worst})  confidence {score['confidence']:.3f}")
    else:
        hist = score["class_histogram"]
        body = (f"confidence {score['confidence']:.3f}  min share "
                f"{score['min_class_share']:.3f} (digit {int(np.argmin(hist))})  max share "
                f"{score['max_class_share']:.3f}")
    if "fid" in score:
        body += f"  fid {score['fid']:.2f}"
    if "bars" in score:
        body += "  bars: " + ("MET" if all(score["bars"].values()) else "missed")
    return f"{head}  {body}"


def score_snapshots(name: str, paths: Sequence[PathLike], weights_dir: PathLike | None = None,
                    seed: int = 1, n_fid: int = 2000, split: str = "val",
                    limit: int | None = None, classifier=None, parser=None,
                    average_last: Sequence[int] = ()):
    """Score generator snapshots (`g-NNNNNNN.weights.h5`, files or folders), one at a time.

    Yields (path, step, score, line) in step order; `score` is None and `line` says why for a
    snapshot that does not load (e.g. one being written right now).
    With `average_last` (e.g. (4, 8)), the candidates are instead the last snapshot and, for
    each k, the weight average of the last k snapshots (`weights.export.average_snapshots`); `path`
    is then a `Path` naming the candidate ("mean-of-last-8-g-0001000-to-g-0004000").
    MNIST models: `score_mnist_generator` with `seed` (default 1, so that the final
    `eval MODEL` with seed 0 judges the chosen snapshot on fresh samples) and an FID on n_fid
    digits against the first n_fid real test digits (0: no FID). Pix2Pix: L1/PSNR/SSIM (and,
    for facades, the parser's pixel accuracy) on `split` (default "val": the test set stays
    untouched by the choice), first `limit` pairs.
    """
    files = snapshot_files(paths)
    if not files:
        raise WeightsError(f"no g-NNNNNNN.weights.h5 snapshots in {', '.join(map(str, paths))}")
    if name in PIX2PIX_GENERATORS:
        pair_files, inputs, targets = pix2pix_pairs(name, split, limit)
        stems = [Path(f).stem for f in pair_files]
        label_targets = None
        if name == "pix2pix-facades":
            parser = parser if parser is not None else load_pretrained("facade-parser",
                                                                         weights_dir)
            label_targets = parser_targets(inputs)
        else:
            parser = None
    else:
        classifier = classifier if classifier is not None else load_pretrained(
            "mnist-classifier", weights_dir)
        real = None
        if n_fid:
            test_x, _ = mnist_arrays("test")
            real = features(classifier, test_x[:n_fid])
    candidates = [[f] for f in files]
    if average_last:
        candidates = [files[-1:]] + [files[-k:] for k in sorted(set(average_last))
                                     if 1 < k <= len(files)]
    for group in candidates:
        path = group[0] if len(group) == 1 else Path(
            f"mean-of-last-{len(group)}-{group[0].name.split('.')[0]}-to-"
            f"{group[-1].name.split('.')[0]}")
        try:
            generator, step = (load_snapshot(name, group[0]) if len(group) == 1
                               else average_snapshots(name, group))
        except WeightsError as err:
            yield path, None, None, f"{path.name}  skipped: {err}"
            continue
        if name in PIX2PIX_GENERATORS:
            pred = translate_all(generator, inputs, stems, seed)
            score = report_images(pred, targets, parser, label_targets)
        else:
            score = score_mnist_generator(name, generator, classifier, seed, real, n_fid)
        yield path, step, score, _snapshot_line(name, path, step, score)


def _gan_rank(score: dict) -> tuple[bool, float]:
    confident = score["confidence"] >= GAN_CONFIDENCE_BAR
    return confident, score["min_class_share"] if confident else score["confidence"]


def best_snapshot(name: str, scored: Sequence[tuple[Path, int, dict]]) -> tuple[Path, str]:
    """(path, rule) of the best scored snapshot under a fixed, stated rule.

    cgan: highest accuracy (ties: higher worst digit). gan/dcgan: among snapshots meeting the
    confidence bar, the most balanced (highest min class share); if none does, highest
    confidence. Pix2Pix: highest PSNR on the scoring split.
    """
    if name == "cgan":
        best = max(scored, key=lambda s: (s[2]["accuracy"], s[2]["min_digit_accuracy"]))
        return best[0], "highest accuracy, ties broken by the worst digit's accuracy"
    if name in PIX2PIX_GENERATORS:
        return max(scored, key=lambda s: s[2]["psnr"])[0], "highest PSNR on the scoring split"
    return (max(scored, key=lambda s: _gan_rank(s[2]))[0],
            f"highest min class share among confidence >= {GAN_CONFIDENCE_BAR} "
            "(else highest confidence)")
