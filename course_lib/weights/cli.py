"""`python -m course_lib weights|sample|translate`: the pretrained-weights commands.

* `weights verify [--weights-dir DIR] [--load]`: check every manifest entry; exit 1 naming each
  bad file. `weights list` shows what is shipped. `weights export NAME --checkpoint-dir DIR`
  (or `--snapshot g-NNNNNNN.weights.h5`) turns a training checkpoint (`course_lib.training.fit`)
  or a generator snapshot into a weight file + manifest entry; for the int8 Pix2Pix files it
  also measures the PSNR cost against float32 and the size, and exits 1 if a bar is missed.
* `sample {gan,cgan,dcgan} --n N [--label D] [--seed S] --out FILE.npy`: generated digits.
* `translate {pix2pix-facades,pix2pix-pokemon} --input-dir DIR --out-dir DIR [--seed S]`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from course_lib.inference import sample_digits, translate_dir
from course_lib.registry import (
    MNIST_GENERATORS,
    NAMES,
    PIX2PIX_GENERATORS,
    SPECS,
    STORAGE_INT8,
    WeightsError,
)
from course_lib.weights.export import export_checkpoint
from course_lib.weights.int8 import INT8_PSNR_BAR_DB, INT8_SIZE_BAR_MB
from course_lib.weights.locate import load_pretrained, verify_all
from course_lib.weights.manifest import (
    read_manifest,
    resolve_weights_dir,
    shipped_problem,
    update_manifest_metrics,
)


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    """Arguments of `weights`, `sample` and `translate`."""
    if command == "weights":
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check size and sha256 of every manifest entry")
        verify.add_argument("--weights-dir", type=Path)
        verify.add_argument("--load", action="store_true",
                            help="also load each file and check its outputs are not degenerate")
        verify.add_argument("--shipped", action="store_true",
                            help="require the files the course shipped (sha256 pinned in "
                                 "code), also outside the course's own weights folder")
        listing = sub.add_parser("list", help="show the manifest")
        listing.add_argument("--weights-dir", type=Path)
        export = sub.add_parser("export", help="checkpoint or snapshot -> weights/NAME file + "
                                               "manifest entry (Pix2Pix: int8, measured)")
        export.add_argument("name", choices=MNIST_GENERATORS + PIX2PIX_GENERATORS)
        source = export.add_mutually_exclusive_group(required=True)
        source.add_argument("--checkpoint-dir", type=Path,
                            help="the latest checkpoint of a training.fit run")
        source.add_argument("--snapshot", type=Path, nargs="+",
                            help="a generator snapshot g-NNNNNNN.weights.h5; several: export "
                                 "the mean of their weights (Polyak averaging)")
        export.add_argument("--weights-dir", type=Path)
        export.add_argument("--wall-time", type=float, help="training wall time in seconds")
        export.add_argument("--hardware", help="where it was trained (default: this machine)")
        export.add_argument("--notes", help="free text for the model card")
        export.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                            help="extra training facts, e.g. --set epochs_planned=500")
        export.add_argument("--limit", type=int,
                            help="int8 models: measure the int8 cost on the first N test images "
                                 "only (default: all)")
    elif command == "sample":
        parser.add_argument("model", choices=MNIST_GENERATORS)
        parser.add_argument("--n", type=int, required=True, help="number of images")
        parser.add_argument("--label", type=int, help="digit 0-9 (cgan only, required there)")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--out", type=Path, required=True, help="output .npy file")
        parser.add_argument("--weights-dir", type=Path)
    elif command == "translate":
        parser.add_argument("model", choices=PIX2PIX_GENERATORS)
        parser.add_argument("--input-dir", type=Path, required=True)
        parser.add_argument("--out-dir", type=Path, required=True)
        parser.add_argument("--seed", type=int, default=0, help="fixes the dropout masks")
        parser.add_argument("--weights-dir", type=Path)
    else:
        raise ValueError(f"course_lib.weights.cli has no command {command!r}")


def _parse_value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _run_weights(args: argparse.Namespace) -> int:
    if args.action == "verify":
        folder = resolve_weights_dir(args.weights_dir)
        problems = verify_all(folder, load=args.load,
                              shipped=True if args.shipped else None)
        if problems:
            print(f"{len(problems)} problem(s) in {folder}:", file=sys.stderr)
            for line in problems:
                print(f"  BAD {line}", file=sys.stderr)
            return 1
        entries = read_manifest(folder)
        for name, entry in entries.items():
            own = " (your own: not the shipped file)" if shipped_problem(name, entry, folder) \
                else ""
            print(f"  ok  {name:17s} {entry['file']} ({entry['size'] / 1e6:.1f} MB){own}")
        print(f"All {len(entries)} weight files in {folder} verified.")
        return 0
    if args.action == "list":
        entries = read_manifest(args.weights_dir)
        for name in NAMES:
            entry = entries.get(name)
            if entry is None:
                print(f"{name:17s} not shipped yet: {SPECS[name].how_to_train}")
            else:
                print(f"{name:17s} {entry['file']} {entry['size'] / 1e6:.1f} MB; "
                      f"{entry.get('notes', '')}")
        return 0
    extra = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--set expects KEY=VALUE, got {item!r}")
        extra[key] = _parse_value(value)
    t0 = time.perf_counter()
    entry = export_checkpoint(args.name, args.checkpoint_dir, args.weights_dir,
                              snapshot=args.snapshot, wall_time_s=args.wall_time,
                              hardware=args.hardware, notes=args.notes, training=extra or None)
    print(f"Exported {entry['file']} ({entry['size'] / 1e6:.1f} MB) in "
          f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
    status = 0
    if entry["storage"] == STORAGE_INT8:
        # int8 is only acceptable with a measured cost, so every int8 export measures it.
        from course_lib.evaluation.pix2pix import measure_int8

        print("Measuring int8 against float32 on the test images ...", file=sys.stderr)
        effect = measure_int8(args.name, args.checkpoint_dir, args.weights_dir,
                              limit=args.limit, snapshot=args.snapshot)
        entry = update_manifest_metrics(args.name, {"int8_vs_float32": effect},
                                        args.weights_dir)
        if not (effect["meets_0.1_db_bar"] and effect["meets_size_bar"]):
            print(f"error: the int8 file misses a bar: PSNR delta {effect['psnr_delta_db']} dB "
                  f"(bar {INT8_PSNR_BAR_DB}), size {effect['size_mb']} MB (bar "
                  f"{INT8_SIZE_BAR_MB}); recorded in the manifest all the same",
                  file=sys.stderr)
            status = 1
    print(json.dumps(entry, indent=2))
    return status


def run(args: argparse.Namespace) -> int:
    """Entry point of `weights`, `sample` and `translate`; returns the exit status."""
    try:
        if args.command == "weights":
            return _run_weights(args)
        if args.command == "sample":
            if args.model == "cgan" and args.label is None:
                print("sample cgan: --label D (0-9) is required: it is the digit the cGAN "
                      "draws", file=sys.stderr)
                return 2
            if args.model != "cgan" and args.label is not None:
                print(f"sample {args.model}: --label only applies to cgan ({args.model} is "
                      "unconditional)", file=sys.stderr)
                return 2
            if args.label is not None and not 0 <= args.label <= 9:
                print(f"--label must be a digit 0-9, got {args.label}", file=sys.stderr)
                return 2
            if args.n < 1:
                print(f"--n must be at least 1, got {args.n}", file=sys.stderr)
                return 2
            images = sample_digits(load_pretrained(args.model, args.weights_dir), args.n,
                                   args.label, args.seed)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            np.save(args.out, images)
            print(f"Wrote {args.out}: {images.shape} float32 in [{images.min():.2f}, "
                  f"{images.max():.2f}]")
            return 0
        if args.command == "translate":
            generator = load_pretrained(args.model, args.weights_dir)
            written = translate_dir(args.model, args.input_dir, args.out_dir, args.seed,
                                    generator=generator, progress=sys.stderr.isatty())
            print(f"Wrote {len(written)} predictions to {args.out_dir}")
            return 0
    except WeightsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    raise ValueError(f"course_lib.weights.cli has no command {args.command!r}")
