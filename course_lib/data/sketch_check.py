"""Is a folder of pairs really Sketch2Pokemon? The content check run on every import/verify.

Sizes and formats cannot tell facades from sketches; this looks at what the pairs show.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from course_lib.data.storage import known_files, sha256_file
from course_lib.pixels import split_pair

# A sketch half must be mostly light background (pixels whose darkest channel is > 200) and
# nearly grey (mean max-min channel spread, in 0-255 levels). Measured: Sketch2Pokemon-style
# sketches (course_lib's derived ones) 0.85-0.94 light, spread 0; facades photos 0.01-0.09
# light, spread 13-53; cityscapes photos 0.00-0.03 light.
SKETCH_MIN_LIGHT = 0.5
SKETCH_MAX_SPREAD = 25.0
SKETCH_SAMPLE = 16  # pairs looked at (evenly spread over the dataset)


def _sketch_half_stats(path: Path, input_side: str = "left") -> tuple[float, float]:
    """(light fraction, mean channel spread) of the input half of a 512x256 pair file."""
    from PIL import Image

    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB"), dtype=np.int16)
    half, _ = split_pair(rgb, input_side)
    light = float((half.min(axis=2) > 200).mean())
    spread = float((half.max(axis=2) - half.min(axis=2)).mean())
    return light, spread


def check_sketch_pairs(files: Sequence[Path]) -> list[str]:
    """Problems if `files` are not sketch|colour pairs (sketch on the LEFT), e.g. facades.

    Looks at up to SKETCH_SAMPLE pairs: files another dataset's manifest knows by sha256 are
    named as that dataset's; otherwise at least 3 in 4 must have a sketch-like left half.
    """
    files = list(files)
    picked = [files[i] for i in np.linspace(0, len(files) - 1,
                                            min(SKETCH_SAMPLE, len(files))).astype(int)]
    known = known_files()
    foreign = [known[d] for d in map(sha256_file, picked) if d in known]
    if len(foreign) * 2 > len(picked):
        dataset = foreign[0].split("/")[0]
        return [f"sketch2pokemon: expected sketch|colour pairs, found the {dataset} dataset "
                f"({len(foreign)} of {len(picked)} sampled files are listed in its manifest, "
                f"e.g. {foreign[0]})"]
    bad = []
    for path in picked:
        light, spread = _sketch_half_stats(path)
        if light < SKETCH_MIN_LIGHT or spread > SKETCH_MAX_SPREAD:
            bad.append((path, light, spread))
    if len(bad) * 4 > len(picked):
        path, light, spread = bad[0]
        return [f"sketch2pokemon: expected sketch|colour pairs (left half a sketch: at least "
                f"{SKETCH_MIN_LIGHT:.0%} light background, colour spread at most "
                f"{SKETCH_MAX_SPREAD:g}), found {len(bad)} of {len(picked)} sampled pairs "
                f"without one, e.g. {path.parent.name}/{path.name}: {light:.0%} light, "
                f"spread {spread:.0f}"]
    return []
