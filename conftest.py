"""Session-wide pytest setup, shared by the unit tests and the nbval notebook runs.

`python -m pytest` is a user's command: it must pass on a fresh clone with no data mirror and
no network. So, before any test or notebook kernel starts (kernels inherit this environment):

* `COURSE_FAST` defaults to 1 (tests are about correctness, not the lessons' hours of training);
  an explicit `COURSE_FAST=0` is respected.
* `COURSE_DATA_DIR` / `COURSE_WEIGHTS_DIR` are made absolute: nbval starts each kernel inside
  `notebooks/`, where a relative path such as `../shared/data` would point somewhere else.

Tests that execute notebooks or train for minutes carry `@pytest.mark.slow` (nbval's notebook
cells get it here), so `python -m pytest -m "not slow"` is the quick unit-test run.

Tests that need a real dataset carry `@pytest.mark.needs_data("facades", ...)` and are skipped,
with a reason naming the dataset and how to get it, when it is not on this machine. The notebook
checks (nbval) compare outputs stored from runs on the real data, so a notebook whose datasets
are absent is skipped the same way instead of being run on the embedded sample.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("COURSE_FAST", "1")
for _var in ("COURSE_DATA_DIR", "COURSE_WEIGHTS_DIR"):
    if os.environ.get(_var):
        os.environ[_var] = str(Path(os.environ[_var]).expanduser().resolve())

# Datasets each notebook's stored outputs were made from (any one of a tuple's alternatives).
NOTEBOOK_DATA: dict[str, tuple[tuple[str, ...], ...]] = {
    "01_gan_mnist.ipynb": (("mnist",),),
    "02_gan_vs_cgan_maxout.ipynb": (("mnist",),),
    "03_pix2pix_facades.ipynb": (("facades",),),
    "04_sketch_to_pokemon.ipynb": (("sketch2pokemon", "pokemon_art"),),
    "05_project_segmentation_to_street.ipynb": (("cityscapes",),),
}


def missing_data_reason(names: tuple[str, ...]) -> str | None:
    """None when dataset `names[0]` (or an alternative in `names`) is on this machine; else a
    skip reason naming it, where it was looked for, and how to get it."""
    from course_lib import data

    if any(data.find_local(name) is not None for name in names):
        return None
    spec = data.DATASETS[names[0]]
    alternatives = f" (or {', '.join(names[1:])})" if names[1:] else ""
    return (f"needs the real {names[0]} dataset{alternatives}, not found in "
            f"{', '.join(str(r) for r in data.search_roots())}. Get it: {spec.how_to_get} "
            f"Or set COURSE_DATA_DIR to a folder holding {spec.layout}, or run "
            f"`python -m course_lib data import {names[0]} ARCHIVE`.")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "needs_data(*names): skip unless these real datasets are on this machine")
    config.addinivalue_line(
        "markers", "slow: executes notebooks or trains for minutes; `pytest -m 'not slow'` "
        "leaves these out (every nbval notebook cell counts as slow)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        groups: list[tuple[str, ...]] = []
        for mark in item.iter_markers("needs_data"):
            groups += [(name,) for name in mark.args]
        path = Path(str(getattr(item, "path", item.fspath)))
        if path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)
            groups += NOTEBOOK_DATA.get(path.name, ())
        for names in groups:
            reason = missing_data_reason(names)
            if reason:
                where = "notebook outputs were stored from the real data; " \
                    if path.suffix == ".ipynb" else ""
                item.add_marker(pytest.mark.skip(reason=where + reason))
                break
