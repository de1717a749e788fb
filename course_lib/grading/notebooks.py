"""Reading, writing and finding notebook files (nbformat is imported on first use)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def notebooks_in(paths: Iterable[str | Path], recursive: bool = False) -> list[Path]:
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            it = p.rglob("*.ipynb") if recursive else p.glob("*.ipynb")
            found += sorted(q for q in it if ".ipynb_checkpoints" not in q.parts)
        else:
            found.append(p)
    return found


def read_notebook(path: Path):
    import nbformat

    return nbformat.read(str(path), as_version=4)


def dumps_notebook(nb) -> str:
    import nbformat

    return nbformat.writes(nb) + "\n"
