"""The shape of `course_lib` itself: small modules, no import cycles, no reach into the checkout.

These are the structural promises of the library (one concern per module, readable in one
sitting, installable on its own), checked on the source so a regression names the file.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "course_lib"
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the package (packages via __init__)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imported(module: str, path: Path, known: set[str]) -> set[str]:
    """course_lib modules that `module` imports anywhere in its file (function bodies too)."""
    is_package = path.name == "__init__.py"
    edges = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import name`: name may be a submodule or an attribute of pkg
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `import course_lib.a.b` -> nearest module
                target = target.rpartition(".")[0]
            if target and target != module:
                edges.add(target)
    return edges


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def test_every_module_is_at_most_400_lines():
    too_long = {name: n for name, path in _modules().items()
                if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"


def test_no_import_cycle_between_modules():
    modules = _modules()
    graph = {name: _imported(name, path, set(modules)) for name, path in modules.items()}
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_package_does_not_reach_into_the_checkout():
    """Nothing in course_lib imports benchmarks/ or reads the repository's notebooks/."""
    offenders = []
    for name, path in _modules().items():
        text = path.read_text(encoding="utf-8")
        for needle in ("import benchmarks", "from benchmarks", "repo_root", '/ "notebooks"',
                       "/ 'notebooks'", '/ "instructor"'):
            if needle in text:
                offenders.append(f"{name}: {needle}")
    assert not offenders, offenders
