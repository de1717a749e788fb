"""The weights manifest: `weights/manifest.json`, what every shipped file claims to be.

One entry per model name:

    name, architecture ("module:builder"), file, storage, sha256, size, parameters,
    keras_version, tensorflow_version, dataset, training {...}, wall_time_s, hardware,
    metrics {...}, notes, and optionally url (a copy hosted elsewhere).

Reading validates every entry (`entry_problems`), writing is atomic, `check_file` matches a
file to its entry (size, then sha256) and `SHIPPED_SHA256` pins what this release shipped.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import re
from pathlib import Path

from course_lib import config
from course_lib.data.storage import sha256_file
from course_lib.messages import tr
from course_lib.registry import (
    PathLike,
    WeightsError,
    count_parameters,
    spec,
)

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "course_lib weights manifest v1"


# The sha256 of every weight file this release ships, pinned in code so that editing
# weights/manifest.json cannot make a changed file pass: the manifest says what a file claims
# to be, this says what the course actually shipped. Files in the course's own weights folder
# (`is_course_folder`) must match (`shipped_problem`); a file elsewhere (COURSE_WEIGHTS_DIR,
# --weights-dir: your own export) that does not is used as *your* weights, with a notice and a
# check that its outputs are not degenerate (`output_problem`). Re-exporting a shipped file
# means updating this table too (tests/test_weights_manifest.py checks it against
# weights/manifest.json).
SHIPPED_SHA256: dict[str, str] = {
    "cgan": "58f6d730350686221d31f0c790a51f227ac98b6ea6debfa11902b9cfeed48d11",
    "dcgan": "c7f0177e8dde1282eb943a0efabdaf87a0801d2980a2c055fc2d0b856f558c5d",
    "facade-parser": "8d0390e3a56e3616d876793e944fb6cb57727f065a720d86d928e1163d194b6f",
    "gan": "9a29499de4fd6c40a2cc84fd6cc453dedbd92c38b8da49a25fe47770ed956f0c",
    "gan-collapsed": "b19f9552adca21ac98dbc51b2e14045596060010ca9d7445d9645f24055f1fac",
    "mnist-classifier": "0f8c8590f3716ccb287d3c4627888086b2267ec2a268e0e4b1697bed271cf26b",
    "pix2pix-cityscapes": "0b74fecb5d2311f24aba59f4165b01ba9c1e9ae6fe48da777b183878001c112d",
    "pix2pix-facades": "19c9db0202591cd7302aa11dbc0cdfd7815a65e894a085c04034a08275b23aee",
    "pix2pix-pokemon": "5c62924ff5ac070ce969b298350b0c93aa19bcdc6d88df72a1184b77110d73c2",
}


def resolve_weights_dir(weights_dir: PathLike | None = None) -> Path:
    """`weights_dir` if given, else `config.weights_dir()` ($COURSE_WEIGHTS_DIR, else the nearest
    `weights/manifest.json` above the current folder, else the download cache)."""
    return Path(weights_dir).expanduser() if weights_dir is not None else config.weights_dir()


def card_line(name: str, weights_dir: PathLike | None = None) -> str:
    """One line from a model card: how the shipped weights were trained and what they score.

    e.g. "pix2pix-pokemon: 14,500 steps (18.6 epochs, batch 1) on 1x NVIDIA H200, ...;
    test (41 images): PSNR 17.63 dB, L1 0.071 | input unchanged 11.58 dB, 0.148 | ...".
    """
    entry = read_manifest(weights_dir).get(name, {})
    train, metrics = entry.get("training", {}), entry.get("metrics", {})
    parts = [f"{name}:"]
    if "steps" in train:
        epochs = (tr("{n:g} epochs, ", "{n:g} 에포크, ", n=train["epochs"])
                  if "epochs" in train else "")
        parts.append(tr("{steps:,} steps ({epochs}batch {batch}) on {hardware};",
                        "{steps:,} 스텝 ({epochs}배치 {batch}), 학습 장비: {hardware};",
                        steps=train["steps"], epochs=epochs, batch=train.get("batch_size"),
                        hardware=entry.get("hardware", "unknown hardware")))
    gen = metrics.get("generator")
    if gen:  # Pix2Pix: the model next to its trivial baselines
        baseline_names = {"mean_training_photo": tr("mean training photo", "학습 사진 평균"),
                          "input_unchanged": tr("input unchanged", "입력 그대로")}
        baselines = " | ".join(
            f"{baseline_names.get(base, base.replace('_', ' '))} {b['psnr']:.2f} dB, "
            f"{b['l1']:.3f}" for base, b in metrics.get("baselines", {}).items()
            if base != "untrained_generator")
        parts.append(tr("{split} ({n} images): PSNR {psnr:.2f} dB, L1 {l1:.3f} on [0,1] | ",
                        "{split} ({n}장): PSNR {psnr:.2f} dB, L1 {l1:.3f} ([0,1] 기준) | ",
                        split=metrics.get("split", "test"), n=metrics.get("n_images"),
                        psnr=gen["psnr"], l1=gen["l1"]) + baselines)
    elif "fid" in metrics:  # MNIST: the course classifier's figures
        share = (tr(", rarest digit {share:.1%}", ", 가장 드문 숫자 {share:.1%}",
                    share=metrics["min_class_share"]) if "min_class_share" in metrics else "")
        accuracy = (tr(", accuracy {a:.1%}", ", 정확도 {a:.1%}", a=metrics["accuracy"])
                    if "accuracy" in metrics else "")
        parts.append(tr("FJD {fid:.1f}, confidence {c:.3f}", "FJD {fid:.1f}, 확신도 {c:.3f}",
                        fid=metrics["fid"], c=metrics["confidence"]) + accuracy + share)
    return " ".join(parts)


def read_manifest(weights_dir: PathLike | None = None, validate: bool = True) -> dict[str, dict]:
    """name -> entry from `<weights_dir>/manifest.json` ({} when there is no manifest yet).

    With `validate` (the default) a malformed entry raises WeightsError naming the entry, the
    field, what was expected and what was found (see `entry_problems`); `verify_all` reads
    with validate=False to report every bad entry instead of the first.
    """
    folder = resolve_weights_dir(weights_dir)
    path = folder / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise WeightsError(f"{path}: not valid JSON ({err})") from None
    except OSError as err:
        raise WeightsError(f"{path}: cannot read ({err.strerror})") from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise WeightsError(f"{path}: format expected {MANIFEST_FORMAT!r}, found {found!r}")
    models = data.get("models")
    if not isinstance(models, dict) or not all(isinstance(e, dict) for e in models.values()):
        raise WeightsError(f"{path}: 'models' expected an object of name -> entry objects")
    if validate:
        problems = [p for name, entry in models.items()
                    for p in entry_problems(name, entry, folder)]
        if problems:
            raise WeightsError(f"{path}: malformed entries:\n  " + "\n  ".join(problems))
    return models


# Fields every manifest entry must have, with their JSON types.
REQUIRED_FIELDS: dict[str, type] = {
    "file": str, "sha256": str, "size": int, "architecture": str, "storage": str}
_TYPE_WORDS = {str: "a string", int: "an integer (bytes)"}


def entry_problems(name: str, entry: dict, weights_dir: PathLike) -> list[str]:
    """What is malformed in manifest entry `name` ([] when nothing): missing or mistyped
    fields, a sha256 that is not 64 hex digits, and a `file` that would leave the weights
    folder (an absolute path, `..`, or a link pointing out): only files inside it are trusted.
    """
    where = f"manifest entry {name!r}"
    problems = []
    for key, kind in REQUIRED_FIELDS.items():
        if key not in entry:
            problems.append(f"{where}: no {key!r} field (expected {_TYPE_WORDS[kind]})")
        elif not isinstance(entry[key], kind) or isinstance(entry[key], bool):
            problems.append(f"{where}: {key!r} expected {_TYPE_WORDS[kind]}, found "
                            f"{entry[key]!r}")
    digest = entry.get("sha256")
    if isinstance(digest, str) and not re.fullmatch(r"[0-9a-f]{64}", digest):
        problems.append(f"{where}: 'sha256' expected 64 lowercase hex digits, found {digest!r}")
    file = entry.get("file")
    if isinstance(file, str):
        folder = Path(weights_dir).resolve()
        target = (folder / file).resolve()
        if Path(file).is_absolute() or ".." in Path(file).parts or target.parent != folder:
            problems.append(f"{where}: 'file' must name a file inside the weights folder "
                            f"{folder}, found {file!r}")
    return problems


def write_manifest(entries: dict[str, dict], weights_dir: PathLike | None = None) -> Path:
    """Write the manifest atomically (a killed write never leaves half a JSON file)."""
    folder = resolve_weights_dir(weights_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MANIFEST_NAME
    text = json.dumps({"format": MANIFEST_FORMAT,
                       "models": {k: entries[k] for k in sorted(entries)}}, indent=2)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(text + "\n")
    os.replace(tmp, path)
    return path


def is_course_folder(weights_dir: PathLike) -> bool:
    """Whether `weights_dir` is the course's own weights folder, the one found without any
    setting (`config.found_weights_dir`): its files must be the shipped ones (`SHIPPED_SHA256`).
    """
    return Path(weights_dir).resolve() == config.found_weights_dir().resolve()


def shipped_problem(name: str, entry: dict, weights_dir: PathLike) -> str | None:
    """Why the file of `name` is not the one the course shipped, or None when it is.

    Compares the manifest's sha256 (which `check_file` has matched to the file) with the one
    pinned in code, so a file changed *and* re-registered in the manifest is still caught.
    """
    pinned = SHIPPED_SHA256.get(name)
    if pinned is None or entry.get("sha256") == pinned:
        return None
    return (f"{Path(weights_dir) / str(entry.get('file'))}: sha256 {entry.get('sha256')} is not "
            f"the shipped file's, pinned in course_lib/weights/manifest.py as {pinned} (the file "
            "was changed and the manifest edited to match)")


def check_file(path: PathLike, entry: dict) -> list[str]:
    """Problems of one weight file against its manifest entry ([] when it is healthy).

    Cheap checks first: existence, then size, then the sha256 of the whole file.
    """
    path = Path(path)
    if not path.is_file():
        return [f"{path}: missing (manifest entry {entry.get('name')!r})"]
    size = path.stat().st_size
    if size != entry["size"]:
        return [f"{path}: size expected {entry['size']} bytes, found {size}"]
    found = sha256_file(path)
    if found != entry["sha256"]:
        return [f"{path}: sha256 expected {entry['sha256']}, found {found}"]
    return []


def update_manifest_metrics(name: str, metrics: dict, weights_dir: PathLike | None = None,
                            replace: bool = False) -> dict:
    """Merge measured quality numbers into `name`'s manifest entry (or replace them).

    Returns the updated entry. The entry must exist (weights are registered before they are
    measured).
    """
    entries = read_manifest(weights_dir)
    if name not in entries:
        manifest = resolve_weights_dir(weights_dir) / MANIFEST_NAME
        raise WeightsError(f"{name!r} has no entry in {manifest}")
    entry = entries[name]
    entry["metrics"] = dict(metrics) if replace else {**entry.get("metrics", {}), **metrics}
    write_manifest(entries, weights_dir)
    return entry


def versions() -> dict[str, str]:
    import keras
    import tensorflow as tf

    return {"keras_version": keras.__version__, "tensorflow_version": tf.__version__}


def hardware_description() -> str:
    """e.g. 'CPU: 2 cores (x86_64), no GPU' or 'GPU: /physical_device:GPU:0'."""
    device = config.device_name()
    if device == "CPU":
        return f"CPU: {os.cpu_count()} cores ({platform.machine()}), no GPU"
    return device


def register_weights(name: str, path: PathLike, weights_dir: PathLike | None = None, *,
                     model=None, training: dict | None = None, wall_time_s: float | None = None,
                     hardware: str | None = None, notes: str | None = None,
                     metrics: dict | None = None, extra: dict | None = None) -> dict:
    """Write (or refresh) the manifest entry of a weight file already placed in `weights_dir`.

    sha256 and size are measured here. Metrics of an older file are dropped when the file
    changed, since they described other weights.
    """
    s = spec(name)
    folder = resolve_weights_dir(weights_dir)
    path = Path(path)
    if path.parent.resolve() != folder.resolve():
        raise WeightsError(f"{path} must be inside the weights folder {folder}")
    entries = read_manifest(folder)
    old = entries.get(name, {})
    digest = sha256_file(path)
    entry = {
        "name": name,
        "architecture": s.architecture,
        "file": path.name,
        "storage": s.storage,
        "sha256": digest,
        "size": path.stat().st_size,
        "parameters": count_parameters(model) if model is not None else old.get("parameters"),
        **versions(),
        "dataset": s.dataset,
        "training": training if training is not None else old.get("training", {}),
        "wall_time_s": wall_time_s if wall_time_s is not None else old.get("wall_time_s"),
        "hardware": hardware or old.get("hardware") or hardware_description(),
        "created": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "metrics": {**(old.get("metrics", {}) if old.get("sha256") == digest else {}),
                    **(metrics or {})},
        "notes": notes if notes is not None else old.get("notes", ""),
    }
    if "url" in old:
        entry["url"] = old["url"]
    entry.update(extra or {})
    entries[name] = entry
    write_manifest(entries, folder)
    return entry


# --------------------------------------------------------------------------------------------
# int8 storage (per output channel, symmetric)
