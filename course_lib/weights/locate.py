"""Finding, downloading, verifying and loading pretrained weights.

`load_pretrained(name)` builds the architecture, checks the file's size and sha256 *before*
reading a byte of it as weights, refuses a file made for another architecture, and only then
loads it. The weights folder comes from `config.weights_dir()` (COURSE_WEIGHTS_DIR, else the
nearest `weights/manifest.json` above the current folder, else the cache); a manifest entry
with a "url" is downloaded once into the cache by `keras.utils.get_file`, sha256-checked.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from course_lib import config, messages
from course_lib.inference import translate_image
from course_lib.registry import (
    MNIST_GENERATORS,
    NAMES,
    PIX2PIX_GENERATORS,
    SPECS,
    PathLike,
    WeightsError,
    build_model,
    spec,
)
from course_lib.weights.int8 import load_weights_file
from course_lib.weights.manifest import (
    MANIFEST_NAME,
    check_file,
    entry_problems,
    is_course_folder,
    read_manifest,
    resolve_weights_dir,
    sha256_file,
    shipped_problem,
)


def missing_weights_message(weights_dir: PathLike) -> str | None:
    """Why `weights_dir` holds no usable weights at all (say where it looked and how to get
    them), or None when it has a manifest."""
    folder = resolve_weights_dir(weights_dir)
    if (folder / MANIFEST_NAME).is_file():
        return None
    env = os.environ.get("COURSE_WEIGHTS_DIR")
    why = (messages.text("weights.env_points", env=env)
           if env and Path(env).expanduser().resolve() == folder.resolve() else "")
    state = (messages.text("weights.state_absent") if not folder.exists()
             else messages.text("weights.state_no_manifest", manifest=MANIFEST_NAME))
    return messages.text("weights.no_folder", folder=folder, why=why, state=state)


def _entry(name: str, weights_dir: Path) -> dict:
    s = spec(name)
    missing = missing_weights_message(weights_dir)
    if missing:
        raise WeightsError(messages.text("weights.or_train", name=name, missing=missing,
                                         how=s.how_to_train))
    entries = read_manifest(weights_dir)
    if name not in entries:
        raise WeightsError(messages.text("weights.not_shipped", name=name,
                                         manifest=weights_dir / MANIFEST_NAME,
                                         how=s.how_to_train))
    return entries[name]


def download(url: str, entry: dict, cache_dir: PathLike | None = None) -> Path:
    """Fetch `url` into the cache (once) and verify it against `entry`; return the cached path.

    A cached file with the right size and sha256 is used without touching the network.
    `keras.utils.get_file` downloads and checks the sha256; a file that then fails
    `check_file` (size, sha256) is deleted, so a broken download is never used or cached.
    `file://` URLs work too.
    """
    import keras

    cache = Path(cache_dir).expanduser() if cache_dir is not None else config.weights_cache_dir()
    target = cache / entry["file"]
    if not check_file(target, entry):
        return target
    cache.mkdir(parents=True, exist_ok=True)  # get_file falls back to /tmp for a missing folder
    try:
        fetched = Path(keras.utils.get_file(entry["file"], url, file_hash=entry["sha256"],
                                            hash_algorithm="sha256", cache_dir=str(cache),
                                            cache_subdir="."))
    except ValueError:  # get_file's hash mismatch: the file is there, but wrong
        found = sha256_file(target) if target.is_file() else "no file"
        target.unlink(missing_ok=True)
        raise WeightsError(f"download of {url} failed verification: {entry['file']}: sha256 "
                           f"expected {entry['sha256']}, found {found}") from None
    except Exception as err:  # get_file raises a bare Exception for network errors
        raise WeightsError(f"could not download {url}: {err}") from None
    if fetched.parent.resolve() != cache.resolve():  # get_file's fallback for a read-only cache
        raise WeightsError(f"could not download {url}: the cache {cache} is not writable")
    problems = check_file(fetched, entry)
    if problems:
        fetched.unlink(missing_ok=True)
        raise WeightsError(f"download of {url} failed verification: {problems[0]}")
    return fetched


def locate(name: str, weights_dir: PathLike | None = None, url: str | None = None,
           cache_dir: PathLike | None = None, quiet: bool = False) -> tuple[Path, dict]:
    """The verified weight file of `name` and its manifest entry.

    With a URL (the argument, else the entry's "url"), the cached download is preferred; if the
    download fails or does not verify, the local copy in `weights_dir` is used instead (with
    a notice). Either way the returned file's size and sha256 match the manifest.
    """
    folder = resolve_weights_dir(weights_dir)
    entry = _entry(name, folder)
    url = url or entry.get("url")
    download_problem = None
    if url:
        try:
            return download(url, entry, cache_dir), entry
        except WeightsError as err:
            download_problem = str(err)
            if not quiet:
                print(f"{download_problem}; falling back to the local copy in {folder}",
                      file=sys.stderr)
    problems = check_file(folder / entry["file"], entry)
    if not problems and is_course_folder(folder):
        problems = [p for p in [shipped_problem(name, entry, folder)] if p]
    if problems:
        detail = problems[0] + (f" (and {download_problem})" if download_problem else "")
        raise WeightsError(messages.text("weights.unusable", name=name, detail=detail,
                                         how=spec(name).how_to_train))
    return folder / entry["file"], entry


def load_pretrained(name: str, weights_dir: PathLike | None = None, url: str | None = None,
                    cache_dir: PathLike | None = None):
    """A keras.Model of the right architecture holding the verified pretrained weights of `name`.

    Args:
        name: gan, cgan, dcgan (generators; MNIST images (N,28,28,1) in [-1,1]),
            mnist-classifier, pix2pix-facades, pix2pix-pokemon (generators, (N,256,256,3)
            in [-1,1]), facade-parser.
        weights_dir: folder with manifest.json and the files (default: `config.weights_dir()`:
            $COURSE_WEIGHTS_DIR, else the checkout's `weights/` found from the current folder).
        url: where to download the file from (overrides the manifest's "url"); downloads are
            cached in `cache_dir` (default ~/.cache/course_lib/weights), and a failed download
            falls back to the copy in `weights_dir`.

    Raises:
        WeightsError: unknown name; nothing shipped for it yet (says how to train it); file
            missing or its size/sha256 differs from the manifest (names the file, expected and
            found values); the file was made for a different architecture.
    """
    path, entry = locate(name, weights_dir, url, cache_dir)
    model = build_model(name)
    load_weights_file(model, path, spec(name).architecture)
    if shipped_problem(name, entry, path.parent):
        # Not the shipped file (your own export, outside the course's weights folder): its
        # manifest matched, but only its behaviour can vouch for it.
        print(f"[course_lib.weights] {name}: using {path}, which is not the shipped file "
              f"(sha256 {entry['sha256'][:12]}…); checking its outputs", file=sys.stderr)
        problem = output_problem(name, model)
        if problem:
            raise WeightsError(f"{path}: {problem}; refusing these weights for {name!r}")
    return model


def unavailable_reason(name: str, weights_dir: PathLike | None = None) -> str | None:
    """Why `name` has no usable pretrained file (where it looked, how to get it), or None.

    Cheap: the manifest entry and the file's size, no hashing (`load_pretrained` still
    verifies the sha256).
    """
    if name not in SPECS:
        return f"unknown pretrained model {name!r}; known: {', '.join(NAMES)}"
    folder = resolve_weights_dir(weights_dir)
    missing = missing_weights_message(folder)
    if missing:
        return missing
    try:
        entry = read_manifest(folder).get(name)
    except WeightsError as err:
        return str(err)
    if entry is None:
        return messages.text("weights.no_entry", manifest=folder / MANIFEST_NAME, name=name,
                             how=SPECS[name].how_to_train)
    candidates = [folder / entry["file"], config.weights_cache_dir() / entry["file"]]
    if any(p.is_file() and p.stat().st_size == entry["size"] for p in candidates):
        return None
    return messages.text("weights.bad_size", path=folder / entry["file"], size=entry["size"],
                         how=SPECS[name].how_to_train)


def available(name: str, weights_dir: PathLike | None = None, quiet: bool = False) -> bool:
    """True when `name` has a manifest entry and a file of the right size (no hashing: cheap).

    Use this to decide whether to offer the pretrained path at all (e.g. in a notebook). When
    the answer is False it also prints why, on stdout so that a notebook shows it: an empty or
    wrong weights folder must be visible, never a silently skipped section (`quiet=True`
    stays silent).
    """
    reason = unavailable_reason(name, weights_dir)
    if reason and not quiet:
        print(messages.text("weights.not_available", name=name, reason=reason), flush=True)
    return reason is None


def verify_all(weights_dir: PathLike | None = None, load: bool = False,
               shipped: bool | None = None) -> list[str]:
    """Problems of every manifest entry ([] when all are healthy).

    Each entry must be well formed (`entry_problems`) and its file must match the manifest's
    size and sha256. `shipped` (default: only for the course's own weights folder) also
    requires the sha256 pinned in code (`SHIPPED_SHA256`). `load=True` also loads each file
    into its architecture and checks that the model's outputs are not degenerate
    (`output_problem`: e.g. all zeros).
    """
    folder = resolve_weights_dir(weights_dir)
    missing = missing_weights_message(folder)
    if missing:
        return [missing]
    entries = read_manifest(folder, validate=False)
    if not entries:
        return [f"{folder / MANIFEST_NAME}: no entries"]
    if shipped is None:
        shipped = is_course_folder(folder)
    problems = []
    for name, entry in entries.items():
        if name not in SPECS:
            problems.append(f"{name}: unknown model name in {folder / MANIFEST_NAME}")
            continue
        found = entry_problems(name, entry, folder) or check_file(folder / entry["file"], entry)
        if not found and shipped:
            found = [p for p in [shipped_problem(name, entry, folder)] if p]
        if not found and load:
            try:
                model = build_model(name)
                load_weights_file(model, folder / entry["file"], entry["architecture"])
                problem = output_problem(name, model)
                if problem:
                    found = [f"{folder / entry['file']}: {problem}"]
            except (WeightsError, ValueError, OSError) as err:
                found = [f"{folder / entry['file']}: does not load: {err}"]
        problems.extend(found)
    return problems


def output_problem(name: str, model) -> str | None:
    """Why `model`'s outputs look broken (non-finite, constant, or ignoring its input), or
    None when they look like a model's.

    Runs it on a few fixed inputs: MNIST generators on 8 noise vectors z ~ N(0, I) (the cGAN
    with labels 0-7), Pix2Pix generators on 2 random (256,256,3) images in [-1, 1], the
    classifier/parser on random images of their input shape. A trained model maps different
    inputs to different outputs; weights zeroed, or overwritten with a constant, do not
    (the tampered file of issue 16 sampled all zeros).
    """
    from course_lib import models

    rng = np.random.default_rng(12345)
    if name in MNIST_GENERATORS:
        z = rng.standard_normal((8, models.NOISE_DIM)).astype(np.float32)
        if name == "cgan":
            out = model(z, np.eye(models.NUM_CLASSES, dtype=np.float32)[np.arange(8)],
                        training=False)
        else:
            out = model(z, training=False)
    elif name in PIX2PIX_GENERATORS:
        images = rng.uniform(-1, 1, (2, 256, 256, 3)).astype(np.float32)
        out = np.stack([translate_image(model, im, seed=0) for im in images])
    else:
        shape = tuple(model.input_shape[1:])
        out = model(rng.uniform(-1, 1, (4, *shape)).astype(np.float32), training=False)
    out = np.asarray(out, np.float64)
    if not np.isfinite(out).all():
        return "its outputs contain NaN or infinity"
    spread = float(np.abs(out - out[:1]).max())
    if out.std() < 1e-4 or spread < 1e-4:
        return (f"its outputs are degenerate: constant {float(out.mean()):.4g} for every input "
                f"(std {out.std():.2g}); trained weights give different outputs for different "
                "inputs")
    return None
